"""The direct-insert path of import (every row new) and its fallback to the staged path.

Whichever path an import takes, the database, the counts and the rejects must be the same as
the staged path alone gives: these tests force the fallback half-way through a file.
"""

from __future__ import annotations

import csv

import pytest

from tests.datafiles import contents, summary, write_csv

# Every test here runs with the file parsed in this process and in the worker process.
pytestmark = pytest.mark.usefixtures("reading_process")


def _base(cli, tmp_path):
    write_csv(tmp_path / "rms.csv", [["rm_id", "name", "branch", "grade"], ["R1", "A", "B1", "l1"]])
    write_csv(tmp_path / "products.csv", [["product_code", "name", "asset_class"],
                                          ["DEP", "Deposit", "deposit"], ["FND", "Fund", "fund"]])
    clients = [["client_id", "name", "home_branch"]] + [[f"C{i:03d}", f"N{i}", "B1"]
                                                        for i in range(300)]
    write_csv(tmp_path / "clients.csv", clients)
    for kind in ("rms", "products", "clients"):
        assert cli("import", kind, tmp_path / f"{kind}.csv").exit_code == 0


def test_first_load_inserts_every_row(cli, sql, tmp_path):
    _base(cli, tmp_path)
    assert sql("SELECT COUNT(*) FROM clients") == [(300,)]
    assert sql("SELECT segment, contact_consent FROM clients WHERE client_id = 'C000'") == [
        ("retail", "all")]


def test_unknown_client_half_way_falls_back_with_exact_counts_and_rejects(cli, sql, tmp_path):
    _base(cli, tmp_path)
    rows = [["txn_id", "client_id", "date", "branch", "amount"]]
    rows += [[f"T{i}", f"C{i:03d}", "2026-11-01", "B1", "10.00"] for i in range(150)]
    rows += [["T150", "C001", "2026/13/01", "B1", "10.00"]]  # a bad cell, rejected while parsing
    rows += [["T151", "C999", "2026-11-01", "B1", "10.00"]]  # unknown client: the insert fails
    rows += [[f"T{i}", f"C{i:03d}", "2026-11-02", "B1", "1.00"] for i in range(152, 200)]
    path = write_csv(tmp_path / "transactions.csv", rows)
    result = cli("import", "transactions", path, "--format", "json")
    assert result.exit_code == 3
    counts = summary(result)
    assert (counts["read"], counts["inserted"], counts["rejected"]) == (200, 198, 2)
    with open(tmp_path / "transactions.rejects.csv", encoding="utf-8-sig") as handle:
        rejected = sorted((r["_line"], r["txn_id"]) for r in csv.DictReader(handle))
    assert rejected == [("152", "T150"), ("153", "T151")]  # each once, not twice
    assert sql("SELECT COUNT(*), MAX(date) FROM transactions") == [(198, "2026-11-02")]
    assert sql("SELECT latest FROM freshness WHERE feed = 'transactions'") == [("2026-11-02",)]


def test_existing_keys_take_the_staged_path_and_count_unchanged(cli, tmp_path):
    _base(cli, tmp_path)
    result = cli("import", "clients", tmp_path / "clients.csv", "--format", "json")
    counts = summary(result)
    assert (counts["inserted"], counts["unchanged"]) == (0, 300)


def test_positions_with_repeated_balances_store_change_points_only(cli, sql, tmp_path, db_path):
    _base(cli, tmp_path)
    rows = [["client_id", "product_code", "as_of", "balance"]]
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        rows += [[f"C{i:03d}", "DEP", day, "100.00" if day < "2026-11-03" or i else "90.00"]
                 for i in range(3)]
    path = write_csv(tmp_path / "positions.csv", rows)
    counts = summary(cli("import", "positions", path, "--format", "json"))
    # Three first points, then one change (C000 on the 3rd); the rest carry forward.
    assert (counts["inserted"], counts["unchanged"]) == (4, 5)
    assert sql("SELECT client_id, as_of, balance, asset_class FROM positions ORDER BY 1, 2") == [
        ("C000", "2026-11-01", 10000, "deposit"), ("C000", "2026-11-03", 9000, "deposit"),
        ("C001", "2026-11-01", 10000, "deposit"), ("C002", "2026-11-01", 10000, "deposit")]


