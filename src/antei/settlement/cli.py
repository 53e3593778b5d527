"""`antei settlement …`: the unprocessed-payment desk from a terminal.

    antei settlement import FILE --incident ID [--format zengin|csv|xlsx] [--kind 21]
                                [--channel zengin] [--department 為替部] [--branch 101]
    antei settlement plan --incident ID       per channel: clearing time, missed cut-off,
                                              manual feasibility; the head of the queue
    antei settlement export --incident ID --out DIR [--counterparty CODE]
                                [--max-records N] [--account-padding zero|space]

A refused import prints every problem (record/row and field) and exits 2; nothing is
written. Catalog: A1-II-4, A1-II-13, A2-SWA-6, A2-RESP-3, C03.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

FORMATS_BY_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def register(sub: Any) -> None:
    settlement = sub.add_parser("settlement", help="unprocessed-payment desk").add_subparsers(
        dest="action", required=True)
    imp = settlement.add_parser("import", help="import a backlog file for an incident")
    imp.add_argument("file", type=Path)
    imp.add_argument("--incident", type=int, required=True)
    imp.add_argument("--format", choices=["zengin", "csv", "xlsx"],
                     help="default: by suffix (.csv, .xlsx), else zengin")
    imp.add_argument("--kind", choices=["21", "11", "12", "91"],
                     help="expected 種別コード (zengin) or the kind of CSV/Excel items")
    imp.add_argument("--channel", default="zengin")
    imp.add_argument("--department", default="")
    imp.add_argument("--source-system", default="")
    imp.add_argument("--branch", default="")
    imp.set_defaults(func=cmd_import)

    plan = settlement.add_parser("plan", help="when the backlog clears, what misses cut-off")
    plan.add_argument("--incident", type=int, required=True)
    plan.add_argument("--top", type=int, default=10, help="queue head to show, explained")
    plan.set_defaults(func=cmd_plan)

    export = settlement.add_parser("export", help="resend volumes and branch lists to DIR")
    export.add_argument("--incident", type=int, required=True)
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--counterparty")
    export.add_argument("--max-records", type=int)
    export.add_argument("--account-padding", choices=["zero", "space"])
    export.set_defaults(func=cmd_export)


def _actor() -> Any:
    from antei.core.actor import cli_actor

    return cli_actor()


def cmd_import(args: argparse.Namespace) -> int:
    from antei.core.errors import InvalidInput
    from antei.settlement import services

    fmt = args.format or FORMATS_BY_SUFFIX.get(args.file.suffix.lower(), "zengin")
    try:
        batch, created = services.import_batch(
            actor=_actor(), incident_id=args.incident, format=fmt, data=args.file.read_bytes(),
            file_name=args.file.name, kind=args.kind, channel=args.channel,
            department=args.department, source_system=args.source_system, branch=args.branch)
    except InvalidInput as exc:
        for error in exc.errors:
            print(f"{error.field}\t{error.rule}\t{error.message}")
        print(f"refused: {len(exc.errors)} problem(s) shown; nothing imported")
        return exc.exit_code
    verb = "imported" if created else "already imported (nothing written)"
    print(f"batch {batch.pk} {verb}: {batch.item_count:,} items, {batch.total_amount:,} yen, "
          f"kind {batch.kind}, sha256 {batch.content_hash[:16]}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from antei.core import clock
    from antei.settlement import presenting, selectors

    zone = clock.display_zone()
    selectors.get_incident(args.incident)
    result = selectors.plan(args.incident)
    plan = result.plan

    def at(value: Any) -> str:
        return f"{value.astimezone(zone):%Y-%m-%d %H:%M}" if value else "-"

    print(f"business day {plan.business_day}; now {at(plan.now)}; clears {at(plan.clears_at)}")
    print("channel    open    same-day  /min  cut-off           clears            missed"
          "  manual(min)  staff  feasible")
    for c in plan.channels:
        print(f"{c.channel:10} {c.count:7,} {c.same_day_count:9,} {c.items_per_minute:5} "
              f"{at(c.cutoff):17} {at(c.clears_at):17} {c.missed_count:7,} "
              f"{c.manual_minutes:11,.1f} {c.staff_available:6} "
              f"{'yes' if c.manual_feasible else 'NO'}")
    for entry in selectors.top_of_queue(result, args.top):
        item = entry["item"]
        reasons = "; ".join(presenting.reasons_text(entry["reasons"]))
        print(f"#{entry['position']:<5} {at(entry['expected_at'])} {item.amount:>14,} "
              f"{item.settlement_date} {item.channel:8} {item.branch:5} {reasons}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from antei.settlement import exports

    built = exports.build(actor=_actor(), incident_id=args.incident,
                          counterparty=args.counterparty, max_records=args.max_records,
                          account_padding=args.account_padding)
    args.out.mkdir(parents=True, exist_ok=True)
    written = built.write_to(args.out)
    for volume in built.volumes:
        print(f"zengin/{volume.name}\t{volume.count:,} records\t{volume.total:,} yen")
    print(f"{len(built.volumes)} volume(s), {len(built.branch_lists)} branch list(s), "
          f"all read back and reconciled; {len(written)} files in {args.out}")
    return 0
