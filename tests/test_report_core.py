"""Report arithmetic over plain rows: tiers, migration, coverage edges, segments, funnel,
completeness bands, and the task ledger built from the planning rules."""

import datetime as dt

import pytest

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.profile import Completeness
from vipcrm.core.reports import (CompletenessTally, CoverageClient, StageContact, TaskTally,
                                 TierCount, age_band, client_ledger, covered, coverage,
                                 crosstab, default_period, engagement, evaluation_days,
                                 grid_days, in_tier_a_cadence, life_stage, migration, move_kind,
                                 product_mix, tally_tasks, tier_distribution, funnel)
from vipcrm.core.tasks import Client, Contact, day_context

D = dt.date
CADENCE = {"black_gold": 30, "diamond": 45, "premier_platinum": 60, "platinum": 90,
           "premier_gold": 120, "gold": 180}


def test_default_period_is_the_month_to_date():
    assert default_period(D(2026, 3, 20)) == (D(2026, 3, 1), D(2026, 3, 20))
    assert default_period(D(2026, 3, 1)) == (D(2026, 3, 1), D(2026, 3, 1))


def test_tier_distribution_shares_and_change_since_the_start():
    end = [TierCount(None, "black_gold", 2, 0, 3000), TierCount(None, "gold", 1, 1, 1000)]
    start = [TierCount(None, "black_gold", 1, 0, 1000), TierCount(None, "none", 3, 0, 600)]
    rows = {r["tier"]: r for r in tier_distribution(end, start)}
    assert list(rows) == ["black_gold", "diamond", "premier_platinum", "platinum",
                          "premier_gold", "gold", "none"]
    assert rows["black_gold"] == {
        "branch": None, "tier": "black_gold", "clients": 2, "watch": 0, "aum": 3000,
        "clients_pct": 66.7, "aum_pct": 75.0, "clients_start": 1, "aum_start": 1000,
        "clients_change": 1, "aum_change": 2000}
    assert rows["none"]["clients_change"] == -3 and rows["none"]["aum_change"] == -600
    assert rows["gold"]["watch"] == 1 and rows["diamond"]["clients_pct"] == 0.0


def test_tier_distribution_per_branch_shares_are_of_the_branch():
    rows = tier_distribution([TierCount("BJ01", "gold", 1, 0, 10),
                              TierCount("SH01", "gold", 3, 0, 10),
                              TierCount("SH01", "diamond", 1, 0, 30)], [])
    assert [(r["branch"], r["tier"], r["clients_pct"]) for r in rows if r["clients"]] == [
        ("BJ01", "gold", 100.0), ("SH01", "diamond", 25.0), ("SH01", "gold", 75.0)]


@pytest.mark.parametrize("before, after, kind", [
    ("gold", "gold", "stayed"), ("gold", "diamond", "upgraded"),
    ("black_gold", "platinum", "downgraded"), ("none", "gold", "entered"),
    ("premier_gold", "none", "exited"),
])
def test_move_kinds(before, after, kind):
    assert move_kind(before, after) == kind


def test_migration_matrix_rows_sum_their_moves():
    rows = {r["from_tier"]: r for r in migration({
        ("black_gold", "black_gold"): 4, ("diamond", "black_gold"): 1, ("platinum", "gold"): 2,
        ("gold", "none"): 3, ("none", "gold"): 5, ("gold", "gold"): 7})}
    assert rows["diamond"]["black_gold"] == 1 and rows["diamond"]["upgraded"] == 1
    assert rows["platinum"]["downgraded"] == 2 and rows["platinum"]["clients"] == 2
    assert (rows["gold"]["clients"], rows["gold"]["stayed"], rows["gold"]["exited"]) == (10, 7, 3)
    assert (rows["none"]["clients"], rows["none"]["entered"], rows["none"]["none"]) == (5, 5, 0)
    assert sum(r["upgraded"] for r in rows.values()) == 1


@pytest.mark.parametrize("last, is_covered", [
    (D(2026, 2, 18), True),  # exactly 30 days before: the cadence call is due today
    (D(2026, 2, 17), False),
    (D(2026, 3, 20), True),
    (D(2026, 3, 21), False),  # after the report date
    (None, False),
])
def test_covered_within_the_cadence(last, is_covered):
    assert covered(last, D(2026, 3, 20), 30) is is_covered


@pytest.mark.parametrize("since, eligible", [
    (D(2026, 2, 18), True), (D(2026, 2, 19), False), (None, False),
])
def test_in_tier_for_one_cadence(since, eligible):
    assert in_tier_a_cadence(since, D(2026, 3, 20), 30) is eligible


