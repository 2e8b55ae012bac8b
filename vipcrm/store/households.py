"""Households (家庭客户, core.household): linking clients by hand, and a household as the client
view shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlite_utils import Database

from vipcrm.core.dates import read_date
from vipcrm.core.household import ROLES, apart_reason, counts, lead_key
from vipcrm.core.privacy import mask_phone
from vipcrm.core.text import Text, said
from vipcrm.formats.kinds import HOUSEHOLDS
from vipcrm.formats.output import Money
from vipcrm.formats.rows import converter
from vipcrm.formats.values import BadValue
from vipcrm.store.audit import record
from vipcrm.store.aum import client_aum_on
from vipcrm.store.db import StoreError, fetch_dicts, transaction


@dataclass
class Linked:
    client_id: str
    household_id: str | None  # None: unlinked
    role: str | None
    previous: str | None  # the household it was in before, if any
    previous_role: str | None
    changed: bool
    counted: bool  # an open retail client: it adds its AUM to the household


def _parse(column: str, text: str | None) -> str | None:
    """A household id or role typed on the command line, read as the households import reads
    its cells."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return converter(HOUSEHOLDS.column(column), HOUSEHOLDS)(text)  # type: ignore[return-value]
    except BadValue as exc:
        if column == "role":  # the cell's own message is English: name the roles to choose
            raise StoreError(Text("--role: {value!r}; use one of {roles}", value=text,
                                  roles=", ".join(ROLES))) from None
        raise StoreError(Text("--{option}: {problem}", option=column.replace("_id", ""),
                              problem=said(exc))) from None


def _client(conn, client_id: str, today: dt.date) -> tuple:
    row = conn.execute(
        "SELECT c.segment, c.closed_on, h.household_id, h.role FROM clients c "
        "LEFT JOIN household_members h ON h.client_id = c.client_id WHERE c.client_id = ?",
        [client_id]).fetchone()
    if row is None:
        raise StoreError(Text("unknown client {client!r}; check the id", client=client_id))
    segment, closed_on, household, role = row
    counted = counts(segment, read_date(closed_on), today)
    return counted, household, role


def link(db: Database, client_id: str, household: str, role: str | None, today: dt.date,
         user: str) -> Linked:
    """Put the client in the household (leaving the one it was in); `role` None keeps the role
    it had in that same household. Audited when anything changes."""
    household_id = _parse("household_id", household)
    if household_id is None:
        raise StoreError(Text("--household: give the household's id, e.g. H0001"))
    new_role = _parse("role", role)
    with transaction(db) as conn:
        counted, previous, previous_role = _client(conn, client_id, today)
        if new_role is None and previous == household_id:
            new_role = previous_role
        changed = (previous, previous_role) != (household_id, new_role)
        if changed:
            conn.execute(
                "INSERT INTO household_members (client_id, household_id, role) VALUES (?, ?, ?) "
                "ON CONFLICT (client_id) DO UPDATE SET household_id = excluded.household_id, "
                "role = excluded.role", [client_id, household_id, new_role])
            record(db, user, "client link", {"client_id": client_id, "household_id": household_id,
                                             "role": new_role, "from_household": previous})
    return Linked(client_id, household_id, new_role, previous, previous_role, changed, counted)


def unlink(db: Database, client_id: str, today: dt.date, user: str) -> Linked:
    """Take the client out of its household (audited); nothing to do when it is in none."""
    with transaction(db) as conn:
        counted, previous, previous_role = _client(conn, client_id, today)
        if previous is not None:
            conn.execute("DELETE FROM household_members WHERE client_id = ?", [client_id])
            record(db, user, "client unlink", {"client_id": client_id,
                                               "household_id": previous})
    return Linked(client_id, None, None, previous, previous_role, previous is not None, counted)


