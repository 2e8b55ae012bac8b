"""Dates and amounts at their ends in the database never break a command (issue 15, point 2).

An older vipcrm imported null stand-ins as dates (`id_expiry=0001-01-01`,
`risk_assessed_on=9999-12-31`), and anybody can write a row by hand: every command then crashed
with OverflowError. The rule (core.dates, README "Edge values"): an optional date outside
1900-01-01..2100-12-31 reads as unknown, exactly as if the cell were empty; a row's own date is
taken as it is and what is computed from it stops at the calendar's ends; sums of money past
SQLite's 64 bits are refused with one line naming the largest amount. The property test over
random ends is tests/test_edge_values_property.py; here are the cases of the issue, each with
the whole command list, and the rule itself.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3

import pytest

from datafiles import contents, write_csv
from edge_support import (BANK, TODAY, build_template, copy_of, run, run_all,
                          write_straight)
from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.dates import read_date, shift

D = dt.date


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("edge-bank"))


# -- the rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [
    (None, None), ("", None), ("0001-01-01", None), ("1899-12-30", None), ("1899-12-31", None),
    ("1900-01-01", D(1900, 1, 1)), ("2026-02-28", D(2026, 2, 28)),
    ("2100-12-31", D(2100, 12, 31)), ("2101-01-01", None), ("9998-12-31", None),
    ("9999-12-31", None),
])
def test_an_optional_date_outside_1900_to_2100_reads_as_unknown(text, day):
    assert read_date(text) == day


@pytest.mark.parametrize("day, days, moved", [
    (D(2026, 11, 27), -14, D(2026, 11, 13)), (D(2026, 11, 27), 3650, D(2036, 11, 24)),
    (D(1, 1, 2), -14, D.min), (D.min, -1, D.min), (D(9999, 12, 20), 30, D.max),
    (D.max, 1, D.max), (D.max, -1, D(9999, 12, 30)),
])
def test_shift_stops_at_the_first_and_last_date_there_is(day, days, moved):
    assert shift(day, days) == moved


def test_the_calendar_walks_stop_at_its_ends_and_say_nothing_of_year_1():
    cal = WorkCalendar({D.min: "holiday", D(1, 1, 2): "holiday", D.max: "holiday",
                        D(9999, 12, 30): "holiday"})
    assert cal.on_or_before(D(1, 1, 2)) == D.min
    assert cal.on_or_after(D(9999, 12, 30)) == D.max
    plain = WorkCalendar()
    assert plain.on_or_before(D(1, 1, 6)) == D(1, 1, 5)  # a Saturday: back to Friday
    assert plain.problems() == []
    plain.on_or_before(D(2110, 6, 6))  # ten years past the last date a command takes
    assert "2110" in str(plain.problems()[0])


# -- the cases of the issue, with every command -------------------------------------------

# (case, cells written into the database: table, column, key, value)
CASES = [
    ("id_expiry 0001-01-01", [("clients", "id_expiry", {"client_id": "C01"}, "0001-01-01")]),
    ("risk_assessed_on 9999-12-31",
     [("clients", "risk_assessed_on", {"client_id": "C01"}, "9999-12-31")]),
    ("birth_date 9999-12-31", [("clients", "birth_date", {"client_id": "C01"}, "9999-12-31")]),
    ("wedding_date 0001-01-01",
     [("clients", "wedding_date", {"client_id": "C01"}, "0001-01-01")]),
    ("id_expiry 9999-12-31 (a long-term ID)",
     [("clients", "id_expiry", {"client_id": "C04"}, "9999-12-31")]),
    ("risk_assessed_on 0001-01-01",
     [("clients", "risk_assessed_on", {"client_id": "C03"}, "0001-01-01")]),
    ("closed_on 0001-01-01", [("clients", "closed_on", {"client_id": "C02"}, "0001-01-01")]),
    ("closed_on 9999-12-31", [("clients", "closed_on", {"client_id": "C07"}, "9999-12-31")]),
    ("every client date at each end", [
        ("clients", column, {"client_id": client}, value)
        for client, value in (("C01", "0001-01-01"), ("C02", "9999-12-31"),
                              ("C03", "1899-12-31"), ("C04", "2101-01-01"))
        for column in ("birth_date", "wedding_date", "id_expiry", "risk_assessed_on",
                       "opened_on", "closed_on")]),
    ("position maturity 0001-01-01",
     [("positions", "maturity_date",
       {"client_id": "C01", "product_code": "WM", "as_of": "2026-10-01"}, "0001-01-01")]),
    ("position maturity 9999-12-31",
     [("positions", "maturity_date",
       {"client_id": "C01", "product_code": "WM", "as_of": "2026-10-01"}, "9999-12-31")]),
    ("snapshots dated 0001-01-01 and 9999-12-31", [
        ("positions", "as_of", {"client_id": "C03", "product_code": "FUND"}, "0001-01-01"),
        ("positions", "as_of", {"client_id": "C02", "product_code": "DEP",
                                "as_of": "2026-11-20"}, "9999-12-31"),
        ("freshness", "latest", {"feed": "positions"}, "9999-12-31")]),
    ("product dates at the ends", [
        ("products", "maturity_date", {"product_code": "WM"}, "9999-12-31"),
        ("products", "launch_date", {"product_code": "WM2"}, "0001-01-01"),
        ("products", "launch_date", {"product_code": "FUND"}, "9999-12-31")]),
    ("the only contact dated 0001-01-01, a 1-day cadence and year 1 all holidays", [
        ("followups", "date", {"followup_id": "F4"}, "0001-01-01"),
        ("config", "tiers.platinum.cadence_days", None, "1"),
        ("calendar", "date", {"date": "2027-01-01"}, "0001-01-01")]),
    ("contacts and follow-ups dated at the ends", [
        ("followups", "date", {"followup_id": "F1"}, "9999-12-31"),
        ("followups", "next_date", {"followup_id": "F4"}, "0001-01-01"),
        ("followups", "next_date", {"followup_id": "F2"}, "9999-12-31"),
        ("followups", "date", {"followup_id": "F3"}, "0001-01-01")]),
    ("NAVs, transactions, timesheets and a hire at the ends", [
        ("navs", "date", {"product_code": "FUND", "date": "2026-11-01"}, "0001-01-01"),
        ("navs", "date", {"product_code": "FUND", "date": "2026-11-20"}, "9999-12-31"),
        ("transactions", "date", {"txn_id": "T1"}, "9999-12-31"),
        ("transactions", "date", {"txn_id": "T2"}, "0001-01-01"),
        ("timesheets", "date", {"rm_id": "RM001"}, "0001-01-01"),
        ("rms", "hired_on", {"rm_id": "RM002"}, "9999-12-31")]),
    ("tiers, assignments and history dated at the ends by hand", [
        ("tiers", "since", {"client_id": "C01"}, "0001-01-01"),
        ("tiers", "since", {"client_id": "C02"}, "9999-12-31"),
        ("assignments", "since", {"client_id": "C03"}, "9999-12-31"),
        ("tier_history", "effective", {"client_id": "C04"}, "0001-01-01"),
        ("import_log", "today", {"kind": "positions"}, "0001-01-01")]),
    ("replaced dates held at the ends", [
        ("clients", "id_expiry", {"client_id": "C01"}, "2027-06-30"),
        ("clients", "risk_assessed_on", {"client_id": "C02"}, "2026-11-20")]),
    ("money at 10^15 fen a row", [
        ("positions", "balance", {"client_id": "C01", "product_code": "DEP"}, 10**15),
        ("positions", "balance", {"client_id": "C02", "product_code": "DEP"}, -10**15),
        ("transactions", "amount", {"txn_id": "T1"}, 10**15),
        ("followups", "amount", {"followup_id": "F1"}, 10**15),
        ("corporates", "revenue", {"client_id": "C06"}, 10**15)]),
]


def _changes_at_the_ends(db) -> None:
    """The replaced values of `replaced dates held at the ends`: what an older import left in
    client_data_changes when it replaced a stand-in."""
    conn = sqlite3.connect(db)
    try:
        conn.executemany(
            "INSERT INTO client_data_changes (client_id, field, old_value, new_value, "
            "changed_on, source) VALUES (?, ?, ?, ?, '2026-11-20', 'import')",
            [("C01", "id_expiry", "0001-01-01", "2027-06-30"),
             ("C02", "risk_assessed_on", "9999-12-31", "2026-11-20"),
             ("C03", "id_expiry", "2026-12-01", "9999-12-31")])
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("case, cells", CASES, ids=[c for c, _ in CASES])
def test_every_command_answers_a_database_holding_the_case(case, cells, template, tmp_path):
    db = copy_of(template, tmp_path)
    for table, column, key, value in cells:
        if table == "config":
            assert run(db, "config", "set", column, value).exit_code == 0
        else:
            write_straight(db, table, column, key, value)
    if case == "replaced dates held at the ends":
        _changes_at_the_ends(db)
    codes = run_all(db, tmp_path)
    assert [command for command, code in codes.items() if code != 0] == []


def test_the_issue_s_stand_ins_through_import_then_every_command(template, tmp_path):
    """The report of the issue: an export edited to the stand-ins and imported again."""
    bank = copy.deepcopy(BANK)
    header = bank["clients"][0]
    for client, column, value in (("C01", "id_expiry", "0001-01-01"),
                                  ("C02", "risk_assessed_on", "9999-12-31"),
                                  ("C03", "birth_date", "9999-12-31"),
                                  ("C04", "wedding_date", "0001-01-01")):
        row = next(r for r in bank["clients"][1:] if r[0] == client)
        row[header.index(column)] = value
    db = copy_of(template, tmp_path)
    result = run(db, "import", "clients", write_csv(tmp_path / "clients.csv", bank["clients"]),
                 "--rejects", tmp_path / "clients.rejects.csv")
    assert result.exit_code in (0, 3), result.stderr
    codes = run_all(db, tmp_path)
    assert [command for command, code in codes.items() if code != 0] == []


# -- read as unknown: the same answers as an empty cell -------------------------------------

OPTIONAL_DATES = [
    *(("clients", column, {"client_id": client})
      for column, client in (("birth_date", "C01"), ("wedding_date", "C03"),
                             ("id_expiry", "C01"), ("risk_assessed_on", "C01"),
                             ("risk_assessed_on", "C03"), ("closed_on", "C02"),
                             ("closed_on", "C07"))),
    ("products", "maturity_date", {"product_code": "WM"}),
    ("products", "launch_date", {"product_code": "WM2"}),
    ("followups", "next_date", {"followup_id": "F1"}),
]
OUTSIDE = ("0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31")


def _answers(db) -> dict:
    answers = {}
    for command in (("plan", "week", "--format", "json"),
                    ("report", "completeness", "--format", "json"),
                    ("report", "segments", "--by", "age_band,life_stage", "--format", "json"),
                    ("report", "coverage", "--format", "json"),
                    ("tier", "--recompute", "--dry-run", "--format", "json"),
                    ("purge", "--ended-before", TODAY, "--dry-run")):
        result = run(db, *command)
        assert result.exit_code == 0, (command, result.stderr)
        answers[command] = (result.stdout, result.stderr)
    return answers


@pytest.mark.parametrize("table, column, key", OPTIONAL_DATES,
                         ids=[f"{t}.{c} {next(iter(k.values()))}" for t, c, k in OPTIONAL_DATES])
def test_an_optional_date_outside_the_range_answers_as_an_empty_cell(table, column, key,
                                                                      template, tmp_path):
    empty = copy_of(template, tmp_path / "empty")
    write_straight(empty, table, column, key, None)
    expected = _answers(empty)
    for value in OUTSIDE:
        db = copy_of(template, tmp_path / value)
        write_straight(db, table, column, key, value)
        assert _answers(db) == expected, value


def test_an_unknown_expiry_or_assessment_opens_no_compliance_task(template, tmp_path):
    db = copy_of(template, tmp_path)
    reasons = {t["reason"] for t in json.loads(run(
        db, "client", "show", "C01", "--format", "json").stdout)["open_tasks"]}
    assert {"id_expiry", "risk_expiry"} <= reasons  # 2027-01-15 and 2025-12-10 + 365 days
    write_straight(db, "clients", "id_expiry", {"client_id": "C01"}, "0001-01-01")
    write_straight(db, "clients", "risk_assessed_on", {"client_id": "C01"}, "9999-12-31")
    shown = json.loads(run(db, "client", "show", "C01", "--format", "json").stdout)
    assert not {"id_expiry", "risk_expiry"} & {t["reason"] for t in shown["open_tasks"]}
    # The stored values are shown as they are; the rules ask for a new assessment.
    assert (shown["profile"]["id_expiry"], shown["profile"]["risk_assessed_on"]) == (
        "0001-01-01", "9999-12-31")
    assert "risk_level" in shown["completeness"]["missing"]


def test_a_closing_date_of_0001_01_01_neither_closes_the_client_nor_lets_purge_erase_it(
        template, tmp_path):
    db = copy_of(template, tmp_path)
    write_straight(db, "clients", "closed_on", {"client_id": "C02"}, "0001-01-01")
    assert run(db, "tier", "--recompute").exit_code == 0
    assert "C02" in run(db, "tier", "list").stdout
    logged = run(db, "followup", "log", "C02", "--channel", "phone", "--rm", "RM001")
    assert logged.exit_code == 0, logged.stderr
    before = contents(db)["clients"]
    result = run(db, "purge", "--ended-before", TODAY)
    assert (result.exit_code, result.stderr) == (0, "0 client(s) purged: personal data erased, "
                                                    "ids pseudonymised\n")
    assert contents(db)["clients"] == before


def test_a_contact_stored_as_0001_01_01_is_an_old_contact_not_an_error(template, tmp_path):
    db = copy_of(template, tmp_path)
    write_straight(db, "followups", "date", {"followup_id": "F4"}, "0001-01-01")
    result = run(db, "plan", "today", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [line] = [r for r in json.loads(result.stdout) if r["client_id"] == "C03"]
    assert "cadence" in line["reasons"] and line["overdue"]
    assert "no contact since 0001-01-01 (90-day cadence)" in line["talking_points"]
    # No warning that the holiday schedule of year 1 is unknown.
    assert "schedule" not in result.stderr


# -- money sums past 64 bits ---------------------------------------------------------------

def _hostile(db, rows: int) -> None:
    """`rows` positions of 10^15 fen (10 trillion yuan, the most a row may hold) for C05:
    their sum is past SQLite's 2^63 - 1 from 9,224 rows."""
    conn = sqlite3.connect(db)
    try:
        conn.executemany("INSERT INTO products (product_code, name, asset_class) "
                         "VALUES (?, 'x', 'deposit')", [(f"X{i}",) for i in range(rows)])
        conn.executemany("INSERT INTO positions (client_id, product_code, as_of, balance, "
                         "asset_class) VALUES ('C05', ?, '2026-11-20', ?, 'deposit')",
                         [(f"X{i}", 10**15) for i in range(rows)])
        conn.commit()
    finally:
        conn.close()


