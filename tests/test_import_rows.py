"""DATA.md "Bad input": rejects, --strict, --dry-run, upserts, references and the import log."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat

import pytest

from datafiles import SAMPLES, contents, load_samples, summary, write_csv

# Every test here runs with the file parsed in this process and in the worker process.
pytestmark = pytest.mark.usefixtures("reading_process")

CLIENT_HEADER = ["client_id", "name", "home_branch", "birth_date", "phone"]


def rejects_of(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def bad_file(tmp_path):
    return write_csv(tmp_path / "clients.csv", [
        CLIENT_HEADER,
        ["C1", "Good Row", "BJ01", "1980-01-01", "13500001111"],
        ["C2", "Ambiguous Date", "BJ01", "03/04/1980", "13500002222"],
        ["C3", "", "BJ01", "1981-13-01", "13500003333"],
        ["C4", "Also Good", "SH01", "", ""],
    ])


# --- rejected rows ----------------------------------------------------------------------------

def test_bad_rows_are_rejected_and_good_rows_loaded(cli, sql, tmp_path, bad_file):
    result = cli("import", "clients", bad_file)

    assert result.exit_code == 3
    assert sql("SELECT client_id FROM clients ORDER BY 1") == [("C1",), ("C4",)]
    assert "read=4 inserted=2 updated=0 unchanged=0 rejected=2" in result.stderr
    assert f"rejected rows written to {tmp_path / 'clients.rejects.csv'}" in result.stderr


def test_the_summary_shows_the_first_five_rejects(cli, tmp_path):
    rows = [CLIENT_HEADER] + [[f"C{i}", "", "BJ01", "", ""] for i in range(8)]
    result = cli("import", "clients", write_csv(tmp_path / "c.csv", rows))
    assert result.stderr.count("rejected line") == 5
    assert "… and 3 more rejected row(s)" in result.stderr
    assert len(rejects_of(tmp_path / "c.rejects.csv")) == 9


def test_rejects_file_names_line_and_column_and_holds_the_original_row(bad_file, cli, tmp_path):
    cli("import", "clients", bad_file)
    path = tmp_path / "clients.rejects.csv"

    rows = rejects_of(path)

    assert rows[0] == ["_line", "_errors"] + CLIENT_HEADER
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    assert rows[1][2:] == ["C2", "Ambiguous Date", "BJ01", "03/04/1980", "13500002222"]
    assert rows[1][1].startswith("birth_date: '03/04/1980' is ambiguous")
    assert rows[2][2:] == ["C3", "", "BJ01", "1981-13-01", "13500003333"]
    assert "name: required value missing" in rows[2][1]
    assert "birth_date: '1981-13-01' is not a real date" in rows[2][1]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_rejects_option_chooses_the_path(bad_file, cli, tmp_path):
    target = tmp_path / "out" / "bad rows.csv"
    target.parent.mkdir()
    cli("import", "clients", bad_file, "--rejects", target)
    assert len(rejects_of(target)) == 3
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not (tmp_path / "clients.rejects.csv").exists()


def test_rejects_file_once_fixed_imports_without_warnings(bad_file, cli, sql, tmp_path):
    cli("import", "clients", bad_file)
    path = tmp_path / "clients.rejects.csv"
    rows = rejects_of(path)
    rows[1][5], rows[2][3], rows[2][5] = "1980-04-03", "Fixed Name", "1981-12-01"
    fixed = write_csv(tmp_path / "fixed.csv", rows)

    result = cli("import", "clients", fixed)

    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr
    assert sql("SELECT client_id, name, birth_date FROM clients WHERE client_id IN ('C2', 'C3') "
               "ORDER BY 1") == [("C2", "Ambiguous Date", "1980-04-03"),
                                 ("C3", "Fixed Name", "1981-12-01")]


def test_no_rejects_file_when_every_row_is_good(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "A", "BJ01", "", ""]])
    assert cli("import", "clients", path).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["c.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vipcrm")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_import_from_a_read_only_folder_without_rejects(cli, sql, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = write_csv(folder / "c.csv", [CLIENT_HEADER, ["C1", "A", "BJ01", "", ""]])
    folder.chmod(0o555)
    try:
        result = cli("import", "clients", path)
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT client_id FROM clients") == [("C1",)]


def test_strict_refuses_the_whole_file_and_changes_nothing(cli, db_path, tmp_path, bad_file):
    first = write_csv(tmp_path / "first.csv", [CLIENT_HEADER, ["C9", "Known", "BJ01", "", ""]])
    cli("import", "clients", first)
    before = contents(db_path)

    result = cli("import", "clients", bad_file, "--strict")

    assert result.exit_code == 1
    assert "2 bad row(s) and --strict: nothing imported" in result.stderr
    assert contents(db_path) == before


def test_dry_run_reports_and_writes_nothing_at_all(cli, db_path, tmp_path, bad_file):
    first = write_csv(tmp_path / "first.csv", [CLIENT_HEADER, ["C1", "Old Name", "BJ01", "", ""]])
    cli("import", "clients", first)
    before = contents(db_path)

    result = cli("import", "clients", bad_file, "--dry-run", "--format", "json")

    assert result.exit_code == 3
    assert summary(result) == {"kind": "clients", "file": "clients.csv", "read": 4,
                               "inserted": 1, "updated": 1, "unchanged": 0, "rejected": 2}
    assert "dry run: nothing written" in result.stderr
    assert contents(db_path) == before
    assert len(before["import_log"]) == 1
    assert not (tmp_path / "clients.rejects.csv").exists()


def test_dry_run_does_not_even_open_a_rejects_file(cli, tmp_path, bad_file):
    result = cli("import", "clients", bad_file, "--dry-run", "--rejects",
                 tmp_path / "no-such-folder" / "r.csv")
    assert result.exit_code == 3
    assert "line 3: birth_date" in result.stderr


def test_strict_dry_run_refuses_and_writes_nothing(cli, blank_db, db_path, tmp_path, bad_file):
    before = contents(db_path)
    result = cli("import", "clients", bad_file, "--dry-run", "--strict")
    assert result.exit_code == 1
    assert "--strict: nothing imported; fix the rows and import again" in result.stderr
    assert contents(db_path) == before
    assert not (tmp_path / "clients.rejects.csv").exists()


def test_dry_run_of_positions_creates_no_product(cli, db_path, tmp_path):
    load_samples(cli, tmp_path, upto="positions")
    before = contents(db_path)
    path = write_csv(tmp_path / "p.csv", [["client_id", "product_code", "as_of", "balance",
                                           "asset_class"],
                                          ["C0001", "NEW-1", "2026-11-27", "10", "fund"]])
    result = cli("import", "positions", path, "--dry-run", "--format", "json")
    assert result.exit_code == 0
    assert summary(result)["created_products"] == 1
    assert contents(db_path) == before


# --- upserts ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(SAMPLES))
def test_importing_the_same_file_twice_changes_nothing(cli, db_path, tmp_path, kind):
    load_samples(cli, tmp_path, upto=kind)
    path = write_csv(tmp_path / f"{kind}-again.csv", SAMPLES[kind])
    first = cli("import", kind, path, "--format", "json")
    after_first = contents(db_path)

    second = cli("import", kind, path, "--format", "json")

    rows = len(SAMPLES[kind]) - 1
    assert first.exit_code == 0 and second.exit_code == 0, first.stderr + second.stderr
    assert summary(first)["inserted"] == rows
    counts = summary(second)
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (0, 0, rows)
    again = contents(db_path)
    for table in ("import_log", "audit_log"):
        again.pop(table), after_first.pop(table)
    assert again == after_first


def test_changed_row_is_updated_and_others_unchanged(cli, sql, tmp_path):
    first = write_csv(tmp_path / "a.csv", [CLIENT_HEADER, ["C1", "A", "BJ01", "", ""],
                                           ["C2", "B", "BJ01", "", ""]])
    cli("import", "clients", first)
    second = write_csv(tmp_path / "b.csv", [CLIENT_HEADER, ["C1", "A", "BJ01", "", ""],
                                            ["C2", "B", "SH01", "", ""],
                                            ["C3", "C", "SH01", "", ""]])

    result = cli("import", "clients", second, "--format", "json")

    counts = summary(result)
    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (1, 1, 1)
    assert sql("SELECT client_id, home_branch FROM clients ORDER BY 1") == [
        ("C1", "BJ01"), ("C2", "SH01"), ("C3", "SH01")]


def test_empty_optional_cells_keep_known_values(cli, sql, tmp_path):
    full = write_csv(tmp_path / "a.csv", [CLIENT_HEADER + ["segment"],
                                          ["C1", "A", "BJ01", "1980-01-01", "13800001234",
                                           "corporate"]])
    cli("import", "clients", full)
    blanks = write_csv(tmp_path / "b.csv", [CLIENT_HEADER + ["segment"],
                                            ["C1", "A", "BJ01", "", "", ""]])

    kept = cli("import", "clients", blanks, "--format", "json")

    assert summary(kept)["unchanged"] == 1
    assert sql("SELECT birth_date, phone, segment FROM clients") == [
        ("1980-01-01", "13800001234", "corporate")]

    cleared = cli("import", "clients", blanks, "--blank-clears", "--format", "json")

    assert cleared.exit_code == 0, cleared.stderr
    assert summary(cleared)["updated"] == 1
    # A cleared column with a default goes back to it.
    assert sql("SELECT birth_date, phone, segment FROM clients") == [(None, None, "retail")]


def test_columns_absent_from_the_file_are_never_touched(cli, sql, tmp_path):
    cli("import", "clients", write_csv(tmp_path / "a.csv", [
        CLIENT_HEADER, ["C1", "A", "BJ01", "1980-01-01", "13800001234"]]))
    result = cli("import", "clients", write_csv(tmp_path / "b.csv", [
        ["client_id", "name", "home_branch"], ["C1", "B", "BJ01"]]), "--blank-clears")
    assert result.exit_code == 0
    assert sql("SELECT name, birth_date, phone FROM clients") == [("B", "1980-01-01", "13800001234")]


def test_defaults_fill_columns_on_first_insert(cli, sql, tmp_path):
    cli("import", "rms", write_csv(tmp_path / "r.csv", [["rm_id", "name", "branch", "grade", "active"],
                                                        ["RM1", "Wang", "BJ01", "l1", ""]]))
    assert sql("SELECT exam_passed, active FROM rms") == [(1, 1)]


def test_duplicate_key_inside_the_file_rejects_the_later_row(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "First", "BJ01", "", ""],
                                          ["C2", "Other", "BJ01", "", ""],
                                          ["C1", "Second", "SH01", "", ""]])
    result = cli("import", "clients", path)
    assert result.exit_code == 3
    assert "line 4: duplicate key client_id (first on line 2)" in result.stderr
    assert sql("SELECT client_id, name FROM clients ORDER BY 1") == [("C1", "First"), ("C2", "Other")]


# --- protected cells --------------------------------------------------------------------------

@pytest.mark.parametrize("column, masked", [
    ("phone", "138****1234"),
    ("phone", "****"),
    ("id_number", "**************1234"),
])
def test_masked_phone_or_id_is_refused(cli, sql, tmp_path, column, masked):
    cli("import", "clients", write_csv(tmp_path / "a.csv", [
        ["client_id", "name", "home_branch", column], ["C1", "A", "BJ01", "13800001234"]]))
    result = cli("import", "clients", write_csv(tmp_path / "b.csv", [
        ["client_id", "name", "home_branch", column], ["C1", "A", "BJ01", masked]]))
    assert result.exit_code == 3
    assert f"{column}: is a masked value" in result.stderr
    assert sql(f"SELECT {column} FROM clients") == [("13800001234",)]


@pytest.mark.parametrize("cell, stored", [
    ("'=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")"),
    ("'+86 138", "+86 138"),
    ("'-42", "-42"),
    ("'@SUM(A1)", "@SUM(A1)"),
    ("'plain", "'plain"),
    ("O'Brien", "O'Brien"),
    ("'", "'"),
    ("''=x", "'=x"),
])
def test_leading_quote_before_a_formula_character_is_stripped(cli, sql, tmp_path, cell, stored):
    path = write_csv(tmp_path / "c.csv", [["client_id", "name", "home_branch", "phone"],
                                          ["C1", cell, "BJ01", cell]])
    assert cli("import", "clients", path).exit_code == 0
    assert sql("SELECT name, phone FROM clients") == [(stored, stored)]


def test_extra_columns_are_warned_about_once(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER + ["Shoe Size", "vip_flag"],
                                          ["C1", "A", "BJ01", "", "", "42", "Y"],
                                          ["C2", "B", "BJ01", "", "", "40", "N"]])
    result = cli("import", "clients", path)
    assert result.exit_code == 0
    assert result.stderr.count("Warning:") == 1
    assert "Warning: ignored column(s) not used by clients: Shoe Size, vip_flag" in result.stderr


def test_out_of_range_values_are_rejected(cli, sql, tmp_path):
    load_samples(cli, tmp_path, upto="followups")
    path = write_csv(tmp_path / "f.csv", [
        ["followup_id", "client_id", "rm_id", "date", "channel", "satisfaction", "minutes"],
        ["F1", "C0001", "RM001", "2026-11-01", "电话", "6", "10"],
        ["F2", "C0001", "RM001", "2026-11-01", "fax", "5", "10"],
        ["F3", "C0001", "RM001", "2026-11-01", "phone", "5", "-1"],
        ["F4", "C0001", "RM001", "2026-11-01", "电话", "5", "1440"]])
    result = cli("import", "followups", path)
    assert result.exit_code == 3
    assert "satisfaction: '6' is outside 1-5" in result.stderr
    assert "channel: 'fax' is not one of" in result.stderr
    assert "minutes: '-1' is outside 0-1440" in result.stderr
    assert sql("SELECT followup_id, channel FROM followups") == [("F4", "phone")]


# --- references -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, header, row, message", [
    ("positions", ["client_id", "product_code", "as_of", "balance"],
     ["C9", "DEP-CUR", "2026-11-27", "1"], "client_id: 'C9' unknown client; import clients first"),
    ("positions", ["client_id", "product_code", "as_of", "balance"],
     ["C0001", "NOPE", "2026-11-27", "1"], "asset_class: required for a product not in the catalogue"),
    ("navs", ["product_code", "date", "nav"], ["NOPE", "2026-11-27", "1"],
     "product_code: 'NOPE' unknown product; import products first"),
    ("transactions", ["txn_id", "client_id", "date", "branch"], ["T9", "C9", "2026-11-27", "BJ01"],
     "client_id: 'C9' unknown client"),
    ("followups", ["followup_id", "client_id", "rm_id", "date", "channel"],
     ["F9", "C9", "RM001", "2026-11-27", "phone"], "client_id: 'C9' unknown client"),
    ("followups", ["followup_id", "client_id", "rm_id", "date", "channel"],
     ["F9", "C0001", "RM9", "2026-11-27", "phone"], "rm_id: 'RM9' unknown rm; import rms first"),
    ("followups", ["followup_id", "client_id", "rm_id", "date", "channel", "joint_rm_id"],
     ["F9", "C0001", "RM001", "2026-11-27", "phone", "RM9"], "joint_rm_id: 'RM9' unknown rm"),
    ("followups", ["followup_id", "client_id", "rm_id", "date", "channel", "product_code"],
     ["F9", "C0001", "RM001", "2026-11-27", "phone", "NOPE"], "product_code: 'NOPE' unknown product"),
    ("timesheets", ["rm_id", "date", "category", "minutes"], ["RM9", "2026-11-27", "vip", "1"],
     "rm_id: 'RM9' unknown rm"),
    ("corporates", ["client_id", "review_year"], ["C9", "2026"],
     "client_id: 'C9' unknown client; import clients first"),
    ("corporates", ["client_id", "review_year"], ["C0001", "2026"],
     "client_id: 'C0001' is not a corporate client (segment=corporate)"),
])
def test_unknown_references_are_rejected(cli, db_path, tmp_path, kind, header, row, message):
    load_samples(cli, tmp_path, upto="positions")
    before = contents(db_path)
    result = cli("import", kind, write_csv(tmp_path / "x.csv", [header, row]))
    assert result.exit_code == 3
    assert f"line 2: {message}" in result.stderr
    after = contents(db_path)
    assert len(after.pop("import_log")) == len(before.pop("import_log")) + 1
    after.pop("audit_log"), before.pop("audit_log")
    assert after == before


def test_positions_create_an_unknown_product_when_the_class_is_given(cli, sql, tmp_path):
    load_samples(cli, tmp_path, upto="positions")
    path = write_csv(tmp_path / "p.csv", [
        ["client_id", "product_code", "as_of", "balance", "asset_class"],
        ["C0001", "GOLD-1", "2026-11-27", "100", "贵金属"],
        ["C0002", "GOLD-1", "2026-11-27", "200", ""]])
    result = cli("import", "positions", path, "--format", "json")
    assert result.exit_code == 3
    assert summary(result)["created_products"] == 1
    # The class is required on every row of a product the catalogue does not know yet.
    assert "line 3: asset_class: required for a product not in the catalogue" in result.stderr
    assert sql("SELECT product_code, name, asset_class FROM products WHERE product_code = 'GOLD-1'") \
        == [("GOLD-1", "GOLD-1", "metal")]
    assert sql("SELECT client_id, balance, asset_class FROM positions WHERE product_code = 'GOLD-1'") \
        == [("C0001", 10000, "metal")]


def test_corporate_reviews_need_a_corporate_client(cli, sql, tmp_path):
    load_samples(cli, tmp_path, upto="corporates")
    path = write_csv(tmp_path / "corp.csv", [["客户号", "评级年度", "信用等级"],
                                             ["C0004", "2026", "AAA"], ["C0001", "2026", "AA"]])
    result = cli("import", "corporates", path)
    assert result.exit_code == 3
    assert sql("SELECT client_id, review_year, credit_rating FROM corporates") == [
        ("C0004", 2026, "AAA")]


# --- the import log ---------------------------------------------------------------------------

def test_each_import_is_logged_with_file_hash_user_and_counts(cli, sql, tmp_path, bad_file):
    result = cli("import", "clients", bad_file, env={"VIPCRM_USER": "wang.fang"})
    assert result.exit_code == 3

    (log,) = sql("SELECT kind, file, sha256, user, read, inserted, updated, unchanged, rejected, "
                 "started_at <= finished_at, options FROM import_log")

    assert log[:10] == ("clients", "clients.csv", hashlib.sha256(bad_file.read_bytes()).hexdigest(),
                        "wang.fang", 4, 2, 0, 0, 2, 1)
    assert json.loads(log[10])["strict"] is False
    (audit,) = sql("SELECT user, command, details FROM audit_log WHERE command LIKE 'import%'")
    assert audit[:2] == ("wang.fang", "import clients")
    assert json.loads(audit[2])["inserted"] == 2


def test_unknown_kind_is_a_usage_error(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER])
    result = cli("import", "customers", path)
    assert result.exit_code == 2
    assert "clients" in result.stderr


def test_full_snapshot_is_for_positions_only(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "A", "BJ01", "", ""]])
    result = cli("import", "clients", path, "--full-snapshot")
    assert result.exit_code == 1
    assert "--full-snapshot applies to positions files only" in result.stderr
