"""Stated product preferences (seed §2.7): captured by import and `client update`, counted per
tier and branch by `report preferences`."""

import csv
import io
import json

import pytest

from datafiles import contents, write_csv
from tiering_support import client, load_bank
from vipcrm.core.preferences import term_band

TODAY = "2026-11-30"
K = 100_000  # a thousand yuan in fen


@pytest.mark.parametrize("months, band", [(None, "unstated"), (1, "short"), (12, "short"),
                                          (13, "medium"), (36, "medium"), (37, "long"),
                                          (600, "long")])
def test_term_bands(months, band):
    assert term_band(months) == band


@pytest.fixture
def bank(cli, tmp_path, db_path):
    """Platinum P1, P2 at BJ01 and P3 at SH01; gold G1 at BJ01; M1 below gold; X closed."""
    load_bank(cli, tmp_path,
              [client("P1"), client("P2"), client("P3", branch="SH01"), client("G1"),
               client("M1"), client("X", closed_on="2026-11-01")],
              [(c, "DEP", "2026-11-30", fen, "deposit") for c, fen in (
                  ("P1", 1200 * K), ("P2", 2500 * K), ("P3", 1500 * K), ("G1", 300 * K),
                  ("M1", 50 * K), ("X", 900 * K))],
              {"tiering.basis": "point"})
    assert cli("--today", TODAY, "tier", "--recompute").exit_code == 0
    for client_id, sets in (("P1", ("pref_protection=保本", "pref_term_months=12",
                                    "pref_yield_band=3%以下")),
                            ("P2", ("pref_protection=floating", "pref_term_months=13",
                                    "pref_yield_band=5%以上")),
                            ("P3", ("pref_protection=浮动", "pref_term_months=37")),
                            ("M1", ("pref_yield_band=3-5",)),
                            ("X", ("pref_protection=protected",))):
        args = [a for s in sets for a in ("--set", s)]
        result = cli("--today", TODAY, "client", "update", client_id, *args)
        assert result.exit_code == 0, result.stderr
    return db_path


