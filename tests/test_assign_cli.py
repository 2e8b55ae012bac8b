"""`vipcrm assign` and its subcommands over a real database file."""

from __future__ import annotations

import re
import datetime as dt
import json
import sqlite3

import pytest

from assign_support import check_db, dump, seed, set_tier

TODAY = dt.date(2026, 11, 30)
DAY = (TODAY - dt.timedelta(days=3)).isoformat()
TABLES = ("assignments", "assignment_history", "ownership", "ownership_history", "audit_log")

RMS = [("S01", "BJ01", "senior"), ("L301", "BJ01", "l3"), ("T01", "BJ01", "trainee"),
       ("L1SH", "SH01", "l1"), ("EXAM", "SH01", "l2", 0)]  # EXAM: recorded l2, no exam
CLIENTS = [("C1", "BJ01"), ("C2", "BJ01"), ("C3", "BJ01"), ("C4", "SH01"),
           ("CORP", "BJ01", "corporate"), ("GONE", "BJ01", "retail", "2026-11-01"),
           ("MASS", "BJ01")]
TIERS = {"C1": ("black_gold", 2_000_000_000), "C2": ("platinum", 150_000_000),
         "C3": ("gold", 30_000_000), "C4": ("premier_platinum", 400_000_000),
         "GONE": ("gold", 30_000_000)}
# C3 lives at BJ01 but transacts at SH01
TXNS = [("C3", DAY, "SH01"), ("C3", DAY, "SH01"), ("C3", DAY, "BJ01")]


@pytest.fixture
def bank(db_path):
    seed(db_path, rms=RMS, clients=CLIENTS, tiers=TIERS, transactions=TXNS, today=TODAY)
    return db_path


@pytest.fixture
def vip(cli):
    def run(*args):
        return cli("--today", TODAY, *args)

    return run


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_run_assigns_and_lists(bank, vip):
    result = vip("assign")
    assert result.exit_code == 0
    assert "assign: kept 0, new 4, moved 0" in result.stderr
    listed = {r["client_id"]: r for r in rows(vip("assign", "list", "--format", "json"))}
    assert set(listed) == {"C1", "C2", "C3", "C4"}  # not corporate, closed or untiered
    assert list(listed["C1"]) == ["client_id", "rm_id", "branch", "tier", "grade_gap", "pinned",
                                  "reason", "since"]
    assert listed["C1"] == {"client_id": "C1", "rm_id": "S01", "branch": "BJ01",
                            "tier": "black_gold", "grade_gap": False, "pinned": False,
                            "reason": "new", "since": "2026-11-30"}
    assert listed["C2"]["rm_id"] == "L301"
    # C3 is owned by SH01 where it transacts; the trainee-by-exam takes gold there
    assert (listed["C3"]["branch"], listed["C3"]["rm_id"]) == ("SH01", "EXAM")
    # premier platinum needs l2: EXAM is a trainee, so the l1 takes it
    assert listed["C4"]["rm_id"] == "L1SH"
    check_db(bank, TODAY)


def test_second_run_changes_nothing(bank, vip):
    vip("assign")
    before = dump(bank, "assignments", "assignment_history", "ownership", "ownership_history")
    result = vip("assign", "--format", "json")
    assert rows(result) == []
    assert "kept 4, new 0, moved 0, unassigned 0" in result.stderr
    assert dump(bank, "assignments", "assignment_history", "ownership",
                "ownership_history") == before


def test_dry_run_prints_the_diff_and_writes_nothing(bank, vip):
    before = dump(bank, *TABLES)
    details = rows(vip("assign", "--dry-run", "--details", "--format", "json"))
    assert dump(bank, *TABLES) == before
    assert [(r["client_id"], r["branch"], r["change"], r["to_rm"], r["reason"]) for r in details] \
        == [("C1", "BJ01", "new", "S01", "new"), ("C2", "BJ01", "new", "L301", "new"),
            ("C3", "SH01", "new", "EXAM", "new"), ("C4", "SH01", "new", "L1SH", "new")]
    summary = rows(vip("assign", "--dry-run", "--format", "json"))
    assert summary == [
        {"branch": "BJ01", "new": 2, "moved": 0, "unassigned": 0, "grade_gaps": 0,
         "released": 0, "ownership_in": 0, "ownership_out": 1},
        {"branch": "SH01", "new": 2, "moved": 0, "unassigned": 0, "grade_gaps": 0,
         "released": 0, "ownership_in": 1, "ownership_out": 0},
    ]
    # the real run does what the dry run said
    assert rows(vip("assign", "--details", "--format", "json")) == details


