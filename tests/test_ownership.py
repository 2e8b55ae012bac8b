"""The ownership branch (DOMAIN §3): the pure choice, the window's edges, and what is stored."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vipcrm.core.ownership import BranchCount, Ownership, changes, choose_branch, owners, window

D = dt.date
TODAY = D(2026, 11, 30)


@pytest.mark.parametrize("counts, expected", [
    # the most transactions wins, wherever the client lives
    ([("SH01", 3, D(2026, 1, 1)), ("BJ01", 2, D(2026, 11, 1))], Ownership("SH01", "transactions")),
    # a tie on the count: the branch of the most recent transaction
    ([("SH01", 2, D(2026, 5, 1)), ("BJ01", 2, D(2026, 5, 2))], Ownership("BJ01", "tie_latest")),
    ([("AA01", 2, D(2026, 5, 3)), ("ZZ01", 2, D(2026, 5, 2))], Ownership("AA01", "tie_latest")),
    # a tie on the count and on the last date: the smaller branch code
    ([("SH01", 2, D(2026, 5, 1)), ("BJ01", 2, D(2026, 5, 1))], Ownership("BJ01", "tie_code")),
    # only the tied branches' dates matter: a more recent branch with fewer does not break it
    ([("SH01", 2, D(2026, 5, 1)), ("BJ01", 2, D(2026, 5, 1)), ("GZ01", 1, D(2026, 11, 1))],
     Ownership("BJ01", "tie_code")),
    ([("SH01", 1, D(2026, 5, 1))], Ownership("SH01", "transactions")),
    # nothing in the window: the home branch
    ([], Ownership("HOME", "home_branch")),
])
def test_choose_branch(counts, expected):
    assert choose_branch([BranchCount(*c) for c in counts], "HOME") == expected


def test_window_is_365_days_ending_today():
    start, end = window(TODAY, 365)
    assert end == TODAY
    assert (end - start).days + 1 == 365


count_lists = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.integers(1, 4),
              st.dates(D(2026, 1, 1), D(2026, 1, 5))),
    min_size=1, max_size=4, unique_by=lambda c: c[0])


@given(st.dictionaries(st.sampled_from([f"C{i}" for i in range(6)]), count_lists))
def test_owners_streams_the_same_choice(per_client):
    rows = [(client, branch, count) for client in sorted(per_client)
            for branch, count, _ in sorted(per_client[client])]
    asked = []

    def counts_of(client):
        asked.append(client)
        return [BranchCount(*c) for c in per_client[client]]

    expected = {client: choose_branch([BranchCount(*c) for c in counts], "")
                for client, counts in per_client.items()}
    assert dict(owners(rows, counts_of)) == expected
    # the last dates are looked up for ties only
    assert all(expected[client].basis in ("tie_latest", "tie_code") for client in asked)


def test_changes_only_what_differs():
    stored = [("C1", "BJ01", "BJ01", "home_branch"),      # unchanged
              ("C2", "BJ01", "BJ01", "transactions"),     # moves to SH01
              ("C3", "BJ01", None, None),                 # first time, home
              ("C4", "BJ01", None, None),                 # first time, away from home
              ("C5", "BJ01", "BJ01", "transactions"),     # same branch, no transactions now
              ("C6", "GZ01", "GZ01", "transactions")]     # unchanged
    chosen = [("C0", Ownership("XX01", "transactions")),  # a client unknown here is ignored
              ("C2", Ownership("SH01", "transactions")),
              ("C4", Ownership("SH01", "tie_latest")),
              ("C6", Ownership("GZ01", "transactions"))]
    found = list(changes(stored, chosen))
    assert [(c.client_id, c.from_branch, c.to_branch, c.basis, c.first, c.moved)
            for c in found] == [
        ("C2", "BJ01", "SH01", "transactions", False, True),
        ("C3", "BJ01", "BJ01", "home_branch", True, False),
        ("C4", "BJ01", "SH01", "tie_latest", True, True),
        ("C5", "BJ01", "BJ01", "home_branch", False, False),
    ]


# --- the store, through `vipcrm assign` ---------------------------------------------------------

def _bank(sql_exec, transactions):
    sql_exec("INSERT INTO clients (client_id, name, home_branch) VALUES "
             "('C1', 'A', 'BJ01'), ('C2', 'B', 'BJ01')")
    for i, (client, day, branch) in enumerate(transactions):
        sql_exec("INSERT INTO transactions (txn_id, client_id, date, branch) VALUES (?, ?, ?, ?)",
                 (f"T{i}", client, day.isoformat(), branch))


@pytest.fixture
def execute(db_path):
    import sqlite3

    from vipcrm.store.db import open_db

    open_db(db_path).conn.close()

    def run(statement, params=()):
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute(statement, params)
        conn.close()

    return run


def _owned(sql):
    return {c: (b, basis, since) for c, b, basis, since in
            sql("SELECT client_id, branch, basis, since FROM ownership")}


@pytest.mark.parametrize("days_back, counted", [(0, True), (364, True), (365, False), (-1, False)])
def test_window_edges(cli, sql, execute, days_back, counted):
    # one transaction at SH01 days_back before today; C1 lives at BJ01
    _bank(execute, [("C1", TODAY - dt.timedelta(days=days_back), "SH01")])
    assert cli("--today", TODAY, "assign").exit_code == 0
    expected = ("SH01", "transactions") if counted else ("BJ01", "home_branch")
    assert _owned(sql)["C1"][:2] == expected


def test_window_follows_config(cli, sql, execute):
    _bank(execute, [("C1", TODAY - dt.timedelta(days=40), "SH01")])
    cli("config", "set", "ownership.window_days", "30")
    cli("--today", TODAY, "assign")
    assert _owned(sql)["C1"][:2] == ("BJ01", "home_branch")


def test_ownership_moves_are_kept_with_date_and_reason(cli, sql, execute):
    day = TODAY - dt.timedelta(days=10)
    _bank(execute, [("C1", day, "SH01"), ("C1", day, "SH01"), ("C1", day, "BJ01")])
    cli("--today", TODAY, "assign")
    assert _owned(sql) == {"C1": ("SH01", "transactions", TODAY.isoformat()),
                           "C2": ("BJ01", "home_branch", TODAY.isoformat())}
    # the first computation records a client owned away from its home branch
    assert sql("SELECT client_id, changed_on, from_branch, to_branch, reason "
               "FROM ownership_history") == [("C1", TODAY.isoformat(), "BJ01", "SH01",
                                              "transactions")]
    # later: C1 transacts at GZ01 more; ties and moves are dated on the run's day
    later = TODAY + dt.timedelta(days=5)
    for i in range(3):
        execute("INSERT INTO transactions (txn_id, client_id, date, branch) VALUES (?, 'C1', ?, "
                "'GZ01')", (f"G{i}", later.isoformat()))
    cli("--today", later, "assign")
    assert _owned(sql)["C1"] == ("GZ01", "transactions", later.isoformat())
    assert _owned(sql)["C2"] == ("BJ01", "home_branch", TODAY.isoformat())
    assert sql("SELECT changed_on, from_branch, to_branch FROM ownership_history "
               "ORDER BY id")[-1] == (later.isoformat(), "SH01", "GZ01")
    # a rerun with no new data changes nothing
    before = sql("SELECT * FROM ownership_history"), _owned(sql)
    cli("--today", later, "assign")
    assert (sql("SELECT * FROM ownership_history"), _owned(sql)) == before


def test_basis_change_without_move_keeps_since(cli, sql, execute):
    day = TODAY - dt.timedelta(days=10)
    _bank(execute, [("C1", day, "BJ01")])
    cli("--today", TODAY, "assign")
    assert _owned(sql)["C1"] == ("BJ01", "transactions", TODAY.isoformat())
    # a year later the transaction left the window: home branch, same branch, same since
    later = TODAY + dt.timedelta(days=400)
    cli("--today", later, "assign")
    assert _owned(sql)["C1"] == ("BJ01", "home_branch", TODAY.isoformat())
    assert sql("SELECT COUNT(*) FROM ownership_history") == [(0,)]


def test_dry_run_writes_no_ownership(cli, sql, execute):
    _bank(execute, [("C1", TODAY, "SH01")])
    result = cli("--today", TODAY, "assign", "--dry-run")
    assert result.exit_code == 0
    assert "ownership: 1 client(s) moved" in result.stderr
    assert sql("SELECT COUNT(*) FROM ownership") == [(0,)]
    assert sql("SELECT COUNT(*) FROM ownership_history") == [(0,)]


def test_store_matches_the_rule_on_random_data(db_path):
    """Set-based counting plus the pure choice equals the rule applied client by client."""
    import sqlite3

    from assign_support import seed
    from vipcrm.store.ownership import compute

    rnd = random.Random(5)
    branches = ["BJ01", "BJ02", "SH01"]
    homes = {f"C{i:03d}": rnd.choice(branches) for i in range(60)}
    # few branches and days, so that ties on the count and on the date are common
    txns = [(rnd.choice(sorted(homes)[:50]),
             TODAY - dt.timedelta(days=rnd.choice([-1, 0, 1, 2, 364, 365, 400])),
             rnd.choice(branches)) for _ in range(400)]
    seed(db_path, clients=list(homes.items()), transactions=txns)
    run = compute(sqlite3.connect(db_path), TODAY, 365)
    got = {c.client_id: (c.to_branch, c.basis) for c in run.changes}
    start = TODAY - dt.timedelta(days=364)
    bases = set()
    for client in homes:
        per: dict[str, list] = {}
        for c, day, branch in txns:
            if c == client and start <= day <= TODAY:
                per.setdefault(branch, []).append(day)
        counts = [BranchCount(b, len(days), max(days)) for b, days in per.items()]
        assert got[client] == tuple(choose_branch(counts, homes[client])), client
        bases.add(got[client][1])
    assert bases == {"transactions", "tie_latest", "tie_code", "home_branch"}
