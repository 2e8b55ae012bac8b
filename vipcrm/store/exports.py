"""`vipcrm export KIND`: any table back out in its import format, masked unless asked otherwise.

An unmasked CSV export imports back to the same rows (the round trip is tested); a masked one
is refused by import, so it can never overwrite real phones or ID numbers.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Iterator, TextIO

from sqlite_utils import Database

from vipcrm.core.privacy import mask_id, mask_phone, neutralise
from vipcrm.formats.kinds import KINDS, Kind
from vipcrm.formats.output import yuan

_MASKS = {"phone": mask_phone, "id_number": mask_id}


def _fixed(value: int, places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def export_rows(db: Database, kind: Kind, unmask: bool) -> Iterator[dict]:
    names = kind.column_names
    order = ", ".join(kind.key)
    cursor = db.conn.execute(f"SELECT {', '.join(names)} FROM {kind.table} ORDER BY {order}")
    for values in cursor:
        row = dict(zip(names, values))
        if not unmask:
            for name, mask in _MASKS.items():
                if name in row:
                    row[name] = mask(row[name])
        yield row


def _cell(kind: Kind, name: str, value, for_json: bool):
    if value is None:
        return None if for_json else ""
    column_type = kind.column(name).type
    if column_type == "money":
        return f"__fen__{value}" if for_json else yuan(value)
    if column_type == "nav":
        return _fixed(value, 6) if not for_json else f"__fixed6__{value}"
    if column_type == "ratio":
        return _fixed(value, 4) if not for_json else f"__fixed4__{value}"
    if column_type == "bool":
        return bool(value) if for_json else ("true" if value else "false")
    if isinstance(value, str) and not for_json:
        return neutralise(value)
    return value


def write_export(db: Database, kind_name: str, out: TextIO, fmt: str, unmask: bool) -> int:
    kind = KINDS[kind_name]
    count = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(kind.column_names)
        for row in export_rows(db, kind, unmask):
            writer.writerow([_cell(kind, k, v, False) for k, v in row.items()])
            count += 1
        return count
    tokens = re.compile(r'"__(fen|fixed6|fixed4)__(-?\d+)"')

    def number(match: re.Match) -> str:
        what, value = match.group(1), int(match.group(2))
        return yuan(value) if what == "fen" else _fixed(value, 6 if what == "fixed6" else 4)

    out.write("[")
    for row in export_rows(db, kind, unmask):
        record = {k: _cell(kind, k, v, True) for k, v in row.items()}
        out.write(("," if count else "") + "\n  " + tokens.sub(number, json.dumps(record, ensure_ascii=False)))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
