"""Cell parsers whose fast path must agree with the general one on every input (parsers get
stripped, non-empty cells)."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given
from hypothesis import strategies as st

from vipcrm.formats.values import BadValue, money_by_pattern, parse_money

MONEY_CHARS = "0123456789.,+- ¥￥\u00a0١٢²"


def outcome(parse, text: str):
    try:
        return parse(text)
    except BadValue:
        return "bad"


@given(st.text(alphabet=MONEY_CHARS, min_size=1, max_size=12))
@example("52946.10")
@example("7.")
@example(".5")
@example("١٢.5")
@example("12.²")
@example("0012.01")
def test_money_fast_path_agrees_with_the_patterns(text):
    assert outcome(parse_money, text) == outcome(money_by_pattern, text)


def test_money_fast_path_values():
    assert parse_money("52946.10") == 5294610
    assert parse_money("52946.1") == 5294610
    assert parse_money("52946") == 5294600
    assert parse_money("0.05") == 5


def test_a_required_date_never_shares_the_memo_of_an_optional_one():
    import pytest

    from vipcrm.formats.kinds import KINDS
    from vipcrm.formats.rows import RowErrors, RowParser

    kind = KINDS["positions"]
    header = ["client_id", "product_code", "as_of", "balance", "asset_class", "maturity_date"]
    parser = RowParser(kind, {name: i for i, name in enumerate(header)}, len(header),
                       dt.date(2026, 11, 27))
    assert parser.fast(["C1", "P1", "2026-11-30", "10", "fund", ""])[2:] == (
        "2026-11-30", 1000, "fund", None)
    with pytest.raises(Exception):
        parser.fast(["C1", "P1", "", "10", "fund", "2027-01-31"])
    with pytest.raises(RowErrors, match="as_of: required value missing"):
        parser.detailed(["C1", "P1", "", "10", "fund", "2027-01-31"])
    # the optional date reads the blank cell the same way afterwards
    assert parser.fast(["C1", "P1", "2026-11-30", "10", "fund", " "])[5] is None
