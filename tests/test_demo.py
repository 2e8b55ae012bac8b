"""`vipcrm demo`: a deterministic bank that gives every rule something to show."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections import Counter

import pytest

from conftest import EXAMPLES
from datafiles import contents
from vipcrm.core.config import GRADES, TIERS, Config
from vipcrm.demo import load_demo, write_extract
from vipcrm.demo.people import id_check_digit
from vipcrm.formats.kinds import IMPORT_ORDER
from vipcrm.store.aum import aum_on
from vipcrm.store.db import open_db

TODAY = dt.date(2026, 11, 27)  # a Friday, a working day
DATA_TABLES = ("rms", "products", "clients", "positions", "navs", "transactions", "followups",
               "timesheets", "corporates", "freshness", "household_members")
CONFIG = Config()


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default demo bank, loaded twice: (connection, first summary, second summary)."""
    db = open_db(tmp_path_factory.mktemp("demo") / "demo.db")
    first = load_demo(db, TODAY)
    second = load_demo(db, TODAY)
    yield db.conn, first, second
    db.conn.close()


def _tables(path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}"), key=repr) for t in DATA_TABLES}
    finally:
        conn.close()


def _tier(aum: int) -> str:
    return next((t for t in TIERS if aum >= CONFIG.floor_fen(t)), "none")


def _retail_aum(conn, day: dt.date) -> dict[str, int]:
    aum = aum_on(conn, day, CONFIG["aum.asset_classes"])
    retail = [r[0] for r in conn.execute(
        "SELECT client_id FROM clients WHERE segment = 'retail' AND closed_on IS NULL")]
    return {c: aum.get(c, 0) for c in retail}


def test_every_kind_loads_without_rejects(demo):
    _, first, _ = demo
    assert [k for k in IMPORT_ORDER if k in first] == list(first)
    assert set(first) == set(IMPORT_ORDER) - {"calendar"}
    for kind, counts in first.items():
        assert counts["rejected"] == 0, kind
        assert counts["inserted"] > 0, kind


def test_rerunning_the_demo_changes_nothing(demo):
    _, first, second = demo
    for kind, counts in second.items():
        assert (counts["inserted"], counts["updated"], counts["rejected"]) == (0, 0, 0), kind
        assert counts["read"] == first[kind]["read"]


def test_same_seed_and_day_give_the_same_bank_another_seed_another(tmp_path):
    paths = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        path = tmp_path / f"{name}.db"
        db = open_db(path)
        load_demo(db, TODAY, clients=120, seed=seed)
        db.conn.close()
        paths.append(path)
    a, b, c = (_tables(p) for p in paths)
    assert a == b
    assert a["clients"] != c["clients"] and a["positions"] != c["positions"]


def test_snapshots_cover_90_days_and_store_only_changes(demo):
    conn, first, _ = demo
    low, high = conn.execute("SELECT MIN(as_of), MAX(as_of) FROM positions").fetchone()
    assert high == TODAY.isoformat()
    assert TODAY - _days(90) <= dt.date.fromisoformat(low) <= TODAY - _days(85)
    assert first["positions"]["unchanged"] > 0  # repeated balances were not stored again
    assert conn.execute("SELECT latest FROM freshness WHERE feed = 'positions'").fetchone() == (
        TODAY.isoformat(),)


def test_snapshots_end_on_the_last_working_day_before_a_weekend(tmp_path):
    sunday = dt.date(2026, 11, 29)
    db = open_db(tmp_path / "sunday.db")
    summary = load_demo(db, sunday, clients=50, seed=1)
    assert all(counts["rejected"] == 0 for counts in summary.values())
    assert db.execute("SELECT MAX(as_of) FROM positions").fetchone() == ("2026-11-27",)
    assert db.execute("SELECT MAX(date) FROM followups").fetchone()[0] < sunday.isoformat()


def test_every_tier_has_clients_and_some_are_below_gold(demo):
    conn, _, _ = demo
    tiers = Counter(_tier(aum) for aum in _retail_aum(conn, TODAY).values())
    for tier in TIERS:
        assert tiers[tier] >= 1, tier
    assert tiers["none"] >= 1
    # A pyramid: more gold than black gold.
    assert tiers["gold"] > tiers["black_gold"]