def test_coverage_counts_eligible_covered_and_never_contacted():
    day = D(2026, 3, 20)
    tallies = coverage([
        CoverageClient(("black_gold",), "black_gold", D(2025, 1, 1), D(2026, 3, 1)),
        CoverageClient(("black_gold",), "black_gold", D(2025, 1, 1), D(2026, 1, 1)),
        CoverageClient(("black_gold",), "black_gold", D(2026, 3, 1), None),  # too new
        CoverageClient(("gold",), "gold", D(2025, 1, 1), None),
    ], day, CADENCE)
    assert tallies[("black_gold",)].record() == {
        "clients": 3, "eligible": 2, "covered": 1, "coverage_pct": 50.0, "never_contacted": 1,
        "overdue_tasks": 0, "missed_tasks": 0}
    assert tallies[("gold",)].record()["coverage_pct"] == 0.0


@pytest.mark.parametrize("birth, band", [
    (D(1996, 3, 21), "under_30"),  # 29 the day before the birthday
    (D(1996, 3, 20), "30_39"),
    (D(1986, 3, 20), "40_49"),
    (D(1961, 3, 21), "60_64"),
    (D(1961, 3, 20), "65_plus"),
    (None, "unknown"),
])
def test_age_bands(birth, band):
    assert age_band(birth, D(2026, 3, 20), 65) == band


def test_age_bands_follow_the_elderly_age():
    assert age_band(D(1958, 1, 1), D(2026, 3, 20), 70) == "60_69"
    assert age_band(D(1956, 1, 1), D(2026, 3, 20), 70) == "70_plus"


@pytest.mark.parametrize("birth, married, stage", [
    (D(1991, 3, 21), False, "single"), (D(1991, 3, 21), True, "forming"),
    (D(1991, 3, 20), False, "growing"), (D(1976, 3, 20), True, "mature"),
    (D(1961, 3, 20), True, "retired"), (None, True, "unknown"),
])
def test_life_stages(birth, married, stage):
    assert life_stage(birth, married, D(2026, 3, 20), 65) == stage


def test_product_mix_is_the_largest_class_and_ties_go_to_the_first_class():
    assert product_mix({"deposit": 5, "wealth": 6}) == "wealth"
    assert product_mix({"fund": 5, "deposit": 5}) == "deposit"
    assert product_mix({"deposit": 0}) == "none"
    assert product_mix({}) == "none"


def test_engagement():
    day = D(2026, 3, 20)
    assert engagement("gold", D(2025, 9, 21), day, CADENCE) == "within_cadence"
    assert engagement("gold", D(2025, 9, 20), day, CADENCE) == "lapsed"
    assert engagement("gold", None, day, CADENCE) == "never"
    assert engagement("none", D(2026, 3, 1), day, CADENCE) == "no_cadence"


def test_crosstab_shares_order_and_average():
    rows = crosstab([({"tier": "gold", "risk_level": "C3"}, 300),
                     ({"tier": "black_gold", "risk_level": "unknown"}, 600),
                     ({"tier": "gold", "risk_level": "C3"}, 100),
                     ({"tier": "black_gold", "risk_level": "C1"}, 1000)],
                    ["tier", "risk_level"], 65)
    assert rows == [
        {"tier": "black_gold", "risk_level": "C1", "clients": 1, "clients_pct": 25.0,
         "aum": 1000, "aum_pct": 50.0, "avg_aum": 1000},
        {"tier": "black_gold", "risk_level": "unknown", "clients": 1, "clients_pct": 25.0,
         "aum": 600, "aum_pct": 30.0, "avg_aum": 600},
        {"tier": "gold", "risk_level": "C3", "clients": 2, "clients_pct": 50.0, "aum": 400,
         "aum_pct": 20.0, "avg_aum": 200},
    ]


def test_funnel_conversion_counts_later_contacts_of_the_same_clients():
    contacts = [
        StageContact("A", D(2026, 3, 2), "plan", "reached", None, False, False),
        StageContact("B", D(2026, 3, 2), "plan", "reached", None, False, False),
        StageContact("C", D(2026, 3, 2), "plan", "no_answer", None, False, False),
        StageContact("A", D(2026, 3, 5), "assess", "reached", None, True, False),
        StageContact("B", D(2026, 3, 1), "assess", "reached", None, False, False),  # before
        StageContact("A", D(2026, 3, 9), "sale", "reached", 50_000, False, True),
    ]
    tally = TaskTally(after_sale_due=2, after_sale_on_time=1)
    rows = {r["stage"]: r for r in funnel(contacts, tally)}
    assert (rows["plan"]["contacts"], rows["plan"]["clients"], rows["plan"]["converted"],
            rows["plan"]["conversion_pct"]) == (3, 2, 1, 50.0)
    assert rows["assess"]["referrals"] == 1 and rows["assess"]["conversion_pct"] == 50.0
    assert (rows["sale"]["amount"], rows["sale"]["overrides"], rows["sale"]["converted"]) == (
        50_000, 1, 0)
    assert rows["after_sale"]["after_sale_on_time_pct"] == 50.0
    assert rows["celebrate"]["converted"] is None and rows["celebrate"]["clients"] == 0


@pytest.mark.parametrize("pct, band", [(0.0, "band_0_20"), (19.9, "band_0_20"),
                                       (20.0, "band_20_40"), (79.9, "band_60_80"),
                                       (80.0, "band_80_100"), (100.0, "band_80_100")])