LARGEST = ("the largest is positions.balance 10,000,000,000,000.00 CNY (client C05, product X0, "
           "2026-11-20); correct such amounts in the bank's extract (at most 10 trillion yuan a "
           "row) and import them again")


def test_amounts_that_add_up_past_64_bits_are_refused_in_one_line_naming_the_largest(
        template, tmp_path):
    db = copy_of(template, tmp_path)
    _hostile(db, 9_300)
    before = contents(db)
    for command in (("tier", "--recompute"), ("report", "tiers"), ("report", "rm"),
                    ("report", "segments"), ("client", "show", "C05")):
        result = run(db, *command)
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert result.exit_code == 1 and len(errors) == 1, (command, result.stderr)
        assert errors[0].endswith(LARGEST), (command, errors)
        assert "overflow" not in result.stderr
    assert contents(db) == before
    nightly = run(db, "nightly", "--outbox", tmp_path / "plans")
    assert nightly.exit_code == 1
    [tiers] = [line for line in nightly.stdout.splitlines() if line.startswith("tiers: ")]
    assert tiers.startswith("tiers: failed the amounts in ") and LARGEST in tiers
    assert "overflow" not in nightly.stdout + nightly.stderr


def test_below_the_limit_such_amounts_are_tiered_and_shown_exactly(template, tmp_path):
    # The tier basis adds balance × days: 300 rows of 10^15 fen over the 8 days since
    # 2026-11-20 are 2.4 × 10^18 fen-days.
    db = copy_of(template, tmp_path)
    _hostile(db, 300)
    assert run(db, "tier", "--recompute").exit_code == 0
    [c05] = [r for r in json.loads(run(db, "tier", "list", "--format", "json").stdout)
             if r["client_id"] == "C05"]
    assert (c05["tier"], c05["aum"]) == ("black_gold", 300 * 10**13 + 250_000)  # CNY
