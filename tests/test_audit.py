"""The audit log (DOMAIN §9): every write, who ran it, when, what it changed; `vipcrm audit`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from datafiles import SAMPLES, load_samples, write_csv

TODAY = "2026-11-27"
USER = "auditor"

# Each write command and the audit command it records.
WRITES = [
    (("config", "set", "plan.daily_capacity", "10"), "config set plan.daily_capacity"),
    (("tier", "--recompute"), "tier --recompute"),
    (("assign",), "assign"),
    (("assign", "set", "C0001", "RM002"), "assign set"),
    (("followup", "log", "C0001", "--channel", "phone", "--rm", "RM001", "--minutes", "10"),
     "followup log"),
    (("followup", "time", "RM001", "--minutes", "30", "--category", "admin"), "followup time"),
    (("client", "update", "C0001", "--set", "hobbies=tennis"), "client update"),
    (("tier", "corporate"), "tier corporate"),
    (("export", "clients", "--unmask"), "export clients --unmask"),
    (("client", "show", "C0001", "--unmask"), "client show --unmask"),
    (("purge", "--ended-before", "2026-06-30"), "purge"),
]
READS = [
    ("plan", "today"), ("tier", "list"), ("tier", "show", "C0001"), ("assign", "list"),
    ("report", "tiers"), ("followup", "list"), ("export", "clients"), ("client", "show", "C0001"),
    ("config", "show"), ("audit",), ("purge", "--ended-before", "2026-06-30", "--dry-run"),
]


@pytest.fixture
def run(cli, monkeypatch):
    monkeypatch.setenv("VIPCRM_USER", USER)

    def invoke(*args):
        return cli("--today", TODAY, *args)

    return invoke


@pytest.fixture
def loaded(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("VIPCRM_USER", USER)
    load_samples(cli, tmp_path)


def entries(sql):
    return sql("SELECT id, at, user, command, details FROM audit_log ORDER BY id")


def test_every_import_is_recorded_with_its_counts(loaded, sql):
    rows = entries(sql)
    assert [row[3] for row in rows] == [f"import {kind}" for kind in SAMPLES]
    for _, at, user, command, details in rows:
        assert user == USER
        stamp = dt.datetime.fromisoformat(at)
        assert stamp.tzinfo is not None
        assert abs((dt.datetime.now(dt.timezone.utc) - stamp).total_seconds()) < 600
        counts = json.loads(details)
        kind = command.split()[1]
        assert counts["file"] == f"{kind}.csv"
        assert counts["read"] == len(SAMPLES[kind]) - 1 == counts["inserted"] + counts["rejected"]


def test_every_write_command_adds_one_entry_and_every_read_none(loaded, run, sql, tmp_path):
    for args, command in WRITES:
        before = len(entries(sql))
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        added = entries(sql)[before:]
        assert [(row[2], row[3]) for row in added] == [(USER, command)], args
        assert isinstance(json.loads(added[0][4]), dict)
    before = entries(sql)
    for args in READS:
        result = run(*args)
        assert result.exit_code in (0, 3), (args, result.stderr)
    assert entries(sql) == before


def test_backup_and_nightly_steps_are_recorded(loaded, run, sql, tmp_path):
    assert run("backup", tmp_path / "copy.db").exit_code == 0
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "calendar.csv", SAMPLES["calendar"][:1] + [["2027-05-01", "holiday", ""]])
    before = len(entries(sql))
    assert run("nightly", "--inbox", inbox, "--backup-dir", tmp_path / "backups").exit_code == 0
    added = [(row[2], row[3]) for row in entries(sql)[before:]]
    assert added == [(USER, "backup"), (USER, "import calendar"), (USER, "tier --recompute"),
                     (USER, "assign"), (USER, "attrition --recompute")]


def test_a_refused_write_leaves_no_entry(loaded, run, sql, tmp_path):
    before = entries(sql)
    bad = write_csv(tmp_path / "bad.csv", [["client_id", "name", "home_branch"],
                                           ["C7", "", "BJ01"]])
    assert run("import", "clients", bad, "--strict").exit_code == 1
    assert run("tier", "--recompute", "--as-of", "2026-12-31").exit_code == 1
    assert run("assign", "set", "C0001", "NOBODY").exit_code == 1
    assert entries(sql) == before


def test_audit_lists_the_newest_entries_oldest_first(loaded, run, sql):
    assert run("tier", "--recompute").exit_code == 0
    assert run("assign").exit_code == 0

    everything = json.loads(run("audit", "--format", "json").stdout)
    assert [e["command"] for e in everything] == [row[3] for row in entries(sql)]
    assert set(everything[0]) == {"id", "at", "user", "command", "details"}

    newest = json.loads(run("audit", "--limit", "2", "--format", "json").stdout)
    assert [e["command"] for e in newest] == ["tier --recompute", "assign"]

    imports = json.loads(run("audit", "--command", "import", "--format", "json").stdout)
    assert [e["command"] for e in imports] == [f"import {kind}" for kind in SAMPLES]

    local_today = dt.date.today()
    assert len(json.loads(run("audit", "--from", local_today.isoformat(), "--format", "json"
                              ).stdout)) == len(everything)
    assert json.loads(run("audit", "--from", (local_today + dt.timedelta(days=1)).isoformat(),
                          "--format", "json").stdout) == []

    table = run("audit").stdout
    assert "tier --recompute" in table and USER in table
