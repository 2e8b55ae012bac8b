"""Bad arguments never crash: every date and number option of every command, given values at
and past its ends, answers with one `Error:` line and the exit code of CLI.md, and leaves the
database as it was; the ends of the accepted dates themselves work on a whole demo bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datafiles import contents, copy_database
from vipcrm.cli.app import app

TODAY = "2026-11-27"
CLIENT, RM = "C000001", "RM1001"
RANGE = "is out of range; give a date YYYY-MM-DD from 1900-01-01 to 2100-12-31"
RECORD = f"is out of range; give a date YYYY-MM-DD from 1990-01-01 to today ({TODAY})"
NEXT = f"is out of range; give a date YYYY-MM-DD after the contact's date {TODAY}, up to 2100-12-31"

# (command words, arguments that make the rest of the command valid)
REPORTS_WITH_PERIOD = ("tiers", "migration", "coverage", "rm", "timeshare", "pipeline", "kpi",
                       "review", "compliance", "maturities")
REPORTS_AS_OF = ("completeness", "segments", "corporates", "preferences", "attrition")
DATE_OPTIONS = [
    # (words, option, extra arguments, the range it must name for values outside it)
    ((), "--today", ("plan", "today"), RANGE),
    (("plan",), None, (), RANGE),  # plan DATE
    (("tier",), "--as-of", ("--recompute", "--dry-run"), RANGE),
    *((("report", name), "--from", (), RANGE) for name in REPORTS_WITH_PERIOD),
    *((("report", name), "--to", (), RANGE) for name in REPORTS_WITH_PERIOD + REPORTS_AS_OF),
    (("report", "dashboard"), "--from", ("-o", "{out}"), RANGE),
    (("report", "dashboard"), "--to", ("-o", "{out}"), RANGE),
    (("followup", "log"), "--date", (CLIENT, "--channel", "phone"), RECORD),
    (("followup", "log"), "--next", (CLIENT, "--channel", "phone"), NEXT),
    (("followup", "list"), "--from", (), RANGE),
    (("followup", "list"), "--to", (), RANGE),
    (("followup", "time"), "--date", (RM, "--minutes", "10", "--category", "admin"), RECORD),
    (("audit",), "--from", (), RANGE),
    (("attrition",), "--as-of", ("--recompute",), RANGE),
    (("campaign", "create"), "--from", ("WM-1Y", "--tiers", "platinum"), RANGE),
    (("campaign", "create"), "--to", ("WM-1Y", "--tiers", "platinum"), RANGE),
    (("purge",), "--ended-before", ("--dry-run",), RANGE),
]
MALFORMED = {
    "": "'' is not a date; write it as YYYY-MM-DD",
    "20261127": "'20261127' is not a date; write it as YYYY-MM-DD",
    "2026/11/27": "'2026/11/27' is not a date; write it as YYYY-MM-DD",
    "2026-02-30": "'2026-02-30' is not a real date; write it as YYYY-MM-DD",
}
OUTSIDE = {RANGE: ("0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"),
           RECORD: ("0001-01-01", "1989-12-31", "2026-11-28", "9999-12-31"),
           NEXT: ("0001-01-01", TODAY, "2101-01-01", "9999-12-31")}

HUGE = str(10 ** 30)  # past SQLite's 64 bits
NUMBER_CASES = [
    # (words, arguments before, option, value, exit code, fragment)
    *((("demo",), (), "--clients", value, 2, "Invalid value for '--clients'")
      for value in ("49", "100001", HUGE, "-1", "many")),
    *((("demo",), (), "--seed", value, 2, "Invalid value for '--seed'")
      for value in ("-1", str(2 ** 31), HUGE, "x")),
    *((("audit",), (), "--limit", value, 2, "Invalid value for '--limit'")
      for value in ("0", "1000001", str(2 ** 63), HUGE)),
    *((("nightly",), (), "--keep", value, 2, "Invalid value for '--keep'")
      for value in ("0", "3651", HUGE)),
    *((("tier", "corporate"), (), "--year", value, 2, "Invalid value for '--year'")
      for value in ("1899", "2101", "-1", HUGE, "9" * 5000)),
    *((("report", "corporates"), (), "--year", value, 2, "Invalid value for '--year'")
      for value in ("1899", "2101", HUGE)),
    *((("followup", "log"), (CLIENT, "--channel", "phone"), "--minutes", value, 1,
       f"minutes {value}: give 0 to 1440") for value in ("-1", "1441", HUGE)),
    (("followup", "log"), (CLIENT, "--channel", "phone"), "--minutes", "ten", 2,
     "Invalid value for '--minutes'"),
    *((("followup", "log"), (CLIENT, "--channel", "phone"), "--satisfaction", value, 1,
       f"satisfaction {value}: give 1 to 5") for value in ("0", "6", HUGE)),
    *((("followup", "log"), (CLIENT, "--channel", "visit", "--stage", "sale", "--product",
                             "DEP-CUR"), "--amount", value, 2,
       "Invalid value for --amount: is more than 10,000,000,000,000 CNY, the most one row may "
       "hold")
      for value in ("10000000000000.01", HUGE, str(2 ** 63))),
    *((("followup", "log"), (CLIENT, "--channel", "visit", "--stage", "sale", "--product",
                             "DEP-CUR"), "--amount", value, 2, "Invalid value for --amount")
      for value in ("9" * 5000, "1e9", "")),
    *((("followup", "time"), (RM, "--category", "admin"), "--minutes", value, 1,
       f"minutes {value}: give 1 to 1440") for value in ("0", "1441", HUGE)),
    *((("report", "attrition"), (), "--top", value, 2, "Invalid value for '--top'")
      for value in ("0", "10000001", HUGE, "-1")),
    *((("campaign", "create"), ("WM-1Y", "--tiers", "platinum"), "--limit", value, 2,
       "Invalid value for '--limit'") for value in ("0", "10000001", HUGE)),
    # The campaign's id, an argument (no option name): 1 to SQLite's largest integer.
    *(((*words,), (), "campaign_id", value, 2, "Invalid value for 'ID'")
      for words in (("campaign", "show"), ("campaign", "close")) for value in ("0", HUGE, "x")),
    *((("campaign", "report"), (), "campaign_id", value, 2, "Invalid value for '[ID]'")
      for value in ("0", str(2 ** 63), HUGE)),
]


def _date_cases():
    for words, option, extra, outside in DATE_OPTIONS:
        for value, fragment in MALFORMED.items():
            yield words, option, extra, value, fragment
        for value in OUTSIDE[outside]:
            yield words, option, extra, value, f"{value} {outside}"


def _case_id(words, option, value):
    return " ".join([*words, option or "DATE", repr(value)[:24]])


@pytest.fixture(scope="module")
def demo_bank(tmp_path_factory) -> Path:
    """`vipcrm --today 2026-11-27 demo --clients 50`, once for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = CliRunner().invoke(app, ["--db", str(path), "--today", TODAY, "-q", "demo",
                                      "--clients", "50"],
                                env={"VIPCRM_LANG": "en", "NO_COLOR": "1"},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return path


@pytest.fixture
def bank(demo_bank, db_path) -> Path:
    """A copy of the demo bank as this test's database."""
    return copy_database(demo_bank, db_path)


def _refused_alone(result, code: int, fragment: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0], lines[0]


def _command(words, option, extra, value, out) -> list[str]:
    extra = [out if a == "{out}" else a for a in extra]
    if option == "--today":
        return ["--today", value, *extra]
    given = [value] if option is None else [option, value]
    return ["--today", TODAY, *words, *extra, *given]


@pytest.mark.parametrize("words, option, extra, value, fragment", [
    pytest.param(*case, id=_case_id(case[0], case[1], case[3])) for case in _date_cases()])
def test_every_bad_date_is_one_usage_line_and_changes_nothing(
        cli, bank, tmp_path, words, option, extra, value, fragment):
    before = contents(bank)
    out = tmp_path / "dashboard.html"
    result = cli(*_command(words, option, extra, value, str(out)))
    _refused_alone(result, 2, fragment)
    assert result.stdout == ""
    assert contents(bank) == before
    assert not out.exists()


@pytest.mark.parametrize("words, before_args, option, value, code, fragment", [
    pytest.param(*case, id=_case_id(case[0], case[2], case[3])) for case in NUMBER_CASES])
def test_every_bad_number_is_one_line_with_its_code_and_changes_nothing(
        cli, bank, words, before_args, option, value, code, fragment):
    before = contents(bank)
    # An option is given by its name; an argument (a name without dashes) by its place.
    given = [option, value] if option.startswith("-") else [value]
    result = cli("--today", TODAY, *words, *before_args, *given)
    _refused_alone(result, code, fragment)
    assert result.stdout == ""
    assert contents(bank) == before


def _walk(command, words=()):
    from typer.main import get_command

    command = command if words else get_command(app)
    yield words, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, (*words, name))


