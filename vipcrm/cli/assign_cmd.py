"""`vipcrm assign`: ownership branches and RM assignment (DOMAIN §3)."""

from __future__ import annotations

import json
from typing import Optional

import typer

from vipcrm.cli.common import (EncodingOption, FormatOption, Refused, check_encoding,
                               check_format, state, typed_id)
from vipcrm.core.dates import read_date
from vipcrm.core.text import Code, Joined, Text, said
from vipcrm.formats.output import Field, yuan, yuan_grouped

assign_app = typer.Typer(
    invoke_without_command=True,
    help="""Give every tiered client an RM of matching grade at the branch it transacts at.

    Without a subcommand: the assignment run. It refreshes each client's ownership branch (most
    transactions over ownership.window_days, ties to the most recent, then the smaller branch
    code; no transaction: the home branch), keeps what is still valid and pins while their RM is
    active, then places the rest by tier and AUM with the lowest sufficient grade, then the
    lowest load ratio, then RM id. When only a lower grade has room the client goes to the
    highest grade with room, flagged grade_gap; when nobody has room it stays unassigned with
    the reason. Prints the changes per branch (--details: per client).

    \b
    Examples:
      vipcrm assign --dry-run --details
      vipcrm assign
    """,
)

_SUMMARY = [Field("branch"), Field("new", "int", True), Field("moved", "int", True),
            Field("unassigned", "int", True), Field("grade_gaps", "int", True),
            Field("released", "int", True), Field("ownership_in", "int", True),
            Field("ownership_out", "int", True)]
_DETAILS = [Field("client_id"), Field("branch"), Field("tier", "tier"),
            Field("change", family="assign_change"), Field("from_rm"), Field("to_rm"),
            Field("reason", family="assign_reason"), Field("grade_gap", "bool")]
_LIST = [Field("client_id"), Field("rm_id"), Field("branch"), Field("tier", "tier"),
         Field("grade_gap", "bool"), Field("pinned", "bool"),
         Field("reason", family="assign_reason"), Field("since")]
_TIER_FIELDS = [Field(t, "int", True) for t in
                ("black_gold", "diamond", "premier_platinum", "platinum", "premier_gold", "gold",
                 "untiered")]
_LOAD = ([Field("rm_id"), Field("name"), Field("branch"), Field("grade", "grade"),
          Field("active", "bool"), Field("capacity", "int", True), Field("load", "int", True),
          Field("used_pct", "pct")] + _TIER_FIELDS
         + [Field("grade_gaps", "int", True), Field("pinned", "int", True)])
_BRANCH_LOAD = [Field("branch"), Field("rms", "int", True), Field("capacity", "int", True),
                Field("load", "int", True), Field("used_pct", "pct"),
                Field("unassigned", "int", True), Field("grade_gaps", "int", True)]


@assign_app.callback()
def assign(
    ctx: typer.Context,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the changes; write nothing."),
    details: bool = typer.Option(False, "--details", help="One line per changed client."),
    fmt: str = FormatOption,
    encoding: Optional[str] = EncodingOption,
) -> None:
    """The assignment run (see `vipcrm assign --help`)."""
    if ctx.invoked_subcommand is not None:
        return
    from vipcrm.store.assignment import assign_all

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    result = assign_all(st.db(), st.config(), st.today, dry_run=dry_run, user=st.user())
    changes = result.outcome.changes
    if details:
        records = [{"client_id": c.client_id, "branch": c.branch, "tier": c.tier,
                    "change": c.kind, "from_rm": c.from_rm, "to_rm": c.to_rm,
                    "reason": c.reason, "grade_gap": c.grade_gap}
                   for c in sorted(changes, key=lambda c: (c.branch, c.client_id))]
        fields, totals = _DETAILS, False
    else:
        records, fields, totals = _per_branch(result), _SUMMARY, True
    if records or fmt != "table":  # an empty table says less than the summary line below
        st.emit(records, fields, fmt, title=_title(dry_run), totals=totals, encoding=encoding)
    counts = {kind: sum(1 for c in changes if c.kind == kind)
              for kind in ("new", "moved", "unassigned", "grade_gap", "released")}
    st.info(Text("ownership: {moves} client(s) moved branch (window {start} to {end})",
                 moves=len(result.ownership.moves), start=result.ownership.start,
                 end=result.ownership.end))
    done = Text("assign: kept {kept}, new {new}, moved {moved}, unassigned {unassigned}, grade "
                "gap changes {grade_gap}, released {released}", kept=result.outcome.kept,
                **counts)
    st.info(done + Text(" (dry run: nothing written)") if dry_run else done)


