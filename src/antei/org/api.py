"""REST endpoints for departments, people, contact points and vendors."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from antei.core.api import PROBLEM_RESPONSES, Page, actor, paginate, require
from antei.core.roles import Perm
from antei.org import selectors, services
from antei.org.schemas import (
    ContactPointIn,
    ContactPointOut,
    ContactPointPatch,
    ContractIn,
    ContractOut,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    PersonIn,
    PersonOut,
    PersonPatch,
    VendorIn,
    VendorOut,
    VendorPatch,
)

router = Router(tags=["organisation"])
VIEW, EDIT = require(Perm.ORG_VIEW), require(Perm.ORG_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


# --- departments -------------------------------------------------------------------------

@router.get("/departments", auth=VIEW, response=_responses(200, Page[DepartmentOut]))
def list_departments(request: HttpRequest, kind: str | None = None, q: str | None = None,
                     limit: int = 100, offset: int = 0) -> dict[str, object]:
    items, count, limit, offset = paginate(
        selectors.list_departments(actor(request), kind=kind, q=q), limit=limit, offset=offset)
    return {"items": items, "count": count, "limit": limit, "offset": offset}


@router.post("/departments", auth=EDIT, response=_responses(201, DepartmentOut))
def create_department(request: HttpRequest, payload: DepartmentIn) -> Status[object]:
    return Status(201, services.create_department(actor=actor(request), **payload.dict()))


@router.get("/departments/{code}", auth=VIEW, response=_responses(200, DepartmentOut))
def get_department(request: HttpRequest, code: str) -> object:
    return selectors.get_department(actor(request), code)


@router.patch("/departments/{code}", auth=EDIT, response=_responses(200, DepartmentOut))
def update_department(request: HttpRequest, code: str, payload: DepartmentPatch) -> object:
    return services.update_department(actor=actor(request), code=code,
                                      changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]


@router.delete("/departments/{code}", auth=EDIT, response=_responses(204, None))
def delete_department(request: HttpRequest, code: str) -> Status[None]:
    services.delete_department(actor=actor(request), code=code)
    return Status(204, None)


# --- vendors and contracts ---------------------------------------------------------------

@router.get("/vendors", auth=VIEW, response=_responses(200, Page[VendorOut]))
def list_vendors(request: HttpRequest, q: str | None = None, limit: int = 100,
                 offset: int = 0) -> dict[str, object]:
    items, count, limit, offset = paginate(selectors.list_vendors(actor(request), q=q),
                                           limit=limit, offset=offset)
    return {"items": [VendorOut.from_row(v) for v in items], "count": count, "limit": limit,
            "offset": offset}


@router.post("/vendors", auth=EDIT, response=_responses(201, VendorOut))
def create_vendor(request: HttpRequest, payload: VendorIn) -> Status[object]:
    services.create_vendor(actor=actor(request), **payload.dict())
    return Status(201, VendorOut.from_row(selectors.get_vendor(actor(request), payload.code)))


@router.get("/vendors/{code}", auth=VIEW, response=_responses(200, VendorOut))
def get_vendor(request: HttpRequest, code: str) -> object:
    return VendorOut.from_row(selectors.get_vendor(actor(request), code))


@router.patch("/vendors/{code}", auth=EDIT, response=_responses(200, VendorOut))
def update_vendor(request: HttpRequest, code: str, payload: VendorPatch) -> object:
    services.update_vendor(actor=actor(request), code=code,
                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return VendorOut.from_row(selectors.get_vendor(actor(request), code))


@router.delete("/vendors/{code}", auth=EDIT, response=_responses(204, None))
def delete_vendor(request: HttpRequest, code: str) -> Status[None]:
    services.delete_vendor(actor=actor(request), code=code)
    return Status(204, None)


@router.post("/vendors/{code}/contracts", auth=EDIT, response=_responses(201, ContractOut))
def add_contract(request: HttpRequest, code: str, payload: ContractIn) -> Status[object]:
    contract = services.add_contract(actor=actor(request), vendor=code, **payload.dict())
    return Status(201, ContractOut.from_row(contract))


@router.delete("/vendors/{code}/contracts/{contract_id}", auth=EDIT,
               response=_responses(204, None))
def delete_contract(request: HttpRequest, code: str, contract_id: int) -> Status[None]:
    services.delete_contract(actor=actor(request), vendor=code, contract_id=contract_id)
    return Status(204, None)


# --- people and contact points -----------------------------------------------------------

@router.get("/people", auth=VIEW, response=_responses(200, Page[PersonOut]))
def list_people(request: HttpRequest, department: str | None = None, vendor: str | None = None,
                q: str | None = None, is_active: bool | None = None, limit: int = 100,
                offset: int = 0) -> dict[str, object]:
    items, count, limit, offset = paginate(
        selectors.list_people(actor(request), department=department, vendor=vendor, q=q,
                              is_active=is_active), limit=limit, offset=offset)
    return {"items": [PersonOut.from_row(p) for p in items], "count": count, "limit": limit,
            "offset": offset}


@router.post("/people", auth=EDIT, response=_responses(201, PersonOut))
def create_person(request: HttpRequest, payload: PersonIn) -> Status[object]:
    data = payload.dict()
    services.create_person(actor=actor(request), **data)
    return Status(201, PersonOut.from_row(selectors.get_person(actor(request), payload.code)))


@router.get("/people/{code}", auth=VIEW, response=_responses(200, PersonOut))
def get_person(request: HttpRequest, code: str) -> object:
    return PersonOut.from_row(selectors.get_person(actor(request), code))


@router.patch("/people/{code}", auth=EDIT, response=_responses(200, PersonOut))
def update_person(request: HttpRequest, code: str, payload: PersonPatch) -> object:
    services.update_person(actor=actor(request), code=code,
                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return PersonOut.from_row(selectors.get_person(actor(request), code))


@router.delete("/people/{code}", auth=EDIT, response=_responses(204, None))
def delete_person(request: HttpRequest, code: str) -> Status[None]:
    services.delete_person(actor=actor(request), code=code)
    return Status(204, None)


@router.get("/contact-points", auth=VIEW, response=_responses(200, Page[ContactPointOut]))
def list_contact_points(request: HttpRequest, person: str | None = None,
                        kind: str | None = None, limit: int = 100,
                        offset: int = 0) -> dict[str, object]:
    items, count, limit, offset = paginate(
        selectors.list_contact_points(actor(request), person=person, kind=kind),
        limit=limit, offset=offset)
    return {"items": [ContactPointOut.from_row(c) for c in items], "count": count,
            "limit": limit, "offset": offset}


@router.post("/people/{code}/contact-points", auth=EDIT,
             response=_responses(201, ContactPointOut))
def add_contact_point(request: HttpRequest, code: str,
                      payload: ContactPointIn) -> Status[object]:
    cp = services.add_contact_point(actor=actor(request), person=code, **payload.dict())
    return Status(201, ContactPointOut.from_row(cp, code))


@router.patch("/contact-points/{contact_id}", auth=EDIT,
              response=_responses(200, ContactPointOut))
def update_contact_point(request: HttpRequest, contact_id: int,
                         payload: ContactPointPatch) -> object:
    cp = services.update_contact_point(actor=actor(request), contact_id=contact_id,
                                       changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return ContactPointOut.from_row(cp)


@router.delete("/contact-points/{contact_id}", auth=EDIT, response=_responses(204, None))
def delete_contact_point(request: HttpRequest, contact_id: int) -> Status[None]:
    services.delete_contact_point(actor=actor(request), contact_id=contact_id)
    return Status(204, None)
