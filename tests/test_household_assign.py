"""One RM per household (core.household, core.assignment): the members join the RM of the
household's highest member when the rules allow it."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assign_support import apply, check_plain, client, rm
from vipcrm.core.assignment import run, sufficient
from vipcrm.core.household import apart_reason, lead_key
from test_assign_rules import random_bank


def member(household, *args, **kwargs):
    return client(*args, **kwargs)._replace(household=household)


def placed(outcome) -> dict[str, tuple]:
    return {row.client_id: (row.rm_id, row.reason) for row in outcome.writes}


STAFF = [rm("S", grade="senior"), rm("L1", grade="l1"), rm("L4", grade="l4"),
         rm("T", grade="trainee")]


def test_new_members_get_the_rm_of_the_highest_member():
    out = run([member("H", "HEAD", tier="diamond"), member("H", "KID", tier="gold"),
               member("H", "MUM", tier="premier_gold"), client("OTHER", tier="gold")], STAFF)
    assert placed(out) == {"HEAD": ("L1", "new"), "KID": ("L1", "household"),
                           "MUM": ("L1", "household"), "OTHER": ("T", "new")}
    assert {(c.client_id, c.kind, c.reason) for c in out.changes} == {
        ("HEAD", "new", "new"), ("KID", "new", "household"), ("MUM", "new", "household"),
        ("OTHER", "new", "new")}
    assert out.loads == {"L1": 3, "T": 1}


def test_members_held_by_other_rms_move_and_a_second_run_changes_nothing():
    clients = [member("H", "HEAD", tier="diamond", rm_id="L1"),
               member("H", "KID", tier="gold", rm_id="T")]
    out = run(clients, STAFF)
    assert placed(out) == {"KID": ("L1", "household")}
    [change] = out.changes
    assert (change.kind, change.from_rm, change.to_rm) == ("moved", "T", "L1")
    assert out.kept == 1
    again = run(apply(clients, out), STAFF)
    assert again.changes == [] and again.writes == [] and again.kept == 2


def test_the_lead_is_the_highest_tier_then_aum_then_client_id():
    assert sorted([lead_key("gold", 9, "A"), lead_key("platinum", 1, "B"),
                   lead_key("platinum", 2, "C"), lead_key("platinum", 2, "B"),
                   lead_key(None, 99, "D")]) == [
        lead_key("platinum", 2, "B"), lead_key("platinum", 2, "C"), lead_key("platinum", 1, "B"),
        lead_key("gold", 9, "A"), lead_key(None, 99, "D")]
    # Two of one tier: the larger AUM leads; equal AUM: the smaller client id.
    staff = [rm("A4", grade="l4"), rm("B4", grade="l4")]
    richer = run([member("H", "X1", tier="premier_gold", aum=10**8, rm_id="A4"),
                  member("H", "X2", tier="premier_gold", aum=2 * 10**8, rm_id="B4")], staff)
    assert placed(richer) == {"X1": ("B4", "household")}
    tie = run([member("H", "X1", tier="premier_gold", rm_id="A4"),
               member("H", "X2", tier="premier_gold", rm_id="B4")], staff)
    assert placed(tie) == {"X2": ("A4", "household")}


def test_a_pinned_member_keeps_its_rm_and_a_pinned_lead_brings_the_others():
    pinned_kid = run([member("H", "HEAD", tier="diamond", rm_id="L1"),
                      member("H", "KID", tier="gold", rm_id="T", pinned=True)], STAFF)
    assert pinned_kid.changes == []
    pinned_head = run([member("H", "HEAD", tier="diamond", rm_id="S", pinned=True),
                       member("H", "KID", tier="gold", rm_id="T")], STAFF)
    assert placed(pinned_head) == {"KID": ("S", "household")}


def test_a_member_owned_by_another_branch_keeps_its_branchs_rm():
    staff = STAFF + [rm("SH-T", branch="B2", grade="trainee")]
    out = run([member("H", "HEAD", tier="diamond", rm_id="L1"),
               member("H", "KID", tier="gold", branch="B2", rm_id="SH-T")], staff)
    assert out.changes == []


def test_a_member_whose_tier_needs_more_than_the_lead_rms_grade_keeps_its_own():
    # The lead sits on a grade gap with the l4 (no diamond RM had room); the platinum member
    # would be on a gap there too, so it keeps its l3.
    staff = [rm("L1", grade="l1", capacity=0), rm("L3", grade="l3"), rm("L4", grade="l4")]
    out = run([member("H", "HEAD", tier="diamond", rm_id="L4", gap=True),
               member("H", "P", tier="platinum", rm_id="L3")], staff)
    assert out.changes == []
    assert apart_reason(pinned=False, same_branch=True,
                        grade_ok=sufficient("l4", "platinum"), room=True) == "grade"


def test_a_member_stays_when_the_lead_rms_book_is_full_and_joins_once_there_is_room():
    clients = [member("H", "HEAD", tier="diamond", rm_id="L1"),
               member("H", "KID", tier="gold", rm_id="T")]
    full = [rm("L1", grade="l1", capacity=1), rm("T", grade="trainee")]
    assert run(clients, full).changes == []
    room = [rm("L1", grade="l1", capacity=2), rm("T", grade="trainee")]
    assert placed(run(clients, room)) == {"KID": ("L1", "household")}


def test_a_place_freed_by_one_households_move_lets_another_household_join():
    # A leads (black gold) but its RM S1 is full until B's child leaves it for B's RM.
    staff = [rm("S1", grade="senior", capacity=2), rm("L1", grade="l1"), rm("T", grade="trainee")]
    clients = [member("A", "A-HEAD", tier="black_gold", rm_id="S1"),
               member("A", "A-KID", tier="gold", rm_id="T"),
               member("B", "B-HEAD", tier="diamond", rm_id="L1"),
               member("B", "B-KID", tier="gold", rm_id="S1")]
    out = run(clients, staff)
    assert placed(out) == {"B-KID": ("L1", "household"), "A-KID": ("S1", "household")}
    assert out.kept == 2 and out.loads == {"S1": 2, "L1": 2}
    again = run(apply(clients, out), staff)
    assert again.changes == [] and again.writes == []


@pytest.mark.parametrize("excluded", [{"corporate": True}, {"closed": True}])
def test_corporate_and_closed_members_take_no_part(excluded):
    clients = [member("H", "X", tier=None, rm_id="S", pinned="corporate" in excluded,
                      **excluded),
               member("H", "KID", tier="gold", rm_id="T")]
    out = run(clients, STAFF)
    assert all(c.client_id != "KID" for c in out.changes)


def test_a_member_below_gold_is_not_given_an_rm_by_its_household():
    out = run([member("H", "HEAD", tier="diamond", rm_id="L1"), member("H", "MASS", tier=None)],
              STAFF)
    assert out.changes == [] and out.writes == []


def test_households_of_higher_leads_claim_a_full_book_first():
    staff = [rm("L1", grade="l1", capacity=3), rm("T", grade="trainee")]
    clients = [member("A", "A-HEAD", tier="diamond", aum=10**8, rm_id="L1"),
               member("A", "A-KID", tier="gold", rm_id="T"),
               member("B", "B-HEAD", tier="diamond", aum=9 * 10**8, rm_id="L1"),
               member("B", "B-KID", tier="gold", rm_id="T")]
    assert placed(run(clients, staff)) == {"B-KID": ("L1", "household")}


def random_households(seed: int):
    clients, rms = random_bank(seed)
    rnd = random.Random(seed)
    grouped = []
    for c in clients:
        roll = rnd.random()
        grouped.append(c._replace(household=f"H{rnd.randrange(40)}") if roll < 0.5 else c)
    return grouped, rms


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_households_keep_every_invariant_and_a_second_run_changes_nothing(seed):
    clients, rms = random_households(seed)
    after = apply(clients, run(clients, rms))
    check_plain(after, rms)
    again = run(after, rms)
    assert again.writes == [] and again.releases == [] and again.changes == []
    # Every member with an RM shares its household lead's RM, or the rules say why not.
    by_rm = {r.rm_id: r for r in rms}
    load: dict[str, int] = {}
    for c in after:
        if c.rm_id is not None:
            load[c.rm_id] = load.get(c.rm_id, 0) + 1
    households: dict[str, list] = {}
    for c in after:
        if c.household and c.rm_id and not c.closed and not c.corporate:
            households.setdefault(c.household, []).append(c)
    for members in households.values():
        members.sort(key=lambda c: lead_key(c.tier, c.aum, c.client_id))
        lead_rm = by_rm[members[0].rm_id]
        for c in members[1:]:
            if c.rm_id != lead_rm.rm_id:
                assert apart_reason(pinned=c.pinned, same_branch=lead_rm.branch == c.branch,
                                    grade_ok=sufficient(lead_rm.grade, c.tier),
                                    room=load[lead_rm.rm_id] < lead_rm.capacity) is not None


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_households_do_not_depend_on_input_order(seed):
    from assign_support import state

    clients, rms = random_households(seed)
    shuffled = clients[:]
    random.Random(seed).shuffle(shuffled)
    assert state(apply(clients, run(clients, rms))) == \
        state(apply(clients, run(shuffled, list(reversed(rms)))))
