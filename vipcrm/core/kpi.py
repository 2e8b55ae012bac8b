"""KPIs and RM grading (DOMAIN §8): VIP time share, the percentile scorecard, the grade review.

Every comparison that decides something (on target, ranks, promotion cut-offs) is made on
integers or exact fractions; floats appear only in what is shown, rounded to one decimal.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, NamedTuple, Sequence

from vipcrm.core.assignment import effective_grade
from vipcrm.core.config import GRADES
from vipcrm.core.text import Text

Number = int | Fraction

# The scorecard of DOMAIN §8: each component is the mean of its sub-metrics' percentile ranks.
# Results rank the net new money of the clients an RM held, not their market moves.
SUB_METRICS: dict[str, tuple[str, ...]] = {
    "results": ("net_new_money", "sales", "upgrades"),
    "process": ("tasks_on_time", "completeness", "after_sale_on_time"),
    "teamwork": ("referrals", "joint_visits"),
    "feedback": ("satisfaction",),
}
COMPONENTS = tuple(SUB_METRICS)

# Year-end review (DOMAIN §8, seed §2.5).
# Defaults of kpi.review.promote_pct / demote_pct (DOMAIN §8).
PROMOTE_PCT = 20
DEMOTE_PCT = 10
REVIEW_MINIMUM_RMS = 5  # from this many RMs on, at least one is promoted and one demoted


class KpiError(ValueError):
    """The configuration cannot produce a scorecard."""


def round1(value: Number) -> float:
    """One decimal, rounded half up from the exact value."""
    return math.floor(Fraction(value) * 10 + Fraction(1, 2)) / 10


def pct1(part: Number, whole: Number) -> float | None:
    """100 × part / whole with one decimal, rounded half up exactly; None when whole is 0."""
    if not whole:
        return None
    return round1(Fraction(100) * part / whole)


def on_target(vip_minutes: int, total_minutes: int, target_pct: int) -> bool:
    """VIP time share ≥ target, compared exactly: 100·vip ≥ target·total; no time is not on target."""
    return total_minutes > 0 and 100 * vip_minutes >= target_pct * total_minutes


class TimeShare(NamedTuple):
    rm_id: str
    name: str
    vip_minutes: int
    total_minutes: int
    vip_share_pct: float | None
    on_target: bool


def time_share(rm_id: str, name: str, vip_minutes: int, total_minutes: int,
               target_pct: int) -> TimeShare:
    """One RM's VIP time share: (VIP contact minutes + timesheet `vip` minutes) over all minutes."""
    return TimeShare(rm_id, name, vip_minutes, total_minutes, pct1(vip_minutes, total_minutes),
                     on_target(vip_minutes, total_minutes, target_pct))


def percentile_ranks(values: Mapping[str, Number | None]) -> dict[str, Fraction | None]:
    """Each key's percentile rank (0-100, higher value is better) among all the keys.

    100 × (rank − 1) / (n − 1), where equal values share the average of their ranks and a lone
    key with a value scores 100. A key without a value (no data) takes the lowest percentile, 0,
    and every key with a value ranks above all of those, so that recording nothing never beats
    recording something; the keys without a value share 0 rather than their average rank, so
    that many of them together gain nothing either. When no key has a value, the sub-metric
    measures nobody: every key gets None and is left out.
    """
    present = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda p: p[0])
    if not present:
        return {k: None for k in values}
    out: dict[str, Fraction | None] = {k: Fraction(0) for k in values}
    n, below = len(values), len(values) - len(present)
    if n == 1:
        out[present[0][1]] = Fraction(100)
        return out
    i = 0
    while i < len(present):
        j = i
        while j + 1 < len(present) and present[j + 1][0] == present[i][0]:
            j += 1
        average_rank = below + Fraction(i + 1 + j + 1, 2)
        for _, key in present[i:j + 1]:
            out[key] = 100 * (average_rank - 1) / (n - 1)
        i = j + 1
    return out


