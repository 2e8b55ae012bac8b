"""AUM and the basis as DOMAIN §1 defines them, end to end: import positions, `tier --recompute`."""

import datetime as dt

import pytest

from tiering_support import client, load_bank

D = dt.date
M = 100_000_000  # one million yuan in fen
TODAY = "2026-12-31"


def recompute(cli, as_of, *extra):
    result = cli("--today", TODAY, "tier", "--recompute", "--as-of", as_of, *extra)
    assert result.exit_code == 0, result.stderr
    return result


def tiers(sql):
    return dict(sql("SELECT client_id, tier FROM tiers"))


def basis(sql):
    return dict(sql("SELECT client_id, basis_aum FROM tiers"))


POINT = {"tiering.basis": "point"}


@pytest.fixture(autouse=True, params=["one_pass", "split"])
def daily_avg_plan(request, monkeypatch):
    """Every case under both query plans of the daily_avg basis."""
    import vipcrm.store.tiering as store

    monkeypatch.setattr(store, "_prefer_split", lambda conn, params: request.param == "split")


@pytest.mark.parametrize("basis_key", ["point", "daily_avg"])
def test_exactly_each_floor_and_one_fen_below(cli, sql, tmp_path, basis_key):
    floors = [10, 5, 3, 1, 0.5, 0.2]
    positions, expected = [], {}
    tiers_order = ["black_gold", "diamond", "premier_platinum", "platinum", "premier_gold", "gold"]
    below = tiers_order[1:] + [None]
    for i, (floor, tier, lower) in enumerate(zip(floors, tiers_order, below)):
        fen = int(floor * M)
        positions += [(f"A{i}", "DEP", D(2026, 1, 1), fen, "deposit"),
                      (f"B{i}", "DEP", D(2026, 1, 1), fen - 1, "deposit")]
        expected[f"A{i}"] = tier
        if lower:
            expected[f"B{i}"] = lower
    clients = [client(p[0]) for p in positions]
    load_bank(cli, tmp_path, clients, positions, {"tiering.basis": basis_key})
    recompute(cli, "2026-03-31")
    assert tiers(sql) == expected


def test_daily_average_compares_the_window_sum_not_a_rounded_mean(cli, sql, tmp_path):
    ten = 10 * M
    positions = [
        # 29 days at the floor and one day one fen below: the mean rounds to the floor, but
        # the sum is one fen short.
        ("SHORT", "DEP", D(2026, 3, 1), ten, "deposit"),
        ("SHORT", "DEP", D(2026, 3, 31), ten - 1, "deposit"),
        # 15 days one fen above and 15 days one fen below: exactly the floor × 30.
        ("EXACT", "DEP", D(2026, 3, 1), ten + 1, "deposit"),
        ("EXACT", "DEP", D(2026, 3, 17), ten - 1, "deposit"),
    ]
    load_bank(cli, tmp_path, [client("SHORT"), client("EXACT")], positions)
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {"SHORT": "diamond", "EXACT": "black_gold"}
    assert basis(sql) == {"SHORT": ten - 1, "EXACT": ten}