def test_the_tables_cover_every_date_and_number_option_of_every_command():
    """A new date or number option fails this test until it is in the tables above."""
    dates = {"--today", "--from", "--to", "--date", "--next", "--as-of", "--ended-before"}
    covered = {(words, option) for words, option, *_ in DATE_OPTIONS}
    covered |= {(words, option) for words, _, option, *_ in NUMBER_CASES}
    wanted = set()
    for words, command in _walk(app):
        for param in command.params:
            name = max(param.opts, key=len)
            if name in dates or (param.name == "when" and words == ("plan",)):
                wanted.add((words, None if param.name == "when" else name))
            elif getattr(param.type, "name", "") in ("integer", "integer range"):
                wanted.add((words, name))
    assert ("followup", "log") in {w for w, _ in wanted}  # the walk reaches the subcommands
    assert wanted - covered == set()


# -- the ends of the accepted range, on a whole demo bank -----------------------------------

EDGE_COMMANDS = [
    ("plan", "today"), ("plan", "week"), ("plan", "week", "-f", "ics"),
    ("plan", "today", "-f", "json"),
    *(("report", name) for name in REPORTS_WITH_PERIOD + ("completeness", "segments",
                                                          "preferences")),
    ("assign",), ("client", "show", CLIENT), ("tier", "list"),
    ("followup", "time", RM, "--minutes", "5", "--category", "admin"),
]


