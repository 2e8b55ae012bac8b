"""Assignments (DOMAIN §3): load compactly, let `core.assignment` decide, write the difference.

A run also refreshes the ownership branches first, in the same transaction, so the clients are
placed at the branch they transact at today. A dry run reads one snapshot and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Mapping

from sqlite_utils import Database

from vipcrm.core.assignment import (REQUIRED_GRADE, TIER_RANK, Client, Outcome, Rm, book_capacity,
                                    effective_grade, run, sufficient)
from vipcrm.core.config import Config
from vipcrm.core.dates import read_date
from vipcrm.core.ownership import choose_branch, window
from vipcrm.core.text import Code, Text
from vipcrm.store import ownership
from vipcrm.store.audit import record
from vipcrm.store.dates import closed_sql
from vipcrm.store.db import for_bulk_writes, transaction


@dataclass
class AssignRun:
    ownership: ownership.OwnershipRun
    outcome: Outcome


def load_rms(conn, config: Config, rm_id: str | None = None) -> list[Rm]:
    """RMs with their effective grade and book capacity (all, or the one asked for)."""
    rms = []
    where = "WHERE rm_id = ?" if rm_id is not None else ""
    for rm_id, branch, grade, exam_passed, active in conn.execute(
            f"SELECT rm_id, branch, grade, exam_passed, active FROM rms {where} ORDER BY rm_id",
            [rm_id] if rm_id is not None else []):
        grade = effective_grade(grade, bool(exam_passed))
        rms.append(Rm(rm_id, branch, grade, book_capacity(grade, config), bool(active)))
    return rms


def load_clients(conn, today: dt.date, include_untiered: bool,
                 branches: Mapping[str, str] | None = None) -> Iterator[Client]:
    """Every client the run may touch: tiered, holding a row, or (if so configured) retail.

    `branches` overrides the stored ownership branch (a dry run's not yet written ownership).
    """
    scope = "OR c.segment = 'retail'" if include_untiered else ""
    cursor = conn.execute(
        f"""
        SELECT c.client_id, COALESCE(o.branch, c.home_branch), t.tier, COALESCE(t.basis_aum, 0),
               c.segment = 'corporate', {closed_sql('c.closed_on', '?')},
               a.rm_id, COALESCE(a.pinned, 0), COALESCE(a.grade_gap, 0), a.reason,
               h.household_id
        FROM clients c
        LEFT JOIN tiers t ON t.client_id = c.client_id
        LEFT JOIN assignments a ON a.client_id = c.client_id
        LEFT JOIN ownership o ON o.client_id = c.client_id
        LEFT JOIN household_members h ON h.client_id = c.client_id
        WHERE t.client_id IS NOT NULL OR a.client_id IS NOT NULL {scope}
        """,
        [today.isoformat()],
    )
    branches = branches or {}
    for (client_id, branch, tier, aum, corporate, closed, rm_id, pinned, gap,
         reason, household) in cursor:
        yield Client(client_id, branches.get(client_id, branch),
                     tier if tier in TIER_RANK else None, aum, bool(corporate), bool(closed),
                     rm_id, bool(pinned), bool(gap), reason, household)


@contextmanager
def _snapshot(db: Database, dry_run: bool):
    """The write transaction of a run, or a read-only snapshot rolled back for a dry run."""
    if not dry_run:
        with transaction(db) as conn:
            yield conn
        return
    conn = db.conn
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("ROLLBACK")


def assign_all(db: Database, config: Config, today: dt.date, *, dry_run: bool,
               user: str) -> AssignRun:
    """Refresh ownership, run the assignment and (unless dry) write both with an audit row."""
    include_untiered = bool(config["assign.include_untiered"])
    for_bulk_writes(db)
    with _snapshot(db, dry_run) as conn:
        owned = ownership.compute(conn, today, config["ownership.window_days"])
        if dry_run:
            clients = load_clients(conn, today, include_untiered, owned.branches())
        else:
            ownership.save(conn, owned, today)
            clients = load_clients(conn, today, include_untiered)
        outcome = run(clients, load_rms(conn, config), include_untiered)
        if not dry_run:
            save(conn, outcome, today)
            record(db, user, "assign", {
                "ownership_moves": len(owned.moves), "kept": outcome.kept,
                **_counts(outcome),
            })
    return AssignRun(owned, outcome)


def _counts(outcome: Outcome) -> dict[str, int]:
    counts: dict[str, int] = {}
    for change in outcome.changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts


def save(conn, outcome: Outcome, today: dt.date) -> None:
    """Write an outcome: the changed rows, the released ones, one history row per RM change."""
    day = today.isoformat()
    conn.executemany(
        "INSERT INTO assignments (client_id, rm_id, pinned, grade_gap, reason, since) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET "
        "rm_id = excluded.rm_id, pinned = excluded.pinned, grade_gap = excluded.grade_gap, "
        "reason = excluded.reason, "
        "since = CASE WHEN assignments.rm_id IS excluded.rm_id THEN assignments.since "
        "ELSE excluded.since END",
        ((row.client_id, row.rm_id, int(row.pinned), int(row.grade_gap), row.reason, day)
         for row in outcome.writes),
    )
    conn.executemany("DELETE FROM assignments WHERE client_id = ?",
                     ((client_id,) for client_id in outcome.releases))
    _history(conn, ((c.client_id, c.from_rm, c.to_rm, c.reason) for c in outcome.changes
                    if c.from_rm != c.to_rm), day)


def _history(conn, rows, day: str) -> None:
    conn.executemany(
        "INSERT INTO assignment_history (client_id, changed_on, from_rm, to_rm, reason) "
        "VALUES (?, ?, ?, ?, ?)",
        ((client_id, day, from_rm, to_rm, reason) for client_id, from_rm, to_rm, reason in rows),
    )


class AssignRefused(ValueError):
    """`assign set` cannot do what was asked; the message says why and what to do."""


@dataclass
class SetResult:
    client_id: str
    from_rm: str | None
    to_rm: str
    pinned: bool
    grade_gap: bool
    changed: bool
    warnings: list[Text]


def set_assignment(db: Database, config: Config, today: dt.date, client_id: str, rm_id: str,
                   *, pin: bool, user: str, demo: bool = False) -> SetResult:
    """Give a client to an RM by hand (reason `manual`); `pin` keeps it there while the RM is
    active, whatever the run's rules say. Without `pin` an existing pin is lifted. `demo`: the
    demo bank's own pin, marked so in the audit log (the demo refuses a bank's own changes)."""
    with transaction(db) as conn:
        client = conn.execute(
            "SELECT c.segment, c.closed_on, COALESCE(o.branch, c.home_branch), t.tier, "
            "a.rm_id, a.pinned, a.grade_gap FROM clients c "
            "LEFT JOIN ownership o ON o.client_id = c.client_id "
            "LEFT JOIN tiers t ON t.client_id = c.client_id "
            "LEFT JOIN assignments a ON a.client_id = c.client_id WHERE c.client_id = ?",
            [client_id],
        ).fetchone()
        if client is None:
            raise AssignRefused(Text("unknown client {client!r}; check the id (`vipcrm assign "
                                     "list` shows assigned clients)", client=client_id))
        segment, closed_on, branch, tier, current, pinned, gap = client
        closed = read_date(closed_on)
        if closed is not None and closed <= today:
            raise AssignRefused(Text("client {client} was closed on {date}; closed clients have "
                                     "no RM", client=client_id, date=closed_on))
        if segment == "corporate" and not pin:
            raise AssignRefused(Text("{client} is a corporate client; corporate clients are "
                                     "assigned by hand and kept: add --pin", client=client_id))
        rm = conn.execute("SELECT branch, grade, exam_passed, active FROM rms WHERE rm_id = ?",
                          [rm_id]).fetchone()
        if rm is None:
            raise AssignRefused(Text("unknown RM {rm!r}; check the id (`vipcrm assign load` "
                                     "lists the RMs)", rm=rm_id))
        rm_branch, grade, exam_passed, active = rm
        if not active:
            raise AssignRefused(Text("RM {rm} is inactive; choose an active RM (`vipcrm assign "
                                     "load`)", rm=rm_id))
        grade = effective_grade(grade, bool(exam_passed))
        tier = tier if tier in TIER_RANK and segment == "retail" else None
        new_gap = not sufficient(grade, tier)
        warnings = []
        if not pin:
            if rm_branch != branch:
                warnings.append(Text("{rm} works at {its} but {client} is owned by {branch}; "
                                     "the next `vipcrm assign` moves it unless pinned", rm=rm_id,
                                     its=rm_branch, client=client_id, branch=branch))
            if new_gap:
                warnings.append(Text("{tier} needs grade {required} or higher and {rm} is "
                                     "{grade}; the next `vipcrm assign` moves it unless pinned",
                                     tier=Code("tier_code", tier),
                                     required=Code("grade_code", REQUIRED_GRADE[tier]), rm=rm_id,
                                     grade=Code("grade_code", grade)))
            if tier is None and not config["assign.include_untiered"]:
                warnings.append(Text("{client} has no tier; the next `vipcrm assign` releases it "
                                     "unless pinned", client=client_id))
        changed = (current != rm_id or bool(pinned) != pin or bool(gap) != new_gap)
        if changed:
            conn.execute(
                "INSERT INTO assignments (client_id, rm_id, pinned, grade_gap, reason, since) "
                "VALUES (?, ?, ?, ?, 'manual', ?) ON CONFLICT (client_id) DO UPDATE SET "
                "rm_id = excluded.rm_id, pinned = excluded.pinned, "
                "grade_gap = excluded.grade_gap, reason = excluded.reason, "
                "since = CASE WHEN assignments.rm_id IS excluded.rm_id THEN assignments.since "
                "ELSE excluded.since END",
                [client_id, rm_id, int(pin), int(new_gap), today.isoformat()],
            )
            if current != rm_id:
                _history(conn, [(client_id, current, rm_id, "manual")], today.isoformat())
            record(db, user, "assign set", {"client_id": client_id, "from_rm": current,
                                            "to_rm": rm_id, "pinned": pin,
                                            **({"demo": True} if demo else {})})
    return SetResult(client_id, current, rm_id, pin, new_gap, changed, warnings)



def list_assignments(conn, rm_id: str | None = None,
                     branch: str | None = None) -> list[dict]:
    """The assignments table as `assign list` shows it (CLI.md keys), by client id."""
    where, params = [], []
    if rm_id is not None:
        where.append("a.rm_id = ?")
        params.append(rm_id)
    if branch is not None:
        where.append("COALESCE(o.branch, c.home_branch) = ?")
        params.append(branch)
    cursor = conn.execute(
        f"""
        SELECT a.client_id, a.rm_id, COALESCE(o.branch, c.home_branch), t.tier, a.grade_gap,
               a.pinned, a.reason, a.since
        FROM assignments a
        JOIN clients c ON c.client_id = a.client_id
        LEFT JOIN ownership o ON o.client_id = a.client_id
        LEFT JOIN tiers t ON t.client_id = a.client_id
        {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY a.client_id
        """,
        params,
    )
    keys = ("client_id", "rm_id", "branch", "tier", "grade_gap", "pinned", "reason", "since")
    return [dict(zip(keys, row)) for row in cursor]


def rm_loads(conn, config: Config, branch: str | None = None) -> list[dict]:
    """One record per RM who is active or still holds clients: capacity, load, clients by tier,
    grade gaps and pins."""
    books: dict[str, dict] = {}
    for rm_id, tier, clients, gaps, pins in conn.execute(
            "SELECT a.rm_id, t.tier, COUNT(*), SUM(a.grade_gap), SUM(a.pinned) "
            "FROM assignments a LEFT JOIN tiers t ON t.client_id = a.client_id "
            "WHERE a.rm_id IS NOT NULL GROUP BY a.rm_id, t.tier"):
        book = books.setdefault(rm_id, {"load": 0, "grade_gaps": 0, "pinned": 0})
        key = tier if tier in TIER_RANK else "untiered"
        book[key] = book.get(key, 0) + clients
        book["load"] += clients
        book["grade_gaps"] += gaps
        book["pinned"] += pins
    names = dict(conn.execute("SELECT rm_id, name FROM rms"))
    records = []
    for rm in load_rms(conn, config):
        book = books.get(rm.rm_id)
        if (not rm.active and not book) or (branch is not None and rm.branch != branch):
            continue
        book = book or {"load": 0, "grade_gaps": 0, "pinned": 0}
        records.append({
            "rm_id": rm.rm_id, "name": names[rm.rm_id], "branch": rm.branch, "grade": rm.grade,
            "active": rm.active, "capacity": rm.capacity, "load": book["load"],
            "used_pct": 100.0 * book["load"] / rm.capacity if rm.capacity else None,
            **{tier: book.get(tier, 0) for tier in TIER_RANK},
            "untiered": book.get("untiered", 0), "grade_gaps": book["grade_gaps"],
            "pinned": book["pinned"],
        })
    records.sort(key=lambda r: (r["branch"], r["rm_id"]))
    return records


def branch_loads(conn, config: Config, branch: str | None = None) -> list[dict]:
    """Per branch: active RMs, their capacity and load, clients left unassigned, grade gaps."""
    per: dict[str, dict] = {}

    def entry(name: str) -> dict:
        return per.setdefault(name, {"branch": name, "rms": 0, "capacity": 0, "load": 0,
                                     "unassigned": 0, "grade_gaps": 0})

    for load in rm_loads(conn, config, branch):
        row = entry(load["branch"])
        row["rms"] += int(load["active"])
        row["capacity"] += load["capacity"] if load["active"] else 0
        row["load"] += load["load"]
        row["grade_gaps"] += load["grade_gaps"]
    for name, unassigned in conn.execute(
            "SELECT COALESCE(o.branch, c.home_branch), COUNT(*) FROM assignments a "
            "JOIN clients c ON c.client_id = a.client_id "
            "LEFT JOIN ownership o ON o.client_id = a.client_id "
            "WHERE a.rm_id IS NULL GROUP BY 1"):
        if branch is None or name == branch:
            entry(name)["unassigned"] = unassigned
    for row in per.values():
        row["used_pct"] = 100.0 * row["load"] / row["capacity"] if row["capacity"] else None
    return sorted(per.values(), key=lambda r: r["branch"])


def explain(conn, config: Config, today: dt.date, client_id: str) -> dict | None:
    """Everything behind a client's assignment: ownership evidence, tier, RM, history."""
    client = conn.execute(
        "SELECT client_id, name, segment, home_branch, closed_on FROM clients "
        "WHERE client_id = ?", [client_id]).fetchone()
    if client is None:
        return None
    out = dict(zip(("client_id", "name", "segment", "home_branch", "closed_on"), client))
    tier = conn.execute("SELECT tier, status, basis_aum, since FROM tiers WHERE client_id = ?",
                        [client_id]).fetchone()
    out.update(dict(zip(("tier", "tier_status", "basis_aum", "tier_since"),
                        tier or (None, None, None, None))))
    start, end = window(today, config["ownership.window_days"])
    counts = ownership.client_counts(conn, client_id, start, end)
    live = choose_branch(counts, out["home_branch"])
    stored = conn.execute("SELECT branch, basis, since FROM ownership WHERE client_id = ?",
                          [client_id]).fetchone()
    out.update({
        "window_start": start.isoformat(), "window_end": end.isoformat(),
        "transactions": [{"branch": c.branch, "count": c.count, "last": c.last.isoformat()}
                         for c in sorted(counts, key=lambda c: (-c.count, c.branch))],
        "ownership_now": live.branch, "ownership_now_basis": live.basis,
        "branch": stored[0] if stored else None,
        "ownership_basis": stored[1] if stored else None,
        "ownership_since": stored[2] if stored else None,
    })
    row = conn.execute("SELECT rm_id, pinned, grade_gap, reason, since FROM assignments "
                       "WHERE client_id = ?", [client_id]).fetchone()
    out.update(dict(zip(("rm_id", "pinned", "grade_gap", "reason", "since"),
                        row or (None, None, None, None, None))))
    out["required_grade"] = REQUIRED_GRADE.get(out["tier"]) if out["segment"] == "retail" else None
    out["rm"] = None
    if out["rm_id"] is not None:
        for rm in load_rms(conn, config, out["rm_id"]):
            out["rm"] = {"rm_id": rm.rm_id, "branch": rm.branch, "grade": rm.grade,
                         "active": rm.active, "capacity": rm.capacity,
                         "load": conn.execute("SELECT COUNT(*) FROM assignments WHERE rm_id = ?",
                                              [rm.rm_id]).fetchone()[0]}
    from vipcrm.store.households import household_assignment

    out["household"] = household_assignment(conn, config, client_id, today)
    out["history"] = [dict(zip(("changed_on", "from_rm", "to_rm", "reason"), r))
                      for r in conn.execute(
                          "SELECT changed_on, from_rm, to_rm, reason FROM assignment_history "
                          "WHERE client_id = ? ORDER BY id", [client_id])]
    out["ownership_history"] = [dict(zip(("changed_on", "from_branch", "to_branch", "reason"), r))
                                for r in conn.execute(
                                    "SELECT changed_on, from_branch, to_branch, reason "
                                    "FROM ownership_history WHERE client_id = ? ORDER BY id",
                                    [client_id])]
    return out
