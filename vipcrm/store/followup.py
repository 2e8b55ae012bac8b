"""Saving contacts, prospects and non-client time (DOMAIN §6, §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from sqlite_utils import Database

from vipcrm.core.followup import Contact


def next_followup_id(conn, day: dt.date) -> str:
    """Logged contacts get ids `L<date>-<n>`: readable, ordered, never clashing with imports'."""
    prefix = f"L{day:%Y%m%d}-"
    row = conn.execute(
        "SELECT MAX(CAST(substr(followup_id, ?) AS INTEGER)) FROM followups "
        "WHERE followup_id LIKE ? || '%'", [len(prefix) + 1, prefix]
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def save_contact(conn, contact: Contact, *, sale_id: str | None = None,
                 recognised: str | None = None) -> str:
    followup_id = next_followup_id(conn, contact.date)
    values = asdict(contact)
    values.update(followup_id=followup_id, date=contact.date.isoformat(),
                  next_date=contact.next_date.isoformat() if contact.next_date else None,
                  elderly_confirmed=int(contact.elderly_confirmed), source="cli",
                  sale_id=sale_id, recognised=recognised)
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


def latest_sale(conn, client_id: str, on_or_before: dt.date) -> tuple | None:
    return conn.execute(
        "SELECT followup_id, date, product_code, amount, rm_id FROM followups "
        "WHERE client_id = ? AND stage = 'sale' AND date <= ? ORDER BY date DESC, followup_id DESC "
        "LIMIT 1", [client_id, on_or_before.isoformat()]
    ).fetchone()


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


def list_followups(db: Database, *, client: str | None, rm: str | None, stage: str | None,
                   date_from: dt.date | None, date_to: dt.date | None) -> list[dict]:
    where, params = [], []
    for column, value in (("client_id", client), ("rm_id", rm), ("stage", stage)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if date_from:
        where.append("date >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("date <= ?")
        params.append(date_to.isoformat())
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    cursor = db.conn.execute(
        "SELECT followup_id, date, client_id, rm_id, channel, minutes, outcome, stage, "
        "product_code, amount, satisfaction, next_date, joint_rm_id, visit_level, referral, "
        f"override_reason, note FROM followups {clause} ORDER BY date, followup_id", params
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
