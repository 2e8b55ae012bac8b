"""Reading what a plan needs, and nothing else (DOMAIN §4, CLI.md `plan`).

Read-only: only SELECTs, no transaction, so plans answer while a nightly run writes. A plan for
one RM reads only that RM's clients (through the assignments index), so it costs the same in a
bank of ten thousand clients as in one of a million; the whole bank is read RM by RM, so memory
stays flat in the number of clients.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sqlite3
from dataclasses import dataclass
from itertools import groupby
from typing import Iterable, Iterator, Mapping, Sequence

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import TIERS
from vipcrm.core.dates import read_date
from vipcrm.core.planning import RmDay, rm_days
from vipcrm.core.tasks import (AttritionPoint, CampaignTarget, Client, Contact, DataChange,
                               DayContext, Holding, KeyPerson, PositionPoint, Product, Task,
                               campaign_since, data_changes_since, data_since, day_context,
                               nav_since, new_product_since, open_tasks, retention_since, LOOKBACK)
from vipcrm.store.dates import closed_sql

CHUNK = 500  # clients per query, well under SQLite's limit on parameters
_TIER_LIST = ", ".join(f"'{t}'" for t in TIERS)
PROFILE_COLUMNS = ("phone", "birth_date", "gender", "occupation", "marital_status", "wedding_date",
                   "family", "hobbies", "product_preferences", "wealth_source",
                   "preferred_channel", "address")
PROFILE_DATES = ("birth_date", "wedding_date")


@dataclass(frozen=True)
class Rm:
    rm_id: str
    name: str
    branch: str
    active: bool
    daily_capacity: int | None


@dataclass(frozen=True)
class Group:
    """Whose plan a set of days is: an RM, or the unassigned clients of a branch."""
    rm: Rm | None
    branch: str
    days: list[RmDay]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def load_calendar(conn) -> WorkCalendar:
    rows = conn.execute("SELECT date, type FROM calendar").fetchall()
    return WorkCalendar({dt.date.fromisoformat(d): kind for d, kind in rows})


def go_live(conn) -> dt.date | None:
    """The day of the bank's first positions import: no client holds a tier before it.

    The import's business date (its `today`); imports logged before that was recorded give
    the local date they ran on."""
    row = conn.execute("SELECT COALESCE(today, substr(started_at, 1, 10)) FROM import_log "
                       "WHERE kind = 'positions' ORDER BY id LIMIT 1").fetchone()
    return read_date(row[0]) if row else None


def freshness(conn) -> dict[str, dt.date | None]:
    """The latest position snapshot and transaction dates seen (DOMAIN §10), as stored: a
    snapshot dated 9999-12-31 is shown for what it is."""
    latest = dict(conn.execute("SELECT feed, latest FROM freshness").fetchall())
    return {feed: dt.date.fromisoformat(latest[feed]) if latest.get(feed) else None
            for feed in ("positions", "transactions")}


def _rm(row) -> Rm:
    return Rm(row[0], row[1], row[2], bool(row[3]), row[4])


_RM_COLUMNS = "rm_id, name, branch, active, daily_capacity"


def find_rm(conn, rm_id: str) -> Rm | None:
    row = conn.execute(f"SELECT {_RM_COLUMNS} FROM rms WHERE rm_id = ?", [rm_id]).fetchone()
    return _rm(row) if row else None


def active_rms(conn, branch: str | None = None) -> list[Rm]:
    sql = f"SELECT {_RM_COLUMNS} FROM rms WHERE active = 1"
    params: list = []
    if branch is not None:
        sql += " AND branch = ?"
        params.append(branch)
    return [_rm(r) for r in conn.execute(sql + " ORDER BY branch, rm_id", params)]


def branch_known(conn, branch: str) -> bool:
    return bool(conn.execute(
        "SELECT 1 FROM rms WHERE branch = ? UNION ALL SELECT 1 FROM clients WHERE home_branch = ? "
        "LIMIT 1", [branch, branch]).fetchone())


def rm_client_ids(conn, rm_id: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT client_id FROM assignments WHERE rm_id = ? ORDER BY client_id", [rm_id])]


def unassigned_client_ids(conn, day: dt.date, branch: str | None = None) -> Iterator[tuple[str, str]]:
    """(branch, client_id) of clients that get tasks but have no active RM, by branch.

    The branch is the ownership branch (DOMAIN §3), else the home branch.
    """
    sql = f"""
        SELECT COALESCE(o.branch, c.home_branch) AS branch, c.client_id
        FROM clients c
        LEFT JOIN tiers t ON t.client_id = c.client_id
        LEFT JOIN assignments a ON a.client_id = c.client_id
        LEFT JOIN rms r ON r.rm_id = a.rm_id
        LEFT JOIN ownership o ON o.client_id = c.client_id
        WHERE (a.rm_id IS NULL OR r.active = 0)
          AND NOT {closed_sql('c.closed_on', ':day')}
          AND c.contact_consent != 'none'
          AND ((c.segment = 'retail' AND (t.tier IN ({_TIER_LIST}) OR a.pinned = 1))
               OR (c.segment = 'corporate' AND (
                   SELECT big FROM corporate_ratings cr WHERE cr.client_id = c.client_id
                   AND cr.review_year <= :year ORDER BY cr.review_year DESC LIMIT 1) = 1))
    """
    params: dict = {"day": day.isoformat(), "year": day.year}
    if branch is not None:
        sql += " AND COALESCE(o.branch, c.home_branch) = :branch"
        params["branch"] = branch
    yield from conn.execute(sql + " ORDER BY branch, c.client_id", params)


# -------------------------------------------------------------------------------------------
# Clients with everything their rules read

_CLIENT_SQL = """
    SELECT c.client_id, c.name, c.segment, c.contact_consent, c.closed_on, c.id_expiry,
           c.risk_level, c.risk_assessed_on, {profile},
           t.tier, t.status, t.since, a.rm_id, a.pinned, r.active,
           -- The client's household (retail clients only).
           h.household_id,
           -- A big corporate client's strategy (the override, else the derived one; a year
           -- rated before strategies existed: standard); NULL for every other client.
           (SELECT CASE WHEN cr.big THEN COALESCE(
                       (SELECT o.strategy FROM corporate_strategy_overrides o
                        WHERE o.client_id = cr.client_id AND o.review_year = cr.review_year),
                       cr.strategy, 'standard') END
            FROM corporate_ratings cr WHERE cr.client_id = c.client_id
            AND cr.review_year <= ? ORDER BY cr.review_year DESC LIMIT 1)
    FROM clients c
    LEFT JOIN tiers t ON t.client_id = c.client_id
    LEFT JOIN assignments a ON a.client_id = c.client_id
    LEFT JOIN rms r ON r.rm_id = a.rm_id
    LEFT JOIN household_members h ON h.client_id = c.client_id AND c.segment = 'retail'
    WHERE c.client_id IN ({marks})
