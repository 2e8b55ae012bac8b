"""KPI rules (DOMAIN §8): VIP time share, percentile ranks, the scorecard and the grade review."""

import datetime as dt
from fractions import Fraction as F

import pytest

from vipcrm.core.kpi import (KpiError, ReviewInput, cohort, grade_review, pct1, percentile_ranks,
                             review, review_counts, review_median, review_period, round1,
                             scorecard, time_share)


@pytest.mark.parametrize("vip, total, share, on_target", [
    (420, 600, 70.0, True),  # exactly 70.0% is on target
    (419, 600, 69.8, False),
    (7, 10, 70.0, True),
    (699_999, 1_000_000, 70.0, False),  # rounds to 70.0 but is below: compared exactly
    (600, 600, 100.0, True),
    (0, 600, 0.0, False),
    (0, 0, None, False),  # no time recorded: no share, not on target
])
def test_time_share_against_the_70_pct_target(vip, total, share, on_target):
    result = time_share("R1", "Ann", vip, total, 70)
    assert (result.vip_share_pct, result.on_target) == (share, on_target)


def test_time_share_follows_the_configured_target():
    assert time_share("R1", "Ann", 420, 600, 71).on_target is False
    assert time_share("R1", "Ann", 426, 600, 71).on_target is True


@pytest.mark.parametrize("part, whole, expected", [
    (1, 8, 12.5), (1, 6, 16.7), (1, 3, 33.3), (2, 3, 66.7), (1, 2000, 0.1), (1, 2001, 0.0),
    (0, 5, 0.0), (5, 5, 100.0), (3, 0, None),
])
def test_pct1_rounds_half_up_from_the_exact_value(part, whole, expected):
    assert pct1(part, whole) == expected


def test_round1():
    assert round1(F(145, 2)) == 72.5
    assert round1(F(1, 20)) == 0.1
    assert round1(F(4999, 100)) == 50.0


def test_percentile_ranks_lowest_0_highest_100():
    assert percentile_ranks({"a": 10, "b": 30, "c": 20}) == {"a": 0, "b": 100, "c": 50}


def test_percentile_ranks_ties_share_the_average_rank():
    # Ranks 1 and 2 tie: both 1.5 -> 100 × 0.5 / 2 = 25.
    assert percentile_ranks({"a": 10, "b": 10, "c": 30}) == {"a": 25, "b": 25, "c": 100}
    assert percentile_ranks({"a": 5, "b": 5, "c": 5}) == {"a": 50, "b": 50, "c": 50}
    ranks = percentile_ranks({"a": 0, "b": 0, "c": 0, "d": 6})
    assert ranks == {"a": F(100, 3), "b": F(100, 3), "c": F(100, 3), "d": 100}


def test_percentile_ranks_lone_value_scores_100():
    assert percentile_ranks({"a": -5}) == {"a": 100}
    assert percentile_ranks({}) == {}


def test_percentile_ranks_no_data_takes_the_lowest_percentile():
    # b recorded nothing: it ranks 1 of 3 (0) and both RMs with a value rank above it.
    assert percentile_ranks({"a": 1, "b": None, "c": 2}) == {"a": 50, "b": 0, "c": 100}
    # Even the worst value recorded beats recording nothing.
    assert percentile_ranks({"a": -100, "b": None}) == {"a": 100, "b": 0}


def test_percentile_ranks_many_without_data_share_0_not_their_average_rank():
    ranks = percentile_ranks({"a": None, "b": None, "c": None, "d": 3, "e": 3})
    # a, b and c would share rank 2 (50) as a tie; without data they stay at 0. d and e tie
    # on ranks 4 and 5: 100 × 3.5 / 4.
    assert ranks == {"a": 0, "b": 0, "c": 0, "d": F(175, 2), "e": F(175, 2)}


def test_percentile_ranks_without_any_data_measure_nobody():
    assert percentile_ranks({"a": None}) == {"a": None}  # a lone RM without data
    assert percentile_ranks({"a": None, "b": None}) == {"a": None, "b": None}


def test_percentile_ranks_compare_exact_fractions():
    assert percentile_ranks({"a": F(2, 3), "b": F(4, 6)}) == {"a": 50, "b": 50}


WEIGHTS = {"results": 50, "process": 20, "teamwork": 15, "feedback": 15}


