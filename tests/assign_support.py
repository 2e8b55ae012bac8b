"""Helpers of the ownership and assignment tests: plain-data banks, applying an outcome, the
invariants of DOMAIN §3 checked on a database, and the Berka data read independently."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from vipcrm.core.assignment import REQUIRED_GRADE, Client, Outcome, Rm, sufficient
from vipcrm.core.config import Config

CONFIG = Config()


def rm(rm_id, branch="B1", grade="l4", capacity=None, active=True) -> Rm:
    return Rm(rm_id, branch, grade, CONFIG.capacity(grade) if capacity is None else capacity,
              active)


def client(client_id, tier="gold", aum=30_000_000, branch="B1", rm_id=None, pinned=False,
           gap=False, reason=None, corporate=False, closed=False) -> Client:
    if rm_id is not None and reason is None:
        reason = "new"
    return Client(client_id, branch, tier, aum, corporate, closed, rm_id, pinned, gap, reason)


def apply(clients: list[Client], outcome: Outcome) -> list[Client]:
    """The clients as the next run reads them after `outcome` was written."""
    rows = {row.client_id: row for row in outcome.writes}
    gone = set(outcome.releases)
    after = []
    for c in clients:
        if c.client_id in gone:
            c = c._replace(rm_id=None, pinned=False, grade_gap=False, reason=None)
        elif c.client_id in rows:
            row = rows[c.client_id]
            c = c._replace(rm_id=row.rm_id, pinned=row.pinned, grade_gap=row.grade_gap,
                           reason=row.reason)
        after.append(c)
    return after


def state(clients: list[Client]) -> dict[str, tuple]:
    return {c.client_id: (c.rm_id, c.grade_gap, c.reason) for c in clients if c.reason}


def check_plain(clients: list[Client], rms: list[Rm]) -> None:
    """The invariants of DOMAIN §3 over plain data after a run was applied, pins aside."""
    by_id = {r.rm_id: r for r in rms}
    load: dict[str, int] = {}
    for c in clients:
        if c.rm_id is not None:
            load[c.rm_id] = load.get(c.rm_id, 0) + 1
    for r in rms:
        # corporate clients are assigned by hand: they count like pins
        pins = sum(1 for c in clients if c.rm_id == r.rm_id and (c.pinned or c.corporate))
        others = load.get(r.rm_id, 0) - pins
        assert others <= max(r.capacity - pins, 0), f"{r.rm_id} over capacity"
        if not r.active:
            assert not load.get(r.rm_id), f"inactive {r.rm_id} holds clients"
    for c in clients:
        if c.pinned or c.corporate:
            continue
        if c.rm_id is not None:
            r = by_id[c.rm_id]
            assert not c.closed and c.tier is not None, f"{c.client_id} assigned out of scope"
            assert r.branch == c.branch, f"{c.client_id} at {c.branch}, RM at {r.branch}"
            assert sufficient(r.grade, c.tier) or c.grade_gap, f"{c.client_id} grade"
        elif c.tier is not None and not c.closed:
            assert c.reason in ("no_capacity", "no_rm"), f"{c.client_id} silently unassigned"


def check_db(db_path, today: dt.date, config: Config = CONFIG) -> dict[str, int]:
    """The same invariants on a database after `vipcrm assign`; returns a few counts."""
    from vipcrm.core.assignment import effective_grade

    conn = sqlite3.connect(db_path)
    try:
        rms = {rm_id: (branch, effective_grade(grade, bool(exam)), bool(active))
               for rm_id, branch, grade, exam, active in
               conn.execute("SELECT rm_id, branch, grade, exam_passed, active FROM rms")}
        rows = conn.execute(
            "SELECT c.client_id, c.segment, COALESCE(c.closed_on <= ?, 0), o.branch, t.tier, "
            "a.rm_id, a.pinned, a.grade_gap, a.reason FROM clients c "
            "LEFT JOIN ownership o ON o.client_id = c.client_id "
            "LEFT JOIN tiers t ON t.client_id = c.client_id "
            "LEFT JOIN assignments a ON a.client_id = c.client_id", [today.isoformat()]
        ).fetchall()
    finally:
        conn.close()
    load: dict[str, list[int]] = {}
    counts = {"assigned": 0, "unassigned": 0, "grade_gaps": 0, "away_from_home": 0}
    for client_id, segment, closed, branch, tier, rm_id, pinned, gap, reason in rows:
        assert branch is not None, f"{client_id} has no ownership"
        if rm_id is not None:
            load.setdefault(rm_id, [0, 0])[bool(pinned) or segment == "corporate"] += 1
        if pinned or segment == "corporate":
            continue
        if rm_id is not None:
            rm_branch, grade, active = rms[rm_id]
            assert tier is not None and not closed, f"{client_id} assigned out of scope"
            assert active, f"{client_id} held by inactive {rm_id}"
            assert rm_branch == branch, f"{client_id} owned by {branch}, {rm_id} at {rm_branch}"
            assert sufficient(grade, tier) or gap, f"{client_id}: {tier} with a {grade} RM"
            counts["assigned"] += 1
            counts["grade_gaps"] += bool(gap)
        elif tier is not None and not closed:
            assert reason in ("no_capacity", "no_rm"), f"{client_id} unassigned without reason"
            counts["unassigned"] += 1
    for rm_id, (others, pins) in load.items():
        capacity = config.capacity(rms[rm_id][1])
        assert others <= max(capacity - pins, 0), f"{rm_id} over capacity"
    return counts


# --- Berka ---------------------------------------------------------------------------------------

def _rows(path: Path):
    with path.open(encoding="ascii", newline="") as handle:
        lines = handle.read().split("\r\n")
    header = [h.strip('"') for h in lines[0].split(";")]
    for line in lines[1:]:
        cells = line.split(";")
        if len(cells) != len(header):  # the cut-off last line of the partial trans file
            continue
        yield dict(zip(header, (c.strip('"') for c in cells)))


def berka_date(text: str) -> dt.date:
    return dt.date(1900 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def branch(district: str) -> str:
    return f"D{int(district):02d}"


class Berka:
    """Owners, their home district and every transaction at the account's district."""

    def __init__(self, folder: Path):
        account_district = {r["account_id"]: r["district_id"]
                            for r in _rows(folder / "account.asc")}
        self.home = {r["client_id"]: branch(r["district_id"])
                     for r in _rows(folder / "client.asc")}
        self.owner = {r["account_id"]: r["client_id"] for r in _rows(folder / "disp.asc")
                      if r["type"] == "OWNER"}
        self.account_branch = {a: branch(d) for a, d in account_district.items()}
        self.transactions = []
        self.balance = {}  # the last balance seen per owner, fen
        for r in _rows(folder / "trans_PARTIAL_first3MiB.asc"):
            owner = self.owner[r["account_id"]]
            self.transactions.append((r["trans_id"], owner, berka_date(r["date"]),
                                      self.account_branch[r["account_id"]],
                                      round(float(r["amount"]) * 100)))
            self.balance[owner] = round(float(r["balance"]) * 100)

    def expected_owners(self, start: dt.date, end: dt.date) -> dict[str, str]:
        """Every client's ownership branch, counted here by hand, independently of vipcrm's SQL
        and rules."""
        per: dict[str, dict[str, list[dt.date]]] = {}
        for _, owner, day, where, _ in self.transactions:
            if start <= day <= end:
                per.setdefault(owner, {}).setdefault(where, []).append(day)
        owners = dict(self.home)
        for client_id, branches in per.items():
            owners[client_id] = sorted(
                branches, key=lambda b: (-len(branches[b]), -max(branches[b]).toordinal(), b))[0]
        return owners


