"""Consistent online copies of the database (SQLite backup API), owner-only, rotated."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from vipcrm.store.db import create_private


def backup_to(db: Database, target: Path) -> Path:
    """Copy the live database to `target` while others may read or write it.

    The copy is written beside the target and renamed into place, so a crash never leaves a
    half-written backup under the final name.
    """
    target = Path(target)
    if target.exists() and target.is_dir():
        raise FileExistsError(f"{target} is a folder; give a file name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private(partial)
    dest = sqlite3.connect(str(partial))
    try:
        db.conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        dest.close()
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    return target


def rotate_backup(db: Database, folder: Path, today: dt.date, keep: int) -> tuple[Path, list[Path]]:
    """A dated backup in `folder`, keeping the newest `keep`; returns (new, removed)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = backup_to(db, folder / f"vipcrm-{today.isoformat()}.db")
    backups = sorted(folder.glob("vipcrm-*.db"))
    removed = backups[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return target, removed
