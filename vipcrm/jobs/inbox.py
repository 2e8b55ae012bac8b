"""The nightly inbox: every file named after a kind, imported in dependency order.

Each file is its own transaction. A file moves to `done/` (with its rejects beside it) or to
`failed/` (with a `.reason.txt`) only after its transaction has committed or failed, and a
file whose sha256 is that of the last import of its kind is not imported again. So a crash at
any point is finished by simply running again, and nothing is imported twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from vipcrm.core.text import Text, said
from vipcrm.formats.csvfile import FileRefused
from vipcrm.formats.escape import printable
from vipcrm.formats.kinds import IMPORT_ORDER
from vipcrm.store.db import Damaged, DiskFull, StoreError, db_file, store_error
from vipcrm.store.imports import ImportOptions, import_file
from vipcrm.store.outputs import Guard


@dataclass
class InboxResult:
    file: str
    kind: str
    # imported, rejects, failed (file refused, in failed/), stopped (left in the inbox),
    # skipped (not a file of the inbox's own, left where it is)
    status: str
    detail: Text
    fatal: bool = False  # stopped by a damaged database or a full disk: nothing else may run


def kind_of(name: str) -> str | None:
    """The kind a file name starts with (`clients_20261127.csv` → clients), case-insensitive."""
    lowered = name.lower()
    if not lowered.endswith((".csv", ".txt", ".tsv")):
        return None
    for kind in sorted(IMPORT_ORDER, key=len, reverse=True):
        if lowered.startswith(kind):
            return kind
    return None


def _entries(inbox: Path) -> list[Path]:
    # Hidden names are files still being written (`.clients.csv.part`, then renamed).
    return [p for p in inbox.iterdir() if not p.name.startswith(".") and ".rejects" not in p.name]


def _outside(path: Path, inbox: Path) -> Text | None:
    """Why the inbox entry is not one of its own files, or None when it is.

    Whoever can drop a file in the inbox must not make the nightly run read another one: a
    link to a file elsewhere would be imported, and its lines copied into a rejects file.
    """
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return Text("a symbolic link (to {target}): only files in the inbox itself are "
                    "imported; left where it is", target=target)
    if path.is_file() and Path(os.path.realpath(path)).parent != Path(os.path.realpath(inbox)):
        return Text("its real path {path} is outside the inbox; only files in the inbox itself "
                    "are imported; left where it is", path=os.path.realpath(path))
    return None


def _candidates(inbox: Path) -> list[Path]:
    return [p for p in _entries(inbox) if p.is_file() and _outside(p, inbox) is None]


def outside_entries(inbox: Path) -> list[tuple[Path, Text]]:
    """Links and other entries that lead out of the inbox, with the reason they are skipped."""
    # A linked folder (done/ on another disk) is the operator's doing and holds no extract.
    found = [(p, _outside(p, inbox)) for p in _entries(inbox) if not p.is_dir()]
    return sorted(((p, why) for p, why in found if why is not None), key=lambda item: item[0])


def pending_files(inbox: Path) -> list[tuple[str, Path]]:
    ordered = [(kind, p) for p in _candidates(inbox) if (kind := kind_of(p.name)) is not None]
    ordered.sort(key=lambda item: (IMPORT_ORDER.index(item[0]), item[1].name))
    return ordered


def unrecognised_files(inbox: Path) -> list[Path]:
    return sorted(p for p in _candidates(inbox) if kind_of(p.name) is None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _free_name(path: Path, folder: Path) -> Path:
    """`folder/name`, or `folder/stem.N.suffix` when the same name arrived on an earlier night."""
    target, n = folder / path.name, 1
    while target.exists():
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    return target


def _move(path: Path, folder: Path, guard: Guard) -> Path:
    folder.mkdir(exist_ok=True, mode=0o700)
    target = guard.check(_free_name(path, folder), Text("an inbox file"))
    os.rename(path, target)  # same file system: the file is in one place or the other, never both
    return target


def _last_import(db: Database, kind: str) -> tuple[str, int] | None:
    return db.conn.execute(
        "SELECT sha256, rejected FROM import_log WHERE kind = ? ORDER BY id DESC LIMIT 1", [kind]
    ).fetchone()


def import_inbox(db: Database, inbox: Path, user: str,
                 on_file: Callable[[InboxResult], None] | None = None, *,
                 today: dt.date | None = None, bank_snapshot: bool = False,
                 lang: str = "en") -> list[InboxResult]:
    """Import the inbox's files in dependency order; returns one result per file looked at.

    With `bank_snapshot`, a positions file is the whole bank's holdings on each of its dates:
    every open position it leaves out is closed (store.imports).

    A file the import refuses goes to `failed/`. A problem that is not the file's (the database
    busy or full, a file that cannot be read) stops the step and leaves this file and the later
    ones in the inbox for the next run: later kinds depend on earlier ones. The reasons of the
    rejects files are in `lang`.
    """
    results = []
    done, failed = inbox / "done", inbox / "failed"
    database = db_file(db)
    for kind, path in pending_files(inbox):
        try:
            options = ImportOptions(user=user, today=today or dt.date.today(), lang=lang,
                                    bank_snapshot=bank_snapshot and kind == "positions")
            result = _import_one(db, kind, path, options, done, failed,
                                 Guard(database, [path]))
        except (StoreError, sqlite3.Error, OSError) as exc:
            error = store_error(exc, database or "the database")
            result = InboxResult(path.name, kind, "stopped",
                                 Text("{problem}; left in the inbox for the next run",
                                      problem=said(error) if error else _plain(exc)),
                                 fatal=isinstance(error, (Damaged, DiskFull)))
        results.append(result)
        if on_file:
            on_file(result)
        if result.status == "stopped":
            break
    return results


def _import_one(db: Database, kind: str, path: Path, options: ImportOptions, done: Path,
                failed: Path, guard: Guard) -> InboxResult:
    why = _outside(path, path.parent)  # again: it may have been swapped since the listing
    if why is not None:
        return InboxResult(path.name, kind, "skipped", why)
    digest = sha256_of(path)
    last = _last_import(db, kind)
    # The last import of this kind was this very file: a run that crashed after the commit and
    # before the move. (An older import of the same bytes is imported again: the data may have
    # changed in between and come back, e.g. an RM made inactive and active again.)
    if last is not None and last[0] == digest:
        _move(path, done, guard)
        rejected = last[1]
        return InboxResult(path.name, kind, "rejects" if rejected else "imported",
                           Text("imported before (rejected={rejected}); moved to done/",
                                rejected=rejected))
    done.mkdir(exist_ok=True, mode=0o700)
    target = guard.check(_free_name(path, done), Text("an inbox file"))
    rejects = done / f"{target.stem}.rejects.csv"
    try:
        options.rejects = rejects
        outcome = import_file(db, kind, path, options)
    except FileRefused as exc:
        failed.mkdir(exist_ok=True, mode=0o700)
        target = guard.check(_free_name(path, failed), Text("an inbox file"))
        # The reason first: a crash between the two leaves the file in the inbox to retry.
        reason_file = target.with_name(target.name + ".reason.txt")
        with guard.open(reason_file, Text("the reason file")) as reason:
            # For the operator's tools, in English like the log's codes.
            reason.write(printable(str(exc)) + "\n")
        os.rename(path, target)
        return InboxResult(path.name, kind, "failed",
                           Text("{problem} (moved to failed/)", problem=said(exc)))
    os.rename(path, target)
    counts = outcome.summary()
    # Such as positions a full snapshot left open because their rows were rejected.
    for warning in outcome.warnings:
        counts += Text("; {warning}", warning=warning)
    if outcome.rejected:
        return InboxResult(path.name, kind, "rejects",
                           Text("{counts}; rejects in done/{file}", counts=counts,
                                file=rejects.name))
    return InboxResult(path.name, kind, "imported", counts)


def _plain(exc: BaseException) -> "Text | str":
    if isinstance(exc, OSError) and exc.strerror:
        if exc.filename:
            return Text("{path}: {reason}", path=exc.filename, reason=exc.strerror)
        return exc.strerror
    return said(exc)
