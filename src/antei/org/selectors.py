"""Reads for the organisation registry, scoped to what the actor may see.

Vendor users see only their own vendor and its people (C14 scoped vendor access).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from antei.core.actor import Actor
from antei.core.errors import NotFound
from antei.org.models import ContactPoint, Department, Person, Vendor, VendorContract


def list_departments(actor: Actor, *, kind: str | None = None,
                     q: str | None = None) -> QuerySet[Department]:
    qs = Department.objects.all()
    if actor.is_vendor:
        return qs.none()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return qs


def get_department(actor: Actor, code: str) -> Department:
    found = list_departments(actor).filter(code=code).first()
    if found is None:
        raise NotFound("department", code)
    return found


def list_vendors(actor: Actor, *, q: str | None = None) -> QuerySet[Vendor]:
    qs = Vendor.objects.prefetch_related("contracts")
    if actor.is_vendor:
        qs = qs.filter(pk=actor.vendor_scope)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q))
    return qs


def get_vendor(actor: Actor, code: str) -> Vendor:
    found = list_vendors(actor).filter(code=code).first()
    if found is None:
        raise NotFound("vendor", code)
    return found


def list_contracts(actor: Actor, vendor: str) -> QuerySet[VendorContract]:
    return get_vendor(actor, vendor).contracts.all()


def list_people(
    actor: Actor, *, department: str | None = None, vendor: str | None = None,
    q: str | None = None, is_active: bool | None = None,
) -> QuerySet[Person]:
    qs = Person.objects.select_related("department", "vendor").prefetch_related(
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("priority", "id")),
        "key_for__system",
    )
    if actor.is_vendor:
        qs = qs.filter(vendor_id=actor.vendor_scope)
    if department:
        qs = qs.filter(department__code=department)
    if vendor:
        qs = qs.filter(vendor__code=vendor)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(name_kana__icontains=q)
                       | Q(name_en__icontains=q))
    return qs


def get_person(actor: Actor, code: str) -> Person:
    found = list_people(actor).filter(code=code).first()
    if found is None:
        raise NotFound("person", code)
    return found


def list_contact_points(actor: Actor, *, person: str | None = None,
                        kind: str | None = None) -> QuerySet[ContactPoint]:
    qs = ContactPoint.objects.select_related("person")
    if actor.is_vendor:
        qs = qs.filter(person__vendor_id=actor.vendor_scope)
    if person:
        qs = qs.filter(person__code=person)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def get_contact_point(actor: Actor, contact_id: int) -> ContactPoint:
    found = list_contact_points(actor).filter(pk=contact_id).first()
    if found is None:
        raise NotFound("contact point", contact_id)
    return found
