"""One client's whole picture (client 360) and profile updates (DOMAIN §6, §7, §9)."""

from __future__ import annotations

import datetime as dt
from typing import Mapping

from sqlite_utils import Database

from vipcrm.core.config import Config
from vipcrm.core.dates import read_date
from vipcrm.core.privacy import mask_id, mask_phone
from vipcrm.core.profile import completeness
from vipcrm.core.text import Code, Text, said
from vipcrm.formats.kinds import CLIENTS, RANGES
from vipcrm.formats.output import Money
from vipcrm.formats.rows import converter
from vipcrm.formats.values import BadValue, parse_date
from vipcrm.store.audit import record
from vipcrm.store.aum import client_aum_on, live_sql
from vipcrm.store.db import StoreError, fetch_dict, fetch_dicts, transaction
from vipcrm.store.imports import DATA_CHANGE_FIELDS

# Profile fields an RM may update at a contact; ids, branch and segment come from the core system.
UPDATABLE = (
    "gender", "birth_date", "wedding_date", "phone", "email", "id_expiry", "risk_level",
    "risk_assessed_on", "occupation", "marital_status", "family", "hobbies",
    "product_preferences", "wealth_source", "preferred_channel", "address", "contact_consent",
    "pref_protection", "pref_term_months", "pref_yield_band",
)
_DATES = {"birth_date", "wedding_date", "id_expiry", "risk_assessed_on"}
# Dates of things that have happened: a value after today is a typing error.
_PAST_DATES = ("birth_date", "wedding_date", "risk_assessed_on")
# Personal data (DOMAIN §9): the audit log says that they changed, not what they hold.
_PERSONAL = {"phone", "email", "address"}
TREND_MONTHS = 6
RECENT_CONTACTS = 10


def _profile_dates(profile: Mapping) -> dict:
    converted = dict(profile)
    for name in _DATES:
        converted[name] = read_date(converted.get(name))
    return converted


def _client_row(conn, client_id: str) -> dict | None:
    return fetch_dict(conn, "SELECT * FROM clients WHERE client_id = ?", [client_id])


def client_view(db: Database, config: Config, client_id: str, today: dt.date,
                unmask: bool = False) -> dict | None:
    """Everything about one client on `today`, money as `Money`; None for an unknown client."""
    conn = db.conn
    profile = _client_row(conn, client_id)
    if profile is None:
        return None
    corporate = profile["segment"] == "corporate"
    # The §7 fields describe a person; a company is rated on its metrics instead (§2).
    score = None if corporate else completeness(_profile_dates(profile), today, config)
    if not unmask:
        profile["phone"] = mask_phone(profile["phone"])
        profile["id_number"] = mask_id(profile["id_number"])
    classes = config["aum.asset_classes"]
    tier = fetch_dict(conn, "SELECT tier, status, basis_aum, aum, since, as_of FROM tiers "
                      "WHERE client_id = ?", [client_id])
    if tier:
        tier["basis_aum"] = Money(tier["basis_aum"])
        tier["aum"] = Money(tier["aum"])
    assignment = fetch_dict(conn, "SELECT a.rm_id, r.name AS rm_name, r.grade AS rm_grade, "
                            "r.active AS rm_active, a.pinned, a.grade_gap, a.reason, a.since "
                            "FROM assignments a LEFT JOIN rms r ON r.rm_id = a.rm_id "
                            "WHERE a.client_id = ?", [client_id])
    if assignment:
        for flag in ("rm_active", "pinned", "grade_gap"):
            if assignment[flag] is not None:
                assignment[flag] = bool(assignment[flag])
    ownership = fetch_dict(conn, "SELECT branch FROM ownership WHERE client_id = ?", [client_id])
    holdings = _holdings(conn, client_id, today, classes)
    # Before the client's first snapshot the AUM is unknown, not zero.
    first = conn.execute("SELECT MIN(as_of) FROM positions WHERE client_id = ?",
                         [client_id]).fetchone()[0]
    trend = []
    for months_back in range(TREND_MONTHS - 1, -1, -1):
        day = _months_before(today, months_back)
        known = first is not None and first <= day.isoformat()
        trend.append({"date": day.isoformat(), "aum": Money(
            client_aum_on(conn, client_id, day, classes)) if known else None})
    history = fetch_dicts(conn, "SELECT effective, from_tier, to_tier, status, basis_aum, reason, "
                         "household_id FROM tier_history WHERE client_id = ? "
                         "ORDER BY effective DESC, id DESC LIMIT 10", [client_id])
    for item in history:
        item["basis_aum"] = Money(item["basis_aum"])
    contacts = fetch_dicts(conn, "SELECT followup_id, date, rm_id, channel, minutes, outcome, stage, "
                          "product_code, amount, satisfaction, note FROM followups "
                          "WHERE client_id = ? AND date <= ? "
                          f"ORDER BY date DESC, followup_id DESC LIMIT {RECENT_CONTACTS}",
                          [client_id, today.isoformat()])
    for item in contacts:
        if item["amount"] is not None:
            item["amount"] = Money(item["amount"])
    referrals = fetch_dicts(conn, "SELECT name, rm_id, followup_id, created_on FROM prospects "
                           "WHERE referred_by = ? ORDER BY created_on, id", [client_id])
    from vipcrm.store.corporate import business_file, client_rating
    from vipcrm.store.households import household_view
    from vipcrm.store.planning import open_tasks_of

    target = config["profile.target_pct"]
    rating = client_rating(conn, client_id, today.year) if corporate else None
    business = business_file(conn, client_id, today, holdings,
                             (lambda phone: phone) if unmask else mask_phone) if corporate else None
    return {
        "profile": profile,
        "completeness": None if score is None else {
            "pct": score.pct, "target_pct": target, "on_target": score.pct >= target,
            "missing": list(score.missing)},
        "tier": tier,
        "corporate_rating": rating,
        "business_file": business,
        "aum_today": Money(client_aum_on(conn, client_id, today, classes)),
        "assignment": assignment,
        "ownership_branch": ownership["branch"] if ownership else profile["home_branch"],
        "holdings": holdings,
        "aum_trend": trend,
        "tier_history": history,
        "household": household_view(conn, client_id, today, classes, unmask),
        "open_tasks": open_tasks_of(db, config, client_id, today),
        "recent_contacts": contacts,
        "referrals": referrals,
    }