def test_loans_are_held_but_do_not_count_in_aum(demo):
    conn, _, _ = demo
    assert "loan" not in CONFIG["aum.asset_classes"]
    client, balance = conn.execute(
        "SELECT client_id, balance FROM positions WHERE asset_class = 'loan' LIMIT 1").fetchone()
    assert balance < 0
    with_loan = aum_on(conn, TODAY, CONFIG["aum.asset_classes"] + ("loan",))
    assert aum_on(conn, TODAY, CONFIG["aum.asset_classes"])[client] == with_loan[client]


def test_an_outflow_a_slide_under_the_floor_and_a_rise(demo):
    conn, _, _ = demo
    now, before = _retail_aum(conn, TODAY), _retail_aum(conn, TODAY - _days(30))
    rank = {t: i for i, t in enumerate(TIERS + ("none",))}
    outflows = [c for c in now if before[c] and now[c] <= before[c] * 0.7]
    slides = [c for c in now if before[c] and now[c] > before[c] * 0.7
              and rank[_tier(now[c])] > rank[_tier(before[c])]]
    risers = [c for c in now if rank[_tier(now[c])] < rank[_tier(before[c])]]
    assert outflows and slides and risers


def test_rms_of_every_grade_at_every_branch_and_the_special_ones(demo):
    conn, _, _ = demo
    staffed = set(conn.execute(
        "SELECT branch, grade FROM rms WHERE active AND exam_passed OR grade = 'trainee'"))
    branches = {b for b, _ in staffed}
    assert len(branches) >= 4
    assert staffed >= {(b, g) for b in branches for g in GRADES}
    assert conn.execute(
        "SELECT COUNT(*) FROM rms WHERE grade = 'l2' AND NOT exam_passed AND active"
    ).fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM rms WHERE NOT active").fetchone()[0] == 1


def test_books_roughly_fit_the_rm_capacities(demo):
    conn, _, _ = demo
    tiers = Counter(_tier(aum) for aum in _retail_aum(conn, TODAY).values())
    capacity = Counter()
    for grade, exam_passed in conn.execute("SELECT grade, exam_passed FROM rms WHERE active"):
        capacity[grade if exam_passed else "trainee"] += CONFIG.capacity(
            grade if exam_passed else "trainee")
    for tier, grade in zip(TIERS, GRADES):
        assert tiers[tier] <= capacity[grade], (tier, grade)


def test_products_span_risk_levels_launches_and_maturities(demo):
    conn, _, _ = demo
    risks = {r for (r,) in conn.execute("SELECT DISTINCT risk_level FROM products")}
    assert risks >= {"R1", "R2", "R3", "R4", "R5", None}
    classes = {c for (c,) in conn.execute("SELECT DISTINCT asset_class FROM products")}
    assert classes >= set(CONFIG["aum.asset_classes"]) | {"loan"}
    launched = conn.execute(
        "SELECT COUNT(*) FROM products WHERE status = 'on_sale' AND launch_date BETWEEN ? AND ?",
        [(TODAY - _days(7)).isoformat(), TODAY.isoformat()]).fetchone()[0]
    assert launched >= 1
    maturing_held = conn.execute(
        """SELECT COUNT(DISTINCT p.product_code) FROM products p JOIN positions x USING (product_code)
           WHERE p.maturity_date > ? AND p.maturity_date <= ? AND x.balance > 0""",
        [TODAY.isoformat(), (TODAY + _days(10)).isoformat()]).fetchone()[0]
    assert maturing_held >= 2


def test_a_held_fund_nav_fell_five_percent_from_its_month_high(demo):
    conn, _, _ = demo
    navs: dict[str, list[tuple[dt.date, int]]] = {}
    for code, day, nav in conn.execute("SELECT product_code, date, nav FROM navs ORDER BY 1, 2"):
        navs.setdefault(code, []).append((dt.date.fromisoformat(day), nav))
    dropped = set()
    for code, series in navs.items():
        for day, nav in series:
            if day < TODAY - _days(5):
                continue
            high = max((n for d, n in series if day - _days(30) <= d < day), default=None)
            if high and nav * 100 <= high * 95:
                dropped.add(code)
    assert dropped
    held = {c for (c,) in conn.execute("SELECT DISTINCT product_code FROM positions")}
    assert dropped & held


