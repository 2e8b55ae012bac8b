"""Campaigns (新品发售, issue 14 point 4): targets, fit, spreading, tasks, sales and the report,
over a small bank whose every target is worked out by hand.

Today is Monday 2026-03-02; the working days of March's first two weeks are 03-02..06 and
03-09..13. The products: NEW (wealth, R3) and HIGH (fund, R4) launch today, SAFE (bond, R1),
OLD (wealth, closed). Every client is platinum unless said, held by R1 (BJ01) or R2 (BJ01),
reached on 03-01 (so no cadence call is due) and holds what the fit reads:

| client | AUM | RM | consent | risk, assessed | for NEW |
|---|---|---|---|---|---|
| A | 2.0M | R1 | all | C4 2026-01-01 | prefers 理财, 200k demand deposits: fit 70 |
| B | 2.0M | R1 | service_only | C4 | excluded: no marketing consent |
| C | 2.0M | R1 | none | C4 | excluded: no marketing consent |
| D | 2.0M | R1 | all | C2 | unsuitable (R3 > C2) |
| E1 | 2.0M | R1 | all | C5 2025-03-02 | unsuitable: the assessment expires today |
| E2 | 2.0M | R1 | all | C5 2025-03-03 | valid until tomorrow: fit 0 |
| F | 2.0M | R1 | all | C1 | unsuitable (a C1 client only gets R1) |
| G | 2.0M | R1 | all | C4 | holds NEW already |
| H | gold 300k | R2 | all | C4 | not in the tiers asked |
| I | 1.5M exactly | R2 | all | C4 | a time deposit maturing 03-10: fit 30 |
| J | 1.5M - 0.01 | R2 | all | C4 | below --min-aum |
| K | 2.0M | R2 | all | C5, born 1950 | fit 0; elderly: HIGH's call is a visit |
| L | 2.0M | R2 | all | C4 | prefers 基金, 100k demand deposits exactly: fit 30 |
| M | 2.0M | none (SH01) | all | C4 | fit 0, on SH01's unassigned list |
| N | 3.0M | R1 | all | C4 | as A: fit 70, ranked first for its AUM |
| O | 2.0M | R1 | all | C4 | as A: fit 70, after A by client id |
| P | 2.0M | R1 | all | C4 | closed 03-01 |
"""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from datafiles import contents
from vipcrm.core.campaign import Candidate, Product, Target, exclusion, fit, ranked, spread
from vipcrm.core.config import Config
from vipcrm.store.db import open_db, transaction

TODAY = "2026-03-02"
M = 100_000_000  # a million CNY in fen
K = 100_000  # a thousand CNY in fen
D = dt.date

