"""`vipcrm export`: every kind in its import format, masked unless --unmask, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat

import pytest

from datafiles import SAMPLES, contents, load_samples
from vipcrm.formats.kinds import IMPORT_ORDER, KINDS


@pytest.fixture
def bank(cli, tmp_path):
    load_samples(cli, tmp_path)
    return tmp_path


def export(cli, kind, *options, env=None):
    result = cli("export", kind, *options, env=env)
    assert result.exit_code == 0, result.stderr
    return result


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_exports_as_csv_and_json_with_the_import_columns(bank, cli, sql, kind):
    count = sql(f"SELECT COUNT(*) FROM {KINDS[kind].table}")[0][0]
    assert count > 0

    as_csv = export(cli, kind)
    as_json = export(cli, kind, "--format", "json")

    assert as_csv.stdout.splitlines()[0] == ",".join(KINDS[kind].column_names)
    assert len(csv_rows(as_csv.stdout)) == count
    records = json.loads(as_json.stdout)
    assert len(records) == count
    assert all(list(record) == KINDS[kind].column_names for record in records)
    assert f"exported {count} {kind} row(s)" in as_csv.stderr


def test_phones_and_ids_are_masked_by_default(bank, cli, sql):
    rows = {row["client_id"]: row for row in csv_rows(export(cli, "clients").stdout)}
    records = {r["client_id"]: r for r in json.loads(export(cli, "clients", "-f", "json").stdout)}

    assert (rows["C0001"]["phone"], rows["C0001"]["id_number"]) == ("138****1234",
                                                                     "**************1234")
    assert rows["C0002"]["phone"] == "'+86****5678"
    assert rows["C0004"]["phone"] == ""
    assert (records["C0001"]["phone"], records["C0001"]["id_number"]) == ("138****1234",
                                                                          "**************1234")
    assert records["C0004"]["phone"] is None
    assert sql("SELECT COUNT(*) FROM audit_log WHERE command LIKE 'export%'") == [(0,)]


def test_unmask_shows_full_numbers_and_is_audited(bank, cli, sql):
    result = export(cli, "clients", "--unmask", env={"VIPCRM_USER": "auditor"})

    rows = {row["client_id"]: row for row in csv_rows(result.stdout)}
    assert (rows["C0001"]["phone"], rows["C0001"]["id_number"]) == ("13800001234",
                                                                     "110101196802291234")
    (audit,) = sql("SELECT user, command, details FROM audit_log WHERE command LIKE 'export%'")
    assert audit[:2] == ("auditor", "export clients --unmask")
    assert json.loads(audit[2]) == {"output": "stdout"}


@pytest.mark.parametrize("length", range(1, 12))
def test_a_masked_phone_never_shows_more_than_the_last_four(bank, cli, db_path, length):
    phone = "123456789012345"[:length]
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE clients SET phone = ?, id_number = ? WHERE client_id = 'C0001'",
                 (phone, phone))
    conn.commit()
    conn.close()

    row = next(r for r in csv_rows(export(cli, "clients").stdout) if r["client_id"] == "C0001")

    for column in ("phone", "id_number"):
        assert "****" in row[column]
        visible = row[column].replace("*", "")
        assert len(visible) <= min(length - 1, 7)


def test_formula_looking_text_gets_a_leading_quote(bank, cli, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE clients SET address = '\tTabbed', family = '\rReturned', "
                 "hobbies = '+golf', email = 'plain@example.cn' WHERE client_id = 'C0001'")
    conn.commit()
    conn.close()

    clients = {r["client_id"]: r for r in csv_rows(export(cli, "clients", "--unmask").stdout)}
    products = {r["product_code"]: r for r in csv_rows(export(cli, "products").stdout)}
    followups = {r["followup_id"]: r for r in csv_rows(export(cli, "followups").stdout)}

    c1 = clients["C0001"]
    assert (c1["address"], c1["family"], c1["hobbies"]) == ("'\tTabbed", "'\rReturned", "'+golf")
    assert c1["email"] == "plain@example.cn"
    assert clients["C0002"]["occupation"] == "'@doctor"
    assert clients["C0002"]["phone"] == "'+8613900005678"
    assert products["FUND-EQ1"]["name"] == "'=Equity fund"
    assert followups["F0001"]["note"] == "'-wants a 1-year plan, \"safe\"\nsecond line"
    # Numbers are numbers, negative or not.
    positions = csv_rows(export(cli, "positions").stdout)
    assert [r["balance"] for r in positions if r["product_code"] == "LOAN-MTG"] == ["-1200000.10"]


def test_json_money_is_a_number_with_two_decimals(bank, cli):
    products = export(cli, "products", "--format", "json").stdout
    positions = export(cli, "positions", "--format", "json").stdout
    navs = export(cli, "navs", "--format", "json").stdout
    corporates = export(cli, "corporates", "--format", "json").stdout

    assert '"min_amount": 50000.00' in products and '"min_amount": 0.00' in products
    assert '"min_amount": 1000.05' in products
    assert '"balance": -1200000.10' in positions and '"balance": 3500000.00' in positions
    assert '"nav": 1.254300' in navs and '"nav": 0.987654' in navs
    assert '"collection_rate": 0.9300' in corporates
    assert '"contract_volume": 50000000.00' in corporates
    record = json.loads(products)[0]
    assert isinstance(record["min_amount"], float)


def test_json_keeps_text_exactly_and_uses_real_booleans(bank, cli, db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE followups SET note = '\"__fen__5\" is not money' WHERE followup_id = 'F0002'")
    conn.commit()
    conn.close()

    followups = {r["followup_id"]: r for r in json.loads(export(cli, "followups", "-f", "json").stdout)}
    rms = json.loads(export(cli, "rms", "-f", "json").stdout)
    products = {r["product_code"]: r for r in json.loads(export(cli, "products", "-f", "json").stdout)}

    assert followups["F0002"]["note"] == '"__fen__5" is not money'
    assert followups["F0001"]["note"].startswith("-wants")  # JSON is for programs: no quote
    assert followups["F0001"]["amount"] == 200000.0
    assert products["FUND-EQ1"]["name"] == "=Equity fund"
    assert [(r["rm_id"], r["exam_passed"], r["daily_capacity"]) for r in rms] == [
        ("RM001", True, None), ("RM002", False, 10)]


def test_empty_table_exports_a_header_or_an_empty_array(cli, blank_db):
    assert export(cli, "calendar").stdout_bytes == b"date,type,name\r\n"
    assert json.loads(export(cli, "calendar", "--format", "json").stdout) == []


def test_unmasked_csv_of_every_kind_imports_back_identically(bank, cli, db_path, tmp_path):
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE clients SET name = ?, address = ?, family = ?, hobbies = ?, "
                 "occupation = ? WHERE client_id = 'C0001'",
                 ("=1+2", "\tTabbed", "\rReturned", "'=not a formula",
                  'a "quoted", comma; semi\r\nline'))
    conn.commit()
    conn.close()
    folder = tmp_path / "exported"
    folder.mkdir()
    for kind in IMPORT_ORDER:
        export(cli, kind, "--unmask", "-o", folder / f"{kind}.csv")
    fresh = tmp_path / "fresh.db"

    for kind in IMPORT_ORDER:
        result = cli("--db", fresh, "import", kind, folder / f"{kind}.csv")
        assert result.exit_code == 0, f"{kind}: {result.stderr}"

    original, copy = contents(db_path), contents(fresh)
    for bookkeeping in ("import_log", "audit_log", "_sqlite_migrations"):
        original.pop(bookkeeping), copy.pop(bookkeeping)
    assert copy == original
    assert copy["clients"] and copy["positions"] and copy["followups"]


def test_a_masked_export_is_refused_on_import(bank, cli, sql, tmp_path):
    path = tmp_path / "masked.csv"
    export(cli, "clients", "-o", path)
    before = sql("SELECT client_id, phone, id_number FROM clients ORDER BY 1")

    result = cli("import", "clients", path)

    assert result.exit_code == 3
    assert "phone: is a masked value" in result.stderr
    assert "id_number: is a masked value" in result.stderr
    assert sql("SELECT client_id, phone, id_number FROM clients ORDER BY 1") == before


def test_export_file_is_private_and_stdout_stays_empty(bank, cli, tmp_path):
    path = tmp_path / "out.json"
    result = export(cli, "clients", "-o", path, "--format", "json")
    assert result.stdout == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(json.loads(path.read_text(encoding="utf-8"))) == len(SAMPLES["clients"]) - 1


def test_export_headers_stay_english_in_chinese(bank, cli):
    result = cli("--lang", "zh", "export", "rms")
    assert result.stdout.splitlines()[0].startswith("rm_id,name,branch")


@pytest.mark.parametrize("args", [("export", "customers"), ("export", "clients", "--format", "table"),
                                  ("export", "clients", "--format", "xml")])
def test_bad_export_arguments_are_usage_errors(cli, args):
    assert cli(*args).exit_code == 2


def test_export_to_a_folder_is_refused(cli, tmp_path):
    result = cli("export", "clients", "-o", tmp_path)
    assert result.exit_code == 1
    assert "is a folder" in result.stderr


def test_export_csv_is_what_the_importer_reads(bank, cli, tmp_path):
    # The CSV writes embedded newlines and quotes per RFC 4180, and the importer reads them back.
    path = tmp_path / "f.csv"
    export(cli, "followups", "-o", path)
    text = path.read_bytes().decode("utf-8")
    assert '"\'-wants a 1-year plan, ""safe""\nsecond line"' in text
    result = cli("import", "followups", path, "--format", "json")
    assert json.loads(result.stdout)[0]["unchanged"] == 2


def test_export_over_an_existing_readable_file_makes_it_private(bank, cli, tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    path.chmod(0o644)
    assert export(cli, "clients", "-o", path).exit_code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
