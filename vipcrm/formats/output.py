"""Printing records as a rich table, CSV or JSON (CLI.md "Machine-readable records").

Tables are for people (labels in English or Chinese, money with separators); CSV and JSON are
for programs (stable English keys, codes, money in CNY with 2 decimals, ISO dates).

A table fits the screen's width without ever breaking an id, a date, an amount, a name or a
code across lines: only free text (`prose`, `points`) wraps, at spaces and around Chinese
characters, and lists wrap between their items. When the narrowest such table is still too
wide, columns are left out, those with the highest `drop` first and from the right among equals
(the first column, which names the row, never), and the caller says which on stderr: the CSV
has them all.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from vipcrm.core.privacy import neutralise
from vipcrm.core.text import Text
from vipcrm.formats.i18n import grade_name, header, tier_name, word
from vipcrm.formats.i18n import render as render_text
from vipcrm.formats.wrap import widest_piece, wrap_lines

FORMATS = ("table", "csv", "json")
# The encodings a CSV for people may be written in: UTF-8 with a byte-order mark (which Excel
# needs to read UTF-8), plain UTF-8, GBK (Excel's own on Chinese Windows; it lacks some rare
# characters of names) and GB18030 (GBK's superset, which holds every character).
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gbk", "gb18030")


@dataclass(frozen=True)
class Field:
    key: str
    # text (a short value shown whole: an id, a name, a date …), money, int, num, pct, bool,
    # date, tier, grade, code, list (items wrap between them), prose (free text that wraps),
    # points (prose items, one a line)
    type: str = "text"
    total: bool = False  # summed in the table's total row
    drop: int = 1  # when the table is too wide: 0 never left out, higher numbers first
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


class Unencodable(ValueError):
    """A CSV cell holding a character the chosen encoding lacks (GBK and a rare name)."""


def write_csv(records: Iterable[dict], fields: Sequence[Field], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    keys = [f.key for f in fields]
    writer.writerow(keys)
    for row, record in enumerate(records, 1):
        cells = [_csv_cell(record.get(f.key), f) for f in fields]
        try:
            writer.writerow(cells)
        except UnicodeEncodeError as exc:
            raise unencodable(exc, row, keys, cells) from None


def unencodable(exc: UnicodeEncodeError, row: int, keys: Sequence[str],
                cells: Sequence[Any]) -> Unencodable:
    """The refusal for a row `out.write` could not encode: which row (by its first cell) and
    column, and the character. The encoding fails on the row's text; its cells say where."""
    char = exc.object[exc.start]
    column = next((key for key, cell in zip(keys, cells)
                   if char in str(cell)), keys[0])
    return Unencodable(Text(
        "row {row} ({key} {value}), column {column}: the character {char} (U+{code}) cannot be "
        "written in {encoding}; nothing was written: choose utf-8-sig or gb18030, which hold "
        "every character", row=row, key=keys[0], value=cells[0], column=column, char=char,
        code=f"{ord(char):04X}", encoding=exc.encoding))


def _csv_cell(value: Any, f: Field) -> Any:
    if value is None:
        return ""
    if f.type == "money":
        return yuan(int(value))
    if f.type == "bool":
        return "true" if value else "false"
    if f.type in ("list", "points"):
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
    if f.type == "points":
        return "\n".join(str(v) for v in value)
    if f.type == "tier":
        return tier_name(value, lang)
    if f.type == "grade":
        return grade_name(value, lang)
    if f.type == "pct":
        return f"{value:.1f}"
    return str(value)


def render(records: Sequence[dict], fields: Sequence[Field], fmt: str, *, console: Console,
           lang: str = "en", title: str | None = None, totals: bool = False) -> list[str]:
    """Prints the records as JSON or a table (CSV has its own writer, `write_csv`); returns
    the labels of the table's columns left out."""
    if fmt == "json":
        console.file.write(to_json(records, fields) + "\n")
        return []
    rows = [[table_cell(record.get(f.key), f, lang) for f in fields] for record in records]
    total = None
    if totals and records:
        total = [table_cell(sum(r.get(f.key) or 0 for r in records), f, lang) if f.total
                 else (render_text(Text("Total"), lang) if i == 0 else "")
                 for i, f in enumerate(fields)]
    return print_table(console, fields, [header(f.key, lang) for f in fields], rows,
                       title=title, total=total)


# -- tables that fit the screen -------------------------------------------------------------

NUMERIC = frozenset(("money", "int", "num", "pct"))
# Free text is never squeezed below this (a longer word, such as a path, is cut) …
PROSE_LOW = 16
# … and its words up to this width are never cut.
PROSE_WORD = 32
_BORDER, _PADDING = 1, 2  # a cell's border on its right and its padding, in cells