CLIENTS = [  # id, tier, aum, rm, consent, risk, assessed, birth, preferences, home, closed
    ("A", "platinum", 2 * M, "R1", "all", "C4", "2026-01-01", "1980-01-01", "理财", "BJ01", None),
    ("B", "platinum", 2 * M, "R1", "service_only", "C4", "2026-01-01", "1980-01-01", None, "BJ01",
     None),
    ("C", "platinum", 2 * M, "R1", "none", "C4", "2026-01-01", "1980-01-01", None, "BJ01", None),
    ("D", "platinum", 2 * M, "R1", "all", "C2", "2026-01-01", "1980-01-01", None, "BJ01", None),
    ("E1", "platinum", 2 * M, "R1", "all", "C5", "2025-03-02", "1980-01-01", None, "BJ01", None),
    ("E2", "platinum", 2 * M, "R1", "all", "C5", "2025-03-03", "1980-01-01", None, "BJ01", None),
    ("F", "platinum", 2 * M, "R1", "all", "C1", "2026-01-01", "1980-01-01", None, "BJ01", None),
    ("G", "platinum", 2 * M, "R1", "all", "C4", "2026-01-01", "1980-01-01", None, "BJ01", None),
    ("H", "gold", 300 * K, "R2", "all", "C4", "2026-01-01", "1980-01-01", None, "BJ01", None),
    ("I", "platinum", 150 * 10 * K, "R2", "all", "C4", "2026-01-01", "1980-01-01", None, "BJ01",
     None),
    ("J", "platinum", 150 * 10 * K - 1, "R2", "all", "C4", "2026-01-01", "1980-01-01", None,
     "BJ01", None),
    ("K", "platinum", 2 * M, "R2", "all", "C5", "2026-01-01", "1950-06-01", None, "BJ01", None),
    ("L", "platinum", 2 * M, "R2", "all", "C4", "2026-01-01", "1980-01-01", "基金", "BJ01", None),
    ("M", "platinum", 2 * M, None, "all", "C4", "2026-01-01", "1980-01-01", None, "SH01", None),
    ("N", "platinum", 3 * M, "R1", "all", "C4", "2026-01-01", "1980-01-01", "理财", "BJ01", None),
    ("O", "platinum", 2 * M, "R1", "all", "C4", "2026-01-01", "1980-01-01", "wealth", "BJ01",
     None),
    ("P", "platinum", 2 * M, "R1", "all", "C4", "2026-01-01", "1980-01-01", None, "BJ01",
     "2026-03-01"),
]
PRODUCTS = [  # code, name, class, risk, launch, status
    ("NEW", "New wealth", "wealth", "R3", TODAY, "on_sale"),
    ("HIGH", "Growth fund", "fund", "R4", TODAY, "on_sale"),
    ("SAFE", "Savings bond", "bond", "R1", "2025-01-01", "on_sale"),
    ("OLD", "Old wealth", "wealth", "R2", "2024-01-01", "closed"),
    ("DEP", "Current account", "deposit", "R1", None, "on_sale"),
    ("TD", "Time deposit", "deposit", "R1", None, "on_sale"),
]
POSITIONS = [  # client, product, as_of, balance, class, maturity
    ("A", "DEP", "2026-01-01", 200 * K, "deposit", None),
    ("N", "DEP", "2026-01-01", 200 * K, "deposit", None),
    ("O", "DEP", "2026-01-01", 200 * K, "deposit", None),
    ("L", "DEP", "2026-01-01", 100 * K, "deposit", None),
    ("G", "NEW", "2026-03-02", 100 * K, "wealth", None),
    ("I", "TD", "2025-03-10", 500 * K, "deposit", "2026-03-10"),
    ("K", "DEP", "2026-01-01", 99 * K, "deposit", None),
]


@pytest.fixture
def bank(db_path):
    db = open_db(db_path)
    conn = db.conn
    with transaction(db):
        conn.executemany("INSERT INTO rms (rm_id, name, branch, grade) VALUES (?, ?, ?, 'l2')",
                         [("R1", "Ann", "BJ01"), ("R2", "Bob", "BJ01"), ("R3", "Cai", "SH01")])
        conn.executemany("INSERT INTO products (product_code, name, asset_class, risk_level, "
                         "launch_date, status) VALUES (?, ?, ?, ?, ?, ?)", PRODUCTS)
        for (client, tier, aum, rm, consent, risk, assessed, birth, preferences, home,
             closed) in CLIENTS:
            conn.execute("INSERT INTO clients (client_id, name, home_branch, contact_consent, "
                         "risk_level, risk_assessed_on, birth_date, product_preferences, "
                         "closed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [client, f"Client {client}", home, consent, risk, assessed, birth,
                          preferences, closed])
            conn.execute("INSERT INTO tiers VALUES (?, ?, 'ok', ?, ?, '2025-06-01', "
                         "'2026-03-01')", [client, tier, aum, aum])
            if rm:
                conn.execute("INSERT INTO assignments (client_id, rm_id, reason, since) "
                             "VALUES (?, ?, 'new', '2025-06-01')", [client, rm])
            conn.execute("INSERT INTO followups (followup_id, client_id, rm_id, date, channel) "
                         "VALUES (?, ?, ?, '2026-03-01', 'phone')",
                         [f"F-{client}", client, rm or "R3"])
        conn.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", POSITIONS)
        conn.executemany("INSERT INTO freshness VALUES (?, ?)",
                         [("positions", "2026-03-02"), ("transactions", "2026-03-02")])
    conn.close()
    return db_path


