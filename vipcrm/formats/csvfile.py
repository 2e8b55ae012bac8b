"""Reading a bank's CSV extract: encoding, delimiter, header mapping (DATA.md "Reading a file").

The file is streamed through Python's own (C) decoder and CSV reader in constant memory, hashed
as it is read. A bad byte stops the import; the file is then scanned again line by line in
binary to report the byte's exact offset (in UTF-8 and GB18030 the byte 0x0A never occurs inside
a multi-byte character, so splitting on it is safe).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import Callable, Iterator

from vipcrm.core.text import Text
from vipcrm.formats.kinds import Kind

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t")

csv.field_size_limit(1 << 24)


class FileRefused(Exception):
    """The whole file is refused (exit 1); the message names the file, the problem and the fix."""


def detect_encoding(sample: bytes, path: Path) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(Text(
            "{file}: saved as UTF-16 (Excel 'Unicode text'); save it as 'CSV UTF-8' or 'CSV "
            "(comma delimited)' and import again", file=path.name))
    utf8_error = _first_error(sample, "utf-8")
    if utf8_error is None:
        return "utf-8"
    if _first_error(sample, "gb18030") is None:
        return "gb18030"
    guess = _guess(sample)
    if guess:
        raise FileRefused(Text(
            "{file}: not UTF-8 or GB18030/GBK: undecodable byte at offset {offset} (it looks "
            "like {guess}; pass --encoding {guess} if that is right); save it as 'CSV UTF-8' and "
            "import again", file=path.name, offset=utf8_error, guess=guess))
    raise FileRefused(Text(
        "{file}: not UTF-8 or GB18030/GBK: undecodable byte at offset {offset}; save it as 'CSV "
        "UTF-8' and import again", file=path.name, offset=utf8_error))


def _first_error(sample: bytes, encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def _guess(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return best.encoding if best is not None else None


def detect_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


@dataclass
class CsvSource:
    """One open import file: its encoding, delimiter, header and rows."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    size: int
    bytes_read: int = 0
    sha256: str = ""
    # True once a quote character has been read: until then no cell can hold vipcrm's formula
    # guard, and the row parser skips looking for it.
    quote_seen: bool = False
    _hash: "hashlib._Hash" = field(default_factory=hashlib.sha256, repr=False)
    _progress: Callable[[int, int], None] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number of the row's first line, cells) for every data row; blank lines skipped."""
        with self.reading() as reader:
            last_line = 1
            for cells in reader:
                line = last_line + 1
                last_line = reader.line_num + 1
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                yield line, cells

    @contextmanager
    def reading(self, progress: Callable[[int, int], None] | None = None):
        """A `csv.reader` over the data rows (the header skipped), to iterate in C.

        Blank lines come as empty lists; `line_num` counts the data lines read. The bytes are
        hashed as they are read (`sha256` is set once the whole file is read), and
        `progress(bytes read, size)` is called for every megabyte.
        """
        self._hash = hashlib.sha256()
        self.bytes_read = 0
        self.quote_seen = False
        self._progress = progress
        with open(self.path, "rb", buffering=0) as handle:
            raw = _Hashing(handle, self)
            text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding=self.encoding,
                                    newline="")
            text._CHUNK_SIZE = 1 << 20  # read and decode by the megabyte, not by 8 kB
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                text.readline()  # the header, read by open_csv
                yield reader
            except csv.Error as exc:
                raise FileRefused(Text("{file}: line {line}: {problem}; check the quotes",
                                       file=self.path.name, line=reader.line_num + 1,
                                       problem=str(exc))) from None
            except UnicodeDecodeError:
                raise FileRefused(self._decode_problem()) from None
        if self.bytes_read == self.size:
            self.sha256 = self._hash.hexdigest()

    def _decode_problem(self) -> Text:
        """Find the first undecodable byte again, line by line, to name its offset."""
        decode = codecs.getdecoder(self.encoding)
        offset = 0
        with open(self.path, "rb") as handle:
            for raw in handle:
                try:
                    decode(raw)
                except UnicodeDecodeError as exc:
                    return Text("{file}: undecodable byte at offset {offset} for encoding "
                                "{encoding}; {fix}", file=self.path.name,
                                offset=offset + exc.start, encoding=self.encoding,
                                fix=_encoding_fix(raw, self.encoding))
                offset += len(raw)
        return Text("{file}: cannot be decoded as {encoding}; pass --encoding",
                    file=self.path.name, encoding=self.encoding)


class _Hashing(io.RawIOBase):
    """Hashes and counts the bytes as the text layer reads them."""

    def __init__(self, handle, source: CsvSource):
        self.handle = handle
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.handle.readinto(buffer)
        if n:
            chunk = memoryview(buffer)[:n]
            source = self.source
            source._hash.update(chunk)
            source.bytes_read += n
            # 0x27 is never part of a multi-byte character in UTF-8 or GB18030.
            if not source.quote_seen and b"'" in bytes(chunk):
                source.quote_seen = True
            if source._progress is not None:
                source._progress(source.bytes_read, source.size)
        return n


def _encoding_fix(raw: bytes, encoding: str) -> Text:
    # Detection reads only the start of the file: Chinese text may first appear further on.
    if encoding.startswith("utf") and _first_error(raw, "gb18030") is None:
        return Text("this line reads as GB18030/GBK: import again with --encoding gb18030")
    return Text("fix the file or pass --encoding")


