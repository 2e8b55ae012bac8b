"""`vipcrm purge --ended-before DATE` (DOMAIN §9, PIPL minimisation): the personal data of clients
whose relationship ended goes, everywhere and on disk; their numbers still count."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest

from tests.datafiles import query

from test_nightly_support import TODAY, contents, integrity
from vipcrm.demo import load_demo
from vipcrm.jobs.refresh import refresh
from vipcrm.store.db import open_db
from vipcrm.store.settings import load_config

CUTOFF = "2026-10-01"
EARLY_CLOSE = "2025-12-31"

AGGREGATES = {
    "positions": "SELECT as_of, asset_class, SUM(balance), COUNT(*) FROM positions "
                 "GROUP BY 1, 2",
    "transactions": "SELECT branch, COUNT(*), SUM(amount) FROM transactions GROUP BY 1",
    "followups": "SELECT rm_id, stage, channel, COUNT(*), SUM(amount), SUM(minutes) "
                 "FROM followups GROUP BY 1, 2, 3",
    "tiers": "SELECT tier, status, COUNT(*), SUM(aum) FROM tiers GROUP BY 1, 2",
    "tier_history": "SELECT effective, from_tier, to_tier, COUNT(*) FROM tier_history "
                    "GROUP BY 1, 2, 3",
    "assignments": "SELECT rm_id, COUNT(*) FROM assignments GROUP BY 1",
    "assignment_history": "SELECT changed_on, to_rm, COUNT(*) FROM assignment_history "
                          "GROUP BY 1, 2",
    "clients": "SELECT home_branch, segment, COUNT(*) FROM clients GROUP BY 1, 2",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The demo bank with tiers and assignment, and a few more clients closed long ago: the
    three with the most contacts (and tier history) before the cutoff, one on it exactly."""
    path = tmp_path_factory.mktemp("purge") / "demo.db"
    db = open_db(path)
    load_demo(db, TODAY, clients=100, seed=7, user="demo")
    refresh(db, load_config(db), TODAY, "demo", [TODAY - dt.timedelta(days=30)])
    conn = db.conn
    busy = [c for (c,) in conn.execute(
        "SELECT f.client_id FROM followups f JOIN clients c USING (client_id) "
        "WHERE c.closed_on IS NULL AND c.phone IS NOT NULL AND c.id_number IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM tier_history h WHERE h.client_id = f.client_id) "
        "GROUP BY f.client_id ORDER BY COUNT(*) DESC, f.client_id LIMIT 4")]
    conn.executemany("UPDATE clients SET closed_on = ? WHERE client_id = ?",
                     [(EARLY_CLOSE, c) for c in busy[:3]] + [(CUTOFF, busy[3])])
    conn.close()
    return path


@pytest.fixture
def bank(template, db_path):
    shutil.copy(template, db_path)
    return db_path


def aggregates(db_path):
    return {name: sorted(query(db_path, statement), key=repr)
            for name, statement in AGGREGATES.items()}


def people(db_path, where: str):
    """What identifies a client: id, name, phone, ID number, email, address."""
    return query(db_path, "SELECT client_id, name, phone, id_number, email, address "
                          f"FROM clients WHERE {where} ORDER BY client_id")


