"""The acceptance test of issue 15, point 2: a bank whose dates and amounts are drawn from the
ends of their ranges, imported and also written straight into the database, answers every
command without a traceback.

Each example starts from a copy of one small bank (tests/edge_support.py), imports its files
again with cells replaced by the ends of the date type, the null stand-ins of core systems, the
ends of the dates the rules know, today and its neighbours, and money at 0, ±1 fen and 10^15 fen
± 1 (any exit 0 or 3: the import may reject what it does not take), then writes more such values
with sqlite3 as an older vipcrm or a hand edit would have, and runs recompute, assignment, the
plans in every format, every report, each client's views, a logged contact, an export and the
nightly plan files. Under CI the examples are the derandomised ones of conftest's profile;
VIPCRM_EDGE_EXAMPLES searches longer.
"""

from __future__ import annotations

import copy
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge_support import (BANK, DATE_COLUMNS, DATE_ENDS, FEN_ENDS, KINDS, MONEY_COLUMNS,
                          MONEY_ENDS, build_template, copy_of, import_bank, run_all,
                          write_straight)

EXAMPLES = int(os.environ.get("VIPCRM_EDGE_EXAMPLES", "20"))

# Every cell a test may write straight into the database: (table, column, the row's key).
_KEYS = {"calendar": ("date",), "rms": ("rm_id",), "products": ("product_code",),
         "clients": ("client_id",), "positions": ("client_id", "product_code", "as_of"),
         "navs": ("product_code", "date"), "transactions": ("txn_id",),
         "followups": ("followup_id",), "timesheets": ("rm_id", "date", "category"),
         "corporates": ("client_id", "review_year")}


def _cells(columns: dict[str, tuple[str, ...]]) -> list[tuple[str, str, dict]]:
    cells = []
    for kind, names in columns.items():
        header, rows = BANK[kind][0], BANK[kind][1:]
        for row, column in itertools.product(rows, names):
            cells.append((kind, column, {k: row[header.index(k)] for k in _KEYS[kind]}))
    return cells


DATE_CELLS, MONEY_CELLS = _cells(DATE_COLUMNS), _cells(MONEY_COLUMNS)


@st.composite
def edge_files(draw) -> dict[str, list[list[str]]]:
    """The bank's files with some date and money cells at their ends."""
    bank = copy.deepcopy(BANK)
    for columns, ends in ((DATE_COLUMNS, DATE_ENDS), (MONEY_COLUMNS, MONEY_ENDS)):
        for kind, names in columns.items():
            header = bank[kind][0]
            for row, column in itertools.product(bank[kind][1:], names):
                if draw(st.booleans()):
                    row[header.index(column)] = draw(st.sampled_from(ends))
    return bank


written_straight = st.lists(st.one_of(
    st.tuples(st.sampled_from(DATE_CELLS), st.sampled_from(DATE_ENDS)),
    st.tuples(st.sampled_from(MONEY_CELLS), st.sampled_from(FEN_ENDS))), max_size=12)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("edge-bank"))


def test_values_at_every_end_never_break_a_command(template, tmp_path):
    number = itertools.count()

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(files=edge_files(), cells=written_straight)
    def check(files, cells):
        folder = tmp_path / str(next(number))
        db = copy_of(template, folder)
        for kind, result in zip(KINDS, import_bank(db, folder / "files", files)):
            assert result.exit_code in (0, 3), (kind, result.stderr)
        for (table, column, key), value in cells:
            write_straight(db, table, column, key, value)
        run_all(db, folder)

    check()