def metrics(net_new_money=0, sales=0, upgrades=0, tasks_on_time=None, completeness=None,
            after_sale_on_time=None, referrals=0, joint_visits=0, satisfaction=None):
    return dict(net_new_money=net_new_money, sales=sales, upgrades=upgrades,
                tasks_on_time=tasks_on_time,
                completeness=completeness, after_sale_on_time=after_sale_on_time,
                referrals=referrals, joint_visits=joint_visits, satisfaction=satisfaction)


def test_scorecard_components_and_weighted_total():
    scores = {s.rm_id: s for s in scorecard({
        "A": metrics(net_new_money=300, sales=10, upgrades=2, tasks_on_time=F(1), completeness=F(80),
                     after_sale_on_time=F(1), referrals=1, joint_visits=2, satisfaction=F(5)),
        "B": metrics(net_new_money=100, sales=10, upgrades=0, tasks_on_time=F(1, 2),
                     completeness=F(60), after_sale_on_time=F(0), referrals=1, joint_visits=0,
                     satisfaction=F(4)),
    }, WEIGHTS)}
    a, b = scores["A"], scores["B"]
    # A: net new money 100, sales 50 (tie), upgrades 100 -> results 250/3.
    assert a.components["results"] == F(250, 3)
    assert b.components["results"] == F(50, 3)
    assert a.components["process"] == 100 and b.components["process"] == 0
    assert a.components["teamwork"] == 75 and b.components["teamwork"] == 25
    assert a.components["feedback"] == 100 and b.components["feedback"] == 0
    assert a.total == (50 * F(250, 3) + 20 * 100 + 15 * 75 + 15 * 100) / 100
    assert b.total == (50 * F(50, 3) + 15 * 25) / 100
    assert (a.rank, b.rank) == (1, 2)


def test_scorecard_scores_no_data_lowest_and_leaves_out_what_nobody_has():
    scores = {s.rm_id: s for s in scorecard({
        "A": metrics(net_new_money=5, satisfaction=F(3)),
        "B": metrics(net_new_money=1),  # nothing rated; no task due for either
    }, WEIGHTS)}
    a, b = scores["A"], scores["B"]
    # B rated nothing while A did: B's satisfaction ranks lowest instead of being left out.
    assert b.percentiles["satisfaction"] == 0 and b.components["feedback"] == 0
    assert a.components["feedback"] == 100
    # Neither had a task due: process measures nobody and is left out for both.
    assert a.components["process"] is None and b.components["process"] is None
    assert b.percentiles["tasks_on_time"] is None
    assert b.components["results"] == F(100, 3)  # net new money 0, sales 50, upgrades 50
    assert b.components["teamwork"] == 50
    # Weights 50, 15 and 15 of the measured components.
    assert b.total == (50 * F(100, 3) + 15 * 50 + 15 * 0) / 80
    assert a.total == (50 * F(200, 3) + 15 * 50 + 15 * 100) / 80


def test_scorecard_recording_nothing_never_beats_recording_a_low_value():
    without = {"A": metrics(satisfaction=F(1)), "B": metrics()}
    scores = {s.rm_id: s for s in scorecard(without, WEIGHTS)}
    assert scores["A"].total > scores["B"].total
    assert (scores["A"].rank, scores["B"].rank) == (1, 2)


def test_scorecard_lone_rm_scores_100():
    [only] = scorecard({"A": metrics(satisfaction=F(2), tasks_on_time=F(0),
                                     completeness=F(0), after_sale_on_time=F(0))}, WEIGHTS)
    assert only.total == 100 and only.rank == 1


def test_scorecard_ranks_within_each_cohort():
    values = {"S1": metrics(net_new_money=900, sales=90), "S2": metrics(net_new_money=800, sales=80),
              "T1": metrics(net_new_money=20, sales=2), "T2": metrics(net_new_money=10, sales=1),
              "T3": metrics(net_new_money=30, sales=3)}
    cohorts = {"S1": "senior", "S2": "senior", "T1": "trainee", "T2": "trainee", "T3": "trainee"}
    scores = {s.rm_id: s for s in scorecard(values, WEIGHTS, cohorts)}
    # The best trainee scores as the best senior does, though it sold a thirtieth of it.
    assert scores["T3"].percentiles["net_new_money"] == 100 == scores["S1"].percentiles["sales"]
    assert scores["T1"].percentiles["sales"] == 50 and scores["S2"].percentiles["sales"] == 0
    assert [(scores[r].rank, scores[r].cohort, scores[r].cohort_size)
            for r in ("S1", "S2", "T3", "T1", "T2")] == [
        (1, "senior", 2), (2, "senior", 2), (1, "trainee", 3), (2, "trainee", 3),
        (3, "trainee", 3)]
    assert scores["T3"].total == scores["S1"].total
    # Without cohorts everyone is ranked together, as before.
    together = {s.rm_id: s for s in scorecard(values, WEIGHTS)}
    assert together["T3"].percentiles["sales"] == 50 and together["S1"].rank == 1


