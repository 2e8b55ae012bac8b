"""The audit log: every write command, who ran it, when, and what it changed (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from typing import Any

from sqlite_utils import Database


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def current_user() -> str:
    try:
        return os.environ.get("VIPCRM_USER") or getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return f"uid:{os.getuid()}"


def record(db: Database, user: str, command: str, details: dict[str, Any] | None = None) -> None:
    """Append one audit row; call inside the write's own transaction so both land or neither."""
    db.execute(
        "INSERT INTO audit_log(at, user, command, details) VALUES (?, ?, ?, ?)",
        [now_iso(), user, command, json.dumps(details or {}, ensure_ascii=False, sort_keys=True)],
    )
