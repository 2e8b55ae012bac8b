"""Fair KPIs over a bank whose every number is worked out by hand below: split credit for a
client that changed hands, net new money apart from market moves, no data ranked lowest,
ranks within grade, and the review's default year.

Today 2026-07-15; the period is June 2026 unless a test says otherwise. The first tier
recompute and the first assignment ran on 2026-01-05. AUM in CNY:

| client | holder(s) | AUM 05-31 → change points | transactions |
|---|---|---|---|
| X | A, then B from 2026-06-10 | 1.0M; 1.3M on 06-10; +0.5M wealth on 06-20 (1.8M) | +10k 05-20, +250k 06-10, +400k 06-25 |
| Y | C | 2.0M; 2.5M on 06-30 | +0.999k 05-20, +100k 06-05, -20k 06-15, +77k 07-02 |
| Z | C | 500k; 400k on 06-15 | none |
| W | A, closed and released 06-20 | 200k; 0 on 06-15; 50k on 06-25 | none |
| U1 | T1 | 100k; 150k on 06-20 | none |
| U2 | T2 | 100k; 120k on 06-20 | +5k 07-02 (after June) |

X is upgraded on 06-10, the day it changed hands. RMs: A, B, C, D (no client) are l3; T1 and
T2 trainees who passed the exam.
"""

from __future__ import annotations

import json

import pytest

from vipcrm.store.db import open_db, transaction

TODAY = "2026-07-15"
JUNE = ("--from", "2026-06-01", "--to", "2026-06-30")
K = 100_000  # one thousand CNY in fen
M = 1000 * K

RMS = [("A", "l3"), ("B", "l3"), ("C", "l3"), ("D", "l3"), ("T1", "trainee"), ("T2", "trainee")]
CLIENTS = [("X", None), ("Y", None), ("Z", None), ("W", "2026-06-20"), ("U1", None), ("U2", None)]
POSITIONS = [  # client, product, as_of, balance, class
    ("X", "DEP", "2026-05-01", 1 * M, "deposit"), ("X", "DEP", "2026-06-10", 1300 * K, "deposit"),
    ("X", "WM", "2026-06-20", 500 * K, "wealth"),
    ("Y", "DEP", "2026-05-01", 2 * M, "deposit"), ("Y", "DEP", "2026-06-30", 2500 * K, "deposit"),
    ("Z", "DEP", "2026-05-01", 500 * K, "deposit"), ("Z", "DEP", "2026-06-15", 400 * K, "deposit"),
    ("W", "DEP", "2026-05-01", 200 * K, "deposit"), ("W", "DEP", "2026-06-15", 0, "deposit"),
    ("W", "DEP", "2026-06-25", 50 * K, "deposit"),
    ("U1", "DEP", "2026-05-01", 100 * K, "deposit"), ("U1", "DEP", "2026-06-20", 150 * K, "deposit"),
    ("U2", "DEP", "2026-05-01", 100 * K, "deposit"), ("U2", "DEP", "2026-06-20", 120 * K, "deposit"),
]
TRANSACTIONS = [  # client, date, amount
    ("X", "2026-05-20", 10 * K), ("X", "2026-06-10", 250 * K), ("X", "2026-06-25", 400 * K),
    ("Y", "2026-05-20", 999 * 100), ("Y", "2026-06-05", 100 * K), ("Y", "2026-06-15", -20 * K),
    ("Y", "2026-07-02", 77 * K), ("U2", "2026-07-02", 5 * K),
]
ASSIGNED = [("X", "B", "2026-06-10"), ("Y", "C", "2026-01-05"), ("Z", "C", "2026-01-05"),
            ("U1", "T1", "2026-01-05"), ("U2", "T2", "2026-01-05")]
HISTORY = [  # client, changed_on, from, to, reason
    ("X", "2026-01-05", None, "A", "new"), ("Y", "2026-01-05", None, "C", "new"),
    ("Z", "2026-01-05", None, "C", "new"), ("W", "2026-01-05", None, "A", "new"),
    ("U1", "2026-01-05", None, "T1", "new"), ("U2", "2026-01-05", None, "T2", "new"),
    ("X", "2026-06-10", "A", "B", "manual"), ("W", "2026-06-20", "A", None, "closed"),
]
TIER_HISTORY = [  # client, effective, from, to, status, reason
    ("X", "2026-01-05", None, "premier_gold", "ok", "new"),
    ("Y", "2026-01-05", None, "platinum", "ok", "new"),
    ("Z", "2026-01-05", None, "premier_gold", "ok", "new"),
    ("W", "2026-01-05", None, "gold", "ok", "new"),
    ("U1", "2026-01-05", None, "gold", "ok", "new"),
    ("U2", "2026-01-05", None, "gold", "ok", "new"),
    ("X", "2026-06-10", "premier_gold", "platinum", "ok", "upgrade"),
    ("W", "2026-06-20", "gold", None, None, "untiered"),
]


