"""`vipcrm campaign`: targeted lists for a product (新品发售), their calls in the RMs' plans, and
what came of them."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import typer

from vipcrm.cli.common import (BadArgument, EncodingOption, Refused, State, check_encoding,
                               check_format, parse_date_option, state, typed_id)
from vipcrm.core.dates import read_date
from vipcrm.cli.report_cmd import checked_scope
from vipcrm.core.text import Code, Joined, Listing, Text, said
from vipcrm.formats.output import Field

campaign_app = typer.Typer(
    no_args_is_help=True,
    help="""Campaigns: a product's ranked target list, its calls in the RMs' plans, and what
    came of them.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum --min-aum 3000000 && vipcrm campaign report 1
    """,
)

MAX_ID = 2 ** 63 - 1  # SQLite's largest integer
FORMAT = typer.Option("table", "--format", "-f", help="table, csv or json.", case_sensitive=False)
# On a narrow screen the fit's parts go first, then where the client banks: the rank, the
# client, its RM and the day of its call stay.
TARGET_FIELDS = [Field("rank", "int", drop=0), Field("client_id", drop=0), Field("name"),
                 Field("tier", "tier", drop=2), Field("branch", drop=2), Field("rm_id", drop=0),
                 Field("score", "int"), Field("preference", "bool", drop=3),
                 Field("idle_cash", "bool", drop=3), Field("maturing_on", drop=3),
                 Field("slot", drop=0)]
SHOW_FIELDS = TARGET_FIELDS + [Field("status", "code", drop=0, family="target_status"),
                               Field("amount", "money", True)]
LIST_FIELDS = [Field("campaign_id", "int", drop=0), Field("name", drop=2),
               Field("product_code", drop=0), Field("starts_on", drop=0),
               Field("ends_on", drop=0), Field("tiers", "list", drop=3, family="tier_code"),
               Field("status", "code", drop=0, family="campaign_status"),
               Field("targets", "int", True, drop=0), Field("created_on", drop=4),
               Field("closed_on", drop=4)]
REPORT_FIELDS = [Field("campaign_id", "int", drop=0), Field("product_code", drop=3),
                 Field("branch", drop=0), Field("rm_id", drop=0), Field("name", drop=2),
                 Field("targets", "int", True, drop=0), Field("reached", "int", True, drop=0),
                 Field("sold", "int", True, drop=0), Field("amount", "money", True, drop=0),
                 Field("reached_pct", "pct"), Field("conversion_pct", "pct")]
# A campaign's dates, not a client's (formats.i18n reads closed_on as the day an account closed),
# and whether the product fits the client's preferences, not the stated preference itself.
LABELS_ZH = {"created_on": "创建日", "closed_on": "结束日", "preference": "偏好匹配"}


def _emit(st: State, records: list[dict], fields: list[Field], fmt: str, encoding: str | None,
          *, totals: bool = False) -> None:
    """As State.emit, with the campaign's own Chinese labels in a table."""
    if fmt != "table" or st.lang != "zh":
        st.emit(records, fields, fmt, totals=totals, encoding=encoding)
        return
    from vipcrm.formats.i18n import header, render
    from vipcrm.formats.output import print_table, table_cell

    rows = [[table_cell(r.get(f.key), f, st.lang) for f in fields] for r in records]
    total = None
    if totals and records:
        total = [table_cell(sum(r.get(f.key) or 0 for r in records), f, st.lang) if f.total
                 else (render(Text("Total"), st.lang) if i == 0 else "")
                 for i, f in enumerate(fields)]
    labels = [LABELS_ZH.get(f.key) or header(f.key, st.lang) for f in fields]
    st.left_out(print_table(st.out, fields, labels, rows, total=total))


def _tiers(text: str) -> tuple[str, ...]:
    from vipcrm.core.config import TIERS

    tiers = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    unknown = [t for t in tiers if t not in TIERS]
    if unknown or not tiers:
        raise BadArgument(Text("{value!r}; give one or more of {tiers}, comma-separated",
                               value=text, tiers=", ".join(TIERS)), "--tiers")
    return tuple(t for t in TIERS if t in tiers)


def _money(text: Optional[str], option: str) -> Optional[int]:
    if text is None:
        return None
    from vipcrm.formats.values import BadValue, parse_money

    try:
        fen = parse_money(text.strip())
    except BadValue as exc:
        raise BadArgument(Text("{problem}", problem=said(exc)), option) from None
    if fen < 0 or fen > 10 ** 15:
        raise BadArgument(Text("{value!r}; give an amount from 0 to 10,000,000,000,000 CNY",
                               value=text), option)
    return fen


