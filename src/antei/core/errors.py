"""One error tree with stable codes, mapped once to HTTP and once to CLI exit codes.

    AnteiError                 500  exit 1
    ├── InvalidInput           422  exit 2   field errors: (field, rule, message)
    ├── NotAuthenticated       401  exit 5
    ├── PermissionDenied       403  exit 5
    ├── NotFound               404  exit 3
    └── Conflict               409  exit 4   duplicates, invalid state transitions

Messages are translated lazily, so one error renders in Japanese for the UI and in the
language a client asked for in the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antei.core import domain


@dataclass(frozen=True)
class FieldError:
    """One broken rule on one input field."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": str(self.message)}


# Rule code -> message template. Domain code reports rules by code (it cannot translate);
# this table, and the tables apps add with `register_rules` at start-up (each app's
# rules live in its own `errors.py`, translated in its own catalog), turn them into words.
RULE_MESSAGES: dict[str, object] = {
    "required": _("This field is required."),
    "blank": _("This field may not be blank."),
    "max_length": _("At most %(max)s characters."),
    "code_format": _("Use 1–%(max)s letters, digits, '-' or '_' (e.g. CORE-01)."),
    "unique": _("'%(value)s' is already registered."),
    "unknown": _("No %(kind)s with code '%(value)s' exists."),
    "choice": _("'%(value)s' is not one of: %(choices)s."),
    "positive": _("Must be greater than 0 (got %(value)s)."),
    "email": _("'%(value)s' is not a valid e-mail address."),
    "phone": _("'%(value)s' is not a valid phone number (e.g. 090-1234-5678 or +81 3 1234 5678)."),
    "url": _("'%(value)s' is not an http(s) URL."),
    "self_connection": _("A connection cannot link a system to itself."),
    "one_target": _("Give exactly one target: a system or an external party."),
    "standby_needs_active": _(
        "A standby component needs an active peer in the same system (set 'active_peer')."
    ),
    "peer_not_active": _("The peer '%(value)s' is not an active component of this system."),
    "date_order": _("Must not be before %(other)s."),
    "time_window": _("Give both start and end times, or neither."),
    "in_house_task": _("'%(value)s' must stay in-house: assign a department, not a vendor."),
    "range_years": _("The range may span at most %(max)s years."),
    "weekdays": _("Give weekdays as numbers 0 (Monday) to 6 (Sunday)."),
    "calendar_rule": _("%(value)s"),
    "invalid_transition": _(
        "Cannot move from '%(from)s' to '%(to)s'; allowed: %(allowed)s."),
    "root_cause_required": _(
        "Record the cause analysis first: injection phase, category, direct and root cause."),
    "recurrence_actions_required": _(
        "Add a recurrence-prevention action, or say why none is needed."),
    "horizontal_check_required": _(
        "Add horizontal checks (水平展開) of similar systems, or say why none are needed."),
    "final_report_required": _("Issue the final report before closing."),
    "reason_required": _("Give a reason for this step."),
    "in_future": _("This time lies in the future."),
    "rank_sequence": _("Ranks must be numbered 1, 2, 3… without gaps."),
    "first_report_exists": _("The first report was already issued; send a follow-up."),
    "first_report_required": _("Issue the first report (第1報) first."),
    "final_before_recovery": _(
        "A final report needs the incident recovered (it is '%(status)s')."),
    "regulator_initial_required": _("Issue the regulator's initial report first."),
    "min_value": _("Must be at least %(min)s."),
    "max_value": _("Must be at most %(max)s."),
    "number": _("'%(value)s' is not a number."),
    "datetime": _("'%(value)s' is not a date and time (ISO 8601, e.g. 2026-12-01T09:30:00+09:00)."),
    "boolean": _("Must be true or false."),
    "text": _("Must be text."),
    "list": _("Must be a list."),
    "object": _("Must be an object with named fields."),
    "json": _("The request body is not valid JSON."),
    "not_allowed": _("Not allowed here."),
    "already_done": _("This is already done."),
    "in_use": _("Still referenced by %(what)s; remove those first."),
    "one_owner": _("Give exactly one of department or vendor."),
    "role": _("Unknown role '%(value)s'. Roles: %(choices)s."),
    "password": _("%(value)s"),
    "own_login": _("You cannot switch off your own login."),
    "last_admin": _("This is the last active administrator: appoint another one first."),
    "integer": _("Must be a whole number."),
    "date": _("'%(value)s' is not a date (YYYY-MM-DD)."),
    "time": _("'%(value)s' is not a time of day (HH:MM)."),
    "policy_no_steps": _("An escalation policy needs at least one step."),
    "step_loop": _("Step %(step)s may only continue with a later step, not step %(value)s."),
    "step_range": _("There is no step %(value)s in this policy."),
    "callout_active": _("A call-out is already running for this incident."),
    "already_acknowledged": _("This was already acknowledged."),
    "link_invalid": _("This link is invalid, was changed or has expired."),
}


