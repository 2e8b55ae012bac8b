"""`vipcrm tier`: recompute retail tiers, look at them, and rate corporate big clients."""

from __future__ import annotations

from typing import List, Optional, Tuple

import typer

from vipcrm.cli.common import (BadArgument, EncodingOption, Refused, check_encoding,
                               check_format, parse_date_option, state, typed_id)
from vipcrm.core.config import TIERS
from vipcrm.core.dates import read_date
from vipcrm.core.text import Code, Listing, Text, said
from vipcrm.formats.i18n import TIER_NAMES
from vipcrm.formats.output import Field

tier_app = typer.Typer(invoke_without_command=True)

SUMMARY_FIELDS = [
    Field("tier", "tier"), Field("clients", "int", True), Field("watch", "int", True),
    Field("basis_aum", "money", True), Field("aum", "money", True), Field("new", "int", True),
    Field("upgraded", "int", True), Field("downgraded", "int", True),
    Field("new_watch", "int", True), Field("recovered", "int", True),
    Field("untiered", "int", True),
]
LIST_FIELDS = [
    Field("client_id"), Field("name"), Field("tier", "tier"), Field("status", family="status"),
    Field("basis_aum", "money"), Field("aum", "money"), Field("since"), Field("branch"),
]
HISTORY_FIELDS = [
    Field("effective"), Field("from_tier", "tier"), Field("to_tier", "tier"),
    Field("status", family="status"), Field("basis_aum", "money"),
    Field("reason", family="tier_reason"), Field("household_id"),
]