def test_completeness_bands(pct, band):
    tally = CompletenessTally()
    tally.add(Completeness(pct, ()), 80)
    assert tally.record()[band] == 1
    assert tally.record()["at_target"] == (pct >= 80)


def test_completeness_average_and_most_missing():
    tally = CompletenessTally()
    tally.add(Completeness(100.0, ()), 80)
    tally.add(Completeness(45.0, ("occupation", "family")), 80)
    tally.add(Completeness(15.0, ("birth_date", "family", "occupation", "hobbies")), 80)
    record = tally.record()
    assert record["avg_pct"] == 53.3 and record["at_target_pct"] == 33.3
    # Two misses each for occupation and family: the order of PROFILE_FIELDS breaks the tie.
    assert record["most_missing"] == ["occupation", "family", "birth_date"]


# --- the task ledger ------------------------------------------------------------------------

CONFIG = Config()
CAL = WorkCalendar()


def contexts(days):
    return {d: day_context(d, CONFIG, CAL) for d in days}


def ledger(client, start, end):
    days = evaluation_days(client, start, end)
    return client_ledger(client, contexts(days), start, end)


def test_grid_days_cover_the_period_every_14_days_and_its_end():
    assert grid_days(D(2026, 3, 1), D(2026, 3, 31)) == [D(2026, 3, 1), D(2026, 3, 15),
                                                        D(2026, 3, 29), D(2026, 3, 31)]
    assert grid_days(D(2026, 3, 5), D(2026, 3, 5)) == [D(2026, 3, 5)]


def test_ledger_after_sale_calls_on_time_and_missed():
    # 2026-02-02 is a Monday: calls due 2026-02-09 (+7) and 2026-03-04 (+30).
    sale = Contact(D(2026, 2, 2), "reached", "sale", followup_id="S1")
    call = Contact(D(2026, 2, 9), "reached", "after_sale", followup_id="F2")
    client = Client("C1", "One", tier="gold", tier_since=D(2025, 1, 1), consent="service_only",
                    contacts=(sale, call))
    records = {t.reference: t for t in ledger(client, D(2026, 2, 1), D(2026, 4, 10))}
    assert set(records) == {"S1 +7", "S1 +30"}
    plus7, plus30 = records["S1 +7"], records["S1 +30"]
    assert (plus7.due, plus7.on_time, plus7.state, plus7.after_sale) == (
        D(2026, 2, 9), True, "done", True)
    assert (plus30.due, plus30.on_time, plus30.state) == (D(2026, 3, 4), False, "missed")
    tally = tally_tasks(records.values(), D(2026, 2, 1), D(2026, 4, 10))
    assert (tally.due, tally.done, tally.on_time, tally.missed, tally.overdue) == (2, 1, 1, 1, 0)
    assert (tally.after_sale_due, tally.after_sale_on_time) == (2, 1)


def test_ledger_a_late_call_is_done_but_not_on_time_and_an_open_one_is_overdue():
    sale = Contact(D(2026, 2, 2), "reached", "sale", followup_id="S1")
    late = Contact(D(2026, 2, 10), "reached", "after_sale", followup_id="F2")
    client = Client("C1", "One", tier="gold", tier_since=D(2025, 1, 1), consent="service_only",
                    contacts=(sale, late))
    records = {t.reference: t for t in ledger(client, D(2026, 2, 1), D(2026, 3, 10))}
    assert (records["S1 +7"].on_time, records["S1 +7"].state) == (False, "done")
    assert records["S1 +30"].state == "open"
    tally = tally_tasks(records.values(), D(2026, 2, 1), D(2026, 3, 10))
    assert (tally.due, tally.done, tally.on_time, tally.overdue, tally.missed) == (2, 1, 0, 1, 0)


def test_ledger_sees_the_cadence_task_a_contact_completes():
    # Gold cadence 180 days: due 2026-03-02 after a contact on 2025-09-03, window from 02-16;
    # the call on 2026-02-20 completes it and the next cadence task replaces it that same day.
    first = Contact(D(2025, 9, 3), "reached", followup_id="A")
    call = Contact(D(2026, 2, 20), "reached", followup_id="B")
    client = Client("C1", "One", tier="gold", tier_since=D(2025, 1, 1), contacts=(first, call))
    cadence = [t for t in ledger(client, D(2026, 3, 1), D(2026, 3, 31)) if t.reason == "cadence"]
    done = [t for t in cadence if t.due == D(2026, 3, 2)]
    assert len(done) == 1 and done[0].on_time and done[0].state == "done"
    assert D(2026, 2, 20) in evaluation_days(client, D(2026, 3, 1), D(2026, 3, 31))


def test_ledger_tasks_follow_consent():
    sale = Contact(D(2026, 2, 2), "reached", "sale", followup_id="S1")
    client = Client("C1", "One", tier="gold", tier_since=D(2025, 1, 1), consent="none",
                    contacts=(sale,))
    assert ledger(client, D(2026, 2, 1), D(2026, 3, 31)) == []