""".replace("{profile}", ", ".join(f"c.{col}" for col in PROFILE_COLUMNS))

# Each point carries its effective maturity (its own, else its product's): the rules of AUM
# read it (core.aum).
_POSITIONS_SQL = """
    SELECT client_id, product_code, as_of, balance, asset_class,
           COALESCE(maturity_date, (SELECT pr.maturity_date FROM products pr
                                    WHERE pr.product_code = p.product_code)) FROM positions p
    WHERE client_id IN ({marks}) AND as_of <= ?
      AND (as_of > ? OR as_of = (SELECT MAX(as_of) FROM positions x WHERE x.client_id = p.client_id
                                 AND x.product_code = p.product_code AND x.as_of <= ?))
    ORDER BY client_id, product_code, as_of
"""

_CONTACT_COLUMNS = "followup_id, client_id, date, outcome, stage, next_date, channel, note, visit_level"

# Contacts the rules of the planned days read (tasks.data_since), plus this year's corporate
# visits; the latest contact and latest covering contact come from _LATEST_SQL.
_CONTACTS_SQL = f"""
    SELECT {_CONTACT_COLUMNS} FROM followups
    WHERE client_id IN ({{marks}}) AND date <= ?
      AND (date >= ? OR next_date >= ? OR (visit_level IS NOT NULL AND date >= ?))
"""

_LATEST_SQL = """
    SELECT (SELECT followup_id FROM followups x WHERE x.client_id = c.client_id AND x.date <= ?
            ORDER BY x.date DESC, x.followup_id DESC LIMIT 1),
           (SELECT followup_id FROM followups x WHERE x.client_id = c.client_id AND x.date <= ?
            AND x.outcome != 'no_answer' ORDER BY x.date DESC, x.followup_id DESC LIMIT 1)
    FROM clients c WHERE c.client_id IN ({marks})