def tier_for(fen: int) -> str | None:
    for tier in REQUIRED_GRADE:
        if fen >= CONFIG.floor_fen(tier):
            return tier
    return None


# --- databases -------------------------------------------------------------------------------

def seed(db_path, *, rms=(), clients=(), tiers=None, transactions=(), today=None) -> None:
    """Rows straight into a migrated database, as the importers and `tier --recompute` leave
    them. rms: (rm_id, branch, grade[, exam_passed, active]); clients: (client_id, home_branch
    [, segment, closed_on]); tiers: {client_id: (tier, basis_aum_fen)}; transactions:
    (client_id, date, branch)."""
    from vipcrm.store.db import open_db

    db = open_db(db_path)
    conn = db.conn
    as_of = (today or dt.date(2026, 11, 30)).isoformat()
    with conn:
        conn.execute("BEGIN")
        for row in rms:
            rm_id, branch_, grade, exam, active = (*row, 1, 1)[:5]
            conn.execute("INSERT INTO rms (rm_id, name, branch, grade, exam_passed, active) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (rm_id, f"RM {rm_id}", branch_, grade,
                                                       int(exam), int(active)))
        for row in clients:
            client_id, home, segment, closed_on = (*row, "retail", None)[:4]
            conn.execute("INSERT INTO clients (client_id, name, home_branch, segment, closed_on) "
                         "VALUES (?, ?, ?, ?, ?)", (client_id, f"Client {client_id}", home,
                                                    segment, closed_on))
        for client_id, (tier, aum) in (tiers or {}).items():
            set_tier(conn, client_id, tier, aum, as_of)
        start = conn.execute("SELECT COUNT(*) FROM transactions").fetchone()[0]
        conn.executemany("INSERT INTO transactions (txn_id, client_id, date, branch) "
                         "VALUES (?, ?, ?, ?)",
                         ((f"T{i:07d}", client_id, str(day), branch_)
                          for i, (client_id, day, branch_) in enumerate(transactions, start)))
    conn.close()


def set_tier(conn, client_id: str, tier: str | None, aum: int = 0, as_of="2026-11-30") -> None:
    """The `tiers` contract: a row means that tier, no row means untiered."""
    if tier is None:
        conn.execute("DELETE FROM tiers WHERE client_id = ?", (client_id,))
        return
    conn.execute("INSERT OR REPLACE INTO tiers (client_id, tier, status, basis_aum, aum, since, "
                 "as_of) VALUES (?, ?, 'ok', ?, ?, ?, ?)",
                 (client_id, tier, aum, aum, as_of, as_of))


def dump(db_path, *tables: str) -> dict[str, list]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()
