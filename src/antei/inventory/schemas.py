"""API shapes for the inventory. References are by code, never by row id."""

from __future__ import annotations

from datetime import date, time

from ninja import Field, Schema
from pydantic import ConfigDict, StrictInt

from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    ExternalParty,
    Responsibility,
    System,
)

Code = Field(..., min_length=1, max_length=32, description="Stable code, e.g. CORE")


class BusinessFunctionIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    criticality: str = Field(..., description="critical|high|medium|low")
    # Strict: JSON true must not become 1 minute.
    impact_tolerance_minutes: StrictInt = Field(
        ..., description="maximum tolerable outage in minutes (> 0)")
    owner_department: str | None = None
    description: str = ""


class BusinessFunctionPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    criticality: str | None = None
    impact_tolerance_minutes: StrictInt | None = None
    owner_department: str | None = None
    description: str | None = None


class BusinessFunctionOut(Schema):
    code: str
    name: str
    name_en: str
    criticality: str
    impact_tolerance_minutes: int
    owner_department: str | None
    description: str

    @staticmethod
    def from_row(b: BusinessFunction) -> BusinessFunctionOut:
        return BusinessFunctionOut(
            code=b.code, name=b.name, name_en=b.name_en, criticality=b.criticality,
            impact_tolerance_minutes=b.impact_tolerance_minutes,
            owner_department=b.owner_department.code if b.owner_department else None,
            description=b.description)


class BatchWindowIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    start: time
    end: time
    days: str = "business_days"


class BatchWindowOut(Schema):
    id: int
    name: str
    start: time
    end: time
    days: str

    @staticmethod
    def from_row(w: BatchWindow) -> BatchWindowOut:
        return BatchWindowOut(id=w.pk, name=w.name, start=w.start, end=w.end, days=w.days)


class VendorRoleIO(Schema):
    vendor: str
    role: str = Field(..., description="build|run|maintain")


class ResponsibilityIn(Schema):
    task: str = Field(..., description="monitoring|recovery|bug_notice_intake|"
                                       "volume_forecasting|capacity_review|change_release|"
                                       "backup|customer_notice")
    department: str | None = None
    vendor: str | None = None
    must_stay_in_house: bool | None = Field(
        None, description="defaults to true for volume_forecasting (A1-I-9)")
    notes: str = ""


class ResponsibilityOut(Schema):
    task: str
    department: str | None
    vendor: str | None
    must_stay_in_house: bool
    notes: str

    @staticmethod
    def from_row(r: Responsibility) -> ResponsibilityOut:
        return ResponsibilityOut(
            task=r.task, department=r.department.code if r.department else None,
            vendor=r.vendor.code if r.vendor else None,
            must_stay_in_house=r.must_stay_in_house, notes=r.notes)


class KeyPersonIO(Schema):
    person: str
    area: str = ""


class SystemIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    tier: str = Field(..., description="critical|important|standard")
    owner_department: str
    business_functions: list[str] = Field(default_factory=list)
    is_euc: bool = False
    in_service_since: date | None = None
    last_major_change: date | None = None
    online_start: time | None = None
    online_end: time | None = None
    online_days: str = "business_days"
    description: str = ""


class SystemPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    tier: str | None = None
    owner_department: str | None = None
    business_functions: list[str] | None = None
    is_euc: bool | None = None
    in_service_since: date | None = None
    last_major_change: date | None = None
    online_start: time | None = None
    online_end: time | None = None
    online_days: str | None = None
    description: str | None = None


class SystemOut(Schema):
    code: str
    name: str
    name_en: str
    tier: str
    owner_department: str
    business_functions: list[str]
    vendors: list[VendorRoleIO]
    is_euc: bool
    in_service_since: date | None
    last_major_change: date | None
    online_start: time | None
    online_end: time | None
    online_days: str
    description: str

    @staticmethod
    def from_row(s: System) -> SystemOut:
        return SystemOut(
            code=s.code, name=s.name, name_en=s.name_en, tier=s.tier,
            owner_department=s.owner_department.code,
            business_functions=sorted(b.code for b in s.business_functions.all()),
            vendors=[VendorRoleIO(vendor=v.vendor.code, role=v.role)
                     for v in s.vendor_roles.all()],
            is_euc=s.is_euc, in_service_since=s.in_service_since,
            last_major_change=s.last_major_change, online_start=s.online_start,
            online_end=s.online_end, online_days=s.online_days, description=s.description)


class ComponentIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str = Field(..., description="server|database|network|storage|package|middleware|"
                                       "terminal|other")
    environment: str = Field(..., description="active|standby|development")
    active_peer: str | None = Field(None, description="for a standby: its active component")
    hostname: str = Field("", max_length=100)
    site: str = Field("", max_length=100)
    version: str = Field("", max_length=100)
    description: str = ""


class ComponentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = None
    environment: str | None = None
    active_peer: str | None = None
    hostname: str | None = Field(None, max_length=100)
    site: str | None = Field(None, max_length=100)
    version: str | None = Field(None, max_length=100)
    description: str | None = None


class ComponentOut(Schema):
    system: str
    name: str
    kind: str
    environment: str
    active_peer: str | None
    hostname: str
    site: str
    version: str
    description: str

    @staticmethod
    def from_row(c: Component, system_code: str) -> ComponentOut:
        return ComponentOut(
            system=system_code, name=c.name, kind=c.kind, environment=c.environment,
            active_peer=c.active_peer.name if c.active_peer else None, hostname=c.hostname,
            site=c.site, version=c.version, description=c.description)


class ExternalPartyIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    kind: str = Field(..., description="zengin|card_network|other_bank|outsourced_centre|"
                                       "clearing|government|other")
    description: str = ""


class ExternalPartyPatch(Schema):
    """The code stays (connections and imports name it); other fields may change."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    kind: str | None = None
    description: str | None = None


class ConnectionPatch(Schema):
    """The two ends define a connection: changing one is a new connection, so they are
    refused here by name rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")
    direction: str | None = Field(None, description="outbound|inbound|both")
    protocol: str | None = Field(None, max_length=100)
    description: str | None = None


class ExternalPartyOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    description: str

    @staticmethod
    def from_row(e: ExternalParty) -> ExternalPartyOut:
        return ExternalPartyOut(code=e.code, name=e.name, name_en=e.name_en, kind=e.kind,
                                description=e.description)


class ConnectionIn(Schema):
    source: str = Field(..., description="system code")
    target_system: str | None = Field(None, description="system code")
    target_external: str | None = Field(None, description="external party code")
    direction: str = Field(..., description="outbound|inbound|both")
    protocol: str = Field("", max_length=100)
    description: str = ""


class ConnectionOut(Schema):
    id: int
    source: str
    target_system: str | None
    target_external: str | None
    direction: str
    protocol: str
    description: str

    @staticmethod
    def from_row(c: Connection) -> ConnectionOut:
        return ConnectionOut(
            id=c.pk, source=c.source.code,
            target_system=c.target_system.code if c.target_system else None,
            target_external=c.target_external.code if c.target_external else None,
            direction=c.direction, protocol=c.protocol, description=c.description)
