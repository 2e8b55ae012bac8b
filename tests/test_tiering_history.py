"""Upgrade fast, downgrade slowly: a scripted history, recomputed every night or only some."""

import datetime as dt
import json

import pytest

from tiering_support import client, load_bank
from vipcrm.core.tiering import TierRules
from vipcrm.store.db import open_db
from vipcrm.store.settings import load_config
from vipcrm.store.tiering import recompute

M = 100_000_000  # one million yuan in fen
DAY0 = dt.date(2025, 1, 1)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


# (client, [(first day, balance in fen)]): each balance holds until the next.
SCRIPT = {
    # Below 5M for 89 days, back for a day, then below for 90 days.
    "DIA": [(0, 6 * M), (1, 4 * M), (90, 6 * M), (91, 4 * M)],
    # Below 10M from day 1 on: black gold waits 180 days.
    "BG": [(0, 12 * M), (1, 6 * M)],
    # Gold, then diamond on day 5.
    "UP": [(0, M // 4), (5, 5 * M)],
}


def script_positions(script=SCRIPT):
    return [(cid, "DEP", day(start), balance, "deposit")
            for cid, steps in script.items() for start, balance in steps]


@pytest.fixture
def bank(cli, tmp_path, db_path):
    load_bank(cli, tmp_path, [client(c) for c in SCRIPT], script_positions(),
              {"tiering.basis": "point"})
    return db_path


def run(db_path, *days):
    db = open_db(db_path)
    rules = TierRules.from_config(load_config(db))
    for n in days:
        recompute(db, day(n), rules, today=day(n), user="test")
    db.conn.close()


def state(sql):
    return {cid: (tier, status) for cid, tier, status in
            sql("SELECT client_id, tier, status FROM tiers")}


def history(sql, cid):
    return [(dt.date.fromisoformat(e), f, t, s, r) for e, f, t, s, r in sql(
        "SELECT effective, from_tier, to_tier, status, reason FROM tier_history "
        "WHERE client_id = ? ORDER BY id", [cid])]


def test_diamond_watches_for_89_days_recovers_and_falls_on_day_90(bank, sql):
    run(bank, *range(0, 90))
    assert state(sql)["DIA"] == ("diamond", "watch")  # day 89: 89 days below
    run(bank, 90)
    assert state(sql)["DIA"] == ("diamond", "ok")
    run(bank, *range(91, 180))
    assert state(sql)["DIA"] == ("diamond", "watch")  # day 179: 89 days below
    run(bank, 180)
    assert state(sql)["DIA"] == ("premier_platinum", "ok")
    assert history(sql, "DIA") == [
        (day(0), None, "diamond", "ok", "new"),
        (day(1), "diamond", "diamond", "watch", "watch"),
        (day(90), "diamond", "diamond", "ok", "recovered"),
        (day(91), "diamond", "diamond", "watch", "watch"),
        (day(180), "diamond", "premier_platinum", "ok", "downgrade"),
    ]
    assert sql("SELECT since FROM tiers WHERE client_id = 'DIA'") == [(day(180).isoformat(),)]


def test_black_gold_needs_180_days_and_upgrades_are_immediate(bank, sql):
    run(bank, *range(0, 180))
    assert state(sql)["BG"] == ("black_gold", "watch")
    assert state(sql)["UP"] == ("diamond", "ok")
    run(bank, 180)
    assert state(sql)["BG"] == ("diamond", "ok")
    assert history(sql, "UP") == [
        (day(0), None, "gold", "ok", "new"),
        (day(5), "gold", "diamond", "ok", "upgrade"),
    ]
    assert history(sql, "BG")[-1] == (day(180), "black_gold", "diamond", "ok", "downgrade")


def test_scattered_nights_end_in_the_same_tiers_as_every_night(cli, tmp_path, sql, db_path):
    every = tmp_path / "every"
    every.mkdir()
    scattered = tmp_path / "scattered"
    scattered.mkdir()
    outcomes = []
    for folder, nights in ((every, range(0, 201)), (scattered, (0, 3, 40, 120, 181, 200))):
        env = {"VIPCRM_DB": str(folder / "vipcrm.db")}
        load_bank(lambda *a: cli(*a, env=env), folder, [client(c) for c in SCRIPT],
                  script_positions(), {"tiering.basis": "point"})
        run(folder / "vipcrm.db", *nights)
        db = open_db(folder / "vipcrm.db")
        outcomes.append(db.execute("SELECT client_id, tier, status, basis_aum, aum "
                                   "FROM tiers ORDER BY client_id").fetchall())
        db.conn.close()
    assert outcomes[0] == outcomes[1]
    assert [row[1] for row in outcomes[0]] == ["diamond", "premier_platinum", "diamond"]


def test_grace_counts_days_of_daily_aum_not_days_of_a_low_average(cli, tmp_path, db_path, sql):
    # Diamond since well before the window; from day 1 on, 4M a day. The 30-day average only
    # drops below 5M on day 16, but the daily AUM has been below since day 1.
    positions = [("AVG", "DEP", day(-60), 6 * M, "deposit"), ("AVG", "DEP", day(1), 4 * M, "deposit")]
    load_bank(cli, tmp_path, [client("AVG")], positions)
    run(db_path, 0, 15)
    assert state(sql)["AVG"] == ("diamond", "ok")
    run(db_path, 16, 89)
    assert state(sql)["AVG"] == ("diamond", "watch")
    run(db_path, 90)
    assert state(sql)["AVG"] == ("premier_platinum", "ok")


def snapshot(sql):
    return (sql("SELECT * FROM tiers ORDER BY client_id"),
            sql("SELECT * FROM tier_history ORDER BY id"))


def test_recomputing_the_same_date_twice_changes_nothing(bank, cli, sql):
    run(bank, 0, 100)
    before = snapshot(sql)
    run(bank, 100)
    assert snapshot(sql) == before
    result = cli("--today", day(100), "tier", "--recompute", "--as-of", day(100))
    assert result.exit_code == 0
    assert "0 change(s)" in result.stderr
    assert snapshot(sql) == before


def test_an_earlier_date_is_refused_unless_rebuild_replays_history(bank, cli, sql, tmp_path):
    run(bank, 0, 100, 200)
    before = snapshot(sql)
    result = cli("--today", day(200), "tier", "--recompute", "--as-of", day(50))
    assert result.exit_code == 1
    assert "--rebuild" in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(sql) == before

    result = cli("--today", day(200), "tier", "--recompute", "--as-of", day(50), "--rebuild")
    assert result.exit_code == 0, result.stderr
    assert f"replayed {day(50)}" in result.stderr and f"replayed {day(100)}" in result.stderr
    assert sql("SELECT as_of FROM tier_runs ORDER BY as_of") == [
        (day(n).isoformat(),) for n in (0, 50, 100, 200)]

    # The same as running those four nights on a fresh database.
    other = tmp_path / "other"
    other.mkdir()
    env = {"VIPCRM_DB": str(other / "vipcrm.db")}
    load_bank(lambda *a: cli(*a, env=env), other, [client(c) for c in SCRIPT], script_positions(),
              {"tiering.basis": "point"})
    run(other / "vipcrm.db", 0, 50, 100, 200)
    fresh = open_db(other / "vipcrm.db")

    def without_ids(rows):
        return [row[1:] for row in rows]

    assert sql("SELECT * FROM tiers ORDER BY client_id") == \
        [tuple(r) for r in fresh.execute("SELECT * FROM tiers ORDER BY client_id").fetchall()]
    assert without_ids(sql("SELECT * FROM tier_history ORDER BY client_id, id")) == without_ids(
        fresh.execute("SELECT * FROM tier_history ORDER BY client_id, id").fetchall())


def test_dry_run_prints_the_diff_by_tier_and_writes_nothing(bank, cli, sql):
    run(bank, 0)
    before = snapshot(sql)
    runs = sql("SELECT * FROM tier_runs")
    audit = sql("SELECT COUNT(*) FROM audit_log")
    result = cli("--today", day(180), "tier", "--recompute", "--as-of", day(180), "--dry-run",
                 "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "dry run" in result.stderr
    rows = {row["tier"]: row for row in json.loads(result.stdout)}
    assert rows["diamond"]["downgraded"] == 1 and rows["diamond"]["upgraded"] == 1
    assert rows["diamond"]["clients"] == 2
    assert rows["premier_platinum"]["downgraded"] == 1
    assert rows["black_gold"]["clients"] == 0
    assert snapshot(sql) == before
    assert sql("SELECT * FROM tier_runs") == runs
    assert sql("SELECT COUNT(*) FROM audit_log") == audit


def test_new_watch_shows_in_the_dry_run(bank, cli):
    run(bank, 0)
    result = cli("--today", day(30), "tier", "--recompute", "--as-of", day(30), "--dry-run",
                 "-f", "csv")
    lines = result.stdout.splitlines()
    assert lines[0] == ("tier,clients,watch,basis_aum,aum,new,upgraded,downgraded,new_watch,"
                        "recovered,untiered")
    assert lines[1] == "black_gold,1,1,6000000.00,6000000.00,0,0,0,1,0,0"
    assert lines[2] == "diamond,2,1,9000000.00,9000000.00,0,1,0,1,0,0"


def test_as_of_after_today_is_refused(bank, cli, sql):
    result = cli("--today", "2025-01-01", "tier", "--recompute", "--as-of", "2025-01-02")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: as-of date 2025-01-02 is after today")
    assert len(result.stderr.splitlines()) == 1
    assert sql("SELECT COUNT(*) FROM tier_runs") == [(0,)]


def test_each_run_is_recorded_and_audited(bank, cli, sql):
    result = cli("--today", day(10), "tier", "--recompute")
    assert result.exit_code == 0
    assert sql("SELECT as_of, basis, clients, changes FROM tier_runs") == [
        (day(10).isoformat(), "point", 3, 3)]
    (details,), = sql("SELECT details FROM audit_log WHERE command LIKE 'tier%'")
    assert json.loads(details)["changes"] == 3


def test_a_dry_run_rebuild_writes_nothing(bank, cli, sql):
    run(bank, 0, 100, 200)
    before = snapshot(sql), sql("SELECT as_of, clients, changes FROM tier_runs")
    result = cli("--today", day(200), "tier", "--recompute", "--as-of", day(50), "--rebuild",
                 "--dry-run", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {row["tier"]: row for row in json.loads(result.stdout)}
    assert rows["premier_platinum"]["clients"] == 1 and rows["diamond"]["clients"] == 2
    assert (snapshot(sql), sql("SELECT as_of, clients, changes FROM tier_runs")) == before


@pytest.mark.parametrize("older, recent, split", [(0, 5, False), (5, 5, False), (6, 5, True),
                                                  (365, 30, True)])
def test_the_split_plan_is_chosen_when_most_rows_predate_the_window(older, recent, split):
    import sqlite3

    from vipcrm.store.tiering import _prefer_split

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE positions (as_of TEXT)")
    conn.executemany("INSERT INTO positions VALUES (?)",
                     [("2025-01-01",)] * older + [("2025-03-15",)] * recent + [("2025-04-01",)] * 9)
    assert _prefer_split(conn, {"w0": "2025-03-02", "d": "2025-03-31"}) is split