def test_run_records_moves_and_audit(bank, vip, db_path):
    vip("assign")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE rms SET active = 0 WHERE rm_id = 'L301'")
        set_tier(conn, "C3", None)
    conn.close()
    details = rows(vip("assign", "--details", "--format", "json"))
    assert [(r["client_id"], r["change"], r["from_rm"], r["to_rm"], r["reason"]) for r in details] \
        == [("C2", "moved", "L301", "S01", "rm_inactive"),
            ("C3", "released", "EXAM", None, "untiered")]
    history = dump(db_path, "assignment_history")["assignment_history"]
    ours = sorted((h[1:] for h in history if h[1] in ("C2", "C3")), key=lambda h: (h[0], h[-1]))
    assert ours == [("C2", "2026-11-30", None, "L301", "new"),
                    ("C2", "2026-11-30", "L301", "S01", "rm_inactive"),
                    ("C3", "2026-11-30", None, "EXAM", "new"),
                    ("C3", "2026-11-30", "EXAM", None, "untiered")]
    audit = [json.loads(d) for c, d in sqlite3.connect(db_path).execute(
        "SELECT command, details FROM audit_log WHERE command = 'assign'")]
    assert audit[-1]["moved"] == 1 and audit[-1]["released"] == 1


def test_unassigned_clients_are_listed_with_the_reason(db_path, vip):
    seed(db_path, rms=[("T1", "BJ01", "trainee")], clients=[("A", "BJ01"), ("B", "BJ01"),
                                                             ("Z", "GZ01")],
         tiers={"A": ("gold", 30_000_000), "B": ("gold", 20_000_000), "Z": ("gold", 1)})
    vip("config", "set", "grades.trainee.capacity", "1")
    vip("assign")
    listed = {r["client_id"]: (r["rm_id"], r["reason"])
              for r in rows(vip("assign", "list", "--format", "json"))}
    assert listed == {"A": ("T1", "new"), "B": (None, "no_capacity"), "Z": (None, "no_rm")}
    by_branch = rows(vip("assign", "load", "--by-branch", "--format", "json"))
    assert [(b["branch"], b["rms"], b["capacity"], b["load"], b["unassigned"]) for b in by_branch] \
        == [("BJ01", 1, 1, 1, 1), ("GZ01", 0, 0, 0, 1)]


def test_list_filters_by_rm(bank, vip):
    vip("assign")
    listed = rows(vip("assign", "list", "--rm", "L1SH", "--format", "json"))
    assert [r["client_id"] for r in listed] == ["C4"]
    result = vip("assign", "list", "--format", "csv")
    assert result.stdout.splitlines()[0] == \
        "client_id,rm_id,branch,tier,grade_gap,pinned,reason,since"


def test_load_view(bank, vip):
    vip("assign")
    load = {r["rm_id"]: r for r in rows(vip("assign", "load", "--format", "json"))}
    assert load["EXAM"]["grade"] == "trainee" and load["EXAM"]["capacity"] == 100
    assert (load["S01"]["load"], load["S01"]["black_gold"], load["S01"]["capacity"]) == (1, 1, 50)
    assert load["S01"]["used_pct"] == 2.0
    assert load["T01"]["load"] == 0