"""


# Big corporate clients' decision makers with a birthday on record (contact_birthday).
_KEY_PEOPLE_SQL = """
    SELECT client_id, name, role, birth_date FROM corporate_contacts
    WHERE client_id IN ({marks}) AND decision_maker = 1 AND birth_date IS NOT NULL
    ORDER BY client_id, name
"""

# Replaced assessment dates and ID expiries the compliance tasks of the days read.
_CHANGES_SQL = """
    SELECT client_id, field, changed_on, old_value, new_value FROM client_data_changes
    WHERE client_id IN ({marks}) AND changed_on >= ? ORDER BY client_id, changed_on, id
"""


# The campaigns whose calls the days can hold: slotted by the last day, not over before the first.
_TARGETS_SQL = """
    SELECT t.client_id, k.campaign_id, k.name, k.product_code, p.name, p.risk_level,
           p.asset_class, t.slot,
           k.ends_on, k.closed_on, t.score, t.preference, t.idle_cash, t.maturing_on
    FROM campaign_targets t JOIN campaigns k ON k.campaign_id = t.campaign_id
    JOIN products p ON p.product_code = k.product_code
    WHERE t.client_id IN ({marks}) AND t.slot <= ? AND k.ends_on >= ?
    ORDER BY t.client_id, k.campaign_id
"""

# Stored attrition scores from the one in force on the first day read (retention_since).
_ATTRITION_SQL = """
    SELECT client_id, as_of, score, trend, outflow, contact, maturity FROM attrition_scores s
    WHERE client_id IN ({marks}) AND as_of <= ?
      AND (as_of > ? OR as_of = (SELECT MAX(as_of) FROM attrition_scores x
                                 WHERE x.client_id = s.client_id AND x.as_of <= ?))
    ORDER BY client_id, as_of