def _title(dry_run: bool) -> Text:
    if dry_run:
        return Text("Assignment changes") + Text(" (dry run: nothing written)")
    return Text("Assignment changes")


def _per_branch(result) -> list[dict]:
    rows: dict[str, dict] = {}

    def row(branch: str) -> dict:
        return rows.setdefault(branch, {f.key: 0 for f in _SUMMARY} | {"branch": branch})

    for change in result.outcome.changes:
        entry = row(change.branch)
        if change.kind != "grade_gap":
            entry[change.kind] += 1
        entry["grade_gaps"] += change.grade_gap
    for move in result.ownership.moves:
        row(move.to_branch)["ownership_in"] += 1
        row(move.from_branch)["ownership_out"] += 1
    return [rows[b] for b in sorted(rows)]


@assign_app.command("set")
def set_(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id.", callback=typed_id),
    rm: str = typer.Argument(..., help="The RM id.", callback=typed_id),
    pin: bool = typer.Option(False, "--pin",
                             help="Keep the client with this RM while the RM is active, whatever "
                                  "the run's rules say (required for corporate clients)."),
) -> None:
    """Give a client to an RM by hand (reason `manual`).

    Without --pin the next run checks it like any other assignment (and an existing pin is
    lifted); with --pin it stays while the RM is active.

    \b
    Example:
      vipcrm assign set E00001 RM1001 --pin
    """
    from vipcrm.store.assignment import AssignRefused, set_assignment

    st = state(ctx)
    try:
        result = set_assignment(st.db(), st.config(), st.today, client, rm, pin=pin,
                                user=st.user())
    except AssignRefused as exc:
        raise Refused(said(exc)) from None
    for warning in result.warnings:
        st.warn(warning)
    if not result.changed:
        if pin:
            st.info(Text("{client} is already with {rm} (pinned); nothing changed", client=client,
                         rm=rm))
        else:
            st.info(Text("{client} is already with {rm}; nothing changed", client=client, rm=rm))
        return
    flags = [Text(" (pinned)")] * result.pinned + [Text(" (grade gap)")] * result.grade_gap
    st.info(Joined((Text("{client}: {before} -> {rm}", client=client, rm=rm,
                         before=result.from_rm or Text("no RM")), *flags)))


@assign_app.command("list")
def list_(
    ctx: typer.Context,
    rm: Optional[str] = typer.Option(None, "--rm", help="Only this RM's clients.",
                                     callback=typed_id),
    branch: Optional[str] = typer.Option(None, "--branch", help="Only clients of this branch."),
    fmt: str = FormatOption,
    encoding: Optional[str] = EncodingOption,
) -> None:
    """List assignments, including tiered clients left without an RM (rm_id empty, reason).

    JSON keys: client_id, rm_id, branch, tier, grade_gap, pinned, reason, since.

    \b
    Example:
      vipcrm assign list --rm RM1001 --format csv
    """
    from vipcrm.store.assignment import list_assignments

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    st.emit(list_assignments(st.db().conn, rm, branch), _LIST, fmt, title=Text("Assignments"),
            encoding=encoding)


@assign_app.command("load")
def load(
    ctx: typer.Context,
    branch: Optional[str] = typer.Option(None, "--branch", help="Only this branch."),
    by_branch: bool = typer.Option(False, "--by-branch",
                                   help="One line per branch, with its unassigned clients."),
    fmt: str = FormatOption,
    encoding: Optional[str] = EncodingOption,
) -> None:
    """RM books: capacity, clients by tier, load ratio, grade gaps and pins; per branch with
    --by-branch, adding the tiered clients no RM had room for (hire) and the grade gaps
    (promote).

    \b
    Example:
      vipcrm assign load --by-branch
    """
    from vipcrm.store.assignment import branch_loads, rm_loads

    st = state(ctx)
    fmt = check_format(fmt)
    encoding = check_encoding(encoding, fmt)
    conn = st.db().conn
    if by_branch:
        st.emit(branch_loads(conn, st.config(), branch), _BRANCH_LOAD, fmt,
                title=Text("Branch load"), totals=True, encoding=encoding)
    else:
        st.emit(rm_loads(conn, st.config(), branch), _LOAD, fmt, title=Text("RM load"),
                totals=True, encoding=encoding)