def test_scorecard_a_lone_rm_of_its_grade_and_a_grade_without_data():
    values = {"S1": metrics(net_new_money=1, satisfaction=F(5)),
              "T1": metrics(net_new_money=1), "T2": metrics(net_new_money=2)}
    cohorts = {"S1": "senior", "T1": "trainee", "T2": "trainee"}
    scores = {s.rm_id: s for s in scorecard(values, WEIGHTS, cohorts)}
    assert scores["S1"].total == 100 and scores["S1"].rank == 1
    # No trainee was rated: feedback is left out of both trainees' scores, not scored 0.
    assert scores["T1"].components["feedback"] is None
    assert scores["T2"].components["results"] == F(200, 3)


def test_cohort_is_the_grade_worked_at():
    assert cohort("l2", True) == "l2"
    assert cohort("l2", False) == "trainee"  # not passed the exam: works as a trainee
    assert cohort("trainee", True) == "trainee"


def test_scorecard_equal_totals_share_a_rank_and_weights_follow_the_configuration():
    scores = scorecard({"A": metrics(sales=1), "B": metrics(sales=1), "C": metrics(sales=0)},
                       {**WEIGHTS, "teamwork": 0})
    assert [s.rank for s in scores] == [1, 1, 3]
    with pytest.raises(KpiError, match="kpi.weights"):
        scorecard({"A": metrics()}, dict.fromkeys(WEIGHTS, 0))


@pytest.mark.parametrize("n, promoted, demoted", [
    (1, 0, 0), (4, 0, 0), (5, 1, 1), (9, 1, 1), (10, 2, 1), (19, 3, 1), (20, 4, 2), (31, 6, 3),
])
def test_review_counts_round_down_at_least_one_from_five_rms(n, promoted, demoted):
    assert review_counts(n) == (promoted, demoted)


def _rms(*specs):
    return [ReviewInput(f"R{i}", grade, exam, None if score is None else F(score))
            for i, (grade, exam, score) in enumerate(specs, start=1)]


def test_review_promotes_the_top_20_and_demotes_the_bottom_10_percent():
    rms = _rms(("l4", True, 90), ("l2", True, 80), ("l3", True, 70), ("l1", True, 60),
               ("l4", True, 50), ("l3", True, 40), ("l2", True, 30), ("l4", True, 20),
               ("l1", True, 10), ("l3", True, 5))
    proposals = {p.rm_id: p for p in review(rms)}
    assert proposals["R1"][1:] == (1, "promote", "l3", "top_share")
    assert proposals["R2"][1:] == (2, "promote", "l1", "top_share")
    assert proposals["R3"][1:] == (3, "keep", "l3", "middle")
    assert proposals["R10"][1:] == (10, "demote", "l4", "bottom_share")
    assert sum(p.action == "demote" for p in proposals.values()) == 1


def test_review_senior_stays_and_l4_is_demoted_to_trainee():
    rms = _rms(("senior", True, 90), ("l1", True, 50), ("l2", True, 40), ("l3", True, 30),
               ("l4", True, 10))
    proposals = {p.rm_id: p for p in review(rms)}
    assert proposals["R1"][2:] == ("keep", "senior", "highest_grade")
    assert proposals["R5"][2:] == ("demote", "trainee", "bottom_share")


def test_review_trainee_with_the_exam_and_at_the_median_becomes_l4():
    # Scores 90, 50, 50, 10: median 50.
    rms = _rms(("l2", True, 90), ("trainee", True, 50), ("l3", True, 50), ("trainee", True, 10))
    assert review_median(rms) == 50
    proposals = {p.rm_id: p for p in review(rms)}
    assert proposals["R2"][2:] == ("promote", "l4", "trainee_passed")
    assert proposals["R4"][2:] == ("keep", "trainee", "trainee_below_median")


