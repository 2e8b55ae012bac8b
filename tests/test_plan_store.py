"""The store reads only what a plan needs: the plan must equal one made from the full history."""

import dataclasses
import datetime as dt
import random
import sqlite3

import pytest

from vipcrm.core.config import Config, TIERS
from vipcrm.core.planning import plan_line, rm_days
from vipcrm.core.tasks import Contact, Holding, PositionPoint
from vipcrm.store import planning as store

DAYS = [dt.date(2026, 1, 5), dt.date(2026, 3, 2), dt.date(2026, 6, 30), dt.date(2026, 11, 30)]


@pytest.fixture
def history(cli, blank_db, db_path):
    """Two years of random positions, NAVs and contacts for 40 clients."""
    rng = random.Random(11)
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO rms (rm_id, name, branch, grade) VALUES ('RM1', 'A', 'B1', 'senior')")
    start = dt.date(2024, 12, 1)
    for p in range(6):
        cls = ("wealth", "fund", "deposit")[p % 3]
        conn.execute("INSERT INTO products VALUES (?, ?, ?, ?, ?, NULL, 'on_sale', 0)",
                     [f"P{p}", f"Product {p}", cls, f"R{p % 5 + 1}",
                      (start + dt.timedelta(days=rng.randrange(0, 720))).isoformat()])
        nav = 1_000_000
        for k in range(0, 730, 1):
            nav = max(1, int(nav * rng.uniform(0.97, 1.03)))
            conn.execute("INSERT INTO navs VALUES (?, ?, ?)",
                         [f"P{p}", (start + dt.timedelta(days=k)).isoformat(), nav])
    for i in range(40):
        cid = f"C{i:02d}"
        conn.execute("INSERT INTO clients (client_id, name, segment, home_branch, birth_date, "
                     "risk_level, risk_assessed_on, id_expiry, product_preferences) "
                     "VALUES (?, ?, ?, 'B1', ?, ?, ?, ?, ?)",
                     [cid, f"N{i}", "corporate" if i % 13 == 12 else "retail",
                      f"19{50 + i}-0{i % 9 + 1}-{i % 27 + 1:02d}", f"C{i % 5 + 1}",
                      (start + dt.timedelta(days=rng.randrange(0, 700))).isoformat(),
                      (start + dt.timedelta(days=rng.randrange(100, 900))).isoformat(),
                      "fund" if i % 2 else None])
        conn.execute("INSERT INTO tiers VALUES (?, ?, ?, 0, 0, '2025-01-01', '2026-11-30')",
                     [cid, TIERS[i % 6], "watch" if i % 7 == 0 else "ok"])
        conn.execute("INSERT INTO assignments (client_id, rm_id, reason, since) "
                     "VALUES (?, 'RM1', 'new', '2025-01-01')", [cid])
        if i % 13 == 12:
            conn.execute("INSERT INTO corporate_ratings (client_id, review_year, score, rank, big, "
                         "factors) VALUES (?, 2025, 80, 1, 1, '{}')", [cid])
        for p in rng.sample(range(6), 3):
            balance = rng.randrange(100_000_00, 5_000_000_00)
            day = start
            while day < dt.date(2026, 12, 31):
                maturity = (day + dt.timedelta(days=rng.randrange(5, 90))).isoformat() \
                    if p % 3 == 0 else None
                conn.execute("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)",
                             [cid, f"P{p}", day.isoformat(), balance,
                              ("wealth", "fund", "deposit")[p % 3], maturity])
                balance = int(balance * rng.choice((0.5, 0.9, 1.0, 1.1, 0)))
                day += dt.timedelta(days=rng.randrange(3, 60))
        for k in range(rng.randrange(0, 30)):
            day = start + dt.timedelta(days=rng.randrange(0, 740))
            nxt = (day + dt.timedelta(days=rng.randrange(1, 90))).isoformat() if rng.random() < 0.3 else None
            conn.execute("INSERT INTO followups (followup_id, client_id, rm_id, date, channel, "
                         "outcome, stage, next_date, visit_level, note) "
                         "VALUES (?, ?, 'RM1', ?, 'visit', ?, ?, ?, ?, ?)",
                         [f"F{i}-{k}", cid, day.isoformat(),
                          rng.choice(("reached", "no_answer", "declined")),
                          rng.choice(("sale", "plan", None)), nxt,
                          rng.choice((None, "leadership", "business")), f"note {k}"])
    conn.commit()
    yield conn
    conn.close()


def full_history(conn, client):
    """The same client with every position point and every contact, read independently."""
    holdings = {}
    for code, as_of, balance, cls, maturity in conn.execute(
            "SELECT product_code, as_of, balance, asset_class, maturity_date FROM positions "
            "WHERE client_id = ? ORDER BY product_code, as_of", [client.client_id]):
        holdings.setdefault(code, []).append(PositionPoint(
            dt.date.fromisoformat(as_of), balance, cls,
            dt.date.fromisoformat(maturity) if maturity else None))
    contacts = tuple(
        Contact(dt.date.fromisoformat(d), outcome, stage,
                dt.date.fromisoformat(n) if n else None, channel, note, level, fid)
        for fid, d, outcome, stage, n, channel, note, level in conn.execute(
            "SELECT followup_id, date, outcome, stage, next_date, channel, note, visit_level "
            "FROM followups WHERE client_id = ? ORDER BY date, followup_id", [client.client_id]))
    return dataclasses.replace(
        client, holdings=tuple(Holding(code, tuple(points)) for code, points in holdings.items()),
        contacts=contacts)


def all_navs(conn):
    series = {}
    for code, day, nav in conn.execute("SELECT product_code, date, nav FROM navs ORDER BY 1, 2"):
        series.setdefault(code, []).append((dt.date.fromisoformat(day), nav))
    return series


@pytest.mark.parametrize("day", DAYS)
def test_a_plan_from_the_pruned_reads_equals_one_from_the_full_history(history, day):
    config = Config()
    cal = store.load_calendar(history)
    ids = store.rm_client_ids(history, "RM1")
    pruned = store.load_clients(history, ids, day, day, config)
    [ctx] = store.contexts(history, [day], config, cal, None)
    from vipcrm.core.tasks import day_context
    full_ctx = day_context(day, config, cal, products=ctx.products, navs=all_navs(history))
    lines = 0
    for client in pruned:
        got = plan_line(client, ctx)
        want = plan_line(full_history(history, client), full_ctx)
        assert got == want, client.client_id
        lines += got is not None
    assert lines > 5


def test_a_week_from_the_pruned_reads_equals_one_from_the_full_history(history):
    config = Config()
    cal = store.load_calendar(history)
    days = [dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(5)]
    pruned = store.load_clients(history, store.rm_client_ids(history, "RM1"), days[0], days[-1],
                                config)
    shared = store.contexts(history, days, config, cal, None)
    from vipcrm.core.tasks import day_context
    navs = all_navs(history)
    full_shared = [day_context(d, config, cal, products=shared[0].products, navs=navs)
                   for d in days]
    got = rm_days(pruned, shared, "RM1", 4)
    want = rm_days([full_history(history, c) for c in pruned], full_shared, "RM1", 4)
    assert got == want