"""


def holdings_of(conn, client_ids: Sequence[str], since: dt.date,
                last_day: dt.date) -> dict[str, list[Holding]]:
    """The clients' positions as change points from the one in force on `since` up to
    `last_day` (at most CHUNK clients)."""
    holdings: dict[str, list[Holding]] = {}
    rows = conn.execute(_POSITIONS_SQL.format(marks=_marks(len(client_ids))),
                        [*client_ids, last_day.isoformat(), since.isoformat(), since.isoformat()])
    for (client_id, product), points in groupby(rows, key=lambda r: (r[0], r[1])):
        holdings.setdefault(client_id, []).append(Holding(product, tuple(
            PositionPoint(dt.date.fromisoformat(p[2]), p[3], p[4], read_date(p[5]))
            for p in points)))
    return holdings


def load_clients(conn, client_ids: Sequence[str], first_day: dt.date, last_day: dt.date,
                 config: Mapping) -> list[Client]:
    """The clients with the data the rules of the days first_day..last_day read, in id order."""
    out: list[Client] = []
    for ids in _chunks(list(client_ids)):
        out.extend(_load_chunk(conn, ids, first_day, last_day, config))
    out.sort(key=lambda c: c.client_id)
    return out


def _load_chunk(conn, ids: Sequence[str], first_day: dt.date, last_day: dt.date,
                config: Mapping) -> list[Client]:
    marks = _marks(len(ids))
    since = data_since(first_day, config)
    holdings: dict[str, list[Holding]] = {}
    rows = conn.execute(_POSITIONS_SQL.format(marks=marks),
                        [*ids, last_day.isoformat(), since.isoformat(), since.isoformat()])
    for (client_id, product), points in groupby(rows, key=lambda r: (r[0], r[1])):
        holdings.setdefault(client_id, []).append(Holding(product, tuple(
            PositionPoint(dt.date.fromisoformat(p[2]), p[3], p[4], read_date(p[5]))
            for p in points)))

    contact_rows = {r[0]: r for r in conn.execute(
        _CONTACTS_SQL.format(marks=marks),
        [*ids, last_day.isoformat(), since.isoformat(), since.isoformat(),
         dt.date(first_day.year, 1, 1).isoformat()])}
    latest = {fid for pair in conn.execute(_LATEST_SQL.format(marks=marks),
                                           [first_day.isoformat(), first_day.isoformat(), *ids])
              for fid in pair if fid is not None and fid not in contact_rows}
    if latest:
        contact_rows.update((r[0], r) for r in conn.execute(
            f"SELECT {_CONTACT_COLUMNS} FROM followups WHERE followup_id IN ({_marks(len(latest))})",
            list(latest)))
    contacts: dict[str, list[Contact]] = {}
    for r in sorted(contact_rows.values(), key=lambda r: (r[1], r[2], r[0])):
        contacts.setdefault(r[1], []).append(Contact(
            dt.date.fromisoformat(r[2]), r[3], r[4], read_date(r[5]), r[6], r[7], r[8], r[0]))

    changes: dict[str, list[DataChange]] = {}
    for client_id, name, day, old, new in conn.execute(
            _CHANGES_SQL.format(marks=marks), [*ids, data_changes_since(first_day).isoformat()]):
        changes.setdefault(client_id, []).append(
            DataChange(name, dt.date.fromisoformat(day), read_date(old), read_date(new)))

    targets: dict[str, list[CampaignTarget]] = {}
    for r in conn.execute(_TARGETS_SQL.format(marks=marks),
                          [*ids, last_day.isoformat(), campaign_since(first_day, config).isoformat()]):
        targets.setdefault(r[0], []).append(CampaignTarget(
            r[1], r[2], r[3], r[4], r[5], r[6], dt.date.fromisoformat(r[7]),
            dt.date.fromisoformat(r[8]), read_date(r[9]), r[10], bool(r[11]), bool(r[12]),
            read_date(r[13])))

    attrition: dict[str, list[AttritionPoint]] = {}
    scores_since = retention_since(first_day, config).isoformat()
    for r in conn.execute(_ATTRITION_SQL.format(marks=marks),
                          [*ids, last_day.isoformat(), scores_since, scores_since]):
        attrition.setdefault(r[0], []).append(
            AttritionPoint(dt.date.fromisoformat(r[1]), r[2], (r[3], r[4], r[5], r[6])))

    clients = []
    n_profile = len(PROFILE_COLUMNS)
    rows = conn.execute(_CLIENT_SQL.format(marks=marks), [first_day.year, *ids]).fetchall()
    # Only big corporate clients have decision makers to greet: no query for a retail book.
    big = [row[0] for row in rows if row[-1] is not None]
    people: dict[str, list[KeyPerson]] = {}
    if big:
        for client_id, name, role, born in conn.execute(
                _KEY_PEOPLE_SQL.format(marks=_marks(len(big))), big):
            if read_date(born) is not None:  # a birthday outside the range is unknown
                people.setdefault(client_id, []).append(KeyPerson(name, role, read_date(born)))
    for row in rows:
        (client_id, name, segment, consent, closed_on, id_expiry, risk_level, assessed_on) = row[:8]
        profile = dict(zip(PROFILE_COLUMNS, row[8:8 + n_profile]))
        # A date outside the range is unknown, so also a field still to be asked for.
        for column in PROFILE_DATES:
            profile[column] = read_date(profile[column])
        (tier, status, since_text, rm_id, pinned, rm_active, household,
         strategy) = row[8 + n_profile:]
        clients.append(Client(
            client_id=client_id, name=name, segment=segment,
            tier=tier if tier in TIERS else None, watch=status == "watch",
            tier_since=read_date(since_text), rm_id=rm_id if rm_active else None,
            pinned=bool(pinned), big_corporate=strategy is not None, strategy=strategy,
            key_people=tuple(people.get(client_id, ())), consent=consent,
            closed_on=read_date(closed_on), birth_date=profile["birth_date"],
            wedding_date=profile["wedding_date"], id_expiry=read_date(id_expiry),
            risk_level=risk_level, risk_assessed_on=read_date(assessed_on),
            product_preferences=profile["product_preferences"], profile=profile,
            holdings=tuple(holdings.get(client_id, ())),
            contacts=tuple(contacts.get(client_id, ())),
            data_changes=tuple(changes.get(client_id, ())),
            campaigns=tuple(targets.get(client_id, ())),
            attrition=tuple(attrition.get(client_id, ())), household_id=household,
        ))
    return clients


# -------------------------------------------------------------------------------------------
# Products, NAVs and the shared day contexts

def _product(row) -> Product:
    return Product(row[0], row[1], row[2], row[3], read_date(row[4]), read_date(row[5]), row[6])


_PRODUCT_COLUMNS = "product_code, name, asset_class, risk_level, launch_date, maturity_date, status"


def load_products(conn, codes: Iterable[str] | None, first_day: dt.date, last_day: dt.date,
                  config: Mapping) -> dict[str, Product]:
    """The products with these codes (all when None) and every recently launched one."""
    launched = [new_product_since(first_day, config).isoformat(), last_day.isoformat()]
    if codes is None:
        rows = conn.execute(f"SELECT {_PRODUCT_COLUMNS} FROM products")
        return {r[0]: _product(r) for r in rows}
    products = {r[0]: _product(r) for r in conn.execute(
        f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE launch_date BETWEEN ? AND ?", launched)}
    wanted = sorted(set(codes) - set(products))
    for chunk in _chunks(wanted):
        products.update((r[0], _product(r)) for r in conn.execute(
            f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE product_code IN ({_marks(len(chunk))})",
            list(chunk)))
    return products


def load_navs(conn, codes: Iterable[str] | None, first_day: dt.date, last_day: dt.date,
              config: Mapping) -> dict[str, list[tuple[dt.date, int]]]:
    """NAVs from LOOKBACK days before the first drop that can matter, per product, oldest first."""
    since = (nav_since(first_day, config) - dt.timedelta(days=LOOKBACK + 1)).isoformat()
    window = [since, last_day.isoformat()]
    if codes is None:
        rows = conn.execute("SELECT product_code, date, nav FROM navs WHERE date BETWEEN ? AND ? "
                            "ORDER BY product_code, date", window)
        return _series(rows)
    series: dict[str, list[tuple[dt.date, int]]] = {}
    for chunk in _chunks(sorted(set(codes))):
        series.update(_series(conn.execute(
            f"SELECT product_code, date, nav FROM navs WHERE product_code IN ({_marks(len(chunk))}) "
            "AND date BETWEEN ? AND ? ORDER BY product_code, date", [*chunk, *window])))
    return series


def _series(rows) -> dict[str, list[tuple[dt.date, int]]]:
    return {code: [(dt.date.fromisoformat(r[1]), r[2]) for r in group]
            for code, group in groupby(rows, key=lambda r: r[0])}


def contexts(conn, days: Sequence[dt.date], config: Mapping, cal: WorkCalendar,
             product_codes: Iterable[str] | None) -> list[DayContext]:
    """The shared context of each day; product_codes None reads every product (whole bank)."""
    codes = None if product_codes is None else set(product_codes)
    products = load_products(conn, codes, days[0], days[-1], config)
    navs = load_navs(conn, codes, days[0], days[-1], config)
    start = go_live(conn)
    return [day_context(d, config, cal, products=products, navs=navs, go_live=start)
            for d in days]


# -------------------------------------------------------------------------------------------
# Plans

def capacity_of(rm: Rm, config: Mapping) -> int:
    return rm.daily_capacity or config["plan.daily_capacity"]


def rm_plan(conn, rm: Rm, days: Sequence[dt.date], config: Mapping, cal: WorkCalendar,
            shared: Sequence[DayContext] | None = None) -> Group:
    """One RM's days; reads only its clients (and, without `shared`, only their products)."""
    clients = load_clients(conn, rm_client_ids(conn, rm.rm_id), days[0], days[-1], config)
    if shared is None:
        shared = contexts(conn, days, config, cal, _held_codes(clients))
    return Group(rm, rm.branch, rm_days(clients, shared, rm.rm_id, capacity_of(rm, config)))