def build_bank(path) -> None:
    db = open_db(path)
    conn = db.conn
    with transaction(db):
        conn.executemany("INSERT INTO rms (rm_id, name, branch, grade) VALUES (?, ?, 'BJ01', ?)",
                         [(rm_id, f"RM {rm_id}", grade) for rm_id, grade in RMS])
        conn.executemany("INSERT INTO clients (client_id, name, home_branch, contact_consent, "
                         "closed_on) VALUES (?, ?, 'BJ01', 'service_only', ?)",
                         [(c, f"Client {c}", closed) for c, closed in CLIENTS])
        conn.executemany("INSERT INTO products (product_code, name, asset_class) VALUES (?, ?, ?)",
                         [("DEP", "Deposit", "deposit"), ("WM", "Wealth", "wealth")])
        conn.executemany("INSERT INTO positions (client_id, product_code, as_of, balance, "
                         "asset_class) VALUES (?, ?, ?, ?, ?)", POSITIONS)
        conn.executemany("INSERT INTO transactions (txn_id, client_id, date, branch, amount) "
                         "VALUES (?, ?, ?, 'BJ01', ?)",
                         [(f"T{i}", *row) for i, row in enumerate(TRANSACTIONS)])
        conn.executemany("INSERT INTO assignments (client_id, rm_id, reason, since) "
                         "VALUES (?, ?, 'new', ?)", ASSIGNED)
        conn.executemany("INSERT INTO assignment_history (client_id, changed_on, from_rm, to_rm, "
                         "reason) VALUES (?, ?, ?, ?, ?)", HISTORY)
        conn.executemany("INSERT INTO tier_history (client_id, effective, from_tier, to_tier, "
                         "status, basis_aum, reason) VALUES (?, ?, ?, ?, ?, 0, ?)", TIER_HISTORY)
        conn.executemany("INSERT INTO tier_runs VALUES (?, 'daily_avg', '2026-01-05T00:00:00', "
                         "0, 0)", [(d,) for d in sorted({h[1] for h in TIER_HISTORY})])
        conn.executemany("INSERT INTO freshness VALUES (?, ?)",
                         [("positions", "2026-07-15"), ("transactions", "2026-07-15")])
    conn.close()


