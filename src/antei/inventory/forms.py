"""HTML input for the inventory. Parsing only: inventory.services validates.

Choices that come from the registry (departments, systems, vendors, people) are passed in
by the view, read through the selectors, so a form never queries on its own.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antei.core.forms import ParseForm
from antei.inventory import domain
from antei.inventory.models import (
    COMPONENT_KIND_LABELS,
    CRITICALITY_LABELS,
    DIRECTION_LABELS,
    ENVIRONMENT_LABELS,
    EXTERNAL_KIND_LABELS,
    SERVICE_DAY_LABELS,
    TASK_LABELS,
    TIER_LABELS,
    VENDOR_ROLE_LABELS,
)
from antei.org.forms import BLANK, NONE, Choices, date_input, drop, labelled


def time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class BusinessFunctionForm(ParseForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    criticality = forms.ChoiceField(label=_("Criticality"), choices=[
        BLANK, *labelled(domain.CRITICALITIES, CRITICALITY_LABELS)])
    # Any whole number parses; the service says why 0 or less is refused.
    impact_tolerance_minutes = forms.IntegerField(
        label=_("Impact tolerance (minutes)"),
        help_text=_("How long the business can be down before the harm is intolerable."))
    owner_department = forms.ChoiceField(label=_("Owner department"))
    description = forms.CharField(label=_("Description"), widget=_text())

    def __init__(self, *args: Any, departments: Choices, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].choices = [NONE, *departments]  # type: ignore[attr-defined]
        if editing:
            drop(self, ["code"])


class SystemForm(ParseForm):
    """A system's registration: owner, tier, EUC flag (A1-I-5), lifecycle, service hours."""

    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    tier = forms.ChoiceField(label=_("Tier"), choices=[BLANK, *labelled(domain.TIERS,
                                                                        TIER_LABELS)])
    owner_department = forms.ChoiceField(label=_("Owner department"))
    business_functions = forms.MultipleChoiceField(
        label=_("Business functions"), widget=forms.SelectMultiple(attrs={"size": 6}))
    is_euc = forms.BooleanField(
        label=_("EUC (owned by a business department)"),
        help_text=_("End-user computing is in scope like any other system."))
    in_service_since = forms.DateField(label=_("In service since"), widget=date_input())
    last_major_change = forms.DateField(label=_("Last major change"), widget=date_input())
    online_start = forms.TimeField(label=_("Online start"), widget=time_input())
    online_end = forms.TimeField(label=_("Online end"), widget=time_input())
    online_days = forms.ChoiceField(label=_("Online days"), choices=labelled(
        domain.SERVICE_DAYS, SERVICE_DAY_LABELS))
    description = forms.CharField(label=_("Description"), widget=_text())

    def __init__(self, *args: Any, departments: Choices, functions: Choices,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].choices = [BLANK, *departments]  # type: ignore[attr-defined]
        self.fields["business_functions"].choices = functions  # type: ignore[attr-defined]
        if editing:
            drop(self, ["code"])

    def values(self) -> dict[str, Any]:
        """Everything but the code, in the shape create_system/update_system take."""
        return {
            "name": self.text("name"), "name_en": self.text("name_en"),
            "tier": self.text("tier"), "owner_department": self.text("owner_department"),
            "business_functions": list(self.value("business_functions") or []),  # type: ignore[call-overload]
            "is_euc": bool(self.value("is_euc")),
            "in_service_since": self.value("in_service_since"),
            "last_major_change": self.value("last_major_change"),
            "online_start": self.value("online_start"), "online_end": self.value("online_end"),
            "online_days": self.text("online_days") or "business_days",
            "description": self.text("description"),
        }


