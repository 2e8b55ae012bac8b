"""Turning a file's cells into stored values, row by row, as fast as Python allows.

A bank's extract has millions of rows, so the per-cell work dominates an import. `RowParser`
therefore compiles, once per file, a function specialised to the file's header: one straight-line
expression per column, no loop, no call for plain text, a memo for dates and codes (they repeat).
Any problem in a row sends it to the plain, column-by-column path, which names every bad cell;
both paths apply the same parsers, so they cannot disagree on a good row.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping, Sequence

from vipcrm.core.privacy import neutralised_strip
from vipcrm.core.text import Code, Text, said
from vipcrm.formats.kinds import (DATE_RANGES, ID_COLUMNS, LONG_TERM_DATES, RANGES, TODAY, Column,
                                  Kind)
from vipcrm.formats.values import BadValue, date_within, parse_id, shown

MEMO_LIMIT = 200_000


class RowErrors(Exception):
    """Every problem of one row, as `column: reason` sentences."""

    def __init__(self, errors: list[Text]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def problem(column: str, reason: "Text | str") -> Text:
    """One problem of a row: the column and what is wrong with its cell."""
    return Text("{column}: {reason}", column=Code("field_code", column), reason=reason)


def converter(column: Column, kind: Kind, today: dt.date | None = None) -> Callable[[str], object]:
    """The parser of one column's non-empty, stripped cells, with its range check; `today`
    (the import's day, the clock's by default) ends the ranges of dates that cannot lie ahead."""
    parse = column.parser
    if column.type == "text" and column.choices is None:
        return parse_id if column.name in ID_COLUMNS else neutralised_strip
    if column.type == "date":
        low, high = ((today or dt.date.today()).isoformat() if end == TODAY else end
                     for end in DATE_RANGES[(kind.name, column.name)])
        return date_within(low, high, required=column.required,
                           long_term=(kind.name, column.name) in LONG_TERM_DATES)
    if column.type == "guarded":
        return lambda text: parse(neutralised_strip(text))
    bounds = RANGES.get((kind.name, column.name))
    if bounds is None:
        return parse
    low, high = bounds
    # Amounts are bounded in fen and shown in yuan, as they are written.
    span = (f"{low // 100}-{high // 100:,} CNY" if column.type == "money" else f"{low}-{high}")

    def bounded(text: str) -> object:
        value = parse(text)
        if not low <= value <= high:  # type: ignore[operator]
            raise BadValue(Text("{value} is outside {span}", value=shown(text), span=span))
        return value

    return bounded


class RowParser:
    """Parses rows of one file: `columns` says which canonical column each value is for.

    `fill` gives a value to a blank or absent column from another column's value (a position's
    asset class from its product); `defaults` puts the column's default in blank cells (right
    for rows that are inserted, wrong for an upsert where a blank means "keep what is known").
    `watch`, when given, is the file's reader: until its `quote_seen` is true no cell can hold
    vipcrm's formula guard, and `fast` does not look for one.
    """

    def __init__(self, kind: Kind, positions: Mapping[str, int], width: int, today: dt.date, *,
                 defaults: bool = False,
                 fill: Mapping[str, tuple[str, Mapping[str, object]]] | None = None,
                 watch=None):
        self.kind = kind
        self.width = width
        present = [c for c in kind.column_names if c in positions]
        fill = dict(fill or {})
        self.columns = present + [c for c in fill if c not in positions]
        self._present = [(kind.column(name), positions[name],
                          converter(kind.column(name), kind, today)) for name in present]
        self._fill = fill
        self._defaults = defaults
        self._watch = watch
        self.fast = self._compile()

    def _blank(self, column: Column) -> object:
        return column.default if self._defaults and column.default is not None else None

    def _compile(self) -> Callable[[Sequence[str]], tuple]:
        namespace: dict[str, object] = {"Missing": _Missing, "Quoted": _Quoted,
                                        "watch": self._watch}
        # The cells are unpacked into locals in one step, which also checks the row's width (a
        # ValueError, like any other problem, sends the row to the plain path). A quote
        # anywhere sends the row there too: only a leading one can be vipcrm's formula guard
        # (core.privacy.neutralise), and one scan of the joined row is cheaper than a test per
        # text cell. Most files have no quote at all, which the reader tells.
        seen = "watch.quote_seen and " if self._watch is not None else ""
        names = ", ".join(f"c{i}" for i in range(self.width))
        body = [f"        ({names},) = cells",
                f"        if {seen}\"'\" in \"\".join(cells): raise Quoted"]
        exprs = []
        slot_of = {}
        memos: dict[tuple, _Memo] = {}
        for j, (column, index, convert) in enumerate(self._present):
            slot_of[column.name] = j
            blank = self._blank(column)
            plain = column.type == "text" and column.choices is None
            is_id = plain and column.name in ID_COLUMNS
            if plain and not is_id and not column.required and blank is None \
                    and column.name not in self._fill:
                exprs.append(f"(c{index}.strip() or None)")
                continue
            if (column.type in ("date", "bool") or column.choices is not None) and \
                    column.name not in self._fill:
                # Dates and codes repeat: one dict lookup of the raw cell, the parse on a miss.
                # Columns parsed alike share one memo (a client's six dates: one dict, not six,
                # which stays in the processor's cache).
                signature = (convert, blank, column.required)
                if signature not in memos:
                    memos[signature] = _Memo(convert, blank, column.required)
                namespace[f"m{j}"] = memos[signature]
                exprs.append(f"m{j}[c{index}]")
                continue
            body.append(f"        t{j} = c{index}.strip()")
            if column.required:
                body.append(f"        if not t{j}: raise Missing")
            namespace[f"blank{j}"] = blank
            namespace[f"convert{j}"] = convert
            if is_id:  # printable ASCII is its own NFKC form and holds no invisible character
                value = f"(t{j} if t{j}.isascii() and t{j}.isprintable() else convert{j}(t{j}))"
            elif plain:
                value = f"t{j}"
            elif column.type == "guarded":
                value = f"(convert{j}(t{j}) if \"*\" in t{j} else t{j})"  # a masked value is refused
            else:
                value = f"convert{j}(t{j})"
            exprs.append(value if column.required else f"({value} if t{j} else blank{j})")
        for name, (source, mapping) in self._fill.items():
            namespace[f"fill_{name}"] = mapping.get
            source_value = f"t{slot_of[source]}"
            if name in slot_of:
                j = slot_of[name]
                exprs[j] = f"({exprs[j]} if t{j} else fill_{name}({source_value}))"
            else:
                exprs.append(f"fill_{name}({source_value})")
        # A factory, so the memos and helpers are the function's free variables (read like
        # locals) rather than globals.
        free = ", ".join(namespace)
        code = (f"def make({free}):\n    def fast(cells):\n" + "\n".join(body)
                + "\n        return (" + ", ".join(exprs) + ",)\n    return fast\n")
        scope: dict[str, object] = {}
        exec(compile(code, f"<row parser {self.kind.name}>", "exec"), scope)
        return scope["make"](**namespace)  # type: ignore[operator]

    def detailed(self, cells: Sequence[str]) -> tuple:
        """The same values, column by column; raises RowErrors naming every bad cell."""
        if len(cells) != self.width:
            raise RowErrors([Text("expected {width} fields, found {found} (a delimiter or quote "
                                  "problem?)", width=self.width, found=len(cells))])
        values: dict[str, object] = {}
        errors = []
        for column, index, convert in self._present:
            text = cells[index].strip()
            if not text:
                if column.required:
                    errors.append(problem(column.name, Text("required value missing")))
                values[column.name] = self._blank(column)
                continue
            try:
                values[column.name] = convert(text)
            except BadValue as exc:
                errors.append(problem(column.name, said(exc)))
        if errors:
            raise RowErrors(errors)
        for name, (source, mapping) in self._fill.items():
            if values.get(name) is None:
                values[name] = mapping.get(values[source])
        return tuple(values[name] for name in self.columns)

    def parse(self, cells: Sequence[str]) -> tuple:
        try:
            return self.fast(cells)
        except Exception:  # any problem: let the plain path name it (or find the row good)
            return self.detailed(cells)


class _Missing(Exception):
    pass


class _Quoted(Exception):
    pass


class _Memo(dict):
    """Raw cell -> parsed value of one column, filled as cells are met (at most MEMO_LIMIT)."""

    def __init__(self, convert: Callable[[str], object], blank: object, required: bool):
        super().__init__()
        self.convert = convert
        self.blank = blank
        self.required = required

    def __missing__(self, cell: str) -> object:
        text = cell.strip()
        if not text:
            if self.required:
                raise _Missing()
            value = self.blank
        else:
            value = self.convert(text)
        if len(self) < MEMO_LIMIT:
            self[cell] = value
        return value
