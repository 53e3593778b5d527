"""HTML input for the incident desk. Parsing only: antei.incidents.services validates.

Times are typed in the display zone (Asia/Tokyo) with a datetime-local input and stored in
UTC; the views run inside the display zone, so a form reads and shows JST (C01).
Choices that come from the registry (systems, business functions, people) are passed in by
the view, read through the selectors, so a form never queries on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from antei.core.forms import ParseForm
from antei.incidents.domain import deadlines, reports, roles, states, targets

Choices = list[tuple[str, object]]
BLANK = ("", _("(choose)"))
NONE = ("", _("(none)"))

# Kinds a person writes on the timeline; "status" and "report" entries are written by the
# services when the status moves or a report is issued.
ENTRY_KINDS = ("fact", "decision", "action", "communication", "instruction")
TIMELINE_KIND_LABELS: Mapping[str, object] = {
    "fact": _("fact"), "decision": _("decision"), "action": _("response action"),
    "communication": _("communication"), "instruction": _("management instruction"),
    "status": _("status change"), "report": _("report"),
}
HORIZONTAL_RESULT_LABELS: Mapping[str, object] = {
    "pending": _("not checked yet"), "not_affected": _("not affected"),
    "affected_fixed": _("affected, fixed"), "affected_open": _("affected, still open"),
}
MILESTONE_LABELS: Mapping[str, object] = {
    "management_aware": _("Management aware"),
    "first_instruction": _("First management instruction"),
}
PERIOD_LABELS: Mapping[str, object] = {
    targets.Period.MONTH: _("month"), targets.Period.QUARTER: _("quarter"),
    targets.Period.HALF: _("half year"), targets.Period.YEAR: _("fiscal year"),
}
SCOPE_LABELS: Mapping[str, object] = {
    targets.Scope.OVERALL: _("overall"), targets.Scope.RANK: _("by rank"),
    targets.Scope.BUSINESS_FUNCTION: _("by business function"),
    targets.Scope.SYSTEM: _("by system"),
}


def is_japanese() -> bool:
    return (translation.get_language() or "ja").startswith("ja")


def pick(pair: Sequence[str]) -> str:
    """The Japanese or English half of a domain label pair, by the active language."""
    return pair[0] if is_japanese() else pair[1]


def paired(codes: Iterable[str], labels: Mapping[str, Sequence[str]]) -> Choices:
    return [(c, pick(labels[c])) for c in codes]


def labelled(codes: Iterable[str], labels: Mapping[str, object]) -> Choices:
    return [(c, labels.get(c, c)) for c in codes]


def rank_choices(policies: Iterable[deadlines.RankPolicy]) -> Choices:
    """Each rank with what it means, so the choice is made in seconds (M-3.3)."""
    ja = is_japanese()
    return [(str(p.rank), f"{p.name_ja if ja else p.name_en} — "
                          f"{p.definition_ja if ja else p.definition_en}") for p in policies]


def profile_choices() -> Choices:
    ja = is_japanese()
    return [NONE, *((code, p.name_ja if ja else p.name_en)
                    for code, p in deadlines.PROFILES.items())]


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input: read and shown in the zone the view runs in (JST)."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                        format="%Y-%m-%dT%H:%M"))
        super().__init__(**kwargs)


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class IncidentForm(ParseForm):
    """Open an incident: what, how bad, where, when (M-3.3: seconds, not minutes)."""

    title = forms.CharField(label=_("Title"), max_length=200,
                            widget=forms.TextInput(attrs={"autofocus": True}))
    rank = forms.TypedChoiceField(label=_("Rank"), coerce=int, empty_value=None)
    systems = forms.MultipleChoiceField(label=_("Systems"),
                                        widget=forms.SelectMultiple(attrs={"size": 6}))
    business_functions = forms.MultipleChoiceField(
        label=_("Business functions"), widget=forms.SelectMultiple(attrs={"size": 4}))
    detected_at = LocalDateTimeField(label=_("Detected at (JST)"))
    occurred_at = LocalDateTimeField(label=_("Occurred at (JST, if known)"))
    summary = forms.CharField(label=_("What is known"), widget=_text(4),
                              help_text=_("Write what you know now; the first report marks "
                                          "everything else as still being investigated."))
    regulator_profile = forms.ChoiceField(label=_("Regulator profile"))
    is_external = forms.BooleanField(
        label=_("A case at another institution"),
        help_text=_("Record another bank's failure to check whether it could happen here "
                    "(A1-I-13); it starts no clocks and needs no systems."))
    external_institution = forms.CharField(label=_("Institution"), max_length=100)

    def __init__(self, *args: Any, policies: Iterable[deadlines.RankPolicy], systems: Choices,
                 functions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank"].choices = [BLANK, *rank_choices(policies)]  # type: ignore[attr-defined]
        self.fields["systems"].choices = systems  # type: ignore[attr-defined]
        self.fields["business_functions"].choices = functions  # type: ignore[attr-defined]
        self.fields["regulator_profile"].choices = profile_choices()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Keyword arguments for services.open_incident."""
        return {
            "title": self.text("title"), "rank": self.value("rank"),
            "systems": list(self.value("systems") or []),  # type: ignore[call-overload]
            "business_functions": list(self.value("business_functions") or []),  # type: ignore[call-overload]
            "detected_at": self.value("detected_at"), "occurred_at": self.value("occurred_at"),
            "summary": self.text("summary"),
            "regulator_profile": self.text("regulator_profile"),
            "is_external": bool(self.value("is_external")),
            "external_institution": self.text("external_institution"),
        }


