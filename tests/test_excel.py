"""CSV files people open in Excel on Chinese Windows (issue 13, point 3).

`--encoding utf-8-sig|gbk|gb18030|utf-8` on every command that writes a CSV for people; files
default to UTF-8 with a byte-order mark (how Excel knows it is UTF-8), pipes to plain UTF-8; the
nightly plan files follow `outbox.encoding`. Whatever the encoding, `import` reads the file back.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import sqlite3
import subprocess
import sys

import pytest

from datafiles import contents, load_samples
from test_nightly_support import TODAY, copy_inbox, demo_extracts
from vipcrm.formats.kinds import IMPORT_ORDER
from vipcrm.formats.output import CSV_ENCODINGS

BOM = codecs.BOM_UTF8
RARE = "𠮷"  # U+20BB7: in GB18030 and Unicode, not in GBK


@pytest.fixture
def bank(cli, tmp_path, db_path):
    load_samples(cli, tmp_path)
    return db_path


def update(db_path, statement, params=()):
    conn = sqlite3.connect(db_path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("encoding", CSV_ENCODINGS)
def test_every_kind_exported_in_each_encoding_imports_back_unchanged(cli, bank, tmp_path,
                                                                     encoding):
    update(bank, "UPDATE clients SET name = '赵磊', address = '北京市西城区金融大街13号' "
                 "WHERE client_id = 'C0001'")
    folder = tmp_path / encoding
    folder.mkdir()
    for kind in IMPORT_ORDER:
        ok(cli("export", kind, "--unmask", "--encoding", encoding, "-o", folder / f"{kind}.csv"))

    raw = (folder / "clients.csv").read_bytes()
    assert raw.startswith(BOM) == (encoding == "utf-8-sig")
    text = raw.decode(encoding)  # the bytes are that encoding, strictly
    assert "赵磊" in text and "钱梅" in text
    if encoding in ("gbk", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really GBK, not UTF-8 by another name

    fresh = tmp_path / "fresh.db"
    for kind in IMPORT_ORDER:  # each detected on its own, no --encoding needed
        result = cli("--db", fresh, "import", kind, folder / f"{kind}.csv")
        assert result.exit_code == 0, f"{kind}: {result.stderr}"
    original, copy = contents(bank), contents(fresh)
    for bookkeeping in ("import_log", "audit_log", "_sqlite_migrations"):
        original.pop(bookkeeping), copy.pop(bookkeeping)
    assert copy == original
    assert ("C0001", "赵磊") in [row[:2] for row in copy["clients"]]


def test_a_file_gets_the_byte_order_mark_and_a_pipe_does_not(cli, bank, tmp_path):
    ok(cli("export", "clients", "-o", tmp_path / "file.csv"))
    assert (tmp_path / "file.csv").read_bytes().startswith(BOM + b"client_id,")

    # The test runner's stdout is a pipe to a program: plain UTF-8, as before.
    for command in (("export", "clients"), ("followup", "list", "--format", "csv"),
                    ("tier", "list", "--format", "csv"), ("config", "show", "--format", "csv"),
                    ("assign", "list", "--format", "csv"), ("audit", "--format", "csv"),
                    ("report", "tiers", "--format", "csv"),
                    ("plan", "2026-11-27", "--format", "csv")):
        plain = ok(cli("--today", "2026-11-27", *command)).stdout_bytes
        marked = ok(cli("--today", "2026-11-27", *command, "--encoding", "utf-8-sig"))
        assert not plain.startswith(BOM), command
        assert marked.stdout_bytes == BOM + plain, command
        assert plain.decode("utf-8").split("\n", 1)[0].isascii()


def test_gbk_and_gb18030_on_stdout(cli, bank):
    for encoding in ("gbk", "gb18030"):
        raw = ok(cli("followup", "list", "--format", "csv", "--encoding", encoding)).stdout_bytes
        as_utf8 = ok(cli("followup", "list", "--format", "csv")).stdout_bytes
        assert raw.decode(encoding) == as_utf8.decode("utf-8")
        config = ok(cli("config", "show", "--format", "csv", "--encoding", encoding))
        assert "§1" in config.stdout_bytes.decode(encoding)


def run_vipcrm(db_path, *args, stdout):
    env = {**os.environ, "VIPCRM_DB": str(db_path), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "vipcrm", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=env, check=True)


def test_stdout_redirected_to_a_new_file_is_a_file_for_people(bank, tmp_path):
    new = tmp_path / "new.csv"
    with open(new, "wb") as handle:  # vipcrm export clients > new.csv
        run_vipcrm(bank, "export", "clients", stdout=handle)
    assert new.read_bytes().startswith(BOM + b"client_id,")

    piped = run_vipcrm(bank, "export", "clients", stdout=subprocess.PIPE).stdout
    assert piped.startswith(b"client_id,")
    assert new.read_bytes() == BOM + piped

    appended = tmp_path / "appended.csv"
    appended.write_bytes(b"earlier lines\n")
    with open(appended, "ab") as handle:  # >> appended.csv: no mark in the middle of a file
        run_vipcrm(bank, "export", "clients", stdout=handle)
    assert appended.read_bytes() == b"earlier lines\n" + piped

    chosen = tmp_path / "chosen.csv"
    with open(chosen, "wb") as handle:
        run_vipcrm(bank, "export", "clients", "--encoding", "utf-8", stdout=handle)
    assert chosen.read_bytes() == piped


def test_a_character_gbk_lacks_is_refused_with_its_row_and_column(cli, bank, tmp_path, sql):
    update(bank, "UPDATE clients SET name = ? WHERE client_id = 'C0002'", (f"{RARE}梅",))
    update(bank, "UPDATE followups SET note = ? WHERE followup_id = 'F0002'", (f"见{RARE}",))
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "clients.csv"

    to_file = cli("export", "clients", "--unmask", "--encoding", "gbk", "-o", target)
    to_stdout = cli("export", "clients", "--encoding", "gbk")
    listed = cli("followup", "list", "--format", "csv", "--encoding", "gbk")

    expected = (f"column name: the character {RARE} (U+20BB7) cannot be written in gbk; nothing "
                "was written: choose utf-8-sig or gb18030, which hold every character")
    for result in (to_file, to_stdout):
        assert result.exit_code == 1
        assert result.stderr == f"Error: row 2 (client_id C0002), {expected}\n"
    assert list(target.parent.iterdir()) == []  # neither the file nor a temporary one
    assert to_stdout.stdout_bytes == b""
    assert listed.exit_code == 1 and listed.stdout_bytes == b""
    assert listed.stderr.startswith("Error: row 2 (followup_id F0002), column note: the "
                                    f"character {RARE} (U+20BB7)")
    # Nothing was recorded for the refused unmasked export.
    assert sql("SELECT COUNT(*) FROM audit_log WHERE command LIKE 'export%'") == [(0,)]

    # In Chinese too, and GB18030 holds it.
    zh = cli("--lang", "zh", "export", "clients", "--encoding", "gbk")
    assert zh.stderr.startswith(f"错误: 第 2 行（client_id C0002）name 列：字符 {RARE}（U+20BB7）")
    assert RARE in ok(cli("export", "clients", "--encoding", "gb18030")).stdout_bytes.decode(
        "gb18030")


@pytest.mark.parametrize("args, message", [
    (("export", "clients", "--encoding", "latin-1"),
     "'latin-1'; choose one of utf-8-sig, utf-8, gbk, gb18030"),
    (("export", "clients", "--format", "json", "--encoding", "gbk"),
     "gbk applies to --format csv only, not json"),
    (("tier", "list", "--encoding", "gbk"), "gbk applies to --format csv only, not table"),
    (("plan", "today", "--format", "ics", "--encoding", "utf-8-sig"),
     "utf-8-sig applies to --format csv only, not ics"),
    (("report", "kpi", "--format", "json", "--encoding", "gbk"),
     "gbk applies to --format csv only, not json"),
    (("report", "attrition", "--encoding", "gbk"), "gbk applies to --format csv only, not table"),
    (("campaign", "list", "--format", "json", "--encoding", "gbk"),
     "gbk applies to --format csv only, not json"),
    (("campaign", "report", "--format", "csv", "--encoding", "big5"),
     "'big5'; choose one of utf-8-sig, utf-8, gbk, gb18030"),
])
def test_the_encoding_is_one_of_four_and_for_csv_only(cli, bank, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1


def test_export_names_the_encoding_in_its_help(cli):
    result = ok(cli("export", "--help"))
    assert "utf-8-sig" in result.stdout and "gb18030" in result.stdout


# -- the nightly's plan files ---------------------------------------------------------------

@pytest.fixture(scope="module")
def extracts(tmp_path_factory):
    return demo_extracts(tmp_path_factory.mktemp("excel-extracts"), clients=60)


def nightly(cli, *args):
    return cli("--today", TODAY.isoformat(), "nightly", *args)


def test_the_outbox_encoding_is_a_setting_with_four_values(cli, blank_db):
    assert ok(cli("config", "set", "outbox.encoding", "gbk"))
    refused = cli("config", "set", "outbox.encoding", "latin-1")
    assert refused.exit_code == 1
    assert "expected one of utf-8-sig, utf-8, gbk, gb18030" in refused.stderr


def test_nightly_plan_files_are_written_in_the_outbox_encoding(cli, extracts, tmp_path, db_path):
    inbox = copy_inbox(extracts, tmp_path / "inbox")
    ok(cli("config", "set", "outbox.encoding", "gbk"))
    outbox = tmp_path / "plans"
    ok(nightly(cli, "--inbox", inbox, "--outbox", outbox))
    plans = sorted(outbox.glob("*.csv"))
    assert plans
    texts = [path.read_bytes().decode("gbk") for path in plans]
    assert all(text.startswith("plan_date,rm_id,") for text in texts)
    names = [row["name"] for text in texts for row in csv.DictReader(io.StringIO(text))]
    assert names and not all(name.isascii() for name in names)

    # One planned client's name GBK cannot hold: that RM's CSV is not written, every other
    # file is, and the step fails naming the file, the row, the column and the setting.
    plan, row = next((path, rows[0]) for path, rows in
                     ((path, list(csv.DictReader(io.StringIO(text))))
                      for path, text in zip(plans, texts)) if rows)
    update(db_path, "UPDATE clients SET name = ? WHERE client_id = ?",
           (RARE + row["name"], row["client_id"]))
    again = tmp_path / "again"
    result = nightly(cli, "--outbox", again)
    assert result.exit_code == 1
    [line] = [line for line in result.stdout.splitlines() if line.startswith("plans:")]
    day = row["plan_date"]
    assert line.startswith(f"plans: failed {day}: ")
    assert (f"1 CSV file(s) not written, the first {plan.name}: row 1 (plan_date {day}), "
            f"column name: the character {RARE} (U+20BB7) cannot be written in gbk") in line
    assert "`vipcrm config set outbox.encoding utf-8-sig`" in line
    written = sorted(path.name for path in again.glob("*.csv"))
    assert written == [path.name for path in plans if path != plan]
    assert len(list(again.glob("*.ics"))) == len(plans)
    assert list(again.glob(".plan-*")) == []

    ok(cli("config", "set", "outbox.encoding", "gb18030"))
    ok(nightly(cli, "--outbox", again))
    assert RARE in (again / plan.name).read_bytes().decode("gb18030")
