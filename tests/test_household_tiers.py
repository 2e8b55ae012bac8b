"""tiering.household: each open retail member of a household is tiered by the household's AUM."""

import datetime as dt

import pytest

from tiering_support import client, load_bank, recompute_on, write_csv

K = 100_000  # a thousand yuan in fen
DAY0 = dt.date(2026, 1, 1)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def households(cli, folder, rows, name="households.csv"):
    path = write_csv(folder / name, ("household_id", "client_id", "role"), rows)
    result = cli("import", "households", path)
    assert result.exit_code == 0, result.stderr


def run(db_path, *days):
    recompute_on(db_path, (day(n) for n in days))


def tiers(sql):
    return {cid: (tier, status, basis) for cid, tier, status, basis in
            sql("SELECT client_id, tier, status, basis_aum FROM tiers")}


def history(sql, client_id):
    return sql("SELECT effective, from_tier, to_tier, reason, household_id FROM tier_history "
               "WHERE client_id = ? ORDER BY id", [client_id])


def deposit(client_id, start, balance):
    return (client_id, "DEP", day(start), balance, "deposit")


@pytest.mark.parametrize("b_fen, tier", [(400 * K, "platinum"), (400 * K - 1, "premier_gold")])
def test_a_household_exactly_at_a_floor_takes_that_tier_for_every_member(
        cli, tmp_path, db_path, sql, b_fen, tier):
    # 600,000 + 400,000 = 1,000,000 CNY: the platinum floor; one fen less stays below it.
    # KID holds nothing yet: it is tiered with its household all the same.
    load_bank(cli, tmp_path, [client("A"), client("B"), client("KID"), client("ALONE")],
              [deposit("A", 0, 600 * K), deposit("B", 0, b_fen),
               deposit("ALONE", 0, 600 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse"),
                               ("H1", "KID", "child"), ("H2", "ALONE", "head")])

    run(db_path, 0)

    household_basis = 600 * K + b_fen
    assert tiers(sql) == {"A": (tier, "ok", household_basis), "B": (tier, "ok", household_basis),
                          "KID": (tier, "ok", household_basis),
                          "ALONE": ("premier_gold", "ok", 600 * K)}
    assert history(sql, "B") == [(str(day(0)), None, tier, "new", "H1")]
    # A household of one counted member is the client alone: no household on its history.
    assert history(sql, "ALONE") == [(str(day(0)), None, "premier_gold", "new", None)]


@pytest.mark.parametrize("b_fen, tier", [(900 * K, "platinum"), (900 * K - 1, "premier_gold")])
def test_the_daily_average_counts_a_later_member_as_zero_before_its_first_snapshot(
        cli, tmp_path, db_path, sql, b_fen, tier):
    # A holds 700,000 all 30 days of the window; B only from day 20 on (its last 10 days):
    # (700,000 × 30 + 900,000 × 10) / 30 = 1,000,000 exactly, over A's 30 days, not B's 10.
    load_bank(cli, tmp_path, [client("A"), client("B")],
              [deposit("A", 0, 700 * K), deposit("B", 20, b_fen)],
              {"tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse")])

    run(db_path, 29)

    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": tier, "B": tier}
    assert tiers(sql)["B"][2] == (700 * K * 30 + b_fen * 10) // 30


