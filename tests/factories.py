"""Registry rows built through the services, so tests see what users would create."""

from __future__ import annotations

import itertools
from typing import Any

from antei.core.actor import Actor, Source
from antei.core.roles import Role
from antei.inventory import services as inventory_services
from antei.inventory.models import BusinessFunction, System
from antei.org import services as org_services
from antei.org.models import Department, Person, Vendor

ACTOR = Actor(username="factory", role=Role.ADMIN, source=Source.SYSTEM)
_seq = itertools.count(1)


def department(**kw: Any) -> Department:
    n = next(_seq)
    values = {"code": f"D{n}", "name": f"部署{n}", "kind": "system"} | kw
    return org_services.create_department(actor=ACTOR, **values)


def vendor(**kw: Any) -> Vendor:
    n = next(_seq)
    values = {"code": f"V{n}", "name": f"委託先{n}"} | kw
    return org_services.create_vendor(actor=ACTOR, **values)


def person(**kw: Any) -> Person:
    n = next(_seq)
    if "department" not in kw and "vendor" not in kw:
        kw["department"] = department().code
    values = {"code": f"P{n}", "name": f"担当者{n}"} | kw
    return org_services.create_person(actor=ACTOR, **values)


def business_function(**kw: Any) -> BusinessFunction:
    n = next(_seq)
    values = {"code": f"BF{n}", "name": f"業務{n}", "criticality": "high",
              "impact_tolerance_minutes": 120} | kw
    return inventory_services.create_business_function(actor=ACTOR, **values)


def system(**kw: Any) -> System:
    n = next(_seq)
    if "owner_department" not in kw:
        kw["owner_department"] = department().code
    values = {"code": f"S{n}", "name": f"システム{n}", "tier": "important"} | kw
    return inventory_services.create_system(actor=ACTOR, **values)
