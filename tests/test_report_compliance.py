"""`vipcrm report compliance` and `vipcrm report maturities` over a small bank computed by hand.

Today is 2026-03-31; the period is March up to the 20th (compliance) or the whole month
(maturities). RMs: R1 at BJ01, R2 at SH01.

| client | branch, RM | born | assessment | holds |
|---|---|---|---|---|
| A | BJ01 R1 | 1950 (76) | C5, 2026-01-01 | WM 1M maturing 03-10, then FUND and BOND |
| B | BJ01 R1 | 1980 | C3, 2025-03-01: expired 03-01 | FUND 100k, WM 200k, DEP 50k |
| C | SH01 R2 | 1990 | none | BOND 30k, WM2 200k maturing 03-25 (product date) |
| D | SH01 R2 | | none, closed 02-01 | FUND 40k |
| E | BJ01 R1 | unknown | C4, 2026-01-05 | P1, P2 100k each maturing 03-05 and 03-06 |
| F | BJ01, no RM | 1985 | C4, 2025-03-21: valid to 03-20 | WM3 100k maturing 03-03, a NAV fund |
| G | SH01 R2 | 1970 | C3, 2026-01-01 | TD 500k maturing 03-12, renewed |
"""

import csv
import io
import json

import pytest

from test_reports import shown, table_rows
from vipcrm.store.db import open_db, transaction

TODAY = "2026-03-31"
K = 100_000  # a thousand CNY in fen

CLIENTS = [  # id, branch, birth, risk, assessed, closed
    ("A", "BJ01", "1950-02-01", "C5", "2026-01-01", None),
    ("B", "BJ01", "1980-06-01", "C3", "2025-03-01", None),
    ("C", "SH01", "1990-01-01", None, None, None),
    ("D", "SH01", None, None, None, "2026-02-01"),
    ("E", "BJ01", None, "C4", "2026-01-05", None),
    ("F", "BJ01", "1985-01-01", "C4", "2025-03-21", None),
    ("G", "SH01", "1970-01-01", "C3", "2026-01-01", None),
]
PRODUCTS = [  # code, class, risk, maturity
    ("WM", "wealth", "R2", None), ("WM2", "wealth", "R2", "2026-03-25"),
    ("WM3", "wealth", "R2", None), ("P1", "wealth", "R2", None), ("P2", "wealth", "R2", None),
    ("FUND", "fund", "R4", None), ("BOND", "bond", "R1", None), ("DEP", "deposit", "R1", None),
    ("TD", "deposit", "R1", None), ("PE", "fund", None, None),
]
POSITIONS = [  # client, product, as_of, balance, class, maturity
    ("A", "WM", "2026-01-01", 1000 * K, "wealth", "2026-03-10"),
    ("A", "WM", "2026-03-10", 0, "wealth", "2026-03-10"),
    ("A", "FUND", "2026-03-15", 600 * K, "fund", None),
    ("A", "BOND", "2026-03-18", 300 * K, "bond", None),  # after the window
    ("B", "FUND", "2026-01-01", 100 * K, "fund", None),
    ("B", "WM", "2026-01-01", 200 * K, "wealth", None),
    ("B", "DEP", "2026-01-01", 50 * K, "deposit", None),
    ("C", "BOND", "2026-01-01", 30 * K, "bond", None),
    ("C", "WM2", "2026-01-01", 200 * K, "wealth", None),
    ("C", "WM2", "2026-03-25", 0, "wealth", None),
    ("C", "DEP", "2026-03-25", 200 * K, "deposit", None),  # proceeds parked
    ("D", "FUND", "2026-01-01", 40 * K, "fund", None),
    ("E", "P1", "2026-01-01", 100 * K, "wealth", "2026-03-05"),
    ("E", "P2", "2026-01-01", 100 * K, "wealth", "2026-03-06"),
    ("E", "FUND", "2026-03-07", 150 * K, "fund", None),
    ("F", "WM3", "2026-01-01", 100 * K, "wealth", "2026-03-03"),
    ("F", "FUND", "2026-01-01", 100 * K, "fund", None),
    ("F", "FUND", "2026-03-05", 110 * K, "fund", None),  # the NAV rose 10%
    ("F", "FUND", "2026-03-06", 160 * K, "fund", None),  # 50k of new money
    ("G", "TD", "2026-01-01", 500 * K, "deposit", "2026-03-12"),
    ("G", "TD", "2026-03-12", 500 * K, "deposit", "2026-09-12"),
]
SALES = [  # id, client, rm, date, channel, product, amount, extra
    ("S1", "A", "R1", "2026-03-05", "visit", "PE", 300 * K, {"recording_id": "REC-1",
                                                             "client_risk": "C5"}),
    ("S2", "E", "R1", "2026-03-06", "phone", "FUND", 150 * K, {}),  # imported: no recording
    ("S3", "B", "R1", "2026-03-10", "visit", "FUND", 20 * K,
     {"override_reason": "client insisted", "risk_warning_id": "RW-9", "client_risk": "C3"}),
    ("S4", "A", "R1", "2026-03-11", "visit", "BOND", 10 * K, {}),  # R1: nothing to report
    ("S5", "A", "R1", "2026-02-20", "visit", "PE", 10 * K, {}),  # before the period
    ("S6", "G", "R2", "2026-03-12", "visit", "FUND", 90 * K,
     {"override_reason": "asked twice", "risk_warning_id": "RW-10", "client_risk": "C3"}),
]


