"""HTML input for the organisation registry. Parsing only: org.services validates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antei.core.forms import ParseForm
from antei.org import domain
from antei.org.models import CONTACT_KIND_LABELS, DEPARTMENT_KIND_LABELS

Choices = list[tuple[str, object]]

CONTRACT_SERVICE_LABELS = {
    "build": _("build"), "run": _("operation"), "maintain": _("maintenance"),
    "data_centre": _("data centre"), "package": _("package"), "other": _("other"),
}
BLANK = ("", _("(choose)"))
NONE = ("", _("(none)"))


def labelled(codes: Iterable[str], labels: dict[str, Any]) -> Choices:
    return [(c, labels.get(c, c)) for c in codes]


def coded(rows: Iterable[tuple[str, str]]) -> Choices:
    """(code, name) rows from a selector as select options showing both."""
    return [(code, f"{code} {name}") for code, name in rows]


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def drop(form: forms.Form, names: Sequence[str]) -> None:
    for name in names:
        form.fields.pop(name, None)


class DepartmentForm(ParseForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    kind = forms.ChoiceField(label=_("Type"), choices=[BLANK, *labelled(
        domain.DEPARTMENT_KINDS, DEPARTMENT_KIND_LABELS)])
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # codes are stable: they appear in URLs and imports
            drop(self, ["code"])


class VendorForm(ParseForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    emergency_contact = forms.CharField(label=_("Emergency contact"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            drop(self, ["code"])


class ContractForm(ParseForm):
    reference = forms.CharField(label=_("Contract reference"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=200)
    services = forms.MultipleChoiceField(
        label=_("Services"), widget=forms.CheckboxSelectMultiple,
        choices=labelled(domain.CONTRACT_SERVICES, CONTRACT_SERVICE_LABELS))
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))


class PersonForm(ParseForm):
    """A person belongs to a department or to a vendor; the service insists on one."""

    code = forms.CharField(label=_("Staff number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name (kana)"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    department = forms.ChoiceField(label=_("Department"))
    vendor = forms.ChoiceField(label=_("Vendor"))
    titles = forms.CharField(label=_("Role titles"), max_length=500,
                             help_text=_("Separate several with commas."))
    is_active = forms.BooleanField(label=_("Active"))

    def __init__(self, *args: Any, departments: Choices, vendors: Choices,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [NONE, *departments]  # type: ignore[attr-defined]
        self.fields["vendor"].choices = [NONE, *vendors]  # type: ignore[attr-defined]
        if editing:
            drop(self, ["code"])
        else:  # a new person is active; deactivating is an edit
            drop(self, ["is_active"])

    def title_list(self) -> list[str]:
        # Both the ASCII and the full-width comma: staff type either.
        raw = self.text("titles").replace("、", ",").replace("，", ",")
        return [t.strip() for t in raw.split(",") if t.strip()]


class ContactPointForm(ParseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[BLANK, *labelled(
        domain.CONTACT_KINDS, CONTACT_KIND_LABELS)])
    address = forms.CharField(label=_("Address"), max_length=300)
    label = forms.CharField(label=_("Label"), max_length=50)
    priority = forms.IntegerField(label=_("Priority"), min_value=1, max_value=99)


# --- logins (users and their API tokens) -------------------------------------------------

def role_choices() -> Choices:
    from antei.core.roles import ROLE_LABELS, Role

    return [BLANK, *[(r.value, ROLE_LABELS[r]) for r in Role]]


class UserForm(ParseForm):
    username = forms.CharField(label=_("Login name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    vendor = forms.CharField(label=_("Vendor code (vendor role only)"), max_length=32)
    email = forms.CharField(label=_("E-mail"), max_length=254)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class UserEditForm(ParseForm):
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    vendor = forms.CharField(label=_("Vendor code (vendor role only)"), max_length=32)
    is_active = forms.BooleanField(label=_("Login enabled"))


class PasswordForm(ParseForm):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class TokenForm(ParseForm):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