@tier_app.callback()
def tier(
    ctx: typer.Context,
    recompute: bool = typer.Option(False, "--recompute", help="Recompute every client's tier."),
    as_of: Optional[str] = typer.Option(None, "--as-of",
                                        help="The date to tier as of (default today; not after)."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Print what would change, per tier; write nothing."),
    rebuild: bool = typer.Option(False, "--rebuild",
                                 help="Allow an as-of date before the last recompute: roll the "
                                      "tiers back to it and replay every later run."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Retail tiers by AUM, and corporate big clients.

    `tier --recompute` recomputes every retail client's tier: upgrade at once, downgrade only
    after the grace period. The basis is `tiering.basis`: daily_avg (mean daily AUM over `tiering.window_days`, from
    the client's first snapshot on) or point (AUM on the as-of date). A client whose basis falls
    below its tier's floor keeps the tier with status `watch` until its daily AUM has been below
    the floor on every day of the tier's grace period (`tiers.<tier>.grace_days`), then moves to
    the tier its basis qualifies for. Every change goes to the tier history. Recomputing the
    same date again changes nothing; an earlier date than the last run needs --rebuild.

    The summary per tier (JSON/CSV keys): tier, clients, watch, basis_aum, aum (totals in CNY),
    and the clients that came in: new, upgraded, downgraded, new_watch, recovered, untiered
    (closed or corporate clients that lost their tier). The `none` row holds clients below gold.

    \b
    Examples:
      vipcrm tier --recompute --dry-run
      vipcrm tier list --status watch
    """
    if ctx.invoked_subcommand is not None:
        if recompute or dry_run or rebuild or as_of:
            raise BadArgument(Text("--recompute, --as-of, --dry-run and --rebuild go without a "
                                   "subcommand"), "--recompute")
        return
    if not recompute:
        if dry_run or rebuild or as_of:
            raise BadArgument(Text("add --recompute"), "--recompute")
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    fmt = check_format(fmt)
    _recompute(ctx, parse_date_option(as_of, "--as-of"), dry_run, rebuild, fmt,
               check_encoding(encoding, fmt))


def _recompute(ctx, as_of, dry_run: bool, rebuild: bool, fmt: str, encoding: str | None) -> None:
    from vipcrm.core.tiering import TierRules
    from vipcrm.store.tiering import TieringRefused, recompute

    st = state(ctx)
    day = as_of or st.today
    rules = TierRules.from_config(st.config())
    db = st.db()
    try:
        result = recompute(db, day, rules, today=st.today, user=st.user(), dry_run=dry_run,
                           rebuild=rebuild)
    except TieringRefused as exc:
        raise Refused(said(exc)) from None
    _state_freshness(st, db.conn, result.as_of)
    for replayed in result.replayed:
        st.info(Text("replayed {date}", date=replayed))
    if rules.basis == "daily_avg":
        basis = Text("basis {basis}, {days}-day window", basis=Code("basis", rules.basis),
                     days=rules.window_days)
    else:
        basis = Text("basis {basis}", basis=Code("basis", rules.basis))
    done = Text("tiers as of {date}, {basis}: {clients} client(s) evaluated, {changes} "
                "change(s)", date=result.as_of, basis=basis, clients=result.clients,
                changes=result.changes)
    st.info(done + Text(" (dry run: nothing written)") if dry_run else done)
    title = Text("Tiers as of {date}", date=result.as_of)
    st.emit(result.summary, SUMMARY_FIELDS, fmt, title=title + Text(" — dry run") if dry_run
            else title, totals=True, encoding=encoding)


def _state_freshness(st, conn, day) -> None:
    """Say which data the tiers rest on, and warn when it is stale (DOMAIN §10)."""
    from vipcrm.core.planning import feeds_as_of, stale_feeds
    from vipcrm.store.planning import freshness, load_calendar

    latest = freshness(conn)
    positions = latest.get("positions")
    if positions is None:
        st.warn(Text("no positions imported yet: no client can hold a tier"))
        return
    st.info(Text("data as of: {feeds}", feeds=feeds_as_of(latest)))
    if positions < day:
        st.info(Text("balances after {last} are carried forward to {day}", last=positions,
                     day=day))
    calendar = load_calendar(conn)
    limit = st.config()["data.stale_after_days"]
    stale = stale_feeds(latest, st.today, calendar, limit)
    if stale:
        st.warn(Text("stale data: {feeds} older than {days} working day(s) before today; import "
                     "the latest extracts before relying on the tiers",
                     feeds=Listing(Code("feed", feed) for feed in stale), days=limit))
    for problem in calendar.problems():
        st.debug(problem)


def _tier_code(text: str) -> str:
    value = text.strip()
    for lang in ("en", "zh"):
        for code, name in TIER_NAMES[lang].items():
            if value.lower() in (code, name.lower()):
                if code == "none":
                    raise BadArgument(Text("clients below gold hold no tier and are not listed"),
                                      "--tier")
                return code
    raise BadArgument(Text("{value!r}; choose one of {choices}", value=text,
                           choices=", ".join(TIERS)), "--tier")


@tier_app.command("list")
def list_(
    ctx: typer.Context,
    tier_: List[str] = typer.Option([], "--tier", help="Only this tier (code or name); repeatable."),
    branch: Optional[str] = typer.Option(None, "--branch",
                                         help="Only clients of this branch (ownership branch, "
                                              "else home branch)."),
    status: Optional[str] = typer.Option(None, "--status", help="ok or watch."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """List tiered clients: highest tier first, then highest basis AUM.

    JSON/CSV keys: client_id, name, tier, status (ok/watch), basis_aum, aum, since, branch.
    Clients below gold hold no tier and are not listed.

    \b
    Examples:
      vipcrm tier list --tier black_gold --branch BJ01
      vipcrm tier list --status watch --format csv
    """
    from vipcrm.store.tiering import last_run, list_tiers

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    codes = [_tier_code(t) for t in tier_]
    if status is not None and status not in ("ok", "watch"):
        raise BadArgument(Text("{value!r}; choose ok or watch", value=status), "--status")
    conn = st.db().conn
    last = last_run(conn)
    if last is None:
        st.warn(Text("tiers were never computed; run `vipcrm tier --recompute`"))
    else:
        st.info(Text("tiers as of {date}", date=last))
        _state_freshness(st, conn, last)
    records = list_tiers(conn, tiers=codes, branch=branch, status=status)
    st.emit(records, LIST_FIELDS, fmt,
            title=Text("Tiers as of {date}", date=last) if last else None, encoding=encoding)


def _known_client(conn, client_id: str) -> dict:
    row = conn.execute("SELECT c.client_id, c.name, c.segment, c.closed_on, "
                       "COALESCE(o.branch, c.home_branch) FROM clients c "
                       "LEFT JOIN ownership o ON o.client_id = c.client_id "
                       "WHERE c.client_id = ?", [client_id]).fetchone()
    if row is None:
        raise Refused(Text("unknown client {client!r}; check the id or import clients first",
                           client=client_id))
    return dict(zip(("client_id", "name", "segment", "closed_on", "branch"), row))


@tier_app.command("show")
def show(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id.", callback=typed_id),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Show one client's tier, status, basis AUM and since when it holds the tier.

    JSON/CSV keys: client_id, name, tier (`none` below gold), status, basis_aum, aum, since,
    as_of (the recompute it comes from), branch.

    \b
    Example:
      vipcrm tier show C000001
    """
    from vipcrm.store.tiering import client_tier, last_run

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    conn = st.db().conn
    known = _known_client(conn, client)
    record = client_tier(conn, client)
    if record is None:
        last = last_run(conn)
        record = {"client_id": client, "name": known["name"], "tier": "none", "status": None,
                  "basis_aum": None, "aum": None, "since": None,
                  "as_of": last.isoformat() if last else None, "branch": known["branch"]}
        if known["segment"] == "corporate":
            st.info(Text("{client} is a corporate client: not tiered by AUM (see `tier "
                         "corporate`)", client=client))
        elif read_date(known["closed_on"]):
            st.info(Text("{client} closed on {date}: not tiered", client=client,
                         date=known["closed_on"]))
        else:
            st.info(Text("{client} holds no tier (below the gold floor at the last recompute)",
                         client=client))
    st.emit([record], LIST_FIELDS[:7] + [Field("as_of"), Field("branch")], fmt,
            encoding=encoding)


@tier_app.command("history")
def history(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id.", callback=typed_id),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Every tier change of one client, oldest first.

    JSON/CSV keys: effective, from_tier, to_tier (`none`: no tier), status (after the change),
    basis_aum, reason (new, upgrade, downgrade, watch, recovered, untiered), household_id (the
    household whose AUM was the basis, with tiering.household = on; empty: the client's own).

    \b
    Example:
      vipcrm tier history C000001 --format json
    """
    from vipcrm.store.tiering import client_history

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    conn = st.db().conn
    _known_client(conn, client)
    records = client_history(conn, client)
    for record in records:
        record["from_tier"] = record["from_tier"] or "none"
        record["to_tier"] = record["to_tier"] or "none"
    if not records:
        st.info(Text("no tier change recorded for {client}", client=client))
    st.emit(records, HISTORY_FIELDS, fmt, title=Text("Tier history of {client}", client=client),
            encoding=encoding)


CORPORATE_FIELDS = [
    Field("review_year", "int"), Field("rank", "int"), Field("client_id"), Field("name"),
    Field("score"), Field("big", "bool"), Field("review", family="review"),
    Field("missing", "list", family="field"), Field("strategy", family="strategy"),
    Field("derived_strategy", family="strategy"), Field("commission"),
    Field("meets", "list", family="strategy"), Field("overridden", "bool"),
    Field("override_reason"),
]


@tier_app.command("corporate")
def corporate(
    ctx: typer.Context,
    year: Optional[int] = typer.Option(None, "--year", min=1900, max=2100,
                                       help="Review year (default: the latest with metrics)."),
    set_strategy: Tuple[str, str] = typer.Option(
        (None, None), "--set-strategy", metavar="CLIENT CLASS",
        help="Set a big client's strategy for the year by hand: invest, price_concession, "
             "loose_collection or standard; `derived` goes back to the derived one. Needs "
             "--reason; audited."),
    reason: Optional[str] = typer.Option(None, "--reason",
                                         help="Why the strategy is set by hand (stored and "
                                              "shown with it)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Rate corporate clients from their imported metrics, review the big-client list and
    derive each big client's sales strategy.

    Each factor (`corporate.weights.<factor>`) is min-max normalised to 0-100 within the year's
    cohort (quality_loss: lower is better; credit ratings AAA 100 … C 0 first), then the score is
    the weighted mean. A factor equal across the cohort (or a cohort of one) gives 100 to every
    client that has it; a missing metric gives 0 and is listed. Score ≥
    `corporate.big_client_score` makes a big client. The review compares with the previous
    year's stored rating: entered, stayed, left. The ratings are stored for later years.

    Strategy, for big clients only, the first rule met in this order:
    invest when score ≥ corporate.strategy.invest_score (80) and quality_loss ≤
    corporate.strategy.invest_max_quality_loss (0 CNY): a good partner, whose yearly visit
    minimums become corporate.strategy.invest_visits.<level> (2/4/8); price_concession when
    the contract_volume factor score ≥ corporate.strategy.volume_score (70) and the
    collection rate ≥ corporate.strategy.collection_pct (95%); loose_collection when on the
    big-client list corporate.strategy.stable_years (2) years running, this one included,
    and the unit_price factor score ≥ corporate.strategy.price_score (70); else standard. A
    missing metric meets no rule. Commission class: A from corporate.strategy.commission_a_score
    (80), B from corporate.strategy.commission_b_score (70), C for the other big clients.
    --set-strategy CLIENT CLASS --reason R sets it by hand for the year (kept when the year is
    rated again; the derived class stays visible); CLASS `derived` removes that.

    JSON/CSV keys: review_year, rank, client_id, name, score (0-100, 2 decimals), big,
    review (entered, stayed, left or null), missing (list of factors), strategy (in force;
    null off the big-client list), derived_strategy, commission (A, B, C), meets (every rule
    met), overridden, override_reason.

    \b
    Example:
      vipcrm tier corporate
    """
    from vipcrm.core.corporate import CorporateError
    from vipcrm.core.strategy import STRATEGIES
    from vipcrm.store.corporate import CorporateRefused, StrategyOverride, rate_year

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    override = None
    client, chosen = set_strategy
    if client is None:
        if reason is not None:
            raise BadArgument(Text("goes with --set-strategy CLIENT CLASS"), "--reason")
    else:
        if chosen not in (*STRATEGIES, "derived"):
            raise BadArgument(Text("{value!r}; choose one of {choices}", value=chosen,
                                   choices=", ".join((*STRATEGIES, "derived"))),
                              "--set-strategy")
        if reason is None or not reason.strip():
            raise BadArgument(Text("say why the strategy is set by hand: --reason \"...\""),
                              "--reason")
        override = StrategyOverride(client.strip(), None if chosen == "derived" else chosen,
                                    reason.strip(), st.today)
    try:
        outcome = rate_year(st.db(), st.config(), year, user=st.user(), override=override)
    except (CorporateRefused, CorporateError) as exc:
        raise Refused(said(exc)) from None
    if outcome.previous is None:
        st.info(Text("no rating for {previous}: every big client of {year} counts as entered",
                     previous=outcome.year - 1, year=outcome.year))
    elif outcome.previous == "computed":
        st.info(Text("{previous} was never rated: compared with a rating of its metrics",
                     previous=outcome.year - 1))
    review = outcome.review
    st.info(Text("{year}: {rated} corporate(s) rated, {big} big client(s): {entered} entered, "
                 "{left} left, {stayed} stayed", year=outcome.year,
                 rated=len(outcome.records) - len(review.left_absent), big=len(review.current),
                 entered=len(review.entered), left=len(review.left),
                 stayed=len(review.stayed)))
    for record in outcome.records:
        if record["missing"] and record["rank"] is not None:
            st.warn(Text("{client}: missing {factors} (scored 0 on those factors)",
                         client=record["client_id"],
                         factors=Listing(Code("field", f) for f in record["missing"])))
    for idle in outcome.idle_overrides:
        st.warn(Text("{client}: its strategy override for {year} is kept but not applied: it "
                     "is not a big client of {year}", client=idle, year=outcome.year))
    if override is not None:
        done = next(r for r in outcome.records if r["client_id"] == override.client_id)
        if override.strategy is None:
            st.info(Text("{client}: back to its derived strategy {derived} for {year}",
                         client=done["client_id"],
                         derived=Code("strategy", done["derived_strategy"]), year=outcome.year))
        else:
            st.info(Text("{client}: strategy {strategy} for {year} set by hand (derived: "
                         "{derived}); recorded in the audit log", client=done["client_id"],
                         strategy=Code("strategy", done["strategy"]),
                         derived=Code("strategy", done["derived_strategy"]),
                         year=outcome.year))
    records = outcome.records
    if fmt == "table":
        for record in records:
            if record["score"] is not None:
                record["score"] = f"{record['score']:.2f}"
    threshold = st.config()["corporate.big_client_score"]
    st.emit(records, CORPORATE_FIELDS, fmt,
            title=Text("Corporate rating {year} (big client: score ≥ {threshold})",
                       year=outcome.year, threshold=threshold), encoding=encoding)


def register(app: typer.Typer) -> None:
    app.add_typer(tier_app, name="tier")