def _window(start: Optional[str], end: Optional[str], launch: Optional[str],
            today: dt.date) -> tuple[dt.date, dt.date]:
    from vipcrm.core.campaign import DEFAULT_DAYS, MAX_DAYS
    from vipcrm.core.dates import shift

    first = parse_date_option(start, "--from")
    if first is None:
        # A launch date outside the known dates is unknown: the campaign starts today.
        launched = read_date(launch)
        first = max(today, launched) if launched else today
    if first < today:
        raise BadArgument(Text("{first} is before today ({today}); a campaign starts today or "
                               "later, so no plan of a past day changes", first=first,
                               today=today), "--from")
    last = parse_date_option(end, "--to") or shift(first, DEFAULT_DAYS - 1)
    if last < first:
        raise BadArgument(Text("{last} is before the campaign's first day {first}", last=last,
                               first=first), "--to")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadArgument(Text("{first} to {last} is {days} days; a campaign runs at most "
                               "{most} days", first=first, last=last,
                               days=(last - first).days + 1, most=MAX_DAYS), "--to")
    return first, last


def _campaign(conn, campaign_id: int) -> dict:
    from vipcrm.store.campaign import campaign

    found = campaign(conn, campaign_id)
    if found is None:
        raise Refused(Text("unknown campaign {id}; `vipcrm campaign list` lists them",
                           id=campaign_id))
    return found


