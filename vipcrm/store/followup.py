"""Saving contacts, prospects and non-client time (DOMAIN §6, §8), and reading them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import NamedTuple

from sqlite_utils import Database

from vipcrm.core.dates import read_date
from vipcrm.core.followup import Contact, RiskProfile


class Subject(NamedTuple):
    """The client a contact is logged for, with what the checks need."""
    client_id: str
    segment: str
    closed_on: str | None
    rm_id: str | None  # the assigned RM, if any
    risk: RiskProfile


class Sale(NamedTuple):
    followup_id: str
    date: str
    product_code: str
    amount: int
    rm_id: str


def subject(conn, client_id: str) -> Subject | None:
    row = conn.execute(
        "SELECT c.client_id, c.segment, c.closed_on, a.rm_id, c.risk_level, c.risk_assessed_on, "
        "c.birth_date FROM clients c LEFT JOIN assignments a USING (client_id) "
        "WHERE c.client_id = ?", [client_id]).fetchone()
    if row is None:
        return None
    return Subject(row[0], row[1], row[2], row[3],
                   RiskProfile(row[4], read_date(row[5]), read_date(row[6])))


def rm_active(conn, rm_id: str) -> bool | None:
    """True/False for a known RM, None for an unknown one."""
    row = conn.execute("SELECT active FROM rms WHERE rm_id = ?", [rm_id]).fetchone()
    return None if row is None else bool(row[0])


def next_followup_id(conn, day: dt.date) -> str:
    """Logged contacts get ids `L<date>-<n>`: readable, ordered, never clashing with imports'."""
    prefix = f"L{day:%Y%m%d}-"
    row = conn.execute(
        "SELECT MAX(CAST(substr(followup_id, ?) AS INTEGER)) FROM followups "
        "WHERE followup_id LIKE ? || '%'", [len(prefix) + 1, prefix]
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def save_contact(conn, contact: Contact, *, sale_id: str | None = None,
                 recognised: str | None = None, client_risk: str | None = None,
                 cooling_off_until: dt.datetime | None = None) -> str:
    """Insert the contact (and the prospect it brought); call inside a transaction."""
    followup_id = next_followup_id(conn, contact.date)
    values = asdict(contact)
    values.update(followup_id=followup_id, date=contact.date.isoformat(),
                  next_date=contact.next_date.isoformat() if contact.next_date else None,
                  elderly_confirmed=int(contact.elderly_confirmed), source="cli",
                  sale_id=sale_id, recognised=recognised, client_risk=client_risk,
                  cooling_off_until=(f"{cooling_off_until:%Y-%m-%dT%H:%M}"
                                     if cooling_off_until else None))
    columns = list(values)
    conn.execute(
        f"INSERT INTO followups ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [values[c] for c in columns],
    )
    if contact.referral:
        conn.execute(
            "INSERT INTO prospects (name, referred_by, rm_id, followup_id, created_on) "
            "VALUES (?, ?, ?, ?, ?)",
            [contact.referral, contact.client_id, contact.rm_id, followup_id,
             contact.date.isoformat()],
        )
    return followup_id


_SALE = "SELECT followup_id, date, product_code, amount, rm_id FROM followups "


def find_sale(conn, client_id: str, on_or_before: dt.date, followup_id: str | None) -> Sale | None:
    """The client's sale with this id, or its latest, made on or before the day."""
    where = "WHERE client_id = ? AND stage = 'sale' AND outcome != 'no_answer' AND date <= ?"
    params = [client_id, on_or_before.isoformat()]
    if followup_id is not None:
        where += " AND followup_id = ?"
        params.append(followup_id)
    row = conn.execute(_SALE + where + " ORDER BY date DESC, followup_id DESC LIMIT 1",
                       params).fetchone()
    return Sale(*row) if row else None


def day_minutes(conn, rm_id: str, day: dt.date) -> int:
    """Minutes the RM's timesheet holds for the day, all categories."""
    return conn.execute("SELECT COALESCE(SUM(minutes), 0) FROM timesheets WHERE rm_id = ? "
                        "AND date = ?", [rm_id, day.isoformat()]).fetchone()[0]


def add_time(conn, rm_id: str, day: dt.date, category: str, minutes: int) -> int:
    """Add minutes to an RM's timesheet (an import sets them; the CLI adds). Returns the total."""
    conn.execute(
        "INSERT INTO timesheets (rm_id, date, category, minutes) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (rm_id, date, category) DO UPDATE SET minutes = minutes + excluded.minutes",
        [rm_id, day.isoformat(), category, minutes],
    )
    return conn.execute(
        "SELECT minutes FROM timesheets WHERE rm_id = ? AND date = ? AND category = ?",
        [rm_id, day.isoformat(), category],
    ).fetchone()[0]


LIST_COLUMNS = ("followup_id", "date", "client_id", "rm_id", "channel", "minutes", "outcome",
                "stage", "product_code", "amount", "satisfaction", "next_date", "joint_rm_id",
                "visit_level", "referral", "client_risk", "override_reason", "risk_warning_id",
                "elderly_confirmed", "recording_id", "cooling_off_until", "sale_id",
                "recognised", "source", "note")


def list_followups(db: Database, *, client: str | None, rm: str | None, stage: str | None,
                   date_from: dt.date | None, date_to: dt.date | None) -> list[dict]:
    """Contacts by client, RM (leading or joint), stage and period, oldest first."""
    where, params = [], []
    if client:
        where.append("client_id = ?")
        params.append(client)
    if rm:
        where.append("(rm_id = ? OR joint_rm_id = ?)")
        params += [rm, rm]
    if stage:
        where.append("stage = ?")
        params.append(stage)
    if date_from:
        where.append("date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("date <= ?")
        params.append(date_to.isoformat())
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    cursor = db.conn.execute(
        f"SELECT {', '.join(LIST_COLUMNS)} FROM followups {clause} ORDER BY date, followup_id",
        params)
    return [dict(zip(LIST_COLUMNS, row)) for row in cursor]


def list_prospects(db: Database, *, client: str | None = None, rm: str | None = None) -> list[dict]:
    """Prospects brought by referrals, with the referring client, its RM and the contact."""
    where, params = [], []
    if client:
        where.append("p.referred_by = ?")
        params.append(client)
    if rm:
        where.append("p.rm_id = ?")
        params.append(rm)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    keys = ("id", "name", "referred_by", "referrer_name", "rm_id", "followup_id", "created_on")
    cursor = db.conn.execute(
        "SELECT p.id, p.name, p.referred_by, c.name, p.rm_id, p.followup_id, p.created_on "
        f"FROM prospects p JOIN clients c ON c.client_id = p.referred_by {clause} "
        "ORDER BY p.created_on, p.id", params)
    return [dict(zip(keys, row)) for row in cursor]
