"""Every number of the domain rules, with its default, in one place.

The database stores only the keys a user changed (`settings` table); `Config` layers them over
these defaults. Rules receive a `Config` and never hard-code a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from vipcrm.core.text import Text, said

TIERS = ("black_gold", "diamond", "premier_platinum", "platinum", "premier_gold", "gold")
GRADES = ("senior", "l1", "l2", "l3", "l4", "trainee")
ASSET_CLASSES = ("deposit", "wealth", "fund", "insurance", "bond", "metal", "custody", "loan", "credit")
REASONS = (
    "risk_expiry", "id_expiry", "maturity", "nav_drop", "aum_outflow", "followup_due",
    "corporate_visit", "birthday", "anniversary", "holiday", "period_end", "cadence", "new_product",
    "contact_birthday", "campaign", "retention",
)
PROFILE_FIELDS = (
    "phone", "birth_date", "gender", "risk_level", "occupation", "marital_status", "family",
    "hobbies", "product_preferences", "wealth_source", "preferred_channel", "address",
)
CORPORATE_FACTORS = (
    "contract_volume", "unit_price", "revenue", "collection_rate", "profit", "quality_loss",
    "industry_influence", "credit_rating",
)

_FLOORS = (10_000_000, 5_000_000, 3_000_000, 1_000_000, 500_000, 200_000)
_CADENCE = (30, 45, 60, 90, 120, 180)
_GRACE = (180, 90, 90, 90, 90, 90)
_CAPACITY = (50, 80, 120, 150, 200, 100)
_EXPIRY = {
    "risk_expiry": -1, "id_expiry": -1, "maturity": 7, "nav_drop": 14, "aum_outflow": 30,
    "followup_due": 30, "corporate_visit": 0, "birthday": 3, "anniversary": 3, "holiday": 3,
    "period_end": 5, "cadence": -1, "new_product": 14, "contact_birthday": 3,
    # A campaign's calls end with the campaign; a retention call stays owed as an outflow's does.
    "campaign": 0, "retention": 30,
}
# Days before a maturity its call window opens, per asset class (others: 7). A wealth product's
# proceeds need two weeks' notice: the client picks the next product before the money is idle.
_MATURITY_LEAD = {"wealth": 14}
# Weights of DOMAIN §7; they sum to 100. Contact data and suitability weigh most because an RM
# can neither call nor sell without them.
_PROFILE_WEIGHTS = {
    "phone": 15, "birth_date": 10, "gender": 5, "risk_level": 15, "occupation": 8,
    "marital_status": 7, "family": 7, "hobbies": 6, "product_preferences": 10,
    "wealth_source": 7, "preferred_channel": 5, "address": 5,
}
# How a campaign ranks its targets: a stated preference for the product's asset class weighs
# most, then money ready to invest (idle cash, funds maturing during the campaign).
_CAMPAIGN_WEIGHTS = {"preference": 40, "idle_cash": 30, "maturing": 30}
# The attrition score's factors: a falling AUM is the surest sign, money sent to other banks the
# most direct; contact and unreinvested maturities are early signs.
_ATTRITION_WEIGHTS = {"trend": 40, "outflow": 30, "contact": 15, "maturity": 15}
# The visit minimums of an `invest` big client (seed §3.4: more visits for good partners): twice
# the ordinary ones.
_INVEST_VISITS = {"leadership": 2, "technical": 4, "business": 8}
_CORPORATE_WEIGHTS = {
    "contract_volume": 20, "unit_price": 10, "revenue": 20, "collection_rate": 15, "profit": 15,
    "quality_loss": 5, "industry_influence": 10, "credit_rating": 5,
}


# Upper ends of the number keys: ten years for any span of days, a trillion yuan for a floor
# (its fen times a year of days stays far inside 64 bits), weights that cannot overflow a sum.
MAX_DAYS = 3650
MAX_FLOOR_CNY = 1_000_000_000_000
MAX_WEIGHT = 1000


class ConfigError(ValueError):
    """A key or value the configuration does not accept."""


def _int(low: int, high: int) -> Callable[[Any], int]:
    """A whole number in [low, high]. Every number key has both ends: a value past them would
    push a date past year 9999, a sum past 64 bits or a loop past any night's budget."""
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ConfigError(Text("expected a whole number {low} to {high}", low=low, high=high))
        if isinstance(value, str):
            value = value.strip().replace("_", "")
            digits = value[1:] if value[:1] == "-" else value
            if not (digits.isdigit() and digits.isascii()) or len(digits) > 18:
                raise ConfigError(_not_whole(low, high, repr(value[:20])))
        if isinstance(value, float):
            if not value.is_integer():
                raise ConfigError(_not_whole(low, high, repr(value)))
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ConfigError(_not_whole(low, high, repr(value))) from None
        if not low <= number <= high:
            raise ConfigError(_not_whole(low, high, number))
        return number

    parse.bounds = (low, high)  # type: ignore[attr-defined]
    return parse


