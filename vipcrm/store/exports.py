"""`vipcrm export KIND`: any table back out in its import format, masked unless asked otherwise.

An unmasked CSV export imports back to the same rows (the round trip is tested); a masked one
is refused by import, so it can never overwrite real phones or ID numbers.
"""

from __future__ import annotations

import csv
import json
from typing import Iterator, TextIO

from sqlite_utils import Database

from vipcrm.core.privacy import mask_id, mask_phone, neutralise
from vipcrm.formats.kinds import KINDS, Kind
from vipcrm.formats.output import unencodable, yuan

_MASKS = {"phone": mask_phone, "id_number": mask_id}


def _fixed(value: int, places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


# Integer columns written as decimals: the same text in CSV and, unquoted, as JSON numbers.
_DECIMALS = {"money": yuan, "nav": lambda v: _fixed(v, 6), "ratio": lambda v: _fixed(v, 4)}


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


def _csv_cell(kind: Kind, name: str, value) -> object:
    if value is None:
        return ""
    column_type = kind.column(name).type
    if column_type in _DECIMALS:
        return _DECIMALS[column_type](value)
    if column_type == "bool":
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value


def _json_value(kind: Kind, name: str, value) -> str:
    """JSON is for programs: text stays exactly as stored, amounts are numbers."""
    if value is None:
        return "null"
    column_type = kind.column(name).type
    if column_type in _DECIMALS:
        return _DECIMALS[column_type](value)
    if column_type == "bool":
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)


def write_export(db: Database, kind_name: str, out: TextIO, fmt: str, unmask: bool) -> int:
    kind = KINDS[kind_name]
    count = 0
    if fmt == "csv":
        # CRLF line ends (RFC 4180) make the writer quote any cell holding a CR or an LF.
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(kind.column_names)
        for row in export_rows(db, kind, unmask):
            cells = [_csv_cell(kind, k, v) for k, v in row.items()]
            try:
                writer.writerow(cells)
            except UnicodeEncodeError as exc:  # GBK lacks a character of the row
                raise unencodable(exc, count + 1, kind.column_names, cells) from None
            count += 1
        return count
    out.write("[")
    for row in export_rows(db, kind, unmask):
        fields = ", ".join(f"{json.dumps(k)}: {_json_value(kind, k, v)}" for k, v in row.items())
        out.write(("," if count else "") + "\n  {" + fields + "}")
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
