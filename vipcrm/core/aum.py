"""What one position contributes to a client's AUM on a day (DOMAIN §1).

A position's balance on day d is that of its latest snapshot dated on or before d (carry
forward). It contributes that balance when its asset class counts and the balance is positive,
and nothing once it has matured: its effective maturity m (the snapshot's own maturity date,
else the product's) is on or before d, and the snapshot is dated on or before m. The money of a
maturing product is paid out on the maturity day, so the position counts 0 from that day on
(counting it too would count the payout twice once the deposit shows it). A snapshot dated
after m says the bank still holds it (a renewal or rollover): it counts again from that row.

The SQL of `vipcrm.store.aum` and `vipcrm.store.tiering` states the same rule set-based.
"""

from __future__ import annotations

import datetime as dt
from typing import Collection


def matured(as_of: dt.date, maturity: dt.date | None, day: dt.date) -> bool:
    """Whether a snapshot dated `as_of` with effective maturity `maturity` has matured by `day`."""
    return maturity is not None and as_of <= maturity <= day


def position_value(balance: int, asset_class: str, as_of: dt.date, maturity: dt.date | None,
                   day: dt.date, classes: Collection[str]) -> int:
    """Fen the snapshot in force on `day` adds to AUM on `day`."""
    if balance <= 0 or asset_class not in classes or matured(as_of, maturity, day):
        return 0
    return balance