def run(cli, *args, today=TODAY):
    return cli("--today", today, *args)


def create(cli, *args, today=TODAY):
    result = run(cli, "campaign", "create", *args, "--format", "json", today=today)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def plan(cli, day, rm):
    result = cli("--today", day, "plan", day, "--rm", rm, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {line["client_id"]: line for line in json.loads(result.stdout)}


def campaign_lines(lines):
    return {c: line for c, line in lines.items() if "campaign" in line["reasons"]}


# ---------------------------------------------------------------------------------------------
# Who is a target, and in what order


def test_targets_are_the_suitable_consenting_clients_ranked_by_fit_then_aum_then_id(cli, bank):
    result = run(cli, "campaign", "create", "NEW", "--tiers", "platinum", "--min-aum", "1500000",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    targets = json.loads(result.stdout)
    assert [(t["rank"], t["client_id"], t["score"]) for t in targets] == [
        (1, "N", 70), (2, "A", 70), (3, "O", 70), (4, "L", 30), (5, "I", 30), (6, "E2", 0),
        (7, "K", 0), (8, "M", 0)]
    by_id = {t["client_id"]: t for t in targets}
    assert (by_id["A"]["preference"], by_id["A"]["idle_cash"], by_id["A"]["maturing_on"]) == (
        True, True, None)
    assert (by_id["L"]["preference"], by_id["L"]["idle_cash"]) == (False, True)  # 100k: at it
    assert by_id["I"]["maturing_on"] == "2026-03-10"
    assert (by_id["M"]["rm_id"], by_id["M"]["branch"]) == (None, "SH01")
    assert {t["slot"] for t in targets} == {TODAY}  # 5 a day: everyone fits on day one
    assert "campaign 1 \"New wealth\" on NEW from 2026-03-02 to 2026-03-15: 8 target(s)" in \
        result.stderr
    assert ("considered 14 client(s) in the tiers; not targeted: 2 no_marketing_consent; "
            "3 unsuitable; 1 holds_product") in result.stderr


def test_the_campaign_and_its_targets_are_stored_and_audited(cli, bank, sql):
    create(cli, "NEW", "--tiers", "platinum", "--name", "Spring launch", "--to", "2026-03-13")
    assert sql("SELECT campaign_id, name, product_code, starts_on, ends_on, tiers, min_aum, "
               "branch, created_on, closed_on FROM campaigns") == [
        (1, "Spring launch", "NEW", "2026-03-02", "2026-03-13", "platinum", None, None,
         "2026-03-02", None)]
    assert len(sql("SELECT * FROM campaign_targets WHERE campaign_id = 1")) == 9  # J too
    [(details,)] = sql("SELECT details FROM audit_log WHERE command = 'campaign create'")
    assert json.loads(details)["targets"] == 9 and json.loads(details)["considered"] == 15


def test_the_c1_client_is_a_target_for_an_r1_product_only(cli, bank):
    safe = {t["client_id"] for t in create(cli, "SAFE", "--tiers", "platinum")}
    assert "F" in safe and "D" in safe  # R1 suits C1 and C2
    assert {"B", "C", "E1"} & safe == set()


@pytest.mark.parametrize("floor, in_list", [("1500000", True), ("1500000.01", False)])
def test_min_aum_includes_a_client_exactly_at_it(cli, bank, floor, in_list):
    targets = {t["client_id"] for t in create(cli, "NEW", "--tiers", "platinum",
                                              "--min-aum", floor)}
    assert ("I" in targets) is in_list
    assert "J" not in targets


def test_branch_and_limit_narrow_the_list(cli, bank):
    assert [t["client_id"] for t in create(cli, "NEW", "--tiers", "platinum", "--branch", "SH01",
                                           "--dry-run")] == ["M"]
    result = run(cli, "campaign", "create", "NEW", "--tiers", "platinum", "--limit", "2",
                 "--format", "json")
    assert [t["client_id"] for t in json.loads(result.stdout)] == ["N", "A"]
    assert "7 more suitable client(s) beyond --limit" in result.stderr  # J too


def test_a_dry_run_stores_nothing(cli, bank, db_path):
    before = contents(db_path)
    assert len(create(cli, "NEW", "--tiers", "platinum", "--dry-run")) == 9
    assert contents(db_path) == before


# ---------------------------------------------------------------------------------------------
# Spreading within capacity


def test_each_rm_gets_at_most_daily_per_rm_calls_a_day_best_first(cli, bank):
    assert run(cli, "config", "set", "campaign.daily_per_rm", "2").exit_code == 0
    slots = {t["client_id"]: t["slot"] for t in create(cli, "NEW", "--tiers", "platinum")}
    assert slots == {"N": "2026-03-02", "A": "2026-03-02", "O": "2026-03-03", "E2": "2026-03-03",
                     "L": "2026-03-02", "I": "2026-03-02", "K": "2026-03-03", "J": "2026-03-03",
                     "M": "2026-03-02"}


def test_targets_beyond_the_window_room_are_left_out_the_lowest_ranked(cli, bank, sql):
    assert run(cli, "config", "set", "campaign.daily_per_rm", "2").exit_code == 0
    result = run(cli, "campaign", "create", "NEW", "--tiers", "platinum", "--to", "2026-03-02",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    # I's deposit matures after this one-day window: fit 0, behind K's larger AUM.
    assert [t["client_id"] for t in json.loads(result.stdout)] == ["N", "A", "L", "K", "M"]
    assert "4 target(s) left out" in result.stderr  # O, E2, I, J
    assert sql("SELECT client_id, rank FROM campaign_targets ORDER BY rank") == [
        ("N", 1), ("A", 2), ("L", 3), ("K", 4), ("M", 5)]


def test_the_room_other_campaigns_took_counts(cli, bank):
    assert run(cli, "config", "set", "campaign.daily_per_rm", "2").exit_code == 0
    create(cli, "NEW", "--tiers", "platinum")  # R1: 03-02 and 03-03 full
    second = {t["client_id"]: t["slot"] for t in create(cli, "SAFE", "--tiers", "platinum")}
    assert second["N"] == second["A"] == second["L"] == "2026-03-04"
    assert second["M"] == "2026-03-02"  # SH01's unassigned list had room left


def test_a_window_starting_on_a_weekend_opens_on_the_next_working_day(cli, bank):
    slots = {t["slot"] for t in create(cli, "NEW", "--tiers", "platinum", "--from", "2026-03-07",
                                       "--to", "2026-03-10")}
    assert slots == {"2026-03-09"}


# ---------------------------------------------------------------------------------------------
# The campaign's calls in the plans


def test_a_target_gets_a_campaign_call_on_its_slot_day(cli, bank):
    assert run(cli, "config", "set", "campaign.daily_per_rm", "2").exit_code == 0
    create(cli, "NEW", "--tiers", "platinum")
    first = campaign_lines(plan(cli, "2026-03-02", "R1"))
    assert sorted(first) == ["A", "N"]
    line = first["A"]
    assert (line["priority"], line["due"], line["overdue"]) == (3, "2026-03-02", False)
    # The campaign's name is the product's: said once.
    assert "campaign 1: NEW New wealth (R3), fit 70 (prefers wealth, idle cash)" in \
        line["talking_points"]
    second = campaign_lines(plan(cli, "2026-03-03", "R1"))
    assert sorted(second) == ["A", "E2", "N", "O"]
    assert second["A"]["overdue"] and not second["O"]["overdue"]


def test_a_reached_contact_completes_the_call_one_before_the_slot_does_not(cli, bank):
    assert run(cli, "config", "set", "campaign.daily_per_rm", "2").exit_code == 0
    create(cli, "NEW", "--tiers", "platinum")
    logged = run(cli, "followup", "log", "A", "--channel", "phone", "--rm", "R1",
                 today="2026-03-03")
    assert logged.exit_code == 0, logged.stderr
    assert "completed: campaign [1]" in logged.stderr + logged.stdout
    unanswered = run(cli, "followup", "log", "N", "--channel", "phone", "--rm", "R1",
                     "--outcome", "no_answer", today="2026-03-03")
    assert unanswered.exit_code == 0, unanswered.stderr
    left = campaign_lines(plan(cli, "2026-03-04", "R1"))
    assert "A" not in left and "N" in left
    # The contact of 03-01 (before any slot) left every call open on day one.
    assert "A" in campaign_lines(plan(cli, "2026-03-02", "R1"))


def test_calls_end_with_the_campaign(cli, bank):
    create(cli, "NEW", "--tiers", "platinum", "--to", "2026-03-06")
    assert "E2" in campaign_lines(plan(cli, "2026-03-06", "R1"))
    assert campaign_lines(plan(cli, "2026-03-09", "R1")) == {}
    assert run(cli, "config", "set", "plan.expiry_days.campaign", "3",
               today="2026-03-06").exit_code == 0
    assert "E2" in campaign_lines(plan(cli, "2026-03-09", "R1"))


def test_an_elderly_client_is_called_on_in_person_for_an_r4_product(cli, bank):
    create(cli, "HIGH", "--tiers", "platinum", "--name", "Growth week")
    line = plan(cli, "2026-03-02", "R2")["K"]
    assert line["channel"] == "visit"
    assert ("campaign 1 Growth week: HIGH Growth fund (R4), fit 0; in person with its dual "
            "recording (双录)") in line["talking_points"]
    assert plan(cli, "2026-03-02", "R1")["A"]["channel"] == "phone"  # 46: not elderly


def test_a_target_whose_rm_changes_is_called_by_the_new_rm_and_counts_for_it(cli, bank):
    create(cli, "NEW", "--tiers", "platinum")
    assert run(cli, "assign", "set", "K", "R1", "--pin").exit_code == 0
    assert "K" in campaign_lines(plan(cli, "2026-03-02", "R1"))
    assert "K" not in plan(cli, "2026-03-02", "R2")
    rows = json.loads(run(cli, "campaign", "report", "1", "--format", "json").stdout)
    assert {r["rm_id"]: r["targets"] for r in rows} == {"R1": 5, "R2": 3, None: 1}


def test_consent_withdrawn_after_creation_removes_the_call(cli, bank, db_path):
    create(cli, "NEW", "--tiers", "platinum")
    assert run(cli, "client", "update", "A", "--set", "contact_consent=service_only").exit_code == 0
    assert "A" not in campaign_lines(plan(cli, "2026-03-02", "R1"))


def test_a_closed_campaign_withdraws_its_calls_from_the_next_day(cli, bank, sql):
    create(cli, "NEW", "--tiers", "platinum")
    closed = run(cli, "campaign", "close", "1", today="2026-03-04")
    assert closed.exit_code == 0, closed.stderr
    assert sql("SELECT closed_on FROM campaigns") == [("2026-03-04",)]
    assert "A" in campaign_lines(plan(cli, "2026-03-04", "R1"))
    assert campaign_lines(plan(cli, "2026-03-05", "R1")) == {}
    shown = json.loads(run(cli, "campaign", "show", "1", "--format", "json",
                           today="2026-03-05").stdout)
    assert {t["status"] for t in shown} == {"withdrawn"}
    again = run(cli, "campaign", "close", "1", today="2026-03-05")
    assert again.exit_code == 1
    assert again.stderr == "Error: campaign 1 was closed on 2026-03-04; nothing to do\n"
    assert [c for (c,) in sql("SELECT command FROM audit_log")].count("campaign close") == 1


# ---------------------------------------------------------------------------------------------
# What came of it


def _import_sales(cli, tmp_path, rows):
    path = tmp_path / "sales.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["followup_id", "client_id", "rm_id", "date", "channel", "stage",
                         "product_code", "amount"])
        writer.writerows(rows)
    result = cli("--today", "2026-03-20", "import", "followups", path)
    assert result.exit_code == 0, result.stderr


def test_report_counts_reached_sold_and_amount_within_the_window(cli, bank, tmp_path):
    create(cli, "NEW", "--tiers", "platinum", "--to", "2026-03-13")
    _import_sales(cli, tmp_path, [
        ("S1", "N", "R1", "2026-03-04", "visit", "sale", "NEW", "500000"),
        ("S2", "N", "R1", "2026-03-05", "visit", "sale", "NEW", "100000"),  # a second purchase
        ("S3", "O", "R1", "2026-03-16", "visit", "sale", "NEW", "300000"),  # after the window
        ("S4", "L", "R2", "2026-03-01", "visit", "sale", "NEW", "300000"),  # before it
        ("S5", "A", "R1", "2026-03-05", "phone", "sale", "SAFE", "50000"),  # another product
        ("S6", "I", "R2", "2026-03-13", "visit", "sale", "NEW", "200000"),  # the last day
    ])
    result = run(cli, "campaign", "report", "1", "--format", "json", today="2026-03-20")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"campaign_id": 1, "product_code": "NEW", "branch": "BJ01", "rm_id": "R1",
         "name": "Ann", "targets": 4, "reached": 2, "sold": 1, "amount": 600000.00,
         "reached_pct": 50.0, "conversion_pct": 25.0},
        {"campaign_id": 1, "product_code": "NEW", "branch": "BJ01", "rm_id": "R2",
         "name": "Bob", "targets": 4, "reached": 1, "sold": 1, "amount": 200000.00,
         "reached_pct": 25.0, "conversion_pct": 25.0},
        {"campaign_id": 1, "product_code": "NEW", "branch": "SH01", "rm_id": None,
         "name": None, "targets": 1, "reached": 0, "sold": 0, "amount": 0.00,
         "reached_pct": 0.0, "conversion_pct": 0.0},
    ]
    shown = {t["client_id"]: (t["status"], t["amount"]) for t in json.loads(
        run(cli, "campaign", "show", "1", "--format", "json", today="2026-03-20").stdout)}
    assert shown == {"N": ("sold", 600000.00), "A": ("reached", None), "O": ("missed", None),
                     "L": ("missed", None), "I": ("sold", 200000.00), "E2": ("missed", None),
                     "K": ("missed", None), "M": ("missed", None), "J": ("missed", None)}