@pytest.mark.parametrize("segment, closed_on", [("corporate", ""), ("retail", "2026-01-01")])
def test_a_corporate_or_closed_member_adds_nothing(cli, tmp_path, db_path, sql, segment,
                                                   closed_on):
    load_bank(cli, tmp_path, [client("A"), client("B"), client("X", segment, closed_on=closed_on)],
              [deposit("A", 0, 300 * K), deposit("B", 0, 300 * K), deposit("X", 0, 90_000 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse"), ("H1", "X", "other")])

    run(db_path, 0)

    assert tiers(sql) == {"A": ("premier_gold", "ok", 600 * K),
                          "B": ("premier_gold", "ok", 600 * K)}


def test_a_member_left_alone_by_a_closed_one_is_tiered_by_its_own_aum(cli, tmp_path, db_path,
                                                                      sql):
    load_bank(cli, tmp_path, [client("A"), client("X", closed_on="2026-01-01")],
              [deposit("A", 0, 300 * K), deposit("X", 0, 90_000 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "X", "spouse")])
    run(db_path, 0)
    assert tiers(sql) == {"A": ("gold", "ok", 300 * K)}
    assert history(sql, "A")[0][-1] is None


def test_a_client_moved_to_another_household_counts_there_at_the_next_recompute(
        cli, tmp_path, db_path, sql):
    load_bank(cli, tmp_path, [client(c) for c in ("A", "B", "C")],
              [deposit("A", 0, 600 * K), deposit("B", 0, 400 * K), deposit("C", 0, 10 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse"), ("H2", "C", "head")])
    run(db_path, 0)
    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": "platinum", "B": "platinum"}

    households(cli, tmp_path, [("H2", "B", "spouse")], name="move.csv")
    assert sql("SELECT household_id FROM household_members WHERE client_id = 'B'") == [("H2",)]
    run(db_path, 1)

    # H2 = B + C = 410,000: gold for C. A alone and B in H2 are below platinum, and their grace
    # period (its days from their first snapshot, day 0) has a mean below the floor: both go
    # down at once, B on H2's AUM.
    assert tiers(sql) == {"A": ("premier_gold", "ok", 600 * K),
                          "B": ("gold", "ok", 410 * K),
                          "C": ("gold", "ok", 410 * K)}
    assert history(sql, "C") == [(str(day(1)), None, "gold", "new", "H2")]
    assert history(sql, "B")[-1] == (str(day(1)), "platinum", "gold", "downgrade", "H2")
    assert history(sql, "A")[-1] == (str(day(1)), "platinum", "premier_gold", "downgrade", None)


def test_switching_the_option_on_and_off_changes_tiers_at_the_next_recompute(
        cli, tmp_path, db_path, sql):
    load_bank(cli, tmp_path, [client("A"), client("B")],
              [deposit("A", -200, 600 * K), deposit("B", -200, 400 * K)],
              {"tiering.basis": "point"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse")])
    run(db_path, 0)
    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": "premier_gold", "B": "gold"}

    assert cli("config", "set", "tiering.household", "on").exit_code == 0
    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": "premier_gold", "B": "gold"}
    run(db_path, 1)
    assert tiers(sql) == {"A": ("platinum", "ok", 1000 * K), "B": ("platinum", "ok", 1000 * K)}
    assert history(sql, "A")[-1] == (str(day(1)), "premier_gold", "platinum", "upgrade", "H1")
    assert history(sql, "B")[-1] == (str(day(1)), "gold", "platinum", "upgrade", "H1")

    assert cli("config", "set", "tiering.household", "off").exit_code == 0
    run(db_path, 2)
    # Each on its own AUM again: below platinum, so under watch until the grace period's mean
    # (90 days) is below the floor, which for A and B was long ago: downgraded at once.
    assert tiers(sql) == {"A": ("premier_gold", "ok", 600 * K), "B": ("gold", "ok", 400 * K)}
    assert history(sql, "B")[-1] == (str(day(2)), "platinum", "gold", "downgrade", None)


def test_the_grace_period_reads_the_households_daily_aum(cli, tmp_path, db_path, sql):
    # A: 1.2M for 200 days, then 0.7M; B: 0.25M throughout. Alone, A's 90-day mean drops below
    # platinum's 1M on day 37 (108M - 0.5M × k < 90M); the household's (1.45M, then 0.95M) only
    # on day 82 (130.5M - 0.5M × k < 90M).
    load_bank(cli, tmp_path, [client("A"), client("B")],
              [deposit("A", -200, 1200 * K), deposit("A", 1, 700 * K),
               deposit("B", -200, 250 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse")])
    run(db_path, 0)
    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": "platinum", "B": "platinum"}

    run(db_path, 40)
    assert {c: t[:2] for c, t in tiers(sql).items()} == {"A": ("platinum", "watch"),
                                                         "B": ("platinum", "watch")}
    run(db_path, 81)
    assert tiers(sql)["A"][:2] == ("platinum", "watch")
    run(db_path, 82)
    assert {c: t[0] for c, t in tiers(sql).items()} == {"A": "premier_gold", "B": "premier_gold"}
    assert history(sql, "A")[-1] == (str(day(82)), "platinum", "premier_gold", "downgrade", "H1")


def test_off_by_default_and_a_household_changes_nothing(cli, tmp_path, db_path, sql):
    load_bank(cli, tmp_path, [client("A"), client("B")],
              [deposit("A", 0, 600 * K), deposit("B", 0, 400 * K)], {"tiering.basis": "point"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse")])
    run(db_path, 0)
    assert tiers(sql) == {"A": ("premier_gold", "ok", 600 * K), "B": ("gold", "ok", 400 * K)}
    assert history(sql, "A")[0][-1] is None


def test_tier_history_names_the_household(cli, tmp_path, db_path):
    load_bank(cli, tmp_path, [client("A"), client("B")],
              [deposit("A", 0, 600 * K), deposit("B", 0, 400 * K)],
              {"tiering.basis": "point", "tiering.household": "on"})
    households(cli, tmp_path, [("H1", "A", "head"), ("H1", "B", "spouse")])
    run(db_path, 0)
    result = cli("tier", "history", "B", "--format", "csv")
    assert result.stdout.splitlines() == [
        "effective,from_tier,to_tier,status,basis_aum,reason,household_id",
        f"{day(0)},none,platinum,ok,1000000.00,new,H1"]