@pytest.fixture
def bank(db_path):
    db = open_db(db_path)
    conn = db.conn
    with transaction(db):
        conn.executemany("INSERT INTO rms (rm_id, name, branch, grade) VALUES (?, ?, ?, 'l1')",
                         [("R1", "Ann", "BJ01"), ("R2", "Bob", "SH01")])
        conn.executemany("INSERT INTO clients (client_id, name, home_branch, birth_date, "
                         "risk_level, risk_assessed_on, closed_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(c, f"Client {c}", *rest) for c, *rest in CLIENTS])
        conn.executemany("INSERT INTO assignments (client_id, rm_id, reason, since) "
                         "VALUES (?, ?, 'new', '2026-01-01')",
                         [("A", "R1"), ("B", "R1"), ("E", "R1"), ("C", "R2"), ("D", "R2"),
                          ("G", "R2")])
        conn.executemany("INSERT INTO products (product_code, name, asset_class, risk_level, "
                         "maturity_date) VALUES (?, ?, ?, ?, ?)",
                         [(p, f"Product {p}", *rest) for p, *rest in PRODUCTS])
        conn.executemany("INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?)", POSITIONS)
        conn.executemany("INSERT INTO navs VALUES ('FUND', ?, ?)",
                         [("2026-01-01", 1_000_000), ("2026-03-05", 1_100_000)])
        for fid, client, rm, day, channel, product, amount, extra in SALES:
            row = {"followup_id": fid, "client_id": client, "rm_id": rm, "date": day,
                   "channel": channel, "stage": "sale", "product_code": product,
                   "amount": amount, **extra}
            conn.execute(f"INSERT INTO followups ({', '.join(row)}) "
                         f"VALUES ({', '.join('?' * len(row))})", list(row.values()))
        conn.executemany("INSERT INTO freshness VALUES (?, ?)",
                         [("positions", "2026-03-30"), ("transactions", "2026-03-30")])
    conn.close()
    return db_path


@pytest.fixture
def report(cli, bank):
    def run(name, *args, fmt="json"):
        # Tables on a screen wide enough for every column (narrower screens leave columns
        # out: tests/test_rendering.py).
        result = cli("--today", TODAY, "report", name, *args, "--format", fmt,
                     env={"COLUMNS": "1000"})
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout) if fmt == "json" else result

    return run


MARCH_20 = ("--from", "2026-03-01", "--to", "2026-03-20")
MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


# --- compliance -----------------------------------------------------------------------------

def brief(rows):
    return [(r["kind"], r["date"], r["client_id"], r["product_code"], r["amount"]) for r in rows]


