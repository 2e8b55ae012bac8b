"""Text from outside (file names above all) made safe to print on one line of a log or terminal.

A file dropped in the inbox can be named `clients\nnightly: ok exit 0.csv` or carry terminal
escapes (`\x1b[2J`); printed as is, it would forge summary lines or repaint the operator's
screen. Control and format characters, and the Unicode line and paragraph separators, are shown
as Python-style escapes instead; every other character, Chinese included, is kept.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every control, format, separator or unassigned character escaped."""
    if text.isprintable():
        return text
    return "".join(_escaped(ch) for ch in text)


def _escaped(ch: str) -> str:
    if ch.isprintable() or unicodedata.category(ch) == "Zs":  # spaces of every width are fine
        return ch
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
