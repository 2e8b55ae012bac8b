"""Who serves whom (DOMAIN §3): RM grades and book capacity, and the deterministic assignment run.

The run reads plain data (clients with their tier, basis AUM, ownership branch and current
assignment; RMs with branch, effective grade, capacity and activity) and returns only what must
change, each change with its reason, so the store writes the difference and nothing else and a
second run over the same data changes nothing.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, NamedTuple

from vipcrm.core.config import GRADES, TIERS, Config
from vipcrm.core.household import HOUSEHOLD, apart_reason

# Each tier needs an RM of its own grade or higher (DOMAIN §3, seed §2.4).
REQUIRED_GRADE = dict(zip(TIERS, GRADES))
GRADE_RANK = {grade: rank for rank, grade in enumerate(GRADES)}  # 0 is the highest
TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
UNTIERED_RANK = len(TIERS)

# Why an assignment changed; `closed`, `grade_gap` (a client leaving a grade gap for an RM of
# its grade) and `household` (a member joining its household's RM) complete DOMAIN §3's list.
CHANGE_REASONS = ("new", "tier_change", "branch_change", "rm_inactive", "over_capacity",
                  "untiered", "manual", "closed", "grade_gap", HOUSEHOLD)
# Why a client in scope has no RM.
UNASSIGNED_REASONS = ("no_capacity", "no_rm")


def effective_grade(grade: str, exam_passed: bool) -> str:
    """An RM who has not passed the exam is a trainee whatever grade is recorded (seed §2.5)."""
    return grade if exam_passed else "trainee"


def book_capacity(grade: str, config: Config) -> int:
    """Clients an RM of this (effective) grade may hold; `rms.daily_capacity` is for plans only."""
    return config.capacity(grade)


def sufficient(grade: str, tier: str | None) -> bool:
    if tier is None:
        return True
    return GRADE_RANK[grade] <= GRADE_RANK[REQUIRED_GRADE[tier]]


class Rm(NamedTuple):
    rm_id: str
    branch: str
    grade: str  # effective grade
    capacity: int
    active: bool


class Client(NamedTuple):
    client_id: str
    branch: str  # ownership branch
    tier: str | None  # None: below gold
    aum: int  # basis AUM of the last recompute, fen
    corporate: bool
    closed: bool
    # The current assignments row; reason is None when the client has no row.
    rm_id: str | None
    pinned: bool
    grade_gap: bool
    reason: str | None
    household: str | None = None  # the household it belongs to (core.household)


class Row(NamedTuple):
    """The new assignments row of a client."""
    client_id: str
    rm_id: str | None
    pinned: bool
    grade_gap: bool
    reason: str


class Change(NamedTuple):
    """One line of the run's diff.

    kind: `new` (first RM), `moved`, `unassigned` (in scope, no RM with room), `released` (out
    of scope: closed, untiered, or a pin or corporate whose RM left) or `grade_gap` (same RM,
    the flag changed). reason: one of CHANGE_REASONS, or UNASSIGNED_REASONS for a client that
    had no RM before either.
    """
    client_id: str
    branch: str
    tier: str | None
    kind: str
    from_rm: str | None
    to_rm: str | None
    reason: str
    grade_gap: bool


@dataclass
class Outcome:
    writes: list[Row] = field(default_factory=list)  # rows to insert or update
    releases: list[str] = field(default_factory=list)  # client ids whose row goes
    changes: list[Change] = field(default_factory=list)
    kept: int = 0  # clients whose RM stays
    loads: dict[str, int] = field(default_factory=dict)  # clients per active RM after the run


def _order(client: Client) -> tuple:
    rank = TIER_RANK[client.tier] if client.tier is not None else UNTIERED_RANK
    return rank, -client.aum, client.client_id


def _required_rank(tier: str | None) -> int:
    return GRADE_RANK[REQUIRED_GRADE[tier]] if tier is not None else len(GRADES) - 1


class _Branches:
    """RMs with room, per branch and grade, cheapest load ratio first.

    Heap entries carry the load they were pushed with; an entry whose RM has taken clients since
    is stale and skipped (lazy deletion), which lets the fallback pick an RM outside the heap.
    """

    def __init__(self, rms: Iterable[Rm], load: dict[str, int]):
        self.rms = {rm.rm_id: rm for rm in rms if rm.active}
        self.load = load
        self.staffed = {rm.branch for rm in self.rms.values()}
        self.heaps: dict[str, list[list]] = defaultdict(lambda: [[] for _ in GRADES])
        for rm in self.rms.values():
            self._push(rm)

    def _push(self, rm: Rm) -> None:
        used = self.load.get(rm.rm_id, 0)
        if used < rm.capacity:
            heapq.heappush(self.heaps[rm.branch][GRADE_RANK[rm.grade]],
                           (used / rm.capacity, rm.rm_id, used))

    def has_room(self, rm: Rm) -> bool:
        return self.load.get(rm.rm_id, 0) < rm.capacity

    def top(self, branch: str, rank: int) -> str | None:
        """The RM of this grade at the branch with room and the lowest load ratio, then RM id."""
        heap = self.heaps[branch][rank] if branch in self.heaps else []
        while heap and heap[0][2] != self.load.get(heap[0][1], 0):
            heapq.heappop(heap)
        return heap[0][1] if heap else None

    def take(self, rm_id: str) -> None:
        self.load[rm_id] = self.load.get(rm_id, 0) + 1
        self._push(self.rms[rm_id])

    def release(self, rm_id: str) -> None:
        self.load[rm_id] -= 1
        self._push(self.rms[rm_id])


def run(clients: Iterable[Client], rms: Iterable[Rm], include_untiered: bool = False) -> Outcome:
    """The assignment run of DOMAIN §3 over plain data; returns the changes only."""
    rms = list(rms)
    active = {rm.rm_id: rm for rm in rms if rm.active}
    out = Outcome()
    load: dict[str, int] = defaultdict(int)
    held: dict[str, list[Client]] = defaultdict(list)  # valid or on a gap, unpinned
    pool: list[tuple[Client, str]] = []
    households: dict[str, list[Client]] = defaultdict(list)

    for client in clients:
        rm = active.get(client.rm_id) if client.rm_id is not None else None
        has_row = client.reason is not None
        if client.household is not None and not client.closed and not client.corporate:
            households[client.household].append(client)
        if client.closed:
            if has_row:
                _release(out, client, "closed")
            continue
        if client.corporate:
            # Corporate clients are assigned by hand; the run only takes them from a leaving RM.
            if rm is not None:
                load[rm.rm_id] += 1
                out.kept += 1
            elif client.rm_id is not None:
                _write(out, client, None, False, "rm_inactive", "released")
            continue
        in_scope = client.tier is not None or include_untiered
        if client.pinned and rm is not None:
            load[rm.rm_id] += 1
            out.kept += 1
            _keep_flag(out, client, not sufficient(rm.grade, client.tier))
            continue
        if not in_scope:
            if has_row:
                _release(out, client, "rm_inactive" if client.pinned else "untiered")
            continue
        if client.rm_id is None:
            pool.append((client, "new"))
        elif rm is None:
            pool.append((client, "rm_inactive"))
        elif rm.branch != client.branch:
            pool.append((client, "branch_change"))
        elif sufficient(rm.grade, client.tier) or client.grade_gap:
            held[rm.rm_id].append(client)
        else:
            pool.append((client, "tier_change"))

    # An RM over capacity keeps its highest-tier, then highest-AUM clients; pins count first.
    gaps: list[Client] = []
    for rm_id, book in held.items():
        room = max(active[rm_id].capacity - load[rm_id], 0)
        if len(book) > room:
            book.sort(key=_order)
            pool.extend((client, "over_capacity") for client in book[room:])
            book = book[:room]
        load[rm_id] += len(book)
        for client in book:
            if sufficient(active[rm_id].grade, client.tier):
                out.kept += 1
                _keep_flag(out, client, False)
            else:
                gaps.append(client)

    # A grade gap stays while no RM of a sufficient grade at its branch has room, so that a
    # change elsewhere (an upgrade, an RM leaving) does not shuffle other clients' gaps.
    staff: dict[str, list[Rm]] = defaultdict(list)
    for rm in active.values():
        staff[rm.branch].append(rm)
    on_gap: list[Client] = []  # unpinned clients left on a grade gap by this run
    for client in sorted(gaps, key=_order):
        if any(sufficient(rm.grade, client.tier) and load[rm.rm_id] < rm.capacity
               for rm in staff[client.branch]):
            load[client.rm_id] -= 1
            pool.append((client, "grade_gap"))
        else:
            out.kept += 1
            on_gap.append(client)

    branches = _Branches(rms, load)
    pool.sort(key=lambda item: _order(item[0]))
    for client, reason in pool:
        if _place(out, branches, client, reason):
            on_gap.append(client)
    if households:
        _unite(out, households, branches, staff, on_gap)
    out.loads = {rm_id: n for rm_id, n in load.items() if n}
    return out


class _Records:
    """What the run recorded per client so far, so that a later step can replace it."""

    def __init__(self, out: Outcome):
        self.out = out
        self.writes = {row.client_id: i for i, row in enumerate(out.writes)}
        self.changes = {change.client_id: i for i, change in enumerate(out.changes)}
        self.released = set(out.releases)

    def now(self, client: Client) -> tuple[str | None, bool, bool]:
        """The client's RM, pin and grade-gap flag after the run so far."""
        if client.client_id in self.released:
            return None, False, False
        i = self.writes.get(client.client_id)
        if i is not None:
            row = self.out.writes[i]
            return row.rm_id, row.pinned, row.grade_gap
        return client.rm_id, client.pinned, client.grade_gap

    def forget(self, client: Client) -> str | None:
        """Drop what was recorded for the client (rows become None); returns its RM."""
        rm_id = self.now(client)[0]
        if rm_id is not None and rm_id == client.rm_id:
            self.out.kept -= 1  # it had been kept
        for index, items in ((self.writes, self.out.writes), (self.changes, self.out.changes)):
            i = index.pop(client.client_id, None)
            if i is not None:
                items[i] = None
        return rm_id

    def redo(self, client: Client, record) -> None:
        """Record the client anew with `record()` (which appends to the outcome)."""
        writes, changes = len(self.out.writes), len(self.out.changes)
        record()
        if len(self.out.writes) > writes:
            self.writes[client.client_id] = writes
        if len(self.out.changes) > changes:
            self.changes[client.client_id] = changes

    def seal(self) -> None:
        self.out.writes = [row for row in self.out.writes if row is not None]
        self.out.changes = [change for change in self.out.changes if change is not None]


