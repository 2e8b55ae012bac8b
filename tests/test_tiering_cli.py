"""`tier list | show | history`: filters, formats, JSON keys, languages, errors."""

import datetime as dt
import re
import json

import pytest

from tiering_support import client, load_bank

D = dt.date
M = 100_000_000
TODAY = "2026-03-31"

POSITIONS = [
    ("BG1", "DEP", D(2026, 1, 1), 12 * M, "deposit"),
    ("DI1", "DEP", D(2026, 1, 1), 6 * M, "deposit"),
    ("DI2", "WM", D(2026, 1, 1), 7 * M, "wealth"),
    ("GO1", "DEP", D(2026, 1, 1), M // 4, "deposit"),
    ("MASS", "DEP", D(2026, 1, 1), M // 10, "deposit"),
]
CLIENTS = [client("BG1", branch="BJ01"), client("DI1", branch="SH01"),
           client("DI2", branch="BJ01"), client("GO1", branch="BJ01"),
           client("MASS", branch="BJ01")]


@pytest.fixture
def bank(cli, tmp_path, sql):
    load_bank(cli, tmp_path, CLIENTS, POSITIONS, {"tiering.basis": "point"})
    assert cli("--today", TODAY, "tier", "--recompute").exit_code == 0
    return cli


def test_list_json_keys_order_and_money(bank):
    result = bank("tier", "list", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["client_id"] for r in rows] == ["BG1", "DI2", "DI1", "GO1"]
    assert list(rows[0]) == ["client_id", "name", "tier", "status", "basis_aum", "aum", "since",
                             "branch"]
    assert rows[0] == {"client_id": "BG1", "name": "Client BG1", "tier": "black_gold",
                       "status": "ok", "basis_aum": 12000000.0, "aum": 12000000.0,
                       "since": TODAY, "branch": "BJ01"}
    assert '"basis_aum": 12000000.00' in result.stdout


def test_list_filters(bank):
    def ids(*args):
        result = bank("tier", "list", *args, "-f", "csv")
        assert result.exit_code == 0, result.stderr
        return [line.split(",")[0] for line in result.stdout.splitlines()[1:]]

    assert ids("--tier", "diamond") == ["DI2", "DI1"]
    assert ids("--tier", "钻石", "--tier", "gold") == ["DI2", "DI1", "GO1"]
    assert ids("--branch", "SH01") == ["DI1"]
    assert ids("--status", "watch") == []
    assert ids("--status", "ok", "--branch", "BJ01", "--tier", "Black Gold") == ["BG1"]


def test_list_branch_is_the_ownership_branch_when_known(bank, sql, db_path):
    import sqlite3

    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO ownership VALUES ('DI1', 'GZ01', '2026-01-01', 'transactions')")
    conn.commit()
    conn.close()
    rows = json.loads(bank("tier", "list", "--branch", "GZ01", "-f", "json").stdout)
    assert [(r["client_id"], r["branch"]) for r in rows] == [("DI1", "GZ01")]


def test_list_watch_after_a_fall(bank, tmp_path, cli):
    from tiering_support import POSITION_HEADER, write_csv

    write_csv(tmp_path / "fall.csv", POSITION_HEADER, [("DI1", "DEP", "2026-04-01", "100.00", "")])
    assert cli("import", "positions", tmp_path / "fall.csv").exit_code == 0
    assert cli("--today", "2026-04-01", "tier", "--recompute").exit_code == 0
    rows = json.loads(cli("tier", "list", "--status", "watch", "-f", "json").stdout)
    assert [(r["client_id"], r["tier"], r["status"], r["aum"]) for r in rows] == [
        ("DI1", "diamond", "watch", 100.0)]


@pytest.mark.parametrize("args, message", [
    (("--tier", "silver"), "silver"),
    (("--tier", "none"), "below gold"),
    (("--status", "asleep"), "ok or watch"),
    (("--format", "xml"), "xml"),
])
def test_list_bad_options_are_usage_errors(bank, args, message):
    result = bank("tier", "list", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_table_in_chinese_and_english(bank):
    zh = bank("--lang", "zh", "tier", "list")
    assert zh.exit_code == 0
    assert "黑金" in zh.stdout and "钻石" in zh.stdout and "正常" in zh.stdout
    assert "等级" in zh.stdout
    en = bank("tier", "list")
    assert "Black Gold" in en.stdout and "12,000,000.00" in en.stdout
    # Codes, never names, in machine output whatever the language.
    assert json.loads(bank("--lang", "zh", "tier", "list", "-f", "json").stdout)[0]["tier"] == \
        "black_gold"


def test_show(bank):
    result = bank("tier", "show", "DI1", "-f", "json")
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)
    assert row["tier"] == "diamond" and row["as_of"] == TODAY and row["basis_aum"] == 6000000.0
    mass = json.loads(bank("tier", "show", "MASS", "-f", "json").stdout)
    assert mass[0]["tier"] == "none"
    assert "Mass" in bank("tier", "show", "MASS").stdout


def test_history(bank):
    result = bank("tier", "history", "BG1", "-f", "json")
    assert json.loads(result.stdout) == [
        {"effective": TODAY, "from_tier": "none", "to_tier": "black_gold", "status": "ok",
         "basis_aum": 12000000.0, "reason": "new", "household_id": None}]
    assert "大众" in bank("--lang", "zh", "tier", "history", "BG1").stdout


@pytest.mark.parametrize("command", ["show", "history"])
def test_unknown_client_is_refused_in_one_line(bank, command):
    result = bank("tier", command, "NOPE")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: unknown client 'NOPE'; check the id or import " \
                                     "clients first"


def test_recompute_summary_table(cli, tmp_path):
    load_bank(cli, tmp_path, CLIENTS, POSITIONS, {"tiering.basis": "point"})
    result = cli("--today", TODAY, "tier", "--recompute")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("Black Gold" in line and "12,000,000.00" in line for line in lines)
    total = next(line for line in lines if "Total" in line)
    assert "25,350,000.00" in total.replace(" ", "") or "25,350,000.00" in total
    assert "5 client(s) evaluated, 4 change(s)" in result.stderr


def test_recompute_options_without_recompute_are_usage_errors(cli):
    assert cli("tier", "--dry-run").exit_code == 2
    assert cli("tier", "--as-of", "2026-01-01", "list").exit_code == 2
    assert cli("tier", "--recompute", "--as-of", "31/03/2026").exit_code == 2


def test_every_tier_command_has_an_example(cli):
    for args in (("tier", "--help"), ("tier", "list", "--help"), ("tier", "show", "--help"),
                 ("tier", "history", "--help"), ("tier", "corporate", "--help")):
        result = cli(*args)
        assert result.exit_code == 0
        assert re.search(r"^  Examples?:$", result.stdout, re.M)
