"""The set-based recompute agrees with the pure rules applied day by day in Python.

Random holdings (carry-forward gaps, closed positions, loans, negative balances, clients that
start mid-window, maturities on the row or on the product, renewals after a maturity) and
random nights; the reference computes every client's daily AUM by brute force with
`vipcrm.core.aum` and asks `vipcrm.core.tiering` for the basis, the qualifying tier, the grace
period and the decision.
"""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vipcrm.core.aum import position_value
from vipcrm.core.config import TIERS
from vipcrm.core.tiering import (TierRules, basis_days, decide, grace_passed, qualifying_tier,
                                 rank)
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

maturity = st.one_of(st.none(), st.integers(0, 60))
position = st.tuples(
    st.sampled_from(("deposit", "wealth", "loan")),
    st.lists(st.tuples(st.integers(0, 45), st.sampled_from(BALANCES), maturity), min_size=1,
             max_size=5, unique_by=lambda snap: snap[0]),
)
bank = st.lists(st.lists(position, min_size=1, max_size=3), min_size=1, max_size=4)
nights = st.lists(st.integers(0, 70), min_size=1, max_size=6, unique=True).map(sorted)
# Position k holds product Pk; a product's own maturity applies to rows without one.
product_maturities = st.lists(maturity, min_size=3, max_size=3)


def on(offset):
    return None if offset is None else DAY0 + dt.timedelta(offset)


def reference(holdings, night_list, rules, products):
    """{client: (tier, status, basis_aum)} after each night, by brute force over days."""
    def daily(positions, day):
        total = 0
        for k, (asset_class, snaps) in enumerate(positions):
            held = [(d, b, m) for d, b, m in sorted(snaps) if on(d) <= day]
            if held:
                d, b, m = held[-1]
                total += position_value(b, asset_class, on(d), on(m if m is not None
                                                                     else products[k]),
                                        day, rules.asset_classes)
        return total

    state, out = {}, []
    for n in night_list:
        d = DAY0 + dt.timedelta(n)
        for cid, positions in holdings.items():
            if not any(on(s) <= d for _, snaps in positions for s, _, _ in snaps):
                continue
            counted = [on(s) for c, snaps in positions
                       if c in rules.asset_classes for s, _, _ in snaps]
            first = min(counted) if counted else None
            if rules.basis == "point":
                total, days = daily(positions, d), 1
            else:
                days = basis_days(d, rules.window_days, first)
                total = sum(daily(positions, d - dt.timedelta(k)) for k in range(days))
            qualifying = qualifying_tier(total, days, rules.floors_fen)
            tier, status = state.get(cid, (None, None))[:2]
            passed = None
            if tier and rank(qualifying) < rank(tier):
                grace_days = basis_days(d, rules.grace_days[tier], first)
                grace_sum = sum(daily(positions, d - dt.timedelta(k)) for k in range(grace_days))
                passed = grace_passed(grace_sum, grace_days, rules.floors_fen[tier])
            decision = decide(tier, status, qualifying, passed)
            if decision.tier:
                state[cid] = (decision.tier, decision.status, total // days if days else 0)
            else:
                state.pop(cid, None)
        out.append(dict(state))
    return out


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(bank, nights, st.sampled_from(("point", "daily_avg")), st.integers(1, 20), st.booleans(),
       product_maturities)
def test_recompute_matches_the_rules_day_by_day(holdings, night_list, basis, window, split,
                                                products):
    rules = TierRules(FLOORS, GRACE, basis, window, CLASSES)
    clients = {f"C{i}": positions for i, positions in enumerate(holdings)}
    expected = reference(clients, night_list, rules, products)
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "vipcrm.db")
        conn = db.conn
        conn.executemany("INSERT INTO clients (client_id, name, home_branch) VALUES (?, ?, 'B')",
                         [(cid, cid) for cid in clients])
        conn.executemany(
            "INSERT INTO products (product_code, name, asset_class, maturity_date) "
            "VALUES (?, ?, ?, ?)",
            [(f"P{k}", f"P{k}", "deposit", None if m is None else on(m).isoformat())
             for k, m in enumerate(products)])
        conn.executemany(
            "INSERT INTO positions (client_id, product_code, as_of, balance, asset_class, "
            "maturity_date) VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, f"P{k}", on(d).isoformat(), balance, asset_class,
              None if m is None else on(m).isoformat())
             for cid, positions in clients.items()
             for k, (asset_class, snaps) in enumerate(positions) for d, balance, m in snaps])
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