def _unite(out: Outcome, households: dict[str, list[Client]], branches: _Branches,
           staff: dict[str, list[Rm]], on_gap: list[Client]) -> None:
    """One RM per household (core.household): once everyone is placed, each member with an RM
    joins the RM of its household's highest member with an RM, unless `apart_reason` says
    otherwise. Households are served in the order of their leads, as clients are placed.

    A member's move frees a place at its former RM: another household's member may join
    there, or a client on a grade gap move up to it, as the next run would do; both are done
    now, until nothing moves, so that a second run over the same data changes nothing. It
    ends: a member only ever moves to its lead's RM, and a client leaves a gap once.
    """
    records = _Records(out)
    groups = []
    for members in households.values():
        served = sorted((c for c in members if records.now(c)[0] is not None), key=_order)
        if len(served) > 1:
            groups.append(served)
    groups.sort(key=lambda served: _order(served[0]))
    while _join_households(records, groups, branches) and _leave_gaps(records, branches,
                                                                       staff, on_gap):
        pass
    records.seal()


def _join_households(records: _Records, groups: list[list[Client]],
                     branches: _Branches) -> bool:
    """Sweep the households until no member moves; whether any did."""
    moved_any, moved = False, True
    while moved:
        moved = False
        for lead, *others in groups:
            rm = branches.rms[records.now(lead)[0]]
            for client in others:
                rm_id, pinned, _ = records.now(client)
                if rm_id == rm.rm_id or apart_reason(
                        pinned=pinned, same_branch=rm.branch == client.branch,
                        grade_ok=sufficient(rm.grade, client.tier),
                        room=branches.has_room(rm)) is not None:
                    continue
                records.forget(client)
                branches.release(rm_id)
                branches.take(rm.rm_id)
                records.redo(client, lambda: _join(records.out, client, rm.rm_id))
                moved = moved_any = True
    return moved_any


