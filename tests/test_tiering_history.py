"""Upgrade fast, downgrade slowly: a scripted history, recomputed every night or only some."""

import datetime as dt
import json

import pytest

from tiering_support import client, load_bank, recompute_on
from vipcrm.store.db import open_db

M = 100_000_000  # one million yuan in fen
DAY0 = dt.date(2025, 1, 1)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


# (client, [(first day, balance in fen)]): each balance holds until the next. Both tiered
# clients have a year of history above their floor before they fall on day 1.
SCRIPT = {
    # Below 5M from day 1, back above for day 30 only: the grace period's mean (90 days,
    # 6M before day 1) first drops below 5M on day 47 (542M - 2M × day < 450M).
    "DIA": [(-400, 6 * M), (1, 4 * M), (30, 6 * M), (31, 4 * M)],
    # Below 10M from day 1 on: black gold's 180 days at 12M, then 6M, average below the floor
    # from day 61 (2160M - 6M × day < 1800M).
    "BG": [(-400, 12 * M), (1, 6 * M)],
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
    recompute_on(db_path, (day(n) for n in days))


def state(sql):
    return {cid: (tier, status) for cid, tier, status in
            sql("SELECT client_id, tier, status FROM tiers")}


def history(sql, cid):
    return [(dt.date.fromisoformat(e), f, t, s, r) for e, f, t, s, r in sql(
        "SELECT effective, from_tier, to_tier, status, reason FROM tier_history "
        "WHERE client_id = ? ORDER BY id", [cid])]


def test_one_day_back_above_the_floor_does_not_restart_the_grace_period(bank, sql):
    run(bank, *range(0, 47))
    assert state(sql)["DIA"] == ("diamond", "watch")  # day 46: mean 450M + 2M, not below
    run(bank, 47)
    assert state(sql)["DIA"] == ("premier_platinum", "ok")
    assert history(sql, "DIA") == [
        (day(0), None, "diamond", "ok", "new"),
        (day(1), "diamond", "diamond", "watch", "watch"),
        (day(30), "diamond", "diamond", "ok", "recovered"),
        (day(31), "diamond", "diamond", "watch", "watch"),
        (day(47), "diamond", "premier_platinum", "ok", "downgrade"),
    ]
    assert sql("SELECT since FROM tiers WHERE client_id = 'DIA'") == [(day(47).isoformat(),)]


def test_black_gold_averages_its_180_days_and_upgrades_are_immediate(bank, sql):
    run(bank, *range(0, 61))
    assert state(sql)["BG"] == ("black_gold", "watch")
    assert state(sql)["UP"] == ("diamond", "ok")
    run(bank, 61)
    assert state(sql)["BG"] == ("diamond", "ok")
    assert history(sql, "UP") == [
        (day(0), None, "gold", "ok", "new"),
        (day(5), "gold", "diamond", "ok", "upgrade"),
    ]
    assert history(sql, "BG")[-1] == (day(61), "black_gold", "diamond", "ok", "downgrade")


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


def test_the_grace_period_is_the_mean_of_the_daily_aum_not_every_day_below(cli, tmp_path,
                                                                           db_path, sql):
    # Diamond since day -200 at 6M; from day 1 on, 4M a day. The 30-day basis drops below 5M on
    # day 16; the 90-day mean on day 46 (540M - 2M × day < 450M), long before 90 days below.
    positions = [("AVG", "DEP", day(-200), 6 * M, "deposit"),
                 ("AVG", "DEP", day(1), 4 * M, "deposit")]
    load_bank(cli, tmp_path, [client("AVG")], positions)
    run(db_path, 0, 15)
    assert state(sql)["AVG"] == ("diamond", "ok")
    run(db_path, 16, 45)
    assert state(sql)["AVG"] == ("diamond", "watch")
    run(db_path, 46)
    assert state(sql)["AVG"] == ("premier_platinum", "ok")


def test_grace_days_count_from_the_first_snapshot_like_the_basis(cli, tmp_path, db_path, sql):
    # First snapshot on day -20 (6M), 4M from day 1: on day d the grace period has d + 21 known
    # days, whose mean 126M + 4M × d stays at or above 5M × (d + 21) until day 21. Counting the
    # 69 days before the first snapshot as 0 would downgrade it on the first day below.
    positions = [("NEW", "DEP", day(-20), 6 * M, "deposit"),
                 ("NEW", "DEP", day(1), 4 * M, "deposit")]
    load_bank(cli, tmp_path, [client("NEW")], positions, {"tiering.basis": "point"})
    run(db_path, 0, 1, 21)
    assert state(sql)["NEW"] == ("diamond", "watch")
    run(db_path, 22)
    assert state(sql)["NEW"] == ("premier_platinum", "ok")


def month_ends(first: int, last: int) -> list[int]:
    return [n for n in range(first, last + 1) if day(n + 1).day == 1]


# On the point basis a month-end day's AUM is the basis: the spike upgrades at once on it (day
# 58), so that run stops before.
@pytest.mark.parametrize("basis, last", [("daily_avg", 120), ("point", 57)])
def test_month_end_spikes_do_not_beat_the_grace_period(cli, tmp_path, db_path, sql, basis, last):
    # Platinum (floor 1M, grace 90 days) at 1.5M for a year, then 0.5M from day 1. SPIKE parks
    # 1.2M on its account on each month-end day (Jan 31, Feb 28, Mar 31 …), as for a month-end
    # count; PLAIN does not. Every month-end day is above the floor, so a rule asking for every
    # day of the grace period below it would never downgrade SPIKE.
    spikes = month_ends(1, 200)
    assert spikes[:3] == [30, 58, 89]
    positions = [("PLAIN", "DEP", day(-365), 3 * M // 2, "deposit"),
                 ("PLAIN", "DEP", day(1), M // 2, "deposit"),
                 ("SPIKE", "DEP", day(-365), 3 * M // 2, "deposit"),
                 ("SPIKE", "DEP", day(1), M // 2, "deposit")]
    for n in spikes:
        positions += [("SPIKE", "DEP", day(n), 6 * M // 5, "deposit"),
                      ("SPIKE", "DEP", day(n + 1), M // 2, "deposit")]
    load_bank(cli, tmp_path, [client("PLAIN"), client("SPIKE")], positions,
              {"tiering.basis": basis})
    run(db_path, *range(0, last + 1))

    def downgrades(cid):
        return [(e, f, t) for e, f, t, s, r in history(sql, cid) if r == "downgrade"]

    assert state(sql) == {"PLAIN": ("premier_gold", "ok"), "SPIKE": ("premier_gold", "ok")}
    assert downgrades("SPIKE") == downgrades("PLAIN") == [(day(46), "platinum", "premier_gold")]


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
    result = cli("--today", day(29), "tier", "--recompute", "--as-of", day(29), "--dry-run",
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