def dump(db_path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def purge(cli, *args):
    return cli("--today", TODAY.isoformat(), "purge", *args)


def test_purge_erases_the_person_everywhere_and_keeps_the_numbers(cli, bank):
    purged = people(bank, f"closed_on < '{CUTOFF}'")
    assert len(purged) == 5
    kept_open = people(bank, f"closed_on IS NULL OR closed_on >= '{CUTOFF}'")
    counts_before = aggregates(bank)
    assert cli("--today", TODAY.isoformat(), "client", "show", purged[0][0], "--unmask"
               ).exit_code == 0  # an audit entry that names the client

    result = purge(cli, "--ended-before", CUTOFF)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == "5 client(s) purged: personal data erased, ids pseudonymised\n"
    assert integrity(bank) == [("ok",)]
    # Nothing that identifies them is left, not in any table and not in the file's bytes.
    text = dump(bank)
    raw = bank.read_bytes()
    for person in purged:
        for value in filter(None, person):
            assert value not in text, value
            assert value.encode() not in raw, value
    assert not bank.with_name(bank.name + "-wal").exists() or \
        bank.with_name(bank.name + "-wal").stat().st_size == 0
    rows = query(bank, f"SELECT * FROM clients WHERE closed_on < '{CUTOFF}'")
    columns = [c[1] for c in query(bank, "PRAGMA table_info(clients)")]
    kept = {"client_id", "name", "segment", "home_branch", "contact_consent", "opened_on",
            "closed_on"}
    for row in rows:
        record = dict(zip(columns, row))
        assert record["client_id"].startswith("P-") and record["name"] == "(purged)"
        assert {k: v for k, v in record.items() if k not in kept and v is not None} == {}
    assert query(bank, "SELECT COUNT(*) FROM followups WHERE client_id LIKE 'P-%' "
                       "AND (note IS NOT NULL OR referral IS NOT NULL)") == [(0,)]
    # Their numbers still count; everyone else is as before.
    assert aggregates(bank) == counts_before
    assert people(bank, f"closed_on IS NULL OR closed_on >= '{CUTOFF}'") == kept_open
    # The audit log still says what was done, under the pseudonym.
    entry = query(bank, "SELECT details FROM audit_log WHERE command = 'client show --unmask'")
    pseudonym = json.loads(entry[0][0])["client_id"]
    assert pseudonym.startswith("P-")
    assert query(bank, "SELECT name FROM clients WHERE client_id = ?", [pseudonym]) == [
        ("(purged)",)]
    assert query(bank, "SELECT user, command, details FROM audit_log ORDER BY id DESC LIMIT 1"
                 )[0][1:] == ("purge", json.dumps({"clients": 5, "ended_before": CUTOFF}))


def test_purging_twice_changes_nothing(cli, bank):
    assert purge(cli, "--ended-before", CUTOFF).exit_code == 0
    once = contents(bank, skip=("audit_log",))

    again = purge(cli, "--ended-before", CUTOFF)

    assert again.exit_code == 0
    assert again.stderr.startswith("0 client(s) purged")
    assert contents(bank, skip=("audit_log",)) == once


def test_a_relationship_that_ended_on_the_date_is_kept(cli, bank):
    on_cutoff = people(bank, f"closed_on = '{CUTOFF}'")
    assert len(on_cutoff) == 1
    assert purge(cli, "--ended-before", CUTOFF).exit_code == 0
    assert people(bank, f"closed_on = '{CUTOFF}'") == on_cutoff
    assert purge(cli, "--ended-before", "2026-10-02").stderr.startswith("1 client(s) purged")
    assert people(bank, f"closed_on = '{CUTOFF}'")[0][1] == "(purged)"


def test_dry_run_counts_and_changes_nothing(cli, bank):
    before = contents(bank)
    result = purge(cli, "--ended-before", CUTOFF, "--dry-run")
    assert result.exit_code == 0
    assert result.stderr == "5 client(s) would be purged (dry run: nothing changed)\n"
    assert contents(bank) == before


@pytest.mark.parametrize("cutoff, message", [
    ("2026-11-28", "--ended-before 2026-11-28 is after today"),
    ("yesterday", "--ended-before"),
])
def test_refusals_change_nothing(cli, bank, cutoff, message):
    before = contents(bank)
    result = purge(cli, "--ended-before", cutoff)
    assert result.exit_code in (1, 2)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert contents(bank) == before


def test_a_client_whose_assessment_and_id_expiry_were_replaced_is_purged_with_them(cli, bank):
    """client_data_changes holds a client's replaced assessment dates and ID expiries: their
    rows move to the pseudonym (the foreign key to clients holds) and lose the dates, personal
    data like the client's own."""
    closed = query(bank, f"SELECT client_id FROM clients WHERE closed_on < '{CUTOFF}' "
                         "ORDER BY client_id")[0][0]
    with sqlite3.connect(bank) as conn:
        conn.executemany(
            "INSERT INTO client_data_changes (client_id, field, old_value, new_value, "
            "changed_on, source) VALUES (?, ?, ?, ?, ?, ?)",
            [(closed, "risk_assessed_on", "2023-03-14", "2024-03-15", "2024-03-15", "import"),
             (closed, "id_expiry", "2025-06-30", "2035-06-30", "2025-06-01", "client update")])
    conn.close()
    others = query(bank, "SELECT * FROM client_data_changes WHERE client_id <> ? ORDER BY id",
                   [closed])

    result = purge(cli, "--ended-before", CUTOFF)

    assert result.exit_code == 0, result.stderr
    assert integrity(bank) == [("ok",)]
    assert query(bank, "PRAGMA foreign_key_check") == []
    rows = query(bank, "SELECT client_id, field, old_value, new_value, changed_on, source "
                       "FROM client_data_changes WHERE client_id NOT IN "
                       "(SELECT client_id FROM clients WHERE name <> '(purged)') ORDER BY id")
    assert [row[1:] for row in rows] == [
        ("risk_assessed_on", None, None, "2024-03-15", "import"),
        ("id_expiry", None, None, "2025-06-01", "client update")]
    assert rows[0][0].startswith("P-") and rows[0][0] == rows[1][0]
    assert query(bank, "SELECT name FROM clients WHERE client_id = ?", [rows[0][0]]) == [
        ("(purged)",)]
    assert query(bank, "SELECT * FROM client_data_changes WHERE client_id <> ? ORDER BY id",
                 [rows[0][0]]) == others


def test_every_column_that_refers_to_a_client_is_renamed_or_erased(blank_db):
    """A table added later with a client id (a foreign key to clients) must be in purge's list,
    or the purge of such a client fails on its foreign key."""
    from vipcrm.store.purge import CLIENT_REFERENCES

    # A company's key people go with it; a client leaves its household (family ties are personal).
    erased = {("corporate_contacts", "client_id"), ("household_members", "client_id")}
    referring = set()
    for (table,) in query(blank_db, "SELECT name FROM sqlite_master WHERE type = 'table'"):
        for key in query(blank_db, f"PRAGMA foreign_key_list('{table}')"):
            if key[2] == "clients":
                referring.add((table, key[3]))
    assert referring - erased == set(CLIENT_REFERENCES)