def _not_whole(low: int, high: int, got: Any) -> Text:
    return Text("expected a whole number {low} to {high}, got {got}", low=low, high=high, got=got)


_pct = _int(0, 100)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1", "y", "on"):
        return True
    if text in ("false", "no", "0", "n", "off"):
        return False
    raise ConfigError(Text("expected true or false, got {value!r}", value=value))


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if text not in choices:
            raise ConfigError(Text("expected one of {choices}, got {value!r}",
                                   choices=", ".join(choices), value=text))
        return text

    return parse


def _classes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    classes = tuple(str(item).strip() for item in items if str(item).strip())
    unknown = [c for c in classes if c not in ASSET_CLASSES]
    if unknown or not classes:
        raise ConfigError(Text("expected a comma-separated list of {classes}, got {value!r}",
                               classes=", ".join(ASSET_CLASSES), value=value))
    return classes


@dataclass(frozen=True)
class Key:
    name: str
    default: Any
    parse: Callable[[Any], Any]
    domain: str
    help: str


def _keys() -> list[Key]:
    keys: list[Key] = []
    for tier, floor, cadence, grace in zip(TIERS, _FLOORS, _CADENCE, _GRACE):
        keys.append(Key(f"tiers.{tier}.floor", floor, _int(0, MAX_FLOOR_CNY), "§1",
                        f"AUM floor of {tier} (CNY)"))
        keys.append(Key(f"tiers.{tier}.cadence_days", cadence, _int(1, MAX_DAYS), "§1 §4",
                        f"contact cadence of {tier} (days)"))
        keys.append(Key(f"tiers.{tier}.grace_days", grace, _int(1, MAX_DAYS), "§1",
                        f"grace period of {tier}: downgraded once the mean daily AUM "
                        "over these days is below its floor"))
    keys += [
        Key("tiering.basis", "daily_avg", _choice("daily_avg", "point"), "§1",
            "daily_avg (mean daily AUM over the window) or point (AUM on the as-of date)"),
        Key("tiering.window_days", 30, _int(1, 366), "§1", "window of the daily_avg basis (days)"),
        Key("tiering.household", "off", _choice("off", "on"), "§1",
            "on: each member of a household is tiered by the household's AUM (the sum of its "
            "open retail members' AUM, same basis, grace and upgrade rules)"),
        Key("aum.asset_classes", ("deposit", "wealth", "fund", "insurance", "bond", "metal", "custody"),
            _classes, "§1", "asset classes counted in AUM"),
    ]
    for grade, capacity in zip(GRADES, _CAPACITY):
        keys.append(Key(f"grades.{grade}.capacity", capacity, _int(0, 100_000), "§3",
                        f"book capacity of a {grade} RM (clients)"))
    keys += [
        Key("ownership.window_days", 365, _int(1, MAX_DAYS), "§3", "trailing window for the ownership branch"),
        Key("plan.daily_capacity", 12, _int(1, 1000), "§4", "clients per RM per day"),
    ]
    for cls in ASSET_CLASSES:
        keys.append(Key(f"plan.maturity_lead.{cls}", _MATURITY_LEAD.get(cls, 7), _int(1, 365), "§4",
                        f"days before a {cls} position matures that its call window opens"))
    keys += [
        Key("plan.retention_days", 7, _int(0, 365), "§8",
            "days after a maturity within which reinvested money counts as retained"),
        Key("plan.nav_drop_pct", 5, _int(1, 100), "§4", "NAV drop from the 30-day high that triggers a call"),
        Key("plan.outflow_pct", 30, _int(1, 100), "§4", "AUM drop over 30 days that triggers a call"),
    ]
    for reason in REASONS:
        keys.append(Key(f"plan.expiry_days.{reason}", _EXPIRY[reason], _int(-1, MAX_DAYS), "§4",
                        f"days after due before a {reason} task is missed (-1: never)"))
    keys += [
        Key("suitability.valid_days", 365, _int(1, MAX_DAYS), "§5", "days a risk assessment stays valid"),
        Key("suitability.elderly_age", 65, _int(18, 150), "§5",
            "age from which R4-R5 sales need a dual recording (双录) and no phone or SMS"),
        Key("suitability.cooling_off_hours", 24, _int(24, 720), "§5",
            "cooling-off period of a sale, from the end of its day, during which the client may "
            "cancel (hours; 24 is the regulatory minimum)"),
        Key("corporate.big_client_score", 60, _pct, "§2", "score for the big-client list"),
    ]
    for factor in CORPORATE_FACTORS:
        keys.append(Key(f"corporate.weights.{factor}", _CORPORATE_WEIGHTS[factor], _int(0, MAX_WEIGHT), "§2",
                        f"weight of {factor} in the corporate score"))
    for level, minimum in (("leadership", 1), ("technical", 2), ("business", 4)):
        keys.append(Key(f"corporate.visits.{level}", minimum, _int(0, 366), "§2",
                        f"{level} visits per big client per year"))
    keys += _strategy_keys()
    keys += [
        Key("kpi.vip_time_target_pct", 70, _pct, "§8", "target share of RM time on VIP clients"),
    ]
    for component, weight in (("results", 50), ("process", 20), ("teamwork", 15), ("feedback", 15)):
        keys.append(Key(f"kpi.weights.{component}", weight, _int(0, MAX_WEIGHT), "§8",
                        f"weight of {component} in the RM scorecard"))
    keys += [
        Key("kpi.review.promote_pct", 20, _pct, "§8", "share of RMs the year-end review promotes"),
        Key("kpi.review.demote_pct", 10, _pct, "§8", "share of RMs the year-end review demotes"),
    ]
    keys += [
        Key("campaign.daily_per_rm", 5, _int(1, 1000), "§4",
            "campaign calls that open per RM per working day: `campaign create` spreads each "
            "RM's targets over the campaign's working days, best first"),
        Key("campaign.idle_cash", 100_000, _int(0, MAX_FLOOR_CNY), "§4",
            "demand deposits (CNY) from which a campaign counts a client's cash as idle"),
    ]
    for factor, weight in _CAMPAIGN_WEIGHTS.items():
        keys.append(Key(f"campaign.weights.{factor}", weight, _int(0, MAX_WEIGHT), "§4",
                        f"weight of {factor.replace('_', ' ')} in a campaign target's fit score"))
    keys += [
        Key("attrition.trend_pct", 20, _int(1, 100), "§4",
            "AUM fall over 30, 90 or 180 days that counts in the attrition score (%)"),
        Key("attrition.outflow_pct", 30, _int(1, 100), "§4",
            "net transfers out to other banks over 90 days, as a share of the AUM 90 days "
            "before, that gives the outflow factor its full weight (%)"),
        Key("attrition.task_score", 60, _int(1, 100), "§4",
            "attrition score from which a client gets a retention task"),
    ]
    for factor, weight in _ATTRITION_WEIGHTS.items():
        keys.append(Key(f"attrition.weights.{factor}", weight, _int(0, MAX_WEIGHT), "§4",
                        f"weight of {factor} in the attrition score"))
    keys.append(Key("followup.max_backdate_days", 7, _int(0, MAX_DAYS), "§6",
                    "calendar days before today a contact logged by `followup log` may be dated "
                    "(imported contact history is not limited)"))
    keys.append(Key("profile.target_pct", 80, _pct, "§7", "profile completeness target"))
    for field in PROFILE_FIELDS:
        keys.append(Key(f"profile.weights.{field}", _PROFILE_WEIGHTS[field], _int(0, MAX_WEIGHT), "§7",
                        f"weight of {field} in profile completeness"))
    keys += [
        Key("assign.include_untiered", False, _bool, "§3",
            "let the assignment run give RMs to clients below gold"),
        Key("data.stale_after_days", 1, _int(0, 365), "§10",
            "working days after which position or transaction data is called stale"),
        Key("import.positions_full_snapshot", True, _bool, "§1 §10",
            "nightly: a positions file is the whole bank's holdings on each of its dates, so "
            "every open position absent from it is closed"),
        Key("outbox.encoding", "utf-8-sig", _choice("utf-8-sig", "utf-8", "gbk", "gb18030"), "§4",
            "encoding of the nightly's CSV plan files: utf-8-sig (UTF-8 that Excel reads), "
            "utf-8, gbk or gb18030"),
    ]
    return keys


