"""Exit 0 when PostgreSQL answers at the given URL; try to start the local cluster once.

CI machines start PostgreSQL before the run; if it has stopped, starting it here is the
same command the machine uses, so the lane tests PostgreSQL instead of skipping it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import psycopg


def reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False


def try_start() -> None:
    if not shutil.which("pg_ctlcluster"):
        return
    from pathlib import Path

    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*"))
    if versions:
        subprocess.run(  # noqa: S603 - fixed arguments
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],  # noqa: S607
            check=False, capture_output=True,
        )


def main() -> int:
    url = sys.argv[1]
    if reachable(url):
        return 0
    try_start()
    for _ in range(20):
        if reachable(url):
            return 0
        time.sleep(0.5)
    return 1


if __name__ == "__main__":
    sys.exit(main())
