"""The big-client business file (seed §3.2) and sales strategy (seed §3.4) through the commands:
key people and share-of-wallet plans imported, shown by `client show`, decision makers'
birthdays in the RM's plan, strategies derived and overridden in `tier corporate`."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import EXAMPLES
from datafiles import contents, query, write_csv
from vipcrm.core.config import CORPORATE_FACTORS

TODAY = "2026-12-07"  # a Monday
CLIENTS = [
    ("client_id", "name", "segment", "home_branch", "contact_consent"),
    ("K1", "Keystone Steel", "corporate", "BJ01", "all"),
    ("K2", "Harbour Logistics", "corporate", "BJ01", "all"),
    ("K3", "Small Works", "corporate", "BJ01", "all"),
    ("R1", "A retail client", "retail", "BJ01", "all"),
]
METRICS = [
    ("client_id", "review_year", *CORPORATE_FACTORS),
    # 2025: K1 at the top, K2 and K3 at the bottom.
    ("K1", "2025", "90000000", "900", "80000000", "0.99", "9000000", "0", "5", "AAA"),
    ("K2", "2025", "1000", "100", "1000", "0.50", "100", "5000", "1", "C"),
    ("K3", "2025", "1000", "100", "1000", "0.50", "100", "5000", "1", "C"),
    # 2026: K1 tops every factor with no quality loss; K2 shares the top volume, pays 95%,
    # sells at the lowest price and lost 1,000 yuan to quality; K3 at the bottom.
    ("K1", "2026", "100000000", "900", "90000000", "0.99", "9000000", "0", "5", "AAA"),
    ("K2", "2026", "100000000", "100", "90000000", "0.95", "9000000", "1000", "5", "AAA"),
    ("K3", "2026", "1000", "100", "1000", "0.50", "100", "5000", "1", "C"),
]
PEOPLE = [
    ("客户号", "联系人", "职务", "是否决策人", "手机号", "出生日期", "备注"),
    ("K1", "王建国", "董事长", "是", "13912345678", "1966-12-09", "喜欢书法"),
    ("K1", "赵强", "财务经理", "否", "13812340000", "1980-12-08", "对接日常结算"),
    ("K1", "李敏", "财务总监", "是", "", "", ""),
    ("K2", "Zhou Min", "CFO", "yes", "", "1972-02-29", ""),
    ("K3", "Sun Li", "owner", "yes", "", "1970-12-08", ""),
]
PLANS = [
    ("客户号", "年度", "业务总量", "我行业务量", "使用产品", "业务计划", "负责人"),
    ("K1", "2026", "120,000,000.00", "30,000,000.00", "代发工资；现金管理、国际结算",
     "争取主结算行", "RM001"),
    ("K1", "2025", "100000000", "20000000", "代发工资", "", ""),
    ("K1", "2027", "150000000", "", "", "share of 40%", "RM002"),
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from typer.testing import CliRunner

    from vipcrm.cli.app import app

    folder = tmp_path_factory.mktemp("corporate")
    path = folder / "bank.db"
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, ["--db", str(path), "--today", TODAY, *map(str, args)],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
        return result

    run("import", "rms", EXAMPLES / "rms.csv")
    for kind, rows in (("clients", CLIENTS), ("corporates", METRICS), ("contacts_corp", PEOPLE),
                       ("corporate_plans", PLANS)):
        run("import", kind, write_csv(folder / f"{kind}.csv", rows))
    run("tier", "corporate", "--year", "2025")
    run("tier", "corporate", "--year", "2026")
    for client in ("K1", "K2", "K3"):
        run("assign", "set", client, "RM001", "--pin")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the copies below take the file alone
    conn.close()
    return path


@pytest.fixture
def bank(template, db_path):
    shutil.copyfile(template, db_path)
    return db_path


@pytest.fixture
def run(cli):
    def invoke(*args, today=TODAY):
        return cli("--today", today, *args)

    return invoke


def ratings(run, *args):
    result = run("tier", "corporate", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    return {r["client_id"]: r for r in json.loads(result.stdout)}


# ---------------------------------------------------------------------------------------------
# The imports

def test_key_people_with_chinese_headers(bank):
    assert query(bank, "SELECT client_id, name, role, decision_maker, phone, birth_date, note "
                       "FROM corporate_contacts ORDER BY client_id, name") == [
        ("K1", "李敏", "财务总监", 1, None, None, None),
        ("K1", "王建国", "董事长", 1, "13912345678", "1966-12-09", "喜欢书法"),
        ("K1", "赵强", "财务经理", 0, "13812340000", "1980-12-08", "对接日常结算"),
        ("K2", "Zhou Min", "CFO", 1, None, "1972-02-29", None),
        ("K3", "Sun Li", "owner", 1, None, "1970-12-08", None)]


@pytest.mark.parametrize("row, message", [
    (("R1", "Retail Friend", "", "", "", "", ""),
     "client_id: 'R1' is not a corporate client (segment=corporate)"),
    (("NOPE", "Nobody", "", "", "", "", ""), "client_id: 'NOPE' unknown client; import clients first"),
    (("K1", "Masked", "", "yes", "139****5678", "", ""),
     "phone: is a masked value (****); import the unmasked export (`export --unmask`)"),
    (("K1", "Leap", "", "yes", "", "1966-02-29", ""), "birth_date: '1966-02-29' is not a real date"),
    (("K1", "Maybe", "", "perhaps", "", "", ""), "decision_maker: 'perhaps' is not a yes/no value"),
    (("K1", "", "CEO", "", "", "", ""), "name: required value missing"),
])
def test_a_bad_key_person_is_rejected_and_the_rest_loads(bank, run, tmp_path, row, message):
    good = ("K2", "Wu Gang", "treasurer", "no", "13700000000", "", "")
    before = contents(bank)
    result = run("import", "contacts_corp",
                 write_csv(tmp_path / "people.csv", [PEOPLE[0], good, row]))
    assert result.exit_code == 3
    assert f"rejected line 3: {message}" in result.stderr
    after = contents(bank)
    assert set(after["corporate_contacts"]) - set(before["corporate_contacts"]) == {
        ("K2", "Wu Gang", "treasurer", 0, "13700000000", None, None)}


def test_a_bad_key_person_with_strict_changes_nothing(bank, run, tmp_path):
    before = contents(bank)
    result = run("import", "contacts_corp", "--strict", write_csv(
        tmp_path / "people.csv", [PEOPLE[0], ("K2", "Wu Gang", "", "", "", "", ""),
                                  ("R1", "Retail Friend", "", "", "", "", "")]))
    assert result.exit_code == 1
    assert contents(bank) == before


@pytest.mark.parametrize("wallet, ours, accepted", [
    ("1000.00", "1000.00", True),  # all of the client's business: exactly the wallet
    ("1000.00", "1000.01", False),
    ("1000.00", "0", True),
    ("", "5.00", True),  # the whole wallet unknown: nothing to compare
])
def test_our_amount_is_at_most_the_wallet(bank, run, tmp_path, wallet, ours, accepted):
    result = run("import", "corporate_plans", write_csv(
        tmp_path / "plans.csv", [PLANS[0], ("K2", "2026", wallet, ours, "", "", "")]))
    assert result.exit_code == (0 if accepted else 3), result.stderr
    if not accepted:
        assert ("our_amount: is more than wallet_total (our share of the client's business is "
                "at most all of it)") in result.stderr


def test_the_check_reads_the_row_as_it_would_be_stored(bank, run, tmp_path):
    # K1 2026 has a wallet of 120 million: a new amount alone is checked against it …
    header = ("client_id", "year", "our_amount")
    refused = run("import", "corporate_plans",
                  write_csv(tmp_path / "a.csv", [header, ("K1", "2026", "120000000.01")]))
    assert refused.exit_code == 3 and "our_amount: is more than wallet_total" in refused.stderr
    # … unless the file clears the wallet (--blank-clears) or raises it.
    assert run("import", "corporate_plans", write_csv(
        tmp_path / "b.csv", [(*header, "wallet_total"), ("K1", "2026", "130000000", "")]),
        ).exit_code == 3
    assert run("import", "corporate_plans", "--blank-clears", write_csv(
        tmp_path / "c.csv", [(*header, "wallet_total"), ("K1", "2026", "130000000", "")]),
        ).exit_code == 0
    assert query(bank, "SELECT wallet_total, our_amount FROM corporate_plans "
                       "WHERE client_id = 'K1' AND year = 2026") == [(None, 13_000_000_000)]


@pytest.mark.parametrize("row, message", [
    (("K2", "2026", "-1.00", "", "", "", ""), "wallet_total: '-1.00' is outside 0-10,000,000,000,000 CNY"),
    # Far past SQLite's integers: rejected by the bound, never an overflow of the insert.
    (("K2", "2026", "", "1" * 33, "", "", ""),
     "our_amount: is more than 10,000,000,000,000 CNY, the most one row may hold"),
    (("K2", "1" * 33, "", "", "", "", ""), "year: has more than 18 digits; no count is that large"),
    (("K2", "2026", "", "", "", "", "RM999"), "owner: 'RM999' unknown rm; import rms first"),
    (("R1", "2026", "", "", "", "", ""), "client_id: 'R1' is not a corporate client"),
    (("K2", "26", "", "", "", "", ""), "year: '26' is outside 1900-9999"),
])
def test_a_bad_plan_is_rejected(bank, run, tmp_path, row, message):
    result = run("import", "corporate_plans", write_csv(tmp_path / "plans.csv", [PLANS[0], row]))
    assert result.exit_code == 3
    assert message in result.stderr


# ---------------------------------------------------------------------------------------------
# Strategies

def test_strategies_derived_from_the_years_rating(bank, run):
    rows = ratings(run, "--year", "2026")
    k1, k2, k3 = rows["K1"], rows["K2"], rows["K3"]
    # K1: score 100, no quality loss, top volume paid 99%, big two years at the top price.
    assert (k1["strategy"], k1["commission"], k1["meets"], k1["overridden"]) == (
        "invest", "A", ["invest", "price_concession", "loose_collection"], False)
    # K2: (2000 + 0 + 2000 + 15 × 45/49 × 100 + 1500 + 5 × 80 + 1000 + 500) / 100 = 87.78;
    # a quality loss keeps it from invest; new on the list, so not stable.
    assert (k2["score"], k2["strategy"], k2["commission"], k2["meets"]) == (
        87.78, "price_concession", "A", ["price_concession"])
    assert (k3["big"], k3["strategy"], k3["commission"], k3["meets"]) == (False, None, None, [])
    first = ratings(run, "--year", "2025")["K1"]
    assert first["meets"] == ["invest", "price_concession"]  # one year on the list: not stable


def test_strategy_thresholds_come_from_the_configuration(bank, run):
    assert run("config", "set", "corporate.strategy.collection_pct", "96").exit_code == 0
    assert run("config", "set", "corporate.strategy.commission_a_score", "90").exit_code == 0
    k2 = ratings(run, "--year", "2026")["K2"]
    assert (k2["strategy"], k2["commission"]) == ("standard", "B")


def test_an_override_is_stored_audited_shown_and_outlives_a_rerating(bank, run):
    result = run("tier", "corporate", "--year", "2026", "--set-strategy", "K2", "invest",
                 "--reason", "  Three-year payroll contract  ")
    assert result.exit_code == 0, result.stderr
    assert ("K2: strategy invest for 2026 set by hand (derived: price_concession); recorded in "
            "the audit log") in result.stderr
    assert query(bank, "SELECT client_id, review_year, strategy, reason, set_on "
                       "FROM corporate_strategy_overrides") == [
        ("K2", 2026, "invest", "Three-year payroll contract", TODAY)]
    (details,) = query(bank, "SELECT details FROM audit_log "
                             "WHERE command = 'tier corporate --set-strategy'")[0]
    assert json.loads(details) == {"client_id": "K2", "year": 2026, "strategy": "invest",
                                   "derived": "price_concession", "replaced": None,
                                   "reason": "Three-year payroll contract"}
    k2 = ratings(run, "--year", "2026")["K2"]  # rated again
    assert (k2["strategy"], k2["derived_strategy"], k2["overridden"], k2["override_reason"]) == (
        "invest", "price_concession", True, "Three-year payroll contract")
    view = json.loads(run("client", "show", "K2", "-f", "json").stdout)["corporate_rating"]
    assert (view["strategy"], view["derived_strategy"], view["override_reason"]) == (
        "invest", "price_concession", "Three-year payroll contract")
    assert ("Strategy: invest, commission A (overridden: Three-year payroll contract; derived "
            "price_concession)") in run("client", "show", "K2").stdout

    back = run("tier", "corporate", "--year", "2026", "--set-strategy", "K2", "derived",
               "--reason", "contract fell through")
    assert back.exit_code == 0
    assert "K2: back to its derived strategy price_concession for 2026" in back.stderr
    assert query(bank, "SELECT COUNT(*) FROM corporate_strategy_overrides") == [(0,)]
    assert json.loads(query(bank, "SELECT details FROM audit_log ORDER BY id DESC LIMIT 1")[0][0]
                      )["replaced"] == "invest"


def test_an_override_of_a_client_that_leaves_the_list_is_kept_not_applied(bank, run):
    assert run("tier", "corporate", "--year", "2026", "--set-strategy", "K2", "standard",
               "--reason", "r").exit_code == 0
    assert run("config", "set", "corporate.big_client_score", "95").exit_code == 0
    result = run("tier", "corporate", "--year", "2026", "-f", "json")
    assert ("Warning: K2: its strategy override for 2026 is kept but not applied: it is not a "
            "big client of 2026") in result.stderr
    k2 = {r["client_id"]: r for r in json.loads(result.stdout)}["K2"]
    assert (k2["big"], k2["strategy"], k2["overridden"]) == (False, None, False)


@pytest.mark.parametrize("args, code, message", [
    (("--set-strategy", "K3", "invest", "--reason", "r"), 1,
     "Error: K3 is not on the big-client list of 2026; only big clients have a strategy"),
    (("--set-strategy", "R1", "invest", "--reason", "r"), 1,
     "Error: R1 is not a corporate client; strategies are for big corporate clients"),
    (("--set-strategy", "NOPE", "invest", "--reason", "r"), 1,
     "Error: unknown client 'NOPE'; check the id"),
    (("--set-strategy", "K1", "derived", "--reason", "r"), 1,
     "Error: K1 has no strategy override in 2026: its strategy is already the derived one"),
    (("--set-strategy", "K1", "invest"), 2, "--reason: say why the strategy is set by hand"),
    (("--set-strategy", "K1", "invest", "--reason", "  "), 2, "--reason: say why"),
    (("--reason", "r"), 2, "--reason: goes with --set-strategy CLIENT CLASS"),
    (("--set-strategy", "K1", "cheaper", "--reason", "r"), 2,
     "'cheaper'; choose one of invest, price_concession, loose_collection, standard, derived"),
])
def test_a_refused_override_changes_nothing(bank, run, args, code, message):
    before = contents(bank)
    result = run("tier", "corporate", "--year", "2026", *args)
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert contents(bank) == before


# ---------------------------------------------------------------------------------------------
# The plan

def plan_lines(run, day=TODAY):
    result = run("plan", day, "--rm", "RM001", "-f", "json", today=day)
    assert result.exit_code == 0, result.stderr
    return {line["client_id"]: line for line in json.loads(result.stdout)}


def test_a_decision_makers_birthday_enters_the_rms_plan(bank, run):
    lines = plan_lines(run)
    assert lines["K1"] == {
        "plan_date": TODAY, "rm_id": "RM001", "client_id": "K1", "name": "Keystone Steel",
        "tier": None, "channel": "visit", "priority": 1,
        "reasons": ["corporate_visit", "contact_birthday"], "due": "2026-12-09",
        "overdue": False, "talking_points": [
            "big corporate", "strategy invest: a good partner: more visits and budget",
            "AUM 0.00", "no risk assessment",
            "business visit: 0 of 8 due by 2026-12-31",
            "leadership visit: 0 of 2 due by 2026-12-31",
            "technical visit: 0 of 4 due by 2026-12-31",
            "birthday of decision maker 王建国 (董事长) on 2026-12-09",
            "never contacted"], "household_id": None, "members": ["K1"]}
    # K3 is pinned but not a big client: no visits, no birthdays.
    assert "K3" not in lines


def test_the_birthday_window_opens_three_days_before(bank, run):
    assert "contact_birthday" not in plan_lines(run, "2026-12-04")["K1"]["reasons"]
    assert "contact_birthday" in plan_lines(run, "2026-12-09")["K1"]["reasons"]


def test_a_feb_29_decision_maker_is_greeted_on_feb_28_in_a_common_year(bank, run):
    line = plan_lines(run, "2027-02-26")["K2"]  # a Friday; Feb 28, 2027 is a Sunday
    assert "contact_birthday" in line["reasons"]
    assert "birthday of decision maker Zhou Min (CFO) on 2027-02-28" in line["talking_points"]


def test_an_invest_override_raises_the_visit_tasks(bank, run):
    assert "business visit: 0 of 4 due by 2026-12-31" in plan_lines(run)["K2"]["talking_points"]
    assert run("tier", "corporate", "--year", "2026", "--set-strategy", "K2", "invest",
               "--reason", "r").exit_code == 0
    assert "business visit: 0 of 8 due by 2026-12-31" in plan_lines(run)["K2"]["talking_points"]
    report = json.loads(run("report", "corporates", "--year", "2026", "-f", "json").stdout)
    k2 = {r["client_id"]: r for r in report}["K2"]
    assert (k2["strategy"], k2["business_min"], k2["leadership_min"], k2["visits_short"]) == (
        "invest", 8, 2, 14)


def test_a_visit_completes_the_birthday_task(bank, run):
    assert run("followup", "log", "K1", "--channel", "visit", "--rm", "RM001", "--level",
               "business", "--note", "Birthday calligraphy gift").exit_code == 0
    assert "contact_birthday" not in plan_lines(run)["K1"]["reasons"]


# ---------------------------------------------------------------------------------------------
# client show: the business file

def test_client_show_has_the_business_file(bank, run):
    data = json.loads(run("client", "show", "K1", "-f", "json").stdout)
    business = data["business_file"]
    assert [(p["name"], p["decision_maker"], p["phone"]) for p in business["key_people"]] == [
        ("李敏", True, None), ("王建国", True, "139****5678"), ("赵强", False, "138****0000")]
    assert business["products_used"] == [
        {"product": "代发工资", "source": "stated"}, {"product": "现金管理", "source": "stated"},
        {"product": "国际结算", "source": "stated"}]
    assert business["current_plan_year"] == 2026  # 2027's plan is for next year
    assert [(p["year"], p["share_pct"], p["owner"], p["owner_name"]) for p in business["plans"]] == [
        (2027, None, "RM002", "Li Na"), (2026, 25.0, "RM001", "Wang Fang"), (2025, 20.0, None, None)]
    assert '"wallet_total": 120000000.00' in run("client", "show", "K1", "-f", "json").stdout
    assert data["corporate_rating"] == {
        "review_year": 2026, "score": 100.0, "rank": 1, "big": True, "strategy": "invest",
        "derived_strategy": "invest", "commission": "A",
        "meets": ["invest", "price_concession", "loose_collection"], "overridden": False,
        "override_reason": None}
    assert json.loads(run("client", "show", "R1", "-f", "json").stdout)["business_file"] is None


def test_client_show_table(bank, run):
    out = run("client", "show", "K1").stdout
    start = out.index("Key people")
    end = out.index("Products used")
    assert "\n".join(line.rstrip() for line in out[start:end].splitlines()) == (
        "Key people\n"
        "┏━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━┓\n"
        "┃ name   ┃ role     ┃ decision maker ┃ phone       ┃ birth date ┃ note         ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━┩\n"
        "│ 李敏   │ 财务总监 │ yes            │             │            │              │\n"
        "│ 王建国 │ 董事长   │ yes            │ 139****5678 │ 1966-12-09 │ 喜欢书法     │\n"
        "│ 赵强   │ 财务经理 │ no             │ 138****0000 │ 1980-12-08 │ 对接日常结算 │\n"
        "└────────┴──────────┴────────────────┴─────────────┴────────────┴──────────────┘")
    assert "Strategy: invest, commission A; also meets price_concession, loose_collection" in out


def test_unmasked_key_people_are_audited(bank, run):
    result = run("client", "show", "K1", "--unmask", "-f", "json")
    phones = [p["phone"] for p in json.loads(result.stdout)["business_file"]["key_people"]]
    assert phones == [None, "13912345678", "13812340000"]
    assert query(bank, "SELECT command, details FROM audit_log ORDER BY id DESC LIMIT 1") == [
        ("client show --unmask", '{"client_id": "K1"}')]


def test_exported_key_people_are_masked_unless_asked(bank, run):
    masked = run("export", "contacts_corp").stdout
    assert "139****5678" in masked and "13912345678" not in masked
    assert "13912345678" in run("export", "contacts_corp", "--unmask").stdout


def test_purge_erases_a_closed_companys_key_people(bank, run):
    conn_rows = query(bank, "SELECT COUNT(*) FROM corporate_contacts WHERE client_id = 'K3'")
    assert conn_rows == [(1,)]
    query(bank, "UPDATE clients SET closed_on = '2026-01-31' WHERE client_id = 'K3'")
    assert run("purge", "--ended-before", "2026-06-30").exit_code == 0
    assert query(bank, "SELECT name FROM corporate_contacts ORDER BY name") == [
        ("Zhou Min",), ("李敏",), ("王建国",), ("赵强",)]


@pytest.mark.parametrize("ours, total, shown", [
    (1, 16, 6.3),  # 6.25 %: halves up
    (2_500_00, 10_000_00, 25.0), (0, 5, 0.0), (5, 5, 100.0),
    (None, 5, None), (5, None, None), (0, 0, None),  # no business at all: no share
])
def test_share_of_wallet(ours, total, shown):
    from vipcrm.store.corporate import share_pct

    assert share_pct(ours, total) == shown