@assign_app.command("explain")
def explain(
    ctx: typer.Context,
    client: str = typer.Argument(..., help="The client id.", callback=typed_id),
    fmt: str = FormatOption,
) -> None:
    """Why a client is where it is: transactions per branch, tier, RM, history.

    \b
    Example:
      vipcrm assign explain C000001
    """
    from vipcrm.store.assignment import explain as explain_client

    st = state(ctx)
    fmt = check_format(fmt, ("table", "json"))
    facts = explain_client(st.db().conn, st.config(), st.today, client)
    if facts is None:
        raise Refused(Text("unknown client {client!r}; check the id", client=client))
    facts["why"] = st.say(_why(facts))
    if fmt == "json":
        st.out.file.write(_json(facts) + "\n")
    else:
        for line in _lines(facts):
            st.out.print(st.say(line), markup=False, highlight=False)


def _json(facts: dict) -> str:
    """One JSON array holding the client's record; money in CNY with 2 decimals, exactly."""
    out = dict(facts)
    for key in ("pinned", "grade_gap"):
        if out.get(key) is not None:
            out[key] = bool(out[key])
    fen = out.get("basis_aum")
    if fen is not None:
        out["basis_aum"] = "__basis_aum__"
    text = json.dumps([out], ensure_ascii=False, indent=2)
    return text.replace('"__basis_aum__"', yuan(fen)) if fen is not None else text


def _why(f: dict) -> Text:
    if read_date(f["closed_on"]) is not None and f["rm_id"] is None:
        return Text("closed on {date}: closed clients have no RM", date=f["closed_on"])
    if f["rm_id"] is None:
        if f["reason"] == "no_rm":
            return Text("no active RM works at {branch}", branch=f["branch"])
        if f["reason"] == "no_capacity":
            return Text("no RM at {branch} has room (capacity full)", branch=f["branch"])
        if f["reason"] == "rm_inactive":
            return Text("its RM left; a corporate client waits for `assign set --pin`")
        if f["segment"] == "corporate":
            return Text("corporate clients are assigned by hand (`assign set --pin`)")
        if f["tier"] is None:
            return Text("no tier (below gold): not assigned unless pinned")
        return Text("not assigned yet: run `vipcrm assign`")
    rm = f["rm"] or {}
    if f["pinned"]:
        return Text("pinned by hand to {rm}: kept while the RM is active", rm=f["rm_id"])
    tier, required = Code("tier_code", f["tier"]), Code("grade_code", f["required_grade"])
    if f["grade_gap"]:
        return Text("{tier} needs grade {required} or higher; no such RM at {branch} had room, "
                    "so the highest grade with room ({grade}) took it (grade_gap)", tier=tier,
                    required=required, branch=f["branch"],
                    grade=Code("grade_code", rm.get("grade")))
    need = (Text("{tier} needs {required} or higher", tier=tier, required=required)
            if f["required_grade"] else Text("any grade will do"))
    return Text("{rm} (grade {grade}) works at {branch}, the ownership branch, and {need}; last "
                "change: {reason} on {date}", rm=f["rm_id"],
                grade=Code("grade_code", rm.get("grade")), branch=f["branch"], need=need,
                reason=Code("assign_reason", f["reason"]), date=f["since"])


