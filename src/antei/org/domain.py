"""Pure rules for the organisation registry (no Django): kinds, contact-address checks.

A person must be reachable for call-out to work (A2-RESP-1: a key person's number was
registered wrongly and nobody was called), so addresses are parsed, not just stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import email_validator
import phonenumbers

from antei.core.domain import Violation, check_choice, check_code, check_required

DEPARTMENT_KINDS = (
    "system", "business", "risk", "audit", "planning", "pr", "customer_service", "other",
)
CONTACT_KINDS = ("email", "sms", "voice", "webhook")
CONTRACT_SERVICES = ("build", "run", "maintain", "data_centre", "package", "other")


def check_department(values: Mapping[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or ""))
    out += check_required(values, ["name", "kind"])
    if values.get("kind"):
        out += check_choice(str(values["kind"]), DEPARTMENT_KINDS, "kind")
    return out


def check_vendor(values: Mapping[str, object]) -> list[Violation]:
    return check_code(str(values.get("code") or "")) + check_required(values, ["name"])


def check_contract(values: Mapping[str, object]) -> list[Violation]:
    out = check_required(values, ["reference", "title", "starts_on"])
    services = values.get("services") or []
    if isinstance(services, list | tuple):
        for s in services:
            out += check_choice(str(s), CONTRACT_SERVICES, "services")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
        out.append(Violation("ends_on", "date_order", {"other": starts.isoformat()}))
    return out


def check_person(values: Mapping[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or "")) + check_required(values, ["name"])
    has_department = bool(values.get("department"))
    has_vendor = bool(values.get("vendor"))
    if has_department == has_vendor:
        out.append(Violation("department", "one_owner"))
    return out


def normalise_contact(kind: str, address: str) -> tuple[str, list[Violation]]:
    """Parse a contact address; return its canonical form (E.164 for phones) or violations."""
    address = address.strip()
    if kind not in CONTACT_KINDS:
        return address, check_choice(kind, CONTACT_KINDS, "kind")
    if not address:
        return address, [Violation("address", "required")]
    if kind == "email":
        try:
            parsed = email_validator.validate_email(address, check_deliverability=False)
        except email_validator.EmailNotValidError:
            return address, [Violation("address", "email", {"value": address})]
        return parsed.normalized, []
    if kind in ("sms", "voice"):
        try:
            number = phonenumbers.parse(address, "JP")
        except phonenumbers.NumberParseException:
            return address, [Violation("address", "phone", {"value": address})]
        if not phonenumbers.is_valid_number(number):
            return address, [Violation("address", "phone", {"value": address})]
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), []
    if not (address.startswith("https://") or address.startswith("http://")) or " " in address:
        return address, [Violation("address", "url", {"value": address})]
    return address, []
