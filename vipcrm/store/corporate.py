"""Corporate ratings per review year (DOMAIN §2): the cohort's metrics in, ratings stored.

`corporate_ratings` keeps each rated year (score, rank, big, factor scores, missing metrics) so
that a later year's review can say who entered, stayed on and left the big-client list even
after the metrics are re-imported. Each big client's sales strategy (seed §3.4,
core/strategy.py) is derived with the rating and stored beside it; an override by hand, with
its reason, is kept apart (`corporate_strategy_overrides`) so a re-rating never loses it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Callable

from sqlite_utils import Database

from vipcrm.core.config import CORPORATE_FACTORS, Config
from vipcrm.core.corporate import Metrics, Rating, Review, rate, review
from vipcrm.core.strategy import Strategy, StrategyRules, derive, years_on_list
from vipcrm.core.text import Text
from vipcrm.formats.output import Money
from vipcrm.store.audit import record
from vipcrm.store.db import fetch_dicts, transaction


class CorporateRefused(ValueError):
    """Nothing to rate, or an override that cannot be; the message (a `Text`) says what to
    do."""


@dataclass(frozen=True)
class StrategyOverride:
    """Set a big client's strategy by hand for the rated year (`strategy` None: go back to the
    derived one)."""
    client_id: str
    strategy: str | None
    reason: str
    today: dt.date
    demo: bool = False  # the demo bank's own, marked so in the audit log


@dataclass
class YearOutcome:
    year: int
    records: list[dict]  # the cohort by rank, then clients that left the list without metrics
    review: Review
    previous: str | None  # "stored", "computed" (from the metrics, not stored) or None
    # Overrides of clients that are not big clients of the year: kept, not applied.
    idle_overrides: list[str] = field(default_factory=list)


def cohort(conn, year: int) -> list[Metrics]:
    """The corporate clients with metrics for `year`."""
    columns = ", ".join(f"m.{f}" for f in CORPORATE_FACTORS)
    rows = conn.execute(
        f"SELECT m.client_id, {columns} FROM corporates m JOIN clients c USING (client_id) "
        "WHERE m.review_year = ? AND c.segment = 'corporate' ORDER BY m.client_id", [year])
    return [Metrics(row[0], dict(zip(CORPORATE_FACTORS, row[1:]))) for row in rows]


def latest_year(conn) -> int | None:
    return conn.execute("SELECT MAX(review_year) FROM corporates").fetchone()[0]


def _weights(config: Config) -> dict[str, int]:
    return {f: config[f"corporate.weights.{f}"] for f in CORPORATE_FACTORS}


def _previous_big(conn, year: int, config: Config) -> tuple[list[str], str | None]:
    stored = conn.execute("SELECT client_id, big FROM corporate_ratings WHERE review_year = ?",
                          [year]).fetchall()
    if stored:
        return [cid for cid, big in stored if big], "stored"
    metrics = cohort(conn, year)
    if metrics:
        ratings = rate(metrics, _weights(config), config["corporate.big_client_score"])
        return [r.client_id for r in ratings if r.big], "computed"
    return [], None


def _half_up(value: Fraction, places: int) -> float:
    """A number to show: `places` decimals, halves rounded up (what is stored keeps its full
    precision)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _big_by_year(conn, year: int, config: Config, big_now: list[str], big_before: list[str],
                 stable_years: int) -> dict[int, frozenset[str]]:
    """The big-client lists the stability rule reads: this year's, then back as far as
    `stable_years` needs, each stored or else computed from its metrics like the review's."""
    lists = {year: frozenset(big_now), year - 1: frozenset(big_before)}
    for back in range(2, stable_years):
        lists[year - back] = frozenset(_previous_big(conn, year - back, config)[0])
    return lists


def strategies_of(conn, config: Config, year: int, metrics: list[Metrics],
                  ratings: list[Rating], big_before: list[str]) -> dict[str, Strategy]:
    """Every big client's derived strategy for `year`."""
    rules = StrategyRules.from_config(config)
    big_now = [r.client_id for r in ratings if r.big]
    lists = _big_by_year(conn, year, config, big_now, big_before, rules.stable_years)
    values = {m.client_id: m.values for m in metrics}
    found = {}
    for r in ratings:
        strategy = derive(r, values[r.client_id], years_on_list(r.client_id, year, lists), rules)
        if strategy is not None:
            found[r.client_id] = strategy
    return found


