"""The desk after import: consolidation, priority with explanations, the plan (cut-off,
manual feasibility), exports that read back, marking processed, burn-down, lookup and
intake suspension.

Catalog: A1-II-4, M-3.2, A2-SWA-6, A1-II-10, A1-II-13, A2-SWA-4, A2-RESP-2, A2-RESP-3.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import numpy as np
import openpyxl
import pytest

from antei.core.errors import Conflict, InvalidInput
from antei.core.models import AuditEntry
from antei.incidents.models import Incident
from antei.kernels import zengin
from antei.kernels.bizcal import JST
from antei.kernels.zengin_layout import AccountPadding, CounterpartyRule
from antei.settlement import exports, selectors, services
from antei.settlement.models import CounterpartyFormat, Item
from tests import factories
from tests.settlement.conftest import item, today

pytestmark = pytest.mark.django_db
SPACE_RULE = CounterpartyRule(account_padding=AccountPadding.SPACE)

# A Tuesday morning (a business day) in Tokyo: 10:00 JST.
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=JST).astimezone(UTC)
TODAY = date(2026, 12, 8)
YESTERDAY = date(2026, 12, 7)
TOMORROW = date(2026, 12, 9)


def load(incident: Incident, rows: list[dict[str, Any]], **kw: Any) -> list[Item]:
    services.import_batch(actor=factories.ACTOR, incident_id=incident.pk, format="json",
                          items=rows, **kw)
    return list(Item.objects.filter(incident=incident).order_by("id"))


@pytest.fixture
def backlog(incident: Incident) -> list[Item]:
    """Six items: same-day and later, three branches, two channels, two departments."""
    return load(incident, [
        item(settlement_date=TOMORROW.isoformat(), amount=9_000_000, branch="101",
             customer="ｶ)ﾀｲﾖｳ", bank_code="0001"),
        item(settlement_date=TODAY.isoformat(), amount=50_000, branch="101",
             customer="ﾔﾏﾀﾞ ﾀﾛｳ", bank_code="0005"),
        item(settlement_date=TODAY.isoformat(), amount=3_000_000, branch="102",
             customer="ｶ)ﾄｳｷﾖｳﾌﾞﾂﾘﾕｳ", bank_code="0005", account_number="0000123"),
        item(settlement_date=YESTERDAY.isoformat(), amount=10_000, branch="103",
             customer="ｽｽﾞｷ ﾊﾅｺ", bank_code="0009", channel="internal"),
        item(settlement_date=TOMORROW.isoformat(), amount=20_000, branch="102",
             customer="ｻﾄｳ ｲﾁﾛｳ", bank_code="0009", channel="internal",
             department="営業統括部"),
        item(settlement_date=TODAY.isoformat(), amount=700_000, branch="101",
             customer="ｶ)ﾀｲﾖｳ", bank_code="0001"),
    ], department="為替部")


def test_consolidation_groups_in_sql(incident: Incident, backlog: list[Item]) -> None:
    by_date = selectors.summary(incident.pk, ["settlement_date"])
    assert by_date == [
        {"settlement_date": YESTERDAY, "count": 1, "total": 10_000},
        {"settlement_date": TODAY, "count": 3, "total": 3_750_000},
        {"settlement_date": TOMORROW, "count": 2, "total": 9_020_000}]
    by_branch_channel = selectors.summary(incident.pk, ["branch", "channel"])
    assert {(r["branch"], r["channel"]): (r["count"], r["total"]) for r in by_branch_channel} == {
        ("101", "zengin"): (3, 9_750_000), ("102", "zengin"): (1, 3_000_000),
        ("102", "internal"): (1, 20_000), ("103", "internal"): (1, 10_000)}
    by_department = selectors.summary(incident.pk, ["department", "bank_code"])
    assert {(r["department"], r["bank_code"]): r["count"] for r in by_department} == {
        ("為替部", "0001"): 2, ("為替部", "0005"): 2, ("為替部", "0009"): 1,
        ("営業統括部", "0009"): 1}
    with pytest.raises(InvalidInput):
        selectors.summary(incident.pk, ["colour"])


def test_same_day_totals_count_overdue_and_today(incident: Incident, backlog: list[Item]
                                                 ) -> None:
    totals = selectors.same_day_totals(incident.pk, NOW)
    assert totals["business_day"] == TODAY
    assert (totals["count"], totals["total"]) == (4, 3_760_000)
    assert totals["banks"][0] == {"bank_code": "0005", "count": 2, "total": 3_050_000}


def test_priority_same_day_first_then_amount_with_reasons(incident: Incident,
                                                          backlog: list[Item]) -> None:
    result = selectors.plan(incident.pk, NOW)
    amounts = result.queue.amount.tolist()
    # Same-day (today and overdue) first, larger first; then the rest by amount.
    assert amounts == [3_000_000, 700_000, 50_000, 10_000, 9_000_000, 20_000]
    explained = selectors.explain_rows(result, np.array([0, 4]))
    assert [r.rule for r in explained[0]["reasons"]] == ["same_day", "amount", "cutoff"]
    assert explained[0]["reasons"][0].applies is True
    assert explained[1]["reasons"][0].applies is False and explained[1]["position"] == 5


def test_named_customer_rule_jumps_the_queue(incident: Incident, backlog: list[Item]) -> None:
    services.set_rules(actor=factories.ACTOR, incident_id=incident.pk, rules=[
        {"kind": "customer", "customer": "ｻﾄｳ"}, {"kind": "same_day"}, {"kind": "amount"}])
    result = selectors.plan(incident.pk, NOW)
    assert result.queue.amount.tolist()[:2] == [20_000, 3_000_000]
    first = selectors.explain_rows(result, np.array([0]))[0]
    assert first["reasons"][0].applies and first["reasons"][0].value == "ｻﾄｳ"
    # The rank cache follows the rules.
    assert Item.objects.get(amount=20_000).priority_rank == 1
    with pytest.raises(InvalidInput) as caught:
        services.set_rules(actor=factories.ACTOR, incident_id=incident.pk,
                           rules=[{"kind": "colour"}, {"kind": "customer"}])
    assert {e.field for e in caught.value.errors} == {"rules[0].kind", "rules[1].customer"}


def test_plan_finds_what_misses_the_cutoff_and_checks_manual_capacity(
        incident: Incident) -> None:
    """A1-II-13: 300 same-day items at 1 a minute from 14:00 to a 15:30 cut-off: 90 clear,
    210 miss; by hand 210 × 2 min ÷ 3 staff = 140 min > 90 min left: not feasible."""
    load(incident, [item(amount=1000 + i, account_number=f"{i + 1:07d}")
                    for i in range(300)])
    services.set_capacity(actor=factories.ACTOR, incident_id=incident.pk, channel="zengin",
                          items_per_minute=1, opens_at=time(8, 30), cutoff_at=time(15, 30),
                          manual_minutes_per_item=2.0, staff_available=3)
    at_two = datetime.combine(today(), time(14, 0), tzinfo=JST)
    from antei.calendars import selectors as calendar_selectors

    calendar = calendar_selectors.bank_calendar()
    day = at_two.date()
    while not calendar.is_business_day(day):
        day = calendar.next_business_day(day)
    at_two = datetime.combine(day, time(14, 0), tzinfo=JST)
    Item.objects.update(settlement_date=day)
    plan = selectors.plan(incident.pk, at_two).plan
    (zengin_plan,) = plan.channels
    assert zengin_plan.count == 300 and zengin_plan.same_day_count == 300
    assert zengin_plan.missed_count == 210
    assert zengin_plan.manual_minutes == 140.0 and zengin_plan.minutes_to_cutoff == 90.0
    assert zengin_plan.manual_feasible is False
    # The rest clears on the next business day's window, from 08:30.
    next_day = calendar.next_business_day(day)
    assert zengin_plan.clears_at == datetime.combine(next_day, time(8, 30), tzinfo=JST) + \
        timedelta(minutes=210)
    # Six staff make it: 210 × 2 ÷ 6 = 70 minutes.
    services.set_capacity(actor=factories.ACTOR, incident_id=incident.pk, channel="zengin",
                          items_per_minute=1, opens_at=time(8, 30), cutoff_at=time(15, 30),
                          manual_minutes_per_item=2.0, staff_available=6)
    assert selectors.plan(incident.pk, at_two).plan.channels[0].manual_feasible is True


def test_plan_over_a_holiday_uses_the_bank_calendar(incident: Incident) -> None:
    """Items queued on Saturday 2 Jan 2027 (bank holiday season) wait for Monday 4 Jan."""
    load(incident, [item(settlement_date="2027-01-04")])
    saturday = datetime(2027, 1, 2, 10, 0, tzinfo=JST)
    plan = selectors.plan(incident.pk, saturday).plan
    assert plan.business_day == date(2027, 1, 4)
    # The default interbank window opens at 08:30; at 100 a minute one item takes a second.
    assert plan.channels[0].clears_at.astimezone(JST) == datetime(2027, 1, 4, 8, 30, 1,
                                                                   tzinfo=JST)


def test_export_volumes_read_back_and_follow_the_counterparty(
        incident: Incident, backlog: list[Item]) -> None:
    """A2-RESP-3: volumes of at most N records; A2-SWA-4: the counterparty wants no
    leading zeros in account numbers."""
    CounterpartyFormat.objects.create(code="GAIBU", name="外部センター", account_padding="space",
                                      max_records=2, line_breaks=False)
    built = exports.build(actor=factories.ACTOR, incident_id=incident.pk, counterparty="GAIBU",
                          now=NOW)
    # (kind 21) × (overdue, today, tomorrow) series; today's 3 items make 2 volumes.
    names = [v.name for v in built.volumes]
    assert [v.count for v in built.volumes] == [2, 1, 1, 2]
    assert names[0].startswith("001_21_20261208_vol01of02")
    parsed_all = []
    for volume in built.volumes:
        assert len(volume.data) % 120 == 0  # no line breaks for this counterparty
        parsed = zengin.parse_file(volume.data, rule=SPACE_RULE)
        assert parsed.ok, parsed.problems
        # Read with the standard rule, the padding is exactly what differs.
        assert {p.code for p in zengin.parse_file(volume.data).problems} == {
            "account_padding"}
        parsed_all.append(parsed)
        # Account numbers are right-justified with spaces: "    123", never "0000123".
        account = volume.data[120 + 43:120 + 50]
        assert not account.startswith(b"0")
    first = parsed_all[0].records
    assert first.amount.tolist() == [3_000_000, 700_000]
    assert built.volumes[0].data[120 + 43:120 + 50] == b"    123"
    manifest = built.manifest
    assert manifest["count"] == 6 and manifest["total"] == 12_780_000
    assert all(s["reconciled"] and s["count"] == s["planned_count"] for s in manifest["series"])
    assert AuditEntry.objects.filter(action="settlement.export").count() == 1


def test_export_zip_has_branch_lists_of_same_day_items(incident: Incident, api: Any) -> None:
    """Branches get their own same-day items (today, by the real clock) as Excel lists."""
    load(incident, [item(branch="101", amount=5000), item(branch="101", amount=9000),
                    item(branch="202", amount=7000),
                    item(branch="303", amount=1000,
                         settlement_date=(today() + timedelta(days=30)).isoformat())])
    response = api.post("/api/v1/settlement/exports", {"incident_id": incident.pk,
                                                        "max_records": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    volumes = [n for n in names if n.startswith("zengin/")]
    assert len(volumes) == manifest["count"] == 4  # one record per volume
    for name in volumes:
        assert zengin.parse_file(archive.read(name)).ok
    lists = sorted(n for n in names if n.startswith("branches/"))
    assert [n.split("_")[1] for n in lists] == ["101", "202"]  # 303's item is not same-day
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(lists[0]))).active
    assert sheet.cell(2, 1).value == "決済日"
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1]]
    assert [r[6] for r in rows] == [9000, 5000]  # largest first


def test_nothing_to_export_is_refused(incident: Incident) -> None:
    with pytest.raises(InvalidInput) as caught:
        exports.build(actor=factories.ACTOR, incident_id=incident.pk)
    assert caught.value.errors[0].rule == "settlement_nothing_to_export"


def test_mark_processed_by_ids_and_by_batch(incident: Incident, backlog: list[Item],
                                           api: Any) -> None:
    ids = [backlog[1].pk, backlog[2].pk]
    response = api.post("/api/v1/settlement/items/processed",
                        {"incident_id": incident.pk, "ids": ids})
    assert response.json() == {"changed": 2, "open": 4}
    batch_id = backlog[0].batch_id
    response = api.post("/api/v1/settlement/items/processed",
                        {"incident_id": incident.pk, "batch_id": batch_id})
    assert response.json() == {"changed": 4, "open": 0}
    assert Item.objects.filter(status="processed", processed_by__startswith="admin").count() == 6
    burn = selectors.burndown(incident.pk)
    assert burn["open"] == 0 and burn["points"][0][1] == 6 and burn["points"][-1][1] == 0
    assert AuditEntry.objects.filter(action="settlement.items.processed").count() == 2


def test_burndown_projects_the_clearing_time(incident: Incident, backlog: list[Item]) -> None:
    services.mark_processed(actor=factories.ACTOR, incident_id=incident.pk,
                            ids=[backlog[0].pk])
    burn = selectors.burndown(incident.pk)
    assert burn["total"] == 6 and burn["open"] == 5
    assert burn["points"][-1][1] == 5
    assert burn["clears_at"] is not None


def test_lookup_answers_is_my_transfer_stuck_and_when(incident: Incident,
                                                      backlog: list[Item]) -> None:
    found = selectors.lookup(incident.pk, account="123")
    assert len(found) == 1
    entry = found[0]
    assert entry["item"].amount == 3_000_000 and entry["item"].status == "unprocessed"
    assert entry["position"] >= 1 and entry["expected_at"] is not None
    by_customer = selectors.lookup(incident.pk, customer="ﾀｲﾖｳ", day=TOMORROW)
    assert [f["item"].amount for f in by_customer] == [9_000_000]
    assert [f["item"].pk for f in selectors.lookup(incident.pk, branch="103")] == [
        backlog[3].pk]
    services.mark_processed(actor=factories.ACTOR, incident_id=incident.pk,
                            ids=[backlog[3].pk])
    done = selectors.lookup(incident.pk, branch="103")[0]
    assert done["item"].status == "processed" and done["position"] is None


def test_lookup_api(incident: Incident, backlog: list[Item], api: Any) -> None:
    response = api.get("/api/v1/settlement/items", incident=incident.pk, branch="102",
                       date=TODAY.isoformat())
    assert response.status_code == 200
    (row,) = response.json()
    assert row["amount"] == 3_000_000 and row["reasons"] and row["expected_at"]


def test_suspend_and_resume_intake_are_recorded(incident: Incident, api: Any) -> None:
    response = api.post("/api/v1/settlement/suspensions",
                        {"incident_id": incident.pk, "channel": "ib", "note": "IB受付停止"})
    assert response.status_code == 201
    assert response.json()["suspended_by"].startswith("admin")
    again = api.post("/api/v1/settlement/suspensions",
                     {"incident_id": incident.pk, "channel": "ib"})
    assert again.status_code == 409
    resumed = api.post("/api/v1/settlement/suspensions/resume",
                       {"incident_id": incident.pk, "channel": "ib"})
    assert resumed.status_code == 200 and resumed.json()["resumed_at"]
    with pytest.raises(Conflict):
        services.resume_intake(actor=factories.ACTOR, incident_id=incident.pk, channel="ib")
    actions = list(AuditEntry.objects.filter(action__startswith="settlement.intake")
                   .values_list("action", flat=True).order_by("seq"))
    assert actions == ["settlement.intake.suspend", "settlement.intake.resume"]


def test_summary_and_plan_api(incident: Incident, backlog: list[Item], api: Any) -> None:
    response = api.get("/api/v1/settlement/summary", incident=incident.pk,
                       group_by="branch,status")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert {(r["keys"]["branch"], r["count"]) for r in rows} == {("101", 3), ("102", 2),
                                                                 ("103", 1)}
    plan = api.get("/api/v1/settlement/plan", incident=incident.pk).json()
    assert {c["channel"] for c in plan["channels"]} == {"zengin", "internal"}
    assert plan["next"][0]["position"] == 1 and plan["next"][0]["reasons"]
