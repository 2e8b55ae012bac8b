"""The demo bank as rows of the import kinds, generated from a seed and dated around `today`.

Rows are dicts keyed by the canonical column names of `formats.kinds`, with Python values
(`datetime.date`, integer fen, bool, text); `vipcrm.demo` writes them as the bank's CSV extracts.
One `random.Random(seed)` drives everything in a fixed order, and every date is an offset from
`today`, so the same seed and day give the same bank.

The bank is shaped so that each rule has something to show: clients in every tier and below,
a large outflow, a client sliding under its floor (watch) and one rising into a higher tier,
maturities and new launches in the coming days, a fund whose NAV just fell, clients who
transact away from their home branch, birthdays this week, expiring risk assessments and IDs,
a trainee who has not passed the exam, an RM who left, RMs above and below the VIP-time
target, a few clients moving their money to other banks (the attrition warning), and a
contact history of sales journeys (a planning call, a needs assessment days later, at times a
suitable sale with its after-sale calls and a celebration) beside the routine calls;
companies with their key people (decision makers of this year's big clients with birthdays in
the coming days) and share-of-wallet plans; households of couples and of parents with children
sharing a branch, many with members on both sides of a tier floor, and stated product
preferences for most retail clients. The households, preferences and journeys draw from random
streams of their own, so they leave every other figure of the bank as it was.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import CORPORATE_FACTORS, GRADES, TIERS, Config
from vipcrm.core.corporate import Metrics, rate
from vipcrm.core.followup import after_sale_dates
from vipcrm.core.suitability import RISK_CLASSES, needs_elderly_confirmation, suitable
from vipcrm.core.text import Listing, Text
from vipcrm.demo import people
from vipcrm.demo.catalogue import (DAY, HOLDABLE, MASS_HOLDABLE, MINUTES, NAV_DROP_PRODUCT,
                                   NAV_PARAMS, PRODUCTS, SALE_THANKS, STAGE_NOTES, TERM_DAYS,
                                   last_working_day, working_days)

HISTORY_DAYS = 90  # position snapshots and NAVs
CONTACT_DAYS = 120  # contact history
TRANSACTION_DAYS = 360  # inside the 365-day ownership window, whatever its edge convention
TIMESHEET_DAYS = 30  # working days

BRANCHES = {"BJ01": "beijing", "BJ02": "beijing", "SH01": "shanghai", "GZ01": "guangzhou"}
BRANCH_WEIGHTS = (0.32, 0.18, 0.30, 0.20)
# Share of retail clients per tier (highest first); the rest is below gold: a wealth pyramid.
TIER_SHARES = (0.02, 0.03, 0.05, 0.12, 0.15, 0.23)
# An RM team is sized to fill books to this share of their capacity.
BOOK_FILL = 0.85
# Extra holdings per client by tier (highest first): richer clients spread wider.
HOLDING_COUNTS = ((4, 7), (3, 6), (2, 5), (2, 4), (1, 3), (1, 2))
# Share of profile fields filled by tier (highest first, then below gold).
PROFILE_FILL = (0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.25)
# Share of tiered clients nobody has called in the 120 days of history.
NEVER_CONTACTED = 0.12
# Households per retail client, and how far down a shuffled branch list a partner is sought.
HOUSEHOLD_SHARE = 0.05
PARTNER_SEARCH = 60
# Share of retail clients who told their RM what they want from a product.
PREFERENCES_STATED = (0.85, 0.6)  # tiered, below gold
# Sales journeys (seed §1.3): days from a planning call to the needs assessment it books, from
# the assessment to the sale, and from the first after-sale call to the celebration.
PLAN_TO_ASSESS = (1, 5)
ASSESS_TO_SALE = (2, 10)
CARE_TO_THANKS = (1, 6)
# Share of the journeys at a step that go on to the next.
GOES_ON = {"plan": 0.35, "assess": 0.2}
# Share of tiered, consenting clients whose RM called them about an opportunity, besides the
# routine calls of the contact history.
OPENERS = 0.55
# Planning calls that first went unanswered; after-sale calls made on their due day and late
# (the rest are missed); sales celebrated.
FIRST_TRY_UNANSWERED = 0.15
CARE_ON_TIME, CARE_LATE = 0.9, 0.06
THANKED = 0.5


@dataclass
class Client:
    client_id: str
    name: str
    gender: str | None
    home: str
    main: str  # the branch where it transacts most
    tier: str | None  # by its AUM on the last snapshot day; None below gold
    aum: int  # fen, on the last snapshot day
    segment: str = "retail"
    birth: dt.date | None = None
    married: bool = False
    wedding: dt.date | None = None
    risk: int | None = None  # 1..5 of C1..C5
    risk_on: dt.date | None = None
    consent: str = "all"
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    steady: bool = False  # a scenario client: only the planned move changes its AUM
    drifting: bool = False
    profile: dict = field(default_factory=dict)

    def risk_valid_on(self, day: dt.date) -> bool:
        return self.risk is not None and self.risk_on is not None and (
            day < self.risk_on + dt.timedelta(days=365))


@dataclass
class RM:
    rm_id: str
    name: str
    branch: str
    grade: str
    exam_passed: bool = True
    active: bool = True
    supervisor_id: str | None = None
    hired_on: dt.date | None = None
    daily_capacity: int | None = None
    left_on: dt.date | None = None
    vip_share: float = 0.75

    @property
    def effective_grade(self) -> str:
        return self.grade if self.exam_passed else "trainee"


class RowView(Sequence):
    """Rows made as they are read from compact tuples: a big bank's transactions held as dicts
    would take three times the memory."""

    def __init__(self, items: list, make: Callable[[int, Any], dict]):
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._make(i, self._items[i]) for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        return self._make(index, self._items[index])

    def __iter__(self) -> Iterator[dict]:
        return (self._make(i, item) for i, item in enumerate(self._items))


@dataclass
class Bank:
    # Lists of rows (or RowViews); no `positions` when they were handed out as they were made.
    rows: dict[str, Sequence[dict]]
    first_day: dt.date
    last_day: dt.date
    highlights: dict[Text, str]  # what to look at first: {what: client, RM or product}

    def describe(self) -> list[Text]:
        clients = self.rows["clients"]
        corporate = sum(1 for c in clients if c["segment"] == "corporate")
        branches = sorted({rm["branch"] for rm in self.rows["rms"]})
        return [Text("Demo bank: {rms} RMs at {branches}; {retail} retail and {corporate} "
                     "corporate clients; {products} products; holdings from {start} to {end}",
                     rms=len(self.rows["rms"]), branches=", ".join(branches),
                     retail=len(clients) - corporate, corporate=corporate,
                     products=len(self.rows["products"]), start=self.first_day,
                     end=self.last_day),
                Text("To look at: {highlights}", highlights=Listing(
                    Text("{what} {key}", what=what, key=key)
                    for what, key in self.highlights.items()))]


def build_bank(today: dt.date, clients: int, seed: int, config: Config,
               positions: Callable[[dict], None] | None = None) -> Bank:
    """The bank; `positions`, when given, receives each holdings row as it is made (client by
    client) instead of `rows["positions"]` holding them: they are most of a bank's rows, so the
    memory of a big demo bank then grows with its clients but not with their holdings."""
    return _Builder(today, clients, seed, config, positions).build()


class _Builder:
    def __init__(self, today: dt.date, clients: int, seed: int, config: Config,
                 positions: Callable[[dict], None] | None = None):
        self.positions_out = positions
        self.rng = random.Random(seed)
        self.today = today
        self.n_clients = clients
        self.config = config
        self.last = last_working_day(today)
        self.year_days = working_days(today - 540 * DAY, self.last)
        self.days = self._since(today - HISTORY_DAYS * DAY)  # snapshot days
        self.phones = people.Phones(self.rng)
        self.products = {p[0]: p for p in PRODUCTS}
        self.clients: list[Client] = []
        self.rms: list[RM] = []
        self.legacy_rm: dict[str, RM] = {}
        self.rows: dict[str, list[dict]] = {}
        self.nav: dict[str, list[float | None]] = {}
        self.events: list[tuple[Client, dt.date, int]] = []  # scenario moves, as transactions
        # Transfers out to other banks (client, day, amount): the attrition warning's clients.
        self.leavers: list[tuple[Client, dt.date, int]] = []
        self.launch_buys: dict[str, list[tuple[str, dt.date]]] = {}
        self.sales: list[tuple[Client, str, dt.date, int]] = []  # this week's launches
        self.highlights: dict[Text, str] = {Text("NAV drop"): NAV_DROP_PRODUCT}
        # Households, preferences and sales journeys came later: their own streams keep the
        # rest of the bank.
        self.family_rng = random.Random(f"households-{seed}")
        self.journey_rng = random.Random(f"journeys-{seed}")
        self.calendar = WorkCalendar()  # the planner's, for after-sale due dates

    def build(self) -> Bank:
        self._products()
        self._navs()
        self._retail_clients()
        self._corporate_clients()
        self._positions()
        self._transactions()
        self._rms()
        self._followups()
        self._timesheets()
        self._corporate_metrics()
        self._households()
        self._preferences()
        self.rows["clients"] = [self._client_row(c) for c in self.clients]
        self._business_files()
        return Bank(self.rows, self.days[0], self.last, self.highlights)

    # -- dates --------------------------------------------------------------------------------

    def _since(self, first: dt.date) -> list[dt.date]:
        return self.year_days[bisect.bisect_left(self.year_days, first):]

    def _index(self, day: dt.date) -> int:
        """Index of the first snapshot day on or after `day` (0 before the window)."""
        return bisect.bisect_left(self.days, day)

    def _days_ago(self, low: int, high: int) -> dt.date:
        return self.today - self.rng.randint(low, high) * DAY

    def _day_of_year(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + self.rng.randrange(365) * DAY

    # -- catalogue and prices -----------------------------------------------------------------

    def _products(self) -> None:
        def offset(days: int | None) -> dt.date | None:
            return None if days is None else self.today + days * DAY

        self.rows["products"] = [
            {"product_code": code, "name": name, "asset_class": asset_class, "risk_level": risk,
             "launch_date": offset(launched), "maturity_date": offset(matures), "status": status,
             "min_amount": None if minimum is None else minimum * 100}
            for code, name, asset_class, risk, launched, matures, status, minimum in PRODUCTS
        ]

    def _launch(self, code: str) -> dt.date | None:
        launched = self.products[code][4]
        return None if launched is None else self.today + launched * DAY

    def _maturity(self, code: str) -> dt.date | None:
        matures = self.products[code][5]
        return None if matures is None else self.today + matures * DAY

    def _navs(self) -> None:
        rows = []
        for code, (start_nav, drift, volatility) in NAV_PARAMS.items():
            launch = self._launch(code)
            start = self._index(launch) if launch and launch > self.days[0] else 0
            series: list[float | None] = [None] * len(self.days)
            nav = start_nav
            for i in range(start, len(self.days)):
                if i > start:
                    nav = round(nav * (1 + drift + self.rng.gauss(0, volatility)), 4)
                series[i] = nav
            if code == NAV_DROP_PRODUCT:
                self._drop(series)
            self.nav[code] = series
            rows += [{"product_code": code, "date": self.days[i], "nav": f"{series[i]:.4f}"}
                     for i in range(start, len(self.days))]
        self.rows["navs"] = rows

    def _drop(self, series: list) -> None:
        """The last three NAVs slide to 7% under the high of the month before."""
        last = len(series) - 1
        month_ago = self._index(self.days[last] - 30 * DAY)
        high = max(series[month_ago:last - 2])
        for back, factor in ((2, 0.975), (1, 0.955), (0, 0.93)):
            series[last - back] = round(high * factor, 4)

    # -- clients ------------------------------------------------------------------------------

    def _aum_in(self, tier: str | None) -> int:
        """A whole-yuan AUM in fen, log-uniform inside the tier's band, clear of its edges."""
        floors = [self.config.floor_fen(t) for t in TIERS]
        if tier is None:
            low, high = floors[-1] * 0.01, floors[-1] * 0.94
        else:
            rank = TIERS.index(tier)
            low = floors[rank] * 1.06
            high = floors[rank] * 5 if rank == 0 else floors[rank - 1] * 0.94
        low = max(low, 100_000)
        high = max(high, low)
        return round(math.exp(self.rng.uniform(math.log(low), math.log(high))) / 100) * 100

    def _retail_clients(self) -> None:
        rng, n = self.rng, self.n_clients
        counts = [max(1, round(share * n)) for share in TIER_SHARES]
        tiers: list[str | None] = [t for t, k in zip(TIERS, counts) for _ in range(k)]
        tiers += [None] * max(0, n - len(tiers))
        rng.shuffle(tiers)
        movers = set(rng.sample(range(n), round(0.12 * n)))
        drifting = set(rng.sample(range(n), round(0.15 * n)))
        branches = list(BRANCHES)
        for i, tier in enumerate(tiers[:n]):
            home = rng.choices(branches, BRANCH_WEIGHTS)[0]
            main = rng.choice([b for b in branches if b != home]) if i in movers else home
            client = Client(f"C{i + 1:06d}", "", rng.choice("MF"), home, main, tier,
                            self._aum_in(tier), drifting=i in drifting)
            self._person(client)
            self.clients.append(client)
        untiered = [c for c in self.clients if c.tier in (None, TIERS[-1])]
        for client in rng.sample(untiered, max(2, round(0.01 * n))):
            client.closed_on = self._days_ago(10, 80)
        self._key_dates()
        self._scenarios()
        self._leaving()

    def _person(self, c: Client) -> None:
        rng, today = self.rng, self.today
        rank = TIERS.index(c.tier) if c.tier else len(TIERS)
        c.name = people.person_name(rng, c.gender)
        age = rng.randint(30, 82) if c.tier else rng.randint(22, 80)
        c.birth = self._day_of_year(today.year - age)
        if rng.random() >= 0.05:
            c.risk = rng.choices((1, 2, 3, 4, 5), (5, 20, 35, 28, 12))[0]
            draw = rng.random()
            c.risk_on = (self._days_ago(366, 800) if draw < 0.08
                         else self._days_ago(336, 364) if draw < 0.17
                         else self._days_ago(1, 335))
        draw = rng.random()
        c.consent = "none" if draw < 0.03 else "service_only" if draw < 0.15 else "all"
        c.opened_on = self._days_ago(120, max(121, min(age - 18, 28) * 365))
        c.married = age >= 27 and rng.random() < 0.75
        fill = PROFILE_FILL[rank]
        city = BRANCHES[c.home]
        p = c.profile
        p["phone"] = self.phones.new() if rng.random() < 0.95 else None
        p["email"] = f"{rng.randrange(10 ** 5, 10 ** 10)}@qq.com" if rng.random() < 0.3 else None
        draw = rng.random()
        p["id_expiry"] = (today + rng.randint(1, 89) * DAY if draw < 0.04
                          else self._days_ago(1, 60) if draw < 0.05
                          else None if age >= 60 and draw < 0.5
                          else today + rng.randint(120, 3650) * DAY)
        p["id_city"] = city
        if rng.random() < fill:
            p["occupation"] = "退休" if age >= 63 else rng.choice(people.OCCUPATIONS)
        if rng.random() < fill:
            p["marital_status"] = "已婚" if c.married else rng.choice(("未婚", "离异", "丧偶"))
            if c.married and rng.random() < 0.7:
                wedding = self._day_of_year(c.birth.year + rng.randint(23, 33))
                c.wedding = wedding if wedding < today else None
        p["family"] = rng.choice(people.FAMILIES) if rng.random() < fill * 0.8 else None
        p["hobbies"] = people.hobbies(rng) if rng.random() < fill else None
        p["product_preferences"] = (",".join(sorted(rng.sample(
            ("deposit", "wealth", "fund", "insurance", "bond", "metal"), rng.randint(1, 3))))
            if rng.random() < fill else None)
        p["wealth_source"] = rng.choice(people.WEALTH_SOURCES) if rng.random() < fill else None
        p["preferred_channel"] = rng.choice(people.CHANNELS) if rng.random() < fill else None
        p["address"] = people.address(rng, city) if rng.random() < fill else None

    def _key_dates(self) -> None:
        """Birthdays and anniversaries in the coming week, and one born on 29 February."""
        rng = self.rng
        reachable = [c for c in self.clients if c.tier and c.consent == "all" and not c.closed_on]
        chosen = rng.sample(reachable, min(9, len(reachable)))
        for k, client in enumerate(chosen[:8]):
            client.birth = _same_day_in(client.birth.year, self.today + k * DAY)
        if len(chosen) == 9:
            chosen[8].birth = _same_day_in(chosen[8].birth.year, dt.date(2000, 2, 29))
        married = [c for c in reachable if c.wedding]
        for k, client in zip((1, 3, 5, 6), rng.sample(married, min(4, len(married)))):
            year = min(client.wedding.year, self.today.year - 1)  # never a wedding to come
            client.wedding = _same_day_in(year, self.today + k * DAY)

    def _scenarios(self) -> None:
        """The planned moves of DOMAIN §1 and §4: an outflow, a slide into watch, a riser."""
        floor = self.config.floor_fen
        candidates = [c for c in self.clients
                      if c.consent == "all" and not c.closed_on and c.main == c.home]

        def pick(tier: str) -> Client | None:
            return next((c for c in candidates if c.tier == tier and not c.steady), None)

        outflow = pick("premier_platinum")
        if outflow:
            outflow.aum = round(floor("premier_platinum") * 1.3)
            self._plan_event(Text("outflow"), outflow, 12, round(outflow.aum * 0.75))
        watch = pick("premier_gold")
        if watch and floor("platinum") * 0.9 >= floor("premier_gold"):
            watch.aum = round(floor("platinum") * 0.9)
            self._plan_event(Text("below its floor"), watch, 25, round(floor("platinum") * 0.15))
        riser = pick("platinum")
        if riser:
            riser.aum = round(floor("platinum") * 1.5)
            self._plan_event(Text("rising"), riser, 20, -round(floor("platinum") * 0.75))

    def _leaving(self) -> None:
        """A few clients sending money to other banks: 30% of today's AUM 50 days ago and again
        15 days ago, so AUM fell more than 20% over 30 and over 90 days and the transfers reach
        30% of the AUM 90 days before. Chosen and made without the random generator, so the rest
        of the bank stays as it was: open clients who agreed to contacts, in no other scenario,
        whose AUM before stayed below the next tier's floor."""
        floors = {t: self.config.floor_fen(t) for t in TIERS}
        for tier in ("diamond", "premier_platinum", "platinum", "premier_gold"):
            ceiling = floors[TIERS[TIERS.index(tier) - 1]]
            client = next((c for c in self.clients if c.tier == tier and c.consent == "all"
                           and not c.closed_on and not c.steady and not c.drifting
                           and c.main == c.home and c.aum * 16 < ceiling * 10 * 0.94), None)
            if client is None:
                continue
            self.highlights.setdefault(Text("leaving"), client.client_id)
            for days_ago in (50, 15):
                day = self.days[self._index(self.today - days_ago * DAY)]
                self.leavers.append((client, day, round(client.aum * 0.3 / 100) * 100))

    def _plan_event(self, name: Text, client: Client, days_ago: int,
                    before_minus_after: int) -> None:
        """Before the event the client held `before_minus_after` more (less, if negative)."""
        client.steady = True
        self.highlights[name] = client.client_id
        day = self.days[self._index(self.today - days_ago * DAY)]
        self.events.append((client, day, before_minus_after))

    def _corporate_clients(self) -> None:
        rng = self.rng
        for i in range(max(24, self.n_clients // 25)):
            home = rng.choices(list(BRANCHES), BRANCH_WEIGHTS)[0]
            client = Client(f"E{i + 1:05d}", people.company_name(rng, BRANCHES[home]), None,
                            home, home, None,
                            round(math.exp(rng.uniform(math.log(2e8), math.log(3e10)))),
                            segment="corporate")
            client.opened_on = self._days_ago(400, 7000)
            client.profile = {"phone": self.phones.new(),
                              "address": people.address(rng, BRANCHES[home])}
            self.clients.append(client)

    def _client_row(self, c: Client) -> dict:
        p = c.profile
        row = {"client_id": c.client_id, "name": c.name, "segment": c.segment,
               "gender": c.gender, "birth_date": c.birth, "wedding_date": c.wedding,
               "phone": p.get("phone"), "email": p.get("email"),
               "id_number": None, "id_expiry": p.get("id_expiry"), "home_branch": c.home,
               "risk_level": f"C{c.risk}" if c.risk else None, "risk_assessed_on": c.risk_on,
               "contact_consent": c.consent, "opened_on": c.opened_on, "closed_on": c.closed_on}
        for name in ("occupation", "marital_status", "family", "hobbies", "product_preferences",
                     "wealth_source", "preferred_channel", "address", "pref_protection",
                     "pref_term_months", "pref_yield_band"):
            row[name] = p.get(name)
        if c.segment == "retail":
            row["id_number"] = people.id_number(self.rng, p["id_city"], c.birth, c.gender)
        return row

    # -- households and preferences -----------------------------------------------------------

    def _households(self) -> None:
        """Couples (with a child at times) and parents with a grown child, at the branch they
        all bank at; the richer adult heads the household."""
        rng = self.family_rng
        by_branch: dict[str, list[Client]] = {}
        for c in self.clients:
            if c.segment == "retail" and not c.closed_on and not c.steady and c.main == c.home:
                by_branch.setdefault(c.main, []).append(c)
        wanted = max(3, round(HOUSEHOLD_SHARE * self.n_clients))
        total = sum(len(v) for v in by_branch.values()) or 1
        rows, number = [], 0
        for free in by_branch.values():
            rng.shuffle(free)
        # First a couple of two key-tier clients, so that plans show a household visit.
        for branch in BRANCHES:
            key = [c for c in by_branch.get(branch, ()) if c.tier in TIERS[:3]
                   and c.consent == "all"][:2]
            if len(key) == 2:
                number += 1
                head, spouse = sorted(key, key=lambda m: (m.aum, m.client_id), reverse=True)
                for member, role in ((head, "head"), (spouse, "spouse")):
                    by_branch[branch].remove(member)
                    rows.append({"household_id": f"H{number:05d}", "client_id": member.client_id,
                                 "role": role})
                self.highlights[Text("household visit")] = f"H{number:05d}"
                break
        for branch in BRANCHES:
            free = by_branch.get(branch, [])
            quota = round(wanted * len(free) / total)
            while free and quota > 0:
                first = free.pop()
                spouse = self._partner(free, lambda c: c.married and first.married
                                       and c.gender != first.gender
                                       and abs(_age_gap(first, c)) <= 8)
                child = None
                if spouse is None or rng.random() < 0.35:
                    oldest = first if spouse is None else min(first, spouse, key=lambda m: m.birth)
                    child = self._partner(free, lambda c: _age_gap(oldest, c) >= 22)
                if spouse is not None:
                    head, other = sorted((first, spouse), key=lambda m: (m.aum, m.client_id),
                                         reverse=True)
                    family = [(head, "head"), (other, "spouse")]
                    family += [(child, "child")] if child is not None else []
                elif child is None:
                    continue
                elif child.aum > first.aum:  # a grown child heads the household of a parent
                    family = [(child, "head"), (first, "parent")]
                else:
                    family = [(first, "head"), (child, "child")]
                number += 1
                quota -= 1
                for member, role in family:
                    rows.append({"household_id": f"H{number:05d}", "client_id": member.client_id,
                                 "role": role})
                if (Text("household") not in self.highlights
                        and len({m.tier for m, _ in family}) > 1):
                    self.highlights[Text("household")] = f"H{number:05d}"
        self.rows["households"] = rows

    def _partner(self, free: list[Client], fits: Callable[[Client], bool]) -> Client | None:
        """The first fitting client among the last PARTNER_SEARCH still free (taken out)."""
        for k in range(len(free) - 1, max(-1, len(free) - 1 - PARTNER_SEARCH), -1):
            if fits(free[k]):
                return free.pop(k)
        return None

    def _preferences(self) -> None:
        """What most retail clients want from a product, in line with their risk level and age:
        cautious and older clients ask for protected principal and lower yields."""
        rng = self.family_rng
        for c in self.clients:
            if c.segment != "retail" or rng.random() >= PREFERENCES_STATED[c.tier is None]:
                continue
            risk = c.risk or 2
            age = self.today.year - c.birth.year
            protected = {1: 0.9, 2: 0.8, 3: 0.5, 4: 0.25, 5: 0.15}[risk] + (0.1 if age >= 60 else 0)
            c.profile["pref_protection"] = "protected" if rng.random() < protected else "floating"
            c.profile["pref_term_months"] = rng.choices(
                (3, 6, 12, 24, 36, 60), (3, 3, 4, 3, 2, 1) if age >= 60 else (1, 2, 4, 4, 3, 2))[0]
            c.profile["pref_yield_band"] = rng.choices(
                ("<3%", "3-5%", ">5%"),
                {1: (8, 2, 0), 2: (6, 4, 0), 3: (3, 6, 1), 4: (1, 5, 4), 5: (1, 3, 6)}[risk])[0]

    # -- holdings -----------------------------------------------------------------------------

    def _positions(self) -> None:
        """Daily full snapshots, as a core system extracts them: every position held on each
        snapshot day (a closed one is listed at 0 on the day it closes, then left out)."""
        self._choose_new_buyers()
        n = len(self.days)
        rows: list[dict] = []
        emit = self.positions_out or rows.append
        # Client by client, each holding's snapshots in date order: the import carries every
        # (client, product) forward on its own, so no sort over the whole bank is needed.
        for client in self.clients:
            for code, balances, maturity in self._holdings(client):
                start = _first(balances)
                previous = None
                for i in range(start, n):
                    balance = balances[i]
                    if balance != previous or balance != 0:
                        emit({"client_id": client.client_id, "product_code": code,
                              "as_of": self.days[i], "balance": balance,
                              "maturity_date": maturity})
                    previous = balance
        if self.positions_out is None:
            self.rows["positions"] = rows

    def _choose_new_buyers(self) -> None:
        """A few clients already bought this week's launches (their sales are in the history)."""
        rng = self.rng
        for code, share in (("FUND-NEW", 0.015), ("WM-NEW", 0.01)):
            launch = self._launch(code)
            day = self.days[self._index(launch)] if launch <= self.last else None
            risk = int(self.products[code][3][1])
            buyers = [c for c in self.clients if c.tier and not c.steady and not c.closed_on
                      and c.risk_valid_on(self.today) and c.risk >= risk]
            if day is None or not buyers:
                continue
            tiered = sum(1 for c in self.clients if c.tier)
            for client in rng.sample(buyers, min(len(buyers), max(2, round(share * tiered)))):
                self.launch_buys.setdefault(client.client_id, []).append((code, day))

    def _holdings(self, c: Client) -> list[tuple[str, list, dt.date | None]]:
        """(product, balance per snapshot day or None before it was bought, maturity)."""
        rng, n = self.rng, len(self.days)
        if c.segment == "corporate":
            return [("DEP-CORP", self._wander(c.aum, 0.3, 0.08), None)]
        new_money = sum(-change for buyer, _, change in self.events if buyer is c and change < 0)
        base = c.aum - new_money
        codes = self._choose_products(c)
        weights = [rng.uniform(0.5, 1.5) for _ in codes]
        deposit_share = rng.uniform(0.1, 0.4) if c.tier else rng.uniform(0.3, 0.8)
        if not codes:
            deposit_share = 1.0
        scale = (1 - deposit_share) / (sum(weights) or 1)
        allocations = [round(base * w * scale / 100) * 100 for w in weights]
        deposit_end = base - sum(allocations)
        p_change, sigma = (0.0, 0.0) if c.steady else (0.25, 0.04) if c.drifting else (
            (0.06, 0.05) if c.tier else (0.12, 0.08))
        deposit = self._wander(deposit_end, p_change, sigma,
                               trend=rng.choice((-0.015, 0.015)) if c.drifting else 0.0)
        holdings: list[tuple[str, list, dt.date | None]] = []
        for code, amount in zip(codes, allocations):
            balances, maturity = self._path(code, amount, c.steady)
            holdings.append((code, balances, maturity))
        for code, day in self.launch_buys.get(c.client_id, ()):
            # Paid from the current account, so the AUM stays in its band.
            amount = round(min(c.aum * rng.uniform(0.05, 0.15), min(deposit) * 0.6)
                           / 1_000_000) * 1_000_000
            if amount < 1_000_000:
                continue
            start = self._index(day)
            nav = self.nav.get(code)
            holdings.append((code, [None] * start + [
                round(amount * nav[i] / nav[start]) if nav else amount for i in range(start, n)],
                self._maturity(code)))
            for i in range(n):
                deposit[i] -= amount
            self.sales.append((c, code, day, amount))
        # Money bought into a product during the window came out of the current account.
        for _, balances, _ in holdings:
            start = _first(balances)
            for i in range(start):
                deposit[i] += balances[start]
        for leaver, day, amount in self.leavers:
            if leaver is c:
                for i in range(self._index(day)):
                    deposit[i] += amount
        for buyer, day, before_minus_after in self.events:
            if buyer is c and before_minus_after > 0:
                for i in range(self._index(day)):
                    deposit[i] += before_minus_after
            elif buyer is c:
                start = self._index(day)
                holdings.append(("DEP-1Y", [None] * start + [-before_minus_after] * (n - start),
                                 day + 365 * DAY))
        if c.tier and not c.steady and c.risk and c.risk >= 2 and rng.random() < 0.08:
            self._matured_wealth(c, deposit, holdings)
        if c.tier and not c.steady and rng.random() < 0.1:
            holdings.append(("LOAN-MTG", self._loan(c.aum), None))
        holdings = _merged([("DEP-CUR", deposit, None)] + holdings)
        if c.closed_on:
            closed = self._index(c.closed_on)
            holdings = [(code, [b if b is None or i < closed else 0 for i, b in enumerate(bs)], m)
                        for code, bs, m in holdings if _first(bs) < closed]
        return holdings

    def _choose_products(self, c: Client) -> list[str]:
        rng = self.rng
        if c.tier is None:
            return [rng.choice(MASS_HOLDABLE)] if rng.random() < 0.45 else []
        capacity = c.risk or 2
        pool = [code for code in HOLDABLE
                if int((self.products[code][3] or "R3")[1]) <= capacity
                and not (c.steady and code in NAV_PARAMS)
                and not (code == "DEP-LCD" and c.aum < 100_000_000)]
        low, high = HOLDING_COUNTS[TIERS.index(c.tier)]
        # Weighted sampling without replacement (Efraimidis-Spirakis keys).
        pool.sort(key=lambda code: -rng.random() ** (1 / HOLDABLE[code]))
        return pool[:rng.randint(low, high)]

    def _path(self, code: str, amount: int, steady: bool) -> tuple[list, dt.date | None]:
        n, rng = len(self.days), self.rng
        if code in NAV_PARAMS:
            nav = self.nav[code]
            units = amount / nav[-1]
            return [None if v is None else round(units * v) for v in nav], None
        if code == "CUST-SEC" and not steady:
            return self._wander(amount, 0.15, 0.15), None
        if code == "GOLD-ACC" and not steady:
            return self._wander(amount, 0.05, 0.05), None
        if code in TERM_DAYS:
            term = TERM_DAYS[code]
            maturity = self.today + rng.randint(1, min(term, 1000)) * DAY
            start = min(self._index(maturity - term * DAY), n - 1)
            return [None] * start + [amount] * (n - start), maturity
        launch = self._launch(code)
        start = self._index(launch) if launch and launch > self.days[0] else 0
        return [None] * start + [amount] * (n - start), self._maturity(code)

    def _wander(self, end: int, p_change: float, sigma: float, trend: float = 0.0) -> list[int]:
        """A balance in whole yuan that moves on some days and ends at `end`."""
        factors, level = [], 1.0
        for i in range(len(self.days)):
            if i and self.rng.random() < p_change:
                level *= max(0.3, 1 + trend + self.rng.gauss(0, sigma))
            factors.append(level)
        return [round(end * f / level / 100) * 100 for f in factors]

    def _matured_wealth(self, c: Client, deposit: list, holdings: list) -> None:
        """A 60-day product that matured in the window and went back to the current account."""
        matured = self._index(self._maturity("WM-OLD"))
        amount = round(min(c.aum * 0.25, min(deposit[:matured]) * 0.8) / 100) * 100
        if matured == 0 or amount < 1_000_000:
            return
        for i in range(matured):
            deposit[i] -= amount
        holdings.append(("WM-OLD", [amount] * matured + [0] * (len(self.days) - matured),
                         self._maturity("WM-OLD")))

    def _loan(self, aum: int) -> list[int]:
        """A mortgage repaid on a fixed day each month (negative: it is owed)."""
        owed = round(aum * self.rng.uniform(0.1, 0.5) / 100) * 100
        instalment = round(owed / 240 / 100) * 100
        due_day = self.rng.randint(1, 28)
        balances, month = [], None
        for day in self.days:
            if day.day >= due_day and (day.year, day.month) != month:
                if month is not None:
                    owed -= instalment
                month = (day.year, day.month)
            balances.append(-owed)
        return balances

    # -- transactions -------------------------------------------------------------------------

    def _transactions(self) -> None:
        rng = self.rng
        recent = self._since(self.today - TRANSACTION_DAYS * DAY)
        older = [d for d in self.year_days if d < self.today - 366 * DAY]
        found: list[tuple] = []
        for c in self.clients:
            days = [d for d in recent if not c.closed_on or d < c.closed_on]
            count = (rng.randint(10, 30) if c.segment == "corporate"
                     else rng.randint(6, 24) if c.tier else rng.randint(2, 10))
            others = [b for b in BRANCHES if b != c.main]
            at_main = math.ceil(count * (0.75 if c.main != c.home else 0.8))
            branches = [c.main] * at_main + [
                c.home if c.main != c.home and rng.random() < 0.7 else rng.choice(others)
                for _ in range(count - at_main)]
            for branch in branches:
                found.append((rng.choice(days), c.client_id, branch, self._amount(c),
                              rng.choices(("counter", "atm", "mobile", "online"), (3, 2, 4, 1))[0]))
            if c.main != c.home:  # before it moved
                for _ in range(rng.randint(2, 4)):
                    found.append((rng.choice(older), c.client_id, c.home, self._amount(c),
                                  "counter"))
        for client, day, before_minus_after in self.events:
            found.append((day, client.client_id, client.main, -before_minus_after, "counter"))
        for client, day, amount in self.leavers:
            found.append((day, client.client_id, client.main, -amount, "mobile", "transfer_out"))
        found.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
        self.rows["transactions"] = RowView(found, _transaction_row)

    def _amount(self, c: Client) -> int:
        top = max(50_000, c.aum * 0.1)
        amount = round(math.exp(self.rng.uniform(math.log(10_000), math.log(top))))
        return amount if self.rng.random() < 0.5 else -amount

    # -- relationship managers ----------------------------------------------------------------

    def _rms(self) -> None:
        rng, today = self.rng, self.today
        books = {(b, t): 0 for b in BRANCHES for t in TIERS}
        for c in self.clients:
            if c.tier and not c.closed_on:
                books[(c.main, c.tier)] += 1
        hired_years = {"senior": (10, 18), "l1": (8, 14), "l2": (5, 10), "l3": (3, 7),
                       "l4": (1.5, 4), "trainee": (0.3, 1.2)}
        number = 1001

        def hire(branch: str, grade: str, **extra) -> RM:
            nonlocal number
            low, high = hired_years[grade]
            rm = RM(f"RM{number}", people.person_name(rng, rng.choice("MF")), branch, grade,
                    hired_on=today - round(rng.uniform(low, high) * 365) * DAY, **extra)
            number += 1
            self.rms.append(rm)
            return rm

        for branch in BRANCHES:
            team = []
            for tier, grade in zip(TIERS, GRADES):
                capacity = max(1, self.config.capacity(grade))
                for _ in range(max(1, math.ceil(books[(branch, tier)] / (capacity * BOOK_FILL)))):
                    # Trainees sit the exam in their first year; Beijing's passed already.
                    passed = grade != "trainee" or branch == "BJ01"
                    team.append(hire(branch, grade, exam_passed=passed))
            if branch == "BJ02":
                # Recorded l2 when transferred in, exam still to pass: a trainee (DOMAIN §3).
                rm = hire(branch, "trainee", exam_passed=False)
                rm.grade = "l2"
                team.append(rm)
                self.highlights[Text("l2 without the exam")] = rm.rm_id
            if branch == "SH01":
                team.append(hire(branch, "l3", active=False, left_on=today - 45 * DAY))
                self.highlights[Text("RM who left")] = team[-1].rm_id
            for rm in team[1:]:
                rm.supervisor_id = team[0].rm_id
        self.rms[0].daily_capacity = 8  # black gold visits take longer
        active = [rm for rm in self.rms if rm.active]
        rng.shuffle(active)
        for k, rm in enumerate(active):
            rm.vip_share = rng.uniform(0.74, 0.86) if k % 2 else rng.uniform(0.48, 0.64)
        self.rows["rms"] = [
            {"rm_id": rm.rm_id, "name": rm.name, "branch": rm.branch, "grade": rm.grade,
             "exam_passed": rm.exam_passed, "active": rm.active,
             "supervisor_id": rm.supervisor_id, "hired_on": rm.hired_on,
             "daily_capacity": rm.daily_capacity}
            for rm in self.rms]
        self._legacy_book()

    def _legacy_book(self) -> None:
        """Who served each client in the old system (the contact history's RMs)."""
        turn: dict[tuple[str, str], int] = {}
        for c in self.clients:
            if c.segment == "corporate":
                grade = "senior"
            else:
                grade = GRADES[TIERS.index(c.tier)] if c.tier else "trainee"
            team = [rm for rm in self.rms if rm.branch == c.main and rm.grade == grade]
            k = turn.get((c.main, grade), 0)
            turn[(c.main, grade)] = k + 1
            self.legacy_rm[c.client_id] = team[k % len(team)]

    # -- contact history ----------------------------------------------------------------------

    def _followups(self) -> None:
        rng = self.rng
        days = [d for d in self._since(self.today - CONTACT_DAYS * DAY) if d < self.today]
        found: list[dict] = []
        for c in self.clients:
            rm = self.legacy_rm[c.client_id]
            open_days = [d for d in days if rm.hired_on <= d
                         and (not rm.left_on or d < rm.left_on)
                         and (not c.closed_on or d < c.closed_on)]
            if not open_days:
                continue
            if c.segment == "corporate":
                for day in sorted(rng.sample(open_days, min(len(open_days), rng.randint(1, 4)))):
                    found.append(self._corporate_visit(c, rm, day))
                continue
            if c.tier is None:
                expected = 1 if rng.random() < 0.12 else 0
            elif rng.random() < NEVER_CONTACTED:
                expected = 0
            else:
                cadence = self.config.tier_value(c.tier, "cadence_days")
                ratio = CONTACT_DAYS / cadence * rng.uniform(0.5, 1.4)
                expected = int(ratio) + (rng.random() < ratio % 1)
            for day in sorted(rng.sample(open_days, min(expected, len(open_days)))):
                found.append(self._contact(c, rm, day))
        for client, code, day, amount in self.sales:
            if day < self.today:
                found.append(self._contact(client, self.legacy_rm[client.client_id], day,
                                           sale=(code, amount)))
        self._referrals(found)
        found += self._journeys(found)
        found.sort(key=lambda f: (f["date"], f["client_id"], f["rm_id"]))
        for i, row in enumerate(found):
            row["followup_id"] = f"F{i + 1:07d}"
        self.rows["followups"] = found

    def _contact(self, c: Client, rm: RM, day: dt.date, sale: tuple | None = None) -> dict:
        rng = self.rng
        top = c.tier in TIERS[:3]
        if sale:
            channel = "visit"
        elif top:
            channel = rng.choices(("visit", "phone", "wechat", "event", "email"),
                                  (35, 40, 15, 5, 5))[0]
        else:
            channel = rng.choices(("phone", "sms", "wechat", "visit", "email"),
                                  (55, 15, 20, 8, 2))[0]
        if sale or channel in ("visit", "event"):
            outcome = "reached"
        elif channel == "phone":
            outcome = rng.choices(("reached", "no_answer", "callback", "declined"),
                                  (70, 18, 7, 5))[0]
        else:
            outcome = "reached" if rng.random() < 0.9 else "no_answer"
        stage = "plan"
        if outcome == "reached":
            stage = rng.choices(("plan", "assess", "sale", "after_sale", "celebrate"),
                                (15, 30, 20, 25, 10))[0]
        product, amount = sale or (None, None)
        if sale:
            stage = "sale"
        elif stage == "sale":
            product = self._suitable_product(c, day)
            if product is None:
                stage = "assess"
            else:  # at least the product's minimum
                amount = max(1_000_000, (self.products[product][7] or 0) * 100,
                             round(c.aum * rng.uniform(0.05, 0.3) / 1_000_000) * 1_000_000)
        low, high = MINUTES[channel]
        row = {"client_id": c.client_id, "rm_id": rm.rm_id, "date": day, "channel": channel,
               "minutes": rng.randint(low, high), "outcome": outcome, "stage": stage,
               "note": rng.choice(STAGE_NOTES[stage]) if outcome == "reached" else None,
               "product_code": product, "amount": amount, "satisfaction": None,
               "next_date": None, "joint_rm_id": None, "visit_level": None}
        if outcome == "reached" and channel != "sms" and rng.random() < 0.6:
            row["satisfaction"] = rng.choices((5, 4, 3, 2, 1), (45, 35, 15, 4, 1))[0]
        if outcome == "callback":
            row["next_date"] = day + rng.randint(1, 5) * DAY
        elif outcome == "reached" and day >= self.today - 14 * DAY and rng.random() < 0.5:
            row["next_date"] = self.today + rng.randint(1, 7) * DAY
        elif outcome == "reached" and rng.random() < 0.25:
            row["next_date"] = day + rng.randint(7, 45) * DAY
        if channel == "visit" and top and rm.grade != "senior" and rng.random() < 0.2:
            row["joint_rm_id"] = next(r.rm_id for r in self.rms
                                      if r.branch == rm.branch and r.grade == "senior")
        return row

    def _suitable_product(self, c: Client, day: dt.date) -> str | None:
        if not c.risk_valid_on(day):
            return None
        codes = [code for code, _, asset_class, risk, launched, _, status, _ in PRODUCTS
                 if status == "on_sale" and risk and int(risk[1]) <= c.risk
                 and asset_class not in ("loan", "custody") and code not in ("DEP-CUR", "DEP-CORP")
                 and (launched is None or self.today + launched * DAY <= day)]
        return self.rng.choice(codes) if codes else None

    def _corporate_visit(self, c: Client, rm: RM, day: dt.date) -> dict:
        rng = self.rng
        level = rng.choices(("leadership", "technical", "business"), (1, 2, 4))[0]
        note = {"leadership": "行长拜访企业负责人，商谈全年合作",
                "technical": "对接财务部，梳理现金管理方案",
                "business": "走访业务部门，了解代发工资与结算需求"}[level]
        # Visits of the three levels (seed §3.3), not a step of a retail sales journey.
        return {"client_id": c.client_id, "rm_id": rm.rm_id, "date": day, "channel": "visit",
                "minutes": rng.randint(45, 120), "outcome": "reached", "stage": None,
                "note": note, "product_code": None, "amount": None,
                "satisfaction": rng.choice((4, 5)), "next_date": None, "joint_rm_id": None,
                "visit_level": level}

    def _referrals(self, found: list[dict]) -> None:
        """Two happy clients who introduced a friend (recorded in the note, as old systems did)."""
        happy = [f for f in found if f["stage"] in ("assess", "after_sale")
                 and f["satisfaction"] == 5 and f["visit_level"] is None]
        for row in self.rng.sample(happy, min(2, len(happy))):
            friend = people.person_name(self.rng, self.rng.choice("MF"))
            row["note"] = f"转介绍：客户介绍朋友{friend}，有资产配置需求，已约面谈"

    # -- sales journeys -----------------------------------------------------------------------

    def _journeys(self, found: list[dict]) -> list[dict]:
        """The contacts that make the history's sales journeys whole (seed §1.3), from a random
        stream of their own; returns them. A routine contact's drawn step says where a journey
        stood that day: a planning call may go on to an assessment and a sale, an assessment or
        a sale had the steps that led to it, and a sale brings its after-sale calls and at
        times a celebration. Routine after-sale service of older holdings and greetings on key
        days are service outside any journey: they lose their step. More planning calls, to a
        share of the consenting tiered clients, open journeys of their own."""
        rng = self.journey_rng
        clients = {c.client_id: c for c in self.clients}
        rms = {rm.rm_id: rm for rm in self.rms}
        made: list[dict] = []
        for row in found:
            if row["outcome"] != "reached" or row["stage"] is None:
                continue
            c, rm, day, stage = (clients[row["client_id"]], rms[row["rm_id"]], row["date"],
                                 row["stage"])
            if stage in ("after_sale", "celebrate"):
                row["stage"] = None
                continue
            if stage != "plan":
                self._lead_up(made, c, rm, stage, day)
            if stage == "sale":
                self._care(made, c, rm, day)
            else:
                self._go_on(made, c, rm, row)
        days = [d for d in self._since(self.today - CONTACT_DAYS * DAY) if d < self.today]
        for c in self.clients:
            if c.tier and c.consent == "all" and rng.random() < OPENERS:
                rm, day = self.legacy_rm[c.client_id], rng.choice(days)
                if self._serves(c, rm, day):
                    self._go_on(made, c, rm, self._plan_call(made, c, rm, day))
        return made

    def _serves(self, c: Client, rm: RM, day: dt.date) -> bool:
        """Whether `rm` contacted `c` on `day` in the history: a past day of its 120 days, both
        still there."""
        return (self.today - CONTACT_DAYS * DAY <= day < self.today and rm.hired_on <= day
                and (not rm.left_on or day < rm.left_on)
                and (not c.closed_on or day < c.closed_on)
                and (not c.opened_on or c.opened_on <= day))

    def _step(self, day: dt.date, gap: tuple[int, int], back: bool = False) -> dt.date:
        """A working day some days (`gap`, inclusive) after `day`, or before it."""
        days = self.journey_rng.randint(*gap) * DAY
        if back:
            return self.calendar.on_or_before(day - days)
        return self.calendar.on_or_after(day + days)

    def _lead_up(self, made: list[dict], c: Client, rm: RM, stage: str, day: dt.date) -> None:
        """The planning call and, before a sale, the assessment that led to `stage` on `day`
        (as far as the RM served the client then)."""
        if stage == "sale":
            assess = self._step(day, ASSESS_TO_SALE, back=True)
            if not self._serves(c, rm, assess):
                return
            made.append(self._journey_contact(c, rm, assess, "assess"))
            day = assess
        plan = self._step(day, PLAN_TO_ASSESS, back=True)
        if self._serves(c, rm, plan):
            self._plan_call(made, c, rm, plan, booked=day)

    def _plan_call(self, made: list[dict], c: Client, rm: RM, day: dt.date,
                   booked: dt.date | None = None) -> dict:
        """A planning call that reached the client (at times after one that did not), booking
        the assessment of `booked`."""
        if self.journey_rng.random() < FIRST_TRY_UNANSWERED:
            tried = self._step(day, (1, 3), back=True)
            if self._serves(c, rm, tried):
                made.append(self._journey_contact(c, rm, tried, "plan", reached=False))
        row = self._journey_contact(c, rm, day, "plan")
        row["next_date"] = booked
        made.append(row)
        return row

    def _go_on(self, made: list[dict], c: Client, rm: RM, row: dict) -> None:
        """The steps a consenting client's journey took after `row`'s, up to today: a planning
        call books an assessment (today or later: the booking is all there is yet), an
        assessment may end in a sale of a product suitable for the client."""
        rng = self.journey_rng
        while c.consent == "all" and row["stage"] in GOES_ON:
            if rng.random() >= GOES_ON[row["stage"]]:
                return
            if row["stage"] == "plan":
                day = self._step(row["date"], PLAN_TO_ASSESS)
                if row["next_date"] is None:
                    row["next_date"] = day
                if not self._serves(c, rm, day):
                    return
                row = self._journey_contact(c, rm, day, "assess")
                made.append(row)
                continue
            day = self._step(row["date"], ASSESS_TO_SALE)
            sale = self._journey_sale(c, day) if self._serves(c, rm, day) else None
            if sale is not None:
                made.append(self._journey_contact(c, rm, day, "sale", sale=sale))
                self._care(made, c, rm, day)
            return

    def _journey_sale(self, c: Client, day: dt.date) -> tuple[str, int] | None:
        """A product for the client on `day`, suitable when it carries investment risk (DOMAIN
        §5: at most its risk level while its assessment is valid, nothing that needs an elderly
        client's confirmation), whose minimum the amount meets; and the amount: 5-25% of its
        AUM in whole ten thousands."""
        rng = self.journey_rng
        level = f"C{c.risk}" if c.risk else None
        amount = max(1_000_000, round(c.aum * rng.uniform(0.05, 0.25) / 1_000_000) * 1_000_000)
        codes = [code for code, _, asset_class, risk, launched, _, status, minimum in PRODUCTS
                 if status == "on_sale" and asset_class not in ("loan", "custody")
                 and code not in ("DEP-CUR", "DEP-CORP")
                 and (launched is None or self.today + launched * DAY <= day)
                 and (minimum or 0) * 100 <= amount
                 and (asset_class not in RISK_CLASSES
                      or suitable(level, c.risk_on, risk, day, self.config)
                      and not needs_elderly_confirmation(c.birth, risk, day, self.config))]
        return (rng.choice(codes), amount) if codes else None

    def _care(self, made: list[dict], c: Client, rm: RM, sale_day: dt.date) -> None:
        """After-sale calls on the sale's +7 and +30 days as plans set them (mostly on their
        due day, some late, a few missed), and at times a celebration after the first one."""
        rng = self.journey_rng
        called = []
        for due in after_sale_dates(sale_day, self.calendar):
            draw = rng.random()
            if draw >= CARE_ON_TIME + CARE_LATE:
                continue
            day = due if draw < CARE_ON_TIME else self._step(due, (1, 6))
            if self._serves(c, rm, day):
                made.append(self._journey_contact(c, rm, day, "after_sale"))
                called.append(day)
        if called and rng.random() < THANKED:
            day = self._step(called[0], CARE_TO_THANKS)
            if self._serves(c, rm, day):
                made.append(self._journey_contact(c, rm, day, "celebrate"))

    def _journey_contact(self, c: Client, rm: RM, day: dt.date, stage: str,
                         reached: bool = True, sale: tuple[str, int] | None = None) -> dict:
        rng = self.journey_rng
        top = c.tier in TIERS[:3]
        channels, weights = JOURNEY_CHANNELS[stage]
        channel = "phone" if not reached else rng.choices(
            channels, [w * 2 if top and ch in ("visit", "event") else w
                       for ch, w in zip(channels, weights)])[0]
        low, high = MINUTES[channel]
        product, amount = sale or (None, None)
        notes = SALE_THANKS if stage == "celebrate" else STAGE_NOTES[stage]
        return {"client_id": c.client_id, "rm_id": rm.rm_id, "date": day, "channel": channel,
                "minutes": rng.randint(low, high), "outcome": "reached" if reached else "no_answer",
                "stage": stage, "note": rng.choice(notes) if reached else None,
                "product_code": product, "amount": amount,
                "satisfaction": (rng.choices((5, 4, 3, 2, 1), (45, 35, 15, 4, 1))[0]
                                 if reached and stage != "plan" and rng.random() < 0.6 else None),
                "next_date": None, "joint_rm_id": None, "visit_level": None}

    def _timesheets(self) -> None:
        rng = self.rng
        days = [d for d in self.year_days if d < self.today][-TIMESHEET_DAYS:]
        rows = []
        for rm in self.rms:
            if not rm.active:
                continue
            for day in days:
                if rm.hired_on and day < rm.hired_on:
                    continue
                total = rng.randint(420, 500)
                vip = min(total, round(total * rm.vip_share * rng.uniform(0.93, 1.07)))
                rest = total - vip
                admin = min(rest, rng.randint(20, 90))
                learning = 0.4 if rm.effective_grade == "trainee" else 0.1
                training = min(rest - admin, rng.randint(60, 120)) if rng.random() < learning else 0
                for category, minutes in (("vip", vip), ("non_vip", rest - admin - training),
                                          ("admin", admin), ("training", training)):
                    if minutes:
                        rows.append({"rm_id": rm.rm_id, "date": day, "category": category,
                                     "minutes": minutes})
        self.rows["timesheets"] = rows

    # -- corporate metrics --------------------------------------------------------------------

    def _corporate_metrics(self) -> None:
        rng = self.rng
        rows = []
        corporates = [c for c in self.clients if c.segment == "corporate"]
        for k, c in enumerate(corporates):
            volume = math.exp(rng.uniform(math.log(5e8), math.log(5e10)))
            influence = rng.randint(1, 5)
            rating = rng.choices(("AAA", "AA", "A", "BBB", "BB", "B", "CCC"),
                                 (10, 25, 30, 20, 8, 5, 2))[0]
            for year in (self.today.year - 1, self.today.year):
                volume *= rng.uniform(0.8, 1.25)
                revenue = volume * rng.uniform(0.2, 0.6)
                rows.append({
                    "client_id": c.client_id, "review_year": year,
                    "contract_volume": round(volume), "unit_price": round(rng.uniform(2e4, 5e6)),
                    "revenue": round(revenue), "collection_rate": f"{rng.uniform(0.62, 0.99):.4f}",
                    # The third company has not reported this year's profit yet.
                    "profit": None if (k == 2 and year == self.today.year)
                    else round(revenue * rng.uniform(-0.03, 0.18)),
                    "quality_loss": round(revenue * rng.uniform(0, 0.01)),
                    "industry_influence": influence, "credit_rating": rating,
                })
        self.rows["corporates"] = rows


    # -- business files (seed §3.2) -----------------------------------------------------------

    def _big_this_year(self) -> list[str]:
        """This year's big clients, rated as `tier corporate` will rate them."""
        year = self.today.year
        cohort = [Metrics(row["client_id"], {
            f: _ratio(row[f]) if f == "collection_rate" else row[f] for f in CORPORATE_FACTORS})
            for row in self.rows["corporates"] if row["review_year"] == year]
        weights = {f: self.config[f"corporate.weights.{f}"] for f in CORPORATE_FACTORS}
        if not cohort or sum(weights.values()) <= 0:
            return []
        return [r.client_id for r in rate(cohort, weights, self.config["corporate.big_client_score"])
                if r.big]

    def _business_files(self) -> None:
        """Each company's key people and its share-of-wallet plans of last year and this year.
        The chairmen of this year's big clients have birthdays in the coming days (their RMs
        greet them), so has one small company's (no task: not a big client), and one finance
        director was born on 29 February."""
        rng, today = self.rng, self.today
        big = self._big_this_year()
        persons, plans = [], []
        corporates = [c for c in self.clients if c.segment == "corporate"]
        small = next((c.client_id for c in corporates if c.client_id not in big), None)
        for k, c in enumerate(corporates):
            staff = []
            for role, decides, share in KEY_ROLES:
                if rng.random() >= share:
                    continue
                age = rng.randint(32, 64)
                born = self._day_of_year(today.year - age) if rng.random() < 0.85 else None
                staff.append({"client_id": c.client_id,
                              "name": people_name(rng, {p["name"] for p in staff}),
                              "role": role, "decision_maker": decides,
                              "phone": self.phones.new() if rng.random() < 0.9 else None,
                              "birth_date": born,
                              "note": rng.choice(KEY_NOTES) if rng.random() < 0.4 else None})
            chairman = staff[0]  # every company has one
            if c.client_id in big:
                days = 2 + 3 * big.index(c.client_id)
                chairman["birth_date"] = _same_day_in(today.year - 55, today + days * DAY)
            elif c.client_id == small:
                chairman["birth_date"] = _same_day_in(today.year - 50, today + DAY)
            if k == 1:
                director = next((p for p in staff if p["role"] == "财务总监"), None)
                if director is None:
                    director = {"client_id": c.client_id, "name": people_name(
                        rng, {p["name"] for p in staff}), "role": "财务总监",
                        "decision_maker": True, "phone": self.phones.new(), "note": None}
                    staff.append(director)
                director["birth_date"] = dt.date(1972, 2, 29)
            persons += staff
            wallet = c.aum * rng.uniform(4, 12)
            share = rng.uniform(0.08, 0.45)
            owner = self.legacy_rm[c.client_id]
            for year, growth in ((today.year - 1, rng.uniform(0.7, 0.95)), (today.year, 1.0)):
                plans.append({
                    "client_id": c.client_id, "year": year,
                    # Whole ten thousands of yuan, as an RM estimates them.
                    "wallet_total": int(round(wallet * growth, -6)),
                    "our_amount": int(round(wallet * growth * share * growth, -6)),
                    "products": "；".join(rng.sample(CORPORATE_PRODUCTS, rng.randint(1, 3))),
                    "plan": rng.choice(CORPORATE_PLANS) if year == today.year else None,
                    "owner": owner.rm_id if owner.active else None})
        self.rows["contacts_corp"] = persons
        self.rows["corporate_plans"] = plans


# The channels of each step of a sales journey, with their weights (visits and events count
# double for the top three tiers).
JOURNEY_CHANNELS = {
    "plan": (("phone", "wechat"), (75, 25)),
    "assess": (("visit", "phone"), (55, 45)),
    "sale": (("visit", "phone"), (80, 20)),
    "after_sale": (("phone", "wechat"), (80, 20)),
    "celebrate": (("event", "visit", "wechat"), (40, 30, 30)),
}
# A company's key people: (role, decision maker, share of companies whose file names one).
KEY_ROLES = (("董事长", True, 1.0), ("总经理", True, 0.6), ("财务总监", True, 0.8),
             ("财务经理", False, 0.9), ("出纳", False, 0.3))
KEY_NOTES = ("喜欢书法", "关注现金管理与代发工资", "每年一季度确定主办行", "偏好面谈，不接陌生来电",
             "曾在我行办理国际结算", "重视融资成本")
CORPORATE_PRODUCTS = ("代发工资", "现金管理", "国际结算", "票据贴现", "供应链融资", "对公理财",
                      "企业年金")
CORPORATE_PLANS = ("争取成为主结算行", "以代发工资带动员工个人业务", "推介现金管理，沉淀日均存款",
                   "拓展供应链上下游客户", "提高结算份额，年底达到四成")


def people_name(rng: random.Random, taken: set[str]) -> str:
    """A person's name not yet used in the company (names key its people)."""
    while True:
        name = people.person_name(rng, rng.choice("MF"))
        if name not in taken:
            return name


def _ratio(text: str | None) -> int | None:
    """A ratio cell of the extract ("0.9500") as stored, in ten-thousandths."""
    return None if text is None else round(float(text) * 10_000)


def _transaction_row(i: int, found: tuple) -> dict:
    day, client_id, branch, amount, channel, *kind = found
    return {"txn_id": f"T{i + 1:08d}", "client_id": client_id, "date": day, "branch": branch,
            "amount": amount, "channel": channel, "type": kind[0] if kind else None}


def _age_gap(older: Client, younger: Client) -> int:
    """Years by which `older` was born before `younger` (negative when after)."""
    return younger.birth.year - older.birth.year


def _same_day_in(year: int, day: dt.date) -> dt.date:
    """`day`'s month and day in `year` (or the nearest earlier leap year for 29 February)."""
    if (day.month, day.day) == (2, 29):
        while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            year -= 1
    return day.replace(year=year)


def _first(balances: list) -> int:
    """The first snapshot day a holding exists (its length if it never does)."""
    return next((i for i, b in enumerate(balances) if b is not None), len(balances))


def _merged(holdings: list[tuple[str, list, dt.date | None]]) -> list[tuple[str, list, dt.date | None]]:
    """One holding per product: a second purchase of a product adds to the first."""
    by_code: dict[str, tuple[str, list, dt.date | None]] = {}
    for code, balances, maturity in holdings:
        if code in by_code:
            _, earlier, first_maturity = by_code[code]
            balances = [b if a is None else a if b is None else a + b
                        for a, b in zip(earlier, balances)]
            maturity = first_maturity or maturity
        by_code[code] = (code, balances, maturity)
    return list(by_code.values())