@dataclass(frozen=True)
class Layout:
    shown: list[int]  # the columns shown, by index
    widths: list[int]  # their widths in cells, padding left out
    left_out: list[int]  # the columns that did not fit
    width: int  # of the whole table, borders included


def _extent(text: str) -> int:
    return max(map(cell_len, text.split("\n")))


def _column_range(f: Field, label: str, cells: Sequence[str]) -> tuple[int, int]:
    """The narrowest width at which the column breaks nothing it must not, and its natural
    width."""
    high = max(map(_extent, cells), default=0)
    if f.type in ("prose", "points"):
        low = min(high, max(PROSE_LOW, min(PROSE_WORD, max(
            (widest_piece(c) for c in cells), default=0))))
    elif f.type == "list":
        low = max((widest_piece(c, cjk=False) for c in cells), default=0)
    else:
        low = high
    return max(low, widest_piece(label), 1), max(high, _extent(label), 1)


def layout(fields: Sequence[Field], labels: Sequence[str], rows: Sequence[Sequence[str]],
           width: int, *, lows: dict[int, int] | None = None) -> Layout:
    """Which columns a table of `width` cells shows, and how wide each is. `lows` raises the
    narrowest width of some columns (the plan's talking points)."""
    ranges = []
    for i, (f, label) in enumerate(zip(fields, labels)):
        low, high = _column_range(f, label, [row[i] for row in rows])
        low = min(high, max(low, (lows or {}).get(i, 0)))
        ranges.append((low, high))
    shown = list(range(len(fields)))
    # Left out first: the highest `drop`, then the rightmost; never the first column.
    order = sorted((i for i in shown[1:] if fields[i].drop > 0),
                   key=lambda i: (fields[i].drop, i), reverse=True)

    def frame(columns: int) -> int:
        return columns * (_BORDER + _PADDING) + _BORDER

    left_out = []
    while order and sum(ranges[i][0] for i in shown) + frame(len(shown)) > width:
        gone = order.pop(0)
        shown.remove(gone)
        left_out.append(gone)
    room = width - frame(len(shown))
    # Every column at its natural width when they fit; otherwise the widest are narrowed to a
    # common cap (never below their narrowest), so short columns and headers stay whole.
    top = max((ranges[i][1] for i in shown), default=0)
    lo, hi = 0, top
    while lo < hi:
        cap = (lo + hi + 1) // 2
        if sum(max(ranges[i][0], min(ranges[i][1], cap)) for i in shown) <= room:
            lo = cap
        else:
            hi = cap - 1
    widths = [max(ranges[i][0], min(ranges[i][1], lo)) for i in shown]
    return Layout(shown, widths, sorted(left_out), sum(widths) + frame(len(shown)))


def shape_cell(text: str, f: Field, width: int) -> str:
    """A cell's text broken into lines of at most `width` cells where its type allows."""
    if f.type in ("prose", "points"):
        return "\n".join(wrap_lines(text, width, hang="  " if f.type == "points" else ""))
    if f.type == "list":
        return "\n".join(wrap_lines(text, width, cjk=False))
    return text


def print_table(console: Console, fields: Sequence[Field], labels: Sequence[str],
                rows: Sequence[Sequence[str]], *, title: str | None = None,
                caption: str | None = None, styles: Sequence[str | None] | None = None,
                total: Sequence[str] | None = None, lines: bool = False,
                fitted: Layout | None = None) -> list[str]:
    """Prints the table at the console's width (or as `fitted` says); returns the labels of
    the columns left out.

    The cells come as text, one row per record (`total` is the total row). Nothing in it is
    read as markup."""
    everything = [*rows, total] if total is not None else rows
    fit = fitted or layout(fields, labels, everything, console.width)
    table = Table(title=RichText(title) if title else None,
                  caption=RichText(caption) if caption else None,
                  show_lines=lines, title_justify="left")
    for i, w in zip(fit.shown, fit.widths):
        f = fields[i]
        table.add_column(RichText("\n".join(wrap_lines(labels[i], w))), width=w, no_wrap=True,
                         justify="right" if f.type in NUMERIC else "left")
    for n, row in enumerate(rows):
        table.add_row(*(RichText(shape_cell(row[i], fields[i], w))
                        for i, w in zip(fit.shown, fit.widths)),
                      style=styles[n] if styles else None)
    if total is not None:
        table.add_section()
        table.add_row(*(RichText(shape_cell(total[i], fields[i], w))
                        for i, w in zip(fit.shown, fit.widths)), style="bold")
    screen = console.width
    try:
        # Columns that are never left out may still be wider than the screen: the lines then
        # run past its edge rather than break an id or an amount.
        console.width = max(screen, fit.width)
        console.print(table)
    finally:
        console.width = screen
    return [labels[i] for i in fit.left_out]


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