def cohort(grade: str, exam_passed: bool) -> str:
    """The grade an RM is ranked within: its own, or trainee while it has not passed the exam
    (it works as one, with a trainee's book: DOMAIN §3)."""
    return effective_grade(grade, exam_passed)


@dataclass(frozen=True)
class Score:
    rm_id: str
    total: Fraction | None  # 0-100; None when no component could be measured
    rank: int | None  # 1 = best of its cohort; equal totals share a rank
    components: Mapping[str, Fraction | None]
    percentiles: Mapping[str, Fraction | None]  # per sub-metric
    cohort: str | None = None  # the grade it is ranked within
    cohort_size: int = 1  # RMs ranked in that cohort


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def scorecard(metrics: Mapping[str, Mapping[str, Number | None]], weights: Mapping[str, int],
              cohorts: Mapping[str, str] | None = None) -> list[Score]:
    """The scorecard of every RM in `metrics` (rm_id -> sub-metric -> value, None: no data).

    Every percentile and rank is taken within the RM's cohort (`cohorts`: rm_id -> grade; all
    RMs form one cohort when it is None), so a trainee is measured against trainees. A
    sub-metric an RM has no value for (no rated contact, no task due) ranks lowest in its
    cohort (see `percentile_ranks`); one that no RM of the cohort has a value for is left out
    of its component, and a component with no measured sub-metric is left out of the total,
    whose weights are then spread over the components that were measured.
    """
    if sum(weights[c] for c in COMPONENTS) <= 0:
        raise KpiError(Text("the KPI weights (kpi.weights.*) sum to 0; give at least one a "
                            "weight (vipcrm config set kpi.weights.results 50)"))
    groups: dict[str | None, list[str]] = {}
    for rm_id in metrics:
        groups.setdefault(cohorts[rm_id] if cohorts is not None else None, []).append(rm_id)
    scores = []
    for group, members in groups.items():
        percentiles: dict[str, dict[str, Fraction | None]] = {rm_id: {} for rm_id in members}
        for names in SUB_METRICS.values():
            for name in names:
                ranked = percentile_ranks({rm_id: metrics[rm_id].get(name) for rm_id in members})
                for rm_id, value in ranked.items():
                    percentiles[rm_id][name] = value
        totals = []
        for rm_id in members:
            ranks = percentiles[rm_id]
            components = {c: _mean([ranks[n] for n in names if ranks[n] is not None])
                          for c, names in SUB_METRICS.items()}
            measured = [c for c in COMPONENTS if components[c] is not None and weights[c] > 0]
            weight = sum(weights[c] for c in measured)
            total = (sum((weights[c] * components[c] for c in measured), Fraction(0)) / weight
                     if weight else None)
            totals.append((rm_id, total, components, ranks))
        ordered = sorted((t for _, t, _, _ in totals if t is not None), reverse=True)
        scores += [Score(rm_id, total, None if total is None else ordered.index(total) + 1,
                         components, ranks, group, len(members))
                   for rm_id, total, components, ranks in totals]
    order = {rm_id: i for i, rm_id in enumerate(metrics)}
    return sorted(scores, key=lambda s: order[s.rm_id])


# -----------------------------------------------------------------------------------------
# Year-end grade review

class ReviewInput(NamedTuple):
    rm_id: str
    grade: str  # as recorded
    exam_passed: bool
    score: Fraction | None


class Proposal(NamedTuple):
    rm_id: str
    position: int  # 1 = best score of its group (grade)
    action: str  # promote, demote or keep
    proposed_grade: str
    reason: str


REVIEW_REASONS = ("top_share", "bottom_share", "trainee_passed", "exam_not_passed",
                  "trainee_below_median", "highest_grade", "lowest_grade", "middle")