def _held_codes(clients: Iterable[Client]) -> set[str]:
    return {h.product_code for c in clients for h in c.holdings}


def _unassigned(conn, branch: str, ids: Sequence[str], days: Sequence[dt.date], config: Mapping,
                cal: WorkCalendar, shared: Sequence[DayContext] | None) -> Group:
    clients = load_clients(conn, ids, days[0], days[-1], config)
    if shared is None:
        shared = contexts(conn, days, config, cal, _held_codes(clients))
    return Group(None, branch, rm_days(clients, shared, None, None))


# Below this many RMs one process is quicker than starting workers.
PARALLEL_FROM_RMS = 200


def branch_plans(conn, branch: str | None, days: Sequence[dt.date], config: Mapping,
                 cal: WorkCalendar, workers: int | None = None) -> Iterator[Group]:
    """Every active RM's days, then each branch's unassigned clients, branch by branch.

    Without a branch: the whole bank, streamed RM by RM. `workers` processes share the work
    (default: one per core for a big bank); the order and the result do not change.
    """
    jobs = _jobs(conn, branch, days[0])
    if workers is None:
        workers = os.cpu_count() or 1
    rms = conn.execute("SELECT COUNT(*) FROM rms WHERE active = 1").fetchone()[0]
    if workers > 1 and rms >= PARALLEL_FROM_RMS and branch is None:
        # The job list is read here: a connection may only be used by the thread that made it.
        yield from _parallel(conn, list(jobs), days, config, cal, workers)
        return
    shared = contexts(conn, days, config, cal, None) if branch is None else None
    for job in jobs:
        yield _run_job(conn, job, days, config, cal, shared)