def report(cli, *args):
    result = cli("--today", TODAY, "report", "preferences", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_update_stores_the_codes(bank, sql):
    assert sql("SELECT client_id, pref_protection, pref_term_months, pref_yield_band "
               "FROM clients WHERE client_id IN ('P1', 'P2', 'P3', 'M1') ORDER BY 1") == [
        ("M1", None, None, "3-5%"), ("P1", "protected", 12, "<3%"),
        ("P2", "floating", 13, ">5%"), ("P3", "floating", 37, None)]


@pytest.mark.parametrize("value, message", [
    ("pref_term_months=0", "pref_term_months: '0' is outside 1-600"),
    ("pref_term_months=601", "pref_term_months: '601' is outside 1-600"),
    ("pref_term_months=a year", "pref_term_months: 'a year' is not a whole number"),
    ("pref_protection=maybe", "pref_protection: 'maybe' is not one of protected, floating"),
    ("pref_yield_band=7%", "pref_yield_band: '7%' is not one of <3%, 3-5%, >5%"),
])
def test_bad_preferences_are_refused_and_change_nothing(cli, bank, value, message):
    before = contents(bank)
    result = cli("--today", TODAY, "client", "update", "P1", "--set", value)
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {message}"
    assert contents(bank) == before


def test_the_ends_of_the_term_range_are_accepted_and_an_empty_value_clears(cli, bank, sql):
    for value, stored in (("1", 1), ("600", 600), ("", None)):
        assert cli("--today", TODAY, "client", "update", "P1", "--set",
                   f"pref_term_months={value}").exit_code == 0
        assert sql("SELECT pref_term_months FROM clients WHERE client_id = 'P1'") == [(stored,)]


def test_the_clients_import_reads_preferences_with_chinese_headers(cli, blank_db, tmp_path, sql):
    path = write_csv(tmp_path / "clients.csv", [
        ["客户号", "姓名", "开户网点", "收益类型偏好", "期限偏好(月)", "收益率偏好"],
        ["C1", "张三", "BJ01", "保本", "6", "3%至5%"],
        ["C2", "李四", "BJ01", "非保本", "601", "<3%"],
        ["C3", "王五", "BJ01", "保守", "", ""]], encoding="gbk")
    result = cli("import", "clients", path)
    assert result.exit_code == 3
    assert sql("SELECT client_id, pref_protection, pref_term_months, pref_yield_band "
               "FROM clients") == [("C1", "protected", 6, "3-5%")]
    rejects = (tmp_path / "clients.rejects.csv").read_text(encoding="utf-8-sig")
    assert "pref_term_months: '601' is outside 1-600" in rejects
    assert "pref_protection: '保守' is not one of protected, floating" in rejects


def test_report_counts_clients_and_aum_per_tier_branch_and_preference(cli, bank):
    rows = report(cli)
    assert list(rows[0]) == ["tier", "branch", "dimension", "preference", "clients",
                             "clients_pct", "aum", "aum_pct"]
    # Groups: platinum BJ01 (P1, P2), platinum SH01 (P3), gold BJ01 (G1), none BJ01 (M1);
    # the closed client is not covered. Each group lists every preference of each dimension.
    groups = [(r["tier"], r["branch"]) for r in rows[::11]]
    assert groups == [("platinum", "BJ01"), ("platinum", "SH01"), ("gold", "BJ01"),
                      ("none", "BJ01")]
    assert len(rows) == 4 * 11
    cells = {(r["tier"], r["branch"], r["dimension"], r["preference"]):
             (r["clients"], r["clients_pct"], r["aum"], r["aum_pct"]) for r in rows}
    assert cells[("platinum", "BJ01", "protection", "protected")] == (1, 50.0, 1200000.0, 32.4)
    assert cells[("platinum", "BJ01", "protection", "floating")] == (1, 50.0, 2500000.0, 67.6)
    assert cells[("platinum", "BJ01", "protection", "unstated")] == (0, 0.0, 0.0, 0.0)
    assert cells[("platinum", "BJ01", "term", "short")] == (1, 50.0, 1200000.0, 32.4)
    assert cells[("platinum", "BJ01", "term", "medium")] == (1, 50.0, 2500000.0, 67.6)
    assert cells[("platinum", "SH01", "term", "long")] == (1, 100.0, 1500000.0, 100.0)
    assert cells[("platinum", "SH01", "yield_band", "unstated")] == (1, 100.0, 1500000.0, 100.0)
    assert cells[("gold", "BJ01", "protection", "unstated")] == (1, 100.0, 300000.0, 100.0)
    assert cells[("none", "BJ01", "yield_band", "3-5%")] == (1, 100.0, 50000.0, 100.0)
    assert [r["preference"] for r in rows[:11]] == [
        "protected", "floating", "unstated", "short", "medium", "long", "unstated", "<3%",
        "3-5%", ">5%", "unstated"]


def test_by_tier_only_one_dimension_and_one_branch(cli, bank):
    rows = report(cli, "--by", "tier", "--dimension", "yield_band")
    assert [(r["tier"], r["preference"], r["clients"]) for r in rows if r["clients"]] == [
        ("platinum", "<3%", 1), ("platinum", ">5%", 1), ("platinum", "unstated", 1),
        ("gold", "unstated", 1), ("none", "3-5%", 1)]
    assert "branch" not in rows[0]
    bj = report(cli, "--branch", "SH01", "--by", "branch", "--dimension", "protection")
    assert [(r["branch"], r["preference"], r["clients"], r["aum"]) for r in bj] == [
        ("SH01", "protected", 0, 0.0), ("SH01", "floating", 1, 1500000.0),
        ("SH01", "unstated", 0, 0.0)]


def test_csv_and_chinese_table(cli, bank):
    result = cli("--today", TODAY, "report", "preferences", "--dimension", "protection",
                 "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0] == {"tier": "platinum", "branch": "BJ01", "dimension": "protection",
                       "preference": "protected", "clients": "1", "clients_pct": "50.0",
                       "aum": "1200000.00", "aum_pct": "32.4"}
    table = cli("--today", TODAY, "--lang", "zh", "report", "preferences").stdout
    assert "客户产品偏好" in table and "白金" in table and "保本" in table and "短期(≤1年)" in table


@pytest.mark.parametrize("args, message", [
    (("--by", "rm"), "'rm'; give one or more different values of tier, branch"),
    (("--by", "tier,tier"), "'tier,tier'; give one or more different values"),
    (("--dimension", "colour"), "'colour'; give one or more different values of protection, "
                                "term, yield_band"),
    (("--dimension", ""), "''; give one or more different values"),
])
def test_bad_options_are_usage_errors(cli, bank, args, message):
    result = cli("--today", TODAY, "report", "preferences", *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
