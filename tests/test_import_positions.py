"""Positions are stored as change points; --full-snapshot closes what a complete file leaves out."""

from __future__ import annotations

import pytest

from datafiles import contents, summary, write_csv

# Every test here runs with the file parsed in this process and in the worker process.
pytestmark = pytest.mark.usefixtures("reading_process")

HEADER = ["client_id", "product_code", "as_of", "balance", "maturity_date"]


@pytest.fixture
def bank(cli, tmp_path):
    cli("import", "clients", write_csv(tmp_path / "clients.csv", [
        ["client_id", "name", "home_branch"], ["C1", "Zhao", "BJ01"], ["C2", "Qian", "BJ01"],
        ["C3", "Sun", "SH01"]]))
    cli("import", "products", write_csv(tmp_path / "products.csv", [
        ["product_code", "name", "asset_class"], ["DEP", "Deposit", "deposit"],
        ["FUND", "Fund", "fund"], ["WM", "Wealth plan", "wealth"]]))
    count = iter(range(1000))

    def positions(rows, *options):
        path = write_csv(tmp_path / f"positions-{next(count)}.csv", [HEADER, *rows])
        result = cli("import", "positions", path, "--format", "json", *options)
        assert result.exit_code in (0, 3), result.stderr
        return summary(result)

    return positions


def stored(sql, client="C1", product="DEP"):
    return sql("SELECT as_of, balance FROM positions WHERE client_id = ? AND product_code = ? "
               "ORDER BY as_of", (client, product))


def balance_on(sql, day, client="C1", product="DEP"):
    """What carry-forward gives: the latest change point on or before the day."""
    rows = sql("SELECT balance FROM positions WHERE client_id = ? AND product_code = ? "
               "AND as_of <= ? ORDER BY as_of DESC LIMIT 1", (client, product, day))
    return rows[0][0] if rows else None


def freshness(sql):
    return sql("SELECT latest FROM freshness WHERE feed = 'positions'")[0][0]


def test_an_unchanged_daily_snapshot_stores_no_row_but_moves_freshness(bank, sql):
    assert bank([["C1", "DEP", "2026-03-02", "100.00", ""]])["inserted"] == 1

    counts = bank([["C1", "DEP", "2026-03-03", "100", ""]])

    assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (0, 0, 1)
    assert stored(sql) == [("2026-03-02", 10000)]
    assert freshness(sql) == "2026-03-03"


def test_a_changed_balance_stores_one_row(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""]])
    bank([["C1", "DEP", "2026-03-03", "100", ""]])

    counts = bank([["C1", "DEP", "2026-03-04", "150", ""]])

    assert (counts["inserted"], counts["unchanged"]) == (1, 0)
    assert stored(sql) == [("2026-03-02", 10000), ("2026-03-04", 15000)]
    assert freshness(sql) == "2026-03-04"


def test_same_day_snapshot_with_another_balance_updates_that_day(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""]])
    counts = bank([["C1", "DEP", "2026-03-02", "120", ""]])
    assert (counts["inserted"], counts["updated"]) == (0, 1)
    assert stored(sql) == [("2026-03-02", 12000)]


def test_a_file_row_replacing_a_stored_point_is_what_later_rows_compare_with(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""]])
    counts = bank([["C1", "DEP", "2026-03-02", "120", ""], ["C1", "DEP", "2026-03-03", "100", ""]])
    assert (counts["updated"], counts["inserted"]) == (1, 1)
    assert [balance_on(sql, day) for day in ("2026-03-02", "2026-03-03")] == [12000, 10000]


def test_out_of_order_older_snapshots(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""]])
    bank([["C1", "DEP", "2026-03-10", "150", ""]])

    same_as_carried = bank([["C1", "DEP", "2026-03-05", "100", ""]])
    earlier = bank([["C1", "DEP", "2026-03-01", "100", ""]])
    changed = bank([["C1", "DEP", "2026-03-06", "120", ""]])

    assert same_as_carried["unchanged"] == 1
    assert earlier["inserted"] == 1 and changed["inserted"] == 1
    assert [balance_on(sql, f"2026-03-{d:02d}") for d in range(1, 12)] == [
        10000, 10000, 10000, 10000, 10000, 12000, 12000, 12000, 12000, 15000, 15000]
    assert freshness(sql) == "2026-03-10"  # an older file does not move it back


def test_one_file_with_many_dates_in_any_order(bank, sql):
    counts = bank([["C1", "DEP", "2026-03-04", "100", ""],
                   ["C1", "DEP", "2026-03-02", "100", ""],
                   ["C1", "DEP", "2026-03-03", "100", ""],
                   ["C1", "DEP", "2026-03-06", "90", ""],
                   ["C1", "DEP", "2026-03-05", "100", ""]])
    assert (counts["inserted"], counts["unchanged"]) == (2, 3)
    assert stored(sql) == [("2026-03-02", 10000), ("2026-03-06", 9000)]

    again = bank([["C1", "DEP", "2026-03-04", "100", ""],
                  ["C1", "DEP", "2026-03-06", "90", ""],
                  ["C1", "DEP", "2026-03-07", "90", ""]])
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_an_empty_maturity_keeps_the_known_one_across_snapshots(bank, sql):
    bank([["C1", "WM", "2026-03-02", "100", "2026-06-30"]])
    bank([["C1", "WM", "2026-03-03", "110", ""], ["C1", "WM", "2026-03-04", "120", ""]])
    bank([["C1", "WM", "2026-03-05", "130", ""]])

    assert sql("SELECT as_of, maturity_date FROM positions WHERE product_code = 'WM' "
               "ORDER BY as_of") == [("2026-03-02", "2026-06-30"), ("2026-03-03", "2026-06-30"),
                                     ("2026-03-04", "2026-06-30"), ("2026-03-05", "2026-06-30")]

    counts = bank([["C1", "WM", "2026-03-06", "130", ""]], "--blank-clears")

    assert counts["inserted"] == 1  # the maturity changed even though the balance did not
    assert sql("SELECT maturity_date FROM positions WHERE as_of = '2026-03-06'") == [(None,)]