def test_review_exam_not_passed_keeps_whatever_the_score():
    rms = _rms(("l2", False, 99), ("trainee", False, 90), ("l3", True, 50), ("l3", True, 40),
               ("l4", True, 30))
    proposals = {p.rm_id: p for p in review(rms)}
    assert proposals["R1"][2:] == ("keep", "l2", "exam_not_passed")
    assert proposals["R2"][2:] == ("keep", "trainee", "exam_not_passed")
    assert proposals["R5"][2:] == ("demote", "trainee", "bottom_share")


def test_review_trainee_in_the_bottom_stays_at_the_lowest_grade():
    rms = _rms(("l1", True, 90), ("l2", True, 80), ("l3", True, 70), ("l4", True, 60),
               ("trainee", True, 1))
    assert review(rms)[-1][2:] == ("keep", "trainee", "lowest_grade")


def test_review_orders_equal_scores_by_rm_id_and_unscored_last():
    rms = _rms(("l3", True, 50), ("l3", True, None), ("l3", True, 50))
    assert [p.rm_id for p in review(rms)] == ["R1", "R3", "R2"]
    assert review_median(_rms(("l3", True, None))) is None


@pytest.mark.parametrize("today, period", [
    (dt.date(2026, 11, 27), (dt.date(2026, 1, 1), dt.date(2026, 11, 27))),
    (dt.date(2026, 2, 1), (dt.date(2026, 1, 1), dt.date(2026, 2, 1))),
    (dt.date(2026, 12, 31), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    # In January the review is of the year just ended.
    (dt.date(2027, 1, 1), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    (dt.date(2027, 1, 31), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    (dt.date(2025, 1, 15), (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
])
def test_review_period_is_the_year_to_date_or_in_january_the_year_before(today, period):
    assert review_period(today) == period


def _graded(*specs):
    return [ReviewInput(rm_id, grade, exam, F(score)) for rm_id, grade, exam, score in specs]


def test_grade_review_takes_the_shares_of_each_grade():
    rms = _graded(("A1", "l3", True, 90), ("A2", "l3", True, 70), ("A3", "l3", True, 50),
                  ("A4", "l3", True, 30), ("A5", "l3", True, 10),
                  ("B1", "l2", True, 95), ("B2", "l2", True, 60), ("B3", "l2", True, 40),
                  ("B4", "l2", True, 1))
    proposals = {p.rm_id: p for group in grade_review(rms).values() for p in group}
    # Five l3 RMs: one up, one down. Four l2 RMs: 20% and 10% of 4 round down to nobody, though
    # the nine together would have moved B1 up and B4 down.
    assert proposals["A1"][1:] == (1, "promote", "l2", "top_share")
    assert proposals["A5"][1:] == (5, "demote", "l4", "bottom_share")
    assert [proposals[r][1:] for r in ("B1", "B4")] == [(1, "keep", "l2", "middle"),
                                                        (4, "keep", "l2", "middle")]
    assert list(grade_review(rms)) == ["l2", "l3"]  # senior first


def test_grade_review_never_promotes_a_lone_rm_for_scoring_100_against_nobody():
    [[only]] = grade_review(_graded(("A1", "l1", True, 100))).values()
    assert only[1:] == (1, "keep", "l1", "middle")


def test_grade_review_trainees_meet_the_median_of_the_trainees():
    rms = _graded(("T1", "trainee", True, 30), ("T2", "trainee", True, 20),
                  ("T3", "trainee", True, 10), ("X1", "l2", False, 25),  # works as a trainee
                  ("A1", "l3", True, 5), ("A2", "l3", True, 0))
    groups = grade_review(rms)
    trainees = {p.rm_id: p for p in groups["trainee"]}
    # Median of 30, 25, 20, 10 is 22.5: T2 (20) stays although it beats both l3 RMs.
    assert trainees["T1"][2:] == ("promote", "l4", "trainee_passed")
    assert trainees["T2"][2:] == ("keep", "trainee", "trainee_below_median")
    assert trainees["X1"][1:] == (2, "keep", "l2", "exam_not_passed")
    assert [p.rm_id for p in groups["l3"]] == ["A1", "A2"]