def _holdings(conn, client_id: str, day: dt.date, classes) -> list[dict]:
    """Every position with a balance on `day`, loans included: the RM sees the whole
    relationship; `in_aum` says which count towards the tier. A matured position is no longer
    held (core.aum)."""
    maturity = "COALESCE(p.maturity_date, pr.maturity_date)"
    rows = fetch_dicts(conn, f"""
        SELECT p.product_code, pr.name, p.asset_class, pr.risk_level, p.balance,
               {maturity} AS maturity_date
        FROM positions p LEFT JOIN products pr ON pr.product_code = p.product_code
        WHERE p.client_id = ? AND p.balance != 0 AND p.as_of = (
            SELECT MAX(as_of) FROM positions x
            WHERE x.client_id = p.client_id AND x.product_code = p.product_code AND x.as_of <= ?)
          AND {live_sql("p.as_of", maturity, "?")}
        ORDER BY p.product_code
    """, [client_id, day.isoformat(), day.isoformat()])
    for row in rows:
        row["in_aum"] = row["asset_class"] in classes and row["balance"] > 0
        row["balance"] = Money(row["balance"])
    return rows


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _plain_date(text: str) -> str | None:
    try:
        return parse_date(text)
    except BadValue:
        return None


def parse_profile(values: Mapping[str, str], today: dt.date) -> dict:
    """Profile texts -> stored values, with the import's own cell rules; empty clears a field.

    A new risk level without its assessment date is dated today: the level comes from an
    assessment just made, and an old date would make it look older (or expired).
    """
    parsed = {}
    for name, text in values.items():
        if name not in UPDATABLE:
            raise StoreError(Text("{field} is not a profile field; use one of {fields}",
                                  field=name, fields=", ".join(UPDATABLE)))
        text = text.strip()
        if not text:
            parsed[name] = None
            continue
        column = CLIENTS.column(name)
        try:
            if column.type == "date":
                day = _plain_date(text)
                if name in _PAST_DATES and day is not None and day > today.isoformat():
                    raise StoreError(Text("{field} {date} is after today ({today}); check the "
                                          "date", field=name, date=day, today=today))
                # The import's range and stand-ins (docs/files.md); a long-term ID: no expiry.
                parsed[name] = converter(column, CLIENTS, today)(text) or None
            else:
                parsed[name] = column.parser(text)
        except BadValue as exc:
            raise StoreError(Text("{field}: {problem}", field=name, problem=said(exc))) from None
        bounds = RANGES.get(("clients", name))
        if bounds and not bounds[0] <= parsed[name] <= bounds[1]:
            raise StoreError(Text("{name}: {value!r} is outside {low}-{high}",
                                  name=Code("field_code", name), value=text, low=bounds[0],
                                  high=bounds[1]))
    if "contact_consent" in parsed and parsed["contact_consent"] is None:
        raise StoreError(Text("contact_consent cannot be empty; use all, service_only or none"))
    if parsed.get("risk_level") and "risk_assessed_on" not in parsed:
        parsed["risk_assessed_on"] = today.isoformat()
    return parsed


def update_profile(db: Database, config: Config, client_id: str, values: Mapping[str, str],
                   today: dt.date, user: str) -> tuple[dict, float, float]:
    """Parse, store and audit; returns the values that changed and completeness before and
    after."""
    conn = db.conn
    profile = _client_row(conn, client_id)
    if profile is None:
        raise StoreError(Text("unknown client {client!r}; check the id", client=client_id))
    # A value the client already has changes nothing: it is neither stored nor audited again.
    parsed = {name: value for name, value in parse_profile(values, today).items()
              if value != profile[name]}
    before = completeness(_profile_dates(profile), today, config).pct
    if not parsed:
        return parsed, before, before
    changes = {name: "changed" if name in _PERSONAL else [profile[name], value]
               for name, value in parsed.items()}
    updated = {**profile, **parsed}
    after = completeness(_profile_dates(updated), today, config).pct
    with transaction(db):
        assignments = ", ".join(f"{name} = ?" for name in parsed)
        # A replaced assessment date or ID expiry closes the compliance task of the old date.
        conn.executemany(
            "INSERT INTO client_data_changes (client_id, field, old_value, new_value, "
            "changed_on, source) VALUES (?, ?, ?, ?, ?, 'client update')",
            [(client_id, name, profile[name], parsed[name], today.isoformat())
             for name in DATA_CHANGE_FIELDS if name in parsed and parsed[name] != profile[name]])
        conn.execute(f"UPDATE clients SET {assignments} WHERE client_id = ?",
                     [*parsed.values(), client_id])
        record(db, user, "client update", {"client_id": client_id, "changes": changes,
                                           "completeness": [before, after]})
    return parsed, before, after
