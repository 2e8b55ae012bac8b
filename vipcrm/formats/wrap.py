"""Text wrapped for a screen without ever splitting an id, a date or an amount.

A line may break at a space, and around a Chinese (or any double-width) character, as Chinese
text is written without spaces; never inside a run of narrow characters such as `C000123`,
`2026-11-27`, `1,234.56` or `WM-90A`. Closing punctuation stays with what it closes (`理财,`,
`认可，`), opening punctuation with what it opens. Widths are terminal cells: a Chinese
character counts two. Only a piece wider than the whole line is cut, as nothing else can show
it.
"""

from __future__ import annotations

from rich.cells import cell_len, chop_cells

# Never at the start of a line (Chinese line-breaking rules, and their ASCII cousins) …
_NO_START = frozenset("，。、；：！？）」』】》〉”’…—,.;:!?)]}%")
# … and never at its end.
_NO_END = frozenset("（「『【《〈“‘([{")


def pieces(text: str, *, cjk: bool = True) -> list[tuple[str, bool]]:
    """The unbreakable pieces of one line of text, each with whether a space comes before it.
    Without `cjk`, only spaces separate pieces (a list of names or codes)."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        if not cjk or word.isascii():
            out.append((word, True))
            continue
        parts: list[str] = []
        for ch in word:
            wide = cell_len(ch) == 2
            if not parts:
                parts.append(ch)
                continue
            last = parts[-1]
            joined = (last[-1] in _NO_END or ch in _NO_START
                      or (not wide and cell_len(last[-1]) == 1))
            if joined:
                parts[-1] = last + ch
            else:
                parts.append(ch)
        out.append((parts[0], True))
        out.extend((part, False) for part in parts[1:])
    return out


def widest_piece(text: str, *, cjk: bool = True) -> int:
    """The narrowest column every line of `text` fits in without cutting a piece."""
    return max((cell_len(piece) for line in text.split("\n")
                for piece, _ in pieces(line, cjk=cjk)), default=0)


def wrap(text: str, width: int, *, first: str = "", hang: str = "",
         cjk: bool = True) -> list[str]:
    """`text` as lines of at most `width` cells: the first starting with `first`, the others
    with `hang` (a hanging indent). Runs of spaces become one; an empty text is one line."""
    lines: list[str] = []
    line, used, empty = first, cell_len(first), True
    room_after_hang = max(1, width - cell_len(hang))
    for piece, spaced in pieces(text, cjk=cjk):
        size = cell_len(piece)
        gap = 1 if spaced and not empty else 0
        if not empty and used + gap + size > width:
            lines.append(line)
            line, used, empty, gap = hang, cell_len(hang), True, 0
        if empty and size > width - used:
            # Wider than a whole line: cut it, as nothing else could show it.
            chunks = chop_cells(piece, max(1, width - used))
            if len(chunks) > 1:
                lines.append(line + chunks[0])
                middle = chop_cells("".join(chunks[1:]), room_after_hang)
                lines.extend(hang + chunk for chunk in middle[:-1])
                piece, size = middle[-1], cell_len(middle[-1])
                line, used = hang, cell_len(hang)
        line += " " * gap + piece
        used += gap + size
        empty = False
    lines.append(line)
    return lines


def wrap_lines(text: str, width: int, *, hang: str = "", cjk: bool = True) -> list[str]:
    """Every line of a multi-line `text` wrapped on its own, with the same hanging indent."""
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(wrap(line, width, hang=hang, cjk=cjk))
    return out


def wrap_items(items: list[str], width: int, *, sep: str = "  ", hang: str = "") -> list[str]:
    """Items joined by `sep` as lines of at most `width` cells, broken only between items
    (each item whole, unless it is wider than a line)."""
    lines: list[str] = []
    line = ""
    for item in items:
        if line.strip() and cell_len(line) + cell_len(sep) + cell_len(item) > width:
            lines.append(line)
            line = hang
        if line.strip():
            line += sep
        if cell_len(line) + cell_len(item) > width:
            cut = chop_cells(item, max(1, width - cell_len(line)))
            lines.append(line + cut[0])
            rest = chop_cells("".join(cut[1:]), max(1, width - cell_len(hang)))
            lines.extend(hang + chunk for chunk in rest[:-1])
            item, line = rest[-1], hang
        line += item
    lines.append(line)
    return lines
