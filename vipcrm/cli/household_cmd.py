"""`vipcrm client link` / `client unlink`: households (家庭客户) kept by hand."""

from __future__ import annotations

from typing import Optional

import typer

from vipcrm.cli.common import Refused, state, typed_id
from vipcrm.core.text import Code, Text


def link(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id.", callback=typed_id),
    household: str = typer.Option(..., "--household", callback=typed_id,
                                  help="The household's id (a new id starts a household)."),
    role: Optional[str] = typer.Option(None, "--role",
                                       help="head, spouse, child, parent or other (户主, 配偶, "
                                            "子女, 父母, 其他); kept when not given."),
) -> None:
    """Put a client in a household, leaving the one it was in (recorded in the audit log).

    A client belongs to at most one household. The household's AUM is the sum of its open
    retail members' AUM; with tiering.household = on each such member is tiered by it at the
    next recompute. The assignment run gives the members the RM of the household's highest
    member when the rules allow it (`vipcrm assign explain` says why not), and plans merge the
    members' visits of a day into one line. The households import kind does the same for a
    whole file.

    \b
    Example:
      vipcrm client link C000477 --household H00002 --role spouse
    """
    from vipcrm.store.db import StoreError
    from vipcrm.store.households import link as link_client

    st = state(ctx)
    try:
        done = link_client(st.db(), client, household, role, st.today, st.user())
    except StoreError as exc:
        raise Refused(exc.args[0]) from None
    if not done.changed:
        st.info(Text("{client} is already in household {household}; nothing changed",
                     client=client, household=done.household_id))
    elif done.previous is not None and done.previous != done.household_id:
        st.info(Text("{client}: moved from household {previous} to {household} ({role})",
                     client=client, previous=done.previous, household=done.household_id,
                     role=Code("role", done.role or "-")))
    else:
        st.info(Text("{client}: in household {household} ({role})", client=client,
                     household=done.household_id, role=Code("role", done.role or "-")))
    if not done.counted:
        st.warn(Text("{client} is a corporate or closed client: it stays listed but adds nothing "
                     "to the household's AUM, tier, RM or visits", client=client))


def unlink(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client's id.", callback=typed_id),
) -> None:
    """Take a client out of its household (recorded in the audit log). Its tier follows its
    own AUM again at the next recompute (downgrades after the grace period, as always).

    \b
    Example:
      vipcrm client unlink C000477
    """
    from vipcrm.store.db import StoreError
    from vipcrm.store.households import unlink as unlink_client

    st = state(ctx)
    try:
        done = unlink_client(st.db(), client, st.today, st.user())
    except StoreError as exc:
        raise Refused(exc.args[0]) from None
    if done.previous is None:
        st.info(Text("{client} is in no household; nothing changed", client=client))
    else:
        st.info(Text("{client}: left household {household}", client=client,
                     household=done.previous))


def register(app: typer.Typer) -> None:
    from vipcrm.cli.client_cmd import client_app

    client_app.command("link")(link)
    client_app.command("unlink")(unlink)
