"""`vipcrm tier`: recompute retail tiers, look at them, and rate corporate big clients."""

from __future__ import annotations

from typing import List, Optional

import typer

from vipcrm.cli.common import Refused, check_format, parse_date_option, state
from vipcrm.core.config import TIERS
from vipcrm.formats.i18n import TIER_NAMES
from vipcrm.formats.output import Field

tier_app = typer.Typer(invoke_without_command=True)

STATUS_ZH = {"ok": "正常", "watch": "关注"}
REVIEW_ZH = {"entered": "新进", "stayed": "保持", "left": "退出"}

SUMMARY_FIELDS = [
    Field("tier", "tier"), Field("clients", "int", True), Field("watch", "int", True),
    Field("basis_aum", "money", True), Field("aum", "money", True), Field("new", "int", True),
    Field("upgraded", "int", True), Field("downgraded", "int", True),
    Field("new_watch", "int", True), Field("recovered", "int", True),
    Field("untiered", "int", True),
]
LIST_FIELDS = [
    Field("client_id"), Field("name"), Field("tier", "tier"), Field("status"),
    Field("basis_aum", "money"), Field("aum", "money"), Field("since"), Field("branch"),
]
HISTORY_FIELDS = [
    Field("effective"), Field("from_tier", "tier"), Field("to_tier", "tier"), Field("status"),
    Field("basis_aum", "money"), Field("reason"), Field("household_id"),
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

    Example: vipcrm tier --recompute --as-of 2026-11-30 --dry-run
    """
    if ctx.invoked_subcommand is not None:
        if recompute or dry_run or rebuild or as_of:
            raise typer.BadParameter("--recompute, --as-of, --dry-run and --rebuild go without "
                                     "a subcommand", param_hint="--recompute")
        return
    if not recompute:
        if dry_run or rebuild or as_of:
            raise typer.BadParameter("add --recompute", param_hint="--recompute")
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    _recompute(ctx, parse_date_option(as_of, "--as-of"), dry_run, rebuild, check_format(fmt))


def _recompute(ctx, as_of, dry_run: bool, rebuild: bool, fmt: str) -> None:
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
        raise Refused(str(exc)) from None
    _state_freshness(st, db.conn, result.as_of)
    for replayed in result.replayed:
        st.info(f"replayed {replayed}")
    window = f", {rules.window_days}-day window" if rules.basis == "daily_avg" else ""
    mode = " (dry run: nothing written)" if dry_run else ""
    st.info(f"tiers as of {result.as_of}, basis {rules.basis}{window}: {result.clients} "
            f"client(s) evaluated, {result.changes} change(s){mode}")
    title = f"Tiers as of {result.as_of}" + (" — dry run" if dry_run else "")
    st.emit(result.summary, SUMMARY_FIELDS, fmt, title=title, totals=True)


def _state_freshness(st, conn, day) -> None:
    """Say which data the tiers rest on, and warn when it is stale (DOMAIN §10)."""
    from vipcrm.core.planning import stale_feeds
    from vipcrm.store.planning import freshness, load_calendar

    latest = freshness(conn)
    positions = latest.get("positions")
    if positions is None:
        st.warn("no positions imported yet: no client can hold a tier")
        return
    st.info("data as of: " + ", ".join(f"{feed} {seen or 'none'}" for feed, seen in latest.items()))
    if positions < day:
        st.info(f"balances after {positions} are carried forward to {day}")
    calendar = load_calendar(conn)
    limit = st.config()["data.stale_after_days"]
    stale = stale_feeds(latest, st.today, calendar, limit)
    if stale:
        st.warn(f"stale data: {', '.join(stale)} older than {limit} working day(s) before "
                "today; import the latest extracts before relying on the tiers")
    for problem in calendar.problems():
        st.debug(problem)


def _tier_code(text: str) -> str:
    value = text.strip()
    for lang in ("en", "zh"):
        for code, name in TIER_NAMES[lang].items():
            if value.lower() in (code, name.lower()):
                if code == "none":
                    raise typer.BadParameter("clients below gold hold no tier and are not "
                                             "listed", param_hint="--tier")
                return code
    raise typer.BadParameter(f"{text!r}; choose one of {', '.join(TIERS)}", param_hint="--tier")


def _localise(records: list[dict], fmt: str, lang: str, column: str, names: dict) -> None:
    if fmt == "table" and lang == "zh":
        for record in records:
            record[column] = names.get(record[column], record[column])


@tier_app.command("list")
def list_(
    ctx: typer.Context,
    tier_: List[str] = typer.Option([], "--tier", help="Only this tier (code or name); repeatable."),
    branch: Optional[str] = typer.Option(None, "--branch",
                                         help="Only clients of this branch (ownership branch, "
                                              "else home branch)."),
    status: Optional[str] = typer.Option(None, "--status", help="ok or watch."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """List tiered clients: highest tier first, then highest basis AUM.

    JSON/CSV keys: client_id, name, tier, status (ok/watch), basis_aum, aum, since, branch.
    Clients below gold hold no tier and are not listed.

    Example: vipcrm tier list --tier diamond --status watch --format csv
    """
    from vipcrm.store.tiering import last_run, list_tiers

    st = state(ctx)
    fmt = check_format(fmt)
    codes = [_tier_code(t) for t in tier_]
    if status is not None and status not in ("ok", "watch"):
        raise typer.BadParameter(f"{status!r}; choose ok or watch", param_hint="--status")
    conn = st.db().conn
    last = last_run(conn)
    if last is None:
        st.warn("tiers were never computed; run `vipcrm tier --recompute`")
    else:
        st.info(f"tiers as of {last}")
        _state_freshness(st, conn, last)
    records = list_tiers(conn, tiers=codes, branch=branch, status=status)
    _localise(records, fmt, st.lang, "status", STATUS_ZH)
    st.emit(records, LIST_FIELDS, fmt, title=f"Tiers as of {last}" if last else None)


def _known_client(conn, client_id: str) -> dict:
    row = conn.execute("SELECT c.client_id, c.name, c.segment, c.closed_on, "
                       "COALESCE(o.branch, c.home_branch) FROM clients c "
                       "LEFT JOIN ownership o ON o.client_id = c.client_id "
                       "WHERE c.client_id = ?", [client_id]).fetchone()
    if row is None:
        raise Refused(f"unknown client {client_id!r}; check the id or import clients first")
    return dict(zip(("client_id", "name", "segment", "closed_on", "branch"), row))


@tier_app.command("show")
def show(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Show one client's tier, status, basis AUM and since when it holds the tier.

    JSON/CSV keys: client_id, name, tier (`none` below gold), status, basis_aum, aum, since,
    as_of (the recompute it comes from), branch.

    Example: vipcrm tier show C0001
    """
    from vipcrm.store.tiering import client_tier, last_run

    st = state(ctx)
    fmt = check_format(fmt)
    conn = st.db().conn
    known = _known_client(conn, client)
    record = client_tier(conn, client)
    if record is None:
        last = last_run(conn)
        record = {"client_id": client, "name": known["name"], "tier": "none", "status": None,
                  "basis_aum": None, "aum": None, "since": None,
                  "as_of": last.isoformat() if last else None, "branch": known["branch"]}
        if known["segment"] == "corporate":
            st.info(f"{client} is a corporate client: not tiered by AUM (see `tier corporate`)")
        elif known["closed_on"]:
            st.info(f"{client} closed on {known['closed_on']}: not tiered")
        else:
            st.info(f"{client} holds no tier (below the gold floor at the last recompute)")
    records = [record]
    _localise(records, fmt, st.lang, "status", STATUS_ZH)
    st.emit(records, LIST_FIELDS[:7] + [Field("as_of"), Field("branch")], fmt)


@tier_app.command("history")
def history(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Every tier change of one client, oldest first.

    JSON/CSV keys: effective, from_tier, to_tier (`none`: no tier), status (after the change),
    basis_aum, reason (new, upgrade, downgrade, watch, recovered, untiered), household_id (the
    household whose AUM was the basis, with tiering.household = on; empty: the client's own).

    Example: vipcrm tier history C0001 --format json
    """
    from vipcrm.store.tiering import client_history

    st = state(ctx)
    fmt = check_format(fmt)
    conn = st.db().conn
    _known_client(conn, client)
    records = client_history(conn, client)
    for record in records:
        record["from_tier"] = record["from_tier"] or "none"
        record["to_tier"] = record["to_tier"] or "none"
    if not records:
        st.info(f"no tier change recorded for {client}")
    _localise(records, fmt, st.lang, "status", STATUS_ZH)
    st.emit(records, HISTORY_FIELDS, fmt, title=f"Tier history of {client}")


CORPORATE_FIELDS = [
    Field("review_year", "int"), Field("rank", "int"), Field("client_id"), Field("name"),
    Field("score"), Field("big", "bool"), Field("review"), Field("missing", "list"),
]


@tier_app.command("corporate")
def corporate(
    ctx: typer.Context,
    year: Optional[int] = typer.Option(None, "--year", min=1900, max=2100,
                                       help="Review year (default: the latest with metrics)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
) -> None:
    """Rate corporate clients from their imported metrics and review the big-client list.

    Each factor (`corporate.weights.<factor>`) is min-max normalised to 0-100 within the year's
    cohort (quality_loss: lower is better; credit ratings AAA 100 … C 0 first), then the score is
    the weighted mean. A factor equal across the cohort (or a cohort of one) gives 100 to every
    client that has it; a missing metric gives 0 and is listed. Score ≥
    `corporate.big_client_score` makes a big client. The review compares with the previous
    year's stored rating: entered, stayed, left. The ratings are stored for later years.

    JSON/CSV keys: review_year, rank, client_id, name, score (0-100, 2 decimals), big,
    review (entered, stayed, left or null), missing (list of factors).

    Example: vipcrm tier corporate --year 2026
    """
    from vipcrm.core.corporate import CorporateError
    from vipcrm.store.corporate import CorporateRefused, rate_year

    st = state(ctx)
    fmt = check_format(fmt)
    try:
        outcome = rate_year(st.db(), st.config(), year, user=st.user())
    except (CorporateRefused, CorporateError) as exc:
        raise Refused(str(exc)) from None
    if outcome.previous is None:
        st.info(f"no rating for {outcome.year - 1}: every big client of {outcome.year} counts "
                "as entered")
    elif outcome.previous == "computed":
        st.info(f"{outcome.year - 1} was never rated: compared with a rating of its metrics")
    review = outcome.review
    st.info(f"{outcome.year}: {len(outcome.records) - len(review.left_absent)} corporate(s) rated, "
            f"{len(review.current)} big client(s): {len(review.entered)} entered, "
            f"{len(review.left)} left, {len(review.stayed)} stayed")
    for record in outcome.records:
        if record["missing"] and record["rank"] is not None:
            st.warn(f"{record['client_id']}: missing {', '.join(record['missing'])} "
                    "(scored 0 on those factors)")
    records = outcome.records
    _localise(records, fmt, st.lang, "review", REVIEW_ZH)
    if fmt == "table":
        for record in records:
            if record["score"] is not None:
                record["score"] = f"{record['score']:.2f}"
    threshold = st.config()["corporate.big_client_score"]
    st.emit(records, CORPORATE_FIELDS, fmt,
            title=f"Corporate rating {outcome.year} (big client: score ≥ {threshold})")


def register(app: typer.Typer) -> None:
    app.add_typer(tier_app, name="tier")