def _check_override(conn, override: StrategyOverride, year: int,
                    strategies: dict[str, Strategy]) -> tuple[str, str] | None:
    """Refuse an override the year cannot take; returns the override it replaces."""
    cid = override.client_id
    segment = conn.execute("SELECT segment FROM clients WHERE client_id = ?", [cid]).fetchone()
    if segment is None:
        raise CorporateRefused(Text("unknown client {client!r}; check the id", client=cid))
    if segment[0] != "corporate":
        raise CorporateRefused(Text("{client} is not a corporate client; strategies are for "
                                    "big corporate clients", client=cid))
    if cid not in strategies:
        raise CorporateRefused(Text(
            "{client} is not on the big-client list of {year}; only big clients have a "
            "strategy (see `vipcrm tier corporate --year {year}`)", client=cid, year=year))
    row = conn.execute("SELECT strategy, reason FROM corporate_strategy_overrides "
                       "WHERE client_id = ? AND review_year = ?", [cid, year]).fetchone()
    if override.strategy is None and row is None:
        raise CorporateRefused(Text("{client} has no strategy override in {year}: its strategy "
                                    "is already the derived one", client=cid, year=year))
    return row


def _store_override(db: Database, override: StrategyOverride, year: int, derived: str,
                    replaced: tuple[str, str] | None, user: str) -> None:
    conn = db.conn
    if override.strategy is None:
        conn.execute("DELETE FROM corporate_strategy_overrides WHERE client_id = ? "
                     "AND review_year = ?", [override.client_id, year])
    else:
        conn.execute(
            "INSERT INTO corporate_strategy_overrides (client_id, review_year, strategy, reason, "
            "set_by, set_on) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, review_year) DO "
            "UPDATE SET strategy = excluded.strategy, reason = excluded.reason, "
            "set_by = excluded.set_by, set_on = excluded.set_on",
            [override.client_id, year, override.strategy, override.reason, user,
             override.today.isoformat()])
    record(db, user, "tier corporate --set-strategy", {
        "client_id": override.client_id, "year": year,
        "strategy": override.strategy or "derived", "derived": derived,
        "replaced": replaced[0] if replaced else None, "reason": override.reason,
        **({"demo": True} if override.demo else {})})


def overrides_of(conn, year: int) -> dict[str, tuple[str, str]]:
    """client -> (strategy, reason) set by hand for `year`."""
    return {cid: (strategy, reason) for cid, strategy, reason in conn.execute(
        "SELECT client_id, strategy, reason FROM corporate_strategy_overrides "
        "WHERE review_year = ?", [year])}


def strategy_record(derived: Strategy | None, override: tuple[str, str] | None) -> dict:
    """The strategy keys of a rated client: null for a client off the big-client list."""
    if derived is None:
        return {"strategy": None, "derived_strategy": None, "commission": None, "meets": [],
                "overridden": False, "override_reason": None}
    return {"strategy": override[0] if override else derived.strategy,
            "derived_strategy": derived.strategy, "commission": derived.commission,
            "meets": list(derived.meets), "overridden": override is not None,
            "override_reason": override[1] if override else None}


def rate_year(db: Database, config: Config, year: int | None, *, user: str,
              override: StrategyOverride | None = None) -> YearOutcome:
    """Rate `year` (default: the latest with metrics), derive its big clients' strategies,
    store both, and review the year against the one before; with `override`, also set (or
    clear) one big client's strategy by hand, audited, all in one transaction."""
    conn = db.conn
    if year is None:
        year = latest_year(conn)
        if year is None:
            raise CorporateRefused(Text("no corporate metrics imported; import a `corporates` "
                                        "file first (vipcrm import corporates FILE)"))
    metrics = cohort(conn, year)
    if not metrics:
        raise CorporateRefused(Text("no corporate metrics for review year {year}; import a "
                                    "`corporates` file with review_year {year} first",
                                    year=year))
    ratings = rate(metrics, _weights(config), config["corporate.big_client_score"])
    previous, source = _previous_big(conn, year - 1, config)
    outcome_review = review(previous, ratings)
    strategies = strategies_of(conn, config, year, metrics, ratings, previous)
    replaced = None if override is None else _check_override(conn, override, year, strategies)
    names = dict(conn.execute("SELECT client_id, name FROM clients WHERE segment = 'corporate'"))
    with transaction(db):
        conn.execute("DELETE FROM corporate_ratings WHERE review_year = ?", [year])
        conn.executemany(
            "INSERT INTO corporate_ratings (client_id, review_year, score, rank, big, factors, "
            "missing, strategy, commission, meets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.client_id, year, float(r.score), r.rank, int(r.big), _factors_json(r),
              ",".join(r.missing) or None, *_strategy_columns(strategies.get(r.client_id)))
             for r in ratings])
        record(db, user, "tier corporate",
               {"year": year, "rated": len(ratings), "big": len(outcome_review.current),
                "entered": len(outcome_review.entered), "left": len(outcome_review.left)})
        if override is not None:
            _store_override(db, override, year, strategies[override.client_id].strategy,
                            replaced, user)
    overrides = overrides_of(conn, year)
    status = {cid: "entered" for cid in outcome_review.entered}
    status.update({cid: "stayed" for cid in outcome_review.stayed})
    status.update({cid: "left" for cid in outcome_review.left})
    records = [{"review_year": year, "rank": r.rank, "client_id": r.client_id,
                "name": names.get(r.client_id), "score": _half_up(r.score, 2), "big": r.big,
                "review": status.get(r.client_id), "missing": list(r.missing),
                **strategy_record(strategies.get(r.client_id), overrides.get(r.client_id))}
               for r in ratings]
    records += [{"review_year": year, "rank": None, "client_id": cid, "name": names.get(cid),
                 "score": None, "big": False, "review": "left", "missing": [],
                 **strategy_record(None, None)}
                for cid in outcome_review.left_absent]
    idle = sorted(cid for cid in overrides if cid not in strategies)
    return YearOutcome(year, records, outcome_review, source, idle)


