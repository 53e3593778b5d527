"""`antei limits …`: import measurements and read forecasts from a terminal.

    antei limits import FILE             CSV with columns limit (id or SYSTEM/name or
                                         SYSTEM/component/name), at (ISO-8601), value;
                                         one bad row refuses the file, every bad row listed
    antei limits import-batch-runs FILE  CSV with columns system, job, started_at, ended_at
                                         (ISO-8601), records (may be empty); one bad row
                                         refuses the file, every bad row listed
    antei limits forecast [--system S]   limit, days to breach, breach date, interval, warnings
    antei limits pull                    pull PromQL-mapped limits from ANTEI_PROMETHEUS_URL

Catalog: C07, M-2.3, A2-SWA-8, A2-PERF-SET-3.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    limits = sub.add_parser("limits", help="capacity and upper limits").add_subparsers(
        dest="action", required=True)
    imp = limits.add_parser("import", help="import measurements from a CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import)
    runs = limits.add_parser("import-batch-runs", help="import batch job runs from a CSV file")
    runs.add_argument("file", type=Path)
    runs.set_defaults(func=cmd_import_batch_runs)
    fc = limits.add_parser("forecast", help="breach forecasts, soonest first")
    fc.add_argument("--system", default=None)
    fc.set_defaults(func=cmd_forecast)
    limits.add_parser("pull", help="pull measurements from Prometheus").set_defaults(
        func=cmd_pull)


def _actor() -> Any:
    from antei.core.actor import cli_actor

    return cli_actor()


def cmd_import(args: argparse.Namespace) -> int:
    from antei.capacity import services
    from antei.core.errors import InvalidInput

    text = args.file.read_text(encoding="utf-8-sig")
    try:
        written = services.import_csv(actor=_actor(), text=text)
    except InvalidInput as exc:
        print(f"antei: {args.file}: nothing imported; fix these rows:", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e.field}: {e.rule}: {e.message}", file=sys.stderr)
        return exc.exit_code
    print(f"{written} measurements imported from {args.file}")
    return 0


def cmd_import_batch_runs(args: argparse.Namespace) -> int:
    from antei.capacity import services
    from antei.core.errors import InvalidInput

    text = args.file.read_text(encoding="utf-8-sig")
    try:
        written = services.import_batch_runs_csv(actor=_actor(), text=text)
    except InvalidInput as exc:
        print(f"antei: {args.file}: nothing imported; fix these rows:", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e.field}: {e.rule}: {e.message}", file=sys.stderr)
        return exc.exit_code
    print(f"{written} batch runs imported from {args.file}")
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from antei.capacity import forecasting

    rows = forecasting.forecast_limits(_actor(), system=args.system)
    print(f"{'limit':<44} {'days':>5} {'breach':<10} {'interval':<23} warnings")
    for r in rows:
        where = r["component"] or r["system"]
        label = f"#{r['id']} {r['system']} {where} {r['name']}"[:44]
        days = "-" if r["days_to_breach"] is None else str(r["days_to_breach"])
        lo, hi = r["interval"]
        interval = f"{lo or '-'}..{hi or 'later'}" if lo else "-"
        codes = ",".join(w["code"] for w in r["warnings"]) or "-"
        print(f"{label:<44} {days:>5} {r['breach_at'] or '-':<10} {interval:<23} {codes}")
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    from antei.capacity import prometheus

    result = prometheus.pull(actor=_actor())
    print(f"{result['limits']} limits pulled, {result['written']} measurements written, "
          f"{len(result['errors'])} failed")
    for e in result["errors"]:
        print(f"  {e}", file=sys.stderr)
    return 0 if not result["errors"] else 1
