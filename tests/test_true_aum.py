"""True AUM end to end: matured and redeemed products stop counting, and every place that shows
AUM agrees on one bank (tier basis, `client show`, the plan's talking point, `report tiers`)."""

from __future__ import annotations

import json

import pytest

from datafiles import contents, summary, write_csv

M = 100_000_000  # one million yuan in fen
TODAY = "2026-11-27"  # a Friday
MATURED = "2026-11-13"  # two weeks before
POSITIONS = ["client_id", "product_code", "as_of", "balance", "asset_class", "maturity_date"]


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture
def bank(cli, tmp_path):
    """Two platinum clients with 1.1M in deposits and 1M in a 90-day plan that matured two
    weeks ago and was not renewed: C1's maturity is on its position, C2's on the product."""
    def load(kind, rows, *args):
        return ok(cli("--today", "2026-08-03", "import", kind,
                      write_csv(tmp_path / f"{kind}.csv", rows), *args))

    load("rms", [["rm_id", "name", "branch", "grade"], ["RM1", "Wang Fang", "BJ01", "l3"]])
    load("products", [["product_code", "name", "asset_class", "maturity_date"],
                      ["DEP", "Current account", "deposit", ""],
                      ["WM-90", "90-day plan", "wealth", ""],
                      ["WM-P", "90-day plan B", "wealth", MATURED]])
    load("clients", [["client_id", "name", "home_branch"], ["C1", "Zhao Lei", "BJ01"],
                     ["C2", "Qian Mei", "BJ01"]])
    load("positions", [POSITIONS,
                       ["C1", "DEP", "2026-08-03", "1,100,000.00", "", ""],
                       ["C1", "WM-90", "2026-08-15", "1,000,000.00", "", MATURED],
                       ["C2", "DEP", "2026-08-03", "1,100,000.00", "", ""],
                       ["C2", "WM-P", "2026-08-15", "1,000,000.00", "", ""]])
    return load


def show(cli, client_id, today=TODAY):
    return json.loads(ok(cli("--today", today, "client", "show", client_id,
                             "--format", "json")).stdout)


