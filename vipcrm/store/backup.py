"""Consistent online copies of the database (SQLite backup API), owner-only, checked, rotated."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from vipcrm.core.text import Text
from vipcrm.store.db import damaged, db_file
from vipcrm.store.outputs import Guard

# vipcrm-2026-11-27.db, then vipcrm-2026-11-27.2.db … for the same day's later runs.
BACKUP_NAME = re.compile(r"vipcrm-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.db")


def quick_check(conn: sqlite3.Connection) -> "Text | str | None":
    """None when SQLite's quick_check finds the file sound, else its first problem (and how
    many more)."""
    try:
        rows = [line for (text,) in conn.execute("PRAGMA quick_check")
                for line in text.splitlines()]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    problems = [line for line in rows if line != "ok" and not line.startswith("*** in database")]
    if not problems:
        return None
    if len(problems) > 1:
        return Text("{problem} and {count} more problem(s)", problem=problems[0],
                    count=len(problems) - 1)
    return problems[0]


def backup_to(db: Database, target: Path) -> Path:
    """Copy the live database to `target` while others may read or write it.

    The copy is written beside the target, checked (quick_check) and only then renamed into
    place: a crash never leaves a half-written backup under the final name, and a copy of a
    damaged database never replaces a good backup.
    """
    source = db_file(db)
    with Guard(source).temp_path(target, Text("the backup")) as partial:
        dest = sqlite3.connect(str(partial))
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
            problem = quick_check(dest)
        finally:
            dest.close()
        if problem is not None:
            raise damaged(source, Text("quick_check of its copy: {problem}; the copy was "
                                       "deleted, older backups are kept", problem=problem))
    return Path(target)


def dated_backups(folder: Path) -> list[tuple[dt.date, int, Path]]:
    """The nightly backups in `folder`, oldest first by (day, number of the day's run)."""
    found = []
    for path in folder.iterdir():
        match = BACKUP_NAME.fullmatch(path.name)
        if match and path.is_file():
            try:
                day = dt.date.fromisoformat(match[1])
            except ValueError:
                continue
            found.append((day, int(match[2] or 1), path))
    return sorted(found)


def rotate_backup(db: Database, folder: Path, today: dt.date, keep: int) -> tuple[Path, list[Path]]:
    """A dated backup in `folder`, keeping the newest `keep`; returns (new, removed).

    A day's first backup stays `vipcrm-DAY.db` (the day's rollback point, taken before the
    first import); a rerun adds `vipcrm-DAY.2.db`, `.3` …. The backup just taken is never
    removed, nor today's first (reruns past `keep` rotate out the day's later copies instead),
    nor a file that is the live database.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Left by a backup that crashed (we hold the lock); `.partial` by vipcrm before 0600 temps.
    for stale in [*folder.glob(".vipcrm-*"), *folder.glob("vipcrm-*.db.partial")]:
        stale.unlink(missing_ok=True)
    earlier = dated_backups(folder)
    number = 1 + max((n for day, n, _ in earlier if day == today), default=0)
    name = f"vipcrm-{today.isoformat()}.db" if number == 1 else \
        f"vipcrm-{today.isoformat()}.{number}.db"
    target = backup_to(db, folder / name)
    guard = Guard(db_file(db))
    backups = sorted([*earlier, (today, number, target)])
    older = [path for day, n, path in (backups[:-keep] if keep > 0 else [])
             if (day, n) != (today, 1)]
    removed = [path for path in older if path != target and guard.what(path) is None]
    for old in removed:
        old.unlink()
    return target, removed
