"""Attrition early warning (客户流失预警, issue 14 point 5): each factor at its edges, the score
at 0 and 100, the stored change points, the retention task and the report.

The bank of the store tests (today Friday 2026-06-26, 90 days back is 03-28, 180 days back
12-28): platinum clients held by R1 at BJ01, each with 1M CNY of demand deposits on 2025-12-01
unless said, reached on 06-01 (cadence 90: nothing lapsed), so that every factor but the one a
client is for stays 0.

| client | what happens | factor |
|---|---|---|
| T20 | 1M → 800k on 06-01 (20% down, counted over 30 days) | trend: 3 of 3 horizons, 40 |
| T19 | 1M → 810k on 06-01 (19% down) | 0 |
| TNEW | first holds 1M on 05-01, 800k on 06-01 | trend over 30 days only: 1 of 1, 40 |
| X30 | sends 300k of its 1M to another bank (transfer_out) on 06-01, AUM unchanged | outflow 30 |
| X15 | sends 150k out, gets 0 back | outflow 15 (half of 30%) |
| XNET | sends 300k out, 300k back | 0 |
| CLAPSED | last reached 03-27 (91 days before: over the 90-day cadence) | contact 15 |
| CDUE | last reached 03-28 (exactly 90 days: not lapsed, but 0 contacts since, 1 before) | contact 7.5 |
| CFALL | 2 reached contacts in 12-29..03-28, 1 in 03-29..06-26 | contact 7.5 |
| MAT | 500k wealth matured 05-01, back to the demand deposit | maturity 15 |
| ALL | every factor full | 100 |
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

from datafiles import contents
from vipcrm.core.attrition import (Measures, Score, contact_share, maturity_share, outflow_share,
                                   score, trend_share)
from vipcrm.core.config import Config
from vipcrm.store.db import open_db, transaction

D = dt.date
TODAY = "2026-06-26"
K = 100_000  # a thousand CNY in fen
M = 1000 * K

CONFIG = Config()
WEIGHTS = (40, 30, 15, 15)


# ---------------------------------------------------------------------------------------------
# Each factor's share at its edges


@pytest.mark.parametrize("aum, then, share", [
    (80 * K, (100 * K, 100 * K, 100 * K), 1),  # exactly 20% down
    (80 * K + 1, (100 * K, 100 * K, 100 * K), 0),  # a fen short of it
    (80 * K, (90 * K, 100 * K, 100 * K), Fraction(2, 3)),  # 11% over 30 days only
    (80 * K, (0, 0, 100 * K), 1),  # only the horizon with AUM then counts
    (80 * K, (0, 0, 0), 0),  # no AUM back then: no trend
    (0, (100 * K, 0, 0), 1),  # everything gone
    (120 * K, (100 * K, 100 * K, 100 * K), 0),  # rising
])
def test_trend(aum, then, share):
    assert Fraction(*trend_share(aum, then, 20)) == share


@pytest.mark.parametrize("sent, received, before, share", [
    (300 * K, 0, 1000 * K, 1),  # exactly 30% of the AUM 90 days before
    (300 * K - 1, 0, 1000 * K, Fraction(300 * K - 1, 300 * K)),
    (150 * K, 0, 1000 * K, Fraction(1, 2)),
    (600 * K, 0, 1000 * K, 1),  # capped
    (300 * K, 300 * K, 1000 * K, 0),  # money back in as much
    (300 * K, 400 * K, 1000 * K, 0),  # more in than out: never below 0
    (100 * K, 0, 0, 1),  # no AUM then
    (0, 0, 0, 0),
])
def test_outflow(sent, received, before, share):
    assert Fraction(*outflow_share(sent, received, before, 30)) == share


DAY = D(2026, 6, 26)


@pytest.mark.parametrize("last, since, recent, earlier, share", [
    (D(2026, 3, 28), None, 1, 1, 0),  # 90 days ago: on cadence
    (D(2026, 3, 27), None, 0, 1, 1),  # 91 days: lapsed
    (None, D(2026, 3, 28), 0, 0, 0),  # never reached, in the tier 90 days
    (None, D(2026, 3, 27), 0, 0, 1),  # … 91 days
    (None, None, 0, 0, 0),  # nothing to go by
    (D(2026, 6, 1), None, 1, 2, Fraction(1, 2)),  # fewer than the 90 days before
    (D(2026, 6, 1), None, 2, 2, 0),  # as many
    (D(2026, 3, 27), None, 0, 2, 1),  # lapsed wins over falling
])
def test_contact(last, since, recent, earlier, share):
    measures = Measures(0, (0, 0, 0), last_reached=last, tier_since=since, cadence=90,
                        reached_recent=recent, reached_before=earlier)
    assert Fraction(*contact_share(measures, DAY)) == share


@pytest.mark.parametrize("matured, reinvested, share", [
    (0, 0, 0), (100 * K, 0, 1), (100 * K, 50 * K, Fraction(1, 2)), (100 * K, 100 * K, 0),
])
def test_maturity(matured, reinvested, share):
    assert Fraction(*maturity_share(matured, reinvested)) == share


Z, F = (0, 1), (1, 1)  # no share, the full share


@pytest.mark.parametrize("parts, expected", [
    ((Z, Z, Z, Z), Score(0, 0, 0, 0, 0)),
    ((F, F, F, F), Score(100, 400, 300, 150, 150)),
    (((2, 3), Z, Z, Z), Score(27, 267, 0, 0, 0)),  # 26.67
    (((1, 3), Z, (1, 2), Z), Score(21, 133, 0, 75, 0)),  # 13.33 + 7.5 = 20.83
    ((Z, Z, (1, 2), (1, 2)), Score(15, 0, 0, 75, 75)),
    ((Z, (299, 300), Z, Z), Score(30, 0, 299, 0, 0)),  # 29.9
])
def test_the_score_is_the_rounded_sum_of_the_contributions(parts, expected):
    assert score(parts, WEIGHTS) == expected


def test_a_half_point_rounds_up_and_no_weight_scores_nothing():
    assert score(((1, 2), Z, Z, Z), (1, 0, 0, 0)).score == 50
    assert score(((1, 200), Z, Z, Z), (1, 0, 0, 0)).score == 1  # 0.5
    assert score(((1, 201), Z, Z, Z), (1, 0, 0, 0)).score == 0  # 0.4975
    assert score(((1, 2000), Z, Z, Z), (1, 0, 0, 0)).trend == 1  # 0.05 of a point: a tenth
    assert score((F, F, F, F), (0, 0, 0, 0)) == Score(0, 0, 0, 0, 0)
    assert score((F, F, F, F), (1, 1, 1, 0)).score == 100  # thirds add up to 100


# ---------------------------------------------------------------------------------------------
# The whole bank, set-based


CLIENTS = ["T20", "T19", "TNEW", "X30", "X15", "XNET", "CLAPSED", "CDUE", "CFALL", "MAT", "ALL",
           "SERV", "DIA"]
POSITIONS = [  # client, product, as_of, balance, class, maturity
    *[(c, "DEP", "2025-12-01", M, "deposit", None) for c in CLIENTS if c not in ("TNEW", "ALL")],
    ("T20", "DEP", "2026-06-01", 800 * K, "deposit", None),
    ("T19", "DEP", "2026-06-01", 810 * K, "deposit", None),
    ("TNEW", "DEP", "2026-05-01", M, "deposit", None),
    ("TNEW", "DEP", "2026-06-01", 800 * K, "deposit", None),
    ("MAT", "WM", "2026-01-01", 500 * K, "wealth", "2026-05-01"),
    ("MAT", "DEP", "2026-05-01", 1500 * K, "deposit", None),
    ("ALL", "DEP", "2025-12-01", M, "deposit", None),
    ("ALL", "WM", "2025-12-01", 500 * K, "wealth", "2026-05-01"),
    ("ALL", "DEP", "2026-05-01", 1500 * K, "deposit", None),
    ("ALL", "DEP", "2026-06-01", 500 * K, "deposit", None),
    # SERV and DIA are as T20
    ("SERV", "DEP", "2026-06-01", 800 * K, "deposit", None),
    ("DIA", "DEP", "2026-06-01", 800 * K, "deposit", None),
]
TRANSACTIONS = [  # id, client, date, amount, type
    ("X1", "X30", "2026-06-01", -300 * K, "transfer_out"),
    ("X2", "X15", "2026-06-01", 150 * K, "transfer_out"),  # the sign does not matter
    ("X3", "XNET", "2026-06-01", -300 * K, "transfer_out"),
    ("X4", "XNET", "2026-06-10", 300 * K, "transfer_in"),
    ("X5", "ALL", "2026-06-01", -1000 * K, "transfer_out"),
    ("X6", "X30", "2026-03-27", -900 * K, "transfer_out"),  # before the 90 days
    ("X7", "T19", "2026-06-01", -900 * K, None),  # an untyped withdrawal
]
CONTACTS = {  # client: reached contact days (default: 06-01)
    "CLAPSED": ["2026-03-27"], "CDUE": ["2026-03-28"],
    "CFALL": ["2026-01-10", "2026-02-10", "2026-06-01"], "ALL": ["2025-11-01"],
}


@pytest.fixture
def bank(db_path):
    db = open_db(db_path)
    conn = db.conn
    with transaction(db):
        conn.execute("INSERT INTO rms (rm_id, name, branch, grade) VALUES ('R1', 'Ann', 'BJ01', "
                     "'senior')")
        conn.executemany("INSERT INTO products (product_code, name, asset_class, risk_level) "
                         "VALUES (?, ?, ?, 'R1')", [("DEP", "Current", "deposit"),
                                                    ("WM", "Wealth", "wealth")])
        for client in CLIENTS:
            consent = "service_only" if client == "SERV" else "all"
            tier = "diamond" if client == "DIA" else "platinum"
            conn.execute("INSERT INTO clients (client_id, name, home_branch, contact_consent) "
                         "VALUES (?, ?, 'BJ01', ?)", [client, f"Client {client}", consent])
            aum = 800 * K if client in ("T20", "TNEW", "SERV", "DIA") else M
            conn.execute("INSERT INTO tiers VALUES (?, ?, 'ok', ?, ?, '2025-06-01', ?)",
                         [client, tier, aum, aum, TODAY])
            conn.execute("INSERT INTO assignments (client_id, rm_id, reason, since) "
                         "VALUES (?, 'R1', 'new', '2025-06-01')", [client])
            for i, day in enumerate(CONTACTS.get(client, ["2026-06-01"])):
                conn.execute("INSERT INTO followups (followup_id, client_id, rm_id, date, "
                             "channel) VALUES (?, ?, 'R1', ?, 'phone')",
                             [f"F-{client}-{i}", client, day])
        conn.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", POSITIONS)
        conn.executemany("INSERT INTO transactions (txn_id, client_id, date, branch, amount, "
                         "type) VALUES (?, ?, ?, 'BJ01', ?, ?)", TRANSACTIONS)
        conn.executemany("INSERT INTO freshness VALUES (?, ?)",
                         [("positions", TODAY), ("transactions", TODAY)])
    conn.close()
    return db_path


def recompute(cli, today=TODAY, *extra):
    result = cli("--today", today, "attrition", "--recompute", *extra)
    assert result.exit_code == 0, result.stderr
    return result


def report(cli, today=TODAY, *extra):
    result = cli("--today", today, "report", "attrition", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return {r["client_id"]: r for r in json.loads(result.stdout)}


def test_every_factor_computed_set_based_as_by_hand(cli, bank):
    result = recompute(cli)
    assert result.stderr == ("attrition as of 2026-06-26: 13 client(s) scored, 1 at risk "
                             "(score >= 60), 11 change(s) stored\n")
    scores = {c: (r["score"], r["trend"], r["outflow"], r["contact"], r["maturity"])
              for c, r in report(cli).items()}
    assert scores == {
        "T20": (40, 40.0, 0.0, 0.0, 0.0), "TNEW": (40, 40.0, 0.0, 0.0, 0.0),
        "X30": (30, 0.0, 30.0, 0.0, 0.0), "X15": (15, 0.0, 15.0, 0.0, 0.0),
        "CLAPSED": (15, 0.0, 0.0, 15.0, 0.0), "CFALL": (8, 0.0, 0.0, 7.5, 0.0),
        "CDUE": (8, 0.0, 0.0, 7.5, 0.0),
        "MAT": (15, 0.0, 0.0, 0.0, 15.0), "ALL": (100, 40.0, 30.0, 15.0, 15.0),
        "SERV": (40, 40.0, 0.0, 0.0, 0.0), "DIA": (40, 40.0, 0.0, 0.0, 0.0),
    }


def test_only_changes_are_stored_and_a_rerun_changes_nothing(cli, bank, sql, db_path):
    recompute(cli)
    first = sql("SELECT * FROM attrition_scores ORDER BY client_id")
    assert len(first) == 11  # T19 and XNET score 0: no row
    recompute(cli)
    assert sql("SELECT * FROM attrition_scores ORDER BY client_id") == first
    # The next night nothing new came in, but CDUE's last contact is now 91 days old.
    assert "1 change(s) stored" in recompute(cli, "2026-06-27").stderr
    assert sql("SELECT as_of, score, contact FROM attrition_scores WHERE client_id = 'CDUE' "
               "ORDER BY as_of") == [("2026-06-26", 8, 75), ("2026-06-27", 15, 150)]
    assert sql("SELECT as_of, clients, at_risk, changed FROM attrition_runs") == [
        ("2026-06-26", 13, 1, 11), ("2026-06-27", 13, 1, 1)]


def test_a_client_no_longer_scored_drops_to_zero(cli, bank, sql):
    recompute(cli)
    db = open_db(bank)
    with transaction(db) as conn:
        conn.execute("DELETE FROM tiers WHERE client_id = 'T20'")
    db.conn.close()
    recompute(cli, "2026-06-29")
    assert sql("SELECT as_of, score FROM attrition_scores WHERE client_id = 'T20' "
               "ORDER BY as_of") == [("2026-06-26", 40), ("2026-06-29", 0)]
    assert "T20" not in report(cli, "2026-06-29")
    assert report(cli, "2026-06-28")["T20"]["score"] == 40  # the score in force that day


@pytest.mark.parametrize("today, as_of, message", [
    ("2026-06-26", "2026-06-27", "as-of date 2026-06-27 is after today (2026-06-26)"),
    ("2026-06-30", "2026-06-25", "attrition scores were last computed as of 2026-06-26"),
])
def test_refused_dates_change_nothing(cli, bank, db_path, today, as_of, message):
    recompute(cli)
    before = contents(db_path)
    result = cli("--today", today, "attrition", "--recompute", "--as-of", as_of)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {message}") and result.stderr.count("\n") == 1
    assert contents(db_path) == before


def test_attrition_without_recompute_is_a_usage_error(cli, bank):
    result = cli("attrition")
    assert result.exit_code == 2 and "--recompute" in result.stderr


# ---------------------------------------------------------------------------------------------
# The report


def test_report_ranks_ties_by_aum_then_id_sharing_the_rank(cli, bank):
    recompute(cli)
    rows = json.loads(cli("--today", TODAY, "report", "attrition", "--format", "json").stdout)
    assert [(r["rank"], r["client_id"]) for r in rows] == [
        (1, "ALL"), (2, "DIA"), (2, "SERV"), (2, "T20"), (2, "TNEW"), (6, "X30"),
        (7, "CLAPSED"), (7, "MAT"), (7, "X15"), (10, "CDUE"), (10, "CFALL")]
    assert rows[0] == {"rank": 1, "client_id": "ALL", "name": "Client ALL", "tier": "platinum",
                       "branch": "BJ01", "rm_id": "R1", "score": 100, "trend": 40.0,
                       "outflow": 30.0, "contact": 15.0, "maturity": 15.0, "aum": 1000000.00,
                       "scored_on": "2026-06-26", "at_risk": True}


def test_report_top_and_scope(cli, bank):
    recompute(cli)
    assert list(report(cli, TODAY, "--top", "3")) == ["ALL", "DIA", "SERV"]
    assert list(report(cli, TODAY, "--rm", "R1", "--top", "1")) == ["ALL"]
    result = cli("--today", TODAY, "report", "attrition", "--branch", "XX01")
    assert result.exit_code == 1 and "unknown branch" in result.stderr


def test_report_before_any_run_says_how_to_get_scores(cli, bank):
    result = cli("--today", TODAY, "report", "attrition", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout == ("rank,client_id,name,tier,branch,rm_id,score,trend,outflow,contact,"
                             "maturity,aum,scored_on,at_risk\n")
    assert "run `vipcrm attrition --recompute`" in result.stderr


# ---------------------------------------------------------------------------------------------
# The retention task


def plan(cli, day, rm="R1"):
    result = cli("--today", day, "plan", day, "--rm", rm, "--format", "json",
                 "--include-non-working")
    assert result.exit_code == 0, result.stderr
    return {line["client_id"]: line for line in json.loads(result.stdout)
            if "retention" in line["reasons"]}


def test_a_score_at_the_threshold_gives_a_retention_call_from_the_day_it_was_computed(cli, bank):
    assert plan(cli, TODAY) == {}  # no scores yet
    recompute(cli)
    lines = plan(cli, TODAY)
    assert sorted(lines) == ["ALL"]  # 100; the 40s are below 60; SERV consents to service only
    line = lines["ALL"]
    assert (line["priority"], line["channel"]) == (1, "phone")
    shown = json.loads(cli("--today", TODAY, "client", "show", "ALL", "--format", "json").stdout)
    [task] = [t for t in shown["open_tasks"] if t["reason"] == "retention"]
    assert (task["reference"], task["window_start"], task["due"]) == (
        "2026-06", "2026-06-26", "2026-06-29")
    assert ("attrition risk 100/100 scored 2026-06-26 (AUM trend 40.0, transfers out 30.0, "
            "contact 15.0, maturities not reinvested 15.0)") in line["talking_points"]
    assert plan(cli, "2026-06-25") == {}  # a plan of the day before reads no score


@pytest.mark.parametrize("threshold, expected", [
    ("40", ["ALL", "DIA", "T20", "TNEW"]), ("41", ["ALL"]), ("100", ["ALL"]),
])
def test_the_threshold_is_a_setting(cli, bank, threshold, expected):
    recompute(cli)
    assert cli("config", "set", "attrition.task_score", threshold).exit_code == 0
    assert sorted(plan(cli, TODAY)) == expected


def test_a_key_tier_client_is_visited(cli, bank):
    recompute(cli)
    assert cli("config", "set", "attrition.task_score", "40").exit_code == 0
    lines = plan(cli, TODAY)
    assert lines["DIA"]["channel"] == "visit" and lines["T20"]["channel"] == "phone"


def test_one_call_a_month_while_at_risk(cli, bank):
    recompute(cli)
    logged = cli("--today", "2026-06-29", "followup", "log", "ALL", "--channel", "visit")
    assert logged.exit_code == 0, logged.stderr
    assert "retention [2026-06]" in logged.stderr + logged.stdout
    recompute(cli, "2026-06-30")
    assert plan(cli, "2026-06-30") == {}  # done for June
    july = plan(cli, "2026-07-01")  # still at risk on the 1st: July's call, from the 1st
    # Due 07-04, a Saturday: the Friday before.
    assert list(july) == ["ALL"] and july["ALL"]["due"] == "2026-07-03"


# ---------------------------------------------------------------------------------------------
# The demo bank


def test_the_demo_bank_shows_clients_leaving_with_their_retention_calls_and_a_campaign(cli):
    day = "2026-11-27"
    assert cli("--today", day, "-q", "demo").exit_code == 0
    rows = json.loads(cli("--today", day, "report", "attrition", "--format", "json").stdout)
    leaving = [r for r in rows if r["at_risk"]]
    assert len(leaving) == 3
    assert all(r["trend"] == 40.0 and r["outflow"] == 30.0 for r in leaving)
    plans = json.loads(cli("--today", day, "plan", "today", "--format", "json").stdout)
    called = {line["client_id"] for line in plans if "retention" in line["reasons"]}
    assert called == {r["client_id"] for r in leaving}
    created = cli("--today", day, "campaign", "create", "WM-1Y", "--tiers",
                  "diamond,premier_platinum,platinum", "--format", "json")
    assert created.exit_code == 0, created.stderr
    assert len(json.loads(created.stdout)) > 20
    assert {t["slot"] for t in json.loads(created.stdout)} >= {"2026-11-30"}  # its launch day
