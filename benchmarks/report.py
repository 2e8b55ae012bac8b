"""What every benchmark prints: progress on stderr and its final table aligned in columns."""

from __future__ import annotations

import sys
from typing import Collection, Sequence


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def aligned(cells: Sequence[Sequence[str]], left: Collection[int] = (0,)) -> list[str]:
    """The rows (header first) as lines, each column padded to its widest cell."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(cell.ljust(w) if i in left else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
            for row in cells]