# --- assign set --------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("NOPE", "S01"), "unknown client 'NOPE'"),
    (("C1", "NOPE"), "unknown RM 'NOPE'"),
    (("C1", "GONEROM"), "unknown RM"),
    (("GONE", "S01"), "closed on 2026-11-01"),
    (("CORP", "S01"), "corporate client"),
])
def test_set_refuses_with_one_line(bank, vip, args, message):
    before = dump(bank, *TABLES)
    result = vip("assign", "set", *args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert dump(bank, *TABLES) == before


def test_set_refuses_an_inactive_rm(bank, vip, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE rms SET active = 0 WHERE rm_id = 'T01'")
    conn.close()
    result = vip("assign", "set", "C3", "T01")
    assert result.exit_code == 1 and "RM T01 is inactive" in result.stderr


def test_pin_survives_the_run_and_unpinning_lets_it_move(bank, vip, db_path):
    vip("assign")
    # C3 is owned by SH01; pinned to a BJ01 trainee it stays there
    result = vip("assign", "set", "C3", "T01", "--pin")
    assert result.exit_code == 0 and "C3: EXAM -> T01 (pinned)" in result.stderr
    vip("assign")
    listed = {r["client_id"]: r for r in rows(vip("assign", "list", "--format", "json"))}
    assert (listed["C3"]["rm_id"], listed["C3"]["pinned"], listed["C3"]["reason"]) == \
        ("T01", True, "manual")
    check_db(db_path, TODAY)
    # without --pin the next run checks it like any other and moves it home to SH01
    result = vip("assign", "set", "C3", "T01")
    assert "owned by SH01" in result.stderr
    details = rows(vip("assign", "--details", "--format", "json"))
    assert [(r["client_id"], r["from_rm"], r["to_rm"], r["reason"]) for r in details] == [
        ("C3", "T01", "EXAM", "branch_change")]


def test_corporate_client_pinned_by_hand(bank, vip):
    vip("assign", "set", "CORP", "S01", "--pin")
    vip("assign")
    listed = {r["client_id"]: r for r in rows(vip("assign", "list", "--format", "json"))}
    assert (listed["CORP"]["rm_id"], listed["CORP"]["pinned"]) == ("S01", True)


def test_set_same_again_changes_nothing(bank, vip):
    vip("assign", "set", "C1", "S01", "--pin")
    before = dump(bank, *TABLES)
    result = vip("assign", "set", "C1", "S01", "--pin")
    assert result.exit_code == 0 and "nothing changed" in result.stderr
    assert dump(bank, *TABLES) == before


def test_set_is_audited(bank, vip, db_path):
    vip("assign", "set", "C1", "S01", "--pin")
    audit = sqlite3.connect(db_path).execute(
        "SELECT details FROM audit_log WHERE command = 'assign set'").fetchall()
    assert json.loads(audit[0][0]) == {"client_id": "C1", "from_rm": None, "to_rm": "S01",
                                       "pinned": True}


# --- explain -----------------------------------------------------------------------------------

def test_explain_shows_the_evidence(bank, vip):
    vip("assign")
    result = vip("assign", "explain", "C3")
    assert result.exit_code == 0
    text = result.stdout
    assert "home branch: BJ01" in text
    assert "ownership: SH01 (transactions, since 2026-11-30)" in text
    assert "SH01: 2 (last 2026-11-27)" in text and "BJ01: 1 (last 2026-11-27)" in text
    assert "RM: EXAM at SH01, grade trainee" in text
    assert "2026-11-30: - -> EXAM (new)" in text
    assert "2026-11-30: BJ01 -> SH01 (transactions)" in text
    facts = rows(vip("assign", "explain", "C3", "--format", "json"))[0]
    assert facts["transactions"] == [{"branch": "SH01", "count": 2, "last": "2026-11-27"},
                                     {"branch": "BJ01", "count": 1, "last": "2026-11-27"}]
    assert facts["basis_aum"] == 300000.0 and facts["tier"] == "gold"
    assert facts["rm_id"] == "EXAM" and facts["pinned"] is False


def test_explain_grade_gap_and_unknown(db_path, vip):
    seed(db_path, rms=[("L4", "BJ01", "l4")], clients=[("D", "BJ01")],
         tiers={"D": ("diamond", 600_000_000)})
    vip("assign")
    facts = rows(vip("assign", "explain", "D", "--format", "json"))[0]
    assert facts["grade_gap"] is True and "grade_gap" in facts["why"]
    result = vip("assign", "explain", "NOPE")
    assert result.exit_code == 1 and "unknown client" in result.stderr


def test_help_has_examples(cli):
    for args in (["assign"], ["assign", "set"], ["assign", "list"], ["assign", "load"],
                 ["assign", "explain"]):
        result = cli(*args, "--help")
        assert result.exit_code == 0 and re.search(r"^  Examples?:$", result.stdout, re.M)
