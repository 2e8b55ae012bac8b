"""The database shape: a blank database migrated to the whole schema, opened again unchanged.

When a migration adds a table or an index, add it to the lists below: this test is the record
of the schema.
"""

from __future__ import annotations

import stat

import pytest

from vipcrm.formats.kinds import KINDS
from vipcrm.store.db import StoreError, open_db
from vipcrm.store.schema import migrations

PRIMARY_KEYS = {
    "_sqlite_migrations": ("id",),
    "assignment_history": ("id",),
    "assignments": ("client_id",),
    "attrition_runs": ("as_of",),
    "attrition_scores": ("client_id", "as_of"),
    "audit_log": ("id",),
    "calendar": ("date",),
    "campaign_targets": ("campaign_id", "client_id"),
    "campaigns": ("campaign_id",),
    "client_data_changes": ("id",),
    "clients": ("client_id",),
    "corporate_contacts": ("client_id", "name"),
    "corporate_plans": ("client_id", "year"),
    "corporate_ratings": ("client_id", "review_year"),
    "corporate_strategy_overrides": ("client_id", "review_year"),
    "corporates": ("client_id", "review_year"),
    "followups": ("followup_id",),
    "freshness": ("feed",),
    "household_members": ("client_id",),
    "import_log": ("id",),
    "navs": ("product_code", "date"),
    "ownership": ("client_id",),
    "ownership_history": ("id",),
    "positions": ("client_id", "product_code", "as_of"),
    "products": ("product_code",),
    "prospects": ("id",),
    "rms": ("rm_id",),
    "settings": ("key",),
    "tier_history": ("id",),
    "tier_runs": ("as_of",),
    "tiers": ("client_id",),
    "timesheets": ("rm_id", "date", "category"),
    "transactions": ("txn_id",),
}

INDEXES = {
    ("assignment_history_client", "assignment_history", ("client_id",)),
    ("assignments_rm", "assignments", ("rm_id",)),
    ("attrition_scores_as_of", "attrition_scores", ("as_of",)),
    ("campaign_targets_client", "campaign_targets", ("client_id",)),
    ("audit_log_at", "audit_log", ("at",)),
    ("client_data_changes_client", "client_data_changes", ("client_id", "changed_on")),
    ("clients_home_branch", "clients", ("home_branch",)),
    ("followups_client_date", "followups", ("client_id", "date")),
    ("followups_rm_date", "followups", ("rm_id", "date")),
    ("followups_stage_date", "followups", ("stage", "date")),
    ("household_members_household", "household_members", ("household_id", "client_id")),
    ("idx__sqlite_migrations_migration_set_name", "_sqlite_migrations", ("migration_set", "name")),
    ("import_log_sha", "import_log", ("sha256",)),
    ("ownership_history_client", "ownership_history", ("client_id",)),
    ("positions_as_of", "positions", ("as_of",)),
    ("rms_branch", "rms", ("branch",)),
    ("tier_history_client", "tier_history", ("client_id", "effective")),
    ("tier_history_effective", "tier_history", ("effective",)),
    ("tiers_tier", "tiers", ("tier",)),
    ("transactions_client_branch_date", "transactions", ("client_id", "branch", "date")),
    ("transactions_client_date", "transactions", ("client_id", "date")),
    ("transactions_date", "transactions", ("date",)),
    ("transactions_typed", "transactions", ("date", "type")),
}


@pytest.fixture
def blank(tmp_path):
    path = tmp_path / "blank.db"
    db = open_db(path)
    yield path, db
    db.conn.close()


def primary_keys(conn) -> dict[str, tuple[str, ...]]:
    keys = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%'"):
        columns = conn.execute(f"PRAGMA table_info('{table}')").fetchall()
        keys[table] = tuple(c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5])
    return keys


def indexes(conn) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(name, table, tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{name}')")))
            for name, table in conn.execute("SELECT name, tbl_name FROM sqlite_master "
                                            "WHERE type = 'index' AND sql IS NOT NULL")}


def schema_sql(conn) -> list[tuple]:
    return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def test_a_blank_database_gets_every_table_key_and_index(blank):
    _, db = blank
    assert primary_keys(db.conn) == PRIMARY_KEYS
    assert indexes(db.conn) == INDEXES
    assert not migrations.pending(db)


@pytest.mark.parametrize("kind", KINDS.values(), ids=list(KINDS))
def test_every_import_column_has_a_table_column(blank, kind):
    _, db = blank
    columns = {c[1] for c in db.conn.execute(f"PRAGMA table_info('{kind.table}')")}
    assert set(kind.column_names) <= columns
    assert PRIMARY_KEYS[kind.table] == kind.key


def test_opening_an_up_to_date_database_changes_nothing(blank):
    path, db = blank
    applied = db.conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations "
                              "ORDER BY id").fetchall()
    shape = schema_sql(db.conn)

    again = open_db(path)

    assert again.conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations "
                              "ORDER BY id").fetchall() == applied
    assert schema_sql(again.conn) == shape
    assert [name for _, name, _ in applied][0] == "m001_initial"
    again.conn.close()


MIGRATIONS = ["m001_initial", "m002_followup_recognition", "m003_ownership",
              "m004_maturity_lead_per_class", "m005_sale_compliance", "m006_client_data_changes",
              "m007_import_today", "m008_corporate_file", "m009_households",
              "m010_campaigns_attrition"]


def test_migrations_are_applied_once_each_in_order(blank):
    """Each branch's migration keeps its number when branches land: two branches once both
    named an m008, so the business file kept it, households took m009, campaigns and the
    attrition warning m010."""
    _, db = blank
    names = [name for (name,) in db.conn.execute("SELECT name FROM _sqlite_migrations "
                                                 "ORDER BY id")]
    assert names == MIGRATIONS


def test_database_file_is_private_with_wal_and_foreign_keys(blank):
    path, db = blank
    db.conn.execute("INSERT INTO calendar VALUES ('2027-01-01', 'holiday', NULL)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for companion in ("-wal", "-shm"):
        file = path.with_name(path.name + companion)
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_foreign_keys_are_enforced(blank):
    import sqlite3

    _, db = blank
    with pytest.raises(sqlite3.IntegrityError):
        db.conn.execute("INSERT INTO transactions (txn_id, client_id, date, branch) "
                        "VALUES ('T1', 'nobody', '2026-01-01', 'BJ01')")


def test_cli_creates_the_database_private_on_first_use(cli, tmp_path):
    path = tmp_path / "new" / "bank.db"
    path.parent.mkdir()
    assert cli("--db", path, "config", "set", "plan.daily_capacity", "12").exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_db(tmp_path)


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_db(tmp_path / "nowhere" / "x.db")


def test_a_file_that_is_not_a_database_is_refused(tmp_path, cli):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="is not a vipcrm database"):
        open_db(path)
    result = cli("--db", path, "config", "show")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "not a vipcrm database" in result.stderr