# The reader splits lines and finds quotes in the raw bytes, so an extract's encoding must read
# ASCII bytes as themselves: UTF-8, GB18030/GBK, Big5, the ISO-8859 and Windows code pages do;
# UTF-16/32, EBCDIC, UTF-7 and the escape codecs do not, and bytes-to-bytes codecs (base64,
# zlib …) are no text encoding at all.
_ASCII_PROBE = "\r\n,;\t\"'_ azAZ09+-.~\\u0041\\x41@#$%&()*/:<=>?[]^`{|}!"
USEFUL_ENCODINGS = "utf-8, utf-8-sig, gb18030 (covers GBK), big5, latin-1 or cp1252"


def check_encoding(name: str) -> str:
    """The --encoding a CSV extract can be read in, or FileRefused naming the useful ones."""
    shown = repr(name) if len(name) <= 40 else repr(name[:40] + "…")
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        raise FileRefused(Text("unknown encoding {name}; use {useful}", name=shown,
                               useful=USEFUL_ENCODINGS)) from None
    if not getattr(info, "_is_text_encoding", True):
        raise FileRefused(Text("--encoding {name}: {codec} is not a text encoding (it turns "
                               "bytes into bytes); use {useful}", name=shown, codec=info.name,
                               useful=USEFUL_ENCODINGS))
    try:
        keeps_ascii = _ASCII_PROBE.encode("ascii").decode(info.name) == _ASCII_PROBE
    except (UnicodeError, ValueError):
        keeps_ascii = False
    if not keeps_ascii:
        if info.name.startswith(("utf-16", "utf-32")):
            raise FileRefused(Text(
                "--encoding {name}: {codec} does not read plain ASCII bytes (commas, quotes, line "
                "ends) as themselves, so a CSV extract cannot be in it (a UTF-16 or UTF-32 file "
                "is Excel's 'Unicode text': save it as 'CSV UTF-8'); use {useful}", name=shown,
                codec=info.name, useful=USEFUL_ENCODINGS))
        raise FileRefused(Text(
            "--encoding {name}: {codec} does not read plain ASCII bytes (commas, quotes, line "
            "ends) as themselves, so a CSV extract cannot be in it; use {useful}", name=shown,
            codec=info.name, useful=USEFUL_ENCODINGS))
    return name


def open_csv(path: str | os.PathLike, encoding: str | None = None) -> CsvSource:
    path = Path(path)
    if encoding is not None:
        encoding = check_encoding(encoding)
    if not path.is_file():
        raise FileRefused(Text("{path}: no such file; check the path", path=path))
    size = path.stat().st_size
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample.strip():
        raise FileRefused(Text("{file}: the file is empty; it needs a header line and rows",
                               file=path.name))
    if encoding is None:
        encoding = detect_encoding(sample, path)
    # The header ends where `rows()` (universal newlines) starts reading: at \n, \r\n or a lone
    # \r (old Mac Excel). Neither byte occurs inside a UTF-8 or GB18030 character.
    first_line = re.split(rb"\r\n?|\n", sample, maxsplit=1)[0]
    try:
        header_text = first_line.decode(encoding).lstrip("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise FileRefused(Text("{file}: undecodable byte at offset {offset} for encoding "
                               "{encoding}", file=path.name, offset=exc.start,
                               encoding=encoding)) from None
    if not header_text.strip():
        raise FileRefused(Text("{file}: the first line is blank; it must be the header",
                               file=path.name))
    delimiter = detect_delimiter(header_text)
    header = next(csv.reader([header_text], delimiter=delimiter))
    return CsvSource(path=path, encoding=encoding, delimiter=delimiter, header=header, size=size)


def normalise_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


@dataclass(frozen=True)
class HeaderMap:
    """Which file column feeds which canonical column."""

    positions: dict[str, int]  # canonical name -> index in the row
    ignored: list[str]  # extra columns, warned about once


def map_header(kind: Kind, header: list[str], mapping: dict[str, str], file_name: str) -> HeaderMap:
    lookup: dict[str, str] = {}
    for column in kind.columns:
        lookup[column.name.lower()] = column.name
        for alias in column.aliases:
            lookup[normalise_header(alias)] = column.name
    for theirs, ours in mapping.items():
        if ours not in kind.column_names:
            raise FileRefused(Text("--map {theirs}={ours}: {ours!r} is not a column of {kind}; "
                                   "columns: {columns}", theirs=theirs, ours=ours, kind=kind.name,
                                   columns=", ".join(kind.column_names)))
        lookup[normalise_header(theirs)] = ours
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        name = normalise_header(raw)
        canonical = lookup.get(name)
        if canonical is None:
            if name and not name.startswith("_"):  # _line/_errors of a rejects file
                ignored.append(raw.strip())
            continue
        if canonical in positions:
            raise FileRefused(Text("{file}: columns {first!r} and {second!r} both mean "
                                   "{column}; remove one or rename it with --map",
                                   file=file_name, first=header[positions[canonical]],
                                   second=raw, column=canonical))
        positions[canonical] = index
    missing = [c.name for c in kind.columns if c.required and c.name not in positions]
    if missing:
        raise FileRefused(Text("{file}: missing required column(s) {columns} for kind {kind}; "
                               "add them or map yours with --map 'Your Header={first}'",
                               file=file_name, columns=", ".join(missing), kind=kind.name,
                               first=missing[0]))
    return HeaderMap(positions, ignored)
