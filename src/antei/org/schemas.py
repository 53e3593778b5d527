"""API shapes for the organisation registry. References are by code, never by row id."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from antei.org.models import ContactPoint, Person, Vendor, VendorContract

Code = Field(..., min_length=1, max_length=32, description="Stable code, e.g. SYS-OPS")


class DepartmentIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    kind: str = Field(..., description="system|business|risk|audit|planning|pr|"
                                       "customer_service|other")
    description: str = ""


class DepartmentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    kind: str | None = None
    description: str | None = None


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    description: str


class ContractIn(Schema):
    reference: str = Field(..., min_length=1, max_length=64)
    title: str = Field(..., min_length=1, max_length=200)
    services: list[str] = Field(default_factory=list,
                                description="build|run|maintain|data_centre|package|other")
    starts_on: date
    ends_on: date | None = None
    description: str = ""


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    services: list[str]
    starts_on: date
    ends_on: date | None
    description: str

    @staticmethod
    def from_row(c: VendorContract) -> ContractOut:
        return ContractOut(id=c.pk, reference=c.reference, title=c.title, services=c.services,
                           starts_on=c.starts_on, ends_on=c.ends_on, description=c.description)


class VendorIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    emergency_contact: str = Field("", max_length=200)
    description: str = ""


class VendorPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    emergency_contact: str | None = Field(None, max_length=200)
    description: str | None = None


class VendorOut(Schema):
    code: str
    name: str
    name_en: str
    emergency_contact: str
    description: str
    contracts: list[ContractOut]

    @staticmethod
    def from_row(v: Vendor) -> VendorOut:
        return VendorOut(code=v.code, name=v.name, name_en=v.name_en,
                         emergency_contact=v.emergency_contact, description=v.description,
                         contracts=[ContractOut.from_row(c) for c in v.contracts.all()])


class ContactPointIn(Schema):
    kind: str = Field(..., description="email|sms|voice|webhook")
    address: str = Field(..., min_length=1, max_length=300)
    label: str = Field("", max_length=50)
    priority: int = Field(1, ge=1, le=99)


class ContactPointPatch(Schema):
    kind: str | None = None
    address: str | None = Field(None, min_length=1, max_length=300)
    label: str | None = Field(None, max_length=50)
    priority: int | None = Field(None, ge=1, le=99)


class ContactPointOut(Schema):
    id: int
    person: str
    kind: str
    address: str
    label: str
    priority: int
    verified_at: datetime | None

    @staticmethod
    def from_row(c: ContactPoint, person_code: str | None = None) -> ContactPointOut:
        return ContactPointOut(id=c.pk, person=person_code or c.person.code, kind=c.kind,
                               address=c.address, label=c.label, priority=c.priority,
                               verified_at=c.verified_at)


class PersonIn(Schema):
    code: str = Code
    name: str = Field(..., min_length=1, max_length=100)
    name_kana: str = Field("", max_length=100)
    name_en: str = Field("", max_length=100)
    department: str | None = Field(None, description="department code (staff)")
    vendor: str | None = Field(None, description="vendor code (a vendor's engineer)")
    titles: list[str] = Field(default_factory=list, description="role titles, e.g. 部長")
    contact_points: list[ContactPointIn] = Field(default_factory=list)


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_kana: str | None = Field(None, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    department: str | None = None
    vendor: str | None = None
    titles: list[str] | None = None
    is_active: bool | None = None


class PersonOut(Schema):
    code: str
    name: str
    name_kana: str
    name_en: str
    department: str | None
    vendor: str | None
    titles: list[str]
    is_active: bool
    is_key_person: bool
    key_person_for: list[str]
    contact_points: list[ContactPointOut]

    @staticmethod
    def from_row(p: Person) -> PersonOut:
        key_for = sorted(k.system.code for k in p.key_for.all())
        return PersonOut(
            code=p.code, name=p.name, name_kana=p.name_kana, name_en=p.name_en,
            department=p.department.code if p.department else None,
            vendor=p.vendor.code if p.vendor else None, titles=p.titles,
            is_active=p.is_active, is_key_person=bool(key_for), key_person_for=key_for,
            contact_points=[ContactPointOut.from_row(c, p.code) for c in p.contact_points.all()],
        )
