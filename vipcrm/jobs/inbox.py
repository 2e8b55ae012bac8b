"""The nightly inbox: every file named after a kind, imported in dependency order.

Each file is its own transaction. A file moves to `done/` (with its rejects beside it) or to
`failed/` (with a `.reason.txt`) only after its transaction has committed or failed, and a
file whose sha256 is already in the import log is not imported again. So a crash at any point
is finished by simply running again, and nothing is imported twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from vipcrm.formats.csvfile import FileRefused
from vipcrm.formats.kinds import IMPORT_ORDER
from vipcrm.store.db import StoreError, create_private
from vipcrm.store.imports import ImportOptions, import_file


@dataclass
class InboxResult:
    file: str
    kind: str
    status: str  # imported, rejects, already, failed
    detail: str


def kind_of(name: str) -> str | None:
    lowered = name.lower()
    if not lowered.endswith((".csv", ".txt", ".tsv")):
        return None
    for kind in sorted(IMPORT_ORDER, key=len, reverse=True):
        if lowered.startswith(kind):
            return kind
    return None


def pending_files(inbox: Path) -> list[tuple[str, Path]]:
    files = [(kind_of(p.name), p) for p in inbox.iterdir()
             if p.is_file() and not p.name.startswith(".") and ".rejects" not in p.name]
    ordered = [(k, p) for k, p in files if k is not None]
    ordered.sort(key=lambda item: (IMPORT_ORDER.index(item[0]), item[1].name))
    return ordered


def unrecognised_files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.iterdir()
                  if p.is_file() and not p.name.startswith(".") and ".rejects" not in p.name
                  and kind_of(p.name) is None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True, mode=0o700)
    target = folder / path.name
    if target.exists():  # the same name arrived again on another night: keep both
        stem, n = target.stem, 1
        while target.exists():
            target = folder / f"{stem}.{n}{path.suffix}"
            n += 1
    shutil.move(str(path), target)
    return target


def import_inbox(db: Database, inbox: Path, user: str,
                 on_file: Callable[[InboxResult], None] | None = None) -> list[InboxResult]:
    results = []
    done, failed = inbox / "done", inbox / "failed"
    for kind, path in pending_files(inbox):
        digest = sha256_of(path)
        already = db.conn.execute(
            "SELECT 1 FROM import_log WHERE sha256 = ? AND kind = ? LIMIT 1", [digest, kind]
        ).fetchone()
        if already:
            _move(path, done)
            result = InboxResult(path.name, kind, "already", "imported before; moved to done/")
        else:
            rejects = done / f"{path.stem}.rejects.csv"
            done.mkdir(exist_ok=True, mode=0o700)
            try:
                outcome = import_file(db, kind, path, ImportOptions(rejects=rejects, user=user))
            except (FileRefused, StoreError) as exc:
                target = _move(path, failed)
                reason = target.with_name(target.name + ".reason.txt")
                create_private(reason)
                reason.write_text(str(exc) + "\n", encoding="utf-8")
                result = InboxResult(path.name, kind, "failed", str(exc))
            else:
                _move(path, done)
                counts = " ".join(f"{k}={v}" for k, v in outcome.counts().items())
                status = "rejects" if outcome.rejected else "imported"
                result = InboxResult(path.name, kind, status, counts)
        results.append(result)
        if on_file:
            on_file(result)
    return results
