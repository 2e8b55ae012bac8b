"""A small bank whose data can be pushed to the ends of every date and money column, and the
command list that must answer it without a traceback (tests/test_edge_values*.py).

Today is Friday 2026-11-27. Branch BJ01 has a senior RM and an l3 RM, SH01 an l4 RM. The
clients sit in several tiers with birthdays, ID expiries, assessments, maturities, a NAV drop,
contacts and a sale near today, so that every planning rule has something to compute from the
values a test puts in their place.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from unittest import mock

import typer.main
import typer.testing
from typer.testing import CliRunner

from datafiles import copy_database, write_csv
from vipcrm.cli.app import app
from vipcrm.core.config import TIERS

TODAY = "2026-11-27"
M = 1_000_000  # a million CNY, in yuan as the files write amounts

BANK: dict[str, list[list[str]]] = {
    "calendar": [
        ["date", "type", "name"],
        ["2027-01-01", "holiday", "New Year's Day"],
    ],
    "rms": [
        ["rm_id", "name", "branch", "grade", "exam_passed", "active", "supervisor_id",
         "hired_on", "daily_capacity"],
        ["RM001", "Wang Fang", "BJ01", "senior", "true", "true", "", "2012-03-01", ""],
        ["RM002", "Li Na", "BJ01", "l3", "true", "true", "RM001", "2018-07-15", ""],
        ["RM003", "Zhou Min", "SH01", "l4", "true", "true", "", "2020-01-06", "5"],
    ],
    "products": [
        ["product_code", "name", "asset_class", "risk_level", "launch_date", "maturity_date",
         "status", "min_amount"],
        ["DEP", "Current deposit", "deposit", "R1", "", "", "on_sale", "0"],
        ["WM", "90-day plan", "wealth", "R2", "2026-09-01", "2026-12-04", "on_sale", "50000"],
        ["WM2", "New plan", "wealth", "R2", "2026-11-24", "2027-06-30", "on_sale", "10000"],
        ["FUND", "Equity fund", "fund", "R4", "2025-01-10", "", "on_sale", "1000"],
    ],
    "clients": [
        ["client_id", "name", "segment", "gender", "birth_date", "wedding_date", "phone",
         "email", "id_number", "id_expiry", "home_branch", "risk_level", "risk_assessed_on",
         "occupation", "marital_status", "family", "hobbies", "product_preferences",
         "wealth_source", "preferred_channel", "address", "contact_consent", "opened_on",
         "closed_on"],
        ["C01", "Zhao Lei", "retail", "M", "1968-11-29", "1995-12-02", "13800001234", "",
         "110101196811291234", "2027-01-15", "BJ01", "C4", "2025-12-10", "", "married", "",
         "", "wealth", "", "", "", "all", "2010-05-01", ""],
        ["C02", "Qian Mei", "retail", "F", "1975-12-01", "", "13900005678", "",
         "31010119751201567X", "2030-06-30", "BJ01", "C3", "2026-11-01", "", "", "", "", "",
         "", "", "", "all", "2015-03-12", ""],
        ["C03", "Sun Hao", "retail", "M", "1980-02-29", "2001-11-28", "", "", "", "",
         "BJ01", "C2", "2025-11-30", "", "", "", "", "fund", "", "", "", "all", "2018-01-01",
         ""],
        ["C04", "Li Ying", "retail", "F", "1950-11-27", "", "", "", "", "2026-12-31", "SH01",
         "C5", "2026-06-01", "", "", "", "", "", "", "", "", "service_only", "2019-01-01",
         ""],
        ["C05", "Zhou Bo", "retail", "M", "1990-01-01", "", "", "", "", "", "SH01", "", "",
         "", "", "", "", "", "", "", "", "all", "2020-01-01", ""],
        ["C06", "Northwind Trading", "corporate", "", "", "", "", "", "", "", "BJ01", "", "",
         "", "", "", "", "", "", "", "", "all", "2012-01-01", ""],
        ["C07", "Wu Jie", "retail", "M", "1960-12-02", "", "", "", "", "", "SH01", "C3",
         "2026-01-05", "", "", "", "", "", "", "", "", "all", "2016-01-01", "2026-12-31"],
    ],
    "positions": [
        ["client_id", "product_code", "as_of", "balance", "asset_class", "maturity_date"],
        ["C01", "DEP", "2026-10-01", str(4 * M), "", ""],
        ["C01", "WM", "2026-10-01", str(8 * M), "", "2026-12-04"],
        ["C01", "FUND", "2026-10-01", str(1 * M), "", ""],
        ["C02", "DEP", "2026-10-01", str(6 * M), "", ""],
        ["C02", "DEP", "2026-11-20", str(3 * M), "", ""],
        ["C03", "FUND", "2026-10-01", str(2 * M), "", ""],
        ["C04", "DEP", "2026-10-01", "600000", "", ""],
        ["C04", "WM", "2026-10-01", "100000", "", ""],
        ["C05", "DEP", "2026-10-01", "250000", "", ""],
        ["C07", "DEP", "2026-10-01", "300000", "", ""],
    ],
    "navs": [
        ["product_code", "date", "nav"],
        ["FUND", "2026-11-01", "1.000000"],
        ["FUND", "2026-11-20", "0.900000"],
    ],
    "transactions": [
        ["txn_id", "client_id", "date", "branch", "amount", "channel"],
        ["T1", "C01", "2026-11-02", "BJ01", "5000.00", "counter"],
        ["T2", "C04", "2026-11-03", "SH01", "-1200.50", ""],
        ["T3", "C05", "2026-10-15", "BJ01", "100.00", ""],
    ],
    "followups": [
        ["followup_id", "client_id", "rm_id", "date", "channel", "minutes", "outcome", "stage",
         "note", "product_code", "amount", "satisfaction", "next_date", "joint_rm_id",
         "visit_level"],
        ["F1", "C01", "RM001", "2026-10-20", "visit", "60", "reached", "sale", "", "WM",
         "200000.00", "5", "2026-11-30", "RM002", ""],
        ["F2", "C02", "RM001", "2026-11-05", "phone", "10", "no_answer", "", "", "", "", "",
         "", "", ""],
        ["F3", "C06", "RM001", "2026-03-05", "visit", "90", "reached", "", "", "", "", "",
         "", "", "business"],
        ["F4", "C03", "RM002", "2026-06-01", "phone", "15", "reached", "assess", "", "", "",
         "4", "", "", ""],
    ],
    "timesheets": [
        ["rm_id", "date", "category", "minutes"],
        ["RM001", "2026-11-27", "vip", "300"],
        ["RM002", "2026-11-26", "admin", "120"],
    ],
    "corporates": [
        ["client_id", "review_year", "contract_volume", "unit_price", "revenue",
         "collection_rate", "profit", "quality_loss", "industry_influence", "credit_rating"],
        ["C06", "2025", "40000000.00", "1100.00", "15000000.00", "0.9", "2000000.00", "20000",
         "4", "AA"],
        ["C06", "2026", "50000000.00", "1200.00", "18000000.00", "0.93", "2500000.00", "30000",
         "4", "AA"],
    ],
}
KINDS = tuple(BANK)  # dependency order
CLIENT_IDS = tuple(row[0] for row in BANK["clients"][1:])

# The date and money columns of each kind (the ones a test may push to their ends).
DATE_COLUMNS = {
    "calendar": ("date",), "rms": ("hired_on",), "products": ("launch_date", "maturity_date"),
    "clients": ("birth_date", "wedding_date", "id_expiry", "risk_assessed_on", "opened_on",
                "closed_on"),
    "positions": ("as_of", "maturity_date"), "navs": ("date",), "transactions": ("date",),
    "followups": ("date", "next_date"), "timesheets": ("date",),
}
MONEY_COLUMNS = {
    "products": ("min_amount",), "positions": ("balance",), "transactions": ("amount",),
    "followups": ("amount",),
    "corporates": ("contract_volume", "unit_price", "revenue", "profit", "quality_loss"),
}
# The ends of the date type, the null stand-ins of core systems and the ends of the dates the
# rules know (core.dates), today and its neighbours.
DATE_ENDS = ("0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01", "1989-12-31",
             "1990-01-01", "2026-11-26", TODAY, "2026-11-28", "2100-12-31", "2101-01-01",
             "9998-12-31", "9999-12-31")
# Money as the files write it (yuan): zero, one fen either side, and 10^15 fen (the most a row
# may hold) and one fen either side of it, and numbers of 40 and 5,000 digits.
MONEY_ENDS = ("0", "-1", "1", "0.01", "-0.01", "9999999999999.99", "10000000000000.00",
              "10000000000000.01", "-10000000000000.00", "9" * 40, "9" * 5000)
# As stored (fen): the same ends for values written straight into the database.
FEN_ENDS = (0, -1, 1, 10**15 - 1, 10**15, 10**15 + 1, -10**15)

runner = CliRunner()
# Typer's runner builds the command tree again on every call (about 40 ms, half of what a
# command costs on this bank); the property test runs hundreds, so they share one tree.
COMMAND = typer.main.get_command(app)


def run(db: Path, *args, today: str = TODAY):
    """One vipcrm command in this process; a traceback fails the test (catch_exceptions)."""
    with mock.patch.object(typer.testing, "_get_command", lambda _: COMMAND):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False,
                             env={"VIPCRM_DB": str(db), "VIPCRM_TODAY": today,
                                  "VIPCRM_LANG": "en", "NO_COLOR": "1"})


def import_bank(db: Path, folder: Path, bank: dict[str, list[list[str]]] = BANK) -> list:
    """Import every kind of `bank` through `vipcrm import`; the results in kind order."""
    folder.mkdir(parents=True, exist_ok=True)
    return [run(db, "import", kind, write_csv(folder / f"{kind}.csv", bank[kind]),
                "--rejects", folder / f"{kind}.rejects.csv")
            for kind in KINDS]


def build_template(folder: Path) -> Path:
    """The bank imported, tiered, assigned and rated: copied by every example."""
    db = folder / "template.db"
    for result in import_bank(db, folder / "files"):
        assert result.exit_code == 0, result.stderr
    for args in (("tier", "--recompute"), ("assign",), ("tier", "corporate", "--year", "2026")):
        result = run(db, *args)
        assert result.exit_code == 0, result.stderr
    return db


def copy_of(template: Path, folder: Path) -> Path:
    """A copy of the template database for one example (SQLite's backup: the template's
    write-ahead log included)."""
    folder.mkdir(parents=True, exist_ok=True)
    return copy_database(template, folder / "vipcrm.db")


def write_straight(db: Path, table: str, column: str, key: dict, value) -> None:
    """An older vipcrm's data, or a hand edit: one cell written with sqlite3, no checks (a
    change that would duplicate a key is skipped, as it cannot be stored)."""
    conn = sqlite3.connect(db)
    try:
        where = " AND ".join(f"{k} = ?" for k in key)
        conn.execute(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {where}",
                     [value, *key.values()])
        conn.commit()
    finally:
        conn.close()


REPORTS = ("tiers", "migration", "coverage", "rm", "timeshare", "pipeline", "kpi", "review",
           "completeness", "segments", "corporates", "compliance", "maturities", "attrition")


def command_list(out: Path) -> list[tuple]:
    """Every command a user runs over the data: recompute, assignment and the attrition
    scores, a campaign, plans in every format, every report, each client's views, a logged
    contact, an export and the nightly plan files."""
    commands: list[tuple] = [("tier", "--recompute"), ("assign",), ("attrition", "--recompute"),
                             ("campaign", "create", "WM2", "--tiers", ",".join(TIERS)),
                             ("campaign", "show", "1"), ("campaign", "report")]
    commands += [("plan", "today", "--format", fmt) for fmt in ("table", "csv", "json", "ics")]
    commands += [("plan", "week"), ("plan", "today", "--branch", "BJ01")]
    commands += [("report", name) for name in REPORTS]
    commands += [("report", "dashboard", "-o", out / "dashboard.html")]
    commands += [("client", "show", client, "--format", "json") for client in CLIENT_IDS]
    commands += [(view, "show" if view == "tier" else "explain", client)
                 for view in ("tier", "assign") for client in ("C01", "C04", "C07")]
    commands += [("tier", "list"), ("tier", "history", "C01"), ("assign", "list"),
                 ("followup", "list"),
                 ("followup", "log", "C01", "--channel", "phone", "--rm", "RM001",
                  "--outcome", "reached"),
                 ("export", "clients", "-o", out / "clients.csv"),
                 ("nightly", "--outbox", out / "plans")]
    return commands


# What no message may say: Python's and SQLite's words for a computation past their ends.
CRASH_WORDS = ("Traceback", "OverflowError", "date value out of range", "integer overflow",
               "year 0 is out of range", "year 10000 is out of range")


def run_all(db: Path, out: Path) -> dict[tuple, int]:
    """Run the command list; each must end with exit 0, 1 (a one-line refusal) or 3, and say
    nothing of a crash. Returns the exit code of each command."""
    codes = {}
    for command in command_list(out):
        result = run(db, *command)
        said = result.stdout + result.stderr
        assert result.exit_code in (0, 1, 3), (command, result.exit_code, result.stderr)
        assert not [w for w in CRASH_WORDS if w in said], (command, said[-2000:])
        if result.exit_code == 1:
            errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
            assert len(errors) == 1, (command, result.stderr)
        codes[command] = result.exit_code
    return codes