def test_some_clients_transact_mostly_at_another_branch(demo):
    conn, _, _ = demo
    counts: dict[str, Counter] = {}
    for client, branch, n in conn.execute(
            "SELECT client_id, branch, COUNT(*) FROM transactions WHERE date > ? GROUP BY 1, 2",
            [(TODAY - _days(365)).isoformat()]):
        counts.setdefault(client, Counter())[branch] = n
    home = dict(conn.execute("SELECT client_id, home_branch FROM clients"))
    elsewhere = [c for c, branches in counts.items()
                 if branches.most_common(1)[0][0] != home[c]]
    assert len(elsewhere) >= 0.10 * len(home)
    assert len({b for c in counts.values() for b in c}) >= 4


def test_key_dates_in_the_coming_week_and_a_leap_day_birthday(demo):
    conn, _, _ = demo
    week = {(TODAY + _days(k)).strftime("%m-%d") for k in range(8)}

    def within(column: str) -> int:
        return sum(1 for (d,) in conn.execute(f"SELECT {column} FROM clients WHERE {column} "
                                              "IS NOT NULL") if d[5:] in week)

    assert within("birth_date") >= 5
    assert within("wedding_date") >= 2
    assert conn.execute(
        "SELECT COUNT(*) FROM clients WHERE birth_date LIKE '%-02-29'").fetchone()[0] >= 1
    assert conn.execute("SELECT COUNT(*) FROM clients WHERE wedding_date > ?",
                        [TODAY.isoformat()]).fetchone()[0] == 0


def test_phones_and_id_numbers_look_real(demo):
    conn, _, _ = demo
    rows = conn.execute("SELECT phone, id_number, birth_date, gender FROM clients "
                        "WHERE segment = 'retail'").fetchall()
    phones = [p for p, *_ in rows if p]
    assert len(phones) == len(set(phones))
    assert all(re.fullmatch(r"1[358]\d{9}", p) for p in phones)
    for _, id_number, birth, gender in rows:
        assert len(id_number) == 18
        assert id_number[6:14] == birth.replace("-", "")
        assert id_number[17] == id_check_digit(id_number[:17])
        assert int(id_number[16]) % 2 == (1 if gender == "M" else 0)


def test_expiries_consent_profiles_and_closed_clients(demo):
    conn, _, _ = demo

    def count(where: str, *params) -> int:
        return conn.execute(f"SELECT COUNT(*) FROM clients WHERE segment = 'retail' AND {where}",
                            params).fetchone()[0]

    today = TODAY.isoformat()
    assert count("id_expiry > ? AND id_expiry <= ?", today, (TODAY + _days(90)).isoformat())
    year_ago = (TODAY - _days(365)).isoformat()
    assert count("risk_assessed_on > ? AND risk_assessed_on <= ?", year_ago,
                 (TODAY - _days(335)).isoformat())  # expires within 30 days
    assert count("risk_assessed_on <= ?", year_ago)
    assert count("risk_level IS NULL")
    consents = Counter(c for (c,) in conn.execute("SELECT contact_consent FROM clients"))
    assert consents["all"] > consents["service_only"] > consents["none"] > 0
    assert count("closed_on < ?", today) >= 2
    filled = [sum(v is not None for v in row) for row in conn.execute(
        "SELECT occupation, marital_status, family, hobbies, product_preferences, wealth_source, "
        "preferred_channel, address FROM clients WHERE segment = 'retail'")]
    assert min(filled) == 0 and max(filled) == 8