def _join(out: Outcome, client: Client, lead_rm: str) -> None:
    """Record a member's move to its household's RM."""
    if client.rm_id == lead_rm:  # back where it was: its row stands
        out.kept += 1
        _keep_flag(out, client, False, HOUSEHOLD)
        return
    _write(out, client, lead_rm, False, HOUSEHOLD, "new" if client.rm_id is None else "moved")


def _leave_gaps(records: _Records, branches: _Branches, staff: dict[str, list[Rm]],
                on_gap: list[Client]) -> bool:
    """The grade-gap step of the run again, for the places household moves freed: a client on
    a gap whose branch now has room at a sufficient grade is placed again; whether any was."""
    leaving = []
    for client in sorted(on_gap, key=_order):
        rm_id, _, gap = records.now(client)
        if gap and any(sufficient(rm.grade, client.tier) and branches.has_room(rm)
                       for rm in staff[client.branch]):
            records.forget(client)
            branches.release(rm_id)
            leaving.append(client)
    for client in leaving:
        records.redo(client, lambda: _place(records.out, branches, client, "grade_gap"))
    return bool(leaving)


def _place(out: Outcome, branches: _Branches, client: Client, reason: str) -> bool:
    """Give the client an RM, or record why nobody could; whether it is on a grade gap."""
    required = _required_rank(client.tier)
    # Lowest sufficient grade first: senior capacity is not spent on gold clients.
    for rank in range(required, -1, -1):
        rm_id = branches.top(client.branch, rank)
        if rm_id is not None:
            branches.take(rm_id)
            _assign(out, client, rm_id, False, reason)
            return False
    # Nobody of a sufficient grade has room: the highest grade with room, flagged. The current
    # RM wins a tie within that grade, so a client on a gap does not wander between RMs.
    current = branches.rms.get(client.rm_id) if client.rm_id is not None else None
    for rank in range(required + 1, len(GRADES)):
        rm_id = branches.top(client.branch, rank)
        if rm_id is not None:
            if (current is not None and current.branch == client.branch
                    and GRADE_RANK[current.grade] == rank and branches.has_room(current)):
                rm_id = current.rm_id
            branches.take(rm_id)
            _assign(out, client, rm_id, True, reason)
            return True
    why = "no_capacity" if client.branch in branches.staffed else "no_rm"
    if client.rm_id is not None:
        _write(out, client, None, False, why, "unassigned", change_reason=reason)
    elif client.reason != why:
        _write(out, client, None, False, why, "unassigned")
    return False


