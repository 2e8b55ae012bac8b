"""Corporate big clients (DOMAIN §2): normalised weighted score, big-client list, yearly review."""

import json
from fractions import Fraction

import pytest

from tiering_support import write_csv
from vipcrm.core.config import CORPORATE_FACTORS, Config
from vipcrm.core.corporate import (CREDIT_SCORES, CorporateError, Metrics, normalise, rate,
                                   review)

WEIGHTS = {f: Config()[f"corporate.weights.{f}"] for f in CORPORATE_FACTORS}
FULL = {"contract_volume": 100, "unit_price": 100, "revenue": 100, "collection_rate": 9000,
        "profit": 100, "quality_loss": 100, "industry_influence": 3, "credit_rating": "A"}


def test_credit_ratings_map_linearly():
    assert CREDIT_SCORES["AAA"] == 100 and CREDIT_SCORES["AA"] == Fraction(175, 2)
    assert CREDIT_SCORES["BBB"] == Fraction(125, 2) and CREDIT_SCORES["C"] == 0


def test_normalise_higher_lower_and_missing():
    values = {"a": Fraction(10), "b": Fraction(20), "c": Fraction(30), "d": None}
    assert normalise(values, False) == {"a": 0, "b": 50, "c": 100}
    assert normalise(values, True) == {"a": 100, "b": 50, "c": 0}


def test_a_factor_the_cohort_does_not_spread_scores_100_without_dividing_by_zero():
    assert normalise({"a": Fraction(7), "b": Fraction(7), "c": None}, False) == {"a": 100, "b": 100}
    (only,) = rate([Metrics("ONE", FULL)], WEIGHTS, 60)
    assert only.score == 100 and only.big and only.rank == 1 and only.missing == ()


def test_missing_metrics_score_0_and_are_listed():
    partial = dict(FULL, profit=None, credit_rating=None)
    (rating,) = rate([Metrics("P", partial)], WEIGHTS, 60)
    assert rating.missing == ("profit", "credit_rating")
    assert rating.factors["profit"] == 0
    assert rating.score == 80  # 100 − the weights of profit (15) and credit rating (5)


def test_threshold_is_inclusive_and_exact():
    # Only contract_volume spreads; weights make the second client score exactly 60.
    weights = dict.fromkeys(CORPORATE_FACTORS, 0)
    weights.update(contract_volume=60, unit_price=40)
    low = Metrics("LOW", dict(FULL, contract_volume=0, unit_price=5))
    mid = Metrics("MID", dict(FULL, contract_volume=50, unit_price=5))
    high = Metrics("HIGH", dict(FULL, contract_volume=100, unit_price=5))
    by_id = {r.client_id: r for r in rate([low, mid, high], weights, 70)}
    assert by_id["MID"].score == 70 and by_id["MID"].big
    assert by_id["LOW"].score == 40 and not by_id["LOW"].big


def test_equal_scores_share_a_rank():
    ratings = rate([Metrics("B", FULL), Metrics("A", FULL),
                    Metrics("C", dict(FULL, revenue=0))], WEIGHTS, 60)
    assert [(r.client_id, r.rank) for r in ratings] == [("A", 1), ("B", 1), ("C", 3)]


def test_all_weights_zero_is_an_error():
    with pytest.raises(CorporateError):
        rate([Metrics("A", FULL)], dict.fromkeys(CORPORATE_FACTORS, 0), 60)


def test_review_entered_stayed_left():
    ratings = rate([Metrics("A", FULL), Metrics("B", dict(FULL, revenue=0, profit=0, unit_price=0,
                                                           contract_volume=0))], WEIGHTS, 60)
    outcome = review({"B", "GONE"}, ratings)
    assert outcome.entered == ("A",) and outcome.stayed == ()
    assert outcome.left == ("B", "GONE") and outcome.left_absent == ("GONE",)


# --- the command on a cohort of 22 ---------------------------------------------------------------

RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")
HEADER = ("client_id", "review_year", *CORPORATE_FACTORS)


def metrics_2026(i: int) -> tuple:
    """Client K<i>, i = 1…22: every factor's min and max are at known clients."""
    return (f"K{i:02d}", 2026, f"{i * 1_000_000}.00", f"{(23 - i) * 100}.00", f"{i * 500_000}.00",
            f"{0.70 + 0.01 * (i - 1):.2f}", "" if i == 7 else f"{(i % 5) * 100_000}.00",
            f"{i * 1000}.00", str(1 + i % 5), "" if i == 13 else RATINGS[i % 9])


def high(cid):
    return (cid, 2025, "9000000.00", "900.00", "9000000.00", "0.99", "900000.00", "10.00", "5", "AAA")


def low(cid):
    return (cid, 2025, "1.00", "1.00", "1.00", "0.10", "1.00", "99999.00", "1", "C")


@pytest.fixture
def corporates(cli, tmp_path):
    clients = [(f"K{i:02d}", f"Firm {i}", "corporate", "BJ01") for i in range(1, 24)]
    clients.append(("R01", "A retail client", "retail", "BJ01"))
    write_csv(tmp_path / "clients.csv", ("client_id", "name", "segment", "home_branch"), clients)
    assert cli("import", "clients", tmp_path / "clients.csv").exit_code == 0
    rows = [metrics_2026(i) for i in range(1, 23)]
    # 2025: K01, K21 and K23 at the top, K22 at the bottom; K23 has no 2026 metrics.
    rows += [high("K01"), high("K21"), high("K23"), low("K22")]
    write_csv(tmp_path / "corporates.csv", HEADER, rows)
    result = cli("import", "corporates", tmp_path / "corporates.csv")
    assert result.exit_code == 0, result.stderr
    return cli