def test_carry_forward_across_gaps(cli, sql, tmp_path):
    positions = [
        ("C1", "DEP", D(2026, 1, 1), 6 * M, "deposit"),  # nothing since January
        ("C2", "DEP", D(2026, 1, 1), 2 * M, "deposit"),
        ("C2", "WM", D(2026, 3, 16), 4 * M, "wealth"),  # from mid-window on
    ]
    load_bank(cli, tmp_path, [client("C1"), client("C2")], positions)
    recompute(cli, "2026-03-31")
    # C2: window Mar 2 … Mar 31; 14 days at 2M and 16 days at 6M.
    assert tiers(sql) == {"C1": "diamond", "C2": "premier_platinum"}
    assert basis(sql) == {"C1": 6 * M, "C2": (14 * 2 * M + 16 * 6 * M) // 30}
    assert sql("SELECT aum FROM tiers WHERE client_id = 'C2'") == [(6 * M,)]


def test_a_client_whose_first_snapshot_is_mid_window_averages_over_its_own_days(cli, sql,
                                                                                tmp_path):
    positions = [
        ("NEW", "DEP", D(2026, 3, 20), 6 * M, "deposit"),
        # A loan before it does not start the client's days: only counted classes do.
        ("NEW", "MTG", D(2026, 2, 1), -M, "loan"),
    ]
    load_bank(cli, tmp_path, [client("NEW")], positions)
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {"NEW": "diamond"}
    assert basis(sql) == {"NEW": 6 * M}


def test_a_client_with_no_snapshot_yet_on_the_as_of_date_has_no_tier(cli, sql, tmp_path):
    load_bank(cli, tmp_path, [client("LATER")], [("LATER", "DEP", D(2026, 4, 2), 20 * M, "deposit")])
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {}


def test_closed_position_loan_and_negative_deposit(cli, sql, tmp_path):
    positions = [
        # A closed position counts 0 from its closing date on.
        ("CLOSED", "WM", D(2026, 1, 1), 9 * M, "wealth"),
        ("CLOSED", "WM", D(2026, 3, 30), 0, "wealth"),
        ("CLOSED", "DEP", D(2026, 1, 1), M // 2, "deposit"),
        # A loan is not an asset, whatever its sign.
        ("LOAN", "DEP", D(2026, 1, 1), 6 * M, "deposit"),
        ("LOAN", "MTG", D(2026, 1, 1), -5 * M, "loan"),
        ("LOAN", "LOAN2", D(2026, 1, 1), 5 * M, "loan"),
        # An overdrawn deposit counts 0, not minus.
        ("OVERDRAWN", "DEP", D(2026, 1, 1), 6 * M, "deposit"),
        ("OVERDRAWN", "DEP2", D(2026, 1, 1), -2 * M, "deposit"),
    ]
    load_bank(cli, tmp_path, [client("CLOSED"), client("LOAN"), client("OVERDRAWN")],
              positions, POINT)
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {"CLOSED": "premier_gold", "LOAN": "diamond", "OVERDRAWN": "diamond"}
    assert basis(sql) == {"CLOSED": M // 2, "LOAN": 6 * M, "OVERDRAWN": 6 * M}


def test_feb_29_as_of_date_window_starts_on_jan_31(cli, sql, tmp_path):
    positions = [
        ("LEAP", "DEP", D(2024, 1, 1), 0, "deposit"),
        ("LEAP", "DEP", D(2024, 1, 31), 10 * M, "deposit"),
    ]
    load_bank(cli, tmp_path, [client("LEAP")], positions)
    recompute(cli, "2024-02-29")
    assert tiers(sql) == {"LEAP": "black_gold"}
    assert sql("SELECT as_of, since FROM tiers") == [("2024-02-29", "2024-02-29")]


def test_asset_classes_and_window_come_from_the_configuration(cli, sql, tmp_path):
    positions = [
        ("MIX", "DEP", D(2026, 1, 1), 3 * M, "deposit"),
        ("MIX", "WM", D(2026, 1, 1), 3 * M, "wealth"),
        ("SHORTWIN", "DEP", D(2026, 1, 1), 0, "deposit"),
        ("SHORTWIN", "DEP", D(2026, 3, 22), 6 * M, "deposit"),
    ]
    load_bank(cli, tmp_path, [client("MIX"), client("SHORTWIN")], positions,
              {"aum.asset_classes": "deposit", "tiering.window_days": "10"})
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {"MIX": "premier_platinum", "SHORTWIN": "diamond"}


def test_corporate_and_closed_clients_are_not_tiered_by_aum(cli, sql, tmp_path):
    positions = [(cid, "DEP", D(2026, 1, 1), 20 * M, "deposit")
                 for cid in ("CORP", "GONE", "LEAVING")]
    clients = [client("CORP", segment="corporate"), client("GONE", closed_on="2026-03-31"),
               client("LEAVING", closed_on="2026-04-01")]
    load_bank(cli, tmp_path, clients, positions)
    recompute(cli, "2026-03-31")
    assert tiers(sql) == {"LEAVING": "black_gold"}
    recompute(cli, "2026-04-01")
    assert tiers(sql) == {}
    assert sql("SELECT client_id, effective, from_tier, to_tier, reason FROM tier_history "
               "WHERE reason = 'untiered'") == [("LEAVING", "2026-04-01", "black_gold", None,
                                                 "untiered")]