def test_report_by_branch_as_csv_and_table(cli, bank):
    create(cli, "NEW", "--tiers", "platinum")
    result = run(cli, "campaign", "report", "--by", "branch", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "campaign_id,product_code,branch,targets,reached,sold,amount,reached_pct,conversion_pct\n"
        "1,NEW,BJ01,8,0,0,0.00,0.0,0.0\n"
        "1,NEW,SH01,1,0,0,0.00,0.0,0.0\n")
    table = run(cli, "campaign", "report", "1", "--branch", "SH01").stdout
    assert "SH01" in table and "BJ01" not in table


def test_list_and_show(cli, bank):
    create(cli, "NEW", "--tiers", "platinum")
    create(cli, "SAFE", "--tiers", "gold", "--from", "2026-03-09")
    listed = json.loads(run(cli, "campaign", "list", "--format", "json").stdout)
    assert [(c["campaign_id"], c["product_code"], c["status"], c["targets"]) for c in listed] == [
        (1, "NEW", "running", 9), (2, "SAFE", "planned", 1)]
    result = run(cli, "campaign", "show", "1", "--rm", "R2", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rank,client_id,name,tier,branch,rm_id,score,preference,idle_cash,maturing_on,slot,"
        "status,amount",
        "4,L,Client L,platinum,BJ01,R2,30,false,true,,2026-03-02,open,",
        "5,I,Client I,platinum,BJ01,R2,30,false,false,2026-03-10,2026-03-02,open,",
        "7,K,Client K,platinum,BJ01,R2,0,false,false,,2026-03-02,open,",
        "9,J,Client J,platinum,BJ01,R2,0,false,false,,2026-03-02,open,",
    ]
    assert "campaign 1 \"New wealth\": NEW New wealth (R3), 2026-03-02 to 2026-03-15, tiers " \
           "platinum; running" in result.stderr


