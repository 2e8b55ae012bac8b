"""`vipcrm demo`: a realistic demo bank, loaded through the import code."""

from __future__ import annotations

import typer

from vipcrm.cli.common import Refused, state
from vipcrm.core.text import Code, Text

# The demo holds its clients (not their holdings) in memory while it builds the bank, about
# 5 kB each: 100,000 of them peaked at 480 MB and took 3 to 5 minutes here. The benchmarks
# build bigger banks.
MAX_CLIENTS = 100_000


def demo_command(
    ctx: typer.Context,
    clients: int = typer.Option(600, "--clients", min=50, max=MAX_CLIENTS,
                                help="Number of retail clients, 50 to 100,000 (about 2 ms and "
                                     "5 kB of memory each)."),
    seed: int = typer.Option(7, "--seed", min=0, max=2 ** 31 - 1,
                             help="Random seed, 0 to 2147483647: the same seed gives the same "
                                  "bank."),
    force: bool = typer.Option(False, "--force",
                               help="Load the demo into a database that holds other data."),
) -> None:
    """Create a deterministic demo bank dated around --today.

    Four branches with RMs of every grade, retail clients in every tier and below, corporate
    clients with their key people and share-of-wallet plans, products, 90 days of holdings and
    NAVs, a year of transactions, contact history and timesheets, written as the bank's
    extracts and imported like real files; this year's big clients pinned to their RMs, one
    of them with its strategy set by hand. Running it again with the same seed and --today
    changes nothing. A database that holds data the demo did not write (imports of other
    files; contacts, time, profiles, books or strategies entered by hand) is refused unless
    --force: the demo's clients would mix with the bank's.

    \b
    Example:
      vipcrm --db demo.db demo && vipcrm --db demo.db plan today --rm RM1001
    """
    import datetime as dt

    from vipcrm.demo import foreign_data, load_demo
    from vipcrm.jobs.refresh import refresh
    from vipcrm.store.imports import counts_text

    st = state(ctx)
    found = foreign_data(st.db(create=True))
    if found and not force:
        raise Refused(Text("{path} already holds data that is not the demo's ({found}); give "
                           "--force to load the demo into it anyway, or choose another --db",
                           path=st.db_path, found=found))
    summary = load_demo(st.db(), st.today, clients=clients, seed=seed, user=st.user(),
                        info=st.info)
    for kind, counts in summary.items():
        st.info(Text("{kind}: {counts}", kind=Code("kind", kind), counts=counts_text(counts)))
    # Tiers as the nightly runs would have left them over the last two months, so the demo
    # shows upgrades, clients on watch and their history, then today's assignment.
    history = [st.today - dt.timedelta(days=days) for days in (60, 30)]
    done = refresh(st.db(), st.config(), st.today, st.user(), history)
    for result in done.tiers:
        st.info(Text("tiers as of {date}: {clients} client(s), {changes} change(s)",
                     date=result.as_of, clients=result.clients, changes=result.changes))
    outcome = done.assignment.outcome
    st.info(Text("assignment: {kept} kept, {changes} change(s)", kept=outcome.kept,
                 changes=len(outcome.changes)))
    from vipcrm.store.attrition import compute

    scored = compute(st.db(), st.config(), st.today, today=st.today, user=st.user())
    st.info(Text("attrition scores: {clients} client(s), {at_risk} at risk",
                 clients=scored.clients, at_risk=scored.at_risk))
    # Big corporate clients, last year then this year, so the yearly review has a year before.
    from vipcrm.store.corporate import rate_year

    for year in (st.today.year - 1, st.today.year):
        rated = rate_year(st.db(), st.config(), year, user=st.user())
        st.info(Text("corporate rating {year}: {count} big client(s)", year=year,
                     count=len(rated.review.current)))
    from vipcrm.demo import serve_big_clients

    for line in serve_big_clients(st.db(), st.today, st.user()):
        st.info(line)
    st.info(Text("next: {command}", command="vipcrm plan today"))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
