"""The set-based recompute agrees with the pure rules applied day by day in Python.

Random holdings (carry-forward gaps, closed positions, loans, negative balances, clients that
start mid-window) and random nights; the reference computes every client's daily AUM by brute
force and asks `vipcrm.core.tiering` for the basis, the qualifying tier and the decision.
"""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vipcrm.core.config import TIERS
from vipcrm.core.tiering import TierRules, basis_days, decide, qualifying_tier, rank
from vipcrm.store.db import open_db
from vipcrm.store.tiering import recompute
import vipcrm.store.tiering as store

DAY0 = dt.date(2024, 1, 1)
M = 100_000_000
FLOORS = dict(zip(TIERS, (10 * M, 5 * M, 3 * M, M, M // 2, M // 5)))
# Short grace periods and window so that every rule shows up within a few months.
GRACE = dict(zip(TIERS, (20, 10, 10, 10, 10, 10)))
CLASSES = ("deposit", "wealth", "fund")
BALANCES = (-M, 0, M // 5 - 1, M // 5, M // 2, M - 1, M, 3 * M, 5 * M - 1, 5 * M, 10 * M, 12 * M)

position = st.tuples(
    st.sampled_from(("deposit", "wealth", "loan")),
    st.lists(st.tuples(st.integers(0, 45), st.sampled_from(BALANCES)), min_size=1, max_size=5,
             unique_by=lambda snap: snap[0]),
)
bank = st.lists(st.lists(position, min_size=1, max_size=3), min_size=1, max_size=4)
nights = st.lists(st.integers(0, 70), min_size=1, max_size=6, unique=True).map(sorted)


def reference(holdings, night_list, rules):
    """{client: (tier, status, basis_aum)} after each night, by brute force over days."""
    def daily(positions, day):
        total = 0
        for asset_class, snaps in positions:
            held = [b for d, b in sorted(snaps) if DAY0 + dt.timedelta(d) <= day]
            if held and asset_class in rules.asset_classes:
                total += max(held[-1], 0)
        return total

    state, out = {}, []
    for n in night_list:
        d = DAY0 + dt.timedelta(n)
        for cid, positions in holdings.items():
            if not any(DAY0 + dt.timedelta(s) <= d for _, snaps in positions for s, _ in snaps):
                continue
            if rules.basis == "point":
                total, days = daily(positions, d), 1
            else:
                counted = [DAY0 + dt.timedelta(s) for c, snaps in positions
                           if c in rules.asset_classes for s, _ in snaps]
                days = basis_days(d, rules.window_days, min(counted) if counted else None)
                total = sum(daily(positions, d - dt.timedelta(k)) for k in range(days))
            qualifying = qualifying_tier(total, days, rules.floors_fen)
            tier, status = state.get(cid, (None, None))[:2]
            passed = None
            if tier and rank(qualifying) < rank(tier):
                grace = rules.grace_days[tier]
                passed = all(daily(positions, d - dt.timedelta(k)) < rules.floors_fen[tier]
                             for k in range(grace))
            decision = decide(tier, status, qualifying, passed)
            if decision.tier:
                state[cid] = (decision.tier, decision.status, total // days if days else 0)
            else:
                state.pop(cid, None)
        out.append(dict(state))
    return out


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(bank, nights, st.sampled_from(("point", "daily_avg")), st.integers(1, 20), st.booleans())
def test_recompute_matches_the_rules_day_by_day(holdings, night_list, basis, window, split):
    rules = TierRules(FLOORS, GRACE, basis, window, CLASSES)
    clients = {f"C{i}": positions for i, positions in enumerate(holdings)}
    expected = reference(clients, night_list, rules)
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "vipcrm.db")
        conn = db.conn
        conn.executemany("INSERT INTO clients (client_id, name, home_branch) VALUES (?, ?, 'B')",
                         [(cid, cid) for cid in clients])
        conn.executemany("INSERT INTO products (product_code, name, asset_class) VALUES (?, ?, ?)",
                         [(f"P{k}", f"P{k}", "deposit") for k in range(3)])
        conn.executemany(
            "INSERT INTO positions (client_id, product_code, as_of, balance, asset_class) "
            "VALUES (?, ?, ?, ?, ?)",
            [(cid, f"P{k}", (DAY0 + dt.timedelta(d)).isoformat(), balance, asset_class)
             for cid, positions in clients.items()
             for k, (asset_class, snaps) in enumerate(positions) for d, balance in snaps])
        original = store._prefer_split
        store._prefer_split = lambda conn, params: split
        try:
            for n, want in zip(night_list, expected):
                d = DAY0 + dt.timedelta(n)
                recompute(db, d, rules, today=d, user="test")
                got = {cid: (tier, status, basis_aum) for cid, tier, status, basis_aum in
                       conn.execute("SELECT client_id, tier, status, basis_aum FROM tiers")}
                assert got == want, f"night {d}"
        finally:
            store._prefer_split = original
            conn.close()
