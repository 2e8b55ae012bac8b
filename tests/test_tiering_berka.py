"""Tiers on real data: Berka's account balances as position snapshots, checked client by client
against an independent day-by-day computation in plain SQL."""

import datetime as dt
import sqlite3

import pytest

from conftest import BERKA, requires_berka
from tiering_support import POSITION_HEADER, berka_clients, berka_snapshots, load_bank, write_csv, yuan
from vipcrm.core.config import TIERS

pytestmark = requires_berka()

# Floors scaled to Czech crowns: Berka's balances run to about 200,000 CZK.
FLOORS_CZK = dict(zip(TIERS, (80_000, 60_000, 50_000, 40_000, 30_000, 20_000)))
GRACE = dict(zip(TIERS, (180, 90, 90, 90, 90, 90)))
FIRST, SECOND = dt.date(1993, 12, 31), dt.date(1994, 3, 31)  # 90 days apart


@pytest.fixture(scope="module")
def snapshots():
    _, rows = berka_snapshots(BERKA)
    return rows


@pytest.fixture(scope="module")
def expected(snapshots):
    """{basis: {client: (tier, status, basis_aum)}} after recomputing FIRST then SECOND."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE snap (client TEXT, account TEXT, day TEXT, bal INTEGER)")
    conn.executemany("INSERT INTO snap VALUES (?, ?, ?, ?)",
                     [(c, a, d.isoformat(), b) for c, a, d, b in snapshots])
    conn.execute("CREATE INDEX snap_account_day ON snap(account, day)")
    conn.execute("CREATE TABLE floors (tier TEXT, rank INTEGER, floor INTEGER, grace INTEGER)")
    conn.executemany("INSERT INTO floors VALUES (?, ?, ?, ?)",
                     [(t, 6 - i, FLOORS_CZK[t] * 100, GRACE[t]) for i, t in enumerate(TIERS)])
    # Every client's AUM on every day from the longest grace period before SECOND on: for each
    # account, its latest snapshot on or before the day; negatives count 0. The grace period
    # is over when the mean of those days, from the client's first snapshot, is below the floor.
    conn.execute("CREATE TABLE days (day TEXT PRIMARY KEY)")
    conn.execute("""
        INSERT INTO days WITH RECURSIVE d(day) AS (
            SELECT date(?, '-200 days') UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < ?
        ) SELECT day FROM d
    """, [SECOND.isoformat()] * 2)
    conn.execute("CREATE TABLE accounts AS SELECT DISTINCT client, account FROM snap")
    conn.execute("""
        CREATE TABLE daily AS
        SELECT a.client, days.day,
               SUM(MAX(COALESCE((SELECT x.bal FROM snap x WHERE x.account = a.account
                                 AND x.day <= days.day ORDER BY x.day DESC LIMIT 1), 0), 0)) AS aum
        FROM accounts a CROSS JOIN days GROUP BY a.client, days.day
    """)
    conn.execute("CREATE INDEX daily_client_day ON daily(client, day)")
    conn.execute("CREATE TABLE first AS SELECT client, MIN(day) AS day FROM snap GROUP BY client")
    result = {}
    for basis in ("point", "daily_avg"):
        window = 1 if basis == "point" else 30
        conn.execute("DROP TABLE IF EXISTS basis")
        conn.execute("""
            CREATE TABLE basis AS
            SELECT d.client, r.as_of, SUM(d.aum) AS total, COUNT(*) AS days,
                   SUM(d.aum) / COUNT(*) AS mean
            FROM (SELECT :first AS as_of UNION ALL SELECT :second) r
            JOIN daily d ON d.day BETWEEN date(r.as_of, '-' || (:window - 1) || ' days') AND r.as_of
            JOIN first f ON f.client = d.client AND d.day >= f.day
            GROUP BY d.client, r.as_of
        """, {"first": FIRST.isoformat(), "second": SECOND.isoformat(), "window": window})
        rows = conn.execute("""
            WITH q AS (
                SELECT b.client, b.as_of, b.mean,
                       (SELECT MAX(f.rank) FROM floors f WHERE b.total >= f.floor * b.days) AS rank
                FROM basis b
            ), decided AS (
                SELECT q2.client, q2.mean, q2.rank AS qualifies, q1.rank AS held,
                       CASE WHEN q1.rank IS NULL OR COALESCE(q2.rank, 0) >= q1.rank THEN q2.rank
                            WHEN (SELECT SUM(d.aum) < f.floor * COUNT(*) FROM daily d
                                  JOIN first fs ON fs.client = d.client AND d.day >= fs.day
                                  WHERE d.client = q2.client
                                    AND d.day > date(:second, '-' || f.grace || ' days'))
                                 THEN q2.rank
                            ELSE q1.rank END AS rank
                FROM q q2
                LEFT JOIN q q1 ON q1.client = q2.client AND q1.as_of = :first
                LEFT JOIN floors f ON f.rank = q1.rank
                WHERE q2.as_of = :second
            )
            SELECT d.client, f.tier,
                   CASE WHEN d.rank > COALESCE(d.qualifies, 0) THEN 'watch' ELSE 'ok' END, d.mean
            FROM decided d JOIN floors f ON f.rank = d.rank
        """, {"first": FIRST.isoformat(), "second": SECOND.isoformat()}).fetchall()
        result[basis] = {client: (tier, status, mean) for client, tier, status, mean in rows}
    conn.close()
    return result


@pytest.mark.parametrize("basis, split", [("point", False), ("daily_avg", False), ("daily_avg", True)],
                         ids=["point", "daily_avg-one-pass", "daily_avg-split"])
def test_every_client_matches_the_independent_computation(cli, sql, tmp_path, snapshots,
                                                          expected, basis, split,
                                                          monkeypatch):
    import vipcrm.store.tiering as store

    monkeypatch.setattr(store, "_prefer_split", lambda conn, params: split)
    config = {f"tiers.{tier}.floor": floor for tier, floor in FLOORS_CZK.items()}
    config["tiering.basis"] = basis
    load_bank(cli, tmp_path, berka_clients(BERKA, {c for c, *_ in snapshots}), [], config)
    write_csv(tmp_path / "positions.csv", POSITION_HEADER,
              [(c, f"ACC{a}", d.isoformat(), yuan(b), "deposit") for c, a, d, b in snapshots])
    assert cli("import", "positions", tmp_path / "positions.csv").exit_code == 0
    for as_of in (FIRST, SECOND):
        result = cli("--today", "1994-04-01", "tier", "--recompute", "--as-of", as_of)
        assert result.exit_code == 0, result.stderr

    got = {c: (t, s, b) for c, t, s, b in sql("SELECT client_id, tier, status, basis_aum FROM tiers")}
    want = expected[basis]
    assert len(want) > 300  # a real spread, not an empty comparison
    assert {s for _, s, _ in want.values()} == {"ok", "watch"}
    assert len({t for t, _, _ in want.values()}) == len(TIERS)
    mismatches = {c: (got.get(c), want.get(c)) for c in set(got) | set(want)
                  if got.get(c) != want.get(c)}
    assert mismatches == {}
    # Negative balances exist in Berka and count 0.
    assert min(b for *_, b in snapshots) < 0
