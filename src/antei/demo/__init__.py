"""Load the demo institution (東雲銀行, see `antei.demo.data`) through the real services.

Going through the services means the demo data is validated and audited exactly like data
a user enters, so every later screen (registers, call-out, risk views) shows something
meaningful. The load is idempotent: each row is looked up by its natural key first and only
missing rows are created, so a second run creates nothing and writes no audit entries.
Rows that exist are left as they are, even if a user has changed them since.

Callers pass an actor; use `antei.core.actor.system_actor()` when nobody in particular is
acting (CLI, fixtures).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from django.db import transaction

from antei.calendars import services as calendar_services
from antei.calendars.models import CalendarOverride, ServiceCalendar
from antei.callout import services as callout_services
from antei.callout.models import EscalationPolicy, Roster
from antei.core import clock
from antei.core.actor import Actor
from antei.demo import alerts as demo_alerts
from antei.demo import capacity as demo_capacity
from antei.demo import data
from antei.demo import incidents as demo_incidents
from antei.demo import settlement as demo_settlement
from antei.incidents import services as incident_services
from antei.incidents.models import Target
from antei.inventory import services as inventory_services
from antei.inventory.models import (
    BatchWindow,
    BusinessFunction,
    Component,
    Connection,
    ExternalParty,
    KeyPerson,
    Responsibility,
    System,
    SystemVendor,
)
from antei.org import services as org_services
from antei.org.models import Department, Person, Vendor, VendorContract

# The kinds the summary counts, in load order (each kind only refers to earlier ones).
KINDS = (
    "departments", "vendors", "contracts", "people", "business_functions", "systems",
    "batch_windows", "components", "external_parties", "connections", "vendor_roles",
    "responsibilities", "key_persons", "calendars", "calendar_overrides", "incidents",
    "targets",
)


@dataclass(frozen=True)
class DemoSummary:
    """What one load did: per kind, how many rows it created and how many already existed."""

    bank: str
    created: Mapping[str, int] = field(default_factory=dict)
    existing: Mapping[str, int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_existing(self) -> int:
        return sum(self.existing.values())

    @property
    def everything_existed(self) -> bool:
        return self.total_created == 0 and self.total_existing > 0


class _Loader:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.created = dict.fromkeys(KINDS, 0)
        self.existing = dict.fromkeys(KINDS, 0)

    def _each(self, kind: str, rows: Iterable[Any], present: set[Any],
              key: Callable[[Any], Hashable], create: Callable[[Any], object]) -> None:
        """Create the rows whose key is not in `present`; count the others as existing."""
        for row in rows:
            k = key(row)
            if k in present:
                self.existing[kind] += 1
                continue
            create(row)
            present.add(k)
            self.created[kind] += 1

    def run(self) -> None:
        a, org, inv = self.actor, org_services, inventory_services

        self._each("departments", data.DEPARTMENTS, _codes(Department), lambda r: r["code"],
                   lambda r: org.create_department(actor=a, **r))
        self._each("vendors", data.VENDORS, _codes(Vendor), lambda r: r["code"],
                   lambda r: org.create_vendor(actor=a, **r))
        self._each("contracts", data.CONTRACTS,
                   set(VendorContract.objects.values_list("vendor__code", "reference")),
                   lambda r: (r["vendor"], r["reference"]),
                   lambda r: org.add_contract(actor=a, **r))
        self._each("people", data.PEOPLE, _codes(Person), lambda r: r["code"],
                   lambda r: org.create_person(actor=a, **_person_kwargs(r)))
        self._each("business_functions", data.BUSINESS_FUNCTIONS, _codes(BusinessFunction),
                   lambda r: r["code"], lambda r: inv.create_business_function(actor=a, **r))
        self._each("systems", data.SYSTEMS, _codes(System), lambda r: r["code"],
                   lambda r: inv.create_system(actor=a, **r))
        self._each("batch_windows", data.BATCH_WINDOWS,
                   set(BatchWindow.objects.values_list("system__code", "name")),
                   lambda r: (r[0], r[1]),
                   lambda r: inv.add_batch_window(actor=a, system=r[0], name=r[1], start=r[2],
                                                  end=r[3], days=r[4]))
        self._each("components", data.COMPONENTS,
                   set(Component.objects.values_list("system__code", "name")),
                   lambda r: (r["system"], r["name"]),
                   lambda r: inv.add_component(actor=a, **r))
        self._each("external_parties", data.EXTERNAL_PARTIES, _codes(ExternalParty),
                   lambda r: r["code"], lambda r: inv.create_external_party(actor=a, **r))
        # A connection has no code: source, target and protocol identify it.
        self._each("connections", data.CONNECTIONS,
                   set(Connection.objects.values_list(
                       "source__code", "target_system__code", "target_external__code",
                       "protocol")),
                   lambda r: (r[0], r[1], r[2], r[4]),
                   lambda r: inv.create_connection(actor=a, source=r[0], target_system=r[1],
                                                   target_external=r[2], direction=r[3],
                                                   protocol=r[4]))
        self._each("vendor_roles", data.VENDOR_ROLES,
                   set(SystemVendor.objects.values_list("system__code", "vendor__code", "role")),
                   tuple,
                   lambda r: inv.assign_vendor(actor=a, system=r[0], vendor=r[1], role=r[2]))
        # set_responsibility replaces an existing owner, so it is only called for a missing
        # (system, task) row: a matrix a user has since edited is left alone.
        self._each("responsibilities", data.RESPONSIBILITIES,
                   set(Responsibility.objects.values_list("system__code", "task")),
                   lambda r: (r[0], r[1]),
                   lambda r: inv.set_responsibility(actor=a, system=r[0], task=r[1],
                                                    notes=r[4], **{r[2]: r[3]}))
        self._each("key_persons", data.KEY_PERSONS,
                   set(KeyPerson.objects.values_list("system__code", "person__code")),
                   lambda r: (r[0], r[1]),
                   lambda r: inv.add_key_person(actor=a, system=r[0], person=r[1], area=r[2]))
        self._each("calendars", data.CHANNEL_CALENDARS, _codes(ServiceCalendar),
                   lambda r: r["code"],
                   lambda r: calendar_services.create_channel_calendar(actor=a, **r))
        year = clock.now().astimezone(clock.display_zone()).year
        overrides = [(c, date(y, m, d), is_open, reason)
                     for c, m, d, is_open, reason in data.CHANNEL_OVERRIDES
                     for y in (year + 1, year + 2)]
        self._each("calendar_overrides", overrides,
                   set(CalendarOverride.objects.values_list("calendar__code", "date")),
                   lambda r: (r[0], r[1]),
                   lambda r: calendar_services.set_override(actor=a, calendar=r[0], day=r[1],
                                                            is_open=r[2], reason=r[3]))
        # The incident history (demo.incidents), identified by title; times are relative to
        # this load, so one `now` for all of it.
        now = clock.now()
        self._each("incidents", demo_incidents.CASES, demo_incidents.existing_titles(),
                   lambda c: c.title,
                   lambda c: demo_incidents.create(actor=a, case=c, now=now))
        # set_target replaces a cap, so only a missing (period, scope, value) is set.
        self._each("targets", demo_incidents.TARGETS,
                   set(Target.objects.values_list("period", "scope", "scope_value")),
                   lambda r: (r["period"], r["scope"], r["scope_value"]),
                   lambda r: incident_services.set_target(actor=a, **r))
        # Call-out (C02): created when missing, but not counted in the summary's KINDS yet.
        for roster in data.ROSTERS:
            if not Roster.objects.filter(code=roster["code"]).exists():
                callout_services.create_roster(actor=a, **roster)
        for policy in data.ESCALATION_POLICIES:
            if not EscalationPolicy.objects.filter(code=policy["code"]).exists():
                callout_services.create_policy(actor=a, **policy)
        demo_settlement.load(actor=a)  # C03: a payment backlog for the exchange incident
        demo_capacity.load(actor=a)  # limits and two years of daily peaks (C07, C08)
        demo_alerts.load(actor=a)  # monitoring (issue 5): not counted in KINDS either

    def summary(self) -> DemoSummary:
        return DemoSummary(bank=data.BANK_NAME, created=MappingProxyType(dict(self.created)),
                           existing=MappingProxyType(dict(self.existing)))


def _codes(model: type[Any]) -> set[Any]:
    return set(model._default_manager.values_list("code", flat=True))


def _person_kwargs(row: Mapping[str, Any]) -> dict[str, Any]:
    """The data lists contacts in call-out order; the service wants explicit priorities."""
    kwargs = {k: v for k, v in row.items() if k != "contacts"}
    kwargs["contact_points"] = [
        {"kind": kind, "address": address, "label": label, "priority": i}
        for i, (kind, address, label) in enumerate(row["contacts"], start=1)
    ]
    return kwargs


def load(*, actor: Actor) -> DemoSummary:
    """Create whatever part of the demo institution is missing, all in one transaction:
    a failure half-way leaves nothing behind (the services' own transactions nest)."""
    loader = _Loader(actor)
    with transaction.atomic():
        loader.run()
    return loader.summary()
