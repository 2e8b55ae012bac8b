"""Malformed CSV thrown at every import kind, through `vipcrm import` and `vipcrm nightly`.

Whatever the bytes, the command ends with exit 0, 1 or 3 (never a traceback), a refusal is one
`Error: …` line, a refused file changes nothing, and the database stays consistent (integrity
and foreign keys). The examples are derandomised so a failure reproduces; raise
VIPCRM_FUZZ_EXAMPLES to search longer.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datafiles import load_samples
from test_nightly_support import contents, integrity
from vipcrm.formats.kinds import IMPORT_ORDER, KINDS

EXAMPLES = int(os.environ.get("VIPCRM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

# Values that mean something somewhere (known ids, dates and amounts in every notation, codes)
# and values that break things (quotes, separators, line ends, NUL, BOM, huge numbers).
MEANINGFUL = [
    "", " ", "C0001", "C0002", "C0004", "RM001", "RM002", "DEP-CUR", "WM-90D", "FUND-EQ1",
    "2026-11-27", "20261127", "2026/11/27", "2026年11月27日", "2026-02-30", "0000-00-00",
    "1,234.50", "¥1234.50", "-0", "0.001", "1e309", "NaN", "-inf", "9" * 40, "12.345.6",
    "true", "false", "是", "否", "retail", "corporate", "deposit", "loan", "senior", "l9",
    "phone", "visit", "holiday", "workday", "sale", "reached", "C3", "R5", "AA", "5", "0", "6",
    "138****1234", "'=1+1", "=cmd|' /C calc'!A0", '"', '""', "'", ",", ";", "\t", "\n", "\r",
    "\r\n", "\x00", "\ufeff", "\u2028", "客户", "名称",
]
cell = st.one_of(st.sampled_from(MEANINGFUL), st.text(max_size=8))


@st.composite
def malformed_file(draw, kind_name: str) -> bytes:
    kind = KINDS[kind_name]
    names = [c.name for c in kind.columns] + [a for c in kind.columns for a in c.aliases]
    header = draw(st.one_of(
        st.just([c.name for c in kind.columns]),
        st.permutations([c.name for c in kind.columns]),
        st.lists(st.one_of(st.sampled_from(names), cell), max_size=len(kind.columns) + 2),
    ))
    width = len(header)
    rows = draw(st.lists(st.lists(cell, min_size=max(0, width - 2), max_size=width + 2),
                         max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    if draw(st.booleans()):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter,
                   lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(
            [header, *rows])
        text = buffer.getvalue()
    else:  # joined without quoting: stray quotes and separators inside cells
        text = "\n".join(delimiter.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    mangle = draw(st.sampled_from(["none", "truncate", "garbage", "empty", "binary"]))
    if mangle == "truncate" and data:
        data = data[:draw(st.integers(0, len(data) - 1))]
    elif mangle == "garbage":
        data += draw(st.binary(max_size=32))
    elif mangle == "empty":
        data = b"" if draw(st.booleans()) else codecs.BOM_UTF8
    elif mangle == "binary":
        data = draw(st.binary(max_size=200))
    return data


def check_refusal_line(stderr: str) -> None:
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith(("Error: ", "错误: "))]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr


@pytest.fixture
def samples(cli, tmp_path):
    load_samples(cli, tmp_path)
    return tmp_path


@pytest.mark.parametrize("kind", IMPORT_ORDER)
def test_import_of_malformed_csv_never_crashes(kind, cli, samples, db_path):
    number = iter(range(10**9))

    @FUZZ
    @given(data=malformed_file(kind))
    def throw(data: bytes) -> None:
        path = samples / f"fuzz-{next(number)}.csv"
        path.write_bytes(data)
        before = contents(db_path)
        result = cli("import", kind, path)
        assert result.exit_code in (0, 1, 3), (result.exit_code, result.stderr)
        if result.exit_code == 1:
            check_refusal_line(result.stderr)
            assert contents(db_path) == before
        assert "Traceback" not in result.stderr
        assert integrity(db_path) == [("ok",)]

    throw()


LINE = re.compile(r"^[^:]+: (ok|rejects|failed|skipped)( .*)? \[\d+\.\d s\]$")


def test_nightly_over_malformed_files_never_crashes(cli, samples, db_path):
    number = iter(range(10**9))

    @FUZZ
    @given(files=st.lists(st.sampled_from(IMPORT_ORDER).flatmap(
        lambda kind: st.tuples(st.just(kind), malformed_file(kind))), min_size=1, max_size=3))
    def throw(files) -> None:
        inbox = samples / f"inbox-{next(number)}"
        inbox.mkdir()
        for index, (kind, data) in enumerate(files):
            (inbox / f"{kind}_{index}.csv").write_bytes(data)
        result = cli("--today", "2026-11-27", "nightly", "--inbox", inbox)
        assert result.exit_code in (0, 1, 3), (result.exit_code, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert all(LINE.match(line) for line in result.stdout.splitlines()), result.stdout
        # Every file ended in done/ or failed/ (with a one-line reason), none left behind.
        assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == []
        for reason in (inbox / "failed").glob("*.reason.txt"):
            assert len(reason.read_text(encoding="utf-8").splitlines()) == 1, reason
        assert integrity(db_path) == [("ok",)]

    throw()


def test_a_file_with_old_mac_line_ends_reads_like_any_other(cli, tmp_path, sql):
    """Found by the fuzzing: lone \\r line ends (Excel's "CSV (Macintosh)") used to crash."""
    path = tmp_path / "calendar.csv"
    path.write_bytes(b"date,type,name\r2027-01-01,holiday,New Year\r2027-02-20,workday,\r")
    result = cli("import", "calendar", path)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT date, type FROM calendar ORDER BY date") == [
        ("2027-01-01", "holiday"), ("2027-02-20", "workday")]
