"""Report arithmetic (DOMAIN §8, seed §1.1 multi-dimensional tiering) over plain rows.

The store hands over rows already narrowed to the report's scope; these functions classify,
count and compare them. A period is [start, end], both days included; "at the start" means at
the end of the day before `start`, so that everything that happened in the period shows as a
change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple, Sequence

from vipcrm.core.config import ASSET_CLASSES, PROFILE_FIELDS, TIERS
from vipcrm.core.followup import STAGES
from vipcrm.core.kpi import pct1, round1
from vipcrm.core.profile import Completeness
from vipcrm.core.suitability import age_on
from vipcrm.core.tasks import AFTER_SALE, CADENCE_WINDOW, Client, DayContext, client_tasks, task_state
from vipcrm.core.tiering import rank

NONE = "none"  # no tier: below gold (大众)
TIER_ORDER = (*TIERS, NONE)
ONE_DAY = dt.timedelta(days=1)


@dataclass
class Dashboard:
    """What the dashboard draws: the records of the reports of the same names."""
    start: dt.date
    end: dt.date
    scope: str  # "" for the whole bank
    data_as_of: Mapping[str, dt.date | None]
    tiers: list[dict]
    migration: list[dict]
    coverage: list[dict]
    timeshare: list[dict]
    rm_branches: Mapping[str, str]  # rm_id -> the RM's branch, to group the time-share bars
    target_pct: int
    pipeline: list[dict]
    completeness: list[dict]
    profile_target_pct: int


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The current month up to today (DOMAIN §8)."""
    return today.replace(day=1), today


def eve(day: dt.date) -> dt.date:
    return day - ONE_DAY


def tier_position(tier: str | None) -> int:
    return TIER_ORDER.index(tier or NONE)


# -----------------------------------------------------------------------------------------
# Tier distribution and migration

class TierCount(NamedTuple):
    branch: str | None  # None when not split by branch
    tier: str  # a tier code or "none"
    clients: int
    watch: int
    aum: int  # fen


def tier_distribution(end: Iterable[TierCount], start: Iterable[TierCount]) -> list[dict]:
    """Per (branch, tier): clients, watch and AUM at the end, their shares of the branch (or of
    the whole scope), and the change since the start. Every tier gets a row."""
    now = {(c.branch, c.tier): c for c in end}
    before = {(c.branch, c.tier): c for c in start}
    branches = sorted({b for b, _ in (*now, *before)}, key=lambda b: b or "")
    records = []
    for branch in branches or [None]:
        clients = sum(c.clients for (b, _), c in now.items() if b == branch)
        aum = sum(c.aum for (b, _), c in now.items() if b == branch)
        for tier in TIER_ORDER:
            n = now.get((branch, tier), TierCount(branch, tier, 0, 0, 0))
            s = before.get((branch, tier), TierCount(branch, tier, 0, 0, 0))
            records.append({
                "branch": branch, "tier": tier, "clients": n.clients, "watch": n.watch,
                "aum": n.aum, "clients_pct": pct1(n.clients, clients), "aum_pct": pct1(n.aum, aum),
                "clients_start": s.clients, "aum_start": s.aum,
                "clients_change": n.clients - s.clients, "aum_change": n.aum - s.aum,
            })
    return records


def move_kind(from_tier: str, to_tier: str) -> str:
    """stayed, upgraded, downgraded, entered (from below gold) or exited (to below gold)."""
    if from_tier == to_tier:
        return "stayed"
    if from_tier == NONE:
        return "entered"
    if to_tier == NONE:
        return "exited"
    return "upgraded" if rank(to_tier) > rank(from_tier) else "downgraded"


MOVE_KINDS = ("stayed", "upgraded", "downgraded", "entered", "exited")


def migration(moves: Mapping[tuple[str, str], int]) -> list[dict]:
    """The matrix of clients by tier at the start (rows) and at the end (columns).

    `moves` maps (from tier, to tier) — codes or "none" — to a number of clients; clients below
    gold at both dates are not part of it. Each row also sums its cells by kind of move.
    """
    records = []
    for source in TIER_ORDER:
        row = {"from_tier": source, "clients": 0, **{t: 0 for t in TIER_ORDER},
               **{k: 0 for k in MOVE_KINDS}}
        for target in TIER_ORDER:
            if source == target == NONE:
                continue
            count = moves.get((source, target), 0)
            row[target] = count
            row["clients"] += count
            row[move_kind(source, target)] += count
        records.append(row)
    return records


# -----------------------------------------------------------------------------------------
# Coverage

