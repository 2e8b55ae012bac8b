"""One catalogue for every sentence a person reads (vipcrm/formats/zh.py).

Three guards: every `Text` of the code has its Chinese sentence; no message reaches a person
as a plain string (an AST check of the places messages go through); and a Chinese session on
a demo bank shows no English word outside an explicit allow-list.
"""

from __future__ import annotations

import ast
import html.parser
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from vipcrm.cli.app import app
from vipcrm.core.text import Code, Listing, Text, fields, portable, restored
from vipcrm.formats.i18n import render, word
from vipcrm.formats.zh import SENTENCES, WORDS

PACKAGE = Path(__file__).resolve().parent.parent / "vipcrm"

# Where a Text's template may be a variable: `restored` rebuilds a sentence made (and checked)
# elsewhere, after it crossed a pipe.
TEMPLATE_NOT_LITERAL = {("core/text.py", "restored")}


def _trees():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _functions(tree):
    """(node, name of the innermost function holding it) for every node."""
    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else function
            yield child, inner
            yield from walk(child, inner)

    yield from walk(tree, None)


def _texts_in_code() -> list[tuple[str, int, str]]:
    """(file, line, template) of every Text("literal", …) in the package."""
    found = []
    for where, tree in _trees():
        for node, function in _functions(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Text" and node.args):
                first = node.args[0]
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    if (where, function) in TEMPLATE_NOT_LITERAL:
                        continue
                    raise AssertionError(f"{where}:{node.lineno}: a Text's template must be a "
                                         "literal string (it is the key of the catalogue)")
                found.append((where, node.lineno, first.value))
    return found


TEXTS = _texts_in_code()


def test_every_sentence_of_the_code_has_a_chinese_entry():
    missing = [f"{where}:{line}: {template!r}" for where, line, template in TEXTS
               if template not in SENTENCES]
    assert missing == []


@pytest.mark.parametrize("template", sorted(SENTENCES))
def test_every_entry_has_the_parameters_of_its_template(template):
    assert sorted(set(fields(SENTENCES[template]))) == sorted(set(fields(template)))


def test_the_catalogue_holds_no_sentence_the_code_no_longer_says():
    used = {template for _, _, template in TEXTS}
    assert sorted(set(SENTENCES) - used) == []


# --- no plain string where a person reads ---------------------------------------------------

# Calls whose argument (by position, or keyword) a person reads: a message, an error, a title.
METHODS = {"info": [0], "warn": [0], "debug": [0], "say": [0], "emit": ["title"]}
CLASSES = {
    # errors shown as the one line of a refusal (cli/app.py maps them)
    "Refused": [0], "BadArgument": [0], "StoreError": [0], "FileRefused": [0],
    "ConfigError": [0], "AssignRefused": [0], "TieringRefused": [0], "CorporateRefused": [0],
    "KpiError": [0], "CorporateError": [0], "Locked": [0], "OutputRefused": [0],
    "Damaged": [0], "DiskFull": [0], "Unencodable": [0], "AttritionRefused": [0],
    # the nightly's step lines and the inbox's outcome per file
    "Step": [0, 2, "name", "detail"], "InboxResult": [3, "detail"],
}
# Builders of sentences kept for later: the talking points' facts (tasks `b.add(…, detail)`),
# the problems of a rule, the warnings of an import or an assignment.
APPENDS = {"problems", "warnings", "points", "lines", "first"}
# The plain strings that are allowed there, each with its reason: (file, line's code).
ALLOWED: dict[tuple[str, str], str] = {}


def _plain(node: ast.AST) -> bool:
    """A string literal, an f-string, `"…" % x`, `"…".format(…)` or `"…" + x`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _plain(node.left) or (isinstance(node.op, ast.Add) and _plain(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and isinstance(node.func.value, ast.Constant)
    if isinstance(node, ast.IfExp):
        return _plain(node.body) or _plain(node.orelse)
    return False


def _arguments(call: ast.Call, wanted: list) -> list[ast.AST]:
    out = []
    for spec in wanted:
        if isinstance(spec, int) and spec < len(call.args):
            out.append(call.args[spec])
        out += [k.value for k in call.keywords if k.arg == spec]
    return out


def _sinks(call: ast.Call) -> list[ast.AST]:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in METHODS:
            return _arguments(call, METHODS[func.attr])
        if func.attr == "BadParameter":  # Click's own: English only, see cli.common.BadArgument
            return [call]
        if func.attr == "append" and isinstance(func.value, ast.Name) and func.value.id in APPENDS:
            return call.args[:1]
        if func.attr == "add" and isinstance(func.value, ast.Name) and func.value.id == "b":
            return _arguments(call, [5, "detail"])
    if isinstance(func, ast.Name) and func.id in CLASSES:
        return _arguments(call, CLASSES[func.id])
    return []


def test_no_message_is_a_plain_string():
    """Every message goes to a person through a `Text`, so it has its Chinese sentence."""
    found = []
    for where, tree in _trees():
        source = (PACKAGE / where).read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for argument in _sinks(node):
                if argument is node or _plain(argument):
                    code = source[node.lineno - 1].strip()
                    if (where, code) not in ALLOWED:
                        found.append(f"{where}:{node.lineno}: {code}")
    assert found == []


def test_the_guard_sees_every_kind_of_plain_string():
    samples = ['st.info("done")', 'st.warn(f"{x} left")', 'raise Refused("no %s" % x)',
               'st.info("{} rows".format(n))', 'raise StoreError("bad: " + x)',
               'raise typer.BadParameter(Text("x"))', 'problems.append(f"{x} is wrong")',
               'b.add("cadence", ref, start, due, "phone", f"no contact since {d}")',
               'Step("tiers", "ok", f"{n} clients")', 'st.emit(rows, F, fmt, title="X")',
               'st.info(a if x else "plain")']
    for sample in samples:
        call = next(n for n in ast.walk(ast.parse(sample)) if isinstance(n, ast.Call))
        assert any(a is call or _plain(a) for a in _sinks(call)), sample
    for sample in ['st.info(Text("done"))', 'raise Refused(said(exc))', 'st.warn(warning)',
                   'b.add("risk_expiry", ref, start, due, "phone", closed_by=c)']:
        call = next(n for n in ast.walk(ast.parse(sample)) if isinstance(n, ast.Call))
        assert not any(a is call or _plain(a) for a in _sinks(call)), sample


# --- rendering ------------------------------------------------------------------------------

def test_a_sentence_renders_in_english_and_in_chinese_with_its_codes_as_words():
    text = Text("{name}: {reason}; check the path and its permissions", name="inbox",
                reason=Code("reason", "maturity"))
    assert str(text) == "inbox: maturity; check the path and its permissions"
    assert render(text, "en") == str(text)
    assert render(text, "zh") == "inbox：到期；请检查路径及其权限"


def test_joined_sentences_render_part_by_part():
    busy = Text("the database is busy (another vipcrm run is writing); try again when it has "
                "finished")
    assert render(busy + " (42)", "zh").endswith("请待其完成后重试 (42)")


def test_joined_sentences_are_equal_by_their_parts():
    one = Text("matures {date}: {product} {name}", date="2026-12-04", product="WM", name="x")
    amount = Text(", amount {amount} CNY", amount="1.00")
    assert one + amount == one + amount
    assert one + amount != one + Text(", amount {amount} CNY", amount="2.00")
    assert len({one + amount, one + amount}) == 1


def test_a_listing_joins_as_its_language_does():
    missing = Text("ask for: {fields}", fields=Listing([Code("field", "wealth_source"),
                                                        Code("field", "family")]))
    assert render(missing, "en") == "ask for: wealth source, family"
    assert render(missing, "zh") == "请补充：财富来源、家庭情况"


def test_a_sentence_crosses_a_pipe_whole():
    text = Text("{file}: undecodable byte at offset {offset} for encoding {encoding}; {fix}",
                file="a.csv", offset=7, encoding="utf-8",
                fix=Text("fix the file or pass --encoding")) + Code("reason", "cadence")
    assert restored(portable(text)) == text


@pytest.mark.parametrize("family", sorted(set(WORDS) - {"festival"}))
def test_codes_are_words_in_chinese_and_codes_in_english(family):
    for code, chinese in WORDS[family].items():
        assert word(family, code, "en") == code
        assert word(family, code, "zh") == chinese


def test_tiers_and_grades_read_as_names_and_explanations_keep_their_codes_in_english():
    assert word("tier", "premier_platinum", "en") == "Premier Platinum"
    assert word("tier_code", "premier_platinum", "en") == "premier_platinum"
    assert word("tier_code", "premier_platinum", "zh") == word("tier", "premier_platinum", "zh")
    assert word("grade_code", "trainee", "en") == "trainee"
    assert word("grade_code", "trainee", "zh") == "见习"
    assert word("festival", "spring_festival", "en") == "spring festival"


# --- a Chinese session on a demo bank -------------------------------------------------------

TODAY = "2026-11-27"
# English that may stand in Chinese output, each with its reason.
ALLOWED_WORDS = {
    "vipcrm": "the program's name, in commands to type",
    "quick_check": "SQLite's own name of the check",
    "fund": "the demo's product preference as the bank recorded it (data, not a sentence)",
    "deposit": "the same, of another client",
    "DATE": "the argument's name in the command's usage (plan DATE)",
}
# A run of 4+ letters (underscores inside: a code) standing alone, not part of an id, a
# product code, a file name, a path or an --option.
ENGLISH = re.compile(r"(?<![A-Za-z0-9_./\\-])[A-Za-z][A-Za-z_]{3,}(?![A-Za-z0-9_./\\-])")
# Left out of the check: what the user typed, echoed in quotes, and commands to type in
# backquotes ('root plan --help', `vipcrm tier --recompute`); the codes a refusal offers to
# type instead ("请从 table, csv, json 中选择", "请使用 phone, sms … 之一").
QUOTED = re.compile(r"'[^']*'|`[^`]*`")
CHOICES = re.compile(r"(请从|请使用|请选择)[^；（]*")


@pytest.fixture(scope="module")
def bank(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zh")
    db = folder / "demo.db"
    result = _run(db, "demo", lang="en")
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as conn:  # every page in the file itself: tests copy the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _run(db: Path, *args, lang: str = "zh"):
    return CliRunner().invoke(app, ["--db", str(db), "--today", TODAY, "--lang", lang,
                                    *map(str, args)],
                              env={"NO_COLOR": "1", "VIPCRM_LANG": None},
                              catch_exceptions=False)


def _english(lines) -> list[str]:
    return [line for line in lines if any(
        word not in ALLOWED_WORDS
        for word in ENGLISH.findall(CHOICES.sub("", QUOTED.sub("", line))))]


class _Visible(html.parser.HTMLParser):
    """The text a browser shows: no tags, no style sheet."""

    def __init__(self):
        super().__init__()
        self.lines, self._style = [], False

    def handle_starttag(self, tag, attrs):
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if not self._style and data.strip():
            self.lines.append(data.strip())


def _ics_text(ics: str) -> list[str]:
    """What a calendar shows of an ICS file: titles, descriptions, categories, its name."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    shown = []
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        if name.split(";")[0] in ("SUMMARY", "DESCRIPTION", "CATEGORIES", "X-WR-CALNAME"):
            shown += value.replace("\\n", "\n").replace("\\,", ",").splitlines()
    return shown


@pytest.mark.parametrize("args", [
    ("plan", "today", "--rm", "RM1003"),
    ("plan", "2026-11-28", "--rm", "RM1003"),
    ("plan", "week", "--branch", "BJ01"),
    ("client", "show", "C000172"),
    # a big client: its strategy set by hand, business file and decision maker's birthday
    ("client", "show", "E00022"),
    ("plan", "today", "--rm", "RM1021"),
    ("tier", "corporate"),
    ("report", "corporates"),
    ("assign", "explain", "C000172"),
    ("tier", "show", "C000172"),
    ("tier", "history", "C000172"),
    ("tier", "list", "--tier", "black_gold"),
    ("tier", "--recompute", "--dry-run"),
    ("assign", "--dry-run", "--details"),
    ("followup", "list", "--client", "C000172"),
    ("report", "timeshare", "--branch", "BJ01"),
    ("plan", "today", "--rm", "NOPE"),
    ("plan", "2026-13-01"),
    ("client", "show", "NOPE"),
    ("tier", "list", "--status", "bad"),
    ("followup", "log", "C000172", "--channel", "fax"),
    ("followup", "log", "C000172", "--channel", "visit", "--stage", "sale", "--product",
     "FUND-TECH", "--amount", "500000"),
    ("import", "clients", "no-such-file.csv"),
    # the reasons of rejected rows, as the stderr echo shows them
    ("import", "clients", str(EXAMPLES / "clients_bad.csv"), "--dry-run"),
    ("config", "set", "plan.daily_capacity", "many"),
    ("plan", "today", "--format", "xml"),
    # the attrition warning: the ranking, a retention call's talking point, a usage error
    ("report", "attrition"),
    ("plan", "today", "--rm", "RM1015"),
    ("attrition",),
    # households: a household visit in a plan, both members' views, linking, the report of
    # stated preferences, and their refusals
    ("plan", "today", "--rm", "RM1001"),
    ("client", "show", "C000332"),
    ("assign", "explain", "C000292"),
    ("assign", "explain", "C000477"),
    ("client", "link", "C000477", "--household", "H00001", "--role", "spouse"),
    ("client", "link", "C000172", "--household", "H00002"),
    ("client", "link", "C000172", "--household", "H00002", "--role", "cousin"),
    ("client", "unlink", "C000477"),
    ("client", "update", "C000172", "--set", "pref_term_months=900"),
    ("report", "preferences"),
    ("report", "preferences", "--by", "branch", "--dimension", "term"),
    ("report", "preferences", "--by", "floor"),
])
def test_a_chinese_session_shows_no_english(bank, tmp_path, args):
    db = tmp_path / "bank.db"
    shutil.copy(bank, db)
    result = _run(db, *args)
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert lines and _english(lines) == []


def test_a_chinese_session_of_a_campaign_shows_no_english(bank, tmp_path):
    """A campaign on the product launching in three days: made, listed, shown, reported per RM
    and per branch, its call in a target's plan on its first day, closed."""
    db = tmp_path / "bank.db"
    shutil.copy(bank, db)
    shown = []
    for args in [("campaign", "create", "WM-1Y", "--tiers", "diamond,premier_platinum,platinum",
                  "--branch", "BJ01"),
                 ("campaign", "list"), ("campaign", "show", "1"), ("campaign", "report", "1"),
                 ("campaign", "report", "--by", "branch"), ("plan", "2026-11-30", "--rm", "RM1003"),
                 ("campaign", "close", "1"), ("campaign", "close", "1")]:
        result = _run(db, *args)
        lines = result.stdout.splitlines() + result.stderr.splitlines()
        assert lines and _english(lines) == [], args
        shown += lines
    assert any("营销活动 1：WM-1Y" in line for line in shown)  # the call's talking point
    assert any("卓越白金" in line for line in shown)  # the tiers of the list, as names
    assert any(line.startswith("错误: 营销活动 1 已于") for line in shown)  # closed twice


@pytest.mark.parametrize("args", [("plan", "today", "--rm", "RM1003"), ("report", "kpi"),
                                  ("plan", "today", "--encoding", "latin-1"),
                                  ("plan", "today", "--rm", "RM1001")])
def test_a_chinese_session_on_an_80_column_screen_shows_no_english(bank, args):
    """The plan as blocks of lines, the note on a report's columns left out, an encoding's
    refusal."""
    result = CliRunner().invoke(app, ["--db", str(bank), "--today", TODAY, "--lang", "zh",
                                      *args],
                                env={"NO_COLOR": "1", "VIPCRM_LANG": None, "COLUMNS": "80"},
                                catch_exceptions=False)
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert lines and _english(lines) == []
    if args[0] == "plan" and result.exit_code == 0:
        assert "┃" not in result.stdout
        assert any(line.startswith("  事由：") for line in lines)
    if args[0] == "report":
        assert any("列宽度下未显示：" in line for line in lines)


def test_a_chinese_nightly_run_and_its_calendars_show_no_english(bank, tmp_path):
    db = tmp_path / "bank.db"
    shutil.copy(bank, db)
    result = _run(db, "nightly", "--outbox", tmp_path / "out", "--backup-dir", tmp_path / "bak")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert [line.split("：")[0] for line in lines] == ["备份", "客户分层", "分配", "流失预警",
                                                      "计划", "夜间任务"]
    assert re.fullmatch(r"流失预警：成功 截至 2026-11-27：已评分 \d+ 位客户，\d+ 位有流失风险，\d+ 项变化 "
                        r"\[\d+\.\d 秒\]", lines[3])
    assert _english(lines) == []
    calendars = sorted((tmp_path / "out").glob("*.ics"))
    shown = [line for path in calendars for line in _ics_text(path.read_text(encoding="utf-8"))]
    assert shown and _english(shown) == []
    assert any(line.startswith(("面访 ", "致电 ")) for line in shown)


def test_a_chinese_plan_calendar_has_no_balance_and_no_english(bank, tmp_path):
    db = tmp_path / "bank.db"
    shutil.copy(bank, db)
    result = _run(db, "plan", "today", "--rm", "RM1003", "--format", "ics")
    shown = _ics_text(result.stdout)
    assert shown and _english(shown) == []
    assert not any("金额" in line or line.startswith("资产 ") for line in shown)
    assert any("到期：" in line for line in shown)  # the maturity, without its amount


def test_a_chinese_dashboard_shows_no_english(bank, tmp_path):
    page = tmp_path / "d.html"
    result = _run(bank, "report", "dashboard", "-o", page)
    assert result.exit_code == 0, result.stderr
    visible = _Visible()
    visible.feed(page.read_text(encoding="utf-8"))
    assert any(line.startswith("期间") and "持仓" in line for line in visible.lines)
    assert _english(visible.lines + result.stderr.splitlines()) == []


def test_csv_and_json_keep_the_codes_and_the_talking_points_follow_the_language(bank):
    import json

    zh = json.loads(_run(bank, "plan", "today", "--rm", "RM1003", "--format", "json").stdout)
    en = json.loads(_run(bank, "plan", "today", "--rm", "RM1003", "--format", "json",
                         lang="en").stdout)
    assert [(r["reasons"], r["channel"], r["tier"]) for r in zh] == \
        [(r["reasons"], r["channel"], r["tier"]) for r in en]
    assert {"maturity", "cadence"} <= {reason for r in zh for reason in r["reasons"]}
    assert zh[0]["talking_points"][0].endswith("客户")
    assert en[0]["talking_points"][0].endswith(" tier")


def test_the_guard_catches_english(bank):
    assert _english(["RM1003 贾华平 · BJ01 · 8/12", "WM-90A 季季盈 --include-non-working",
                     "vipcrm 计划", "C000172：已更新 occupation"]) == \
        ["C000172：已更新 occupation"]
    assert _english(["上次联系 电话 no_answer"]) == ["上次联系 电话 no_answer"]
    assert _english(["'xml'；请从 table, csv 中选择（参见 'root plan --help'）",
                     "请先运行 `vipcrm tier --recompute`", "渠道 'fax'：请使用 phone, sms 之一"]) == []
