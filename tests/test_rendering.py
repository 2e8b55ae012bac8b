"""Tables people read at 80, 120 and 200 columns: nothing wider than the screen, and no id, date
or amount of the data broken across lines (issue 13, point 2).

Every command is rendered on one demo bank at each width; its `--format csv` output (all the
columns, plain values) says which tokens the table must show whole: each id, date and amount
of a column the table shows appears unbroken somewhere in the table's text.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from datafiles import copy_database
from vipcrm.cli.app import app
from vipcrm.cli.followup_cmd import TABLE_KEYS
from vipcrm.cli.report_cmd import report_app
from vipcrm.formats.i18n import header, tier_name

TODAY = "2026-11-27"
WIDTHS = (80, 120, 200)
DOC = Path(__file__).resolve().parent.parent / "docs" / "plan-80-columns.zh.txt"
DOC_COMMAND = ("--lang", "zh", "plan", "today", "--rm", "RM1003")

REPORTS = sorted(c.name for c in report_app.registered_commands if c.name != "dashboard")
COMMANDS = [
    ("plan", "today", "--rm", "RM1003"),
    ("plan", "today", "--branch", "BJ01"),
    ("plan", "today", "--rm", "RM1001"),  # a household visit: its members in one line
    ("tier", "list"),
    ("tier", "corporate"),
    ("assign", "list"),
    ("assign", "load"),
    ("assign", "load", "--by-branch"),
    ("followup", "list"),
    ("config", "show"),
    ("audit",),
    # The demo's maturities fall before this month.
    *(("report", name, *(("--from", "2026-09-01") if name == "maturities" else ()))
      for name in REPORTS),
    ("report", "maturities", "--details", "--from", "2026-09-01"),
    # `report preferences` is among REPORTS (by tier and branch); by branch alone too.
    ("report", "preferences", "--by", "branch"),
]

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CODE = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![\w-])")
AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:,\d{3})+\.\d{2}(?!\d)|(?<![\d,.])-?\d+\.\d{2}(?!\d)")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
LEFT_OUT = re.compile(r"not shown at \d+ columns: (.*); --format csv has every column")


@pytest.fixture(scope="module")
def bank(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rendering") / "demo.db"
    result = CliRunner().invoke(app, ["--db", str(path), "--today", TODAY, "--lang", "en",
                                      "demo"], env={"NO_COLOR": "1"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return path


def run(bank: Path, *args: str, columns: int | None = None, lang: str = "en"):
    env = {"NO_COLOR": "1", "COLUMNS": None if columns is None else str(columns)}
    # Global options first; args may start with their own (--lang).
    argv = ["--db", str(bank), "--today", TODAY, *(["--lang", lang] if lang else []), *args]
    result = CliRunner().invoke(app, argv, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def too_wide(text: str, width: int) -> list[str]:
    return [line for line in text.splitlines() if cell_len(line) > width]


def left_out(stderr: str) -> list[str]:
    found = LEFT_OUT.search(stderr)
    return found.group(1).split(", ") if found else []


def tokens(value: str) -> set[tuple[str, ...]]:
    """The ids, dates, amounts and numbers in one CSV cell, each with the forms a table may
    show it in: a number of the CSV shows as it is, grouped (1,234.56: money) or with one
    decimal (16.7: a percentage). Numbers under three characters are too common to look for."""
    if NUMBER.fullmatch(value):
        if len(value) < 3:
            return set()
        forms = [value]
        if "." in value:
            whole, decimals = value.split(".")
            forms.append(f"{float(value):.1f}")
            if len(decimals) == 2:
                forms.append(f"{int(whole):,}.{decimals}" if not whole.startswith("-")
                             else f"-{int(whole[1:]):,}.{decimals}")
        return {tuple(forms)}
    found = {(date,) for date in DATE.findall(value)}
    found |= {(code,) for code in CODE.findall(value)
              if len(code) >= 4 and any(ch.isdigit() or ch == "-" for ch in code)}
    found |= {(amount,) for amount in AMOUNT.findall(value)}
    return found


def shown_tokens(csv_text: str, hidden: set[str], only: tuple[str, ...] | None = None):
    """The tokens of every column the table shows (by key)."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    wanted: set[tuple[str, ...]] = set()
    for row in rows:
        for key, value in row.items():
            if key in hidden or (only is not None and key not in only):
                continue
            wanted |= tokens(value)
    return wanted