class FactsForm(ParseForm):
    """What became known: the next follow-up report shows it as updated (A1-II-7)."""

    impact_scope = forms.CharField(label=_("Impact scope"), widget=_text(2))
    customer_impact = forms.CharField(label=_("Customer impact"), widget=_text(2))
    settlement_impact = forms.CharField(label=_("Settlement impact"), widget=_text(2))
    affected_count = forms.IntegerField(label=_("Affected customers/transactions"), min_value=0)
    amount_yen = forms.IntegerField(label=_("Amount affected (yen)"), min_value=0)
    recovery_eta = LocalDateTimeField(label=_("Expected recovery (JST)"))
    classified_at = LocalDateTimeField(
        label=_("Classified major at (JST)"),
        help_text=_("Starts the regulator clock of profiles that count from classification."))
    regulator_profile = forms.ChoiceField(label=_("Regulator profile"))
    note = forms.CharField(label=_("Note for the timeline"), max_length=500)

    FIELDS = ("impact_scope", "customer_impact", "settlement_impact", "affected_count",
              "amount_yen", "recovery_eta", "classified_at", "regulator_profile")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulator_profile"].choices = profile_choices()  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """The facts posted (the page posts them all; unchanged ones are not reported as
        changes). A fact missing from the POST is left alone, not blanked."""
        out: dict[str, Any] = {}
        for name in self.FIELDS:
            if name not in self.data:
                continue
            value = self.value(name)
            out[name] = value.strip() if isinstance(value, str) else value
        return out


class OpenChoiceField(forms.ChoiceField):
    """Offers the allowed choices, accepts any value: the service explains a refusal."""

    def valid_value(self, value: Any) -> bool:
        return True


class TransitionForm(ParseForm):
    to = OpenChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             help_text=_("Required to cancel, to reopen or to step back."))

    def __init__(self, *args: Any, allowed: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [BLANK, *allowed]  # type: ignore[attr-defined]


class TimelineForm(ParseForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=labelled(ENTRY_KINDS, TIMELINE_KIND_LABELS))
    # Not "text": ParseForm.text() reads a field.
    entry = forms.CharField(label=_("Text"), widget=_text(2))


class RoleForm(ParseForm):
    """Who holds which incident role (A1-II-1)."""

    role = forms.ChoiceField(label=_("Role"))
    person = forms.ChoiceField(label=_("Person"))

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [BLANK, *paired(roles.ROLES, roles.ROLE_LABELS)]  # type: ignore[attr-defined]
        self.fields["person"].choices = [BLANK, *people]  # type: ignore[attr-defined]


class HQForm(ParseForm):
    """緊急対策本部: where it sits, who is in it (A1-II-3, A1-II-6)."""

    location = forms.CharField(label=_("Location"), max_length=200)
    members = forms.MultipleChoiceField(label=_("Members"),
                                        widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = people  # type: ignore[attr-defined]


class AnalysisForm(ParseForm):
    """The cause analysis the close gate asks for (A1-I-12, C05)."""

    injection_phase = forms.ChoiceField(label=_("Injection phase"))
    cause_category = forms.ChoiceField(label=_("Cause category"))
    direct_cause = forms.CharField(label=_("Direct cause"), widget=_text(2))
    root_cause = forms.CharField(label=_("Root cause"), widget=_text(2))
    no_action_reason = forms.CharField(
        label=_("Why no recurrence action is needed"), widget=_text(2),
        help_text=_("Only when no recurrence-prevention action is added."))
    horizontal_not_applicable = forms.CharField(
        label=_("Why no horizontal check (水平展開) is needed"), widget=_text(2),
        help_text=_("Only when no other system needs checking."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["injection_phase"].choices = [  # type: ignore[attr-defined]
            BLANK, *paired(states.INJECTION_PHASES, states.INJECTION_PHASE_LABELS)]
        self.fields["cause_category"].choices = [  # type: ignore[attr-defined]
            BLANK, *paired(states.CAUSE_CATEGORIES, states.CAUSE_CATEGORY_LABELS)]

    def values(self) -> dict[str, str]:
        return {name: self.text(name) for name in self.fields}


class ActionForm(ParseForm):
    """A recurrence-prevention action: what, who, by when (A1-I-12)."""

    title = forms.CharField(label=_("Prevention measure"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"))
    due_on = forms.DateField(label=_("Due on"),
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [BLANK, *people]  # type: ignore[attr-defined]


class CheckForm(ParseForm):
    """A 水平展開 task: another system to check for the same defect (C05)."""

    system = forms.ChoiceField(label=_("System"))
    scope = forms.CharField(label=_("What to check"), max_length=200)
    checker = forms.ChoiceField(label=_("Checker"))

    def __init__(self, *args: Any, systems: Choices, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [BLANK, *systems]  # type: ignore[attr-defined]
        self.fields["checker"].choices = [NONE, *people]  # type: ignore[attr-defined]


class CheckResultForm(ParseForm):
    result = forms.ChoiceField(label=_("Result"), choices=labelled(
        ("pending", "not_affected", "affected_fixed", "affected_open"),
        HORIZONTAL_RESULT_LABELS))
    notes = forms.CharField(label=_("Notes"), max_length=500)


class TargetForm(ParseForm):
    """An incident-count cap per period and scope (M-2.6, A1-I-18)."""

    period = forms.ChoiceField(label=_("Period"), choices=[BLANK, *labelled(
        [p.value for p in targets.Period], PERIOD_LABELS)])
    cap = forms.IntegerField(label=_("Cap (incidents)"), min_value=0)
    scope = forms.ChoiceField(label=_("Scope"), choices=labelled(
        [s.value for s in targets.Scope], SCOPE_LABELS))
    scope_value = forms.CharField(
        label=_("Scope value"), max_length=32,
        help_text=_("The rank number, business function code or system code; blank for "
                    "overall."))
    measures = forms.CharField(label=_("Measures meant to deliver it"), widget=_text(2))

    def values(self) -> dict[str, Any]:
        return {"period": self.text("period"), "cap": self.value("cap"),
                "scope": self.text("scope") or "overall", "scope_value": self.text("scope_value"),
                "measures": self.text("measures")}


def report_kind_label(kind: str) -> str:
    return pick(reports.KIND_TITLES[reports.ReportKind(kind)])


def status_label(status: str) -> str:
    return pick(states.STATUS_LABELS[states.Status(status)])