def test_csv_takes_the_encoding_and_a_chinese_list_names_the_campaign_s_dates(cli, bank):
    create(cli, "NEW", "--tiers", "platinum")
    assert run(cli, "campaign", "close", "1").exit_code == 0
    for_excel = run(cli, "campaign", "list", "--format", "csv", "--encoding", "utf-8-sig")
    assert for_excel.stdout_bytes.startswith("\ufeffcampaign_id,name,".encode("utf-8"))
    gbk = run(cli, "campaign", "show", "1", "--format", "csv", "--encoding", "gbk")
    assert gbk.stdout_bytes.decode("gbk").startswith("rank,client_id,name,")
    # A campaign's closing day is when it ended (结束日), not an account's (销户日期).
    zh = cli("--today", TODAY, "--lang", "zh", "campaign", "list", env={"COLUMNS": "200"})
    assert "结束日" in zh.stdout and "创建日" in zh.stdout and "已结束" in zh.stdout
    assert "销户日期" not in zh.stdout


# ---------------------------------------------------------------------------------------------
# Refusals: one line, the right exit code, nothing stored


@pytest.mark.parametrize("args, code, message", [
    (["NOPE", "--tiers", "platinum"], 1, "unknown product 'NOPE'"),
    (["OLD", "--tiers", "platinum"], 1, "product OLD is closed"),
    (["NEW", "--tiers", "platinum", "--branch", "XX01"], 1, "unknown branch 'XX01'"),
    (["NEW", "--tiers", "gold", "--min-aum", "400000"], 1, "no target for a campaign on NEW"),
    (["NEW", "--tiers", "platinum", "--from", "2026-03-07", "--to", "2026-03-08"], 1,
     "no working day from 2026-03-07 to 2026-03-08"),
    (["NEW", "--tiers", "platinum,silver"], 2, "--tiers"),
    (["NEW"], 2, "--tiers"),
    (["NEW", "--tiers", "platinum", "--from", "2026-03-01"], 2, "is before today"),
    (["NEW", "--tiers", "platinum", "--to", "2026-03-01"], 2, "before the campaign's first day"),
    (["NEW", "--tiers", "platinum", "--to", "2027-03-03"], 2, "at most 366 days"),
    (["NEW", "--tiers", "platinum", "--min-aum", "1,000.001"], 2, "--min-aum"),
    (["NEW", "--tiers", "platinum", "--min-aum", "-5"], 2, "--min-aum"),
    (["NEW", "--tiers", "platinum", "--limit", "0"], 2, "--limit"),
])
def test_bad_campaigns_are_refused_and_store_nothing(cli, bank, db_path, args, code, message):
    before = contents(db_path)
    result = run(cli, "campaign", "create", *args)
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert contents(db_path) == before


