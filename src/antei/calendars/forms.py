"""HTML input for the calendar screens. Parsing only: calendars.services and selectors
decide what is valid, and their field errors come back onto these forms.

Catalog: A2-PERF-SET-5 (channel service days), A2-SWA-1, A2-SWC-3, M-2.8, C10.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from antei.core.errors import FieldError, InvalidInput, field_error
from antei.core.forms import ParseForm

MAX_RULES = 3
# Engine numbering (date.weekday(): 0 = Monday), listed Sunday first as Japanese bank
# calendars print them.
SUNDAY_FIRST = (6, 0, 1, 2, 3, 4, 5)
WEEKDAY_SHORT = {0: _("Mon"), 1: _("Tue"), 2: _("Wed"), 3: _("Thu"), 4: _("Fri"),
                 5: _("Sat"), 6: _("Sun")}
WEEKDAY_LONG = {0: _("Monday"), 1: _("Tuesday"), 2: _("Wednesday"), 3: _("Thursday"),
                4: _("Friday"), 5: _("Saturday"), 6: _("Sunday")}
OPEN, CLOSED = "open", "closed"


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OverrideForm(ParseForm):
    """Open or close one date in one calendar (admins; services.set_override audits it)."""

    date = forms.DateField(label=_("Date"), widget=date_input())
    calendar = forms.ChoiceField(label=_("Calendar"))
    state = forms.ChoiceField(label=_("Status"), widget=forms.RadioSelect,
                              choices=[(CLOSED, _("closed")), (OPEN, _("open"))],
                              initial=CLOSED)
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("Recorded in the audit log, e.g. system migration."))
    # The calendar the page was showing, so the answer goes back to the same view.
    view = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, calendars: Iterable[tuple[str, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = cast(forms.ChoiceField, self.fields["calendar"])
        choices.choices = [(code, f"{code} {name}") for code, name in calendars]
        # Without a date or calendar there is nothing the service could be asked to change.
        for name in ("date", "calendar", "state"):
            self.fields[name].required = True

    @property
    def is_open(self) -> bool:
        return self.value("state") == OPEN


class RemoveOverrideForm(ParseForm):
    date = forms.DateField(widget=forms.HiddenInput)
    calendar = forms.CharField(widget=forms.HiddenInput)
    view = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].required = self.fields["calendar"].required = True


class ChannelCalendarForm(ParseForm):
    """A channel's service-day calendar (ATM, internet banking): A2-PERF-SET-5."""

    code = forms.CharField(label=_("Code"), max_length=32, help_text=_("e.g. ATM or IB"))
    name = forms.CharField(label=_("Name"), max_length=100)
    name_en = forms.CharField(label=_("English name"), max_length=100)
    open_weekdays = forms.TypedMultipleChoiceField(
        label=_("Open weekdays"), widget=forms.CheckboxSelectMultiple, coerce=int,
        choices=[(d, WEEKDAY_LONG[d]) for d in SUNDAY_FIRST], initial=list(SUNDAY_FIRST))
    open_on_holidays = forms.BooleanField(label=_("Open on national holidays"), initial=True)
    open_year_end = forms.BooleanField(label=_("Open 31 Dec – 3 Jan"), initial=True)
    description = forms.CharField(label=_("Description"),
                                  widget=forms.Textarea(attrs={"rows": 2}))


@dataclass
class SpecialDatesQuery:
    """The special-date page's GET form: from, to, up to three rule texts, a calendar.

    Hand-parsed rather than a Django form because the parameter names are the API's
    (``from`` is a Python keyword; ``rule`` repeats). Errors use the API's messages.
    """

    start: date | None = None
    end: date | None = None
    rules: list[str] = field(default_factory=lambda: [""] * MAX_RULES)
    calendar: str = "BANK"
    texts: dict[str, str] = field(default_factory=dict)  # from/to as typed, for redisplay
    errors: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, params: QueryDict, *, default_start: date, default_end: date,
              calendar: str) -> SpecialDatesQuery:
        found = cls(calendar=calendar)
        found.start = found._date(params, "from", default_start)
        found.end = found._date(params, "to", default_end)
        # Blank inputs close up, so rule[N] in an error and rule_N in a reason code both
        # name the N-th rule shown.
        given = [r.strip() for r in params.getlist("rule") if r.strip()][:MAX_RULES]
        found.rules = given + [""] * (MAX_RULES - len(given))
        return found

    def _date(self, params: QueryDict, name: str, default: date) -> date | None:
        text = params.get(name, "").strip()
        self.texts[name] = text or default.isoformat()
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.add(field_error(name, "date", value=text))
            return None

    def add(self, error: FieldError) -> None:
        self.errors.setdefault(error.field, []).append(error.message)

    def add_all(self, exc: InvalidInput) -> None:
        for error in exc.errors:
            self.add(error)

    @property
    def rule_texts(self) -> list[str]:
        return [r for r in self.rules if r]

    def rule_fields(self) -> list[dict[str, object]]:
        """The three rule inputs, each with its own errors (``rule[1]`` … as the API names)."""
        return [{"value": text, "number": i,
                 "errors": self.errors.get(f"rule[{i}]", [])}
                for i, text in enumerate(self.rules, 1)]