def test_direct_and_staged_paths_store_the_same(cli, tmp_path, db_path, monkeypatch):
    """The same file into an empty table (direct) and, in a second database, after a row that
    forces the staged path: identical rows."""
    _base(cli, tmp_path)
    rows = [["txn_id", "client_id", "date", "branch", "amount", "channel"]]
    rows += [[f"T{i}", f"C{i % 300:03d}", "20261101", "B1", "1,234.50", "=cmd"] for i in range(50)]
    path = write_csv(tmp_path / "transactions.csv", rows)
    assert cli("import", "transactions", path).exit_code == 0
    direct = contents(db_path)["transactions"]

    other = tmp_path / "other.db"
    monkeypatch.setenv("VIPCRM_DB", str(other))
    _base(cli, tmp_path)
    write_csv(tmp_path / "first.csv", [rows[0], rows[1]])
    assert cli("import", "transactions", tmp_path / "first.csv").exit_code == 0
    assert cli("import", "transactions", path).exit_code == 0  # T0 exists: staged path
    assert contents(other)["transactions"] == direct


def _clients_file(path, rows_before: int, tail: list[list[str]]):
    """A clients file of `rows_before` plain rows (no quote byte anywhere), then `tail`."""
    header = ["client_id", "name", "home_branch", "address"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows_before):
            writer.writerow([f"C{i:06d}", f"客户{i}", "B1", f"北京市朝阳区{i}号院{i % 97}栋"])
        writer.writerows(tail)
    return path


def test_a_formula_guard_after_megabytes_without_quotes_is_still_undone(cli, sql, tmp_path):
    # The parser skips the guard check until the reader has seen a quote byte: the quote here
    # first appears after several megabytes.
    path = _clients_file(tmp_path / "clients.csv", 60_000,
                         [["Z1", "'=HYPERLINK(1)", "B1", "'+86 路"], ["Z2", "O'Brien", "B1", ""]])
    assert path.stat().st_size > 3 * 2**20
    assert cli("import", "clients", path).exit_code == 0
    assert sql("SELECT name, address FROM clients WHERE client_id IN ('Z1', 'Z2') "
               "ORDER BY client_id") == [("=HYPERLINK(1)", "+86 路"), ("O'Brien", None)]
    assert sql("SELECT COUNT(*) FROM clients") == [(60_002,)]


def test_direct_rejects_name_the_first_line_of_multi_line_rows(cli, sql, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        "client_id,name,home_branch,address\n"
        "C1,Zhao,B1,\"line one\nline two\"\n"      # lines 2-3
        "\n"                                        # line 4, blank
        "C2,Qian,B1,\"a\r\nb\nc\"\n"                # lines 5-7
        ",Sun,B1,\"x\ny\"\n"                        # lines 8-9: no client id
        "C4,Li,B1,plain\n",                         # line 10
        encoding="utf-8", newline="")
    result = cli("import", "clients", path, "--format", "json")
    assert result.exit_code == 3
    with open(tmp_path / "clients.rejects.csv", newline="", encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["_line"], r["_errors"]) for r in rejects] == [
        ("8", "client_id: required value missing")]
    assert sql("SELECT client_id, address FROM clients ORDER BY client_id") == [
        ("C1", "line one\nline two"), ("C2", "a\r\nb\nc"), ("C4", "plain")]


def test_progress_is_reported_by_bytes_up_to_the_whole_file(db_path, tmp_path):
    from vipcrm.store.db import open_db
    from vipcrm.store.imports import ImportOptions, import_file

    path = _clients_file(tmp_path / "clients.csv", 40_000, [])
    seen: list[tuple[int, int]] = []
    options = ImportOptions(progress=lambda done, total: seen.append((done, total)))
    db = open_db(db_path)
    import_file(db, "clients", path, options)
    size = path.stat().st_size
    assert len(seen) >= 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (size, size)
