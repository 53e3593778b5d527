"""The `antei` command: antei's own verbs, with Django management underneath.

    antei serve [--port N]         serve UI + API (gunicorn) on 127.0.0.1
    antei worker                   run background tasks (django-tasks database backend)
    antei migrate                  create or upgrade the database schema
    antei demo                     load the demo institution (idempotent)
    antei setup                    migrate, load the demo, make sure an admin can log in
    antei user create --username U --role R [--vendor CODE]   (password from stdin)
    antei token create --username U [--name N]                (prints the token once)
    antei audit verify             check the hash chain; names the first tampered entry
    antei calendar …               business days, special dates (see antei.calendars.cli)
    antei incident open|list|report   the incident desk (see antei.incidents.cli)
    antei page ack ID · antei contacts verify --all   call-out (see antei.callout.cli)
    antei settlement import|plan|export              payment backlog (see antei.settlement.cli)

Anything else is passed to Django's management commands (e.g. `antei shell`).
Errors print one line and exit with the code of their class (antei.core.errors):
2 invalid input, 3 not found, 4 conflict, 5 not allowed, 1 anything else.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from antei.core.actor import Actor


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antei.settings")
    import django

    django.setup()


def cli_actor() -> Actor:
    from antei.core.actor import cli_actor as actor

    return actor()


def cmd_serve(args: argparse.Namespace) -> int:
    port = args.port or int(os.environ.get("ANTEI_PORT", "8000"))
    host = args.host or os.environ.get("ANTEI_HOST", "127.0.0.1")
    workers = str(args.workers or os.environ.get("ANTEI_WEB_WORKERS", "2"))
    argv = [
        sys.executable, "-m", "gunicorn", "antei.wsgi:application",
        "--bind", f"{host}:{port}", "--workers", workers, "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", "10",
    ]
    print(f"antei: serving on http://{host}:{port}/  (API docs: /api/v1/docs)", flush=True)
    os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
    return 0  # pragma: no cover


def cmd_worker(args: argparse.Namespace) -> int:
    """Run queued tasks, and claim the cron table's slots every few seconds (see
    antei.core.scheduler): several workers may run; each slot is enqueued once."""
    import threading
    import time

    from django.core.management import call_command
    from django.db import close_old_connections

    from antei.core import scheduler

    stop = threading.Event()

    def tick() -> None:
        while not stop.is_set():
            close_old_connections()
            try:
                scheduler.run_due()
            except Exception:  # a failed tick must not stop the worker; logged, retried
                scheduler.log.exception("scheduler tick failed")
            stop.wait(5)

    threading.Thread(target=tick, name="antei-scheduler", daemon=True).start()
    try:
        call_command("db_worker", interval=1)
    finally:
        stop.set()
        time.sleep(0)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from antei import demo
    from antei.core.actor import system_actor

    summary = demo.load(actor=system_actor())
    print(summary)
    return 0


def ensure_admin(username: str = "admin") -> tuple[str, str | None]:
    """Make sure an admin can log in. Returns (username, password or None if unchanged)."""
    from antei.core import services
    from antei.core.models import User

    wanted = os.environ.get("ANTEI_ADMIN_PASSWORD")
    exists = User.objects.filter(username=username).exists()
    if exists and not wanted:
        return username, None
    password = wanted or secrets.token_urlsafe(12)
    if exists:
        services.set_password(actor=cli_actor(), username=username, password=password)
    else:
        services.create_user(actor=cli_actor(), username=username, role="admin",
                             password=password)
    return username, password


def cmd_setup(args: argparse.Namespace) -> int:
    cmd_migrate(args)
    cmd_demo(args)
    username, password = ensure_admin()
    if password is None:
        print(f"antei: admin user '{username}' exists; password unchanged "
              "(set ANTEI_ADMIN_PASSWORD to reset it)")
    elif os.environ.get("ANTEI_ADMIN_PASSWORD"):
        print(f"antei: admin user '{username}' uses the password from ANTEI_ADMIN_PASSWORD")
    else:
        print(f"antei: admin user '{username}' created with password: {password}")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    from antei.core import services
    from antei.core.actor import system_actor
    from antei.org import selectors as org_selectors

    password = sys.stdin.readline().rstrip("\n")
    vendor_id = None
    if args.vendor:
        vendor_id = org_selectors.get_vendor(system_actor(), args.vendor).pk
    user = services.create_user(actor=cli_actor(), username=args.username, role=args.role,
                                password=password, vendor_id=vendor_id, email=args.email or "")
    print(f"created user {user.username} ({user.role})")
    return 0


def cmd_user_update(args: argparse.Namespace) -> int:
    """Change a role or switch a login off/on (offboarding stops its tokens too)."""
    from antei.core import services
    from antei.core.actor import system_actor
    from antei.org import selectors as org_selectors

    vendor_id = None
    if args.vendor:
        vendor_id = org_selectors.get_vendor(system_actor(), args.vendor).pk
    active = None if args.active is None else args.active == "on"
    user = services.update_user(actor=cli_actor(), username=args.username, role=args.role,
                                vendor_id=vendor_id, is_active=active)
    state = "enabled" if user.is_active else "switched off"
    print(f"user {user.username}: {user.role}, {state}")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from antei.core import services

    print(services.create_token(actor=cli_actor(), username=args.username, name=args.name))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from antei.core import audit

    result = audit.verify()
    if result.ok:
        print(f"OK: {result.checked} entries, chain intact")
        return 0
    print(f"TAMPERED: entry {result.first_bad_seq}: {result.problem} "
          f"({result.checked} entries verified before it)")
    return 6


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antei", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web UI and API")
    serve.add_argument("--port", type=int)
    serve.add_argument("--host")
    serve.add_argument("--workers", type=int)
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("worker", help="run background tasks").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="migrate the database").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo institution").set_defaults(func=cmd_demo)
    sub.add_parser("setup", help="migrate, demo, admin user").set_defaults(func=cmd_setup)

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action",
                                                                       required=True)
    create = user.add_parser("create", help="create a user; password read from stdin")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True,
                        help="admin|operator|business|risk|auditor|executive|vendor")
    create.add_argument("--vendor", help="vendor code (role vendor only)")
    create.add_argument("--email")
    create.set_defaults(func=cmd_user_create)
    update = user.add_parser("update", help="change a role, or switch a login off or on")
    update.add_argument("--username", required=True)
    update.add_argument("--role")
    update.add_argument("--vendor", help="vendor code (role vendor only)")
    update.add_argument("--active", choices=["on", "off"])
    update.set_defaults(func=cmd_user_update)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action",
                                                                     required=True)
    tcreate = token.add_parser("create", help="issue a bearer token (printed once)")
    tcreate.add_argument("--username", required=True)
    tcreate.add_argument("--name", default="")
    tcreate.set_defaults(func=cmd_token_create)

    audit_cmd = sub.add_parser("audit", help="audit log").add_subparsers(dest="action",
                                                                        required=True)
    audit_cmd.add_parser("verify", help="verify the hash chain").set_defaults(
        func=cmd_audit_verify)

    from antei.alerts import cli as alerts_cli
    from antei.calendars import cli as calendar_cli
    from antei.callout import cli as callout_cli
    from antei.capacity import cli as capacity_cli
    from antei.incidents import cli as incident_cli
    from antei.settlement import cli as settlement_cli

    calendar_cli.register(sub)
    incident_cli.register(sub)
    callout_cli.register(sub)
    settlement_cli.register(sub)
    capacity_cli.register(sub)
    alerts_cli.register(sub)
    return parser


def _verbs(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    known = _verbs(parser) | {"-h", "--help"}
    _setup_django()
    if argv and argv[0] not in known:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["antei", *argv])
        return 0
    args = parser.parse_args(argv)
    from antei.core.errors import AnteiError

    try:
        return int(args.func(args))
    except AnteiError as exc:
        print(f"antei: {exc.code}: {exc.message}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
