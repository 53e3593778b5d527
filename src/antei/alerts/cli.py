"""`antei alerts …`: monitoring integrations and alerts from a terminal.

    antei alerts integration create --kind K --name N [--system CODE]   prints the key once
                               [--outside-hours-severity warning]   pages at night too
    antei alerts integration rotate ID                                  prints the new key
    antei alerts list [--status firing] [--system CODE]
    antei alerts heartbeat add --integration ID --name N [--system CODE --component NAME]
                               [--every MINUTES]   what must check in (a standby process)
    antei alerts coverage          components with no monitoring at all (A2-OPS-MON-1)

Catalog: C07, A2-OPS-MON-1.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    alerts = sub.add_parser("alerts", help="alert intake").add_subparsers(dest="action",
                                                                          required=True)
    integ = alerts.add_parser("integration", help="monitoring sources").add_subparsers(
        dest="integration_action", required=True)
    create = integ.add_parser("create", help="register a source; prints its secret key")
    create.add_argument("--kind", required=True,
                        choices=["alertmanager", "grafana", "events", "messages", "heartbeat"])
    create.add_argument("--name", required=True)
    create.add_argument("--system", action="append", default=[], help="system code (repeat)")
    create.add_argument("--outside-hours-severity", default="",
                        choices=["", "critical", "error", "warning", "info"],
                        help="outside business hours, open an incident from this severity")
    create.set_defaults(func=cmd_create)
    rotate = integ.add_parser("rotate", help="a new key; the old one stops working")
    rotate.add_argument("id", type=int)
    rotate.set_defaults(func=cmd_rotate)
    ls = alerts.add_parser("list", help="alerts, firing first")
    ls.add_argument("--status", choices=["firing", "resolved"])
    ls.add_argument("--system")
    ls.add_argument("--limit", type=int, default=50)
    ls.set_defaults(func=cmd_list)
    hb = alerts.add_parser("heartbeat", help="dead-man's switches").add_subparsers(
        dest="heartbeat_action", required=True)
    add = hb.add_parser("add", help="register something that must check in")
    add.add_argument("--integration", type=int, required=True, help="heartbeat integration id")
    add.add_argument("--name", required=True)
    add.add_argument("--system")
    add.add_argument("--component")
    add.add_argument("--every", type=int, default=5, help="minutes between check-ins")
    add.add_argument("--grace", type=int, default=2, help="minutes of grace")
    add.set_defaults(func=cmd_heartbeat_add)
    alerts.add_parser("coverage", help="unmonitored critical/standby components").set_defaults(
        func=cmd_coverage)


def _actor() -> Any:
    from antei.core.actor import cli_actor

    return cli_actor()


def _url(kind: str, key: str) -> str:
    return f"/api/v1/heartbeats/{key}" if kind == "heartbeat" else f"/api/v1/intake/{kind}/{key}"


def cmd_create(args: argparse.Namespace) -> int:
    from antei.alerts import services

    integration, key = services.create_integration(actor=_actor(), kind=args.kind,
                                                   name=args.name, systems=args.system,
                                                   auto_incident_outside_hours_severity=(
                                                       args.outside_hours_severity))
    print(f"integration {integration.pk} {integration.name} ({integration.kind})")
    print(f"key: {key}   (shown once; only its hash is stored)")
    print(f"POST {_url(integration.kind, key)}")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    from antei.alerts import services

    integration, key = services.rotate_key(actor=_actor(), integration_id=args.id)
    print(f"integration {integration.pk} {integration.name}: new key {key}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from antei.alerts import selectors
    from antei.core import clock

    zone = clock.display_zone()
    rows = selectors.list_alerts(_actor(), status=args.status, system=args.system)[: args.limit]
    for a in rows:
        seen = a.last_seen.astimezone(zone)
        mute = " (silenced)" if a.silenced else ""
        print(f"{a.pk:>6} {a.status:<8} {a.severity:<8} {a.system.code if a.system else '-':<8} "
              f"x{a.count:<6} {seen:%m-%d %H:%M} {a.summary[:70]}{mute}")
    return 0


def cmd_heartbeat_add(args: argparse.Namespace) -> int:
    from antei.alerts import services

    hb = services.add_heartbeat(actor=_actor(), integration_id=args.integration,
                                name=args.name, system=args.system, component=args.component,
                                interval_minutes=args.every, grace_minutes=args.grace)
    print(f"heartbeat {hb.pk} {hb.name}: check in every {hb.interval_minutes} min "
          f"(+{hb.grace_minutes} grace) with POST /api/v1/heartbeats/<key> "
          f'{{"name": "{hb.name}"}}')
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from antei.alerts import selectors

    rows = selectors.coverage(_actor())
    for r in rows:
        print(f"{r.system:<10} {r.component:<20} {r.environment:<8} {r.reason}")
    print(f"{len(rows)} components with no monitoring at all")
    return 0 if not rows else 1