def test_compliance_lists_overrides_elderly_sales_and_unassessed_holdings(report):
    rows = report("compliance", *MARCH_20)
    assert brief(rows) == [
        ("override", "2026-03-10", "B", "FUND", 20_000.0),
        ("override", "2026-03-12", "G", "FUND", 90_000.0),
        ("elderly_high_risk", "2026-03-05", "A", "PE", 300_000.0),  # unrated counts as R5
        ("elderly_high_risk", "2026-03-06", "E", "FUND", 150_000.0),  # unknown age
        # B's assessment expired on 03-01 (not its deposit); C was never assessed; D is closed;
        # F's assessment of 2025-03-21 is valid on the 20th, its last day
        ("expired_assessment", "2026-03-20", "B", "FUND", 100_000.0),
        ("expired_assessment", "2026-03-20", "B", "WM", 200_000.0),
        ("expired_assessment", "2026-03-20", "C", "BOND", 30_000.0),
        ("expired_assessment", "2026-03-20", "C", "WM2", 200_000.0),
    ]
    override = rows[0]
    assert override == {
        "kind": "override", "date": "2026-03-10", "client_id": "B", "name": "Client B",
        "branch": "BJ01", "rm_id": "R1", "product_code": "FUND", "asset_class": "fund",
        "product_risk": "R4", "client_risk": "C3", "assessed_on": None, "age": 45,
        "channel": "visit", "amount": 20_000.0, "followup_id": "S3",
        "override_reason": "client insisted", "risk_warning_id": "RW-9", "recording_id": None}
    assert (rows[2]["age"], rows[2]["recording_id"]) == (76, "REC-1")
    assert (rows[3]["age"], rows[3]["recording_id"], rows[3]["channel"]) == (None, None, "phone")
    held = rows[4]
    assert (held["client_risk"], held["assessed_on"], held["age"], held["followup_id"],
            held["rm_id"], held["branch"]) == ("C3", "2025-03-01", 45, None, "R1", "BJ01")


def test_an_assessment_expires_after_its_last_valid_day(report):
    rows = report("compliance", "--from", "2026-03-21", "--to", "2026-03-21")
    assert ("expired_assessment", "2026-03-21", "F", "WM3", 100_000.0) in brief(rows)
    assert not any(r["client_id"] == "F" for r in report("compliance", *MARCH_20))


def test_an_elderly_client_is_counted_from_the_elderly_age(report, cli):
    assert cli("config", "set", "suitability.elderly_age", "77").exit_code == 0
    kinds = [(r["kind"], r["client_id"]) for r in report("compliance", *MARCH_20)]
    assert ("elderly_high_risk", "A") not in kinds  # 76
    assert ("elderly_high_risk", "E") in kinds  # unknown age, whatever the age


def test_compliance_scopes_sales_by_the_selling_rm_and_holdings_by_the_client(report):
    assert brief(report("compliance", *MARCH_20, "--branch", "SH01")) == [
        ("override", "2026-03-12", "G", "FUND", 90_000.0),
        ("expired_assessment", "2026-03-20", "C", "BOND", 30_000.0),
        ("expired_assessment", "2026-03-20", "C", "WM2", 200_000.0),
    ]
    assert {r["client_id"] for r in report("compliance", *MARCH_20, "--rm", "R1")} == {
        "A", "B", "E"}


def test_compliance_states_the_counts_and_flags_missing_recordings(report):
    result = report("compliance", *MARCH_20, fmt="table")
    assert ("override 2 (110,000.00 CNY); elderly_high_risk 2 (450,000.00 CNY); "
            "expired_assessment 4 (530,000.00 CNY)") in result.stderr
    assert "Total" not in result.stdout  # sales and holdings do not add up


# --- maturities -----------------------------------------------------------------------------

def test_maturities_per_rm_with_the_retention_rate(report):
    rows = report("maturities", *MARCH)
    assert rows == [
        # A: 600k of its 1M within 7 days (the bond on day 8 is too late); E: one purchase of
        # 150k after two maturities of 100k serves the first, then half the second
        {"branch": "BJ01", "rm_id": "R1", "name": "Ann", "maturities": 3, "clients": 2,
         "matured": 1_200_000.0, "reinvested": 750_000.0, "retention_pct": 62.5, "pending": 0},
        # F: the fund's 10% rise is its NAV's; the 50k the next day is new money
        {"branch": "BJ01", "rm_id": None, "name": None, "maturities": 1, "clients": 1,
         "matured": 100_000.0, "reinvested": 50_000.0, "retention_pct": 50.0, "pending": 0},
        # G's time deposit renewed whole; C's proceeds went to the current account, and its
        # window (03-25 to 04-01) is still open on the 31st
        {"branch": "SH01", "rm_id": "R2", "name": "Bob", "maturities": 2, "clients": 2,
         "matured": 700_000.0, "reinvested": 500_000.0, "retention_pct": 71.4, "pending": 1},
    ]