def _household_line(h: dict) -> Text:
    """Where the client stands in its household's assignment (core.household)."""
    status = h["status"]
    at = {"household": h["household_id"], "rm": h["lead_rm"] or "-", "lead": h["lead"] or "-"}
    if status == "lead":
        return Text("  household {household}: its highest member with an RM; the other members "
                    "join {rm} when the rules allow it", **at)
    if status == "alone":
        return Text("  household {household}: no other member has an RM to share", **at)
    if status == "joined":
        return Text("  household {household}: shares {rm}, the RM of its highest member {lead}",
                    **at)
    if status == "pinned":
        return Text("  household {household}: pinned by hand, so it keeps its RM instead of "
                    "{rm}, the RM of its highest member {lead}", **at)
    if status == "other_branch":
        return Text("  household {household}: owned by another branch than {rm} (the RM of its "
                    "highest member {lead}), so its own branch serves it; pin it to {rm} to "
                    "serve the family together", **at)
    if status == "grade":
        return Text("  household {household}: its tier needs a higher grade than {rm}'s (the RM "
                    "of its highest member {lead}), so it keeps an RM of its own", **at)
    if status == "capacity":
        return Text("  household {household}: {rm} (the RM of its highest member {lead}) has no "
                    "room, so it keeps an RM of its own", **at)
    if status == "next_run":
        return Text("  household {household}: the next `vipcrm assign` gives it {rm}, the RM of "
                    "its highest member {lead}", **at)
    if status == "no_rm":
        return Text("  household {household}: it has no RM, so it cannot share one", **at)
    return Text("  household {household}: a corporate or closed member takes no part in the "
                "household's assignment", **at)


def _lines(f: dict) -> list[Text]:
    aum = yuan_grouped(f["basis_aum"]) if f["basis_aum"] is not None else "-"
    client = Text("Client {client} {name} ({segment})", client=f["client_id"], name=f["name"],
                  segment=Code("segment", f["segment"]))
    if f["tier"]:
        tier = Text("  tier: {tier} ({status}, since {since}), basis AUM {aum}",
                    tier=Code("tier_code", f["tier"]), status=Code("status", f["tier_status"]),
                    since=f["tier_since"], aum=aum)
    else:
        tier = Text("  tier: {tier}", tier=Code("tier_code", None))
    if f["branch"]:
        ownership = Text("  ownership: {branch} ({basis}, since {since})", branch=f["branch"],
                         basis=Code("ownership", f["ownership_basis"]),
                         since=f["ownership_since"])
    else:
        ownership = Text("  ownership: {branch}", branch=Text("not computed yet"))
    lines = [client, tier, Text("  home branch: {branch}", branch=f["home_branch"]), ownership,
             Text("  transactions {start} to {end}:", start=f["window_start"],
                  end=f["window_end"])]
    if f["transactions"]:
        lines += [Text("    {branch}: {count} (last {date})", branch=t["branch"],
                       count=t["count"], date=t["last"]) for t in f["transactions"]]
    else:
        lines.append(Text("    none: owned by the home branch"))
    if f["ownership_now"] != f["branch"] or f["ownership_now_basis"] != f["ownership_basis"]:
        lines.append(Text("    today's data gives {branch} ({basis}); the next `vipcrm assign` "
                          "applies it", branch=f["ownership_now"],
                          basis=Code("ownership", f["ownership_now_basis"])))
    rm = f["rm"]
    if rm:
        flags = ([Text(", pinned")] * bool(f["pinned"])
                 + [Text(", grade gap")] * bool(f["grade_gap"]))
        state = Text("active") if rm["active"] else Text("inactive")
        lines.append(Joined((Text("  RM: {rm} at {branch}, grade {grade}, {state}, "
                                  "{load}/{capacity} clients", rm=rm["rm_id"],
                                  branch=rm["branch"], grade=Code("grade_code", rm["grade"]),
                                  state=state, load=rm["load"], capacity=rm["capacity"]),
                             *flags)))
    else:
        lines.append(Text("  RM: none ({reason})", reason=Code("assign_reason", f["reason"])
                          if f["reason"] else Text("no assignment")))
    lines.append(Text("  why: {why}", why=f["why"]))
    if f["household"]:
        lines.append(_household_line(f["household"]))
    if f["history"]:
        lines.append(Text("  assignment history:"))
        lines += [Text("    {date}: {before} -> {after} ({reason})", date=h["changed_on"],
                       before=h["from_rm"] or "-", after=h["to_rm"] or "-",
                       reason=Code("assign_reason", h["reason"])) for h in f["history"]]
    if f["ownership_history"]:
        lines.append(Text("  ownership history:"))
        lines += [Text("    {date}: {before} -> {after} ({reason})", date=h["changed_on"],
                       before=h["from_branch"], after=h["to_branch"],
                       reason=Code("ownership", h["reason"])) for h in f["ownership_history"]]
    return lines


def register(app: typer.Typer) -> None:
    app.add_typer(assign_app, name="assign")