def test_every_view_of_aum_agrees_on_the_issue_reproduction(cli, sql, bank):
    ok(cli("--today", TODAY, "config", "set", "tiering.basis", "point"))
    ok(cli("--today", TODAY, "tier", "--recompute"))
    ok(cli("--today", TODAY, "assign"))

    # Tier basis: 1.1M, not 2.1M.
    assert sql("SELECT client_id, tier, basis_aum, aum FROM tiers ORDER BY client_id") == [
        ("C1", "platinum", 110 * M // 100, 110 * M // 100),
        ("C2", "platinum", 110 * M // 100, 110 * M // 100)]
    for client_id in ("C1", "C2"):
        view = show(cli, client_id)
        assert view["aum_today"] == 1_100_000.00
        assert [h["product_code"] for h in view["holdings"]] == ["DEP"]
        assert view["aum_trend"][-1]["aum"] == 1_100_000.00
    # The plan: AUM fell by 48% in 30 days (the maturity), and the talking point says 1.1M.
    lines = {line["client_id"]: line for line in json.loads(ok(cli(
        "--today", TODAY, "plan", "today", "--rm", "RM1", "--format", "json")).stdout)}
    for client_id in ("C1", "C2"):
        assert "AUM 1,100,000.00" in lines[client_id]["talking_points"]
        assert "aum_outflow" in lines[client_id]["reasons"]
    tiers = {row["tier"]: row for row in json.loads(ok(cli(
        "--today", TODAY, "report", "tiers", "--format", "json")).stdout)}
    assert tiers["platinum"]["clients"] == 2 and tiers["platinum"]["aum"] == 2_200_000.00


def test_the_daily_average_counts_the_plan_until_the_eve_of_its_maturity(cli, sql, bank):
    ok(cli("--today", TODAY, "tier", "--recompute"))
    # Window 2026-10-29 … 11-27: 15 days at 2.1M, then 15 at 1.1M from the maturity day.
    assert sql("SELECT basis_aum, aum FROM tiers WHERE client_id = 'C1'") == [
        ((15 * 210 + 15 * 110) * M // 100 // 30, 110 * M // 100)]
    assert sql("SELECT basis_aum, aum FROM tiers WHERE client_id = 'C2'") == [
        ((15 * 210 + 15 * 110) * M // 100 // 30, 110 * M // 100)]


@pytest.mark.parametrize("day, aum, held", [
    ("2026-11-12", 2_100_000.00, ["DEP", "WM-90"]),  # the eve of the maturity
    (MATURED, 1_100_000.00, ["DEP"]),  # paid out on the day
])
def test_the_maturity_day_itself_counts_0(cli, bank, day, aum, held):
    view = show(cli, "C1", today=day)
    assert view["aum_today"] == aum
    assert [h["product_code"] for h in view["holdings"]] == held


def test_a_row_after_the_maturity_renews_the_position_even_with_the_same_values(cli, sql, bank):
    counts = summary(bank("positions", [POSITIONS,
                                        ["C1", "WM-90", "2026-11-16", "1,000,000.00", "", ""],
                                        ["C1", "DEP", "2026-11-16", "1,100,000.00", "", ""]],
                          "--format", "json"))
    assert (counts["inserted"], counts["unchanged"]) == (1, 1)
    assert sql("SELECT as_of, balance, maturity_date FROM positions WHERE product_code = 'WM-90' "
               "ORDER BY as_of") == [("2026-08-15", M, MATURED), ("2026-11-16", M, MATURED)]
    assert show(cli, "C1", today="2026-11-15")["aum_today"] == 1_100_000.00
    assert show(cli, "C1")["aum_today"] == 2_100_000.00
    # Listed again the next day: carry-forward covers it, nothing more is stored.
    again = summary(bank("positions", [POSITIONS,
                                       ["C1", "WM-90", "2026-11-17", "1,000,000.00", "", ""]],
                         "--format", "json"))
    assert (again["inserted"], again["unchanged"]) == (0, 1)


def test_a_renewal_with_a_new_maturity_counts_until_that_one(cli, bank):
    bank("positions", [POSITIONS, ["C2", "WM-P", MATURED, "1,000,000.00", "", "2027-02-11"]])
    assert show(cli, "C2")["aum_today"] == 2_100_000.00
    assert show(cli, "C2", today="2027-02-11")["aum_today"] == 1_100_000.00


# --- full snapshots in the nightly -----------------------------------------------------------

CLIENTS = [["client_id", "name", "home_branch"], ["C1", "Zhao Lei", "BJ01"],
           ["C2", "Qian Mei", "BJ01"], ["C3", "Sun Li", "BJ01"]]
NIGHT1 = [POSITIONS,
          ["C1", "DEP", "2026-11-25", "500,000.00", "deposit", ""],
          ["C1", "FUND", "2026-11-25", "600,000.00", "fund", ""],
          ["C2", "DEP", "2026-11-25", "300,000.00", "deposit", ""],
          ["C3", "DEP", "2026-11-25", "1,500,000.00", "deposit", ""]]
# C1 redeemed its fund; C3 took all its money out, so the extract no longer lists it.
NIGHT2 = [POSITIONS,
          ["C1", "DEP", "2026-11-26", "500,000.00", "deposit", ""],
          ["C2", "DEP", "2026-11-26", "300,000.00", "deposit", ""]]


def nightly(cli, tmp_path, name, rows, today, extra=()):
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for kind, kind_rows in extra:
        write_csv(inbox / f"{kind}.csv", kind_rows)
    write_csv(inbox / name, rows)
    return cli("--today", today, "nightly", "--inbox", inbox)


def balances(sql, day):
    return dict(((c, p), b) for c, p, b in sql(
        "SELECT client_id, product_code, balance FROM positions p WHERE as_of = ("
        "SELECT MAX(as_of) FROM positions x WHERE x.client_id = p.client_id "
        "AND x.product_code = p.product_code AND x.as_of <= ?)", [day]))


def line(result, prefix):
    [found] = [l for l in result.stdout.splitlines() if l.startswith(prefix)]
    return found


def test_the_nightly_closes_every_position_the_bank_extract_leaves_out(cli, sql, tmp_path):
    first = nightly(cli, tmp_path, "positions_20261125.csv", NIGHT1, "2026-11-25",
                    [("clients", CLIENTS)])
    assert first.exit_code == 0, first.stdout
    second = nightly(cli, tmp_path, "positions_20261126.csv", NIGHT2, "2026-11-26")
    assert second.exit_code == 0, second.stdout
    assert "closed=2" in line(second, "import positions")
    assert balances(sql, "2026-11-26") == {("C1", "DEP"): 50_000_000, ("C1", "FUND"): 0,
                                          ("C2", "DEP"): 30_000_000, ("C3", "DEP"): 0}
    # AUM today: C1 0.5M, C3 nothing; the two-day mean basis keeps C3 at premier gold for now.
    assert sql("SELECT client_id, aum FROM tiers ORDER BY client_id") == [
        ("C1", 50_000_000), ("C2", 30_000_000), ("C3", 0)]
    # The third night the same extract again closes nothing more.
    third = nightly(cli, tmp_path, "positions_20261127.csv",
                    [[c if c != "2026-11-26" else "2026-11-27" for c in row] for row in NIGHT2],
                    "2026-11-27")
    assert "closed=0" in line(third, "import positions")


def test_with_the_setting_off_absent_positions_are_carried_forward(cli, sql, tmp_path):
    ok(cli("config", "set", "import.positions_full_snapshot", "false"))
    nightly(cli, tmp_path, "positions_20261125.csv", NIGHT1, "2026-11-25", [("clients", CLIENTS)])
    second = nightly(cli, tmp_path, "positions_20261126.csv", NIGHT2, "2026-11-26")
    assert "closed=0" in line(second, "import positions")
    assert balances(sql, "2026-11-26")[("C3", "DEP")] == 150_000_000


def test_a_client_with_a_rejected_row_keeps_its_positions_open(cli, sql, tmp_path):
    nightly(cli, tmp_path, "positions_20261125.csv", NIGHT1, "2026-11-25", [("clients", CLIENTS)])
    bad = NIGHT2 + [["C1", "FUND", "2026-11-26", "6OO,000.00", "fund", ""]]
    result = nightly(cli, tmp_path, "positions_20261126.csv", bad, "2026-11-26")
    assert result.exit_code == 3
    found = line(result, "import positions")
    assert ": rejects " in found and "closed=1" in found
    assert ("full snapshot: positions of client(s) C1 were not closed because some of their "
            "rows were rejected") in found
    after = balances(sql, "2026-11-26")
    assert after[("C1", "FUND")] == 60_000_000 and after[("C3", "DEP")] == 0


def test_a_first_night_of_several_dates_closes_on_each_date(cli, sql, tmp_path):
    history = NIGHT1 + NIGHT2[1:]
    result = nightly(cli, tmp_path, "positions_history.csv", history, "2026-11-26",
                     [("clients", CLIENTS)])
    assert result.exit_code == 0, result.stdout
    assert "closed=2" in line(result, "import positions")
    assert balances(sql, "2026-11-25")[("C3", "DEP")] == 150_000_000
    assert balances(sql, "2026-11-26")[("C3", "DEP")] == 0


def test_a_bad_stored_setting_stops_the_imports_and_changes_nothing(cli, sql, tmp_path,
                                                                     db_path):
    nightly(cli, tmp_path, "positions_20261125.csv", NIGHT1, "2026-11-25", [("clients", CLIENTS)])
    sql_write = __import__("sqlite3").connect(db_path)
    sql_write.execute("INSERT INTO settings VALUES ('import.positions_full_snapshot', 'maybe', "
                      "'2026-11-25T00:00:00+00:00', 'someone')")
    sql_write.commit()
    sql_write.close()
    before = contents(db_path)
    result = nightly(cli, tmp_path, "positions_20261126.csv", NIGHT2, "2026-11-26")
    assert result.exit_code == 1
    found = line(result, "import:")
    assert "import.positions_full_snapshot: expected true or false, got 'maybe'" in found
    assert "every file left in the inbox" in found
    assert (tmp_path / "inbox" / "positions_20261126.csv").exists()
    assert sql("SELECT COUNT(*) FROM positions WHERE as_of = '2026-11-26'") == [(0,)]
    after = contents(db_path)
    assert after["positions"] == before["positions"]
    assert after["import_log"] == before["import_log"]


def test_the_command_keeps_its_per_client_meaning(cli, sql, tmp_path):
    ok(cli("import", "clients", write_csv(tmp_path / "clients.csv", CLIENTS)))
    ok(cli("import", "positions", write_csv(tmp_path / "p1.csv", NIGHT1)))
    result = ok(cli("import", "positions", write_csv(tmp_path / "p2.csv", NIGHT2),
                    "--full-snapshot", "--format", "json"))
    assert summary(result)["closed"] == 1  # C1's fund; C3, not listed, is not touched
    after = balances(sql, "2026-11-26")
    assert after[("C1", "FUND")] == 0 and after[("C3", "DEP")] == 150_000_000