def test_households_of_couples_and_parents_with_children_at_one_branch(demo):
    conn, _, _ = demo
    rows = conn.execute("SELECT h.household_id, h.role, c.home_branch, c.segment, c.closed_on, "
                        "c.birth_date, c.client_id FROM household_members h "
                        "JOIN clients c ON c.client_id = h.client_id").fetchall()
    households: dict[str, list] = {}
    for row in rows:
        households.setdefault(row[0], []).append(row[1:])
    assert 20 <= len(households) <= 40  # a few dozen among 600 clients
    roles = Counter()
    for members in households.values():
        assert 2 <= len(members) <= 3
        assert [m[0] for m in members].count("head") == 1
        assert len({m[1] for m in members}) == 1  # one branch
        assert all(m[2] == "retail" and m[3] is None for m in members)
        roles.update(m[0] for m in members)
        years = {m[0]: int(m[4][:4]) for m in members}
        if "child" in years:
            assert min(y for r, y in years.items() if r != "child") <= years["child"] - 22
    assert roles["spouse"] > 10 and roles["child"] > 5 and roles["parent"] > 0


def test_household_tiering_changes_the_tiers_of_members_across_a_floor(demo):
    from vipcrm.core.tiering import TierRules
    from vipcrm.store.tiering import recompute

    conn, _, _ = demo
    db = open_db(conn.execute("PRAGMA database_list").fetchone()[2])
    own = TierRules.from_config(CONFIG)
    shared = own._replace(household=True)
    alone = recompute(db, TODAY, own, today=TODAY, user="test", dry_run=True)
    together = recompute(db, TODAY, shared, today=TODAY, user="test", dry_run=True)
    db.conn.close()
    assert together.summary != alone.summary
    # Members below gold on their own are lifted into a tier by their household.
    mass = {r["tier"]: r["clients"] for r in alone.summary}["none"]
    assert {r["tier"]: r["clients"] for r in together.summary}["none"] < mass


def test_most_retail_clients_stated_their_preferences_in_line_with_their_risk(demo):
    conn, _, _ = demo
    stated, total = conn.execute(
        "SELECT COUNT(pref_protection), COUNT(*) FROM clients WHERE segment = 'retail'"
    ).fetchone()
    assert 0.6 < stated / total < 0.9
    assert conn.execute("SELECT COUNT(*) FROM clients WHERE segment = 'corporate' "
                        "AND pref_protection IS NOT NULL").fetchone()[0] == 0
    shares = dict(conn.execute(
        "SELECT risk_level, AVG(pref_protection = 'protected') FROM clients "
        "WHERE pref_protection IS NOT NULL AND risk_level IN ('C1', 'C5') GROUP BY 1"))
    assert shares["C1"] > 0.7 > 0.35 > shares["C5"]
    bands = {b for (b,) in conn.execute("SELECT DISTINCT pref_yield_band FROM clients")}
    assert bands == {None, "<3%", "3-5%", ">5%"}
    terms = {t for (t,) in conn.execute("SELECT DISTINCT pref_term_months FROM clients")}
    assert {3, 12, 36, 60} <= terms


def test_contact_history_covers_channels_outcomes_and_stages(demo):
    conn, _, _ = demo

    def values(column: str) -> set:
        return {v for (v,) in conn.execute(f"SELECT DISTINCT {column} FROM followups")}

    assert values("channel") == {"phone", "sms", "visit", "event", "wechat", "email"}
    assert values("outcome") == {"reached", "no_answer", "declined", "callback"}
    # Routine service and the companies' visits are no step of a sales journey.
    assert values("stage") == {"plan", "assess", "sale", "after_sale", "celebrate", None}
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE visit_level IS NOT NULL "
                        "AND stage IS NOT NULL").fetchone() == (0,)
    low, high = conn.execute("SELECT MIN(date), MAX(date) FROM followups").fetchone()
    assert low >= (TODAY - _days(120)).isoformat() and high < TODAY.isoformat()
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE next_date > ? AND next_date <= ?",
                        [TODAY.isoformat(), (TODAY + _days(7)).isoformat()]).fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE stage = 'sale' "
                        "AND product_code IS NOT NULL AND amount > 0").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE note LIKE '%转介绍%'").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE visit_level IS NOT NULL").fetchone()[0]
    assert conn.execute("SELECT COUNT(*) FROM followups WHERE joint_rm_id IS NOT NULL").fetchone()[0]
    contacted = {c for (c,) in conn.execute("SELECT DISTINCT client_id FROM followups")}
    tiered = [c for c, aum in _retail_aum(conn, TODAY).items() if _tier(aum) != "none"]
    assert any(c not in contacted for c in tiered)


