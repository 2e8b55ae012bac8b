"""Just enough PNG reading to look at a screenshot: 8-bit RGB or RGBA, no interlacing."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import NamedTuple


class Image(NamedTuple):
    width: int
    height: int
    channels: int
    rows: list[bytes]  # one per line, `channels` bytes a pixel

    def pixels(self, y: int, left: int, right: int) -> set[bytes]:
        """The distinct colours of line y between columns left and right (excluded)."""
        row, n = self.rows[y], self.channels
        return {row[x:x + n] for x in range(left * n, right * n, n)}


def read_png(path: Path) -> Image:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    pos, chunks = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and not interlace, (depth, colour, interlace)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    n = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * n
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(raw[start], line, previous, n)
        rows.append(bytes(line))
        previous = line
    return Image(width, height, n, rows)


def _unfilter(kind: int, line: bytearray, above: bytearray, n: int) -> None:
    if kind == 1:  # sub
        for i in range(n, len(line)):
            line[i] = (line[i] + line[i - n]) & 255
    elif kind == 2:  # up
        line[:] = bytes((a + b) & 255 for a, b in zip(line, above))
    elif kind == 3:  # average
        for i in range(len(line)):
            left = line[i - n] if i >= n else 0
            line[i] = (line[i] + ((left + above[i]) >> 1)) & 255
    elif kind == 4:  # Paeth
        for i in range(len(line)):
            a = line[i - n] if i >= n else 0
            b = above[i]
            c = above[i - n] if i >= n else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
