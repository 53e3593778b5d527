"""The unprocessed-payment desk screens: the index of incidents with a backlog and, per
incident, the consolidated totals, the plan, the burn-down, intake suspension, import,
export and the call-centre lookup (htmx; Japanese by default).

Catalog: A1-II-4, M-3.2, A2-SWA-6, A1-II-10, A1-II-13, A2-RESP-2, A2-RESP-3, C03.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antei.core import clock
from antei.core.actor import Actor
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import guarded, page
from antei.core.roles import Perm
from antei.incidents import selectors as incident_selectors
from antei.settlement import charts, exports, presenting, selectors, services
from antei.settlement.models import CHANNELS, KINDS

TABLES = (("settlement_date", "By settlement date"), ("branch", "By branch"),
          ("bank_code", "By counterparty bank"), ("channel", "By channel"),
          ("department", "By department"), ("status", "By status"))


@guarded(Perm.SETTLEMENT_VIEW)
def index(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Incidents with a backlog, and open incidents a desk can be started for."""
    with_backlog = selectors.incidents_with_backlog()
    known = {r["id"] for r in with_backlog}
    others = [i for i in incident_selectors.list_incidents(actor).exclude(status="closed")[:50]
              if i.pk not in known]
    return page(request, "settlement/index.html", {"incidents": with_backlog,
                                                    "others": others})


def _desk_context(actor: Actor, incident_id: int, request: HttpRequest) -> dict[str, Any]:
    incident = selectors.get_incident(incident_id)
    zone = clock.display_zone()
    result = selectors.plan(incident_id)
    head = selectors.top_of_queue(result, 10)
    for entry in head:
        entry["reasons_text"] = presenting.reasons_text(entry["reasons"])
    burn = selectors.burndown(incident_id)
    svg = charts.burndown_svg(burn, zone, title=_("Open items over time"),
                              projected=_("expected clearing"))
    tables = [(_(label), key, selectors.summary(incident_id, [key])) for key, label in TABLES]
    return {
        "incident": incident, "tables": tables,
        "same_day": selectors.same_day_totals(incident_id),
        "plan": result.plan, "head": head, "burndown_svg": mark_safe(svg),  # noqa: S308 - built and escaped in charts
        "burn": burn, "batches": list(selectors.list_batches(incident_id)[:50]),
        "suspensions": list(selectors.suspensions(incident_id)),
        "channels": CHANNELS, "kinds": sorted(KINDS.items()),
        "can_edit": actor.can(Perm.SETTLEMENT_EDIT),
        "lookup": request.GET.get("lookup") == "1",
    }


@guarded(Perm.SETTLEMENT_VIEW)
def desk(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    with timezone.override(clock.display_zone()):
        return page(request, "settlement/desk.html", _desk_context(actor, incident_id, request))


@guarded(Perm.SETTLEMENT_VIEW)
def lookup(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """The call centre's question, answered as a fragment (htmx) or a page."""
    selectors.get_incident(incident_id)
    day = None
    error = ""
    raw_day = request.GET.get("date", "").strip()
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            error = _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": raw_day}
    found = []
    if not error and any(request.GET.get(k, "").strip() for k in ("branch", "account",
                                                                   "customer", "date")):
        found = selectors.lookup(incident_id, branch=request.GET.get("branch", "").strip(),
                                 account=request.GET.get("account", "").strip(),
                                 customer=request.GET.get("customer", "").strip(), day=day)
        for entry in found:
            entry["reasons_text"] = presenting.reasons_text(entry["reasons"])
    with timezone.override(clock.display_zone()):
        return page(request, "settlement/_lookup.html", {
            "found": found, "error": error, "searched": bool(request.GET),
            "incident_id": incident_id}, partial="settlement/_lookup.html")


def _fail(request: HttpRequest, exc: InvalidInput | Conflict) -> None:
    errors = getattr(exc, "errors", [])
    if errors:
        for error in errors[:20]:
            messages.error(request, f"{error.field}: {error.message}")
        if len(errors) > 20:
            messages.error(request, _("… and %(n)s more problems") % {"n": len(errors) - 20})
    else:
        messages.error(request, exc.message)


@require_POST
@guarded(Perm.SETTLEMENT_EDIT)
def import_file(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    upload = request.FILES.get("file")
    fmt = request.POST.get("format", "zengin")
    try:
        if upload is None:
            raise InvalidInput.one("file", "settlement_file")
        batch, created = services.import_batch(
            actor=actor, incident_id=incident_id, format=fmt, data=upload.read(),
            file_name=upload.name or "", kind=request.POST.get("kind") or None,
            channel=request.POST.get("channel", "zengin"),
            department=request.POST.get("department", "").strip(),
            branch=request.POST.get("branch", "").strip())
    except (InvalidInput, Conflict) as exc:
        messages.error(request, _("The file was refused; nothing was imported."))
        _fail(request, exc)
        return redirect("settlement-desk", incident_id=incident_id)
    if created:
        messages.success(request, _("Imported %(count)s items (%(total)s yen).") % {
            "count": f"{batch.item_count:,}", "total": f"{batch.total_amount:,}"})
    else:
        messages.success(request, _("This file was already imported (batch %(id)s); nothing "
                                    "was written.") % {"id": batch.pk})
    return redirect("settlement-desk", incident_id=incident_id)


@require_POST
@guarded(Perm.SETTLEMENT_EDIT)
def export(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    raw = request.POST.get("max_records", "").strip()
    try:
        built = exports.build(actor=actor, incident_id=incident_id,
                              max_records=int(raw) if raw.isdigit() else None,
                              account_padding=request.POST.get("account_padding") or None)
    except InvalidInput as exc:
        _fail(request, exc)
        return redirect("settlement-desk", incident_id=incident_id)
    response = HttpResponse(built.zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="settlement-{incident_id}.zip"'
    return response


@require_POST
@guarded(Perm.SETTLEMENT_EDIT)
def suspend(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    try:
        services.suspend_intake(actor=actor, incident_id=incident_id,
                                channel=request.POST.get("channel", ""),
                                note=request.POST.get("note", "").strip())
    except (InvalidInput, Conflict) as exc:
        _fail(request, exc)
    return redirect("settlement-desk", incident_id=incident_id)


@require_POST
@guarded(Perm.SETTLEMENT_EDIT)
def resume(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    try:
        services.resume_intake(actor=actor, incident_id=incident_id,
                               channel=request.POST.get("channel", ""))
    except (InvalidInput, Conflict) as exc:
        _fail(request, exc)
    return redirect("settlement-desk", incident_id=incident_id)


@require_POST
@guarded(Perm.SETTLEMENT_EDIT)
def acknowledge_batch(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """A file acknowledgement: every open item of the batch is processed."""
    raw = request.POST.get("batch_id", "")
    try:
        changed = services.mark_processed(actor=actor, incident_id=incident_id,
                                          batch_id=int(raw) if raw.isdigit() else None)
    except (InvalidInput, Conflict) as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("%(n)s items marked processed.") % {"n": changed})
    return redirect("settlement-desk", incident_id=incident_id)
