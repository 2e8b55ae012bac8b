"""Go-live without a flood: a new bank's first night, on a demo-sized bank with no contact
history, spreads the first cadence calls over each tier's cadence instead of all on day one."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from test_nightly_support import TODAY, copy_inbox, demo_extracts, run
from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import TIERS, Config
from vipcrm.core.tasks import allowed_reasons, day_context, go_live_offset, open_tasks
from vipcrm.store import planning

CONFIG = Config()


@pytest.fixture(scope="module")
def first_night(tmp_path_factory):
    """The demo bank's extracts without the contact history, through `nightly` on an empty
    database on TODAY (a Friday): the bank's go-live."""
    folder = tmp_path_factory.mktemp("golive")
    extracts = demo_extracts(folder / "extracts", clients=600)
    (extracts / "followups.csv").unlink()
    db_path = folder / "vipcrm.db"
    done = run(["nightly", "--inbox", str(copy_inbox(extracts, folder / "inbox"))], db_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return db_path


def tiered(conn):
    """The tiered clients who may get cadence calls (consent, open relationship)."""
    clients = planning.load_clients(
        conn, [c for (c,) in conn.execute("SELECT client_id FROM tiers")], TODAY, TODAY, CONFIG)
    return [c for c in clients if "cadence" in allowed_reasons(c, TODAY)]


def cadence_due(conn, day, go_live):
    """{client_id: due} of the open cadence tasks on `day` when plans start from `go_live`."""
    cal = planning.load_calendar(conn)
    [ctx] = planning.contexts(conn, [day], CONFIG, cal, None)
    ctx = day_context(day, CONFIG, cal, products=ctx.products, go_live=go_live)
    return {t.client_id: t.due for c in tiered(conn) for t in open_tasks(c, ctx)
            if t.reason == "cadence"}


def test_day_one_holds_about_one_cadence_share_not_every_client(first_night):
    conn = sqlite3.connect(first_night)
    assert planning.go_live(conn) == TODAY
    clients = tiered(conn)
    assert len(clients) > 250 and not any(c.contacts for c in clients)
    by_tier = {t: sum(c.tier == t for c in clients) for t in TIERS}
    share = sum(n / CONFIG[f"tiers.{t}.cadence_days"] for t, n in by_tier.items())

    day_one = cadence_due(conn, TODAY, planning.go_live(conn))
    flood = cadence_due(conn, TODAY, None)  # the rule before: due the day they entered the tier

    assert len(flood) == len(clients)
    assert 0 < len(day_one) <= 2 * share + 2, (len(day_one), share)
    assert len(day_one) < len(clients) / 10
    assert set(day_one.values()) == {TODAY}


def test_every_client_is_due_once_within_its_cadence(first_night):
    conn = sqlite3.connect(first_night)
    cal = WorkCalendar({dt.date.fromisoformat(d): k for d, k in
                        conn.execute("SELECT date, type FROM calendar")})
    clients = {c.client_id: c for c in tiered(conn)}
    seen: dict[str, dt.date] = {}
    # Working days of the longest cadence: each client's task opens on its own day.
    day = TODAY
    while day < TODAY + dt.timedelta(days=CONFIG["tiers.gold.cadence_days"] + 7):
        if cal.is_working_day(day):
            for client_id, due in cadence_due(conn, day, TODAY).items():
                seen.setdefault(client_id, due)
        day += dt.timedelta(days=1)
    assert seen.keys() == clients.keys()
    per_day: dict[dt.date, int] = {}
    for client_id, due in seen.items():
        cadence = CONFIG[f"tiers.{clients[client_id].tier}.cadence_days"]
        spread = TODAY + dt.timedelta(days=go_live_offset(client_id, cadence))
        assert due == cal.on_or_after(spread)
        per_day[due] = per_day.get(due, 0) + 1
    # Spread out: no working day carries more than a tenth of the bank.
    assert max(per_day.values()) < len(clients) / 10


def test_plans_are_the_same_in_every_process(first_night, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copyfile(first_night, copy)
    outputs = {run(["plan", "today", "--branch", "BJ01", "--format", "csv"], copy,
                   PYTHONHASHSEED=seed).stdout for seed in ("1", "2")}
    assert len(outputs) == 1 and "cadence" in outputs.pop()


def test_go_live_is_the_first_positions_import_business_date(cli, tmp_path, db_path):
    from datafiles import write_csv

    assert cli("--today", "2026-03-02", "import", "clients", write_csv(
        tmp_path / "c.csv", [["client_id", "name", "home_branch"], ["C1", "Zhao", "BJ01"]])
    ).exit_code == 0
    conn = sqlite3.connect(db_path)
    assert planning.go_live(conn) is None  # no holdings yet: no client can hold a tier
    positions = [["client_id", "product_code", "as_of", "balance", "asset_class"],
                 ["C1", "DEP", "2026-03-09", "100", "deposit"]]
    for day in ("2026-03-09", "2026-03-10"):
        assert cli("--today", day, "import", "positions",
                   write_csv(tmp_path / f"p{day}.csv", positions)).exit_code == 0
    assert planning.go_live(conn) == dt.date(2026, 3, 9)
    # An import logged before the business date was recorded: the local day it ran on.
    conn.execute("UPDATE import_log SET today = NULL, started_at = '2026-03-08T23:10:00+08:00' "
                 "WHERE kind = 'positions' AND today = '2026-03-09'")
    assert planning.go_live(conn) == dt.date(2026, 3, 8)