@pytest.mark.parametrize("args, code", [
    (["show", "9"], 1), (["close", "9"], 1), (["report", "9"], 1), (["show", "0"], 2),
    (["report", "--by", "tier"], 2), (["show", "1", "--rm", "R9"], 1),
])
def test_unknown_campaigns_and_bad_options(cli, bank, args, code):
    create(cli, "NEW", "--tiers", "platinum")
    result = run(cli, "campaign", *args)
    assert result.exit_code == code, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------------------------
# The rules alone


CONFIG = Config()
PRODUCT = Product("NEW", "wealth", "R3")


def candidate(**fields):
    base = dict(client_id="X", name="X", tier="platinum", aum=2 * M, rm_id="R1", branch="BJ01",
                consent="all", risk_level="C3", assessed_on=D(2026, 1, 1), preferences=None,
                holds_product=False, demand_deposits=0, maturing_on=None)
    base.update(fields)
    return Candidate(**base)


@pytest.mark.parametrize("fields, why", [
    ({}, None),
    ({"consent": "service_only"}, "no_marketing_consent"),
    ({"consent": "none", "risk_level": "C1"}, "no_marketing_consent"),  # consent first
    ({"risk_level": "C2"}, "unsuitable"),
    ({"risk_level": None}, "unsuitable"),
    ({"assessed_on": None}, "unsuitable"),
    ({"assessed_on": D(2025, 3, 2)}, "unsuitable"),  # 365 days: expired that day
    ({"assessed_on": D(2025, 3, 3)}, None),
    ({"assessed_on": D(2026, 3, 3)}, "unsuitable"),  # made after the first day
    ({"holds_product": True}, "holds_product"),
])
def test_exclusions(fields, why):
    assert exclusion(candidate(**fields), PRODUCT, D(2026, 3, 2), CONFIG) == why


