"""A sales strategy per big corporate client (seed §3.4), derived from its year's rating.

The founding document asks for three kinds of treatment and a commission apart from ordinary
clients: a price concession for large contracts paid well, looser collection terms for stable
contracts at a high price, more visits and budget for good partners without quality losses.
Each becomes a rule over the rating of the year (DOMAIN §2): the factor scores (0-100 within
the year's cohort) say what is large or high among the bank's corporates, the raw metrics say
what is good in itself (a collection rate, a quality loss), and the years on the big-client
list say what is stable. A client can meet several rules; its class is the first it meets in
STRATEGIES' order, the others are shown beside it. A metric that is missing meets no rule: a
concession is never granted on a number nobody reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, NamedTuple

from vipcrm.core.text import Text

if TYPE_CHECKING:  # plans read the visit minimums and need none of the rating's machinery
    from vipcrm.core.corporate import Rating

# In precedence order. `invest` first: a good partner is served as one whatever else it also
# is; `standard` is a big client that meets no rule.
STRATEGIES = ("invest", "price_concession", "loose_collection", "standard")
COMMISSIONS = ("A", "B", "C")
# What each class means for the RM at the client (plan talking points).
MEANING = {
    "invest": Text("a good partner: more visits and budget"),
    "price_concession": Text("price concession for large contracts paid well"),
    "loose_collection": Text("looser collection terms for a stable high-price client"),
}
# Collection rates are stored in ten-thousandths (0.9500 -> 9500), thresholds in percent.
RATE_PER_PCT = 100


class StrategyRules(NamedTuple):
    volume_score: int  # contract_volume factor score from which a volume is large
    collection_pct: int  # collection rate (%) from which payment is good
    price_score: int  # unit_price factor score from which a price is high
    stable_years: int  # consecutive years on the big-client list, this one included
    invest_score: int  # rating score from which a client is a good partner
    invest_max_quality_loss: int  # fen; the seed's "no quality loss" is 0
    commission_a: int  # score from which the commission class is A
    commission_b: int  # score from which it is B; other big clients C

    @classmethod
    def from_config(cls, config: Mapping) -> "StrategyRules":
        key = "corporate.strategy."
        return cls(config[key + "volume_score"], config[key + "collection_pct"],
                   config[key + "price_score"], config[key + "stable_years"],
                   config[key + "invest_score"], config[key + "invest_max_quality_loss"] * 100,
                   config[key + "commission_a_score"], config[key + "commission_b_score"])


class Strategy(NamedTuple):
    strategy: str  # a code of STRATEGIES
    commission: str  # a code of COMMISSIONS
    meets: tuple[str, ...]  # every rule the client meets, in precedence order


def derive(rating: Rating, values: Mapping[str, object], years_big: int,
           rules: StrategyRules) -> Strategy | None:
    """The strategy of a client of the year's cohort, None when it is not a big client.

    `values`: the client's raw metrics of the year (None: missing); `years_big`: how many
    consecutive years, ending with this one, the client has been on the big-client list."""
    if not rating.big:
        return None
    factors = rating.factors
    meets = []
    quality_loss = values.get("quality_loss")
    if (rating.score >= rules.invest_score and quality_loss is not None
            and quality_loss <= rules.invest_max_quality_loss):  # type: ignore[operator]
        meets.append("invest")
    collection = values.get("collection_rate")
    if (values.get("contract_volume") is not None and collection is not None
            and factors["contract_volume"] >= rules.volume_score
            and collection >= rules.collection_pct * RATE_PER_PCT):  # type: ignore[operator]
        meets.append("price_concession")
    if (years_big >= rules.stable_years and values.get("unit_price") is not None
            and factors["unit_price"] >= rules.price_score):
        meets.append("loose_collection")
    return Strategy(meets[0] if meets else "standard", commission(rating.score, rules),
                    tuple(meets))


def commission(score, rules: StrategyRules) -> str:
    """A for the best big clients, B for the next band, C for the other big clients."""
    if score >= rules.commission_a:
        return "A"
    if score >= rules.commission_b:
        return "B"
    return "C"


def years_on_list(client_id: str, year: int, big_by_year: Mapping[int, frozenset[str]]) -> int:
    """Consecutive years ending with `year` in which the client was a big client; a year
    missing from `big_by_year` ends the run."""
    count = 0
    while client_id in big_by_year.get(year - count, frozenset()):
        count += 1
    return count


def visit_minimum(level: str, strategy: str | None, config: Mapping) -> int:
    """A big client's yearly minimum of visits at `level`: the ordinary minimum, raised for an
    `invest` client (never lowered: the invest key below the ordinary one changes nothing)."""
    ordinary = config[f"corporate.visits.{level}"]
    if strategy == "invest":
        return max(ordinary, config[f"corporate.strategy.invest_visits.{level}"])
    return ordinary
