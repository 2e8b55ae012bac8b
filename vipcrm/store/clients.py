"""One client's whole picture (client 360) and profile updates (DOMAIN §6, §7, §9)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from sqlite_utils import Database

from vipcrm.core.config import Config
from vipcrm.core.privacy import mask_id, mask_phone
from vipcrm.core.profile import completeness
from vipcrm.formats.kinds import CLIENTS
from vipcrm.formats.output import Money
from vipcrm.formats.values import BadValue
from vipcrm.store.audit import record
from vipcrm.store.aum import client_aum_on, holdings_on
from vipcrm.store.db import StoreError, transaction

# Profile fields an RM may update at a contact; ids, branch and segment come from the core system.
UPDATABLE = (
    "gender", "birth_date", "wedding_date", "phone", "email", "id_expiry", "risk_level",
    "risk_assessed_on", "occupation", "marital_status", "family", "hobbies",
    "product_preferences", "wealth_source", "preferred_channel", "address", "contact_consent",
)
_DATES = {"birth_date", "wedding_date", "id_expiry", "risk_assessed_on"}


def _profile_dates(profile: Mapping) -> dict:
    converted = dict(profile)
    for name in _DATES:
        if converted.get(name):
            converted[name] = dt.date.fromisoformat(converted[name])
    return converted


def client_view(db: Database, config: Config, client_id: str, today: dt.date,
                unmask: bool = False) -> dict | None:
    conn = db.conn
    cursor = conn.execute("SELECT * FROM clients WHERE client_id = ?", [client_id])
    row = cursor.fetchone()
    if row is None:
        return None
    profile = dict(zip([d[0] for d in cursor.description], row))
    score = completeness(_profile_dates(profile), today, config)
    if not unmask:
        profile["phone"] = mask_phone(profile["phone"])
        profile["id_number"] = mask_id(profile["id_number"])
    classes = config["aum.asset_classes"]
    tier = _one(conn, "SELECT tier, status, basis_aum, aum, since, as_of FROM tiers "
                      "WHERE client_id = ?", [client_id])
    if tier:
        tier["basis_aum"] = Money(tier["basis_aum"])
        tier["aum"] = Money(tier["aum"])
    assignment = _one(conn, "SELECT rm_id, pinned, grade_gap, reason, since FROM assignments "
                            "WHERE client_id = ?", [client_id])
    ownership = _one(conn, "SELECT branch FROM ownership WHERE client_id = ?", [client_id])
    holdings = [
        {"product_code": code, "asset_class": cls, "balance": Money(balance),
         "maturity_date": maturity}
        for _, code, balance, cls, maturity in holdings_on(conn, [client_id], today)
    ]
    trend = []
    for months_back in range(5, -1, -1):
        day = _months_before(today, months_back)
        trend.append({"date": day.isoformat(),
                      "aum": Money(client_aum_on(conn, client_id, day, classes))})
    history = _all(conn, "SELECT effective, from_tier, to_tier, status, basis_aum, reason "
                         "FROM tier_history WHERE client_id = ? ORDER BY effective DESC, id DESC "
                         "LIMIT 10", [client_id])
    for item in history:
        item["basis_aum"] = Money(item["basis_aum"])
    contacts = _all(conn, "SELECT followup_id, date, rm_id, channel, minutes, outcome, stage, "
                          "product_code, amount, note FROM followups WHERE client_id = ? "
                          "ORDER BY date DESC, followup_id DESC LIMIT 10", [client_id])
    for item in contacts:
        if item["amount"] is not None:
            item["amount"] = Money(item["amount"])
    from vipcrm.store.planning import open_tasks_of

    return {
        "profile": profile,
        "completeness": {"pct": score.pct, "target_pct": config["profile.target_pct"],
                         "missing": list(score.missing)},
        "tier": tier,
        "aum_today": Money(client_aum_on(conn, client_id, today, classes)),
        "assignment": assignment,
        "ownership_branch": ownership["branch"] if ownership else profile["home_branch"],
        "holdings": holdings,
        "aum_trend": trend,
        "tier_history": history,
        "open_tasks": open_tasks_of(db, config, client_id, today),
        "recent_contacts": contacts,
    }


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _one(conn, sql: str, params) -> dict | None:
    cursor = conn.execute(sql, params)
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None


def _all(conn, sql: str, params) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def update_profile(db: Database, config: Config, client_id: str, values: Mapping[str, str],
                   today: dt.date, user: str) -> tuple[float, float]:
    """Parse with the import's own cell rules, store, audit; returns completeness before/after."""
    parsed = {}
    for name, text in values.items():
        column = CLIENTS.column(name)
        if not text:
            parsed[name] = None
            continue
        try:
            parsed[name] = column.parser(text)
        except BadValue as exc:
            raise StoreError(f"{name}: {exc}") from None
    conn = db.conn
    cursor = conn.execute("SELECT * FROM clients WHERE client_id = ?", [client_id])
    row = cursor.fetchone()
    if row is None:
        raise StoreError(f"unknown client {client_id!r}; check the id")
    profile = dict(zip([d[0] for d in cursor.description], row))
    if parsed.get("contact_consent", "all") is None:
        raise StoreError("contact_consent cannot be empty; use all, service_only or none")
    before = completeness(_profile_dates(profile), today, config).pct
    with transaction(db):
        assignments = ", ".join(f"{name} = ?" for name in parsed)
        conn.execute(f"UPDATE clients SET {assignments} WHERE client_id = ?",
                     [*parsed.values(), client_id])
        record(db, user, "client update", {"client_id": client_id, "fields": sorted(parsed)})
    profile.update(parsed)
    after = completeness(_profile_dates(profile), today, config).pct
    return before, after
