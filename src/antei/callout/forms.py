"""HTML forms of call-out: rosters and escalation policies. They only parse input; the
services decide what is valid, and their field errors are put back next to the fields
(`apply_errors`: `steps[2].people` lands on the third step row's people field).

Catalog: C02, A1-II-3, M-3.3.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from antei.callout.domain import Coverage, StepKind
from antei.core.errors import Conflict, InvalidInput
from antei.core.forms import ParseForm
from antei.core.forms import apply_errors as core_apply_errors

STEP_ROWS = 5  # blank rows are ignored; a policy rarely has more steps
COVERAGE_LABELS = {"always": "常時 / always", "nights": "夜間 / nights",
                   "holidays": "休日 / holidays", "off_hours": "夜間・休日 / nights and holidays"}
KIND_LABELS = {"": "—", "person": "担当者 / person", "roster": "当番表 / roster",
               "distribution": "経営陣配信 / management distribution"}


def codes(text: str) -> list[str]:
    """Person codes separated by commas, spaces or line breaks, in order."""
    return [c for c in re.split(r"[\s,、]+", text.strip()) if c]


class RosterForm(ParseForm):
    code = forms.CharField(label="コード / code", max_length=32)
    name = forms.CharField(label="名称 / name", max_length=100)
    members = forms.CharField(label="当番順（担当者コード） / members in turn (person codes)",
                              widget=forms.Textarea(attrs={"rows": 2}))
    rotation_days = forms.IntegerField(label="交代間隔（日） / rotation (days)", initial=7)
    starts_on = forms.DateField(label="最初の当番開始日 / first turn starts on",
                                widget=forms.DateInput(attrs={"type": "date"}))
    handover_hour = forms.IntegerField(label="交代時刻（時, JST） / handover hour", initial=9)
    coverage = forms.ChoiceField(label="対象時間帯 / coverage",
                                 choices=[(c.value, COVERAGE_LABELS[c.value]) for c in Coverage])
    night_start_hour = forms.IntegerField(label="夜間開始（時, JST） / nights start", initial=18)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def number(self, name: str, default: int) -> int:
        value = self.cleaned_data.get(name)
        return default if value is None else int(value)

    def service_kwargs(self) -> dict[str, Any]:
        return {"name": self.text("name"), "members": codes(self.text("members")),
                "rotation_days": self.number("rotation_days", 7),
                "starts_on": self.cleaned_data.get("starts_on"),
                "handover_hour": self.number("handover_hour", 9),
                "coverage": self.text("coverage") or "always",
                "night_start_hour": self.number("night_start_hour", 18)}


class PolicyForm(ParseForm):
    code = forms.CharField(label="コード / code", max_length=32)
    name = forms.CharField(label="名称 / name", max_length=100)
    rank = forms.IntegerField(label="ランク / rank")
    system = forms.CharField(label="対象システム（任意） / only for system (optional)")
    description = forms.CharField(label="説明 / description",
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(STEP_ROWS):
            n = i + 1
            self.fields[f"step_{i}_kind"] = forms.ChoiceField(
                label=f"手順{n} 種類 / step {n} kind",
                choices=[(k, KIND_LABELS[k]) for k in ("", *[s.value for s in StepKind])],
                required=False)
            self.fields[f"step_{i}_people"] = forms.CharField(
                label=f"手順{n} 担当者コード / people", required=False)
            self.fields[f"step_{i}_roster"] = forms.CharField(
                label=f"手順{n} 当番表コード / roster", required=False)
            self.fields[f"step_{i}_wait_minutes"] = forms.IntegerField(
                label=f"手順{n} 応答待ち（分） / wait (minutes)", required=False)
            self.fields[f"step_{i}_repeats"] = forms.IntegerField(
                label=f"手順{n} 繰返し / repeats", required=False)
            self.fields[f"step_{i}_next_step"] = forms.IntegerField(
                label=f"手順{n} 次の手順（任意, 1〜） / then step (optional)", required=False)
        if editing:
            self.fields["code"].disabled = True

    def steps(self) -> list[dict[str, object]]:
        """The filled step rows, in order; a row counts when it names a kind."""
        out: list[dict[str, object]] = []
        for i in range(STEP_ROWS):
            kind = self.text(f"step_{i}_kind")
            if not kind:
                continue
            nxt = self.cleaned_data.get(f"step_{i}_next_step")
            out.append({
                "kind": kind, "people": codes(self.text(f"step_{i}_people")),
                "roster": self.optional(f"step_{i}_roster"),
                "wait_minutes": self.cleaned_data.get(f"step_{i}_wait_minutes") or 0,
                "repeats": self.cleaned_data.get(f"step_{i}_repeats") or 0,
                "next_step": nxt - 1 if isinstance(nxt, int) else None})
        return out

    def step_rows(self) -> list[list[forms.BoundField]]:
        names = ("kind", "people", "roster", "wait_minutes", "repeats", "next_step")
        return [[self[f"step_{i}_{n}"] for n in names] for i in range(STEP_ROWS)]

    def service_kwargs(self) -> dict[str, Any]:
        rank = self.cleaned_data.get("rank")
        return {"name": self.text("name"), "rank": rank, "system": self.optional("system"),
                "description": self.text("description"), "steps": self.steps()}


STEP_FIELD = re.compile(r"^steps\[(\d+)\]\.(\w+)$")


def apply_policy_errors(form: PolicyForm, exc: InvalidInput | Conflict) -> None:
    """`steps[i].x` names the i-th *filled* row; map it to that row's field."""
    if not exc.errors:
        core_apply_errors(form, exc)
        return
    filled = [i for i in range(STEP_ROWS) if form.text(f"step_{i}_kind")]
    for error in exc.errors:
        name = error.field
        m = STEP_FIELD.match(name or "")
        if m and int(m.group(1)) < len(filled):
            name = f"step_{filled[int(m.group(1))]}_{m.group(2)}"
        form.add_error(name if name in form.fields else None, str(error.message))
