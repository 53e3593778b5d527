"""Calendar screens: the month grid (bank and channel calendars side by side, overrides,
special dates), the year at a glance, channel calendars, and the special-date kit (特異日)
as a table and as CSV for test plans.

Dates are the bank's dates (Asia/Tokyo). Everyone who may view calendars sees every
screen; only admins (Perm.CALENDAR_EDIT) see and may post the override and create forms.

Catalog: A2-PERF-SET-5 (channel calendars that disagree with the bank), A2-SWA-1 (month
start on a holiday), A2-SWC-3 (leap day, year-end closure), M-2.8, C10.
"""

from __future__ import annotations

import calendar as pycal
import csv
import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from holidays.countries.japan import Japan

from antei.calendars import selectors, services
from antei.calendars.forms import (
    SUNDAY_FIRST,
    WEEKDAY_SHORT,
    ChannelCalendarForm,
    OverrideForm,
    RemoveOverrideForm,
    SpecialDatesQuery,
)
from antei.calendars.models import BANK
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, NotFound
from antei.core.forms import INVALID, apply_errors, guarded, page
from antei.core.roles import Perm
from antei.kernels import bizcal

SPECIAL_PAGE_SIZE = 100  # dates per page of the special-date table (the CSV has them all)
# Short labels for the grid; the full sentence (specialdates' text) is the title and the
# list under the grid. Codes the engine adds later fall back to the code itself.
SPECIAL_LABELS = {
    "leap_day": _("Leap day"),
    "leap_year": _("Day 366"),
    "iso_53_week_year": _("ISO week 53"),
    "month_start_closed": _("1st closed"),
    "first_business_day_after_month_start": _("Month start (1st closed)"),
    "month_end_closed": _("Month-end closed"),
    "last_business_day": _("Last business day"),
    "fiscal_year_end": _("Fiscal year-end"),
    "half_year_end": _("Half-year end"),
    "quarter_end": _("Quarter end"),
    "year_end_closure": _("Year-end closure starts"),
    "jan_2_closed": _("2 Jan closed"),
    "first_business_day_of_year": _("First business day of the year"),
    "long_holiday_start": _("Long closure starts"),
    "after_long_holiday": _("After a long closure"),
    "salary_day": _("Salary day"),
    "pension_day": _("Pension day"),
    "gotoubi": _("Gotoubi"),
    "rule_collision": _("Rules coincide"),
    "rule_unsatisfiable": _("Rule does not fire"),
    "rule_multiple_fires": _("Rule fires twice"),
    "rule_fires_outside_months": _("Rule fires outside its months"),
    "calendar_disagreement": _("Calendars disagree"),
}


# --- helpers -------------------------------------------------------------------------------


def _today() -> date:
    return datetime.now(bizcal.JST).date()


def _english() -> bool:
    return (translation.get_language() or "ja").startswith("en")


def _number(params: QueryDict, name: str, default: int, low: int, high: int) -> int:
    """A year or month from the query string; junk means the default, not an error page."""
    try:
        value = int(params.get(name, ""))
    except ValueError:
        return default
    return min(max(value, low), high)


def _calendars() -> list[dict[str, Any]]:
    """Every calendar as plain values, the bank first, names in the user's language."""
    english = _english()
    return [{**row, "label": (row["name_en"] if english and row["name_en"] else row["name"])}
            for row in selectors.list_calendars().values(
                "code", "name", "name_en", "is_bank", "open_weekdays", "open_on_holidays",
                "open_year_end", "description")]


def _base(rows: list[dict[str, Any]], code: str | None) -> dict[str, Any]:
    found = next((r for r in rows if r["code"] == (code or BANK)), None)
    if found is None:
        raise NotFound("calendar", code)  # guarded() answers 404
    return found


@functools.lru_cache(maxsize=16)
def _english_holiday_names(year: int) -> dict[date, str]:
    return dict(Japan(years=year, categories=("public",), language="en_US"))


