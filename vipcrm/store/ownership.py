"""Ownership branches (DOMAIN §3): transactions counted per client and branch in SQL, the
choice made by `core.ownership`, and only what changed written back.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from vipcrm.core.ownership import BranchCount, OwnershipChange, changes, owners, window

# Both walk the covering index in (client, branch) order: groups arrive sorted, nothing is
# sorted, no table row is read.
_COUNTS = """
    SELECT client_id, branch, COUNT(*)
    FROM transactions INDEXED BY transactions_client_branch_date
    WHERE date >= ? AND date <= ?
    GROUP BY client_id, branch
    ORDER BY client_id, branch
"""
_CLIENT_COUNTS = """
    SELECT branch, COUNT(*), MAX(date)
    FROM transactions INDEXED BY transactions_client_branch_date
    WHERE client_id = ? AND date >= ? AND date <= ?
    GROUP BY branch
"""


class OwnershipRun(NamedTuple):
    changes: list[OwnershipChange]
    start: dt.date
    end: dt.date

    @property
    def moves(self) -> list[OwnershipChange]:
        return [c for c in self.changes if c.moved]

    def branches(self) -> dict[str, str]:
        """client_id -> new branch, for every client whose stored branch differs or is absent."""
        return {c.client_id: c.to_branch for c in self.changes if c.moved or c.first}


def client_counts(conn, client_id: str, start: dt.date, end: dt.date) -> list[BranchCount]:
    """One client's transactions per branch over [start, end], with the last date of each."""
    return [BranchCount(branch, count, dt.date.fromisoformat(last)) for branch, count, last in
            conn.execute(_CLIENT_COUNTS, [client_id, start.isoformat(), end.isoformat()])]


def compute(conn, today: dt.date, window_days: int) -> OwnershipRun:
    """Every client's ownership as of today compared with the stored one; writes nothing."""
    start, end = window(today, window_days)
    stored = conn.execute(
        "SELECT c.client_id, c.home_branch, o.branch, o.basis FROM clients c "
        "LEFT JOIN ownership o ON o.client_id = c.client_id ORDER BY c.client_id"
    )
    counts = conn.execute(_COUNTS, [start.isoformat(), end.isoformat()])
    chosen = owners(counts, lambda client_id: client_counts(conn, client_id, start, end))
    found = list(changes(stored, chosen))
    return OwnershipRun(found, start, end)


def save(conn, run: OwnershipRun, today: dt.date) -> None:
    """Write the changes of `compute`; call inside the caller's transaction."""
    day = today.isoformat()
    conn.executemany(
        "INSERT INTO ownership (client_id, branch, since, basis) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (client_id) DO UPDATE SET branch = excluded.branch, "
        "basis = excluded.basis, "
        "since = CASE WHEN ownership.branch = excluded.branch THEN ownership.since "
        "ELSE excluded.since END",
        ((c.client_id, c.to_branch, day, c.basis) for c in run.changes),
    )
    conn.executemany(
        "INSERT INTO ownership_history (client_id, changed_on, from_branch, to_branch, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        ((c.client_id, day, c.from_branch, c.to_branch, c.basis) for c in run.moves),
    )