def _strategy_keys() -> list[Key]:
    """The rules of a big client's sales strategy (seed §3.4, core/strategy.py)."""
    prefix = "corporate.strategy."
    keys = [
        Key(prefix + "volume_score", 70, _pct, "§2",
            "contract_volume factor score (0-100 in the year's cohort) from which a big client's "
            "volume is large (price_concession)"),
        Key(prefix + "collection_pct", 95, _pct, "§2",
            "collection rate (%) from which a big client pays well (price_concession)"),
        Key(prefix + "price_score", 70, _pct, "§2",
            "unit_price factor score (0-100 in the year's cohort) from which a big client's "
            "price is high (loose_collection)"),
        Key(prefix + "stable_years", 2, _int(1, 20), "§2",
            "consecutive years on the big-client list, this one included, that make a client "
            "stable (loose_collection)"),
        Key(prefix + "invest_score", 80, _pct, "§2",
            "rating score from which a big client is a good partner (invest)"),
        Key(prefix + "invest_max_quality_loss", 0, _int(0, MAX_FLOOR_CNY), "§2",
            "largest quality loss (CNY) of a good partner (invest); 0: none at all"),
        Key(prefix + "commission_a_score", 80, _pct, "§2",
            "rating score from which a big client's commission class is A"),
        Key(prefix + "commission_b_score", 70, _pct, "§2",
            "rating score from which a big client's commission class is B (other big clients: C)"),
    ]
    for level, minimum in _INVEST_VISITS.items():
        keys.append(Key(f"{prefix}invest_visits.{level}", minimum, _int(0, 366), "§2",
                        f"{level} visits per year of an invest client (never fewer than "
                        f"corporate.visits.{level})"))
    return keys