def test_timesheets_put_rms_on_both_sides_of_the_vip_time_target(demo):
    conn, _, _ = demo
    target = CONFIG["kpi.vip_time_target_pct"]
    shares = [vip * 100 / total for vip, total in conn.execute(
        "SELECT SUM(CASE WHEN category = 'vip' THEN minutes ELSE 0 END), SUM(minutes) "
        "FROM timesheets GROUP BY rm_id")]
    assert any(s >= target for s in shares) and any(s < target for s in shares)
    days = conn.execute("SELECT COUNT(DISTINCT date) FROM timesheets").fetchone()[0]
    assert 25 <= days <= 35
    assert {c for (c,) in conn.execute("SELECT DISTINCT category FROM timesheets")} == {
        "vip", "non_vip", "admin", "training"}


def test_corporate_clients_have_two_years_of_metrics_one_missing(demo):
    conn, _, _ = demo
    corporates = conn.execute(
        "SELECT COUNT(*) FROM clients WHERE segment = 'corporate'").fetchone()[0]
    assert corporates >= 20
    years = dict(conn.execute("SELECT review_year, COUNT(*) FROM corporates GROUP BY 1"))
    assert years == {TODAY.year - 1: corporates, TODAY.year: corporates}
    assert conn.execute("SELECT COUNT(*) FROM corporates WHERE profit IS NULL OR revenue IS NULL "
                        "OR credit_rating IS NULL").fetchone()[0] >= 1


def test_some_extracts_are_written_in_gbk_with_chinese_headers(tmp_path):
    rows = [{"client_id": "C1", "name": "王芳", "gender": "F", "home_branch": "BJ01",
             "birth_date": dt.date(1970, 2, 3), "contact_consent": "service_only"}]
    raw = write_extract(tmp_path, "clients", rows).read_bytes()
    header, line = raw.decode("gbk").splitlines()
    assert header.startswith("客户号,姓名,")
    assert "王芳" in line and "女" in line and "19700203" in line and "仅服务" in line
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_cli_prints_one_line_per_kind(cli, sql):
    result = cli("--today", TODAY.isoformat(), "demo", "--clients", "50", "--seed", "2")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    for kind in ("rms", "products", "clients", "households", "positions", "navs",
                 "transactions", "followups", "timesheets", "corporates", "contacts_corp",
                 "corporate_plans"):
        assert any(re.match(rf"{kind}: read=\d+ inserted=\d+ updated=0 unchanged=\d+ "
                            r"rejected=0( |$)", line) for line in lines), kind
    assert result.stdout == ""
    assert sql("SELECT COUNT(*) FROM clients WHERE segment = 'retail'") == [(50,)]


def test_demo_refuses_a_database_that_has_other_data_unless_forced(cli, sql, db_path):
    for kind in ("rms", "products", "clients", "positions"):
        assert cli("import", kind, EXAMPLES / f"{kind}.csv").exit_code == 0
    before = sql("SELECT client_id, name FROM clients ORDER BY 1")
    unchanged = contents(db_path)
    refused = cli("--today", TODAY.isoformat(), "demo", "--clients", "50")
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {db_path} already holds data that is not the demo's "
                              "(4 import(s), the latest positions.csv); give --force to load "
                              "the demo into it anyway, or choose another --db\n")
    assert contents(db_path) == unchanged
    result = cli("--today", TODAY.isoformat(), "demo", "--clients", "50", "--force")
    assert result.exit_code == 0
    rejected = re.findall(r"rejected=(\d+)", result.stderr)
    assert len(rejected) == 12 and set(rejected) == {"0"}  # every kind but the calendar
    kept = sql("SELECT client_id, name FROM clients WHERE client_id IN "
               f"({', '.join('?' * len(before))}) ORDER BY 1", [c for c, _ in before])
    assert kept == before