def household_view(conn, client_id: str, today: dt.date, classes, unmask: bool) -> dict | None:
    """The client's household on `today`: its id, the client's role, the household's AUM (its
    counted members' AUM: open retail clients) and every member, phones masked unless
    `unmask`. None when the client is in no household."""
    mine = conn.execute("SELECT household_id, role FROM household_members WHERE client_id = ?",
                        [client_id]).fetchone()
    if mine is None:
        return None
    members = fetch_dicts(conn, """
        SELECT h.client_id, c.name, h.role, c.segment, c.closed_on, t.tier, c.phone
        FROM household_members h JOIN clients c ON c.client_id = h.client_id
        LEFT JOIN tiers t ON t.client_id = h.client_id
        WHERE h.household_id = ? ORDER BY h.client_id
    """, [mine[0]])
    total = 0
    for member in members:
        closed_on = member.pop("closed_on")
        member["counted"] = counts(member.pop("segment"), read_date(closed_on), today)
        aum = client_aum_on(conn, member["client_id"], today, classes)
        member["aum"] = Money(aum)
        total += aum if member["counted"] else 0
        if not unmask:
            member["phone"] = mask_phone(member["phone"])
    return {"household_id": mine[0], "role": mine[1], "aum": Money(total), "members": members}


def household_assignment(conn, config, client_id: str, today: dt.date) -> dict | None:
    """The client's household as `assign explain` shows it: its lead (the highest counted
    member with an active RM), the lead's RM, and where this client stands: `lead`, `joined`
    (with the lead's RM), the reason of core.household.apart_reason, `no_rm` (the client has none),
    `not_counted` (a corporate or closed member) or `alone` (no other member has an RM).
    None when the client is in no household."""
    from vipcrm.core.assignment import sufficient
    from vipcrm.store.assignment import load_rms

    mine = conn.execute("SELECT household_id FROM household_members WHERE client_id = ?",
                        [client_id]).fetchone()
    if mine is None:
        return None
    rows = conn.execute("""
        SELECT h.client_id, c.segment, c.closed_on, t.tier, COALESCE(t.basis_aum, 0),
               CASE WHEN r.active = 1 THEN a.rm_id END, COALESCE(a.pinned, 0),
               COALESCE(o.branch, c.home_branch)
        FROM household_members h JOIN clients c ON c.client_id = h.client_id
        LEFT JOIN tiers t ON t.client_id = h.client_id
        LEFT JOIN assignments a ON a.client_id = h.client_id
        LEFT JOIN rms r ON r.rm_id = a.rm_id
        LEFT JOIN ownership o ON o.client_id = h.client_id
        WHERE h.household_id = ? ORDER BY h.client_id
    """, [mine[0]]).fetchall()
    members = {}
    for member, segment, closed_on, tier, aum, rm_id, pinned, branch in rows:
        members[member] = {
            "client_id": member, "tier": tier, "basis_aum": aum, "rm_id": rm_id,
            "pinned": bool(pinned), "branch": branch,
            "counted": counts(segment, read_date(closed_on), today)}
    served = sorted((m for m in members.values() if m["counted"] and m["rm_id"]),
                    key=lambda m: lead_key(m["tier"], m["basis_aum"], m["client_id"]))
    me = members[client_id]
    out = {"household_id": mine[0], "members": sorted(members), "lead": None, "lead_rm": None}
    if served:
        out["lead"], out["lead_rm"] = served[0]["client_id"], served[0]["rm_id"]
    if not me["counted"]:
        out["status"] = "not_counted"
    elif me["rm_id"] is None:
        out["status"] = "no_rm"
    elif out["lead"] == client_id:
        out["status"] = "lead" if len(served) > 1 else "alone"
    elif me["rm_id"] == out["lead_rm"]:
        out["status"] = "joined"
    else:
        rm = load_rms(conn, config, out["lead_rm"])[0]
        load = conn.execute("SELECT COUNT(*) FROM assignments WHERE rm_id = ?",
                            [rm.rm_id]).fetchone()[0]
        out["status"] = apart_reason(pinned=me["pinned"], same_branch=rm.branch == me["branch"],
                                     grade_ok=sufficient(rm.grade, me["tier"]),
                                     room=load < rm.capacity) or "next_run"
    return out
