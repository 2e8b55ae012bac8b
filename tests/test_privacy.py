"""Masking by default and owner-only files (DOMAIN §9): a known client's full phone and ID
number appear in no output format, error or log unless --unmask, which is audited."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import stat

import pytest

from datafiles import write_csv
from test_nightly_support import TODAY, demo_extracts
from vipcrm.demo import load_demo
from vipcrm.jobs.refresh import refresh
from vipcrm.store.db import open_db
from vipcrm.store.settings import load_config

REPORTS = ["tiers", "migration", "coverage", "rm", "timeshare", "pipeline", "kpi", "review",
           "completeness", "segments", "corporates"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("privacy") / "demo.db"
    db = open_db(path)
    load_demo(db, TODAY, clients=100, seed=7, user="demo")
    refresh(db, load_config(db), TODAY, "demo", [TODAY - dt.timedelta(days=30)])
    db.conn.close()
    return path


@pytest.fixture
def bank(template, db_path):
    shutil.copy(template, db_path)
    return db_path


@pytest.fixture
def client(cli, bank, sql):
    """A client in today's plan, with a phone, an ID number, an RM and contacts."""
    assert run(cli, "tier", "corporate").exit_code == 0
    planned = {line["client_id"] for line in json.loads(
        run(cli, "plan", "today", "--format", "json").stdout)}
    rows = sql("SELECT c.client_id, c.name, c.phone, c.id_number, a.rm_id FROM clients c "
               "JOIN assignments a USING (client_id) WHERE c.phone IS NOT NULL "
               "AND c.id_number IS NOT NULL AND a.rm_id IS NOT NULL "
               "AND EXISTS (SELECT 1 FROM followups f WHERE f.client_id = c.client_id) "
               "ORDER BY c.client_id")
    chosen = next(row for row in rows if row[0] in planned)
    return dict(zip(("id", "name", "phone", "id_number", "rm"), chosen))


def run(cli, *args):
    return cli("--today", TODAY.isoformat(), *args)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def everything_shown(cli, client, tmp_path) -> dict[tuple, str]:
    """stdout and stderr of every command that shows client data, in every format, masked."""
    c, rm = client["id"], client["rm"]
    commands = [("export", kind, "--format", fmt)
                for kind in ("clients", "followups", "positions", "transactions")
                for fmt in ("csv", "json")]
    commands += [("client", "show", c, "--format", fmt) for fmt in ("table", "json")]
    commands += [("plan", "today", "--format", fmt) for fmt in ("table", "csv", "json", "ics")]
    commands += [("plan", "week", "--rm", rm, "--format", fmt) for fmt in ("csv", "ics")]
    commands += [("tier", "list", "--format", fmt) for fmt in ("table", "csv", "json")]
    commands += [("tier", "show", c), ("tier", "history", c)]
    commands += [("followup", "list", "--client", c, "--format", fmt)
                 for fmt in ("table", "csv", "json")]
    commands += [("assign", "list", "--format", "json"), ("assign", "explain", c),
                 ("assign", "load")]
    commands += [("report", name, "--format", fmt) for name in REPORTS
                 for fmt in ("table", "json")]
    commands += [("report", "dashboard", "-o", tmp_path / "dashboard.html")]
    commands += [("audit", "--format", "json")]
    shown = {}
    for args in commands:
        result = run(cli, *args)
        assert result.exit_code in (0, 3), (args, result.stderr)
        shown[args] = result.stdout + result.stderr
    shown[("dashboard.html",)] = (tmp_path / "dashboard.html").read_text(encoding="utf-8")
    return shown


def test_no_output_shows_a_full_phone_or_id_number(cli, client, tmp_path):
    shown = everything_shown(cli, client, tmp_path)
    leaks = [args for args, text in shown.items()
             if client["phone"] in text or client["id_number"] in text]
    assert leaks == []
    # The client is in them, masked.
    assert client["phone"][:3] + "****" + client["phone"][-4:] in shown[
        ("export", "clients", "--format", "csv")]
    assert client["id_number"][-4:] in shown[("client", "show", client["id"], "--format", "json")]
    assert client["name"] in shown[("plan", "today", "--format", "csv")]


