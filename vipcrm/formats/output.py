"""Printing records as a rich table, CSV or JSON (CLI.md "Machine-readable records").

Tables are for people (labels in English or Chinese, money with separators); CSV and JSON are
for programs (stable English keys, codes, money in CNY with 2 decimals, ISO dates).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence, TextIO

from rich.console import Console
from rich.table import Table

from vipcrm.core.privacy import neutralise
from vipcrm.core.text import Text
from vipcrm.formats.i18n import grade_name, header, tier_name, word
from vipcrm.formats.i18n import render as render_text

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Field:
    key: str
    type: str = "text"  # text, money, int, bool, list, tier, grade, pct, date
    total: bool = False  # summed in the table's total row
    family: str | None = None  # codes of this family (vipcrm.formats.zh WORDS) read as words


def yuan(fen: int | None) -> str:
    """Integer fen as CNY text with 2 decimals, exactly (no float)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def yuan_grouped(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


_MONEY_TOKEN = re.compile(r'"__fen__(-?\d+)"')


def to_json(records: Sequence[dict], fields: Sequence[Field]) -> str:
    def convert(record: dict) -> dict:
        out = {}
        for f in fields:
            value = record.get(f.key)
            if f.type == "money" and value is not None:
                value = f"__fen__{int(value)}"
            elif f.type == "bool" and value is not None:
                value = bool(value)
            out[f.key] = value
        return out

    text = json.dumps([convert(r) for r in records], ensure_ascii=False, indent=2)
    return _MONEY_TOKEN.sub(lambda m: yuan(int(m.group(1))), text)


def write_csv(records: Iterable[dict], fields: Sequence[Field], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.key for f in fields])
    for record in records:
        writer.writerow([_csv_cell(record.get(f.key), f) for f in fields])


def _csv_cell(value: Any, f: Field) -> Any:
    if value is None:
        return ""
    if f.type == "money":
        return yuan(int(value))
    if f.type == "bool":
        return "true" if value else "false"
    if f.type == "list":
        return neutralise("; ".join(str(v) for v in value))
    if isinstance(value, str):
        return neutralise(value)
    return value


def table_cell(value: Any, f: Field, lang: str) -> str:
    if value is None:
        return ""
    if f.type == "money":
        return yuan_grouped(int(value))
    if f.type == "bool":
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if f.family is not None:
        if f.type == "list":
            return "; ".join(word(f.family, v, lang) for v in value)
        return word(f.family, value, lang)
    if f.type == "list":
        return "; ".join(str(v) for v in value)
    if f.type == "tier":
        return tier_name(value, lang)
    if f.type == "grade":
        return grade_name(value, lang)
    if f.type == "pct":
        return f"{value:.1f}"
    return str(value)


def render(records: Sequence[dict], fields: Sequence[Field], fmt: str, *, console: Console,
           lang: str = "en", title: str | None = None, totals: bool = False) -> None:
    if fmt == "json":
        console.file.write(to_json(records, fields) + "\n")
        return
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(records, fields, buffer)
        console.file.write(buffer.getvalue())
        return
    table = Table(title=title, show_lines=False)
    for f in fields:
        numeric = f.type in ("money", "int", "pct")
        table.add_column(header(f.key, lang), justify="right" if numeric else "left",
                         overflow="fold")
    for record in records:
        table.add_row(*(table_cell(record.get(f.key), f, lang) for f in fields))
    if totals and records:
        row = []
        for i, f in enumerate(fields):
            if f.total:
                row.append(table_cell(sum(r.get(f.key) or 0 for r in records), f, lang))
            else:
                row.append(render_text(Text("Total"), lang) if i == 0 else "")
        table.add_section()
        table.add_row(*row, style="bold")
    console.print(table)


@dataclass(frozen=True)
class Money:
    """An amount in fen inside free-form records (views); prints as CNY with 2 decimals."""

    fen: int

    def __str__(self) -> str:
        return yuan_grouped(self.fen)


def dumps(obj: Any) -> str:
    """JSON of nested records in which `Money` becomes a number with exactly 2 decimals."""

    def default(value: Any) -> Any:
        if isinstance(value, Money):
            return f"__fen__{value.fen}"
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    text = json.dumps(obj, ensure_ascii=False, indent=2, default=default)
    return _MONEY_TOKEN.sub(lambda m: yuan(int(m.group(1))), text)