def test_a_new_maturity_is_a_change_point(bank, sql):
    bank([["C1", "WM", "2026-03-02", "100", "2026-06-30"]])
    counts = bank([["C1", "WM", "2026-03-03", "100", "2026-09-30"]])
    assert counts["inserted"] == 1


def test_without_full_snapshot_a_missing_position_is_carried_forward(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""], ["C1", "FUND", "2026-03-02", "50", ""]])
    counts = bank([["C1", "DEP", "2026-03-03", "100", ""]])
    assert counts["closed"] == 0
    assert balance_on(sql, "2026-03-03", product="FUND") == 5000


def test_full_snapshot_closes_absent_positions_of_listed_clients(bank, sql, db_path):
    bank([["C1", "DEP", "2026-03-02", "100", ""], ["C1", "FUND", "2026-03-02", "50", ""],
          ["C1", "WM", "2026-03-02", "0", ""], ["C2", "DEP", "2026-03-02", "70", ""]])
    c2_before = stored(sql, "C2")

    counts = bank([["C1", "DEP", "2026-03-05", "100", ""]], "--full-snapshot")

    assert counts["closed"] == 1
    assert stored(sql, "C1", "FUND") == [("2026-03-02", 5000), ("2026-03-05", 0)]
    assert stored(sql, "C1", "WM") == [("2026-03-02", 0)]  # already closed: nothing to store
    assert stored(sql, "C1", "DEP") == [("2026-03-02", 10000)]
    assert stored(sql, "C2") == c2_before  # not in the file: not touched
    assert balance_on(sql, "2026-03-04", product="FUND") == 5000
    assert balance_on(sql, "2026-03-05", product="FUND") == 0

    before = contents(db_path)
    again = bank([["C1", "DEP", "2026-03-05", "100", ""]], "--full-snapshot")

    assert (again["closed"], again["inserted"], again["updated"]) == (0, 0, 0)
    after = contents(db_path)
    for table in ("import_log", "audit_log"):
        after.pop(table), before.pop(table)
    assert after == before


def test_full_snapshot_closes_on_each_date_of_the_file(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""], ["C1", "FUND", "2026-03-02", "50", ""]])
    counts = bank([["C1", "DEP", "2026-03-03", "100", ""], ["C1", "FUND", "2026-03-03", "60", ""],
                   ["C1", "DEP", "2026-03-04", "100", ""]], "--full-snapshot")
    assert counts["closed"] == 1
    assert stored(sql, "C1", "FUND") == [("2026-03-02", 5000), ("2026-03-03", 6000),
                                         ("2026-03-04", 0)]


def test_full_snapshot_on_a_date_with_a_stored_point_closes_it(bank, sql):
    bank([["C1", "DEP", "2026-03-02", "100", ""], ["C1", "FUND", "2026-03-02", "50", ""]])
    counts = bank([["C1", "DEP", "2026-03-02", "100", ""]], "--full-snapshot")
    assert counts["closed"] == 1
    assert stored(sql, "C1", "FUND") == [("2026-03-02", 0)]


def test_full_snapshot_leaves_clients_with_a_rejected_row_open(bank, sql, cli, tmp_path):
    bank([["C1", "DEP", "2026-03-02", "100", ""], ["C1", "FUND", "2026-03-02", "50", ""],
          ["C2", "DEP", "2026-03-02", "70", ""], ["C2", "FUND", "2026-03-02", "20", ""]])
    path = write_csv(tmp_path / "snap.csv", [HEADER, ["C1", "DEP", "2026-03-03", "100", ""],
                                              ["C1", "FUND", "2026-03-03", "5O.00", ""],
                                              ["C2", "DEP", "2026-03-03", "70", ""]])

    result = cli("import", "positions", path, "--full-snapshot")

    assert result.exit_code == 3
    assert "C1" in result.stderr and "not closed" in result.stderr
    assert balance_on(sql, "2026-03-03", "C1", "FUND") == 5000  # its row was bad, not absent
    assert balance_on(sql, "2026-03-03", "C2", "FUND") == 0


@pytest.mark.parametrize("kind, rows, feed", [
    ("transactions", [["txn_id", "client_id", "date", "branch"], ["T1", "C1", "2026-03-02", "BJ01"],
                      ["T2", "C1", "2026-03-09", "BJ01"]], "transactions"),
    ("navs", [["product_code", "date", "nav"], ["FUND", "2026-03-09", "1"],
              ["FUND", "2026-03-01", "1"]], "navs"),
])
def test_other_feeds_record_their_freshness(bank, cli, sql, tmp_path, kind, rows, feed):
    assert cli("import", kind, write_csv(tmp_path / "f.csv", rows)).exit_code == 0
    assert sql("SELECT latest FROM freshness WHERE feed = ?", (feed,)) == [("2026-03-09",)]
