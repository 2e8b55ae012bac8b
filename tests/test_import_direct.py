"""The direct-insert path of import (every row new) and its fallback to the staged path.

Whichever path an import takes, the database, the counts and the rejects must be the same as
the staged path alone gives: these tests force the fallback half-way through a file.
"""

from __future__ import annotations

import csv

from tests.datafiles import contents, summary, write_csv


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
