"""REST endpoints for business functions, systems, components and connections."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from antei.core.api import PROBLEM_RESPONSES, Page, actor, paginate, require
from antei.core.roles import Perm
from antei.inventory import selectors, services
from antei.inventory.schemas import (
    BatchWindowIn,
    BatchWindowOut,
    BusinessFunctionIn,
    BusinessFunctionOut,
    BusinessFunctionPatch,
    ComponentIn,
    ComponentOut,
    ComponentPatch,
    ConnectionIn,
    ConnectionOut,
    ConnectionPatch,
    ExternalPartyIn,
    ExternalPartyOut,
    ExternalPartyPatch,
    KeyPersonIO,
    ResponsibilityIn,
    ResponsibilityOut,
    SystemIn,
    SystemOut,
    SystemPatch,
    VendorRoleIO,
)

router = Router(tags=["inventory"])
VIEW = require(Perm.INVENTORY_VIEW)
EDIT = require(Perm.INVENTORY_EDIT)
EDIT_BUSINESS = require(Perm.BUSINESS_EDIT)


def _responses(ok: int, schema: object) -> dict[int, object]:
    return {ok: schema, **PROBLEM_RESPONSES}


def _page(items: list[object], count: int, limit: int, offset: int) -> dict[str, object]:
    return {"items": items, "count": count, "limit": limit, "offset": offset}


# --- business functions ------------------------------------------------------------------

@router.get("/business-functions", auth=VIEW,
            response=_responses(200, Page[BusinessFunctionOut]))
def list_business_functions(request: HttpRequest, criticality: str | None = None,
                            q: str | None = None, limit: int = 100,
                            offset: int = 0) -> dict[str, object]:
    rows, count, limit, offset = paginate(
        selectors.list_business_functions(actor(request), criticality=criticality, q=q),
        limit=limit, offset=offset)
    return _page([BusinessFunctionOut.from_row(b) for b in rows], count, limit, offset)


@router.post("/business-functions", auth=EDIT_BUSINESS,
             response=_responses(201, BusinessFunctionOut))
def create_business_function(request: HttpRequest,
                             payload: BusinessFunctionIn) -> Status[object]:
    bf = services.create_business_function(actor=actor(request), **payload.dict())
    return Status(201, BusinessFunctionOut.from_row(bf))


@router.get("/business-functions/{code}", auth=VIEW,
            response=_responses(200, BusinessFunctionOut))
def get_business_function(request: HttpRequest, code: str) -> object:
    return BusinessFunctionOut.from_row(selectors.get_business_function(actor(request), code))


@router.patch("/business-functions/{code}", auth=EDIT_BUSINESS,
              response=_responses(200, BusinessFunctionOut))
def update_business_function(request: HttpRequest, code: str,
                             payload: BusinessFunctionPatch) -> object:
    bf = services.update_business_function(actor=actor(request), code=code,
                                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return BusinessFunctionOut.from_row(bf)


@router.delete("/business-functions/{code}", auth=EDIT_BUSINESS,
               response=_responses(204, None))
def delete_business_function(request: HttpRequest, code: str) -> Status[None]:
    services.delete_business_function(actor=actor(request), code=code)
    return Status(204, None)


# --- systems -----------------------------------------------------------------------------

@router.get("/systems", auth=VIEW, response=_responses(200, Page[SystemOut]))
def list_systems(request: HttpRequest, tier: str | None = None, department: str | None = None,
                 business_function: str | None = None, vendor: str | None = None,
                 is_euc: bool | None = None, q: str | None = None, limit: int = 100,
                 offset: int = 0) -> dict[str, object]:
    rows, count, limit, offset = paginate(
        selectors.list_systems(actor(request), tier=tier, department=department,
                               business_function=business_function, vendor=vendor,
                               is_euc=is_euc, q=q),
        limit=limit, offset=offset)
    return _page([SystemOut.from_row(s) for s in rows], count, limit, offset)


@router.post("/systems", auth=EDIT, response=_responses(201, SystemOut))
def create_system(request: HttpRequest, payload: SystemIn) -> Status[object]:
    services.create_system(actor=actor(request), **payload.dict())
    return Status(201, SystemOut.from_row(selectors.get_system(actor(request), payload.code)))


@router.get("/systems/{code}", auth=VIEW, response=_responses(200, SystemOut))
def get_system(request: HttpRequest, code: str) -> object:
    return SystemOut.from_row(selectors.get_system(actor(request), code))


@router.patch("/systems/{code}", auth=EDIT, response=_responses(200, SystemOut))
def update_system(request: HttpRequest, code: str, payload: SystemPatch) -> object:
    services.update_system(actor=actor(request), code=code,
                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return SystemOut.from_row(selectors.get_system(actor(request), code))


@router.delete("/systems/{code}", auth=EDIT, response=_responses(204, None))
def delete_system(request: HttpRequest, code: str) -> Status[None]:
    services.delete_system(actor=actor(request), code=code)
    return Status(204, None)


@router.get("/systems/{code}/batch-windows", auth=VIEW,
            response=_responses(200, list[BatchWindowOut]))
def list_batch_windows(request: HttpRequest, code: str) -> list[BatchWindowOut]:
    system = selectors.get_system(actor(request), code)
    return [BatchWindowOut.from_row(w) for w in system.batch_windows.all()]


@router.post("/systems/{code}/batch-windows", auth=EDIT,
             response=_responses(201, BatchWindowOut))
def add_batch_window(request: HttpRequest, code: str,
                     payload: BatchWindowIn) -> Status[object]:
    window = services.add_batch_window(actor=actor(request), system=code, **payload.dict())
    return Status(201, BatchWindowOut.from_row(window))


@router.delete("/systems/{code}/batch-windows/{window_id}", auth=EDIT,
               response=_responses(204, None))
def delete_batch_window(request: HttpRequest, code: str, window_id: int) -> Status[None]:
    services.delete_batch_window(actor=actor(request), system=code, window_id=window_id)
    return Status(204, None)


@router.get("/systems/{code}/vendors", auth=VIEW, response=_responses(200, list[VendorRoleIO]))
def list_system_vendors(request: HttpRequest, code: str) -> list[VendorRoleIO]:
    return SystemOut.from_row(selectors.get_system(actor(request), code)).vendors


@router.post("/systems/{code}/vendors", auth=EDIT, response=_responses(201, VendorRoleIO))
def assign_vendor(request: HttpRequest, code: str, payload: VendorRoleIO) -> Status[object]:
    services.assign_vendor(actor=actor(request), system=code, **payload.dict())
    return Status(201, payload)


@router.delete("/systems/{code}/vendors/{vendor}/{role}", auth=EDIT,
               response=_responses(204, None))
def unassign_vendor(request: HttpRequest, code: str, vendor: str, role: str) -> Status[None]:
    services.unassign_vendor(actor=actor(request), system=code, vendor=vendor, role=role)
    return Status(204, None)


@router.get("/systems/{code}/responsibilities", auth=VIEW,
            response=_responses(200, list[ResponsibilityOut]))
def list_responsibilities(request: HttpRequest, code: str) -> list[ResponsibilityOut]:
    system = selectors.get_system(actor(request), code)
    return [ResponsibilityOut.from_row(r) for r in system.responsibilities.all()]


@router.put("/systems/{code}/responsibilities", auth=EDIT,
            response=_responses(200, ResponsibilityOut))
def set_responsibility(request: HttpRequest, code: str, payload: ResponsibilityIn) -> object:
    row = services.set_responsibility(actor=actor(request), system=code, **payload.dict())
    return ResponsibilityOut.from_row(row)


@router.get("/systems/{code}/key-persons", auth=VIEW,
            response=_responses(200, list[KeyPersonIO]))
def list_key_persons(request: HttpRequest, code: str) -> list[KeyPersonIO]:
    system = selectors.get_system(actor(request), code)
    return [KeyPersonIO(person=k.person.code, area=k.area) for k in system.key_persons.all()]


@router.post("/systems/{code}/key-persons", auth=EDIT, response=_responses(201, KeyPersonIO))
def add_key_person(request: HttpRequest, code: str, payload: KeyPersonIO) -> Status[object]:
    services.add_key_person(actor=actor(request), system=code, **payload.dict())
    return Status(201, payload)


@router.delete("/systems/{code}/key-persons/{person}", auth=EDIT,
               response=_responses(204, None))
def remove_key_person(request: HttpRequest, code: str, person: str) -> Status[None]:
    services.remove_key_person(actor=actor(request), system=code, person=person)
    return Status(204, None)


# --- components --------------------------------------------------------------------------

@router.get("/systems/{code}/components", auth=VIEW,
            response=_responses(200, list[ComponentOut]))
def list_components(request: HttpRequest, code: str,
                    environment: str | None = None) -> list[ComponentOut]:
    rows = selectors.list_components(actor(request), code, environment=environment)
    return [ComponentOut.from_row(c, code) for c in rows]


@router.post("/systems/{code}/components", auth=EDIT, response=_responses(201, ComponentOut))
def add_component(request: HttpRequest, code: str, payload: ComponentIn) -> Status[object]:
    component = services.add_component(actor=actor(request), system=code, **payload.dict())
    return Status(201, ComponentOut.from_row(component, code))


@router.get("/systems/{code}/components/{name}", auth=VIEW,
            response=_responses(200, ComponentOut))
def get_component(request: HttpRequest, code: str, name: str) -> object:
    return ComponentOut.from_row(selectors.get_component(actor(request), code, name), code)


@router.patch("/systems/{code}/components/{name}", auth=EDIT,
              response=_responses(200, ComponentOut))
def update_component(request: HttpRequest, code: str, name: str,
                     payload: ComponentPatch) -> object:
    component = services.update_component(actor=actor(request), system=code, name=name,
                                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return ComponentOut.from_row(component, code)


@router.delete("/systems/{code}/components/{name}", auth=EDIT,
               response=_responses(204, None))
def delete_component(request: HttpRequest, code: str, name: str) -> Status[None]:
    services.delete_component(actor=actor(request), system=code, name=name)
    return Status(204, None)


# --- external parties and connections ----------------------------------------------------

@router.get("/external-parties", auth=VIEW, response=_responses(200, list[ExternalPartyOut]))
def list_external_parties(request: HttpRequest) -> list[ExternalPartyOut]:
    return [ExternalPartyOut.from_row(e) for e in selectors.list_external_parties(actor(request))]


@router.post("/external-parties", auth=EDIT, response=_responses(201, ExternalPartyOut))
def create_external_party(request: HttpRequest, payload: ExternalPartyIn) -> Status[object]:
    party = services.create_external_party(actor=actor(request), **payload.dict())
    return Status(201, ExternalPartyOut.from_row(party))


@router.get("/external-parties/{code}", auth=VIEW, response=_responses(200, ExternalPartyOut))
def get_external_party(request: HttpRequest, code: str) -> object:
    return ExternalPartyOut.from_row(selectors.get_external_party(actor(request), code))


@router.patch("/external-parties/{code}", auth=EDIT,
              response=_responses(200, ExternalPartyOut))
def update_external_party(request: HttpRequest, code: str,
                          payload: ExternalPartyPatch) -> object:
    party = services.update_external_party(actor=actor(request), code=code,
                                           changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return ExternalPartyOut.from_row(party)


@router.delete("/external-parties/{code}", auth=EDIT, response=_responses(204, None))
def delete_external_party(request: HttpRequest, code: str) -> Status[None]:
    services.delete_external_party(actor=actor(request), code=code)
    return Status(204, None)


@router.get("/connections", auth=VIEW, response=_responses(200, Page[ConnectionOut]))
def list_connections(request: HttpRequest, system: str | None = None,
                     external: str | None = None, limit: int = 100,
                     offset: int = 0) -> dict[str, object]:
    rows, count, limit, offset = paginate(
        selectors.list_connections(actor(request), system=system, external=external),
        limit=limit, offset=offset)
    return _page([ConnectionOut.from_row(c) for c in rows], count, limit, offset)


@router.post("/connections", auth=EDIT, response=_responses(201, ConnectionOut))
def create_connection(request: HttpRequest, payload: ConnectionIn) -> Status[object]:
    connection = services.create_connection(actor=actor(request), **payload.dict())
    return Status(201, ConnectionOut.from_row(connection))


@router.get("/connections/{connection_id}", auth=VIEW, response=_responses(200, ConnectionOut))
def get_connection(request: HttpRequest, connection_id: int) -> object:
    return ConnectionOut.from_row(selectors.get_connection(actor(request), connection_id))


@router.patch("/connections/{connection_id}", auth=EDIT,
              response=_responses(200, ConnectionOut))
def update_connection(request: HttpRequest, connection_id: int,
                      payload: ConnectionPatch) -> object:
    connection = services.update_connection(actor=actor(request), connection_id=connection_id,
                                            changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return ConnectionOut.from_row(connection)


@router.delete("/connections/{connection_id}", auth=EDIT, response=_responses(204, None))
def delete_connection(request: HttpRequest, connection_id: int) -> Status[None]:
    services.delete_connection(actor=actor(request), connection_id=connection_id)
    return Status(204, None)