def test_errors_and_the_nightly_log_show_no_full_phone_or_id(cli, client, tmp_path, sql):
    c = client["id"]
    masked_phone = client["phone"][:3] + "****" + client["phone"][-4:]
    rows = [["client_id", "name", "home_branch", "phone", "id_number", "birth_date"],
            [c, client["name"], "BJ01", masked_phone, client["id_number"], "not a date"]]
    bad = write_csv(tmp_path / "clients_fix.csv", rows)
    outputs = [run(cli, "import", "clients", bad), run(cli, "import", "clients", bad, "--strict"),
               run(cli, "client", "update", c, "--set", f"phone={masked_phone}"),
               run(cli, "client", "update", c, "--set", "birth_date=1990-02-30"),
               run(cli, "client", "show", "NOBODY")]
    assert [r.exit_code for r in outputs] == [3, 1, 1, 1, 1]
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "clients_fix.csv", rows + [[c, client["name"], "BJ01", "", "", "1990-02-30"]])
    outputs.append(run(cli, "nightly", "--inbox", inbox, "--outbox", tmp_path / "plans"))
    assert outputs[-1].exit_code == 3, outputs[-1].stdout
    for result in outputs:
        text = result.stdout + result.stderr
        assert client["phone"] not in text and client["id_number"] not in text, text
    for path in (tmp_path / "plans").iterdir():
        text = path.read_text(encoding="utf-8")
        assert client["phone"] not in text and client["id_number"] not in text, path
    # The rejects file holds the row as it came (its purpose), and only its owner reads it.
    rejects = inbox / "done" / "clients_fix.rejects.csv"
    assert client["id_number"] in rejects.read_text(encoding="utf-8-sig")
    assert mode(rejects) == 0o600
    assert mode(tmp_path / "clients_fix.rejects.csv") == 0o600
    details = " ".join(d for (d,) in sql("SELECT details FROM audit_log"))
    assert client["phone"] not in details and client["id_number"] not in details


def test_unmask_shows_them_and_is_audited(cli, client, sql, monkeypatch):
    monkeypatch.setenv("VIPCRM_USER", "compliance")
    export = run(cli, "export", "clients", "--unmask")
    show = run(cli, "client", "show", client["id"], "--unmask", "--format", "json")
    for result in (export, show):
        assert result.exit_code == 0
        assert client["phone"] in result.stdout and client["id_number"] in result.stdout
    audited = sql("SELECT user, command, details FROM audit_log ORDER BY id DESC LIMIT 2")
    assert [(user, command) for user, command, _ in audited] == [
        ("compliance", "client show --unmask"), ("compliance", "export clients --unmask")]
    assert client["id"] in audited[0][2]


def test_files_holding_personal_data_are_owner_only(cli, bank, tmp_path):
    assert mode(bank) == 0o600
    for fmt in ("csv", "json"):
        target = tmp_path / f"clients.{fmt}"
        assert run(cli, "export", "clients", "-o", target, "--format", fmt).exit_code == 0
        assert mode(target) == 0o600
    assert run(cli, "backup", tmp_path / "copy.db").exit_code == 0
    assert mode(tmp_path / "copy.db") == 0o600
    inbox = demo_extracts(tmp_path / "inbox", clients=40)
    assert run(cli, "nightly", "--inbox", inbox, "--outbox", tmp_path / "plans",
               "--backup-dir", tmp_path / "backups").exit_code in (0, 3)
    written = [*(tmp_path / "plans").iterdir(), *(tmp_path / "backups").iterdir(),
               *(inbox / "done").glob("*.rejects.csv")]
    assert written and all(mode(path) == 0o600 for path in written)
    assert mode(tmp_path / "plans") == mode(tmp_path / "backups") == 0o700
    new_db = tmp_path / "new.db"
    assert cli("--db", new_db, "config", "set", "plan.daily_capacity", "12").exit_code == 0
    assert mode(new_db) == 0o600
