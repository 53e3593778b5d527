"""`antei calendar …`: the special-date kit and business days for scripts and test plans
(A2-SWA-1, A2-SWC-3, M-2.8, C10). Bad input exits 2 with one line on stderr."""

from __future__ import annotations

import csv
import io
import json

import pytest

from antei import cli

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["calendar", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_next_business_day_crosses_the_year_end_closure(capsys):
    code, out, _ = run(capsys, "next-business-day", "2026-12-30")
    assert code == 0 and out == "2027-01-04\n"


def test_business_days_lists_one_date_a_line(capsys):
    code, out, err = run(capsys, "business-days", "--from", "2026-12-28", "--to", "2027-01-06")
    assert code == 0
    assert out.split() == ["2026-12-28", "2026-12-29", "2026-12-30", "2027-01-04",
                           "2027-01-05", "2027-01-06"]
    assert "6 business days" in err


def test_special_dates_as_csv_include_the_leap_day(capsys):
    code, out, _ = run(capsys, "special-dates", "--from", "2028-02-01", "--to", "2028-03-31",
                       "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["date", "code", "text", "catalog"]
    leap = [r for r in rows if r[1] == "leap_day"]
    assert leap == [["2028-02-29", "leap_day", leap[0][2], "A2-SWC-3"]]
    assert leap[0][2].startswith("2028年2月29日（閏日）")  # Japanese unless --lang en


def test_special_dates_as_json_in_english(capsys):
    code, out, _ = run(capsys, "special-dates", "--from", "2028-02-01", "--to", "2028-03-31",
                       "--format", "json", "--lang", "en")
    assert code == 0
    rows = json.loads(out)
    leap = next(row for row in rows if row["date"] == "2028-02-29")
    assert leap["reasons"][0]["code"] == "leap_day"
    assert leap["reasons"][0]["text"].startswith("29 February 2028")


def test_special_dates_table(capsys):
    code, out, _ = run(capsys, "special-dates", "--from", "2028-02-29", "--to", "2028-02-29")
    assert code == 0 and out.startswith("2028-02-29  leap_day")


def test_check_rule_lists_the_months_without_a_31st(capsys):
    code, out, _ = run(capsys, "check-rule", "day 31", "--years", "1", "--from-year", "2027")
    assert code == 0
    assert "2027-02  rule_unsatisfiable" in out
    months = {line[:7] for line in out.splitlines() if "rule_unsatisfiable" in line}
    # No 31st in Feb, Apr, Jun, Sep, Nov; 31 Jan, Jul and Oct 2027 are weekends and the
    # rule skips closed days by default.
    assert {"2027-02", "2027-04", "2027-06", "2027-09", "2027-11"} <= months
    assert "2027-03" not in months


def test_check_rule_happy_path(capsys):
    code, out, _ = run(capsys, "check-rule", "last business day", "--years", "2",
                       "--from-year", "2027")
    assert code == 0 and "(24 dates in 2 years)" in out
    assert "every month fires as the rule reads" in out


def test_a_bad_rule_exits_2_with_one_line(capsys):
    code, out, err = run(capsys, "check-rule", "day 25 fortnightly", "--from-year", "2027")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "fortnightly" in err and err.startswith("antei: ")


def test_a_range_over_200_years_exits_2(capsys):
    code, _, err = run(capsys, "check-rule", "day 1", "--years", "500", "--from-year", "1950")
    assert code == 2 and "200" in err


def test_from_after_to_exits_2(capsys):
    code, _, err = run(capsys, "business-days", "--from", "2027-03-01", "--to", "2027-02-01")
    assert code == 2 and err.startswith("antei: invalid_input: to:")


def test_unknown_calendar_exits_3(capsys):
    code, _, err = run(capsys, "next-business-day", "2027-01-01", "--calendar", "NOPE")
    assert code == 3 and "NOPE" in err


def test_an_impossible_date_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["calendar", "business-days", "--from", "2027-02-30", "--to", "2027-03-01"])
    assert caught.value.code == 2
    assert "'2027-02-30' is not a date" in capsys.readouterr().err
