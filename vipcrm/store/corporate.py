"""Corporate ratings per review year (DOMAIN §2): the cohort's metrics in, ratings stored.

`corporate_ratings` keeps each rated year (score, rank, big, factor scores, missing metrics) so
that a later year's review can say who entered, stayed on and left the big-client list even
after the metrics are re-imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlite_utils import Database

from vipcrm.core.config import CORPORATE_FACTORS, Config
from vipcrm.core.corporate import Metrics, Rating, Review, rate, review
from vipcrm.core.text import Text
from vipcrm.store.audit import record
from vipcrm.store.db import transaction


class CorporateRefused(ValueError):
    """Nothing to rate; the message says what to import."""


@dataclass
class YearOutcome:
    year: int
    records: list[dict]  # the cohort by rank, then clients that left the list without metrics
    review: Review
    previous: str | None  # "stored", "computed" (from the metrics, not stored) or None


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


def _score(value: Fraction) -> float:
    """The score to show: 2 decimals, halves rounded up (the stored score keeps full precision)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate_year(db: Database, config: Config, year: int | None, *, user: str) -> YearOutcome:
    """Rate `year` (default: the latest with metrics), store it, and review it against the year
    before."""
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
    names = dict(conn.execute("SELECT client_id, name FROM clients WHERE segment = 'corporate'"))
    with transaction(db):
        conn.execute("DELETE FROM corporate_ratings WHERE review_year = ?", [year])
        conn.executemany(
            "INSERT INTO corporate_ratings (client_id, review_year, score, rank, big, factors, "
            "missing) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.client_id, year, float(r.score), r.rank, int(r.big), _factors_json(r),
              ",".join(r.missing) or None) for r in ratings])
        record(db, user, "tier corporate",
               {"year": year, "rated": len(ratings), "big": len(outcome_review.current),
                "entered": len(outcome_review.entered), "left": len(outcome_review.left)})
    status = {cid: "entered" for cid in outcome_review.entered}
    status.update({cid: "stayed" for cid in outcome_review.stayed})
    status.update({cid: "left" for cid in outcome_review.left})
    records = [{"review_year": year, "rank": r.rank, "client_id": r.client_id,
                "name": names.get(r.client_id), "score": _score(r.score), "big": r.big,
                "review": status.get(r.client_id), "missing": list(r.missing)}
               for r in ratings]
    records += [{"review_year": year, "rank": None, "client_id": cid, "name": names.get(cid),
                 "score": None, "big": False, "review": "left", "missing": []}
                for cid in outcome_review.left_absent]
    return YearOutcome(year, records, outcome_review, source)


def _factors_json(rating: Rating) -> str:
    return json.dumps({f: round(float(v), 4) for f, v in rating.factors.items()})
