"""The ownership branch of a client (DOMAIN §3): where it transacts most, not where it lives.

The count per branch comes from the store; this module only decides. A basis code says why a
branch was chosen, so a report can explain every move:

- `transactions`: the branch with the most transactions in the window;
- `tie_latest`: a tie on the count, broken by the most recent transaction;
- `tie_code`: a tie on the count and on the last date, broken by the smaller branch code;
- `home_branch`: no transaction in the window.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

class BranchCount(NamedTuple):
    branch: str
    count: int
    last: dt.date


class Ownership(NamedTuple):
    branch: str
    basis: str


def window(today: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """The trailing window ending today, both ends included (365 days, not 366)."""
    return today - dt.timedelta(days=days - 1), today


def choose_branch(counts: Sequence[BranchCount], home_branch: str) -> Ownership:
    """The ownership branch from a client's per-branch counts over the window."""
    if not counts:
        return Ownership(home_branch, "home_branch")
    most = max(c.count for c in counts)
    tied = [c for c in counts if c.count == most]
    if len(tied) == 1:
        return Ownership(tied[0].branch, "transactions")
    latest = max(c.last for c in tied)
    tied = [c for c in tied if c.last == latest]
    if len(tied) == 1:
        return Ownership(tied[0].branch, "tie_latest")
    return Ownership(min(c.branch for c in tied), "tie_code")


def owners(rows: Iterable[tuple[str, str, int]],
           counts_of: Callable[[str], Sequence[BranchCount]]) -> Iterator[tuple[str, Ownership]]:
    """(client_id, Ownership) for every client in `rows` of (client_id, branch, count).

    The rows of one client must be adjacent (the store sorts them by client). Most clients have
    one branch with the most transactions, which the counts alone decide; for a tie the rule
    needs the last dates, which `counts_of(client_id)` gives (one lookup for a few clients is
    cheaper than a last date for every client and branch). A client without rows is not
    yielded: its owner is its home branch.
    """
    # A bank's million clients pass through here: plain tuples and no inner calls on the
    # common path (Ownership is a named tuple, so both compare equal).
    client, leader, most, tied = None, "", 0, False
    for client_id, branch, count in rows:
        if client_id != client:
            if client is not None:
                yield client, (choose_branch(counts_of(client), "") if tied
                               else (leader, "transactions"))
            client, leader, most, tied = client_id, branch, count, False
        elif count > most:
            leader, most, tied = branch, count, False
        elif count == most:
            tied = True
    if client is not None:
        yield client, (choose_branch(counts_of(client), "") if tied else (leader, "transactions"))


class OwnershipChange(NamedTuple):
    """A client's ownership to store: a new row, a move, or a new basis for the same branch.

    from_branch is the stored branch, or the home branch for a client seen the first time (until
    the first computation a client is owned by its home branch).
    """
    client_id: str
    from_branch: str
    to_branch: str
    basis: str
    first: bool

    @property
    def moved(self) -> bool:
        return self.from_branch != self.to_branch


def changes(clients: Iterable[tuple[str, str, str | None, str | None]],
            chosen: Iterable[tuple[str, Ownership]]) -> Iterator[OwnershipChange]:
    """What differs from the stored ownership.

    clients: (client_id, home_branch, stored branch or None, stored basis or None), sorted by
    client id; chosen: the output of `owners`, in the same order. Clients absent from `chosen`
    have no transaction in the window.
    """
    # A million clients the first time, every one a change: tuple.__new__ builds each change
    # without the named tuple's Python-level constructor.
    new, change = tuple.__new__, OwnershipChange
    chosen = iter(chosen)
    ahead_id, ahead = next(chosen, (None, None))
    for client_id, home, branch, basis in clients:
        while ahead_id is not None and ahead_id < client_id:
            ahead_id, ahead = next(chosen, (None, None))
        if ahead_id == client_id:
            to_branch, to_basis = ahead
        else:
            to_branch, to_basis = home, "home_branch"  # choose_branch of no transactions
        if branch is None:
            yield new(change, (client_id, home, to_branch, to_basis, True))
        elif to_branch != branch or to_basis != basis:
            yield new(change, (client_id, branch, to_branch, to_basis, False))
