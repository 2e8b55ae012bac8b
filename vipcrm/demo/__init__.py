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

from vipcrm.core.text import Code, Text
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


# The demo's one strategy set by hand: a big client that meets no rule is given more visits.
DEMO_OVERRIDE_REASON = "三年期代发工资协议已签，分行批准加大走访与投入"


def serve_big_clients(db: Database, today: dt.date, user: str) -> list[Text]:
    """What a branch does by hand once the year is rated (DOMAIN §2): each of this year's big
    clients gets the RM who visits it (else the least loaded senior RM of its branch), pinned;
    and the best-rated one whose derived strategy is `standard` is set to `invest`, with its
    reason. Returns what was done."""
    from vipcrm.store.assignment import set_assignment
    from vipcrm.store.corporate import StrategyOverride, rate_year

    conn, config = db.conn, load_config(db)
    done: list[Text] = []
    big = conn.execute("SELECT client_id, strategy FROM corporate_ratings WHERE big = 1 "
                       "AND review_year = ? ORDER BY rank, client_id", [today.year]).fetchall()
    for client_id, _ in big:
        row = conn.execute(
            "SELECT COALESCE((SELECT f.rm_id FROM followups f JOIN rms r ON r.rm_id = f.rm_id "
            "AND r.active = 1 WHERE f.client_id = c.client_id "
            "ORDER BY f.date DESC, f.followup_id DESC LIMIT 1), "
            "(SELECT r.rm_id FROM rms r WHERE r.active = 1 AND r.grade = 'senior' "
            "AND r.branch = c.home_branch ORDER BY (SELECT COUNT(*) FROM assignments a "
            "WHERE a.rm_id = r.rm_id), r.rm_id LIMIT 1)) FROM clients c WHERE c.client_id = ?",
            [client_id]).fetchone()
        if row[0] is not None:
            set_assignment(db, config, today, client_id, row[0], pin=True, user=user,
                           demo=True)
            done.append(Text("big client {client}: pinned to {rm}", client=client_id, rm=row[0]))
    standard = next((cid for cid, strategy in big if strategy == "standard"), None)
    if standard is not None:
        rate_year(db, config, today.year, user=user, override=StrategyOverride(
            standard, "invest", DEMO_OVERRIDE_REASON, today, demo=True))
        done.append(Text("big client {client}: strategy set to {strategy} by hand",
                         client=standard, strategy=Code("strategy", "invest")))
    return done


# The commands that write the bank's data by hand. The demo's own pins and strategy (what a
# branch does by hand, see serve_big_clients) are marked demo in their audit details.
HAND_WRITTEN = ("followup log", "followup time", "client update", "assign set", "purge",
                "tier corporate --set-strategy")


def foreign_data(db: Database) -> Text | None:
    """What in `db` the demo did not write, or None: imports of other files (the demo marks its
    own in the import log) and contacts, time, profiles, books and strategies written by hand
    (the audit log names their commands; the demo's own are marked), as "N import(s), the
    latest FILE; M change(s) by hand …"."""
    count, latest = db.conn.execute(
        "SELECT COUNT(*), (SELECT file FROM import_log WHERE options IS NULL OR "
        "json_extract(options, '$.demo') IS NOT 1 ORDER BY id DESC LIMIT 1) FROM import_log "
        "WHERE options IS NULL OR json_extract(options, '$.demo') IS NOT 1").fetchone()
    marks = ", ".join("?" * len(HAND_WRITTEN))
    mine = "json_extract(details, '$.demo') IS NOT 1"
    by_hand, command = db.conn.execute(
        f"SELECT COUNT(*), (SELECT command FROM audit_log WHERE command IN ({marks}) "
        f"AND {mine} ORDER BY id DESC LIMIT 1) FROM audit_log WHERE command IN ({marks}) "
        f"AND {mine}", HAND_WRITTEN * 2).fetchone()
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
           "serve_big_clients", "write_extract"]
