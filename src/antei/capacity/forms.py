"""HTML input of the limits registry. Parsing only: capacity.services validates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from antei.capacity import domain
from antei.capacity.models import KIND_LABELS, LAYER_LABELS, OVERFLOW_LABELS
from antei.core.forms import ParseForm
from antei.org.forms import BLANK, NONE, Choices, date_input, labelled


class LimitForm(ParseForm):
    system = forms.ChoiceField(label=_("System"))
    component = forms.CharField(label=_("Component"), max_length=100,
                                help_text=_("Name of an active or standby component; blank "
                                            "for the system as a whole."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[BLANK, *labelled(domain.KINDS,
                                                                         KIND_LABELS)])
    name = forms.CharField(label=_("Name"), max_length=100)
    layer = forms.ChoiceField(label=_("Layer"), choices=labelled(domain.LAYERS, LAYER_LABELS))
    # The metaclass moves fields off the class, so ParseForm.value() stays callable.
    value = forms.FloatField(label=_("Limit value"))  # type: ignore[assignment]
    unit = forms.CharField(label=_("Unit"), max_length=32)
    overflow = forms.ChoiceField(label=_("On overflow"),
                                 choices=labelled(domain.OVERFLOWS, OVERFLOW_LABELS))
    warning = forms.FloatField(label=_("Warning level"))
    critical = forms.FloatField(label=_("Critical level"))
    margin_percent = forms.FloatField(label=_("Required margin over the expected peak (%)"))
    has_production_equivalent_test = forms.BooleanField(
        label=_("Tested at production-equivalent load"))
    review_interval_days = forms.IntegerField(label=_("Review interval (days)"))
    last_reviewed_on = forms.DateField(label=_("Last reviewed on"), widget=date_input())
    housekeeping_interval_days = forms.IntegerField(label=_("Housekeeping interval (days)"))
    next_housekeeping_on = forms.DateField(label=_("Next housekeeping on"),
                                           widget=date_input())
    owner_department = forms.ChoiceField(label=_("Owner department"))
    promql = forms.CharField(label=_("PromQL expression"), max_length=1000)
    measurement_interval_seconds = forms.IntegerField(label=_("Measurement interval (seconds)"))

    def __init__(self, *args: Any, systems: Choices, departments: Choices,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [BLANK, *systems]  # type: ignore[attr-defined]
        self.fields["owner_department"].choices = [NONE, *departments]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.fields:
            v = self.cleaned_data.get(name)
            if name in ("component", "owner_department"):
                out[name] = self.optional(name)
            elif name in ("unit", "promql", "name"):
                out[name] = self.text(name)
            elif name == "has_production_equivalent_test":
                out[name] = bool(v)
            elif name == "margin_percent":
                out[name] = 20.0 if v is None else v
            elif name == "measurement_interval_seconds":
                out[name] = v or 86400
            else:
                out[name] = v
        return out


class WhatIfForm(ParseForm):
    factor = forms.FloatField(label=_("Volume factor"), initial=2.0)
    from_date = forms.DateField(label=_("From"), widget=date_input())
    system = forms.ChoiceField(label=_("System"))

    def __init__(self, *args: Any, systems: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [(  # type: ignore[attr-defined]
            "", _("(all)")), *systems]