KEYS: dict[str, Key] = {key.name: key for key in _keys()}


# Keys of earlier versions, and what replaced them.
RENAMED = {
    "plan.maturity_lead_days": Text("one key per asset class, {keys} (e.g. {example})",
                                    keys="plan.maturity_lead.<class>",
                                    example="plan.maturity_lead.wealth"),
}


def parse_value(name: str, value: Any) -> Any:
    """The typed value of `name`, or ConfigError naming the valid keys."""
    key = KEYS.get(name)
    if key is None and name in RENAMED:
        raise ConfigError(Text("{key} was replaced by {keys}; set those instead", key=name,
                               keys=RENAMED[name]))
    if key is None:
        raise ConfigError(Text("unknown key {key!r}; valid keys: {keys} (see `vipcrm config "
                               "show`)", key=name, keys=", ".join(KEYS)))
    try:
        return key.parse(value)
    except ConfigError as exc:
        raise ConfigError(Text("{key}: {problem}", key=name, problem=said(exc))) from None


def encode(value: Any) -> str:
    """How a value is stored in the settings table."""
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Config(Mapping[str, Any]):
    """Defaults overlaid with the user's settings; read-only."""

    def __init__(self, overrides: Mapping[str, Any] | None = None):
        self._values = {name: key.default for name, key in KEYS.items()}
        self._overridden: set[str] = set()
        for name, value in (overrides or {}).items():
            if name in KEYS:  # a key dropped by a newer version is ignored, not fatal
                self._values[name] = parse_value(name, value)
                self._overridden.add(name)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def is_default(self, name: str) -> bool:
        return name not in self._overridden

    # Shorthands used by the rules.
    def floor_fen(self, tier: str) -> int:
        return self._values[f"tiers.{tier}.floor"] * 100

    def tier_value(self, tier: str, what: str) -> Any:
        return self._values[f"tiers.{tier}.{what}"]

    def capacity(self, grade: str) -> int:
        return self._values[f"grades.{grade}.capacity"]

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Config":
        merged = {name: self._values[name] for name in self._overridden}
        merged.update(overrides)
        return Config(merged)


def validate_many(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Parse every pair or raise on the first bad one (used by `config load`)."""
    return {name: parse_value(name, value) for name, value in pairs}
