"""The inbox cannot be turned against the nightly run: links out of it are skipped with a
reason and left where they are, and crafted file names cannot forge summary lines or send
terminal escapes (real files, real symbolic links)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from datafiles import contents
from vipcrm.formats.escape import printable

TODAY = dt.date(2026, 11, 27)
LINE = re.compile(r"^[^:]+: (ok|rejects|failed|skipped)( .*)? \[\d+\.\d s\]$")
SECRET = "client_id,name,home_branch\nC9001,Secret Person,BJ01\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(EXAMPLES / "rms.csv", folder / "rms.csv")
    return folder


@pytest.fixture
def secret(tmp_path):
    """A file outside the inbox that the nightly user can read."""
    path = tmp_path / "elsewhere" / "secret.csv"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def nightly(cli, inbox):
    return cli("--today", TODAY.isoformat(), "nightly", "--inbox", inbox)


def test_a_link_to_a_file_outside_the_inbox_is_skipped_with_a_reason_and_left(
        cli, sql, inbox, secret):
    link = inbox / "clients_20261127.csv"
    link.symlink_to(secret)

    result = nightly(cli, inbox)

    assert result.exit_code == 0, result.stdout
    assert (f"import clients_20261127.csv: skipped a symbolic link (to {secret}): only files in "
            "the inbox itself are imported; left where it is") in result.stdout
    assert "import rms rms.csv: ok" in result.stdout
    assert all(LINE.match(line) for line in result.stdout.splitlines()), result.stdout
    # Left where it is, the target untouched, nothing of it read into the database or a file.
    assert link.is_symlink() and os.readlink(link) == str(secret)
    assert secret.read_text(encoding="utf-8") == SECRET
    assert sql("SELECT kind FROM import_log") == [("rms",)]
    assert sql("SELECT COUNT(*) FROM clients") == [(0,)]
    assert not any("Secret" in p.read_text(encoding="utf-8", errors="replace")
                   for p in (inbox / "done").iterdir())


def test_links_inside_the_inbox_and_dangling_links_are_skipped_too(cli, sql, inbox, tmp_path):
    (inbox / "rms_again.csv").symlink_to(inbox / "rms.csv")
    (inbox / "clients.csv").symlink_to(tmp_path / "gone.csv")
    (inbox / "notes.txt").symlink_to(inbox / "rms.csv")

    result = nightly(cli, inbox)

    assert result.exit_code == 0, result.stdout
    skipped = sorted(line.split(":")[0] for line in result.stdout.splitlines()
                     if "skipped a symbolic link" in line)
    assert skipped == ["import clients.csv", "import notes.txt", "import rms_again.csv"]
    assert sql("SELECT kind FROM import_log") == [("rms",)]
    assert sorted(p.name for p in inbox.iterdir()) == ["clients.csv", "done", "notes.txt",
                                                       "rms_again.csv"]


def test_a_linked_folder_is_the_operators_and_not_reported(cli, inbox, tmp_path):
    (tmp_path / "archive").mkdir()
    (inbox / "archive").symlink_to(tmp_path / "archive")
    result = nightly(cli, inbox)
    assert result.exit_code == 0
    assert "archive" not in result.stdout


def test_a_file_swapped_for_a_link_after_the_listing_is_not_imported(
        db_path, inbox, secret, monkeypatch):
    from vipcrm.jobs import inbox as inbox_module
    from vipcrm.store.db import open_db

    link = inbox / "clients.csv"
    link.symlink_to(secret)
    # The listing saw a regular file; by the time it is imported, it is a link.
    monkeypatch.setattr(inbox_module, "pending_files", lambda folder: [("clients", link)])
    db = open_db(db_path)
    before = contents(db_path)

    [result] = inbox_module.import_inbox(db, inbox, "ops")

    assert (result.status, result.file) == ("skipped", "clients.csv")
    assert "a symbolic link" in str(result.detail)
    assert contents(db_path) == before
    assert link.is_symlink()


CRAFTED = "clients\nnightly: ok exit 0: 1 step(s), 0 failed [0.0 s]\r\x1b[2J\x07\u2028.csv"
SHOWN = "clients\\nnightly: ok exit 0: 1 step(s), 0 failed [0.0 s]\\r\\x1b[2J\\x07\\u2028.csv"


def test_a_crafted_name_is_shown_escaped_on_one_line(cli, inbox):
    (inbox / CRAFTED).write_text("not,a,clients\nfile,at,all\n", encoding="utf-8")

    result = nightly(cli, inbox)

    assert result.exit_code == 1  # the file is refused (no client columns) and moved to failed/
    lines = result.stdout.splitlines()
    assert all(LINE.match(line) for line in lines), lines
    assert not re.search(r"[\x00-\x1f\x7f\u2028]", result.stdout.replace("\n", ""))
    [line] = [line for line in lines if line.startswith("import clients ")]
    assert line.startswith(f"import clients {SHOWN}: failed {SHOWN}: missing required column")
    assert sum(line.startswith("nightly:") for line in lines) == 1
    [reason] = [p for p in (inbox / "failed").iterdir() if p.name.endswith(".reason.txt")]
    text = reason.read_text(encoding="utf-8")
    assert text.count("\n") == 1 and SHOWN in text and "\x1b" not in text
    # The file itself keeps its name: it is the bank's to look at.
    assert (inbox / "failed" / CRAFTED).exists()


def test_a_crafted_name_in_a_real_process_sends_no_escape_to_the_terminal(db_path, inbox):
    (inbox / "notes\x1b]0;owned\x07\x1b[31m.txt").write_text("x\n", encoding="utf-8")
    env = {**os.environ, "VIPCRM_DB": str(db_path), "VIPCRM_TODAY": TODAY.isoformat()}

    run = subprocess.run([sys.executable, "-m", "vipcrm", "nightly", "--inbox", str(inbox)],
                         capture_output=True, env=env, timeout=120)

    assert run.returncode == 0, run.stderr
    assert b"\x1b" not in run.stdout + run.stderr and b"\x07" not in run.stdout
    assert (b"import notes\\x1b]0;owned\\x07\\x1b[31m.txt: skipped not named after a kind"
            in run.stdout)


def test_errors_and_messages_of_any_command_are_escaped(cli, tmp_path):
    path = tmp_path / "clients\x1b[2J\n.csv"
    path.write_text("client_id,name,home_branch\nC1,Zhao,BJ01\n", encoding="utf-8")

    imported = cli("import", "clients", path)
    refused = cli("import", "clients", tmp_path / "no\rsuch.csv")

    assert imported.exit_code == 0
    assert "clients\\x1b[2J\\n.csv: read=1 inserted=1" in imported.stderr
    assert "\x1b" not in imported.stderr
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "no\\rsuch.csv" in refused.stderr


@pytest.mark.parametrize("text, shown", [
    ("clients.csv", "clients.csv"),
    ("客户 2026年.csv", "客户 2026年.csv"),
    ("a\u3000b\u00a0c", "a\u3000b\u00a0c"),  # spaces of every width stay
    ("a\tb", "a\\tb"),
    ("\x00\x1f\x7f", "\\x00\\x1f\\x7f"),
    ("\x85\x9b", "\\x85\\x9b"),  # C1 controls: NEL and CSI
    ("\u200b\u202e\ufeff", "\\u200b\\u202e\\ufeff"),  # zero-width, right-to-left override, BOM
    ("\u2028\u2029", "\\u2028\\u2029"),
    ("\U000e0001", "\\U000e0001"),
    ("\\x41", "\\x41"),
])
def test_printable_escapes_what_could_move_the_cursor_or_hide_text(text, shown):
    assert printable(text) == shown


def test_an_inbox_reached_through_a_linked_folder_is_still_read(cli, sql, inbox, tmp_path):
    # The checks compare real paths on both sides: /data/inbox -> /mnt/extracts is fine.
    linked = tmp_path / "linked-inbox"
    linked.symlink_to(inbox, target_is_directory=True)
    result = nightly(cli, linked)
    assert result.exit_code == 0, result.stdout
    assert "import rms rms.csv: ok" in result.stdout
    assert sql("SELECT kind FROM import_log") == [("rms",)]