def test_an_unrated_product_counts_as_r5():
    assert exclusion(candidate(risk_level="C4"), Product("X", "fund", None), D(2026, 3, 2),
                     CONFIG) == "unsuitable"
    assert exclusion(candidate(risk_level="C5"), Product("X", "fund", None), D(2026, 3, 2),
                     CONFIG) is None


@pytest.mark.parametrize("fields, score", [
    ({}, 0),
    ({"preferences": "稳健理财"}, 40),
    ({"demand_deposits": 100_000 * 100}, 30),
    ({"demand_deposits": 100_000 * 100 - 1}, 0),
    ({"maturing_on": D(2026, 3, 10)}, 30),
    ({"preferences": "wealth", "demand_deposits": 10 ** 9, "maturing_on": D(2026, 3, 10)}, 100),
])
def test_fit_adds_the_weights_of_what_holds(fields, score):
    assert fit(candidate(**fields), PRODUCT, CONFIG).score == score


def test_fit_is_scaled_to_100_and_rounded_half_up():
    config = CONFIG.with_overrides({"campaign.weights.preference": 1,
                                    "campaign.weights.idle_cash": 1,
                                    "campaign.weights.maturing": 6})
    assert fit(candidate(preferences="理财"), PRODUCT, config).score == 13  # 12.5
    zero = CONFIG.with_overrides({f"campaign.weights.{f}": 0
                                  for f in ("preference", "idle_cash", "maturing")})
    assert fit(candidate(preferences="理财"), PRODUCT, zero).score == 0


def _target(client_id, score, aum=2 * M, rm_id="R1", branch="BJ01"):
    return Target(client_id, client_id, "platinum", aum, rm_id, branch, score, False, False, None)


def test_ranking_ties_fall_to_aum_then_client_id():
    order = ranked([_target("B", 30), _target("A", 30), _target("C", 30, 3 * M),
                    _target("D", 70, 1)])
    assert [t.client_id for t in order] == ["D", "C", "A", "B"]


def test_spread_fills_each_book_day_by_day_and_leaves_out_the_rest():
    days = [D(2026, 3, 2), D(2026, 3, 3)]
    targets = [_target("A", 9), _target("B", 8), _target("C", 7, rm_id="R2"), _target("D", 6),
               _target("E", 5), _target("F", 4, rm_id=None), _target("G", 3, rm_id=None,
                                                                       branch="SH01")]
    placed, left = spread(targets, days, 2, {(("R1", ""), D(2026, 3, 2)): 1})
    assert [(t.client_id, d.day) for t, d in placed] == [
        ("A", 2), ("B", 3), ("C", 2), ("D", 3), ("F", 2), ("G", 2)]
    assert [t.client_id for t in left] == ["E"]
