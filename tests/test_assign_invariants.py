"""The invariants of DOMAIN §3 over whole banks: the demo bank and the Berka data (real
transactions of a Czech bank, with RMs generated per district), and stability on a real database.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3

import pytest

from assign_support import Berka, check_db, dump, seed, set_tier, tier_for
from conftest import BERKA, requires_berka
from vipcrm.core.config import GRADES, TIERS, Config
from vipcrm.core.ownership import window

BERKA_TODAY = dt.date(1994, 3, 31)  # the last day of the partial transactions file
# Berka balances are CZK; scaled so that its clients spread over the tiers from gold upwards.
BALANCE_SCALE = 30


def _tier_from_aum(db_path, today):
    from vipcrm.store.aum import aum_on

    conn = sqlite3.connect(db_path)
    with conn:
        segments = dict(conn.execute("SELECT client_id, segment FROM clients"))
        for client_id, fen in aum_on(conn, today, Config()["aum.asset_classes"]).items():
            if segments.get(client_id) == "retail":
                set_tier(conn, client_id, tier_for(fen), fen, today.isoformat())
    conn.close()


def test_demo_bank_invariants(cli, db_path):
    try:
        from vipcrm.demo import load_demo
    except ImportError:
        pytest.skip("vipcrm.demo.load_demo does not exist yet")
    from vipcrm.store.db import open_db

    today = dt.date(2026, 11, 30)
    db = open_db(db_path)
    load_demo(db, today)
    db.conn.close()
    if not sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM tiers").fetchone()[0]:
        _tier_from_aum(db_path, today)
    assert cli("--today", today, "assign").exit_code == 0
    counts = check_db(db_path, today)
    assert counts["assigned"] > 0
    again = cli("--today", today, "assign", "--details", "--format", "json")
    assert json.loads(again.stdout) == []


# --- Berka -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def berka():
    return Berka(BERKA)


def _berka_rms(rnd: random.Random, districts: list[str]) -> list[tuple]:
    """A few RMs per district, some districts without any; trainees by exam; some who left."""
    rms = []
    for district in districts:
        for n in range(rnd.choice([0, 1, 2, 3, 4])):
            grade = rnd.choice(GRADES)
            rms.append((f"{district}-{n}", district, grade, int(rnd.random() > 0.15),
                        int(rnd.random() > 0.1)))
    return rms


@pytest.fixture
def berka_db(db_path, berka, cli):
    districts = sorted(set(berka.home.values()))
    clients = [(c, berka.home[c]) for c in sorted(berka.home, key=int)]
    tiers = {c: (tier, fen * BALANCE_SCALE) for c, fen in berka.balance.items()
             if (tier := tier_for(fen * BALANCE_SCALE))}
    seed(db_path, rms=_berka_rms(random.Random(1999), districts), clients=clients, tiers=tiers,
         transactions=[(owner, day, branch) for _, owner, day, branch, _ in berka.transactions],
         today=BERKA_TODAY)
    # small books, so that capacity, grade gaps and unassigned clients all occur
    for grade, capacity in zip(GRADES, (2, 3, 4, 5, 6, 4)):
        cli("config", "set", f"grades.{grade}.capacity", capacity)
    return db_path


@requires_berka()
def test_berka_ownership_follows_transactions(berka, berka_db, cli):
    assert cli("--today", BERKA_TODAY, "assign").exit_code == 0
    start, end = window(BERKA_TODAY, 365)
    owned = dict(sqlite3.connect(berka_db).execute("SELECT client_id, branch FROM ownership"))
    assert len(owned) == len(berka.home)
    assert owned == berka.expected_owners(start, end)
    # the clients the rule is for: living in one district, banking in another
    away = {owner for _, owner, day, where, _ in berka.transactions
            if start <= day <= end and where != berka.home[owner]}
    assert len(away) > 100
    assert all(owned[c] != berka.home[c] for c in away)


@requires_berka()
def test_berka_assignment_invariants_and_stability(berka_db, cli):
    assert cli("--today", BERKA_TODAY, "assign").exit_code == 0
    counts = check_db(berka_db, BERKA_TODAY)
    assert counts["assigned"] > 100 and counts["unassigned"] > 0 and counts["grade_gaps"] > 0
    tables = ("assignments", "assignment_history", "ownership", "ownership_history")
    before = dump(berka_db, *tables)
    again = cli("--today", BERKA_TODAY, "assign", "--details", "--format", "json")
    assert json.loads(again.stdout) == []
    assert dump(berka_db, *tables) == before


def _assigned(db_path) -> dict[str, tuple]:
    return {c: (rm, gap) for c, rm, gap in sqlite3.connect(db_path).execute(
        "SELECT client_id, rm_id, grade_gap FROM assignments")}


@requires_berka()
def test_berka_an_upgrade_moves_only_that_client(berka_db, cli):
    cli("--today", BERKA_TODAY, "assign")
    conn = sqlite3.connect(berka_db)
    grades = {rm: g if exam else "trainee" for rm, g, exam in
              conn.execute("SELECT rm_id, grade, exam_passed FROM rms")}
    rows = conn.execute("SELECT a.client_id, a.rm_id, t.tier FROM assignments a "
                        "JOIN tiers t USING (client_id) WHERE a.rm_id IS NOT NULL "
                        "AND a.grade_gap = 0 ORDER BY a.client_id").fetchall()
    # a client of a trainee, too low once it is diamond; and a client whose RM is above its
    # need, upgraded to exactly the RM's grade
    low = next(c for c, rm, tier in rows if grades[rm] == "trainee" and tier == "gold")
    high, top = next((c, TIERS[GRADES.index(grades[rm])]) for c, rm, tier in rows
                     if GRADES.index(grades[rm]) < TIERS.index(tier))
    before = _assigned(berka_db)
    with conn:
        set_tier(conn, low, "diamond", 600_000_000, BERKA_TODAY.isoformat())
        set_tier(conn, high, top, 2_000_000_000, BERKA_TODAY.isoformat())
    conn.close()
    details = json.loads(cli("--today", BERKA_TODAY, "assign", "--details", "--format",
                             "json").stdout)
    assert [d["client_id"] for d in details] == [low]
    assert details[0]["reason"] == "tier_change"
    after = _assigned(berka_db)
    assert {c for c in after if after[c] != before[c]} == {low}
    check_db(berka_db, BERKA_TODAY)


@requires_berka()
def test_berka_deactivating_an_rm_moves_only_its_clients(berka_db, cli):
    cli("--today", BERKA_TODAY, "assign")
    conn = sqlite3.connect(berka_db)
    busiest = conn.execute("SELECT rm_id FROM assignments WHERE rm_id IS NOT NULL "
                           "GROUP BY rm_id ORDER BY COUNT(*) DESC, rm_id LIMIT 1").fetchone()[0]
    before = _assigned(berka_db)
    with conn:
        conn.execute("UPDATE rms SET active = 0 WHERE rm_id = ?", [busiest])
    conn.close()
    cli("--today", BERKA_TODAY, "assign")
    after = _assigned(berka_db)
    changed = {c for c in before if after.get(c, (None, False))[0] != before[c][0]}
    assert changed == {c for c, (rm, _) in before.items() if rm == busiest}
    check_db(berka_db, BERKA_TODAY)