def test_maturity_details(report):
    rows = report("maturities", *MARCH, "--details")
    assert [(r["client_id"], r["product_code"], r["maturity_date"], r["amount"],
             r["reinvested"], r["retention_pct"], r["window_end"], r["pending"])
            for r in rows] == [
        ("E", "P1", "2026-03-05", 100_000.0, 100_000.0, 100.0, "2026-03-12", False),
        ("E", "P2", "2026-03-06", 100_000.0, 50_000.0, 50.0, "2026-03-13", False),
        ("A", "WM", "2026-03-10", 1_000_000.0, 600_000.0, 60.0, "2026-03-17", False),
        ("F", "WM3", "2026-03-03", 100_000.0, 50_000.0, 50.0, "2026-03-10", False),
        ("G", "TD", "2026-03-12", 500_000.0, 500_000.0, 100.0, "2026-03-19", False),
        ("C", "WM2", "2026-03-25", 200_000.0, 0.0, 0.0, "2026-04-01", True),
    ]
    assert list(rows[0]) == ["branch", "rm_id", "client_id", "name", "product_code",
                             "maturity_date", "amount", "reinvested", "retention_pct",
                             "window_end", "pending"]


def test_the_retention_window_comes_from_the_configuration(report, cli):
    assert cli("config", "set", "plan.retention_days", "0").exit_code == 0
    rows = {(r["client_id"], r["product_code"]): r["reinvested"]
            for r in report("maturities", *MARCH, "--details")}
    assert rows == {("E", "P1"): 0.0, ("E", "P2"): 0.0, ("A", "WM"): 0.0, ("F", "WM3"): 0.0,
                    ("G", "TD"): 500_000.0, ("C", "WM2"): 0.0}


def test_money_after_the_end_of_the_period_does_not_count(report):
    rows = {r["client_id"]: r for r in report("maturities", "--from", "2026-03-01", "--to",
                                              "2026-03-12", "--details")}
    assert (rows["A"]["reinvested"], rows["A"]["pending"]) == (0.0, True)  # bought on the 15th
    assert "C" not in rows  # matures after the period


def test_maturities_scope(report):
    assert [r["rm_id"] for r in report("maturities", *MARCH, "--branch", "SH01")] == ["R2"]
    assert {r["client_id"] for r in report("maturities", *MARCH, "--rm", "R1", "--details")} \
        == {"A", "E"}


def test_maturities_table_total_is_the_ratio_of_the_sums(report):
    result = report("maturities", *MARCH, fmt="table")
    total = [line for line in result.stdout.splitlines() if "Total" in line][0]
    assert "2,000,000.00" in total and "1,300,000.00" in total and "65.0" in total
    assert "retained: reinvested within 7 days" in result.stdout


# --- formats and help -------------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [("compliance", MARCH_20), ("maturities", MARCH),
                                        ("maturities", (*MARCH, "--details"))])
def test_json_csv_and_table_carry_the_same_numbers(report, name, args):
    rows = report(name, *args)
    parsed = list(csv.DictReader(io.StringIO(report(name, *args, fmt="csv").stdout)))
    table = table_rows(report(name, *args, fmt="table").stdout)
    assert rows and len(parsed) == len(rows) == len(table)
    money = {"amount", "matured", "reinvested"}
    for record, line, cells in zip(rows, parsed, table):
        assert list(line) == list(record)
        assert cells == [f"{v:,.2f}" if k in money and v is not None else shown(k, v)
                         for k, v in record.items()]


def test_the_kinds_in_chinese(cli, bank):
    result = cli("--today", TODAY, "--lang", "zh", "report", "compliance", *MARCH_20,
                 env={"COLUMNS": "1000"})
    assert result.exit_code == 0
    assert "适当性例外" in result.stdout and "双录编号" in result.stdout


@pytest.mark.parametrize("name", ["compliance", "maturities"])
def test_help_gives_the_keys_and_an_example(cli, name):
    result = cli("report", name, "--help")
    assert result.exit_code == 0
    assert "JSON/CSV keys:" in result.stdout
    assert f"Example:\n    vipcrm report {name} " in result.stdout


def test_an_empty_bank_reports_nothing(cli, blank_db):
    for name in ("compliance", "maturities"):
        result = cli("--today", TODAY, "report", name, "--format", "json")
        assert result.exit_code == 0 and json.loads(result.stdout) == []
