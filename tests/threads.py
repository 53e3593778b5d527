"""Running database work on other threads, for tests of concurrent writers.

`in_thread(fn)` runs `fn` on its own thread (and so its own database connection) and returns
its value or re-raises its exception. The `threads_database` fixture (tests/conftest.py) is
where such threads connect: the PostgreSQL test database, or on SQLite a migrated file with
the production settings (WAL, IMMEDIATE, busy timeout), because the in-memory test database
is a shared cache whose table locks fail at once ("database table is locked") instead of
waiting, which a real install never does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection, connections


def in_thread(fn: Callable[[], Any]) -> Any:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the caller
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def file_database(directory: Path) -> Iterator[None]:
    """The body of the `threads_database` fixture."""
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(directory / "antei.sqlite3")
    try:
        in_thread(lambda: call_command("migrate", verbosity=0, interactive=False))
        yield
    finally:
        settings_dict["NAME"] = original
