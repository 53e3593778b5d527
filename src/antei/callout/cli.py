"""`antei page …` and `antei contacts …`: acknowledge and test contacts from a terminal.

    antei page ack ID                   acknowledge page ID (stops the escalation)
    antei page list INCIDENT_ID         who was paged, by what, and who has NOT acknowledged
    antei contacts verify --all         send a test to every contact point
    antei contacts verify --id N        … to one contact point
    antei contacts status               people without a verified contact are flagged
    antei callout smtp-inbox [--host H] [--port N]   acknowledge pages by e-mail reply

Catalog: C02, A2-RESP-1.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    page = sub.add_parser("page", help="call-out pages").add_subparsers(dest="action",
                                                                       required=True)
    ack = page.add_parser("ack", help="acknowledge a page")
    ack.add_argument("id", type=int)
    ack.set_defaults(func=cmd_ack)
    ls = page.add_parser("list", help="an incident's pages")
    ls.add_argument("incident", type=int)
    ls.set_defaults(func=cmd_list)

    contacts = sub.add_parser("contacts", help="contact verification").add_subparsers(
        dest="action", required=True)
    verify = contacts.add_parser("verify", help="send test messages to be acknowledged")
    which = verify.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true")
    which.add_argument("--id", type=int)
    verify.add_argument("--window", type=int, default=60, help="minutes to acknowledge")
    verify.set_defaults(func=cmd_verify)
    contacts.add_parser("status", help="verification status").set_defaults(func=cmd_status)

    callout = sub.add_parser("callout", help="call-out services").add_subparsers(
        dest="action", required=True)
    inbox = callout.add_parser("smtp-inbox", help="acknowledge pages from e-mail replies")
    inbox.add_argument("--host", default="127.0.0.1")
    inbox.add_argument("--port", type=int, default=2525)
    inbox.set_defaults(func=cmd_smtp_inbox)


def _actor() -> Any:
    from antei.core.actor import cli_actor

    return cli_actor()


def cmd_ack(args: argparse.Namespace) -> int:
    from antei.callout import services

    page = services.acknowledge_page(actor=_actor(), page_id=args.id)
    print(f"page {page.pk} acknowledged ({page.person.name}); escalation stopped")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from antei.callout import selectors
    from antei.core import clock

    zone = clock.display_zone()
    view = selectors.callout_view(_actor(), args.incident)
    for p in view["pages"]:
        sent = f"{p['sent_at'].astimezone(zone):%m-%d %H:%M}" if p["sent_at"] else "-"
        print(f"{p['id']:>5} step {p['step']} {p['person_name']:<12} {p['status']:<12} "
              f"{p['channel'] or '-':<8} {sent}")
    print(f"acknowledged: {', '.join(view['acknowledged']) or '-'}")
    print(f"NOT acknowledged: {', '.join(view['not_acknowledged']) or '-'}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from antei.callout import services

    if args.all:
        rows = services.verify_all(actor=_actor(), window_minutes=args.window)
    else:
        rows = [services.verify_contact_point(actor=_actor(), contact_id=args.id,
                                              window_minutes=args.window)]
    for row in rows:
        cp = row.contact_point
        print(f"{cp.person.code} {cp.kind:<8} {cp.address:<40} {row.status}")
    failed = sum(1 for r in rows if r.status == "failed")
    print(f"{len(rows)} test messages, {failed} failed to send")
    return 0 if not failed else 1


def cmd_status(args: argparse.Namespace) -> int:
    from antei.callout import selectors

    for row in selectors.verification_status(_actor()):
        flag = "" if row.has_verified_contact else "  NO VERIFIED CONTACT"
        print(f"{row.code} {row.name}{flag}")
        for c in row.contacts:
            print(f"    {c['kind']:<8} {c['address']:<40} verified={c['verified_at'] or '-'} "
                  f"last={c['last_result'] or '-'}")
    return 0


def cmd_smtp_inbox(args: argparse.Namespace) -> int:
    from antei.callout import inbox

    print(f"antei: acknowledging replies on smtp://{args.host}:{args.port}/", flush=True)
    inbox.serve(args.host, args.port)
    return 0