@pytest.fixture
def kpi(cli, db_path):
    build_bank(db_path)

    def run(*args, name="kpi", today=TODAY):
        result = cli("--today", today, "report", name, *args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return {r["rm_id"]: r for r in json.loads(result.stdout)}

    return run


def money(row):
    keys = ("aum_growth", "net_new_money", "market_move", "upgrades")
    return tuple(None if row[k] is None else (row[k] if k == "upgrades" else round(row[k] * 100))
                 for k in keys)


def test_a_client_reassigned_mid_period_splits_its_growth(kpi):
    rows = kpi(*JUNE)
    # X: A held it to the end of 06-10 (1.0M -> 1.3M, the 250k paid in on 06-10 and the upgrade
    # of 06-10 included), B from 06-11 (1.3M -> 1.8M, 400k paid in). W left A's book on 06-20
    # (-200k, no transaction: all of it counts); its 50k of 06-25 is nobody's.
    assert money(rows["A"]) == (100 * K, 50 * K, 50 * K, 1)
    # The new RM does not get the 300k made before it took over, nor the upgrade.
    assert money(rows["B"]) == (500 * K, 400 * K, 100 * K, 0)


def test_net_new_money_is_the_flows_and_a_client_without_transactions_gives_its_change(kpi):
    c = kpi(*JUNE)["C"]
    # Y: +500k of which 100k - 20k were flows (May and July's transactions are outside); Z has no
    # transaction: its -100k cannot be split and counts whole.
    assert money(c) == (400 * K, -20 * K, 420 * K, 0)
    assert c["aum_growth"] == c["net_new_money"] + c["market_move"]


def test_a_transaction_after_the_period_does_not_make_the_flows_known(kpi):
    # U2's only transaction is of July: June's flows are unknown, its +20k counts whole.
    assert money(kpi(*JUNE)["T2"]) == (20 * K, 20 * K, 0, 0)


@pytest.mark.parametrize("period, a, b", [
    # X changed hands on 06-10 (A: X and W; B: X only).
    (("--from", "2026-06-11", "--to", "2026-06-30"), (-200 * K, -200 * K, 0, 0),
     (500 * K, 400 * K, 100 * K, 0)),  # the change on the eve of the period: all of it is B's
    (("--from", "2026-06-10", "--to", "2026-06-30"), (100 * K, 50 * K, 50 * K, 1),
     (500 * K, 400 * K, 100 * K, 0)),  # on its first day: that day is still A's
    (("--from", "2026-06-01", "--to", "2026-06-10"), (300 * K, 250 * K, 50 * K, 1),
     (None, None, None, None)),  # on its last day: B held nothing in the period
    (("--from", "2026-06-01", "--to", "2026-06-09"), (0, 0, 0, 0), (None, None, None, None)),
])
def test_a_change_at_the_edges_of_the_period(kpi, period, a, b):
    rows = kpi(*period)
    assert (money(rows["A"]), money(rows["B"])) == (a, b)


def test_an_rm_that_held_nothing_ranks_lowest_instead_of_being_left_out(kpi):
    rows = kpi(*JUNE)
    d = rows["D"]
    assert money(d) == (None, None, None, None) and d["completeness_pct"] is None
    # Among the four l3 RMs, net new money ranks D (no data) 0, C 33.3, A 66.7, B 100; sales
    # tie for all (50); upgrades: A 100, B and C 50, D 0.
    assert [rows[r]["results"] for r in ("A", "B", "C", "D")] == [72.2, 66.7, 44.4, 16.7]
    assert d["rank"] == 4 and d["cohort_rms"] == 4


def test_trainees_are_ranked_against_trainees(kpi):
    rows = kpi(*JUNE)
    t1, t2 = rows["T1"], rows["T2"]
    assert (t1["cohort"], t1["cohort_rms"], t2["cohort_rms"]) == ("trainee", 2, 2)
    # T1 brought 50k, a tenth of what B brought, yet tops its own grade.
    assert (t1["results"], t2["results"]) == (66.7, 33.3)
    assert (t1["rank"], t2["rank"]) == (1, 2)
    # Rows by grade, senior first, then by rank within the grade.
    assert [(rows[r]["cohort"], rows[r]["rank"]) for r in rows] == [
        ("l3", 1), ("l3", 2), ("l3", 3), ("l3", 4), ("trainee", 1), ("trainee", 2)]


def test_the_review_runs_within_each_grade(kpi):
    rows = kpi(*JUNE, name="review")
    # Four l3 RMs: no share rounds to anyone; two trainees: the better one is at or above their
    # median and becomes l4, the other stays.
    assert {r: (rows[r]["action"], rows[r]["reason"]) for r in rows} == {
        "A": ("keep", "middle"), "B": ("keep", "middle"), "C": ("keep", "middle"),
        "D": ("keep", "middle"), "T1": ("promote", "trainee_passed"),
        "T2": ("keep", "trainee_below_median")}
    assert rows["T1"]["position"] == 1 and rows["D"]["position"] == 4
    assert rows["T1"]["cohort_median"] == (rows["T1"]["score"] + rows["T2"]["score"]) / 2


@pytest.mark.parametrize("today, args, period", [
    (TODAY, (), "2026-01-01 to 2026-07-15"),
    ("2027-01-10", (), "2026-01-01 to 2026-12-31"),  # January: the year just ended
    ("2027-01-10", ("--to", "2027-01-10"), "2027-01-01 to 2027-01-10"),
    (TODAY, ("--to", "2026-06-30"), "2026-01-01 to 2026-06-30"),
    (TODAY, ("--from", "2026-03-01"), "2026-03-01 to 2026-07-15"),
])
def test_review_defaults_to_the_whole_year(cli, kpi, today, args, period):
    result = cli("--today", today, "report", "review", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert f"Period {period};" in result.stderr


def test_other_reports_keep_the_month_to_date(cli, kpi):
    for name in ("kpi", "timeshare"):
        result = cli("--today", TODAY, "report", name, "--format", "json")
        assert "Period 2026-07-01 to 2026-07-15;" in result.stderr, name


def test_a_history_that_starts_with_a_hand_over_credits_the_rm_before_it(kpi, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM assignment_history WHERE client_id = 'X' AND reason = 'new'")
    conn.close()
    rows = kpi(*JUNE)
    assert money(rows["A"]) == (100 * K, 50 * K, 50 * K, 1)
    assert money(rows["B"]) == (500 * K, 400 * K, 100 * K, 0)
