"""Pure rules for the system inventory (no Django).

Catalog: A1-I-3 (map the whole configuration, external partners included), A1-I-5 (EUC in
scope), A1-II-2 and A1-I-9 (responsibilities, tasks that must stay in-house), M-2.1
(attributes that change the risk profile), C09 (active/standby pairs, connections).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from antei.core.domain import Violation, check_choice, check_code, check_required

CRITICALITIES = ("critical", "high", "medium", "low")
TIERS = ("critical", "important", "standard")
SERVICE_DAYS = ("business_days", "weekdays", "every_day")
COMPONENT_KINDS = (
    "server", "database", "network", "storage", "package", "middleware", "terminal", "other",
)
ENVIRONMENTS = ("active", "standby", "development")
DIRECTIONS = ("outbound", "inbound", "both")
EXTERNAL_KINDS = (
    "zengin", "card_network", "other_bank", "outsourced_centre", "clearing", "government",
    "other",
)
VENDOR_ROLES = ("build", "run", "maintain")
# Tasks in the per-system responsibility matrix (A1-II-2). Volume forecasting is the
# guidance's example of a task that must stay in-house even when all else is outsourced
# (M-2.4, A1-I-9), so it is pre-flagged.
RESPONSIBILITY_TASKS = (
    "monitoring", "recovery", "bug_notice_intake", "volume_forecasting", "capacity_review",
    "change_release", "backup", "customer_notice",
)
IN_HOUSE_BY_DEFAULT = frozenset({"volume_forecasting"})


def check_business_function(values: Mapping[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or "")) + check_required(values, ["name"])
    out += check_choice(str(values.get("criticality")), CRITICALITIES, "criticality")
    tolerance = values.get("impact_tolerance_minutes")
    if tolerance is None:
        out.append(Violation("impact_tolerance_minutes", "required"))
    elif not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance <= 0:
        out.append(Violation("impact_tolerance_minutes", "positive", {"value": tolerance}))
    return out


def check_system(values: Mapping[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or ""))
    out += check_required(values, ["name", "owner_department"])
    out += check_choice(str(values.get("tier")), TIERS, "tier")
    out += check_choice(str(values.get("online_days")), SERVICE_DAYS, "online_days")
    since, changed = values.get("in_service_since"), values.get("last_major_change")
    if isinstance(since, date) and isinstance(changed, date) and changed < since:
        out.append(Violation("last_major_change", "date_order", {"other": since.isoformat()}))
    start, end = values.get("online_start"), values.get("online_end")
    if (start is None) != (end is None):
        out.append(Violation("online_end" if end is None else "online_start", "time_window"))
    return out


def check_batch_window(values: Mapping[str, object]) -> list[Violation]:
    out = check_required(values, ["name", "start", "end"])
    out += check_choice(str(values.get("days")), SERVICE_DAYS, "days")
    for name in ("start", "end"):
        if values.get(name) is not None and not isinstance(values.get(name), time):
            out.append(Violation(name, "time", {"value": values.get(name)}))
    return out


def check_component(
    values: Mapping[str, object], *, peer_environment: str | None, peer_same_system: bool,
) -> list[Violation]:
    """A standby must name the active component it takes over from, in the same system:
    an unregistered standby is how a stopped standby goes unnoticed (A2-OPS-MON-1,
    A2-PERF-SET-4)."""
    out = check_required(values, ["name"])
    out += check_choice(str(values.get("kind")), COMPONENT_KINDS, "kind")
    env = str(values.get("environment"))
    out += check_choice(env, ENVIRONMENTS, "environment")
    peer = values.get("active_peer")
    if env == "standby":
        if not peer:
            out.append(Violation("active_peer", "standby_needs_active"))
        elif peer_environment != "active" or not peer_same_system:
            out.append(Violation("active_peer", "peer_not_active", {"value": peer}))
    elif peer:
        out.append(Violation("active_peer", "choice",
                             {"value": peer, "choices": "environment=standby"}))
    return out


def check_connection(values: Mapping[str, object]) -> list[Violation]:
    out = check_required(values, ["source"])
    out += check_choice(str(values.get("direction")), DIRECTIONS, "direction")
    target_system, target_external = values.get("target_system"), values.get("target_external")
    if bool(target_system) == bool(target_external):
        out.append(Violation("target_system", "one_target"))
    elif target_system and target_system == values.get("source"):
        out.append(Violation("target_system", "self_connection"))
    return out


def check_external_party(values: Mapping[str, object]) -> list[Violation]:
    out = check_code(str(values.get("code") or "")) + check_required(values, ["name"])
    out += check_choice(str(values.get("kind")), EXTERNAL_KINDS, "kind")
    return out


def check_responsibility(values: Mapping[str, object]) -> list[Violation]:
    """Exactly one owner; a task that must stay in-house cannot be given to a vendor
    (A1-I-9: the vendor's low volume forecast let the system run out of capacity)."""
    out = check_choice(str(values.get("task")), RESPONSIBILITY_TASKS, "task")
    has_dept, has_vendor = bool(values.get("department")), bool(values.get("vendor"))
    if has_dept == has_vendor:
        out.append(Violation("department", "one_owner"))
    if values.get("must_stay_in_house") and has_vendor:
        out.append(Violation("vendor", "in_house_task", {"value": values.get("task")}))
    return out