# What a bank's people write by hand into the demo bank, each recorded in the audit log.
BY_HAND = {
    "followup log": ("followup", "log", "C000001", "--channel", "phone", "--rm", "RM1001"),
    "followup time": ("followup", "time", "RM1001", "--minutes", "30", "--category", "admin"),
    "client update": ("client", "update", "C000001", "--set", "hobbies=golf"),
    "assign set": ("assign", "set", "C000001", "RM1001", "--pin"),
    "purge": ("purge", "--ended-before", TODAY.isoformat()),
    # E00022: a big client of the 50-client demo bank of TODAY
    "tier corporate --set-strategy": ("tier", "corporate", "--set-strategy", "E00022",
                                      "price_concession", "--reason", "volume deal"),
}


@pytest.mark.parametrize("command", BY_HAND)
def test_demo_refuses_a_database_with_data_written_by_hand_unless_forced(cli, db_path, command):
    today = ("--today", TODAY.isoformat())
    assert cli(*today, "demo", "--clients", "50").exit_code == 0
    done = cli(*today, *BY_HAND[command])
    assert done.exit_code == 0, done.stderr
    unchanged = contents(db_path)
    refused = cli(*today, "demo", "--clients", "50")
    assert refused.exit_code == 1
    assert refused.stderr == (f"Error: {db_path} already holds data that is not the demo's "
                              f"(1 change(s) by hand, the latest `vipcrm {command}`); give "
                              "--force to load the demo into it anyway, or choose another --db\n")
    assert contents(db_path) == unchanged
    assert cli(*today, "demo", "--clients", "50", "--force").exit_code == 0


def test_demo_names_both_imports_and_changes_by_hand_in_the_chosen_language(cli, db_path):
    assert cli("import", "rms", EXAMPLES / "rms.csv").exit_code == 0
    assert cli("followup", "time", "RM001", "--minutes", "5", "--category", "admin").exit_code == 0
    assert cli("followup", "time", "RM001", "--minutes", "5", "--category", "vip").exit_code == 0
    refused = cli("--lang", "zh", "demo", "--clients", "50")
    assert refused.exit_code == 1
    assert refused.stderr == (f"错误: {db_path} 已有非演示数据（1 次导入，最近一次为 rms.csv；"
                              "2 次手工录入，最近一次为 `vipcrm followup time`）；如仍要载入演示银行"
                              "请加 --force，或另选 --db\n")


def test_settings_and_the_demos_own_runs_are_no_reason_to_refuse(cli, db_path):
    """A setting is no data, and tiers and books are computed from the demo's own data."""
    today = ("--today", TODAY.isoformat())
    assert cli(*today, "config", "set", "plan.daily_capacity", "9").exit_code == 0
    assert cli(*today, "demo", "--clients", "50").exit_code == 0
    for run in (("tier", "--recompute"), ("assign",), ("tier", "corporate")):
        assert cli(*today, *run).exit_code == 0
    assert cli(*today, "demo", "--clients", "50").exit_code == 0


def test_the_demo_reruns_on_its_own_database(cli, db_path):
    first = cli("--today", TODAY.isoformat(), "demo", "--clients", "50")
    assert first.exit_code == 0, first.stderr
    before = contents(db_path)
    again = cli("--today", TODAY.isoformat(), "demo", "--clients", "50")
    assert again.exit_code == 0, again.stderr
    after = contents(db_path)
    # Only the logs of the run grow; the bank itself is the same.
    runs = ("tier_runs", "attrition_runs")  # when each ran
    assert {t: rows for t, rows in after.items() if not t.endswith("_log") and t not in runs} \
        == {t: rows for t, rows in before.items() if not t.endswith("_log") and t not in runs}