@campaign_app.command("create")
def create(
    ctx: typer.Context,
    product_code: str = typer.Argument(..., metavar="PRODUCT", help="The product's code.",
                                       callback=typed_id),
    tiers: str = typer.Option(..., "--tiers", help="The tiers called, comma-separated: "
                                                   "black_gold, diamond, premier_platinum, "
                                                   "platinum, premier_gold, gold."),
    name: Optional[str] = typer.Option(None, "--name", help="The campaign's name (default: the "
                                                            "product's)."),
    min_aum: Optional[str] = typer.Option(None, "--min-aum", help="Only clients whose AUM (at "
                                          "the latest tier recompute) is at least this, CNY."),
    branch: Optional[str] = typer.Option(None, "--branch", help="Only clients of this branch "
                                                                "(their ownership branch)."),
    start: Optional[str] = typer.Option(None, "--from", help="First day, today or later "
                                        "(default: today, or the product's launch if later)."),
    end: Optional[str] = typer.Option(None, "--to", help="Last day (default: two weeks from "
                                                         "the first, 14 days in all)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, max=10_000_000,
                                        help="At most this many targets, the best ranked."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the targets; store nothing."),
    fmt: str = FORMAT,
    encoding: Optional[str] = EncodingOption,
) -> None:
    """Create a campaign: the product's ranked target list and a call to each in its RM's plan.

    Targets are the retail clients of the tiers (and --branch, --min-aum), open on the first
    day, who agreed to marketing contacts (contact_consent all: never service_only or none),
    for whom the product is suitable on the first day (risk R <= C with a valid assessment, no
    override: a C1 client only ever gets R1) and who do not hold it already. An elderly client
    (suitability.elderly_age, or unknown age) gets an R4-R5 product's call as a visit: its sale
    needs the dual recording (双录).

    Fit score 0-100 = 100 x the weights (campaign.weights.*, default 40/30/30) of what holds,
    / their sum, rounded: preference (product_preferences name the product's asset class),
    idle_cash (demand deposits >= campaign.idle_cash, 100,000 CNY, today), maturing (a
    position held today matures in the campaign's window). Rank: fit, then AUM, then id.

    Each RM's targets, best first, get campaign.daily_per_rm (5) calls a working day from the
    first working day, less what other campaigns opened for that RM that day; those beyond the
    window's room are left out (clients without an RM: per branch). A target's campaign task
    (priority 3, phone) opens and is due on its slot day and stays open to the last day
    (+ plan.expiry_days.campaign, 0); a reached contact completes it.

    JSON/CSV keys: rank, client_id, name, tier, branch, rm_id, score, preference, idle_cash,
    maturing_on, slot. Audited.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum --min-aum 3000000
    """
    from vipcrm.core.campaign import EXCLUSIONS
    from vipcrm.store import campaign as store
    from vipcrm.store.planning import load_calendar

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    chosen = _tiers(tiers)
    floor = _money(min_aum, "--min-aum")
    conn = st.db().conn
    product = store.product(conn, product_code)
    if product is None:
        raise Refused(Text("unknown product {product!r}; `vipcrm export products` lists them",
                           product=product_code))
    if product["status"] != "on_sale":
        raise Refused(Text("product {product} is {status}; a campaign sells a product on sale "
                           "(import the product with status on_sale)", product=product_code,
                           status=product["status"]))
    first, last = _window(start, end, product["launch_date"], st.today)
    checked_scope(conn, branch, None)
    cal = load_calendar(conn)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    days = [d for d in days if cal.is_working_day(d)]
    if not days:
        raise Refused(Text("no working day from {first} to {last}; give a longer window "
                           "(--from, --to)", first=first, last=last))
    ask = store.Ask(product_code, (name or product["name"]).strip() or product["name"], chosen,
                    first, last, floor, branch, limit)
    result = store.create(st.db(), st.config(), ask, days, st.today, st.user(), dry_run)
    for problem in cal.problems():
        st.warn(problem)
    parts: list = []
    for why in EXCLUSIONS:
        if result.excluded[why]:
            parts += ["; "] if parts else []
            parts.append(Text("{n} {why}", n=result.excluded[why], why=Code("exclusion", why)))
    excluded = Joined(tuple(parts)) if parts else Text("nobody")
    if not result.placed:
        raise Refused(Text("no target for a campaign on {product}: {considered} client(s) in the "
                           "tiers ({excluded}); nothing was stored: widen --tiers, --branch or "
                           "--min-aum", product=product_code, considered=result.considered,
                           excluded=excluded))
    rms = len({(t.rm_id, t.branch if t.rm_id is None else "") for t, _ in result.placed})
    if result.campaign_id is None:
        st.info(Text("dry run: campaign on {product} from {first} to {last} would have {n} "
                     "target(s) for {rms} RM(s) or unassigned list(s); nothing stored",
                     product=product_code, first=first, last=last, n=len(result.placed),
                     rms=rms))
    else:
        st.info(Text("campaign {id} \"{name}\" on {product} from {first} to {last}: {n} "
                     "target(s) for {rms} RM(s) or unassigned list(s)", id=result.campaign_id,
                     name=ask.name, product=product_code, first=first, last=last,
                     n=len(result.placed), rms=rms))
    st.info(Text("considered {considered} client(s) in the tiers; not targeted: {excluded}",
                 considered=result.considered, excluded=excluded))
    if result.left_out:
        st.warn(Text("{n} target(s) left out, the lowest ranked of RMs without room: "
                     "campaign.daily_per_rm {per_day} call(s) a day over {days} working day(s); "
                     "raise it or give a longer window", n=len(result.left_out),
                     per_day=st.config()["campaign.daily_per_rm"], days=result.days))
    if result.beyond_limit:
        st.info(Text("{n} more suitable client(s) beyond --limit", n=result.beyond_limit))
    records = [{"rank": i, "client_id": t.client_id, "name": t.name, "tier": t.tier,
                "branch": t.branch, "rm_id": t.rm_id, "score": t.score,
                "preference": t.preference, "idle_cash": t.idle_cash,
                "maturing_on": t.maturing_on.isoformat() if t.maturing_on else None,
                "slot": slot.isoformat()}
               for i, (t, slot) in enumerate(result.placed, start=1)]
    _emit(st, records, TARGET_FIELDS, fmt, encoding)


@campaign_app.command("list")
def list_command(ctx: typer.Context, fmt: str = FORMAT,
                 encoding: Optional[str] = EncodingOption) -> None:
    """Every campaign with its window, status (planned, running, ended, closed) and targets.

    JSON/CSV keys: campaign_id, name, product_code, starts_on, ends_on, tiers, status,
    targets, created_on, closed_on.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum && vipcrm campaign list
    """
    from vipcrm.store.campaign import list_campaigns

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    records = list_campaigns(st.db().conn, st.today)
    if fmt == "table":  # the tiers as a list, which wraps between its items
        records = [{**r, "tiers": r["tiers"].split(",")} for r in records]
    _emit(st, records, LIST_FIELDS, fmt, encoding)


@campaign_app.command("show")
def show(ctx: typer.Context,
         campaign_id: int = typer.Argument(..., metavar="ID", min=1, max=MAX_ID,
                                           help="The campaign's id."),
         branch: Optional[str] = typer.Option(None, "--branch", help="Only targets of this "
                                                                     "branch."),
         rm: Optional[str] = typer.Option(None, "--rm", help="Only targets of this RM.",
                                          callback=typed_id),
         fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """A campaign and its targets, each with its current RM and branch and its status today.

    status: waiting (its slot is to come), open, reached (its call was made: a contact other
    than no_answer from its slot), sold (it bought the product in the campaign's window; amount
    is what it bought), missed (not reached by the last day + plan.expiry_days.campaign) or
    withdrawn (the campaign was closed first).

    JSON/CSV keys: rank, client_id, name, tier, branch, rm_id, score, preference, idle_cash,
    maturing_on, slot, status, amount.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum && vipcrm campaign show 1 --branch BJ01
    """
    from vipcrm.store.campaign import product, status, target_rows

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    conn = st.db().conn
    found = _campaign(conn, campaign_id)
    scope = checked_scope(conn, branch, rm)
    sold = product(conn, found["product_code"])
    st.info(Text("campaign {id} \"{name}\": {product} {product_name} ({risk}), {first} to "
                 "{last}, tiers {tiers}; {status}", id=campaign_id, name=found["name"],
                 product=found["product_code"], product_name=sold["name"],
                 risk=sold["risk_level"] or "R5", first=found["starts_on"],
                 last=found["ends_on"],
                 tiers=Listing(Code("tier_code", t) for t in found["tiers"].split(",")),
                 status=Code("campaign_status", status(found, st.today))))
    records = target_rows(conn, st.config(), st.today, [campaign_id], scope)
    _emit(st, records, SHOW_FIELDS, fmt, encoding, totals=True)


@campaign_app.command("close")
def close(ctx: typer.Context,
          campaign_id: int = typer.Argument(..., metavar="ID", min=1, max=MAX_ID,
                                            help="The campaign's id.")
          ) -> None:
    """Close a campaign today: its calls not yet made leave the plans from tomorrow
    (withdrawn, not missed); contacts and sales up to today still count. Audited.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum && vipcrm campaign close 1
    """
    from vipcrm.store.campaign import close as close_campaign

    st = state(ctx)
    found = _campaign(st.db().conn, campaign_id)
    if read_date(found["closed_on"]):
        raise Refused(Text("campaign {id} was closed on {day}; nothing to do", id=campaign_id,
                           day=found["closed_on"]))
    targets = close_campaign(st.db(), campaign_id, st.today, st.user())
    st.info(Text("campaign {id} closed on {day}: its {n} target(s)' calls not made leave the "
                 "plans from tomorrow", id=campaign_id, day=st.today, n=targets))


@campaign_app.command("report")
def report(ctx: typer.Context,
           campaign_id: Optional[int] = typer.Argument(None, metavar="[ID]", min=1, max=MAX_ID,
                                                       help="One campaign (default: all)."),
           by: str = typer.Option("rm", "--by", help="rm or branch: one row per each."),
           branch: Optional[str] = typer.Option(None, "--branch", help="Only this branch."),
           rm: Optional[str] = typer.Option(None, "--rm", help="Only this RM.", callback=typed_id),
           fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    """What came of the campaigns' targets, per RM (with its branch) or per branch, today.

    targets: on the list; reached: its campaign call was made (a contact other than no_answer
    from its slot day to the last day + plan.expiry_days.campaign, and not after a close) or
    it bought; sold: targets who bought the campaign's product (a sale logged or imported,
    stage sale) from the first day to the last (or the close), by any RM; amount: what they
    bought, CNY; reached_pct = reached / targets, conversion_pct = sold / targets. A target
    counts for its current RM and ownership branch, as in every report (a reassigned target's
    call and sale count for its new RM).

    JSON/CSV keys: campaign_id, product_code, branch, rm_id, name (the RM's; with --by rm),
    targets, reached, sold, amount, reached_pct, conversion_pct.

    \b
    Example:
      vipcrm campaign create WM-1Y --tiers diamond,premier_platinum && vipcrm campaign report 1 --by branch
    """
    from vipcrm.store.campaign import campaign_ids, report as campaign_report

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    by = by.strip().lower()
    if by not in ("rm", "branch"):
        raise BadArgument(Text("{value!r}; choose rm or branch", value=by), "--by")
    conn = st.db().conn
    if campaign_id is not None:
        _campaign(conn, campaign_id)
    scope = checked_scope(conn, branch, rm)
    ids = [campaign_id] if campaign_id is not None else campaign_ids(conn)
    records = campaign_report(conn, st.config(), st.today, ids, scope, by)
    fields = REPORT_FIELDS if by == "rm" else [f for f in REPORT_FIELDS
                                                if f.key not in ("rm_id", "name")]
    _emit(st, records, fields, fmt, encoding, totals=True)


def register(app: typer.Typer) -> None:
    app.add_typer(campaign_app, name="campaign")