def _closure_label(d: date) -> str:
    """The national holiday's name, or 年末年始休業 for 31 Dec - 3 Jan, or ''."""
    name = bizcal.national_holidays(d.year).get(d, "")
    if name and _english():
        name = _english_holiday_names(d.year).get(d, name)
    if not name and (d.month, d.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        name = gettext("Year-end closure")
    return name


def special_label(code: str, rules: Iterable[str] = ()) -> str:
    """A reason code in a few words; ``rule_N`` is the N-th rule the user typed."""
    if code.startswith("rule_") and code[5:].isdigit():
        texts = list(rules)
        number = int(code[5:])
        return texts[number - 1] if number <= len(texts) else code
    return str(SPECIAL_LABELS.get(code, code))


def _special_by_date(base: str, start: date, end: date) -> dict[date, list[dict[str, Any]]]:
    return {row["date"]: [{**r, "label": special_label(r["code"])} for r in row["reasons"]]
            for row in selectors.special_dates(base, start, end)}


def _tags(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One label per code in a grid cell (ATM and IB disagreeing is one tag, two lines of
    title); the list under the grid keeps every sentence."""
    tags: dict[str, dict[str, Any]] = {}
    for r in reasons:
        if r["code"] in tags:
            tags[r["code"]]["text"] += "\n" + r["text"]
        else:
            tags[r["code"]] = {"code": r["code"], "label": r["label"], "text": r["text"]}
    return list(tags.values())


def _overrides(rows: list[dict[str, Any]], start: date,
               end: date) -> dict[date, list[dict[str, Any]]]:
    found: dict[date, list[dict[str, Any]]] = {}
    for row in rows:
        for o in selectors.list_overrides(row["code"]).filter(date__range=(start, end)).values(
                "date", "is_open", "reason"):
            found.setdefault(o["date"], []).append({**o, "code": row["code"]})
    return found


def _month_url(year: int, month: int, code: str) -> str:
    return reverse("calendar-month") + "?" + urlencode(
        {"year": year, "month": month, "calendar": code})


def _shift(year: int, month: int, by: int) -> tuple[int, int] | None:
    index = year * 12 + month - 1 + by
    shifted = (index // 12, index % 12 + 1)
    return shifted if bizcal.FIRST_YEAR <= shifted[0] <= bizcal.LAST_YEAR else None


def _weeks(year: int, month: int) -> list[list[date | None]]:
    """Sunday-first weeks of the month; days of other months are None (blank cells)."""
    return [[d if d.month == month else None for d in week]
            for week in pycal.Calendar(firstweekday=6).monthdatescalendar(year, month)]


def _weekday_heads() -> list[dict[str, object]]:
    return [{"label": WEEKDAY_SHORT[d], "weekday": d} for d in SUNDAY_FIRST]


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    """A CSV download Excel opens as UTF-8 (the BOM), Japanese intact."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


# --- month -------------------------------------------------------------------------------


def _month_context(actor: Actor, year: int, month: int, code: str | None,
                   form: OverrideForm | None = None) -> dict[str, Any]:
    rows = _calendars()
    base = _base(rows, code)
    ordered = [base, *[r for r in rows if r is not base]]
    first = date(year, month, 1)
    last = date(year, month, pycal.monthrange(year, month)[1])
    open_days = {r["code"]: set(selectors.get_calendar(r["code"]).business_days(first, last))
                 for r in ordered}
    special = _special_by_date(base["code"], first, last)
    overrides = _overrides(ordered, first, last)
    today = _today()

    def cell(d: date | None) -> dict[str, Any] | None:
        if d is None:
            return None
        return {"date": d, "weekday": d.weekday(), "weekday_label": WEEKDAY_SHORT[d.weekday()],
                "is_open": d in open_days[base["code"]], "is_today": d == today,
                "closure": _closure_label(d),
                "calendars": [{"code": r["code"], "is_open": d in open_days[r["code"]]}
                              for r in ordered],
                "overrides": overrides.get(d, []), "special": _tags(special.get(d, []))}

    can_edit = actor.can(Perm.CALENDAR_EDIT)
    if can_edit and form is None:
        form = OverrideForm(initial={"calendar": base["code"], "view": base["code"],
                                     "date": today if (today.year, today.month) == (year, month)
                                     else first},
                            calendars=[(r["code"], r["label"]) for r in ordered])
    previous, following = _shift(year, month, -1), _shift(year, month, 1)
    return {
        "year": year, "month": month, "first": first, "base": base, "calendars": ordered,
        "weeks": [[cell(d) for d in week] for week in _weeks(year, month)],
        "weekday_heads": _weekday_heads(),
        "special_days": [(d, special[d]) for d in sorted(special)],
        "month_overrides": [(d, o) for d in sorted(overrides) for o in overrides[d]],
        "previous_url": _month_url(*previous, base["code"]) if previous else "",
        "next_url": _month_url(*following, base["code"]) if following else "",
        "today_url": _month_url(today.year, today.month, base["code"]),
        "years": range(bizcal.FIRST_YEAR, bizcal.LAST_YEAR + 1), "months": range(1, 13),
        "can_edit": can_edit, "form": form if can_edit else None,
        "special_csv": reverse("calendar-special-dates") + "?" + urlencode(
            {"from": first, "to": last, "calendar": base["code"], "format": "csv"}),
        "special_year_csv": reverse("calendar-special-dates") + "?" + urlencode(
            {"from": date(year, 1, 1), "to": date(year, 12, 31), "calendar": base["code"],
             "format": "csv"}),
        "days_csv": reverse("calendar-days-csv") + "?" + urlencode({"year": year,
                                                                    "month": month}),
        "days_year_csv": reverse("calendar-days-csv") + "?" + urlencode({"year": year}),
    }


def _month_page(request: HttpRequest, actor: Actor, *, year: int, month: int, code: str | None,
                form: OverrideForm | None = None, status: int = 200) -> HttpResponse:
    return page(request, "calendars/month.html",
                _month_context(actor, year, month, code, form), status=status,
                partial="calendars/_month.html")


@require_GET
@guarded(Perm.CALENDAR_VIEW)
def calendar_month(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A month of the bank calendar and every channel calendar (A2-PERF-SET-5, A2-SWA-1);
    htmx swaps the grid when moving between months."""
    today = _today()
    year = _number(request.GET, "year", today.year, bizcal.FIRST_YEAR, bizcal.LAST_YEAR)
    month = _number(request.GET, "month", today.month, 1, 12)
    return _month_page(request, actor, year=year, month=month, code=request.GET.get("calendar"))


def _view_code(value: object) -> str:
    code = str(value or "")
    return code if selectors.list_calendars().filter(code=code).exists() else BANK


@require_POST
@guarded(Perm.CALENDAR_EDIT)
def override_set(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Open or close a date (audited by the service); on error nothing is written and the
    month comes back with the form showing why (422)."""
    rows = _calendars()
    form = OverrideForm(request.POST, calendars=[(r["code"], r["label"]) for r in rows])
    view = _view_code(request.POST.get("view"))
    if form.is_valid():
        day: date = form.cleaned_data["date"]
        try:
            services.set_override(actor=actor, calendar=form.text("calendar"), day=day,
                                  is_open=form.is_open, reason=form.text("reason"))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Saved: %(calendar)s %(date)s is now %(state)s.") % {
                "calendar": form.text("calendar"), "date": day.isoformat(),
                "state": gettext("open") if form.is_open else gettext("closed")})
            return redirect(_month_url(day.year, day.month, view))
    # Back to the month of the date asked about, if it was one the calendar knows.
    asked = form.cleaned_data.get("date")
    shown = (asked if isinstance(asked, date)
             and bizcal.FIRST_YEAR <= asked.year <= bizcal.LAST_YEAR else _today())
    return _month_page(request, actor, year=shown.year, month=shown.month, code=view, form=form,
                       status=INVALID)


@require_POST
@guarded(Perm.CALENDAR_EDIT)
def override_remove(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Remove an override: the date follows its calendar's rules again (audited)."""
    form = RemoveOverrideForm(request.POST)
    if not form.is_valid():
        raise BadRequest("calendar and date are required")
    day: date = form.cleaned_data["date"]
    services.remove_override(actor=actor, calendar=form.text("calendar"), day=day)
    messages.success(request, gettext("Override removed: %(calendar)s %(date)s.") % {
        "calendar": form.text("calendar"), "date": day.isoformat()})
    return redirect(_month_url(day.year, day.month, _view_code(request.POST.get("view"))))


# --- year --------------------------------------------------------------------------------


@require_GET
@guarded(Perm.CALENDAR_VIEW)
def calendar_year(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Twelve small months: closed days, overrides and special dates marked (A2-SWC-3)."""
    today = _today()
    year = _number(request.GET, "year", today.year, bizcal.FIRST_YEAR, bizcal.LAST_YEAR)
    rows = _calendars()
    base = _base(rows, request.GET.get("calendar"))
    first, last = date(year, 1, 1), date(year, 12, 31)
    open_days = set(selectors.get_calendar(base["code"]).business_days(first, last))
    special = _special_by_date(base["code"], first, last)
    overrides = _overrides([base], first, last)

    def cell(d: date | None) -> dict[str, Any] | None:
        if d is None:
            return None
        notes = [_closure_label(d)] + [f"✎ {o['reason']}" for o in overrides.get(d, [])]
        notes += [s["label"] for s in special.get(d, [])]
        return {"date": d, "weekday": d.weekday(), "is_open": d in open_days,
                "is_holiday": bool(_closure_label(d)), "is_today": d == today,
                "has_override": d in overrides, "is_special": d in special,
                "title": " / ".join(n for n in notes if n)}

    months = [{"month": m, "first": date(year, m, 1), "url": _month_url(year, m, base["code"]),
               "closed": sum(1 for d in pycal.Calendar().itermonthdates(year, m)
                             if d.month == m and d not in open_days),
               "weeks": [[cell(d) for d in week] for week in _weeks(year, m)]}
              for m in range(1, 13)]
    url = reverse("calendar-year")
    return page(request, "calendars/year.html", {
        "year": year, "base": base, "calendars": rows, "months": months,
        "weekday_heads": _weekday_heads(), "business_day_count": len(open_days),
        "previous_url": f"{url}?{urlencode({'year': year - 1, 'calendar': base['code']})}"
        if year > bizcal.FIRST_YEAR else "",
        "next_url": f"{url}?{urlencode({'year': year + 1, 'calendar': base['code']})}"
        if year < bizcal.LAST_YEAR else "",
        "special_year_csv": reverse("calendar-special-dates") + "?" + urlencode(
            {"from": first, "to": last, "calendar": base["code"], "format": "csv"}),
        "days_year_csv": reverse("calendar-days-csv") + "?" + urlencode({"year": year}),
    }, partial="calendars/_year.html")


@require_GET
@guarded(Perm.CALENDAR_VIEW)
def calendar_days_csv(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Day by day, open or closed in every calendar, with holidays and overrides: the
    calendar as loaded, for the evidence binder (A2-PERF-SET-5)."""
    today = _today()
    year = _number(request.GET, "year", today.year, bizcal.FIRST_YEAR, bizcal.LAST_YEAR)
    month = _number(request.GET, "month", 0, 0, 12) if request.GET.get("month") else 0
    first = date(year, month or 1, 1)
    last = date(year, month or 12, pycal.monthrange(year, month or 12)[1])
    rows = _calendars()
    open_days = {r["code"]: set(selectors.get_calendar(r["code"]).business_days(first, last))
                 for r in rows}
    overrides = _overrides(rows, first, last)
    name = f"calendar-{year}-{month:02d}.csv" if month else f"calendar-{year}.csv"
    response, writer = _csv_response(name)
    writer.writerow(["date", "weekday", "holiday", *[r["code"] for r in rows], "overrides"])
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        d = date.fromordinal(ordinal)
        writer.writerow([d.isoformat(), WEEKDAY_SHORT[d.weekday()], _closure_label(d),
                         *["open" if d in open_days[r["code"]] else "closed" for r in rows],
                         "; ".join(f"{o['code']}: {o['reason']}" for o in overrides.get(d, []))])
    return response


# --- channel calendars -------------------------------------------------------------------


def _list_page(request: HttpRequest, actor: Actor, form: ChannelCalendarForm | None,
               status: int = 200) -> HttpResponse:
    counts = dict(selectors.list_calendars().annotate(n=Count("overrides"))
                  .values_list("code", "n"))
    today = _today()
    rows = [{**r, "overrides": counts.get(r["code"], 0),
             "url": _month_url(today.year, today.month, r["code"]),
             "weekdays": (", " if _english() else "・").join(
                 str(WEEKDAY_SHORT[d]) for d in SUNDAY_FIRST if d in (r["open_weekdays"] or []))}
            for r in _calendars()]
    return page(request, "calendars/calendar_list.html", {
        "rows": rows, "form": form if actor.can(Perm.CALENDAR_EDIT) else None,
    }, status=status)


@require_GET
@guarded(Perm.CALENDAR_VIEW)
def calendar_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The bank calendar and each channel's service-day calendar with its rules."""
    return _list_page(request, actor, ChannelCalendarForm())


@require_POST
@guarded(Perm.CALENDAR_EDIT)
def calendar_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A channel calendar, e.g. ATMs open on holidays (A2-PERF-SET-5); audited."""
    form = ChannelCalendarForm(request.POST)
    if form.is_valid():
        try:
            row = services.create_channel_calendar(
                actor=actor, code=form.text("code"), name=form.text("name"),
                name_en=form.text("name_en"), description=form.text("description"),
                open_weekdays=form.cleaned_data.get("open_weekdays") or [],
                open_on_holidays=bool(form.value("open_on_holidays")),
                open_year_end=bool(form.value("open_year_end")))
        except (InvalidInput, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, gettext("Calendar %(code)s created.") % {"code": row.code})
            return redirect("calendar-list")
    return _list_page(request, actor, form, status=INVALID)


# --- special dates -----------------------------------------------------------------------


@require_GET
@guarded(Perm.CALENDAR_VIEW)
def special_dates(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The special-date kit (特異日) for a range and up to three job rules, as a table or
    (``?format=csv``) a CSV download: M-2.8 test plans, C10, A2-SWA-1, A2-SWC-3."""
    rows = _calendars()
    base = _base(rows, request.GET.get("calendar"))
    today = _today()
    query = SpecialDatesQuery.parse(request.GET, default_start=date(today.year, 1, 1),
                                    default_end=date(today.year, 12, 31), calendar=base["code"])
    for number, text in enumerate(query.rule_texts, 1):
        try:
            selectors.parse_rule(text, f"rule[{number}]")
        except InvalidInput as exc:
            query.add_all(exc)
    found: list[dict[str, Any]] = []
    if not query.errors and query.start and query.end:
        try:
            found = selectors.special_dates(base["code"], query.start, query.end,
                                            rules=query.rule_texts)
        except InvalidInput as exc:
            query.add_all(exc)
    if request.GET.get("format") == "csv" and not query.errors and query.start and query.end:
        suffix = "" if base["code"] == BANK else f"_{base['code']}"
        response, writer = _csv_response(
            f"special-dates-{query.start.isoformat()}_{query.end.isoformat()}{suffix}.csv")
        writer.writerow(["date", "code", "text", "catalog"])
        for row in found:
            for r in row["reasons"]:
                writer.writerow([row["date"].isoformat(), r["code"], r["text"],
                                 " ".join(r["catalog"])])
        return response
    listing = Paginator([
        {"date": row["date"], "weekday": WEEKDAY_SHORT[row["date"].weekday()],
         "closure": _closure_label(row["date"]),
         "reasons": [{**r, "label": special_label(r["code"], query.rule_texts)}
                     for r in row["reasons"]]}
        for row in found], SPECIAL_PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "calendars/special_dates.html", {
        "query": query, "rule_fields": query.rule_fields(), "calendars": rows, "base": base,
        "listing": listing, "date_count": len(found),
        "reason_count": sum(len(row["reasons"]) for row in found),
    }, status=INVALID if query.errors else 200)