def review_counts(n: int, promote_pct: int = PROMOTE_PCT,
                  demote_pct: int = DEMOTE_PCT) -> tuple[int, int]:
    """How many RMs are promoted and demoted among n: 20% and 10% (by default) rounded down, at
    least one each from REVIEW_MINIMUM_RMS RMs on."""
    promote, demote = n * promote_pct // 100, n * demote_pct // 100
    if n >= REVIEW_MINIMUM_RMS:
        promote, demote = max(promote, 1), max(demote, 1)
    return promote, demote


def review_median(rms: Sequence[ReviewInput]) -> Fraction | None:
    scores = [r.score for r in rms if r.score is not None]
    return Fraction(statistics.median(scores)) if scores else None


def review_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The default period of the year-end review: the current year from 1 January to today;
    in January, the whole previous year (a review of a few January days grades nobody)."""
    if today.month == 1:
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    return dt.date(today.year, 1, 1), today


def review(rms: Sequence[ReviewInput], promote_pct: int = PROMOTE_PCT,
           demote_pct: int = DEMOTE_PCT) -> list[Proposal]:
    """The year-end proposal for each RM of one group, best score first (equal scores: by RM
    id); `grade_review` runs it for each grade.

    The top 20% move one grade up and the bottom 10% one grade down (see `review_counts`). An
    RM who has not passed the exam works as a trainee whatever grade is recorded and is not
    moved; a trainee who passed the exam and scores at or above the group's median becomes l4.
    """
    ordered = sorted(rms, key=lambda r: (r.score is None, -(r.score or 0), r.rm_id))
    promote, demote = review_counts(len(ordered), promote_pct, demote_pct)
    median = review_median(ordered)
    proposals = []
    for position, rm in enumerate(ordered, start=1):
        top = position <= promote
        bottom = position > len(ordered) - demote
        proposals.append(_proposal(rm, position, top, bottom, median))
    return proposals


def review_groups(rms: Sequence[ReviewInput]) -> dict[str, list[ReviewInput]]:
    """The RMs of each grade as the review compares them (`cohort`), senior first."""
    groups: dict[str, list[ReviewInput]] = {grade: [] for grade in GRADES}
    for rm in rms:
        groups[cohort(rm.grade, rm.exam_passed)].append(rm)
    return {grade: members for grade, members in groups.items() if members}


def grade_review(rms: Sequence[ReviewInput], promote_pct: int = PROMOTE_PCT,
                 demote_pct: int = DEMOTE_PCT) -> dict[str, list[Proposal]]:
    """The year-end review run within each grade: the scores are taken within the grade
    (`scorecard` with cohorts), so the shares, positions and the trainees' median are too.

    A grade of fewer than 5 RMs has no forced share (20% and 10% of 4 round down to 0): nobody
    is moved on a comparison with so few peers, and a lone RM, who scores 100 against nobody,
    is never promoted for it.
    """
    return {grade: review(members, promote_pct, demote_pct)
            for grade, members in review_groups(rms).items()}


def _proposal(rm: ReviewInput, position: int, top: bool, bottom: bool,
              median: Fraction | None) -> Proposal:
    index = GRADES.index(rm.grade)
    if not rm.exam_passed:
        return Proposal(rm.rm_id, position, "keep", rm.grade, "exam_not_passed")
    if rm.grade == "trainee":
        if rm.score is not None and median is not None and rm.score >= median:
            return Proposal(rm.rm_id, position, "promote", "l4", "trainee_passed")
        return Proposal(rm.rm_id, position, "keep", rm.grade,
                        "lowest_grade" if bottom else "trainee_below_median")
    if top:
        if index == 0:
            return Proposal(rm.rm_id, position, "keep", rm.grade, "highest_grade")
        return Proposal(rm.rm_id, position, "promote", GRADES[index - 1], "top_share")
    if bottom:
        return Proposal(rm.rm_id, position, "demote", GRADES[index + 1], "bottom_share")
    return Proposal(rm.rm_id, position, "keep", rm.grade, "middle")
