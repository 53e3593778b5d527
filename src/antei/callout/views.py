"""Call-out screens: the live view per incident (who was paged, who acknowledged, who has
NOT), the printable call tree, and the public acknowledgement link.

The link answers GET with a confirmation button and acknowledges only on POST: mail
scanners that pre-fetch links must not acknowledge a page nobody read.

Catalog: C02, A2-RESP-1, A1-II-3, A1-II-5.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from antei.callout import selectors, services
from antei.core import clock
from antei.core.actor import Actor
from antei.core.auth import client_address
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import guarded, page
from antei.core.roles import Perm


@guarded(Perm.INCIDENT_VIEW)
def incident_pages(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    with timezone.override(clock.display_zone()):
        return page(request, "callout/incident_pages.html",
                    selectors.callout_view(actor, incident_id),
                    partial="callout/_pages_panel.html")


@require_POST
@guarded(Perm.CALLOUT_EDIT)
def start(request: HttpRequest, actor: Actor, incident_id: int) -> HttpResponse:
    """Start call-out for the incident with its rank's policy (or the one chosen)."""
    try:
        services.page_incident(actor=actor, incident_id=incident_id,
                               policy=request.POST.get("policy") or None)
    except (InvalidInput, Conflict) as exc:
        context = selectors.callout_view(actor, incident_id)
        context["error"] = str(exc.errors[0].message) if exc.errors else exc.message
        with timezone.override(clock.display_zone()):
            return page(request, "callout/incident_pages.html", context,
                        status=exc.http_status)
    return redirect("callout-pages", incident_id=incident_id)


@guarded(Perm.INCIDENT_VIEW)
def call_tree(request: HttpRequest, actor: Actor, policy_id: int) -> HttpResponse:
    with timezone.override(clock.display_zone()):
        return page(request, "callout/call_tree.html", selectors.call_tree(policy_id))


@require_http_methods(["GET", "POST"])
def acknowledge(request: HttpRequest, signed: str) -> HttpResponse:
    """Public (no login): the signature is the authority, for one page, once."""
    try:
        if request.method == "POST":
            target = services.acknowledge_link(signed=signed,
                                               remote_addr=client_address(request))
            return render(request, "callout/ack.html", {"target": target, "done": True})
        target = services.describe_link(signed)
    except (InvalidInput, Conflict) as exc:
        message = str(exc.errors[0].message) if exc.errors else exc.message
        return render(request, "callout/ack.html", {"error": message},
                      status=409 if isinstance(exc, Conflict) else 400)
    if target["is_done"]:
        return render(request, "callout/ack.html", {"target": target, "already": True},
                      status=409)
    return render(request, "callout/ack.html", {"target": target, "signed": signed})
