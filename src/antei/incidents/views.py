"""Incident desk screens: the list, opening an incident, and an issued report.

Management reads these at 2 a.m. on a phone: open incidents first, the rank and the
first-report clock on every row, an OVERDUE marker that cannot be missed (M-3.3, A1-II-5).
Times are stored in UTC and shown in Asia/Tokyo: every view runs in the display zone.
The incident page and its sections are in views_detail and views_sections; targets and
response metrics in views_targets.

Catalog: M-3.3, A1-II-5, A1-II-7, C01, C04.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, ParamSpec

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput, field_error
from antei.core.forms import INVALID, ActorView, View, apply_errors, filters, guarded, page, page_of
from antei.core.roles import Perm
from antei.incidents import selectors, services
from antei.incidents.domain import deadlines, reports, states
from antei.incidents.forms import Choices, IncidentForm, is_japanese, pick, status_label
from antei.incidents.models import Incident, Report
from antei.inventory import selectors as inventory_selectors
from antei.org import selectors as org_selectors

P = ParamSpec("P")

DEADLINE_LABELS = {
    "first_report": _("first report"),
    "management_aware": _("management aware"),
    "follow_up": _("follow-up report"),
}
# Incidents whose clocks still matter: a closed or cancelled incident's missed report is
# history, not an alarm; external cases (other institutions) start no clocks (A1-I-13).
WATCHED = frozenset({states.Status.OPEN, states.Status.MITIGATED, states.Status.RECOVERED})
ACTIVE_FIRST = Case(When(status__in=[s.value for s in states.ACTIVE], then=Value(0)),
                    default=Value(1), output_field=IntegerField())
ACTIVE_FILTER = ",".join(s.value for s in states.Status if s in states.ACTIVE)


def desk(perm: Perm) -> Callable[[ActorView[P]], View[P]]:
    """`guarded(perm)` (deny by default), run in the display time zone: forms read and
    templates show JST while the database keeps UTC (C01)."""

    def decorate(view: ActorView[P]) -> View[P]:
        inner = guarded(perm)(view)

        @functools.wraps(view)
        def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            with timezone.override(clock.display_zone()):
                return inner(request, *args, **kwargs)

        return wrapper

    return decorate


def coded(rows: Iterable[tuple[str, str]]) -> Choices:
    """(code, name) rows as select options showing both."""
    return [(code, f"{code} {name}") for code, name in rows]


def system_choices(actor: Actor) -> Choices:
    return coded(inventory_selectors.list_systems(actor).prefetch_related(None)
                 .values_list("code", "name"))


def function_choices(actor: Actor) -> Choices:
    return coded(inventory_selectors.list_business_functions(actor)
                 .values_list("code", "name"))


def people_choices(actor: Actor) -> Choices:
    return coded(org_selectors.list_people(actor, is_active=True).prefetch_related(None)
                 .values_list("code", "name"))


def rank_name(rank: int, policies: Sequence[deadlines.RankPolicy]) -> str:
    try:
        policy = deadlines.policy_for(rank, policies)
    except ValueError:  # a rank since removed from the configuration
        return str(rank)
    return policy.name_ja if is_japanese() else policy.name_en


def is_watched(incident: Incident) -> bool:
    return not incident.is_external and states.Status(incident.status) in WATCHED


def incident_row(incident: Incident, policies: Sequence[deadlines.RankPolicy],
                 now: datetime) -> dict[str, Any]:
    """One list row, with the first-report clock and what is overdue (M-3.3)."""
    due = (None if incident.is_external
           else selectors.incident_deadlines(incident, now=now, policies=policies))
    overdue = list(due.overdue) if due and is_watched(incident) else []
    return {
        "id": incident.pk, "number": incident.number, "title": incident.title,
        "rank": incident.rank, "rank_name": rank_name(incident.rank, policies),
        "status": incident.status, "status_label": status_label(incident.status),
        "is_active": states.Status(incident.status) in states.ACTIVE,
        "is_external": incident.is_external,
        "external_institution": incident.external_institution,
        "systems": sorted((s.code, s.name) for s in incident.systems.all()),
        "detected_at": incident.detected_at, "first_report_at": incident.first_report_at,
        "first_report_due": due.first_report_due if due else None,
        "overdue": [str(DEADLINE_LABELS[k]) for k in overdue],
        "is_first_report_overdue": "first_report" in overdue,
    }


@desk(Perm.INCIDENT_VIEW)
def incident_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Open incidents first, each with its rank, status, systems, detection time, first-report
    due time and an OVERDUE marker; filters and pages (M-3.3, A1-II-5, C01)."""
    chosen = filters(request, ["q", "status", "rank", "system"])
    rows = (
        selectors.list_incidents(
            actor, status=chosen["status"] or None,
            rank=int(chosen["rank"]) if chosen["rank"].isdigit() else None,
            system=chosen["system"] or None, q=chosen["q"] or None)
        .prefetch_related("reports")
        .annotate(active_first=ACTIVE_FIRST)
        .order_by("active_first", "-detected_at", "-id")
    )
    page_obj = page_of(request, rows)
    policies = selectors.rank_policies()
    now = clock.now()
    statuses = [(ACTIVE_FILTER, _("active (open or mitigated)")),
                *((s.value, status_label(s.value)) for s in states.Status)]
    return page(request, "incidents/incident_list.html", {
        "heading": _("Incidents"), "filters": chosen, "page": page_obj,
        "rows": [incident_row(i, policies, now) for i in page_obj],
        "statuses": statuses, "ranks": [(str(p.rank), rank_name(p.rank, policies))
                                        for p in policies],
        "systems": system_choices(actor),
        "create_url": reverse("incident-create") if actor.can(Perm.INCIDENT_EDIT) else "",
    }, partial="incidents/_incident_rows.html")


