"""`antei incident …`: open, list and report from a terminal (when the browser is not there).

    antei incident open --title "勘定系オンライン停止" --rank 1 --system CORE [--system FX]
                        [--detected-at 2026-11-22T02:10+09:00] [--summary "…"]
    antei incident list [--status open,mitigated] [--rank 1]
    antei incident report ID --kind first [--lang ja|en]

Catalog: M-3.3, A1-II-5 (a first report in minutes, from wherever the operator is), C01.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO 8601 time") from exc
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' needs a UTC offset, e.g. +09:00")
    return value


def register(sub: Any) -> None:
    inc = sub.add_parser("incident", help="the incident desk (第1報, 続報, final)")
    verbs = inc.add_subparsers(dest="action", required=True)

    op = verbs.add_parser("open", help="open an incident; prints its number and deadlines")
    op.add_argument("--title", required=True)
    op.add_argument("--rank", type=int, required=True)
    op.add_argument("--system", action="append", default=[], dest="systems")
    op.add_argument("--business-function", action="append", default=[],
                    dest="business_functions")
    op.add_argument("--detected-at", type=_instant, help="default: now")
    op.add_argument("--occurred-at", type=_instant)
    op.add_argument("--summary", default="")
    op.add_argument("--regulator-profile", default="")
    op.set_defaults(func=cmd_open)

    ls = verbs.add_parser("list", help="list incidents, open ones first")
    ls.add_argument("--status")
    ls.add_argument("--rank", type=int)
    ls.add_argument("--system")
    ls.set_defaults(func=cmd_list)

    rp = verbs.add_parser("report", help="issue a report and print it")
    rp.add_argument("id", type=int)
    rp.add_argument("--kind", required=True,
                    choices=["first", "follow_up", "final", "regulator_initial",
                             "regulator_intermediate", "regulator_final"])
    rp.add_argument("--lang", choices=["ja", "en"], default="ja")
    rp.set_defaults(func=cmd_report)


def _actor() -> Any:
    from antei.core.actor import cli_actor

    return cli_actor()


def cmd_open(args: argparse.Namespace) -> int:
    from antei.core import clock
    from antei.incidents import selectors, services

    incident = services.open_incident(
        actor=_actor(), title=args.title, rank=args.rank, systems=args.systems,
        business_functions=args.business_functions,
        detected_at=args.detected_at or clock.now(), occurred_at=args.occurred_at,
        summary=args.summary, regulator_profile=args.regulator_profile)
    due = selectors.incident_deadlines(incident, now=clock.now())
    zone = clock.display_zone()
    print(f"{incident.number} (id {incident.pk}) opened: {incident.title}")
    print(f"  first report due   {due.first_report_due.astimezone(zone):%Y-%m-%d %H:%M %Z}")
    print(f"  management aware   {due.management_aware_due.astimezone(zone):%Y-%m-%d %H:%M %Z}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from antei.core import clock
    from antei.incidents import selectors

    zone = clock.display_zone()
    rows = selectors.list_incidents(_actor(), status=args.status, rank=args.rank,
                                    system=args.system)
    for i in rows.prefetch_related("reports")[:200]:
        overdue = selectors.incident_deadlines(i, now=clock.now()).overdue
        flag = f"  OVERDUE: {', '.join(overdue)}" if overdue and i.status == "open" else ""
        systems = ",".join(s.code for s in i.systems.all())
        print(f"{i.pk:>5} {i.number}  R{i.rank} {i.status:<10} "
              f"{i.detected_at.astimezone(zone):%Y-%m-%d %H:%M}  {systems:<12} {i.title}{flag}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from antei.incidents import services

    report = services.issue_report(actor=_actor(), incident_id=args.id, kind=args.kind)
    english = args.lang == "en"
    for line in report.lines:
        label = line["label_en"] if english else line["label_ja"]
        value = line["value_en"] if english else line["value_ja"]
        mark = (" (updated)" if english else "（更新）") if line["changed"] else ""
        print(f"{label}{mark}: {value}")
    return 0