def _assign(out: Outcome, client: Client, rm_id: str, gap: bool, reason: str) -> None:
    if rm_id == client.rm_id:
        out.kept += 1
        _keep_flag(out, client, gap, reason)
        return
    kind = "new" if client.rm_id is None else "moved"
    _write(out, client, rm_id, gap, reason, kind)


def _keep_flag(out: Outcome, client: Client, gap: bool, reason: str | None = None) -> None:
    if gap != client.grade_gap:
        out.writes.append(Row(client.client_id, client.rm_id, client.pinned, gap, client.reason))
        out.changes.append(Change(client.client_id, client.branch, client.tier, "grade_gap",
                                  client.rm_id, client.rm_id,
                                  reason or "tier_change", gap))


def _write(out: Outcome, client: Client, rm_id: str | None, gap: bool, reason: str, kind: str,
           change_reason: str | None = None) -> None:
    out.writes.append(Row(client.client_id, rm_id, False, gap, reason))
    out.changes.append(Change(client.client_id, client.branch, client.tier, kind, client.rm_id,
                              rm_id, change_reason or reason, gap))


def _release(out: Outcome, client: Client, reason: str) -> None:
    out.releases.append(client.client_id)
    out.changes.append(Change(client.client_id, client.branch, client.tier, "released",
                              client.rm_id, None, reason, False))