def _missing(values: dict[str, Any], names: Sequence[str]) -> None:
    """A blank rank or detection time cannot reach the service's rules (they compare and
    compute with them): report every blank required field at once, as the service would."""
    missing = [n for n in names if values.get(n) in (None, "", [])]
    if missing:
        raise InvalidInput([field_error(n, "required") for n in missing])


@require_http_methods(["GET", "POST"])
@desk(Perm.INCIDENT_EDIT)
def incident_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Open an incident in seconds; the first-report clock starts at detection (M-3.3)."""
    policies = selectors.rank_policies()
    form = IncidentForm(request.POST or None, policies=policies, systems=system_choices(actor),
                        functions=function_choices(actor),
                        initial={"detected_at": clock.now().replace(second=0, microsecond=0)})
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.is_valid():
            values = form.values()
            try:
                required = ["title", "rank", "detected_at"]
                _missing(values, required if values["is_external"] else [*required, "systems"])
                incident = services.open_incident(actor=actor, **values)
            except (InvalidInput, Conflict) as exc:
                apply_errors(form, exc)
                status = exc.http_status
            else:
                return redirect("incident-detail", incident_id=incident.pk)
    ja = is_japanese()
    return page(request, "incidents/incident_form.html", {
        "form": form, "cancel_url": reverse("incident-list"),
        "ranks": [{"rank": p.rank, "name": p.name_ja if ja else p.name_en,
                   "definition": p.definition_ja if ja else p.definition_en,
                   "first_report_minutes": p.first_report_minutes,
                   "regulator_reportable": p.regulator_reportable} for p in policies],
    }, status=status)


def report_number(report: Report, issued: Sequence[Report]) -> int | None:
    """A follow-up's place in the internal series: the first report is 第1報 (M-3.3)."""
    if report.kind != reports.ReportKind.FOLLOW_UP:
        return None
    series = [r.pk for r in issued if r.kind in (reports.ReportKind.FIRST,
                                                 reports.ReportKind.FOLLOW_UP)]
    return series.index(report.pk) + 1 if report.pk in series else None


def report_titles(report: Report, issued: Sequence[Report], title: str) -> tuple[str, str]:
    name_ja, name_en = reports.KIND_TITLES[reports.ReportKind(report.kind)]
    number = report_number(report, issued)
    if number is not None:
        name_ja, name_en = f"第{number}報", f"Report no. {number}"
    return f"【{name_ja}】{title}", f"[{name_en}] {title}"


@desk(Perm.INCIDENT_VIEW)
def incident_report(request: HttpRequest, actor: Actor, incident_id: int,
                    report_id: int) -> HttpResponse:
    """An issued report as it was sent, Japanese and English side by side or one language
    (?lang=ja|en); unknown lines say so, lines changed since the last report are marked,
    and it prints on A4 without the screen's navigation (M-3.3, A1-II-5, A1-II-7)."""
    incident = selectors.get_incident(actor, incident_id)
    issued = list(incident.reports.all())
    report = next((r for r in issued if r.pk == report_id), None)
    if report is None:
        raise Http404
    lang = request.GET.get("lang", "")
    lang = lang if lang in ("ja", "en") else ""
    title = str((report.facts or {}).get("title") or incident.title)
    title_ja, title_en = report_titles(report, issued, title)
    lines = [{
        "key": ln.get("key", ""), "label_ja": ln.get("label_ja", ""),
        "label_en": ln.get("label_en", ""), "value_ja": ln.get("value_ja", ""),
        "value_en": ln.get("value_en", ""), "is_unknown": bool(ln.get("is_unknown")),
        "changed": bool(ln.get("changed")) or ln.get("key") in (report.changed or []),
    } for ln in report.lines]
    return page(request, "incidents/report.html", {
        "incident": {"id": incident.pk, "number": incident.number},
        "report": {"id": report.pk, "kind": report.kind, "seq": report.seq,
                   "issued_at": report.issued_at, "issued_by": report.issued_by,
                   "distribution": report.distribution, "title_ja": title_ja,
                   "title_en": title_en,
                   "issued_ja": reports.format_time_ja(report.issued_at),
                   "issued_en": reports.format_time_en(report.issued_at),
                   "kind_label": pick(reports.KIND_TITLES[reports.ReportKind(report.kind)])},
        "lines": lines, "lang": lang,
        "unknown_ja": reports.UNKNOWN_JA, "unknown_en": reports.UNKNOWN_EN,
    })
