"""Reads of the settlement desk: batches, consolidated totals (SQL GROUP BY), the priority
queue and plan, the burn-down and the call-centre lookup.

Catalog: A1-II-4 (organisation-wide view), M-3.2 (same-day totals for the authorities and
counterparties), A2-SWA-6, A1-II-10, A2-RESP-2, A1-II-13, C03.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMinute

from antei.calendars import selectors as calendar_selectors
from antei.core import clock
from antei.core.errors import InvalidInput, NotFound
from antei.incidents.models import Incident
from antei.kernels.bizcal import JST
from antei.settlement import domain
from antei.settlement.models import (
    Batch,
    ChannelCapacity,
    IntakeSuspension,
    Item,
    PriorityRule,
)

# branch: the institution's own branch; bank_code/branch_code: the counterparty's.
GROUPS = ("settlement_date", "branch", "bank_code", "branch_code", "channel", "department",
          "status", "kind", "batch")


def get_incident(incident_id: int) -> Incident:
    found = Incident.objects.filter(pk=incident_id).first()
    if found is None:
        raise NotFound("incident", incident_id)
    return found


def list_batches(incident_id: int | None = None) -> QuerySet[Batch]:
    rows = Batch.objects.select_related("incident")
    return rows.filter(incident_id=incident_id) if incident_id else rows


def get_batch(batch_id: int) -> Batch:
    found = Batch.objects.filter(pk=batch_id).first()
    if found is None:
        raise NotFound("batch", batch_id)
    return found


def incidents_with_backlog() -> list[dict[str, Any]]:
    """Incidents that have settlement items, with what is still open (the desk's index)."""
    rows = (Item.objects.values("incident_id", "incident__number", "incident__title")
            .annotate(count=Count("id"), total=Sum("amount"),
                      open_count=Count("id", filter=Q(status="unprocessed")),
                      open_total=Sum("amount", filter=Q(status="unprocessed")))
            .order_by("-incident_id"))
    return [{"id": r["incident_id"], "number": r["incident__number"],
             "title": r["incident__title"], "count": r["count"], "total": r["total"] or 0,
             "open_count": r["open_count"], "open_total": r["open_total"] or 0} for r in rows]


# -- consolidation -----------------------------------------------------------------------


def summary(incident_id: int, group_by: list[str], *, status: str | None = None
            ) -> list[dict[str, Any]]:
    """Counts and amounts grouped in SQL by any of GROUPS (A1-II-4)."""
    unknown = [g for g in group_by if g not in GROUPS]
    if unknown:
        raise InvalidInput.one("group_by", "choice", value=",".join(unknown),
                               choices=", ".join(GROUPS))
    keys = [("batch_id" if g == "batch" else g) for g in group_by]
    rows = Item.objects.filter(incident_id=incident_id)
    if status:
        rows = rows.filter(status=status)
    grouped = (rows.values(*keys).annotate(count=Count("id"), total=Sum("amount"))
               .order_by(*keys))
    out = []
    for row in grouped:
        entry = {("batch" if k == "batch_id" else k): row[k] for k in keys}
        out.append({**entry, "count": row["count"], "total": int(row["total"] or 0)})
    return out


def same_day_totals(incident_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Today's (the business day's) settlements: all, still open, per counterparty bank
    (M-3.2: what the authorities and counterparties are told)."""
    now = now or clock.now()
    day = domain.business_day(now, calendar_selectors.bank_calendar())
    rows = Item.objects.filter(incident_id=incident_id, settlement_date__lte=day)
    totals = rows.aggregate(count=Count("id"), total=Sum("amount"),
                            open_count=Count("id", filter=Q(status="unprocessed")),
                            open_total=Sum("amount", filter=Q(status="unprocessed")))
    banks = (rows.filter(status="unprocessed").values("bank_code")
             .annotate(count=Count("id"), total=Sum("amount")).order_by("-total")[:20])
    return {"business_day": day, "count": totals["count"], "total": int(totals["total"] or 0),
            "open_count": totals["open_count"], "open_total": int(totals["open_total"] or 0),
            "banks": [{"bank_code": b["bank_code"], "count": b["count"],
                       "total": int(b["total"])} for b in banks]}


# -- priority and plan -------------------------------------------------------------------


def rules(incident_id: int) -> list[domain.Rule]:
    found = [domain.Rule(r.kind, r.customer)
             for r in PriorityRule.objects.filter(incident_id=incident_id).order_by("position")]
    return found or [domain.Rule(k, c) for k, c in domain.DEFAULT_RULES]


def capacities(incident_id: int) -> dict[str, domain.Capacity]:
    return {c.channel: domain.Capacity(c.channel, c.items_per_minute, c.opens_at, c.cutoff_at,
                                       float(c.manual_minutes_per_item), c.staff_available)
            for c in ChannelCapacity.objects.filter(incident_id=incident_id)}


def capacity_for(table: dict[str, domain.Capacity], channel: str) -> domain.Capacity:
    return table.get(channel) or domain.default_capacity(channel)


@dataclass
class Queue:
    """The open items of an incident in priority order, as arrays (one row per item)."""

    ids: np.ndarray
    channel: np.ndarray
    amount: np.ndarray
    same_day: np.ndarray
    customer: list[str]
    rules: list[domain.Rule]
    business_day: date
    cutoff_minute: np.ndarray


def queue(incident_id: int, now: datetime, *, extra: Q | None = None) -> Queue:
    """Unprocessed items ordered by the incident's rules (pure domain order)."""
    rows = Item.objects.filter(incident_id=incident_id, status="unprocessed")
    if extra is not None:
        rows = rows.filter(extra)
    values = list(rows.order_by("id").values_list("id", "channel", "amount", "settlement_date",
                                                  "customer"))
    day = domain.business_day(now, calendar_selectors.bank_calendar())
    table = capacities(incident_id)
    incident_rules = rules(incident_id)
    if not values:
        empty = np.empty(0, dtype=np.int64)
        return Queue(empty, np.empty(0, dtype=object), empty, np.empty(0, dtype=np.bool_), [],
                     incident_rules, day, empty)
    ids, channel, amount, dates, customer = zip(*values, strict=True)
    channel_array = np.array(channel, dtype=object)
    dates_array = np.array(dates, dtype="datetime64[D]")
    same_day = dates_array <= np.datetime64(day)
    cutoff_by_channel = {c: domain.minutes_of(capacity_for(table, c).cutoff_at)
                         for c in set(channel)}
    cutoff = np.array([cutoff_by_channel[c] for c in channel], dtype=np.int64)
    customers = list(customer)
    matches = {i: domain.contains(customers, r.customer)
               for i, r in enumerate(incident_rules) if r.kind == "customer" and r.customer}
    amount_array = np.array(amount, dtype=np.int64)
    order = domain.priority_order(incident_rules, same_day=same_day, amount=amount_array,
                                  cutoff_minute=cutoff, customer_match=matches)
    return Queue(np.array(ids, dtype=np.int64)[order], channel_array[order],
                 amount_array[order], same_day[order], [customers[i] for i in order],
                 incident_rules, day, cutoff[order])


@dataclass
class PlanResult:
    incident_id: int
    plan: domain.Plan
    queue: Queue
    done_at: np.ndarray  # epoch seconds per queue row


def plan(incident_id: int, now: datetime | None = None) -> PlanResult:
    """Per channel: when its queue clears, what misses today's cut-off, whether staff can
    do the rest by hand (A1-II-13). Uses the bank calendar (antei.calendars)."""
    now = now or clock.now()
    q = queue(incident_id, now)
    calendar = calendar_selectors.bank_calendar()
    table = capacities(incident_id)
    done_at = np.zeros(q.ids.size, dtype=np.int64)
    channels = []
    for channel in sorted(set(q.channel.tolist()) | set(table)):
        rows = np.flatnonzero(q.channel == channel)
        channel_plan, done = domain.plan_channel(
            capacity_for(table, channel), amount=q.amount[rows], same_day=q.same_day[rows],
            now=now, calendar=calendar)
        done_at[rows] = done
        channels.append(channel_plan)
    return PlanResult(incident_id, domain.Plan(now=now, business_day=q.business_day,
                                               channels=channels), q, done_at)


def explain_rows(result: PlanResult, rows: np.ndarray) -> list[dict[str, Any]]:
    """Position, expected time and the reasons for the queue rows asked about."""
    table = capacities(result.incident_id)
    out = []
    q = result.queue
    for row in rows.tolist():
        capacity = capacity_for(table, str(q.channel[row]))
        reasons = domain.explain(q.rules, same_day=bool(q.same_day[row]),
                                 amount=int(q.amount[row]), cutoff=capacity.cutoff_at,
                                 channel=str(q.channel[row]), customer=q.customer[row])
        out.append({"id": int(q.ids[row]), "position": row + 1,
                    "expected_at": datetime.fromtimestamp(int(result.done_at[row]), tz=JST),
                    "reasons": reasons})
    return out


def top_of_queue(result: PlanResult, limit: int = 20) -> list[dict[str, Any]]:
    rows = np.arange(min(limit, result.queue.ids.size))
    explained = explain_rows(result, rows)
    items = Item.objects.in_bulk([e["id"] for e in explained])
    return [{**e, "item": items[e["id"]]} for e in explained]


# -- tracking ----------------------------------------------------------------------------


def lookup(incident_id: int, *, branch: str = "", account: str = "", customer: str = "",
           day: date | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Call-centre lookup: "is my transfer of 3 Dec stuck, and when will it go?" - each
    match with its status, its place in the queue and its expected time (A1-II-4)."""
    rows = Item.objects.filter(incident_id=incident_id)
    if branch:
        rows = rows.filter(branch=branch)
    if account:
        rows = rows.filter(account_number__endswith=account.lstrip("0") or account)
    if customer:
        rows = rows.filter(Q(customer__icontains=customer) | Q(recipient_name__icontains=customer)
                           | Q(customer_ref=customer))
    if day:
        rows = rows.filter(settlement_date=day)
    found = list(rows.order_by("settlement_date", "id")[:limit])
    if not found:
        return []
    result = plan(incident_id)
    where = {int(i): row for row, i in enumerate(result.queue.ids.tolist())}
    open_rows = np.array([where[i.pk] for i in found if i.pk in where], dtype=np.int64)
    explained = {e["id"]: e for e in explain_rows(result, open_rows)}
    return [{"item": i, **explained.get(i.pk, {"position": None, "expected_at": None,
                                               "reasons": []})} for i in found]


def burndown(incident_id: int, now: datetime | None = None) -> dict[str, Any]:
    """Open items over time (from processed_at) and the projection to the clearing time."""
    now = now or clock.now()
    base = Item.objects.filter(incident_id=incident_id).exclude(status="cancelled")
    total = base.count()
    first = Batch.objects.filter(incident_id=incident_id).aggregate(at=Min("imported_at"))["at"]
    steps = list(base.filter(processed_at__isnull=False)
                 .annotate(minute=TruncMinute("processed_at")).values("minute")
                 .annotate(n=Count("id")).order_by("minute"))
    points = [(first, total)] if first else []
    remaining = total
    for step in steps:
        remaining -= step["n"]
        points.append((step["minute"], remaining))
    open_now = base.filter(status="unprocessed").count()
    projected = plan(incident_id, now).plan.clears_at if open_now else None
    return {"points": points, "total": total, "open": open_now, "now": now,
            "clears_at": projected,
            "last": base.aggregate(at=Max("processed_at"))["at"]}


def suspensions(incident_id: int) -> QuerySet[IntakeSuspension]:
    return IntakeSuspension.objects.filter(incident_id=incident_id)


def same_day_by_branch(incident_id: int, day: date) -> dict[str, list[dict[str, Any]]]:
    """Open same-day items per branch, for the branches' manual processing lists."""
    rows = (Item.objects.filter(incident_id=incident_id, status="unprocessed",
                                settlement_date__lte=day)
            .order_by("branch", F("amount").desc(), "id")
            .values("id", "branch", "settlement_date", "bank_code", "branch_code",
                    "account_type", "account_number", "recipient_name", "amount", "customer",
                    "customer_ref", "channel"))
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["branch"] or "-", []).append(dict(row))
    return out
