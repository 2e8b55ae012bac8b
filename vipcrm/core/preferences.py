"""Clients' stated product preferences (seed §2.7: products designed around the clients).

A client states three things an RM records (`client update --set` or the clients import):
whether it wants its principal protected or accepts a floating return (`pref_protection`),
how long it will invest (`pref_term_months`) and the yield it looks for (`pref_yield_band`).
`report preferences` counts the clients and their AUM per preference, so product design sees
how much demand, and how much money, stands behind each kind of product.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from vipcrm.core.kpi import pct1

DIMENSIONS = ("protection", "term", "yield_band")
UNSTATED = "unstated"
# Investment horizons as wealth products are sold: up to a year is short, up to three years
# medium, longer is long.
SHORT_MAX_MONTHS, MEDIUM_MAX_MONTHS = 12, 36
VALUES = {
    "protection": ("protected", "floating"),
    "term": ("short", "medium", "long"),
    "yield_band": ("<3%", "3-5%", ">5%"),
}


def term_band(months: int | None) -> str:
    """short (≤ 12 months), medium (13-36), long (> 36), or unstated."""
    if months is None:
        return UNSTATED
    if months <= SHORT_MAX_MONTHS:
        return "short"
    return "medium" if months <= MEDIUM_MAX_MONTHS else "long"


def stated(protection: str | None, months: int | None, band: str | None) -> dict[str, str]:
    """One client's preference per dimension."""
    return {"protection": protection or UNSTATED, "term": term_band(months),
            "yield_band": band or UNSTATED}


def tabulate(groups: Iterable[tuple[tuple, Mapping[str, str], int, int]],
             by: Sequence[str], dims: Sequence[str], order) -> list[dict]:
    """Rows per group (the values of `by`), dimension and preference: clients and AUM, with
    their shares of the group's clients and AUM (each dimension shares out the whole group).

    `groups` holds (group, preferences, clients, aum fen) tallies; every preference of a
    dimension gets a row, none stated included, so each group shows the whole range. `order`
    sorts the groups.
    """
    tally: dict[tuple, dict] = {}
    for group, prefs, clients, aum in groups:
        entry = tally.setdefault(group, {"clients": 0, "aum": 0, "cells": {}})
        entry["clients"] += clients
        entry["aum"] += aum
        for dim in dims:
            cell = entry["cells"].setdefault((dim, prefs[dim]), [0, 0])
            cell[0] += clients
            cell[1] += aum
    rows = []
    for group in sorted(tally, key=order):
        entry = tally[group]
        for dim in dims:
            for value in (*VALUES[dim], UNSTATED):
                clients, aum = entry["cells"].get((dim, value), (0, 0))
                rows.append({**dict(zip(by, group)), "dimension": dim, "preference": value,
                             "clients": clients, "clients_pct": pct1(clients, entry["clients"]),
                             "aum": aum, "aum_pct": pct1(aum, entry["aum"])})
    return rows
