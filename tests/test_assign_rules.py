"""The assignment run of DOMAIN §3 over plain data: one test per rule, tie and edge."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from assign_support import CONFIG, apply, check_plain, client, rm, state
from vipcrm.core.assignment import (REQUIRED_GRADE, book_capacity, effective_grade, run,
                                    sufficient)
from vipcrm.core.config import GRADES, TIERS


def placed(outcome) -> dict[str, tuple]:
    """client_id -> (rm_id, grade_gap, reason) of every written row."""
    return {row.client_id: (row.rm_id, row.grade_gap, row.reason) for row in outcome.writes}


# --- grades and capacity ---------------------------------------------------------------------

def test_grade_order_and_tier_requirements():
    assert GRADES == ("senior", "l1", "l2", "l3", "l4", "trainee")
    assert REQUIRED_GRADE == {"black_gold": "senior", "diamond": "l1", "premier_platinum": "l2",
                              "platinum": "l3", "premier_gold": "l4", "gold": "trainee"}


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("grade", GRADES)
def test_sufficient_grade_is_the_tiers_or_higher(tier, grade):
    assert sufficient(grade, tier) == (GRADES.index(grade) <= TIERS.index(tier))


def test_untiered_needs_no_grade():
    assert all(sufficient(grade, None) for grade in GRADES)


@pytest.mark.parametrize("grade, exam, expected", [
    ("l2", False, "trainee"), ("senior", False, "trainee"), ("l2", True, "l2"),
    ("trainee", True, "trainee"),
])
def test_no_exam_means_trainee(grade, exam, expected):
    assert effective_grade(grade, exam) == expected


def test_book_capacity_per_grade_from_config():
    assert [book_capacity(g, CONFIG) for g in GRADES] == [50, 80, 120, 150, 200, 100]
    assert book_capacity("l4", CONFIG.with_overrides({"grades.l4.capacity": 3})) == 3


def test_trainee_recorded_l2_takes_only_gold_up_to_trainee_capacity():
    grade = effective_grade("l2", False)
    trainee = rm("T1", grade=grade, capacity=book_capacity(grade, CONFIG))
    assert trainee.capacity == 100
    clients = [client("PP", tier="premier_platinum"), client("G", tier="gold")]
    got = placed(run(clients, [trainee]))
    assert got["G"] == ("T1", False, "new")
    assert got["PP"] == ("T1", True, "new")  # only a grade gap, never a match


# --- rule 2: who gets whom ------------------------------------------------------------------

def test_lowest_sufficient_grade_first():
    rms = [rm("S", grade="senior"), rm("L3", grade="l3"), rm("L4", grade="l4"),
           rm("T", grade="trainee")]
    got = placed(run([client("G", tier="gold"), client("P", tier="platinum"),
                      client("BG", tier="black_gold")], rms))
    assert got == {"G": ("T", False, "new"), "P": ("L3", False, "new"),
                   "BG": ("S", False, "new")}


def test_next_higher_grade_when_the_own_grade_is_missing():
    got = placed(run([client("P", tier="platinum")], [rm("S", grade="senior"),
                                                        rm("L2", grade="l2")]))
    assert got["P"] == ("L2", False, "new")


def test_next_higher_grade_when_the_own_grade_is_full():
    clients = [client("P1", tier="platinum", rm_id="L3"), client("P2", tier="platinum")]
    rms = [rm("L3", grade="l3", capacity=1), rm("L2", grade="l2")]
    assert placed(run(clients, rms)) == {"P2": ("L2", False, "new")}


def test_lowest_load_ratio_then_rm_id():
    # A holds 5 of 10 (0.5), B 40 of 100 (0.4): B; C and D equal: the smaller id
    held = [client(f"a{i}", rm_id="A") for i in range(5)] + \
           [client(f"b{i}", rm_id="B") for i in range(40)]
    rms = [rm("A", capacity=10), rm("B", capacity=100)]
    assert placed(run(held + [client("X")], rms))["X"][0] == "B"
    assert placed(run([client("X")], [rm("D"), rm("C")]))["X"][0] == "C"


def test_load_spreads_evenly():
    clients = [client(f"C{i}") for i in range(6)]
    got = placed(run(clients, [rm("A", capacity=10), rm("B", capacity=10)]))
    assert sorted(r for r, _, _ in got.values()) == ["A", "A", "A", "B", "B", "B"]


@pytest.mark.parametrize("first, second", [
    (client("HI", tier="diamond", aum=1), client("LO", tier="gold", aum=10**12)),  # tier first
    (client("HI", aum=40_000_000), client("LO", aum=39_999_999)),  # then AUM
    (client("A1"), client("A2")),  # then client id
])
def test_order_tier_then_aum_then_id(first, second):
    for clients in ([first, second], [second, first]):
        got = placed(run(clients, [rm("ONE", grade="senior", capacity=1)]))
        assert got[first.client_id][0] == "ONE"
        assert got[second.client_id] == (None, False, "no_capacity")


def test_only_the_ownership_branch_counts():
    got = placed(run([client("X", branch="B2")], [rm("A", branch="B1"), rm("B", branch="B2")]))
    assert got["X"][0] == "B"


# --- rule 3: grade gaps and nobody with room ---------------------------------------------------

def test_grade_gap_goes_to_the_highest_grade_with_room():
    rms = [rm("L1", grade="l1", capacity=0), rm("L3", grade="l3"), rm("L4", grade="l4"),
           rm("T", grade="trainee")]
    out = run([client("D", tier="diamond")], rms)
    assert placed(out)["D"] == ("L3", True, "new")
    assert out.changes[0].kind == "new" and out.changes[0].grade_gap


def test_branch_with_no_eligible_rm():
    out = run([client("BG", tier="black_gold")], [rm("L4", grade="l4"), rm("T", grade="trainee")])
    assert placed(out)["BG"] == ("L4", True, "new")


@pytest.mark.parametrize("rms", [[], [rm("GONE", active=False)], [rm("ELSEWHERE", branch="B2")]])
def test_branch_with_no_rm_at_all(rms):
    out = run([client("X")], rms)
    assert placed(out) == {"X": (None, False, "no_rm")}
    assert out.changes[0].kind == "unassigned" and out.changes[0].reason == "no_rm"


def test_nobody_with_room():
    out = run([client("A", rm_id="R"), client("X")], [rm("R", capacity=1)])
    assert placed(out) == {"X": (None, False, "no_capacity")}


def test_capacity_exactly_full():
    held = [client(f"C{i}", rm_id="R") for i in range(3)]
    out = run(held + [client("X")], [rm("R", capacity=3), rm("S", capacity=3)])
    assert placed(out) == {"X": ("S", False, "new")}
    assert out.kept == 3 and out.loads == {"R": 3, "S": 1}
    # one more than capacity: nobody moves for a client that does not fit
    out = run(held + [client("X")], [rm("R", capacity=3)])
    assert placed(out) == {"X": (None, False, "no_capacity")}


# --- rule 1: what is kept, what moves, and why -------------------------------------------------

def test_valid_assignments_are_kept_even_if_another_rm_would_be_chosen_now():
    # a gold client with an l3 RM: today it would go to the trainee, but it stays
    out = run([client("G", rm_id="L3")], [rm("L3", grade="l3"), rm("T", grade="trainee")])
    assert out.writes == [] and out.changes == [] and out.kept == 1


def test_downgrade_keeps_the_rm():
    out = run([client("P", tier="gold", rm_id="L3")], [rm("L3", grade="l3")])
    assert out.changes == []


def test_upgrade_beyond_the_rms_grade_moves_with_tier_change():
    rms = [rm("L4", grade="l4"), rm("L1", grade="l1")]
    out = run([client("X", tier="diamond", rm_id="L4")], rms)
    assert placed(out)["X"] == ("L1", False, "tier_change")
    assert [(c.kind, c.from_rm, c.to_rm) for c in out.changes] == [("moved", "L4", "L1")]


def test_upgrade_with_no_better_rm_stays_on_a_grade_gap():
    out = run([client("X", tier="diamond", rm_id="L4")], [rm("L4", grade="l4")])
    assert placed(out)["X"] == ("L4", True, "new")  # same RM, flag set, reason kept
    assert [(c.kind, c.reason) for c in out.changes] == [("grade_gap", "tier_change")]


def test_upgrade_stays_with_its_rm_rather_than_an_equally_low_one():
    # both l4 RMs are too low; the emptier one would win a new client, but X does not move
    clients = [client("X", tier="diamond", rm_id="BUSY"), client("Y", rm_id="BUSY")]
    out = run(clients, [rm("BUSY", grade="l4"), rm("AAA", grade="l4")])
    assert placed(out) == {"X": ("BUSY", True, "new")}


def test_ownership_move_is_branch_change():
    out = run([client("X", branch="B2", rm_id="A")], [rm("A", branch="B1"), rm("B", branch="B2")])
    assert placed(out)["X"] == ("B", False, "branch_change")


def test_inactive_rm_loses_every_client_and_gets_none():
    clients = [client("X", rm_id="OLD"), client("Y")]
    out = run(clients, [rm("OLD", active=False), rm("NEW")])
    assert placed(out) == {"X": ("NEW", False, "rm_inactive"), "Y": ("NEW", False, "new")}


def test_over_capacity_keeps_highest_tier_then_aum():
    clients = [client("G1", tier="gold", aum=90_000_000, rm_id="R"),
               client("P1", tier="platinum", aum=100_000_000, rm_id="R"),
               client("G2", tier="gold", aum=20_000_000, rm_id="R"),
               client("G3", tier="gold", aum=50_000_000, rm_id="R")]
    out = run(clients, [rm("R", grade="l3", capacity=2), rm("S", grade="trainee")])
    assert placed(out) == {"G3": ("S", False, "over_capacity"),
                           "G2": ("S", False, "over_capacity")}


# --- pins ---------------------------------------------------------------------------------------

def test_pin_is_kept_whatever_else_holds():
    # wrong branch, insufficient grade, RM over capacity: still kept, and counted in the load
    clients = [client("PIN", tier="black_gold", branch="B9", rm_id="R", pinned=True),
               client("A", rm_id="R"), client("B", rm_id="R")]
    out = run(clients, [rm("R", grade="trainee", capacity=2), rm("S", grade="trainee")])
    got = placed(out)
    assert got["PIN"] == ("R", True, "new")  # flag refreshed, nothing moved
    assert [c.kind for c in out.changes if c.client_id == "PIN"] == ["grade_gap"]
    assert got["B"] == ("S", False, "over_capacity")
    assert "A" not in got


def test_pin_ends_when_its_rm_leaves():
    out = run([client("X", rm_id="OLD", pinned=True)], [rm("OLD", active=False), rm("NEW")])
    assert out.writes[0].pinned is False
    assert placed(out)["X"] == ("NEW", False, "rm_inactive")


def test_untiered_client_keeps_its_pin_and_loses_an_unpinned_rm():
    clients = [client("PIN", tier=None, rm_id="R", pinned=True),
               client("FREE", tier=None, rm_id="R"),
               client("NOROW", tier=None)]
    out = run(clients, [rm("R")])
    assert out.releases == ["FREE"] and out.writes == []
    assert [(c.client_id, c.kind, c.reason) for c in out.changes] == [
        ("FREE", "released", "untiered")]


def test_untiered_pin_whose_rm_left_is_released():
    out = run([client("X", tier=None, rm_id="OLD", pinned=True)], [rm("OLD", active=False)])
    assert out.releases == ["X"] and out.changes[0].reason == "rm_inactive"


def test_include_untiered_assigns_them_after_every_tier():
    clients = [client("U", tier=None, aum=10**12), client("G", tier="gold", aum=1)]
    out = run(clients, [rm("R", capacity=1)], include_untiered=True)
    assert placed(out) == {"G": ("R", False, "new"), "U": (None, False, "no_capacity")}
    assert placed(run([client("U", tier=None)], [rm("R")])) == {}


# --- corporate and closed clients -------------------------------------------------------------

def test_corporate_clients_are_never_placed_by_the_run():
    corporate = client("CO", tier="black_gold", corporate=True)
    assert run([corporate], [rm("S", grade="senior")]).changes == []
    pinned = client("CO", corporate=True, rm_id="R", pinned=True, branch="B9")
    out = run([pinned, client("X")], [rm("R", capacity=1), rm("S", capacity=1)])
    assert placed(out) == {"X": ("S", False, "new")}  # the corporate client fills R


def test_corporate_client_whose_rm_left_waits_for_a_hand():
    out = run([client("CO", corporate=True, rm_id="OLD", pinned=True)], [rm("OLD", active=False),
                                                                        rm("NEW")])
    assert placed(out) == {"CO": (None, False, "rm_inactive")}
    assert out.changes[0].kind == "released"


@pytest.mark.parametrize("pinned", [False, True])
def test_closed_client_loses_its_rm(pinned):
    out = run([client("X", closed=True, rm_id="R", pinned=pinned),
               client("Y", closed=True)], [rm("R")])
    assert out.releases == ["X"]
    assert [(c.kind, c.reason) for c in out.changes] == [("released", "closed")]


# --- grade gaps over time --------------------------------------------------------------------

def test_grade_gap_is_resolved_when_a_sufficient_rm_has_room():
    clients = [client("D", tier="diamond", rm_id="L4", gap=True)]
    out = run(clients, [rm("L4", grade="l4"), rm("L1", grade="l1")])
    assert placed(out)["D"] == ("L1", False, "grade_gap")


def test_grade_gap_stays_while_nobody_sufficient_has_room():
    clients = [client("D", tier="diamond", rm_id="L4", gap=True)]
    out = run(clients, [rm("L4", grade="l4"), rm("L3", grade="l3"), rm("L1", grade="l1",
                                                                        capacity=0)])
    assert out.changes == []  # not moved up to the l3, which is no match either


def test_grade_gap_flag_clears_when_the_tier_drops():
    out = run([client("X", tier="gold", rm_id="L4", gap=True)], [rm("L4", grade="l4")])
    assert placed(out)["X"] == ("L4", False, "new")
    assert out.changes[0].kind == "grade_gap" and not out.changes[0].grade_gap


# --- determinism and stability ---------------------------------------------------------------

def random_bank(seed: int, n_clients=300, n_rms=25, branches=("B1", "B2", "B3", "B4")):
    rnd = random.Random(seed)
    rms = [rm(f"R{i:03d}", branch=rnd.choice(branches[:-1]), grade=rnd.choice(GRADES),
              capacity=rnd.choice([0, 1, 3, 8, 20]), active=rnd.random() > 0.1)
           for i in range(n_rms)]
    clients = []
    for i in range(n_clients):
        roll = rnd.random()
        holder = rnd.choice(rms).rm_id if rnd.random() < 0.3 else None
        clients.append(client(
            f"C{i:04d}", tier=rnd.choice(TIERS + (None,)), aum=rnd.randrange(1, 5) * 10**8,
            branch=rnd.choice(branches), rm_id=holder, pinned=holder is not None and roll < 0.05,
            corporate=roll > 0.97, closed=0.95 < roll <= 0.97))
    return clients, rms


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_a_second_run_changes_nothing_and_invariants_hold(seed):
    clients, rms = random_bank(seed)
    after = apply(clients, run(clients, rms))
    check_plain(after, rms)
    again = run(after, rms)
    assert again.writes == [] and again.releases == [] and again.changes == []


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_the_outcome_does_not_depend_on_input_order(seed):
    clients, rms = random_bank(seed)
    shuffled = clients[:]
    random.Random(seed).shuffle(shuffled)
    assert state(apply(clients, run(clients, rms))) == \
        state(apply(clients, run(shuffled, list(reversed(rms)))))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 299))
@example(3080, 202)  # the target leaves a full RM; an unassigned higher-tier client takes its place
def test_an_upgrade_moves_only_that_client_and_only_if_its_rm_is_too_low(seed, index):
    clients, rms = random_bank(seed)
    settled = apply(clients, run(clients, rms))
    target = settled[index]
    if target.tier in (None, "black_gold") or target.corporate or target.closed:
        return
    upgraded = target._replace(tier=TIERS[TIERS.index(target.tier) - 1], aum=target.aum * 3)
    data = settled[:index] + [upgraded] + settled[index + 1:]
    out = run(data, rms)
    others = [c for c in out.changes if c.client_id != target.client_id]
    # No other client changes RM. The one exception §3's order imposes: when the target leaves
    # an RM whose grade is now too low, a higher-tier client that nobody had room for takes the
    # freed place (it had no RM, so nothing of its relationship moves).
    assert all(c.from_rm is None and c.kind == "new" for c in others)
    assert len(others) <= 1
    grades = {r.rm_id: r.grade for r in rms}
    if target.rm_id is not None and sufficient(grades[target.rm_id], upgraded.tier):
        assert out.changes == []
    check_plain(apply(data, out), rms)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 24))
def test_deactivating_an_rm_moves_only_its_clients(seed, index):
    clients, rms = random_bank(seed)
    settled = apply(clients, run(clients, rms))
    leaving = rms[index]._replace(active=False)
    staff = rms[:index] + [leaving] + rms[index + 1:]
    out = run(settled, staff)
    held = {c.client_id for c in settled if c.rm_id == leaving.rm_id}
    moved = {c.client_id for c in out.changes if c.from_rm is not None or c.to_rm is not None}
    assert moved == held
    # the only other change: a client no RM had room for, now at a branch with nobody left
    assert all(c.reason == "no_rm" for c in out.changes if c.client_id not in held)
    check_plain(apply(settled, out), staff)