def test_hand_checked_scores_in_a_cohort_of_22(corporates, sql):
    result = corporates("tier", "corporate", "--year", "2026", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = {r["client_id"]: r for r in json.loads(result.stdout)}
    assert len([r for r in rows.values() if r["rank"] is not None]) == 22
    # K01: cv 0, unit price 100, revenue 0, collection 0, profit 1/4 → 25, quality loss 100,
    # influence 25, AA 87.5: (1000 + 375 + 500 + 250 + 437.5) / 100.
    assert rows["K01"]["score"] == 25.63
    # K22: cv 100, up 0, rev 100, coll 100, profit 2/4 → 50, ql 0, infl 50, BB 50.
    assert rows["K22"]["score"] == 70.0 and rows["K22"]["big"] is True
    # K07: 6/21 of the spread on cv, rev, coll; 15/21 on up and ql; profit missing → 0;
    # influence 50; CC 12.5: (55500/21 + 562.5) / 100 = 32.0536.
    assert rows["K07"]["score"] == 32.05 and rows["K07"]["missing"] == ["profit"]
    assert rows["K13"]["missing"] == ["credit_rating"]
    assert "K07: missing profit" in result.stderr
    stored = dict(sql("SELECT client_id, score FROM corporate_ratings WHERE review_year = 2026"))
    assert stored["K07"] == pytest.approx(32.0535714, abs=1e-6)
    assert "R01" not in rows  # retail clients are never in the cohort


def test_big_list_and_yearly_review(corporates, sql):
    first = corporates("tier", "corporate", "--year", "2025", "-f", "json")
    assert first.exit_code == 0
    assert {r["client_id"] for r in json.loads(first.stdout) if r["big"]} == {"K01", "K21", "K23"}
    assert "every big client of 2025 counts as entered" in first.stderr

    result = corporates("tier", "corporate", "-f", "json")  # the latest year: 2026
    rows = {r["client_id"]: r for r in json.loads(result.stdout)}
    assert rows["K22"]["review"] == "entered"
    assert rows["K21"]["review"] == "stayed" and rows["K21"]["score"] == 62.47
    assert rows["K01"]["review"] == "left" and rows["K01"]["big"] is False
    assert rows["K23"] == {"review_year": 2026, "rank": None, "client_id": "K23",
                           "name": "Firm 23", "score": None, "big": False, "review": "left",
                           "missing": [], "strategy": None, "derived_strategy": None,
                           "commission": None, "meets": [], "overridden": False,
                           "override_reason": None}
    big = {cid for cid, r in rows.items() if r["big"]}
    assert all(rows[c]["score"] >= 60 for c in big)
    assert all(r["score"] < 60 for c, r in rows.items() if c not in big and r["score"] is not None)
    assert sql("SELECT review_year, COUNT(*), SUM(big) FROM corporate_ratings GROUP BY 1") == [
        (2025, 4, 3), (2026, 22, len(big))]


def test_rerating_a_year_replaces_it(corporates, sql):
    corporates("tier", "corporate", "--year", "2026")
    corporates("tier", "corporate", "--year", "2026")
    assert sql("SELECT COUNT(*) FROM corporate_ratings") == [(22,)]


def test_a_cohort_of_one(cli, tmp_path):
    write_csv(tmp_path / "clients.csv", ("client_id", "name", "segment", "home_branch"),
              [("SOLO", "Solo Ltd", "corporate", "SH01")])
    cli("import", "clients", tmp_path / "clients.csv")
    write_csv(tmp_path / "corporates.csv", HEADER,
              [("SOLO", 2026, "5.00", "", "5.00", "0.5", "5.00", "5.00", "3", "BB")])
    cli("import", "corporates", tmp_path / "corporates.csv")
    result = cli("tier", "corporate", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    # Alone, it tops every factor it has; no unit price: no loose collection, and a single
    # year on the list is not stable anyway.
    assert result.stdout.splitlines()[1] == ("2026,1,SOLO,Solo Ltd,90.0,true,entered,unit_price,"
                                             "standard,standard,A,,false,")


@pytest.mark.parametrize("args, message", [
    ((), "no corporate metrics imported"),
    (("--year", "2030"), "no corporate metrics for review year 2030"),
])
def test_nothing_to_rate_is_refused(cli, blank_db, args, message):
    result = cli("tier", "corporate", *args)
    assert result.exit_code == 1
    assert message in result.stderr


def test_weights_from_the_configuration(corporates):
    for factor in CORPORATE_FACTORS:
        corporates("config", "set", f"corporate.weights.{factor}", "0")
    refused = corporates("tier", "corporate")
    assert refused.exit_code == 1 and "corporate.weights" in refused.stderr
    corporates("config", "set", "corporate.weights.contract_volume", "1")
    rows = {r["client_id"]: r for r in json.loads(corporates("tier", "corporate", "-f", "json").stdout)}
    assert rows["K22"]["score"] == 100.0 and rows["K01"]["score"] == 0.0
