"""Reads for the inventory, scoped: a vendor user sees the systems it builds, runs or
maintains, and what hangs off them (C14 scoped vendor access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from antei.core.actor import Actor
from antei.core.errors import NotFound
from antei.inventory.models import (
    BusinessFunction,
    Component,
    Connection,
    ExternalParty,
    System,
)


def _visible_systems(actor: Actor) -> QuerySet[System]:
    qs = System.objects.all()
    if actor.is_vendor:
        qs = qs.filter(vendor_roles__vendor_id=actor.vendor_scope).distinct()
    return qs


def list_business_functions(actor: Actor, *, criticality: str | None = None,
                            q: str | None = None) -> QuerySet[BusinessFunction]:
    qs = BusinessFunction.objects.select_related("owner_department")
    if actor.is_vendor:
        qs = qs.filter(systems__in=_visible_systems(actor)).distinct()
    if criticality:
        qs = qs.filter(criticality=criticality)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return qs


def get_business_function(actor: Actor, code: str) -> BusinessFunction:
    found = list_business_functions(actor).filter(code=code).first()
    if found is None:
        raise NotFound("business function", code)
    return found


def list_systems(
    actor: Actor, *, tier: str | None = None, department: str | None = None,
    business_function: str | None = None, vendor: str | None = None,
    is_euc: bool | None = None, q: str | None = None,
) -> QuerySet[System]:
    qs = _visible_systems(actor).select_related("owner_department").prefetch_related(
        "business_functions", "vendor_roles__vendor",
    )
    if tier:
        qs = qs.filter(tier=tier)
    if department:
        qs = qs.filter(owner_department__code=department)
    if business_function:
        qs = qs.filter(business_functions__code=business_function)
    if vendor:
        qs = qs.filter(vendor_roles__vendor__code=vendor)
    if is_euc is not None:
        qs = qs.filter(is_euc=is_euc)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return qs.distinct() if (business_function or vendor) else qs


def get_system(actor: Actor, code: str) -> System:
    """One system with everything its page shows, in a fixed number of queries."""
    found = (
        _visible_systems(actor)
        .select_related("owner_department")
        .prefetch_related(
            "business_functions", "batch_windows", "vendor_roles__vendor",
            "responsibilities__department", "responsibilities__vendor",
            "key_persons__person", "components__active_peer",
            "outgoing_connections__target_system", "outgoing_connections__target_external",
            "incoming_connections__source",
        )
        .filter(code=code)
        .first()
    )
    if found is None:
        raise NotFound("system", code)
    return found


def list_components(actor: Actor, system: str, *,
                    environment: str | None = None) -> QuerySet[Component]:
    owner = get_system(actor, system)
    qs = Component.objects.filter(system=owner).select_related("system", "active_peer")
    if environment:
        qs = qs.filter(environment=environment)
    return qs


def get_component(actor: Actor, system: str, name: str) -> Component:
    found = list_components(actor, system).filter(name=name).first()
    if found is None:
        raise NotFound("component", f"{system}/{name}")
    return found


def list_connections(actor: Actor, *, system: str | None = None,
                     external: str | None = None) -> QuerySet[Connection]:
    qs = Connection.objects.select_related("source", "target_system", "target_external")
    if actor.is_vendor:
        visible = _visible_systems(actor)
        qs = qs.filter(Q(source__in=visible) | Q(target_system__in=visible))
    if system:
        qs = qs.filter(Q(source__code=system) | Q(target_system__code=system))
    if external:
        qs = qs.filter(target_external__code=external)
    return qs


def get_connection(actor: Actor, connection_id: int) -> Connection:
    found = list_connections(actor).filter(pk=connection_id).first()
    if found is None:
        raise NotFound("connection", connection_id)
    return found


def list_external_parties(actor: Actor) -> QuerySet[ExternalParty]:
    qs = ExternalParty.objects.all()
    if actor.is_vendor:
        qs = qs.filter(connections__in=list_connections(actor)).distinct()
    return qs


def get_external_party(actor: Actor, code: str) -> ExternalParty:
    found = list_external_parties(actor).filter(code=code).first()
    if found is None:
        raise NotFound("external party", code)
    return found
