"""`antei calendar …`: business days and the special-date kit from the command line.

    antei calendar special-dates --from 2027-01-01 --to 2028-12-31 [--rule "…"]
                                 [--format table|csv|json] [--lang ja|en]
    antei calendar business-days --from 2027-01-01 --to 2027-01-31
    antei calendar next-business-day 2027-01-01
    antei calendar check-rule "day 25, or previous business day if closed" --years 10

Bad input (a date that does not exist, from > to, a rule that does not parse) exits 2 with
one line naming the problem.
"""


from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from typing import Any


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from exc


def register(sub: Any) -> None:
    cal = sub.add_parser("calendar", help="business calendar and special dates (特異日)")
    verbs = cal.add_subparsers(dest="action", required=True)

    sd = verbs.add_parser("special-dates", help="dates a test plan should cover, with reasons")
    sd.add_argument("--from", dest="start", type=_date, required=True)
    sd.add_argument("--to", dest="end", type=_date, required=True)
    sd.add_argument("--rule", action="append", default=[],
                    help="a job's rule, e.g. 'last business day' (repeatable)")
    sd.add_argument("--calendar", default="BANK")
    sd.add_argument("--format", choices=["table", "csv", "json"], default="table")
    sd.add_argument("--lang", choices=["ja", "en"], default="ja")
    sd.set_defaults(func=cmd_special_dates)

    bd = verbs.add_parser("business-days", help="list the business days in a range")
    bd.add_argument("--from", dest="start", type=_date, required=True)
    bd.add_argument("--to", dest="end", type=_date, required=True)
    bd.add_argument("--calendar", default="BANK")
    bd.set_defaults(func=cmd_business_days)

    nb = verbs.add_parser("next-business-day", help="the business day after DATE")
    nb.add_argument("date", type=_date)
    nb.add_argument("--calendar", default="BANK")
    nb.set_defaults(func=cmd_next_business_day)

    cr = verbs.add_parser("check-rule", help="months where a rule fires 0 or 2+ times")
    cr.add_argument("rule")
    cr.add_argument("--years", type=int, default=10)
    cr.add_argument("--from-year", type=int, default=date.today().year)  # noqa: DTZ011 - a year
    cr.add_argument("--calendar", default="BANK")
    cr.set_defaults(func=cmd_check_rule)


def cmd_special_dates(args: argparse.Namespace) -> int:
    from django.utils import translation

    from antei.calendars import selectors

    with translation.override(args.lang):
        rows = selectors.special_dates(args.calendar, args.start, args.end, rules=args.rule)
    if args.format == "json":
        print(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["date", "code", "text", "catalog"])
        for row in rows:
            for r in row["reasons"]:
                writer.writerow([row["date"], r["code"], r["text"], " ".join(r["catalog"])])
    else:
        for row in rows:
            first = True
            for r in row["reasons"]:
                print(f"{row['date'] if first else ' ' * 10}  {r['code']:<28} {r['text']}")
                first = False
    return 0


def cmd_business_days(args: argparse.Namespace) -> int:
    from antei.calendars import selectors

    days = selectors.business_days(args.calendar, args.start, args.end)
    for d in days:
        print(d.isoformat())
    print(f"# {len(days)} business days", file=sys.stderr)
    return 0


def cmd_next_business_day(args: argparse.Namespace) -> int:
    from antei.calendars import selectors

    print(selectors.around(args.calendar, args.date)["next_business_day"].isoformat())
    return 0


def cmd_check_rule(args: argparse.Namespace) -> int:
    from antei.calendars import selectors
    from antei.core.errors import InvalidInput

    if not 1 <= args.years <= 200:
        raise InvalidInput.one("years", "range_years", max=200)
    if not 1 <= args.from_year <= 9998:
        raise InvalidInput.one("from_year", "integer")
    result = selectors.evaluate_rule(args.rule, args.calendar, date(args.from_year, 1, 1),
                                     date(args.from_year + args.years - 1, 12, 31))
    print(f"rule: {result['canonical']}  ({result['count']} dates in {args.years} years)")
    for issue in result["issues"]:
        fires = ", ".join(d.isoformat() for d in issue["fires"]) or "-"
        print(f"{issue['year']}-{issue['month']:02d}  {issue['code']:<28} {fires}")
    if not result["issues"]:
        print("every month fires as the rule reads")
    return 0