def _jobs(conn, branch: str | None, day: dt.date) -> Iterator[tuple]:
    """("rm", Rm) and ("unassigned", branch, client ids) in output order."""
    rms = active_rms(conn, branch)
    unassigned = groupby(unassigned_client_ids(conn, day, branch), key=lambda r: r[0])
    pending = next(unassigned, None)
    for rm_branch, branch_rms in groupby(rms, key=lambda rm: rm.branch):
        # Branches with unassigned clients but no active RM come in branch order too.
        while pending is not None and pending[0] < rm_branch:
            yield ("unassigned", pending[0], [r[1] for r in pending[1]])
            pending = next(unassigned, None)
        for rm in branch_rms:
            yield ("rm", rm)
        if pending is not None and pending[0] == rm_branch:
            yield ("unassigned", rm_branch, [r[1] for r in pending[1]])
            pending = next(unassigned, None)
    while pending is not None:
        yield ("unassigned", pending[0], [r[1] for r in pending[1]])
        pending = next(unassigned, None)


def _run_job(conn, job: tuple, days, config, cal, shared) -> Group:
    if job[0] == "rm":
        return rm_plan(conn, job[1], days, config, cal, shared)
    return _unassigned(conn, job[1], job[2], days, config, cal, shared)


# -- workers: each opens the file read-only and builds its own shared contexts once ----------
_worker: dict = {}


def _worker_start(path: str, days: Sequence[dt.date], overrides: Mapping) -> None:
    from vipcrm.core.config import Config

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    config = Config(overrides)
    cal = load_calendar(conn)
    _worker.update(conn=conn, config=config, cal=cal, days=days,
                   shared=contexts(conn, days, config, cal, None))


def _worker_job(job: tuple) -> tuple[Group, frozenset[int]]:
    w = _worker
    group = _run_job(w["conn"], job, w["days"], w["config"], w["cal"], w["shared"])
    return group, w["cal"].estimated_years


def _parallel(conn, jobs, days, config, cal, workers: int) -> Iterator[Group]:
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    overrides = {name: config[name] for name in config if not config.is_default(name)}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers, _worker_start, (path, list(days), overrides)) as pool:
        for group, estimated in pool.imap(_worker_job, jobs, chunksize=16):
            cal.note_estimated(estimated)
            yield group


# -------------------------------------------------------------------------------------------
# One client's tasks (follow-up logging and the client view)

def client_open_tasks(db, config: Mapping, client_id: str, day: dt.date) -> list[Task]:
    """The client's open tasks on `day`, by the same rules and data as `plan`."""
    conn = db.conn
    clients = load_clients(conn, [client_id], day, day, config)
    if not clients:
        return []
    cal = load_calendar(conn)
    ctx = contexts(conn, [day], config, cal, _held_codes(clients))[0]
    return sorted(open_tasks(clients[0], ctx), key=lambda t: (t.priority, t.due, t.reason))


def open_task_reasons(db, config: Mapping, client_id: str, day: dt.date) -> set[str]:
    return {task.reason for task in client_open_tasks(db, config, client_id, day)}


def open_tasks_of(db, config: Mapping, client_id: str, day: dt.date) -> list[dict]:
    return [{"reason": t.reason, "reference": t.reference, "window_start": t.window_start.isoformat(),
             "due": t.due.isoformat(), "overdue": t.due < day, "channel": t.channel,
             "priority": t.priority, "detail": t.detail}
            for t in client_open_tasks(db, config, client_id, day)]