# Names of the things codes refer to, so "No %(kind)s" reads naturally in Japanese too.
KIND_LABELS: dict[str, object] = {
    "system": _("system"), "department": _("department"), "vendor": _("vendor"),
    "person": _("person"), "business function": _("business function"),
    "external party": _("external party"), "component": _("component"),
    "connection": _("connection"), "contract": _("contract"),
    "contact point": _("contact point"), "batch window": _("batch window"),
    "vendor role": _("vendor role"), "key person": _("key person"), "user": _("user"),
    "calendar": _("calendar"), "override": _("calendar override"),
    "incident": _("incident"), "horizontal check": _("horizontal check"),
    "recurrence action": _("recurrence action"),
    "token": _("API token"),
}


def register_rules(rules: Mapping[str, object], kinds: Mapping[str, object] | None = None,
                   ) -> None:
    """Add an app's rule messages (and labels of the record kinds it names) to the tables.
    A rule code already registered with another message is a programming error."""
    for table, new in ((RULE_MESSAGES, rules), (KIND_LABELS, kinds or {})):
        for code, message in new.items():
            if code in table and str(table[code]) != str(message):
                raise ValueError(f"rule or kind {code!r} is already registered differently")
            table[code] = message


def kind_label(kind: object) -> str:
    return str(KIND_LABELS.get(str(kind), kind))


def field_error(fld: str, rule: str, **params: object) -> FieldError:
    if "kind" in params:
        params["kind"] = kind_label(params["kind"])
    template = str(RULE_MESSAGES.get(rule, rule))
    try:
        message = template % params if params else template
    except (KeyError, ValueError, TypeError):  # a rule reported without the values it names
        message = template
    return FieldError(fld, rule, message)


class AnteiError(Exception):
    code: ClassVar[str] = "error"
    http_status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1
    default_message: ClassVar[object] = _("Something went wrong.")

    def __init__(self, message: object | None = None) -> None:
        self._message = message if message is not None else self.default_message
        super().__init__(str(self._message))

    @property
    def message(self) -> str:
        return str(self._message)


class InvalidInput(AnteiError):
    code = "invalid_input"
    http_status = 422
    exit_code = 2
    default_message = _("The input is not valid.")

    def __init__(self, errors: Iterable[FieldError], message: object | None = None) -> None:
        self.errors = list(errors)
        summary = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        super().__init__(message or summary or self.default_message)

    @classmethod
    def from_violations(cls, violations: Iterable[domain.Violation]) -> InvalidInput:
        return cls([field_error(v.field, v.rule, **dict(v.params)) for v in violations])

    @classmethod
    def one(cls, fld: str, rule: str, **params: object) -> InvalidInput:
        return cls([field_error(fld, rule, **params)])


class NotAuthenticated(AnteiError):
    code = "not_authenticated"
    http_status = 401
    exit_code = 5
    default_message = _("A valid bearer token is required.")


class PermissionDenied(AnteiError):
    code = "forbidden"
    http_status = 403
    exit_code = 5
    default_message = _("Your role may not do this.")


class NotFound(AnteiError):
    code = "not_found"
    http_status = 404
    exit_code = 3

    def __init__(self, kind: str, key: object) -> None:
        self.kind, self.key = kind, key
        super().__init__(gettext("No %(kind)s '%(key)s'.") % {"kind": kind_label(kind),
                                                                "key": key})


class Conflict(AnteiError):
    code = "conflict"
    http_status = 409
    exit_code = 4
    default_message = _("This conflicts with the current state.")

    def __init__(self, message: object | None = None, errors: Iterable[FieldError] = ()) -> None:
        self.errors = list(errors)
        super().__init__(message)