def _strategy_columns(strategy: Strategy | None) -> tuple:
    if strategy is None:
        return (None, None, None)
    return (strategy.strategy, strategy.commission, ",".join(strategy.meets) or None)


def _factors_json(rating: Rating) -> str:
    return json.dumps({f: round(float(v), 4) for f, v in rating.factors.items()})


# -------------------------------------------------------------------------------------------
# The business file of one corporate client (seed §3.2), for `client show`

_SEPARATORS = str.maketrans({sep: ";" for sep in ",，；、\n"})


def client_rating(conn, client_id: str, year: int) -> dict | None:
    """The latest rating up to `year`, with the client's strategy when it is a big client."""
    row = conn.execute(
        "SELECT cr.review_year, cr.score, cr.rank, cr.big, cr.strategy, cr.commission, "
        "cr.meets, o.strategy, o.reason FROM corporate_ratings cr "
        "LEFT JOIN corporate_strategy_overrides o ON o.client_id = cr.client_id "
        "AND o.review_year = cr.review_year "
        "WHERE cr.client_id = ? AND cr.review_year <= ? ORDER BY cr.review_year DESC LIMIT 1",
        [client_id, year]).fetchone()
    if row is None:
        return None
    review_year, score, rank, big, strategy, commission, meets, forced, reason = row
    # A year rated before strategies existed has none until it is rated again.
    derived = (Strategy(strategy, commission, tuple(meets.split(",")) if meets else ())
               if big and strategy else None)
    return {"review_year": review_year, "score": score, "rank": rank, "big": bool(big),
            **strategy_record(derived, (forced, reason) if derived and forced else None)}


def business_file(conn, client_id: str, today: dt.date, held: list[dict],
                  mask: Callable[[str | None], str | None]) -> dict:
    """Key people (decision makers first, phones through `mask`), the products the client
    uses (held with us, then stated in its plan) and its share-of-wallet plans, newest first.

    The current plan is this year's, else the latest before it."""
    people = fetch_dicts(conn, "SELECT name, role, decision_maker, phone, birth_date, note "
                               "FROM corporate_contacts WHERE client_id = ? "
                               "ORDER BY decision_maker DESC, name", [client_id])
    for person in people:
        person["decision_maker"] = bool(person["decision_maker"])
        person["phone"] = mask(person["phone"])
    plans = fetch_dicts(conn, "SELECT p.year, p.wallet_total, p.our_amount, p.products, p.plan, "
                              "p.owner, r.name AS owner_name FROM corporate_plans p "
                              "LEFT JOIN rms r ON r.rm_id = p.owner WHERE p.client_id = ? "
                              "ORDER BY p.year DESC", [client_id])
    for plan in plans:
        plan["share_pct"] = share_pct(plan["our_amount"], plan["wallet_total"])
        for key in ("wallet_total", "our_amount"):
            if plan[key] is not None:
                plan[key] = Money(plan[key])
    current = next((p for p in plans if p["year"] <= today.year), None)
    used = [{"product": f"{h['product_code']} {h['name'] or ''}".strip(), "source": "held"}
            for h in held]
    if current and current["products"]:
        names = [p.strip() for p in current["products"].translate(_SEPARATORS).split(";")]
        used += [{"product": name, "source": "stated"} for name in names if name]
    return {"key_people": people, "products_used": used,
            "current_plan_year": current["year"] if current else None, "plans": plans}


def share_pct(ours: int | None, total: int | None) -> float | None:
    """Our share of the client's business in percent, one decimal (halves up); None when
    either amount is unknown or the client has no business at all."""
    if ours is None or not total:
        return None
    return _half_up(Fraction(ours * 100, total), 1)
