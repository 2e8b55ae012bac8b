"""`vipcrm demo`: a deterministic demo bank, written as the bank's CSV extracts and loaded through
the same import code as real files (so the demo also exercises Chinese headers, GBK, YYYYMMDD
dates and grouped amounts).

Running it again with the same seed and day changes nothing: every import is an upsert.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlite_utils import Database

from vipcrm.core.text import Text
from vipcrm.demo.bank import Bank, build_bank
from vipcrm.formats.kinds import IMPORT_ORDER, KINDS, Column
from vipcrm.formats.output import yuan, yuan_grouped
from vipcrm.store.imports import ImportOptions, import_file
from vipcrm.store.settings import load_config

# How each file is written: (encoding, Chinese headers and codes, date format). The core
# system's extracts come the way Excel on Chinese Windows saves them; the rest in UTF-8.
STYLES = {
    "clients": ("gbk", True, "%Y%m%d"),
    "transactions": ("gbk", True, "%Y%m%d"),
    "rms": ("utf-8-sig", True, "%Y年%m月%d日"),
}
PLAIN = ("utf-8", False, "%Y-%m-%d")


def load_demo(db: Database, today: dt.date, *, clients: int = 600, seed: int = 7,
              user: str = "demo", info: Callable[[Text], None] | None = None
              ) -> dict[str, dict[str, int]]:
    """Build the demo bank and import it; returns {kind: import counts} in import order."""
    say = info or (lambda text: None)
    summary: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="vipcrm-demo-") as name:
        folder = Path(name)
        # The holdings go to their file as they are made: they are most of the bank.
        with extract_writer(folder, "positions") as positions:
            bank = build_bank(today, clients, seed, load_config(db), positions=positions)
        paths = [folder / "positions.csv" if kind == "positions"
                 else write_extract(folder, kind, bank.rows[kind])
                 for kind in IMPORT_ORDER if kind == "positions" or bank.rows.get(kind)]
        for line in bank.describe():
            say(line)
        del bank  # the files hold it now: the imports need the memory
        for path in paths:
            kind = path.stem
            result = import_file(db, kind, path, ImportOptions(user=user, today=today,
                                                               demo=True))
            for line in result.first_rejects:
                say(Text("{kind}: rejected {line}", kind=kind, line=line))
            summary[kind] = result.counts()
    return summary


# The commands that write the bank's data by hand; the demo writes none of them.
HAND_WRITTEN = ("followup log", "followup time", "client update", "assign set", "purge")


def foreign_data(db: Database) -> Text | None:
    """What in `db` the demo did not write, or None: imports of other files (the demo marks its
    own in the import log) and contacts, time, profiles and books written by hand (the audit
    log names their commands), as "N import(s), the latest FILE; M change(s) by hand …"."""
    count, latest = db.conn.execute(
        "SELECT COUNT(*), (SELECT file FROM import_log WHERE options IS NULL OR "
        "json_extract(options, '$.demo') IS NOT 1 ORDER BY id DESC LIMIT 1) FROM import_log "
        "WHERE options IS NULL OR json_extract(options, '$.demo') IS NOT 1").fetchone()
    marks = ", ".join("?" * len(HAND_WRITTEN))
    by_hand, command = db.conn.execute(
        f"SELECT COUNT(*), (SELECT command FROM audit_log WHERE command IN ({marks}) "
        f"ORDER BY id DESC LIMIT 1) FROM audit_log WHERE command IN ({marks})",
        HAND_WRITTEN * 2).fetchone()
    found = []
    if count:
        found.append(Text("{count} import(s), the latest {file}", count=count, file=latest))
    if by_hand:
        found.append(Text("{count} change(s) by hand, the latest `vipcrm {command}`",
                          count=by_hand, command=command))
    if not found:
        return None
    return found[0] if len(found) == 1 else Text("{imports}; {by_hand}", imports=found[0],
                                                 by_hand=found[1])


def write_extract(folder: Path, kind_name: str, rows: Iterable[dict]) -> Path:
    with extract_writer(folder, kind_name) as write:
        for row in rows:
            write(row)
    return folder / f"{kind_name}.csv"


@contextmanager
def extract_writer(folder: Path, kind_name: str) -> Iterator[Callable[[dict], None]]:
    """`folder/<kind>.csv` written as the bank sends it, one row per call."""
    kind = KINDS[kind_name]
    encoding, chinese, date_format = STYLES.get(kind_name, PLAIN)
    with open(folder / f"{kind_name}.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.aliases[0] if chinese else c.name for c in kind.columns])

        def write(row: dict) -> None:
            writer.writerow([_cell(c, row.get(c.name), chinese, date_format)
                             for c in kind.columns])

        yield write


def _cell(column: Column, value: object, chinese: bool, date_format: str) -> str:
    if value is None:
        return ""
    if column.type == "date":
        return value.strftime(date_format)  # type: ignore[attr-defined]
    if column.type == "money":
        return yuan_grouped(value) if chinese else yuan(value)  # type: ignore[arg-type]
    if column.type == "bool":
        return ("是" if value else "否") if chinese else ("true" if value else "false")
    if chinese and column.choices:
        return next((name for name, code in column.choices.items()
                     if code == value and not name.isascii()), str(value))
    return str(value)


__all__ = ["Bank", "build_bank", "extract_writer", "foreign_data", "load_demo",
           "write_extract"]