def test_books_are_assigned_on_every_replayed_night_so_kpis_have_a_history(cli, sql):
    """The demo replays the nights of 60 and 30 days ago with their assignment runs: the books
    have a history, so this month's growth is credited to the RMs who held the clients."""
    assert cli("--today", TODAY.isoformat(), "demo").exit_code == 0
    first_night = (TODAY - _days(60)).isoformat()
    assert sql("SELECT MIN(changed_on) FROM assignment_history") == [(first_night,)]
    assert sql("SELECT COUNT(*) FROM assignments WHERE since = ?", [first_night])[0][0] > 100
    result = cli("--today", TODAY.isoformat(), "report", "kpi", "--format", "json")
    rows = json.loads(result.stdout)
    assert sum(r["aum_growth"] is not None for r in rows) > len(rows) // 2


def test_holdings_handed_out_as_they_are_made_are_the_same_rows():
    from vipcrm.demo.bank import build_bank

    streamed: list[dict] = []
    bank = build_bank(TODAY, 60, 5, CONFIG, positions=streamed.append)
    whole = build_bank(TODAY, 60, 5, CONFIG)
    # The memory of a big demo bank: its holdings are never all held at once.
    assert "positions" not in bank.rows
    assert streamed == whole.rows["positions"] and len(streamed) > 2000
    assert {k: list(v) for k, v in bank.rows.items()} == {
        k: list(v) for k, v in whole.rows.items() if k != "positions"}
    # Each holding's snapshots in date order, which is all the import needs.
    last: dict[tuple, dt.date] = {}
    for row in streamed:
        key = (row["client_id"], row["product_code"])
        assert last.get(key, dt.date.min) < row["as_of"]
        last[key] = row["as_of"]


def test_transactions_are_made_as_they_are_read_with_ids_in_date_order():
    from vipcrm.demo.bank import build_bank

    rows = build_bank(TODAY, 50, 7, CONFIG).rows["transactions"]
    listed = list(rows)
    assert len(rows) == len(listed) > 100
    assert rows[0] == listed[0] and rows[-1] == listed[-1] and rows[2:4] == listed[2:4]
    assert [r["txn_id"] for r in listed] == [f"T{i + 1:08d}" for i in range(len(listed))]
    assert [r["date"] for r in listed] == sorted(r["date"] for r in listed)


def test_companies_have_business_files_and_a_decision_makers_birthday_is_in_a_plan(cli, sql):
    assert cli("--today", TODAY.isoformat(), "demo", "--clients", "50").exit_code == 0
    companies = sql("SELECT COUNT(*) FROM clients WHERE segment = 'corporate'")[0][0]
    assert sql("SELECT COUNT(DISTINCT client_id) FROM corporate_contacts "
               "WHERE role = '董事长' AND decision_maker = 1") == [(companies,)]
    assert sql("SELECT COUNT(*) FROM corporate_contacts WHERE birth_date = '1972-02-29'") == [(1,)]
    assert sql("SELECT year, COUNT(*) FROM corporate_plans GROUP BY 1") == [
        (TODAY.year - 1, companies), (TODAY.year, companies)]
    assert sql("SELECT COUNT(*) FROM corporate_plans WHERE our_amount > wallet_total") == [(0,)]
    # This year's big clients are pinned to RMs and each has a strategy; one may be set by hand.
    big = sql("SELECT cr.client_id, cr.strategy, a.rm_id, a.pinned FROM corporate_ratings cr "
              "LEFT JOIN assignments a USING (client_id) WHERE cr.review_year = ? AND cr.big = 1",
              [TODAY.year])
    assert big and all(strategy and rm and pinned for _, strategy, rm, pinned in big)
    overrides = sql("SELECT o.strategy, cr.strategy FROM corporate_strategy_overrides o "
                    "JOIN corporate_ratings cr USING (client_id, review_year)")
    assert overrides in ([], [("invest", "standard")])
    lines = json.loads(cli("--today", TODAY.isoformat(), "plan", "today", "-f", "json").stdout)
    greetings = [line for line in lines if "contact_birthday" in line["reasons"]]
    assert greetings and all(line["rm_id"] for line in greetings)
    point = next(p for p in greetings[0]["talking_points"] if p.startswith("birthday of"))
    assert re.fullmatch(r"birthday of decision maker \S+ \(董事长\) on \d{4}-\d{2}-\d{2}", point)
