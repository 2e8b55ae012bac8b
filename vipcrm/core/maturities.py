"""Maturities and the money kept after them (issue point 7): pure functions of a client's
positions as change points.

A maturity is a counted position (an asset class of `aum.asset_classes`) whose maturity date m
(the position's, else its product's) falls in the period and which holds a balance on the day
before it: that balance is the amount maturing. The money reinvested after it is the client's
new money within `plan.retention_days` days from m (m to m + N, both included, and not after
the end of the period):

- a rise of a counted position's balance at a change point, by the rise (a new position: its
  whole balance); for a product with NAVs, by the rise beyond what the NAV's move since the
  previous change point explains, so a market gain is not new money;
- a position renewed for a new term (a later maturity date recorded after the previous one
  passed, as a rolled-over wealth product is), by its whole balance;
- not money on a cash account: a demand deposit (a deposit without a maturity date), where
  proceeds land on their own, or a securities account's cash (custody, 第三方存管).

Each rise counts once: it goes to the client's earliest maturity whose window holds it and that
is still short of its amount, and a maturity's reinvestment is capped at its amount. The
retention rate is reinvested ÷ matured, in fen.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Iterable, Mapping, NamedTuple, Sequence

from vipcrm.core.calendar import ONE_DAY
from vipcrm.core.tasks import Holding


class Maturity(NamedTuple):
    client_id: str
    product_code: str
    day: dt.date  # the maturity date
    amount: int  # fen: the balance on the day before


class Flow(NamedTuple):
    day: dt.date
    amount: int  # fen, positive


def maturities(client_id: str, holdings: Iterable[Holding],
               product_maturity: Mapping[str, dt.date | None], classes: Sequence[str],
               start: dt.date, end: dt.date) -> list[Maturity]:
    """The client's maturities dated start..end, in date then product order."""
    found = []
    for holding in holdings:
        seen = set()
        for point in holding.points:
            m = point.maturity or product_maturity.get(holding.product_code)
            if m is None or m in seen or not start <= m <= end:
                continue
            seen.add(m)
            before = holding.point_on(m - ONE_DAY)
            if before is not None and before.balance > 0 and before.asset_class in classes:
                found.append(Maturity(client_id, holding.product_code, m, before.balance))
    return sorted(found, key=lambda x: (x.day, x.product_code))


CASH_CLASSES = ("custody",)  # and deposits without a maturity date (demand deposits)


def nav_on(series: Sequence[tuple[dt.date, int]], day: dt.date) -> int | None:
    """The latest NAV on or before `day` of a (date, nav) series, oldest first."""
    i = bisect.bisect_right(series, (day, float("inf")))
    return series[i - 1][1] if i else None


def flows(holdings: Iterable[Holding], classes: Sequence[str], start: dt.date, end: dt.date,
          navs: Mapping[str, Sequence[tuple[dt.date, int]]] | None = None) -> list[Flow]:
    """New money into the client's counted positions on days start..end, oldest first.
    `navs`: product -> (date, nav) oldest first, for products valued at a NAV."""
    out = []
    for holding in holdings:
        series = (navs or {}).get(holding.product_code, ())
        previous = None
        for point in holding.points:
            cash = point.asset_class in CASH_CLASSES or (
                point.asset_class == "deposit" and point.maturity is None)
            if (start <= point.as_of <= end and point.asset_class in classes
                    and point.balance > 0 and not cash):
                amount = point.balance - _carried(previous, point.as_of, series)
                renewed = (previous is not None and previous.maturity is not None
                           and point.maturity is not None and point.maturity > previous.maturity
                           and previous.maturity <= point.as_of)
                if renewed:
                    amount = point.balance
                if amount > 0:
                    out.append(Flow(point.as_of, amount))
            previous = point
    return sorted(out)


def _carried(previous, day: dt.date, series: Sequence[tuple[dt.date, int]]) -> int:
    """What the previous balance is worth on `day` without new money: moved by the NAV."""
    if previous is None or previous.balance <= 0:
        return 0
    then, now = nav_on(series, previous.as_of), nav_on(series, day)
    if not then or not now:
        return previous.balance
    return previous.balance * now // then


def retention(due: Sequence[Maturity], money: Sequence[Flow], days: int,
              until: dt.date) -> list[int]:
    """The money reinvested after each of one client's maturities (in `due`'s order, which is
    by date): each flow goes to the earliest maturity whose window holds it and that is short
    of its amount, and what is left of it to the next."""
    kept = [0] * len(due)
    window = dt.timedelta(days=days)
    for flow in money:
        left = flow.amount
        for i, m in enumerate(due):
            if left == 0:
                break
            if m.day <= flow.day <= min(m.day + window, until) and kept[i] < m.amount:
                take = min(left, m.amount - kept[i])
                kept[i] += take
                left -= take
    return kept
