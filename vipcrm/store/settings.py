"""User settings over the configuration defaults (`vipcrm config`)."""

from __future__ import annotations

from typing import Any, Mapping

from sqlite_utils import Database

from vipcrm.core.config import KEYS, Config, encode, parse_value
from vipcrm.store.audit import now_iso, record
from vipcrm.store.db import transaction


def load_config(db: Database) -> Config:
    rows = db.execute("SELECT key, value FROM settings").fetchall()
    return Config({key: value for key, value in rows})


def load_setting(db: Database, name: str) -> Any:
    """One key's value, its default when unset; read alone, so a bad value stored under another
    key does not hide it."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [name]).fetchone()
    return parse_value(name, row[0]) if row else KEYS[name].default


def save_settings(db: Database, values: Mapping[str, Any], user: str, command: str) -> Config:
    """Validate and store every value in one transaction; returns the new configuration."""
    parsed = {name: parse_value(name, value) for name, value in values.items()}
    with transaction(db):
        for name, value in parsed.items():
            db.execute(
                "INSERT INTO settings(key, value, changed_at, changed_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                [name, encode(value), now_iso(), user],
            )
        record(db, user, command, {"keys": sorted(parsed)})
    return load_config(db)