def covered(last_reached: dt.date | None, day: dt.date, cadence_days: int) -> bool:
    """Reached within the cadence: on or after day − cadence (the cadence call falls due then)."""
    return last_reached is not None and day - dt.timedelta(days=cadence_days) <= last_reached <= day


def in_tier_a_cadence(since: dt.date | None, day: dt.date, cadence_days: int) -> bool:
    """In the tier for at least one cadence: entered it on or before day − cadence."""
    return since is not None and since <= day - dt.timedelta(days=cadence_days)


class CoverageClient(NamedTuple):
    group: tuple  # the row it counts in (tier, RM or branch)
    tier: str
    since: dt.date | None  # the day it entered its tier
    last_reached: dt.date | None  # its latest reached contact on or before the day


@dataclass
class CoverageTally:
    clients: int = 0
    eligible: int = 0
    covered: int = 0
    never_contacted: int = 0
    overdue_tasks: int = 0
    missed_tasks: int = 0

    def record(self) -> dict:
        return {"clients": self.clients, "eligible": self.eligible, "covered": self.covered,
                "coverage_pct": pct1(self.covered, self.eligible),
                "never_contacted": self.never_contacted, "overdue_tasks": self.overdue_tasks,
                "missed_tasks": self.missed_tasks}


def coverage(clients: Iterable[CoverageClient], day: dt.date,
             cadence: Mapping[str, int]) -> dict[tuple, CoverageTally]:
    """Per group: clients, those in their tier for a cadence (eligible), those of them reached
    within the cadence (covered), and clients never reached at all."""
    tallies: dict[tuple, CoverageTally] = {}
    for c in clients:
        tally = tallies.setdefault(c.group, CoverageTally())
        tally.clients += 1
        if c.last_reached is None:
            tally.never_contacted += 1
        if in_tier_a_cadence(c.since, day, cadence[c.tier]):
            tally.eligible += 1
            tally.covered += covered(c.last_reached, day, cadence[c.tier])
    return tallies


# -----------------------------------------------------------------------------------------
# Task ledger: every task of the period, by the planning rules, and what became of it

LEDGER_STRIDE = 14  # days between evaluations; every task with an expiry stays visible longer


class TaskRecord(NamedTuple):
    client_id: str
    reason: str
    reference: str
    due: dt.date
    expires: dt.date | None
    on_time: bool  # done within its window by its due date
    state: str  # at the end of the period: open, done, withdrawn or missed

    @property
    def after_sale(self) -> bool:
        return self.reason == "followup_due" and self.reference.endswith(
            tuple(f" +{days}" for days in AFTER_SALE))


def grid_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days, day = [], start
    while day < end:
        days.append(day)
        day += dt.timedelta(days=LEDGER_STRIDE)
    return [*days, end]