def hidden_keys(keys: list[str], labels: list[str]) -> set[str]:
    """The CSV keys of the columns a table left out, from their English labels."""
    by_label = {}
    for key in keys:
        by_label[header(key, "en")] = key
        if key in ("black_gold", "diamond", "premier_platinum", "platinum", "premier_gold",
                   "gold", "none"):
            by_label[tier_name(key, "en")] = key
    missing = [label for label in labels if label not in by_label]
    assert missing == [], f"left-out labels that name no CSV column: {missing}"
    return {by_label[label] for label in labels}


# Campaigns, on a copy of the bank holding one (on the product that launches in three days, so
# the plans of today above stay as they were).
CAMPAIGN_COMMANDS = [
    ("campaign", "list"),
    ("campaign", "show", "1"),
    ("campaign", "report"),
    ("campaign", "report", "1", "--by", "branch"),
]


@pytest.fixture(scope="module")
def campaign_bank(bank, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("campaign") / "demo.db"
    copy_database(bank, path)
    run(path, "campaign", "create", "WM-1Y", "--tiers", "diamond,premier_platinum,platinum")
    return path


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_tables_fit_the_width_and_never_break_an_id_a_date_or_an_amount(bank, command, width):
    fits_and_breaks_nothing(bank, command, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", CAMPAIGN_COMMANDS, ids=" ".join)
def test_campaign_tables_fit_the_width_and_never_break_an_id_a_date_or_an_amount(
        campaign_bank, command, width):
    fits_and_breaks_nothing(campaign_bank, command, width)


def fits_and_breaks_nothing(bank: Path, command: tuple[str, ...], width: int) -> None:
    table = run(bank, *command, columns=width)
    as_csv = run(bank, *command, "--format", "csv")

    assert too_wide(table.stdout, width) == []
    keys = next(csv.reader(io.StringIO(as_csv.stdout)))
    hidden = hidden_keys(keys, left_out(table.stderr))
    if command[0] == "plan":
        # A plan names a household only at a household visit (its talking points, a block's
        # head): a member's line of its own shows the client alone.
        hidden.add("household_id")
    only = TABLE_KEYS if command[:2] == ("followup", "list") else None
    wanted = shown_tokens(as_csv.stdout, hidden, only)
    assert wanted, "a test with nothing to look for cannot fail"
    broken = sorted(forms[0] for forms in wanted
                    if not any(form in table.stdout for form in forms))
    assert broken == []


@pytest.mark.parametrize("width", WIDTHS)
def test_an_rm_s_day_in_chinese_fits_every_width(bank, width):
    table = run(bank, "plan", "today", "--rm", "RM1003", columns=width, lang="zh")
    as_csv = run(bank, "plan", "today", "--rm", "RM1003", "--format", "csv")

    assert too_wide(table.stdout, width) == []
    wanted = shown_tokens(as_csv.stdout, {"household_id"})  # see the test above
    assert wanted
    assert sorted(f[0] for f in wanted if not any(form in table.stdout for form in f)) == []
    assert "卓越白金" in table.stdout and "逾期" in table.stdout


def test_a_narrow_screen_shows_each_client_as_a_block(bank):
    narrow = run(bank, "plan", "today", "--rm", "RM1003", columns=80).stdout
    wide = run(bank, "plan", "today", "--rm", "RM1003", columns=200).stdout
    lines = narrow.splitlines()

    assert "┃" not in narrow and "┃" in wide  # a table only where it fits
    heads = [line for line in lines if line.startswith("C0")]
    assert len(heads) == 7
    first = lines.index(heads[0])
    assert re.fullmatch(r"C\d{6}  \S+  Premier Platinum  phone  priority 1  due \d{4}-\d\d-\d\d"
                        r"  overdue", heads[0])
    assert lines[first + 1].startswith("  reasons: ")
    assert lines[first + 2] == "  - Premier Platinum tier"
    assert lines[first + 3].startswith("  - AUM ")
    assert lines[0].startswith(f"{TODAY}  RM1003 ")

    # In Chinese, the same block in words: channel, the due date as the column 截止日 (到期 is a
    # maturity), the reasons as words.
    zh = run(bank, "plan", "today", "--rm", "RM1003", columns=80, lang="zh").stdout.splitlines()
    head = next(line for line in zh if line.startswith("C0"))
    assert re.fullmatch(r"C\d{6}  \S+  卓越白金  电话  优先级 1  截止日 \d{4}-\d\d-\d\d  逾期", head)
    assert zh[zh.index(head) + 1] == "  事由：到期、周期联系"


def test_a_big_client_s_block_shows_no_tier_as_the_table_shows_none(bank):
    narrow = run(bank, "plan", "today", "--rm", "RM1021", columns=80).stdout.splitlines()
    heads = [line for line in narrow if line.startswith("E0")]
    assert heads and all(re.fullmatch(r"E\d{5}  \S+  visit  priority \d  due \S+(  overdue)?",
                                      head) for head in heads), heads


def test_a_talking_point_wraps_with_a_hanging_indent_between_words():
    from vipcrm.formats.wrap import wrap

    point = "matures 2026-12-06: WM-180B 半年盈180天封闭式理财, amount 1,870,397.00 CNY"
    lines = wrap(point, 30, first="  - ", hang="    ")

    assert lines == ["  - matures 2026-12-06:", "    WM-180B 半年盈180天封闭式",
                     "    理财, amount 1,870,397.00", "    CNY"]
    assert all(cell_len(line) <= 30 for line in lines)
    # Chinese breaks between characters, never before closing punctuation.
    assert wrap("资产配置方案获客户认可，完成购买", 12) == ["资产配置方案", "获客户认可，", "完成购买"]
    # Only what is wider than a whole line is cut.
    assert wrap("C000123 " + "x" * 12, 10) == ["C000123", "xxxxxxxxxx", "xx"]


def test_piped_tables_are_120_columns_unless_columns_says_otherwise(bank):
    piped = run(bank, "report", "kpi")
    assert too_wide(piped.stdout, 120) == []
    assert max(cell_len(line) for line in piped.stdout.splitlines()) > 100
    assert "not shown at 120 columns: " in piped.stderr

    wide = run(bank, "report", "kpi", columns=400)
    assert max(cell_len(line) for line in wide.stdout.splitlines()) > 200
    assert "not shown" not in wide.stderr
    for nonsense in ("abc", "0", "-5", "٨٠"):
        result = CliRunner().invoke(app, ["--db", str(bank), "--today", TODAY, "report", "kpi"],
                                    env={"NO_COLOR": "1", "COLUMNS": nonsense})
        assert result.exit_code == 0 and too_wide(result.stdout, 120) == [], nonsense
    # Narrower than any readable table: laid out for 40.
    tiny = run(bank, "tier", "list", columns=10)
    assert too_wide(tiny.stdout, 40) == []


def test_the_left_out_note_speaks_chinese(bank):
    result = run(bank, "report", "kpi", columns=80, lang="zh")
    assert "80 列宽度下未显示：" in result.stderr and "--format csv 含全部列" in result.stderr


def test_markup_in_the_data_is_shown_as_typed(bank, tmp_path):
    # A note is the client's words: brackets are text, not styles (nor an error).
    copy = copy_database(bank, tmp_path / "copy.db")
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE followups SET note = '[/bold] [red]wants 50,000.00' "
                 "WHERE followup_id = (SELECT MIN(followup_id) FROM followups)")
    conn.commit()
    conn.close()
    result = run(copy, "followup", "list", columns=200)
    assert "[/bold] [red]wants 50,000.00" in result.stdout


def test_the_committed_80_column_chinese_plan_is_current(bank):
    """docs/plan-80-columns.zh.txt is this test's output; VIPCRM_WRITE_DOCS=1 rewrites it."""
    result = run(bank, *DOC_COMMAND, columns=80, lang="")
    text = (f"$ COLUMNS=80 vipcrm {' '.join(DOC_COMMAND)}    # the demo bank of {TODAY}\n"
            + result.stdout)
    assert too_wide(result.stdout, 80) == []
    if os.environ.get("VIPCRM_WRITE_DOCS") == "1":
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, (
        f"{DOC.name} is stale: run VIPCRM_WRITE_DOCS=1 python -m pytest {__file__} -k committed")
