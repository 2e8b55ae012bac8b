"""Attrition early warning (客户流失预警): `vipcrm attrition --recompute` stores the scores (the
nightly runs it), `vipcrm report attrition` ranks the clients at risk."""

from __future__ import annotations

from typing import Optional

import typer

from vipcrm.cli.common import (BadArgument, EncodingOption, Refused, check_encoding,
                               check_format, parse_date_option, state)
from vipcrm.cli.report_cmd import BRANCH, FORMAT, RM, _ask, _show, _title, report_app
from vipcrm.core.text import Text
from vipcrm.formats.output import Field

# On a narrow screen the day it was scored goes first, then what the score and the RM already
# say (at risk, the branch), then the tier and the factors: who is at risk, how much and why,
# and whose client it is stay.
FIELDS = [Field("rank", "int", drop=0), Field("client_id", drop=0), Field("name"),
          Field("tier", "tier", drop=2), Field("branch", drop=3), Field("rm_id", drop=0),
          Field("score", "int", drop=0), Field("trend", "pct", drop=2),
          Field("outflow", "pct", drop=2), Field("contact", "pct", drop=2),
          Field("maturity", "pct", drop=2), Field("aum", "money", drop=0),
          Field("scored_on", drop=4), Field("at_risk", "bool", drop=3)]

FACTORS_HELP = """
    Four factors, each a share (0-1) of its weight (attrition.weights.*: trend 40, outflow 30,
    contact 15, maturity 15):
    trend = of the horizons 30, 90 and 180 days back whose AUM was positive, the share over
    which AUM fell by attrition.trend_pct (20%) or more;
    outflow = net transfers to other banks (transactions of type transfer_out minus
    transfer_in) over the last 90 days / (attrition.outflow_pct (30%) of the AUM 90 days
    before), at most 1 (1 with no AUM then);
    contact = 1 when the last reached contact (never: the day the client entered its tier) is
    more than the tier's cadence ago, else 1/2 when the last 90 days hold fewer reached contacts
    than the 90 before, else 0;
    maturity = the share of the money matured in the last 90 days not reinvested within
    plan.retention_days (the rule of `report maturities`; maturities still in that window are
    left out).
    Contribution = weight x share x 100 / the sum of the weights; score = the sum, rounded.
"""


COMMAND_HELP = """Score every tiered retail client's attrition risk (0-100) and store the scores.

    The nightly does this after the tiers and the assignment; run it by hand after loading
    data yourself. A client's row is stored only when its score or a factor changed, so a plan
    or a report for any day reads the score computed on the latest day on or before it. A
    score at or above attrition.task_score (60) gives the client a retention task (priority 1;
    a visit for the top three tiers, else a call; once a month while it stays at risk; not for
    clients who agreed to service contacts only, as for outflow calls).
""" + FACTORS_HELP + """
    \b
    Example:
      vipcrm attrition --recompute && vipcrm report attrition --top 10
"""

REPORT_HELP = """Clients at risk of leaving (客户流失预警), ranked, with each factor's contribution.

    Reads the scores stored by the nightly (or `vipcrm attrition --recompute`): each client's
    score in force on --to (default today) is the one computed on the latest day on or before
    it. Clients scoring 0 are left out. Ranked by score, then AUM, both highest first, then
    client id; equal scores share a rank. at_risk: score >= attrition.task_score (60), which
    gives a retention task.
""" + FACTORS_HELP + """
    JSON/CSV keys: rank, client_id, name, tier, branch, rm_id, score, trend, outflow, contact,
    maturity (contributions in points, one decimal), aum (at the last tier recompute, CNY),
    scored_on (the day the score was computed), at_risk (bool).

    \b
    Example:
      vipcrm report attrition --top 10 --branch BJ01
"""


def attrition_command(
    ctx: typer.Context,
    recompute: bool = typer.Option(False, "--recompute", help="Compute and store the scores."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The day to score as of (default "
                                        "today; not after, nor before the last run)."),
) -> None:
    from vipcrm.store.attrition import AttritionRefused, compute

    st = state(ctx)
    if not recompute:
        raise BadArgument(Text("add --recompute (`vipcrm report attrition` shows the scores)"),
                          "--recompute")
    day = parse_date_option(as_of, "--as-of") or st.today
    try:
        run = compute(st.db(), st.config(), day, today=st.today, user=st.user())
    except AttritionRefused as exc:
        raise Refused(exc.args[0]) from None
    st.info(Text("attrition as of {day}: {clients} client(s) scored, {at_risk} at risk "
                 "(score >= {threshold}), {changed} change(s) stored", day=run.as_of,
                 clients=run.clients, at_risk=run.at_risk,
                 threshold=st.config()["attrition.task_score"], changed=run.changed))


def attrition_report(ctx: typer.Context,
                     end: Optional[str] = typer.Option(None, "--to", help="The day whose scores "
                                                       "are shown (default today): each client's "
                                                       "latest on or before it."),
                     branch: Optional[str] = BRANCH, rm: Optional[str] = RM,
                     top: Optional[int] = typer.Option(None, "--top", min=1, max=10_000_000,
                                                       help="Only the first N."),
                     fmt: str = FORMAT, encoding: Optional[str] = EncodingOption) -> None:
    from vipcrm.store.attrition import ranking, run_on

    fmt = check_format(fmt)
    ask = _ask(ctx, None, end, branch, rm, period=False, encoding=check_encoding(encoding, fmt))
    run = run_on(ask.conn, ask.end)
    if run is None:
        ask.st.warn(Text("no attrition scores on or before {day}; the nightly computes them, or "
                         "run `vipcrm attrition --recompute`", day=ask.end))
    else:
        ask.st.info(Text("scores of {day}: {at_risk} of {clients} client(s) at risk",
                         day=run["as_of"], at_risk=run["at_risk"], clients=run["clients"]))
    records = ranking(ask.conn, ask.config, ask.end, ask.scope, top)
    _show(ask, records, FIELDS, fmt, _title(ask, Text("Attrition risk"), period=False),
          totals=False, flag=lambda r: r["at_risk"])


def register(app: typer.Typer) -> None:
    app.command("attrition", help=COMMAND_HELP)(attrition_command)
    report_app.command("attrition", help=REPORT_HELP)(attrition_report)
