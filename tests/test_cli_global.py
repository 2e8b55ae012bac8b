"""Global options (CLI.md): --db / VIPCRM_DB, --today, --lang, --format; data on stdout only."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from datafiles import write_csv


def capacity_in(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT value FROM settings WHERE key = 'plan.daily_capacity'").fetchall()
    finally:
        conn.close()


def test_db_option_chooses_the_database(cli, db_path, tmp_path):
    other = tmp_path / "other.db"
    assert cli("--db", other, "config", "set", "plan.daily_capacity", "20").exit_code == 0
    assert capacity_in(other) == [("20",)]
    assert not db_path.exists()


def test_vipcrm_db_environment_variable_chooses_the_database(cli, tmp_path, monkeypatch):
    chosen = tmp_path / "from-env.db"
    monkeypatch.setenv("VIPCRM_DB", str(chosen))
    assert cli("config", "set", "plan.daily_capacity", "21").exit_code == 0
    assert capacity_in(chosen) == [("21",)]


def test_db_option_wins_over_the_environment(cli, db_path, tmp_path):
    option = tmp_path / "option.db"
    cli("--db", option, "config", "set", "plan.daily_capacity", "22")
    assert capacity_in(option) == [("22",)]
    assert not db_path.exists()


@pytest.mark.parametrize("value", ["2026-02-30", "03/04/2026", "tomorrow", "2026-13-01", ""])
def test_a_bad_today_is_a_usage_error(cli, value):
    result = cli("--today", value, "config", "show")
    assert result.exit_code == 2
    assert "--today" in result.stderr


def test_a_bad_vipcrm_today_is_a_usage_error(cli):
    result = cli("config", "show", env={"VIPCRM_TODAY": "31/12/2026"})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for VIPCRM_TODAY: '31/12/2026' is not "
                                    "a date; write it as YYYY-MM-DD")


@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_vipcrm_today_is_a_usage_error_not_the_system_date(cli, db_path, value):
    result = cli("config", "set", "plan.daily_capacity", "20", env={"VIPCRM_TODAY": value})
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "VIPCRM_TODAY" in result.stderr
    assert "YYYY-MM-DD" in result.stderr
    assert not db_path.exists()


def test_today_takes_iso_dates_only(cli, blank_db):
    from vipcrm.cli.common import parse_date_option

    assert cli("--today", "2026-03-05", "config", "show", "-f", "csv").exit_code == 0
    assert parse_date_option(" 2026-03-05 ", "--today").isoformat() == "2026-03-05"
    # The import's other forms are for files; on the command line one form leaves no doubt.
    for value in ("20260305", "2026/03/05", "2026年3月5日", "2026-3-5", "２０２６-０３-０５",
                  "2026-W10-4"):
        result = cli("--today", value, "config", "show")
        assert result.exit_code == 2, value
        assert "write it as YYYY-MM-DD, from 1900-01-01 to 2100-12-31" in result.stderr


@pytest.mark.parametrize("value, ok", [("1899-12-31", False), ("1900-01-01", True),
                                       ("2100-12-31", True), ("2101-01-01", False),
                                       ("0001-01-01", False), ("9999-12-31", False)])
def test_today_is_bounded_to_1900_to_2100(cli, blank_db, value, ok):
    result = cli("--today", value, "config", "show", "-f", "csv")
    assert (result.exit_code == 0) is ok, result.stderr
    if not ok:
        assert result.exit_code == 2
        assert result.stderr == (f"Error: Invalid value for --today: {value} is out of range; "
                                 "give a date YYYY-MM-DD from 1900-01-01 to 2100-12-31 "
                                 "(see 'root --help')\n")


def test_usage_errors_are_one_line_with_where_to_find_help(cli):
    result = cli("plan", "--bogus")
    assert result.exit_code == 2
    assert result.stderr == "Error: No such option: --bogus (see 'root plan --help')\n"


def test_an_error_in_today_speaks_the_chosen_language(cli):
    result = cli("--lang", "zh", "--today", "x", "config", "show")
    assert result.exit_code == 2 and result.stderr.startswith("错误: ")


def test_lang_zh_gives_chinese_headers(cli, blank_db):
    english = cli("config", "show")
    chinese = cli("--lang", "zh", "config", "show")
    assert "key" in english.stdout.splitlines()[1] and "参数" not in english.stdout
    header = next(line for line in chinese.stdout.splitlines() if "参数" in line)
    assert "值" in header and "默认值" in header
    # Machine-readable output keeps its English keys whatever the language.
    as_json = cli("--lang", "zh", "config", "show", "--format", "json")
    assert "plan.daily_capacity" in {r["key"] for r in json.loads(as_json.stdout)}


def test_lang_comes_from_the_environment_and_the_locale(cli, blank_db, monkeypatch):
    assert "参数" in cli("config", "show", env={"VIPCRM_LANG": "zh"}).stdout
    monkeypatch.delenv("VIPCRM_LANG")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert "参数" in cli("config", "show").stdout
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "参数" not in cli("config", "show").stdout


def test_errors_speak_the_chosen_language(cli):
    result = cli("--lang", "zh", "config", "set", "no.such.key", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: 未知参数 'no.such.key'；有效参数：")


def test_an_unknown_language_is_a_usage_error(cli):
    assert cli("--lang", "fr", "config", "show").exit_code == 2


@pytest.mark.parametrize("fmt", ["csv", "json", "CSV", "table"])
def test_format_option_is_parsed(cli, blank_db, fmt):
    result = cli("config", "show", "--format", fmt)
    assert result.exit_code == 0
    if fmt.lower() == "json":
        assert json.loads(result.stdout)
    if fmt.lower() == "csv":
        assert result.stdout.startswith("key,value,default")


@pytest.mark.parametrize("args", [("config", "show", "--format", "xml"),
                                  ("config", "show", "-f", "ics"),
                                  ("config", "show", "--format")])
def test_a_bad_format_is_a_usage_error(cli, args):
    assert cli(*args).exit_code == 2


def test_data_on_stdout_and_messages_on_stderr(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["client_id", "name", "home_branch", "extra"],
                                          ["C1", "A", "BJ01", "x"]])

    imported = cli("import", "clients", path, "--format", "json")
    exported = cli("export", "clients")
    changed = cli("config", "set", "plan.daily_capacity", "13")

    assert json.loads(imported.stdout)[0]["inserted"] == 1
    assert "Warning: ignored column(s)" in imported.stderr
    assert "clients c.csv: read=1 inserted=1" in imported.stderr
    assert exported.stdout.splitlines()[1].startswith("C1,A,retail")
    assert exported.stderr == "exported 1 clients row(s) (phones and IDs masked)\n"
    assert changed.stdout == "" and changed.stderr == "plan.daily_capacity = 13\n"


def test_quiet_keeps_stderr_for_warnings_and_errors(cli, tmp_path):
    clean = write_csv(tmp_path / "c.csv", [["client_id", "name", "home_branch"], ["C1", "A", "B"]])
    extra = write_csv(tmp_path / "d.csv", [["client_id", "name", "home_branch", "x"],
                                           ["C2", "A", "B", "1"]])
    assert cli("--quiet", "import", "clients", clean).stderr == ""
    assert cli("-q", "import", "clients", extra).stderr.startswith("Warning: ")


@pytest.mark.parametrize("command", [("import",), ("export",), ("config", "show"),
                                     ("config", "set"), ("config", "load")])
def test_every_command_help_has_an_example(cli, command):
    result = cli(*command, "--help")
    assert result.exit_code == 0
    assert re.search(r"^  Examples?:\n    .*vipcrm ", result.stdout, re.M)


def test_unknown_command_is_a_usage_error(cli):
    assert cli("imprt", "clients").exit_code == 2