@pytest.mark.parametrize("today", ["1990-01-01", "1900-01-01", "2100-12-31"])
@pytest.mark.parametrize("args", EDGE_COMMANDS, ids=" ".join)
def test_the_ends_of_the_accepted_dates_work_on_a_demo_bank(cli, bank, today, args):
    if args[0] == "followup" and today < "1990-01-01":
        pytest.skip("before the first record day: refused, see the next test")
    result = cli("--today", today, *args)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("followup", "time", RM, "--minutes", "5", "--category", "admin"),
                                  ("followup", "log", CLIENT, "--channel", "phone")])
def test_a_contact_or_time_defaulting_to_a_today_before_1990_is_refused(cli, bank, args):
    before = contents(bank)
    result = cli("--today", "1989-12-31", *args)
    _refused_alone(result, 2, "not given, so today (1989-12-31), which is before 1990-01-01")
    assert contents(bank) == before


def test_recomputing_tiers_at_both_ends_of_the_range(cli, bank):
    early = cli("--today", "1900-01-01", "tier", "--recompute")
    assert early.exit_code == 1 and "add --rebuild" in early.stderr  # history starts in 2026
    assert cli("--today", "2100-12-31", "tier", "--recompute").exit_code == 0
    assert cli("--today", "2100-12-31", "assign").exit_code == 0
    assert cli("--today", "2100-12-31", "report", "corporates").exit_code == 0


def test_a_week_into_a_year_past_the_calendar_data_warns_once_and_plans(cli, bank, tmp_path):
    # 2100-12-31 is a Friday; the week runs into 2101, past every calendar table.
    result = cli("--today", "2100-12-31", "plan", "week", "-f", "json")
    assert result.exit_code == 0, result.stderr
    days = sorted({line["plan_date"] for line in json.loads(result.stdout)})
    assert days and days[0] == "2100-12-31" and all(d <= "2101-01-06" for d in days)
    # One warning (stderr wraps long lines at 200 columns when it is not a terminal).
    stderr = " ".join(result.stderr.splitlines())
    assert stderr.count("holiday schedule") == 1
    assert "for 2101 no public holiday is known at all: weekdays are working days" in stderr
    # Weekdays only: the weekend of 1-2 January 2101 is off, the Monday after is worked.
    assert set(days) <= {"2100-12-31", "2101-01-03", "2101-01-04", "2101-01-05", "2101-01-06"}
    assert "2101-01-03" in days

    outbox = tmp_path / "plans"
    nightly = cli("--today", "2100-12-31", "nightly", "--outbox", outbox)
    assert nightly.exit_code == 0, nightly.stdout
    assert any(outbox.iterdir())