def evaluation_days(client: Client, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days a client's tasks are asked for: the period's grid, and each day it was contacted
    from a cadence window before the start (a cadence task a contact completes is replaced by
    the next one that same day, so it is only seen on the eve of the contact)."""
    first = start - dt.timedelta(days=CADENCE_WINDOW)
    contacted = {c.day for c in client.contacts if c.counts and first <= c.day <= end}
    return sorted(contacted.union(grid_days(start, end)))


def client_ledger(client: Client, contexts: Mapping[dt.date, DayContext], start: dt.date,
                  end: dt.date) -> list[TaskRecord]:
    """Every task of the client seen between start and end, judged against its contacts up to
    end. Each day is asked with the contacts before it, so a task done that day is still seen."""
    found = {}
    for day in evaluation_days(client, start, end):
        before = tuple(c for c in client.contacts if c.day < day)
        for task in client_tasks(dataclasses.replace(client, contacts=before), contexts[day]):
            found[(task.reason, task.reference)] = task
    contacts = [c for c in client.contacts if c.day <= end]
    return [TaskRecord(client.client_id, t.reason, t.reference, t.due, t.expires,
                       task_state(t, contacts, t.due) == "done", task_state(t, contacts, end))
            for t in found.values()]


@dataclass
class TaskTally:
    """Tasks due in the period: done by the end, done on time; tasks missed in the period (their
    last open day fell in it); tasks open and overdue at the end."""
    due: int = 0
    done: int = 0
    on_time: int = 0
    missed: int = 0
    overdue: int = 0
    after_sale_due: int = 0
    after_sale_on_time: int = 0

    def add(self, task: TaskRecord, start: dt.date, end: dt.date) -> None:
        if task.state == "withdrawn":
            return  # its date was corrected: it was never owed
        if start <= task.due <= end:
            self.due += 1
            self.done += task.state == "done"
            self.on_time += task.on_time
            if task.after_sale:
                self.after_sale_due += 1
                self.after_sale_on_time += task.on_time
        if task.state == "missed" and eve(start) <= task.expires <= eve(end):
            self.missed += 1
        if task.state == "open" and task.due < end:
            self.overdue += 1


def tally_tasks(records: Iterable[TaskRecord], start: dt.date, end: dt.date) -> TaskTally:
    tally = TaskTally()
    for record in records:
        tally.add(record, start, end)
    return tally


# -----------------------------------------------------------------------------------------
# Profile completeness

BANDS = (0, 20, 40, 60, 80)  # lower bounds; the last band includes 100
BAND_KEYS = tuple(f"band_{lo}_{lo + 20}" for lo in BANDS)
MOST_MISSING = 3


def band_of(pct: float) -> int:
    return min(int(pct // 20), len(BANDS) - 1)


@dataclass
class CompletenessTally:
    clients: int = 0
    total: Fraction = Fraction(0)
    at_target: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * len(BANDS))
    missing: Counter = field(default_factory=Counter)

    def add(self, result: Completeness, target_pct: int) -> None:
        self.clients += 1
        self.total += Fraction(str(result.pct))
        self.at_target += result.pct >= target_pct
        self.bands[band_of(result.pct)] += 1
        self.missing.update(result.missing)

    @property
    def average(self) -> Fraction | None:
        return self.total / self.clients if self.clients else None

    def most_missing(self) -> list[str]:
        ranked = sorted(self.missing.items(), key=lambda kv: (-kv[1], PROFILE_FIELDS.index(kv[0])))
        return [name for name, _ in ranked[:MOST_MISSING]]

    def record(self) -> dict:
        average = self.average
        return {"clients": self.clients, "avg_pct": None if average is None else round1(average),
                "at_target": self.at_target, "at_target_pct": pct1(self.at_target, self.clients),
                **dict(zip(BAND_KEYS, self.bands)), "most_missing": self.most_missing()}


# -----------------------------------------------------------------------------------------
# The five-step funnel

class StageContact(NamedTuple):
    client_id: str
    day: dt.date
    stage: str
    outcome: str
    amount: int | None  # fen
    referral: bool
    override: bool


def funnel(contacts: Sequence[StageContact], after_sale: TaskTally) -> list[dict]:
    """One row per stage: contacts, clients reached in it, the share of those reached later in
    the next stage (on or after their first contact in this one), amounts, referrals, overrides;
    the after-sale row also carries the after-sale calls due and made on time."""
    first_reached: dict[str, dict[str, dt.date]] = {s: {} for s in STAGES}
    last_reached: dict[str, dict[str, dt.date]] = {s: {} for s in STAGES}
    counts = {s: Counter() for s in STAGES}
    for c in contacts:
        if c.stage not in counts:
            continue
        counts[c.stage]["contacts"] += 1
        counts[c.stage]["amount"] += c.amount or 0
        counts[c.stage]["referrals"] += c.referral
        counts[c.stage]["overrides"] += c.override
        if c.outcome == "reached":
            first = first_reached[c.stage]
            first[c.client_id] = min(first.get(c.client_id, c.day), c.day)
            last = last_reached[c.stage]
            last[c.client_id] = max(last.get(c.client_id, c.day), c.day)
    records = []
    for i, stage in enumerate(STAGES):
        clients = first_reached[stage]
        converted = None
        if i + 1 < len(STAGES):
            later = last_reached[STAGES[i + 1]]
            converted = sum(1 for cid, day in clients.items() if later.get(cid, dt.date.min) >= day)
        record = {"stage": stage, "contacts": counts[stage]["contacts"], "clients": len(clients),
                  "converted": converted,
                  "conversion_pct": None if converted is None else pct1(converted, len(clients)),
                  "amount": counts[stage]["amount"], "referrals": counts[stage]["referrals"],
                  "overrides": counts[stage]["overrides"],
                  "after_sale_due": None, "after_sale_on_time": None,
                  "after_sale_on_time_pct": None}
        if stage == "after_sale":
            record.update(after_sale_due=after_sale.after_sale_due,
                          after_sale_on_time=after_sale.after_sale_on_time,
                          after_sale_on_time_pct=pct1(after_sale.after_sale_on_time,
                                                      after_sale.after_sale_due))
        records.append(record)
    return records


# -----------------------------------------------------------------------------------------
# Segments: the seed's multi-dimensional tiering analysis

DIMENSIONS = ("tier", "risk_level", "age_band", "life_stage", "branch", "product_mix",
              "engagement")
UNKNOWN = "unknown"
LIFE_STAGES = ("single", "forming", "growing", "mature", "retired", UNKNOWN)
ENGAGEMENTS = ("within_cadence", "lapsed", "never", "no_cadence")
YOUNG, GROWING_UNTIL = 35, 50  # life stage bounds (years)
MARRIED_WORDS = ("married", "已婚")


class SegmentClient(NamedTuple):
    tier: str  # a tier code or "none"
    risk_level: str | None
    birth_date: dt.date | None
    married: bool
    branch: str
    balances: Mapping[str, int]  # asset class -> fen, counted classes only
    last_reached: dt.date | None


def is_married(marital_status: str | None, wedding_date: object) -> bool:
    text = (marital_status or "").strip().lower()
    return wedding_date is not None or text in MARRIED_WORDS


def age_bands(elderly_age: int) -> tuple[str, ...]:
    return ("under_30", "30_39", "40_49", "50_59", f"60_{elderly_age - 1}",
            f"{elderly_age}_plus", UNKNOWN)


def age_band(birth_date: dt.date | None, day: dt.date, elderly_age: int) -> str:
    """Decades from 30; the elderly age of the suitability rules (§5) opens the last band."""
    age = age_on(birth_date, day)
    if age is None:
        return UNKNOWN
    if age >= elderly_age:
        return f"{elderly_age}_plus"
    if age >= 60:
        return f"60_{elderly_age - 1}"
    if age < 30:
        return "under_30"
    decade = age // 10 * 10
    return f"{decade}_{decade + 9}"


def life_stage(birth_date: dt.date | None, married: bool, day: dt.date, elderly_age: int) -> str:
    """The family life cycle: single or forming a family (under 35, by marriage), growing
    (35-49), mature (50 to the elderly age), retired (from the elderly age)."""
    age = age_on(birth_date, day)
    if age is None:
        return UNKNOWN
    if age >= elderly_age:
        return "retired"
    if age >= GROWING_UNTIL:
        return "mature"
    if age >= YOUNG:
        return "growing"
    return "forming" if married else "single"


def product_mix(balances: Mapping[str, int]) -> str:
    """The asset class holding the largest share of the client's AUM; "none" without AUM."""
    held = [(fen, -ASSET_CLASSES.index(cls), cls) for cls, fen in balances.items() if fen > 0]
    return max(held)[2] if held else NONE


def engagement(tier: str, last_reached: dt.date | None, day: dt.date,
               cadence: Mapping[str, int]) -> str:
    if tier not in cadence:
        return "no_cadence"
    if last_reached is None:
        return "never"
    return "within_cadence" if covered(last_reached, day, cadence[tier]) else "lapsed"


def segment_values(client: SegmentClient, day: dt.date, cadence: Mapping[str, int],
                   elderly_age: int) -> dict[str, str]:
    return {
        "tier": client.tier,
        "risk_level": (client.risk_level or "").strip().upper() or UNKNOWN,
        "age_band": age_band(client.birth_date, day, elderly_age),
        "life_stage": life_stage(client.birth_date, client.married, day, elderly_age),
        "branch": client.branch,
        "product_mix": product_mix(client.balances),
        "engagement": engagement(client.tier, client.last_reached, day, cadence),
    }


def dimension_order(dimension: str, elderly_age: int) -> Sequence[str] | None:
    """The natural order of a dimension's values; None: alphabetical."""
    return {
        "tier": TIER_ORDER, "age_band": age_bands(elderly_age), "life_stage": LIFE_STAGES,
        "engagement": ENGAGEMENTS, "product_mix": (*ASSET_CLASSES, NONE),
    }.get(dimension)


def crosstab(clients: Iterable[tuple[Mapping[str, str], int]], dims: Sequence[str],
             elderly_age: int) -> list[dict]:
    """Clients and AUM per combination of the dimensions' values present, with shares of the
    whole and the average AUM; `clients` yields (values by dimension, AUM in fen)."""
    cells: dict[tuple, list[int]] = {}
    for values, aum in clients:
        cell = cells.setdefault(tuple(values[d] for d in dims), [0, 0])
        cell[0] += 1
        cell[1] += aum
    total_clients = sum(c[0] for c in cells.values())
    total_aum = sum(c[1] for c in cells.values())

    def order(key: tuple) -> tuple:
        out = []
        for dim, value in zip(dims, key):
            known = dimension_order(dim, elderly_age)
            if known is not None and value in known:
                out.append((0, known.index(value), ""))
            else:
                out.append((1 if value != UNKNOWN else 2, 0, value))
        return tuple(out)

    return [{**dict(zip(dims, key)), "clients": n, "clients_pct": pct1(n, total_clients),
             "aum": aum, "aum_pct": pct1(aum, total_aum), "avg_aum": aum // n if n else None}
            for key, (n, aum) in sorted(cells.items(), key=lambda kv: order(kv[0]))]