class BatchWindowForm(ParseForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    start = forms.TimeField(label=_("Start"), widget=time_input())
    end = forms.TimeField(label=_("End"), widget=time_input(),
                          help_text=_("Earlier than the start means it runs past midnight."))
    days = forms.ChoiceField(label=_("Days"), choices=labelled(domain.SERVICE_DAYS,
                                                                SERVICE_DAY_LABELS))


class ComponentForm(ParseForm):
    """A standby names the active component it takes over from (A2-OPS-MON-1)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[BLANK, *labelled(
        domain.COMPONENT_KINDS, COMPONENT_KIND_LABELS)])
    environment = forms.ChoiceField(label=_("Environment role"), choices=[BLANK, *labelled(
        domain.ENVIRONMENTS, ENVIRONMENT_LABELS)])
    active_peer = forms.ChoiceField(label=_("Active peer"),
                                    help_text=_("Required for a standby component."))
    hostname = forms.CharField(label=_("Host name"), max_length=100)
    site = forms.CharField(label=_("Site"), max_length=100)
    version = forms.CharField(label=_("Version"), max_length=100)

    def __init__(self, *args: Any, peers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["active_peer"].choices = [NONE, *peers]  # type: ignore[attr-defined]


class VendorRoleForm(ParseForm):
    vendor = forms.ChoiceField(label=_("Vendor"))
    role = forms.ChoiceField(label=_("Role"), choices=[BLANK, *labelled(
        domain.VENDOR_ROLES, VENDOR_ROLE_LABELS)])

    def __init__(self, *args: Any, vendors: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].choices = [BLANK, *vendors]  # type: ignore[attr-defined]


IN_HOUSE_CHOICES = [("", _("the task's standing rule")), ("yes", _("yes")), ("no", _("no"))]


class ResponsibilityForm(ParseForm):
    """Who does a task: a department or a vendor; some tasks must stay in-house (A1-II-2)."""

    task = forms.ChoiceField(label=_("Task"), choices=[BLANK, *labelled(
        domain.RESPONSIBILITY_TASKS, TASK_LABELS)])
    department = forms.ChoiceField(label=_("Department"))
    vendor = forms.ChoiceField(label=_("Vendor"))
    must_stay_in_house = forms.ChoiceField(label=_("Must stay in-house"),
                                           choices=IN_HOUSE_CHOICES)
    notes = forms.CharField(label=_("Notes"), widget=_text(2))

    def __init__(self, *args: Any, departments: Choices, vendors: Choices,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [NONE, *departments]  # type: ignore[attr-defined]
        self.fields["vendor"].choices = [NONE, *vendors]  # type: ignore[attr-defined]

    def in_house(self) -> bool | None:
        """None lets the service apply the task's default (volume forecasting stays in)."""
        return {"yes": True, "no": False}.get(self.text("must_stay_in_house"))


class KeyPersonForm(ParseForm):
    person = forms.ChoiceField(label=_("Person"))
    area = forms.CharField(label=_("Area of knowledge"), max_length=200)

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [BLANK, *people]  # type: ignore[attr-defined]


class ExternalPartyForm(ParseForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[BLANK, *labelled(
        domain.EXTERNAL_KINDS, EXTERNAL_KIND_LABELS)])
    description = forms.CharField(label=_("Description"), widget=_text())

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # codes are stable: connections and imports name them
            drop(self, ["code"])


class ConnectionForm(ParseForm):
    """From a system to another system or to an external party, never both (A1-I-3)."""

    source = forms.ChoiceField(label=_("Source system"))
    target_system = forms.ChoiceField(label=_("Target system"))
    target_external = forms.ChoiceField(label=_("or external party"))
    direction = forms.ChoiceField(label=_("Direction"), choices=[BLANK, *labelled(
        domain.DIRECTIONS, DIRECTION_LABELS)])
    protocol = forms.CharField(label=_("Protocol"), max_length=100)
    description = forms.CharField(label=_("Description"), widget=_text(2))

    def __init__(self, *args: Any, systems: Choices, externals: Choices,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [BLANK, *systems]  # type: ignore[attr-defined]
        self.fields["target_system"].choices = [NONE, *systems]  # type: ignore[attr-defined]
        self.fields["target_external"].choices = [NONE, *externals]  # type: ignore[attr-defined]


class ConnectionEditForm(ParseForm):
    """The ends of a connection define it; what may change is how it is used."""

    direction = ConnectionForm.base_fields["direction"]
    protocol = ConnectionForm.base_fields["protocol"]
    description = ConnectionForm.base_fields["description"]
