"""`vipcrm followup log | list | prospects | time` over a real database (DOMAIN §4–§6, §8)."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.datafiles import contents, query
from typer.testing import CliRunner

from conftest import EXAMPLES
from vipcrm.cli.app import app

TODAY = "2026-11-30"  # a Monday


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The example files, tiers and RMs set directly, and a few clients for the edge cases;
    built once, copied for each test. The bank went live (its first import) before the tiers'
    2026-06-01: a client never contacted since is due from the day it entered its tier."""
    path = tmp_path_factory.mktemp("bank") / "bank.db"
    runner = CliRunner()
    for kind in ("calendar", "rms", "products", "clients", "positions", "navs"):
        result = runner.invoke(app, ["--db", str(path), "--today", "2026-05-29", "import", kind,
                                     str(EXAMPLES / f"{kind}.csv")], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(path)
    conn.executemany("INSERT INTO products (product_code, name, asset_class, risk_level) "
                     "VALUES (?, ?, ?, ?)", [("PE-1", "Private equity fund", "fund", "R5"),
                                             ("WM-HI", "High-yield wealth plan", "wealth", "R4")])
    conn.execute("INSERT INTO rms (rm_id, name, branch, grade, active) "
                 "VALUES ('RM009', 'Gone Away', 'BJ01', 'l3', 0)")
    conn.executemany("INSERT INTO clients (client_id, name, home_branch, closed_on) "
                     "VALUES (?, ?, 'BJ01', ?)",
                     [("C0005", "Closed Account", "2026-10-31"), ("C0006", "No RM Yet", None)])
    conn.execute("INSERT INTO clients (client_id, name, home_branch, birth_date, risk_level, "
                 "risk_assessed_on) VALUES ('C0007', 'Most Cautious', 'BJ01', '1980-05-05', "
                 "'C1', '2026-06-01')")
    conn.executemany("INSERT INTO tiers VALUES (?, ?, 'ok', 0, 0, ?, ?)",
                     [(c, t, "2026-06-01", "2026-11-27") for c, t in (
                         ("C0001", "black_gold"), ("C0002", "platinum"),
                         ("C0003", "premier_gold"), ("C0006", "gold"))])
    conn.executemany("INSERT INTO assignments (client_id, rm_id, pinned, reason, since) "
                     "VALUES (?, ?, ?, 'new', '2026-06-01')",
                     [("C0001", "RM001", 0), ("C0002", "RM004", 0), ("C0003", "RM003", 0),
                      ("C0004", "RM002", 1), ("C0007", "RM001", 1)])
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def bank(template, db_path):
    shutil.copyfile(template, db_path)
    return db_path


@pytest.fixture
def run(cli):
    def invoke(*args, today=TODAY):
        return cli("--today", today, *args)

    return invoke


def refused(result, fragment: str, code: int = 1) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in result.stderr, result.stderr


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def plan_lines(run, day, rm, today=TODAY) -> dict[str, dict]:
    return {r["client_id"]: r for r in records(run("plan", day, "--rm", rm, "--format", "json",
                                                   today=today))}


LOG = ("followup", "log")


@pytest.mark.parametrize("args, fragment", [
    (("NOPE", "--channel", "phone"), "unknown client 'NOPE'"),
    (("C0005", "--channel", "phone", "--rm", "RM003"), "closed its relationship on 2026-10-31"),
    (("C0006", "--channel", "phone"), "C0006 has no RM; say who made the contact with --rm"),
    (("C0001", "--channel", "phone", "--rm", "RM999"), "unknown RM 'RM999' (--rm)"),
    (("C0001", "--channel", "phone", "--rm", "RM009"), "RM009 (--rm) is no longer active"),
    (("C0001", "--channel", "visit", "--joint-rm", "RM999"), "unknown RM 'RM999' (--joint-rm)"),
    (("C0001", "--channel", "visit", "--joint-rm", "RM001"), "another RM"),
    (("C0001", "--channel", "phone", "--product", "NOPE"), "unknown product 'NOPE'"),
    (("C0001", "--channel", "fax"), "channel 'fax'"),
    (("C0001", "--channel", "phone", "--stage", "close"), "stage 'close'"),
    (("C0001", "--channel", "phone", "--outcome", "maybe"), "outcome 'maybe'"),
    (("C0001", "--channel", "phone", "--minutes", "-1"), "minutes -1"),
    (("C0001", "--channel", "phone", "--minutes", "1441"), "minutes 1441"),
    (("C0001", "--channel", "phone", "--satisfaction", "0"), "satisfaction 0"),
    (("C0001", "--channel", "phone", "--satisfaction", "6"), "satisfaction 6"),
    (("C0001", "--channel", "visit", "--level", "technical"), "corporate clients only"),
    (("C0004", "--channel", "phone", "--level", "technical"), "needs --channel visit"),
    (("C0001", "--channel", "phone", "--amount", "1000"), "needs the product it was for"),
    (("C0001", "--channel", "phone", "--product", "BOND-3Y", "--amount", "-5"), "positive"),
    (("C0001", "--channel", "visit", "--stage", "sale"), "a sale needs --product and --amount"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y"),
     "a sale needs --product and --amount"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y", "--amount", "10",
      "--outcome", "declined"), "was reached"),
    (("C0001", "--channel", "visit", "--stage", "celebrate"), "no sale of client C0001"),
    (("C0001", "--channel", "phone", "--outcome", "no_answer", "--satisfaction", "4"),
     "no answer has no satisfaction"),
    (("C0001", "--channel", "phone", "--outcome", "no_answer", "--referral", "Li Si"),
     "no answer brings no referral"),
    (("C0001", "--channel", "phone", "--override-reason", "why not"), "unsuitable sale only"),
    (("C0001", "--channel", "phone", "--risk-warning-id", "RW-1"), "unsuitable sale only"),
    (("C0001", "--channel", "phone", "--recording-id", "REC-1"), "for a sale only"),
    (("C0001", "--channel", "phone", "--recognise", "RM001"), "for a celebrate entry"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y", "--amount", "10",
      "--override-reason", "habit"), "BOND-3Y is suitable for C0001; drop --override-reason"),
    (("C0002", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1",
      "--amount", "200000"), "unsuitable sale of FUND-EQ1 to C0002: product risk R4 is above"),
    # Compliance-grade sales (issue point 3): no override for wealth products and C1 clients.
    (("C0002", "--channel", "visit", "--stage", "sale", "--product", "WM-HI", "--amount",
      "100000", "--override-reason", "insists", "--risk-warning-id", "RW-1"),
     "unsuitable sale of WM-HI to C0002: product risk R4 is above the client's C3; a wealth "
     "product (理财) is never sold to a client it does not suit, override or not"),
    (("C0003", "--channel", "visit", "--stage", "sale", "--product", "WM-90D", "--amount",
      "100000", "--override-reason", "insists", "--risk-warning-id", "RW-1"),
     "risk assessment of 2024-10-01 is not valid on 2026-11-30; a wealth product"),
    (("C0007", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1", "--amount",
      "1000", "--override-reason", "insists", "--risk-warning-id", "RW-1"),
     "product risk R4 is above the client's C1; a C1 client is never sold above its level, "
     "override or not: choose an R1 product"),
    (("C0002", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1",
      "--amount", "200000", "--override-reason", "insists"),
     "an override of the unsuitable sale of FUND-EQ1 to C0002 needs the risk warning the client "
     "confirmed; give its id with --risk-warning-id"),
    (("C0002", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1",
      "--amount", "200000", "--risk-warning-id", "RW-1"),
     "reassess the client or give --override-reason with the --risk-warning-id"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y", "--amount", "10",
      "--risk-warning-id", "RW-1"), "BOND-3Y is suitable for C0001; drop --override-reason and "
                                    "--risk-warning-id"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "WM-90D", "--amount",
      "49,999.99"), "amount 49,999.99 CNY is below the minimum of WM-90D, 50,000.00 CNY"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y", "--amount",
      "99.99"), "below the minimum of BOND-3Y, 100.00 CNY"),
])
def test_each_refusal_is_one_line_and_changes_nothing(bank, run, args, fragment):
    before = contents(bank)
    refused(run(*LOG, *args), fragment)
    assert contents(bank) == before


@pytest.mark.parametrize("date, accepted", [
    ("2026-11-23", True),  # exactly 7 calendar days before Monday 2026-11-30
    ("2026-11-22", False),  # 8 days: a weekend in between changes nothing
    ("2026-11-30", True),
])
def test_a_contact_is_dated_at_most_7_days_back(bank, run, date, accepted):
    before = contents(bank)
    result = run(*LOG, "C0001", "--channel", "phone", "--date", date)
    if accepted:
        assert result.exit_code == 0, result.stderr
        assert query(bank, "SELECT date FROM followups") == [(date,)]
    else:
        refused(result, "date 2026-11-22 is 8 days before today; contacts are logged within 7 "
                        "days (followup.max_backdate_days); older contact history goes in with "
                        "`vipcrm import followups`")
        assert contents(bank) == before


def test_the_backdating_limit_comes_from_the_configuration(bank, run):
    assert run("config", "set", "followup.max_backdate_days", "0").exit_code == 0
    refused(run(*LOG, "C0001", "--channel", "phone", "--date", "2026-11-29"),
            "is 1 days before today; contacts are logged within 0 days")
    assert run(*LOG, "C0001", "--channel", "phone").exit_code == 0
    assert run("config", "set", "followup.max_backdate_days", "3650").exit_code == 0
    assert run(*LOG, "C0001", "--channel", "phone", "--date", "2016-12-02").exit_code == 0
    refused(run("config", "set", "followup.max_backdate_days", "3651"), "0 to 3650")


def test_imported_contact_history_is_not_limited(bank, run, tmp_path):
    path = tmp_path / "followups.csv"
    path.write_text("followup_id,client_id,rm_id,date,channel\n"
                    "H1,C0001,RM001,2024-01-15,visit\n", encoding="utf-8")
    result = run("import", "followups", path)
    assert result.exit_code == 0, result.stderr
    assert query(bank, "SELECT followup_id, date FROM followups") == [("H1", "2024-01-15")]


@pytest.mark.parametrize("args, fragment", [
    (("C0001", "--channel", "phone", "--date", "2026-13-01"), "not a real date"),
    (("C0001", "--channel", "phone", "--date", "2026-12-01"),
     "2026-12-01 is out of range; give a date YYYY-MM-DD from 1990-01-01 to today (2026-11-30)"),
    (("C0001", "--channel", "phone", "--date", "1989-12-31"), "from 1990-01-01 to today"),
    (("C0001", "--channel", "phone", "--next", "01/02/2027"), "write it as YYYY-MM-DD"),
    (("C0001", "--channel", "phone", "--next", TODAY), "after the contact's date 2026-11-30"),
    (("C0001", "--channel", "phone", "--next", "2026-11-29"), "after the contact's date"),
    (("C0001", "--channel", "phone", "--date", "2026-11-20", "--next", "2026-11-20"),
     "after the contact's date 2026-11-20, up to 2100-12-31"),
    (("C0001", "--channel", "phone", "--next", "2101-01-01"), "up to 2100-12-31"),
    (("C0001", "--channel", "phone", "--product", "BOND-3Y", "--amount", "ten"), "not an amount"),
    (("C0001", "--channel", "phone", "--minutes", "ten"), "--minutes"),
    (("C0001",), "--channel"),
    (("C0001", "--channel", "visit", "--stage", "sale", "--product", "PE-1", "--amount", "10",
      "--confirm-elderly"), "--confirm-elderly is retired: an R4-R5 sale to an elderly client "
                            "(suitability.elderly_age) or one of unknown age needs its "
                            "dual-recording (双录) id, --recording-id ID, and a channel other "
                            "than phone or SMS"),
])
def test_malformed_options_are_usage_errors(bank, run, args, fragment):
    before = contents(bank)
    refused(run(*LOG, *args), fragment, code=2)
    assert contents(bank) == before


def test_a_contact_stores_every_field_and_its_prospect(bank, run):
    result = run(*LOG, "C0001", "--channel", "Visit", "--date", "2026-11-27", "--minutes", "1440",
                 "--stage", "sale", "--note", "Bought the treasury", "--product", "BOND-3Y",
                 "--amount", "1,000,000.50", "--satisfaction", "5", "--next", "2026-12-10",
                 "--referral", "Li Si", "--joint-rm", "RM002")
    assert result.exit_code == 0, result.stderr
    assert "logged L20261127-0001: C0001 visit reached (sale) by RM001" in result.stderr
    [stored] = records(run("followup", "list", "--client", "C0001", "--format", "json"))
    assert stored == {
        "followup_id": "L20261127-0001", "date": "2026-11-27", "client_id": "C0001",
        "rm_id": "RM001", "channel": "visit", "minutes": 1440, "outcome": "reached",
        "stage": "sale", "product_code": "BOND-3Y", "amount": 1000000.5, "satisfaction": 5,
        "next_date": "2026-12-10", "joint_rm_id": "RM002", "visit_level": None,
        "referral": "Li Si", "client_risk": "C4", "override_reason": None,
        "risk_warning_id": None,
        "elderly_confirmed": False, "recording_id": None,
        "cooling_off_until": "2026-11-29T00:00",  # 24 hours from the end of the sale's day
        "sale_id": None, "recognised": None, "source": "cli", "note": "Bought the treasury"}
    assert query(bank, "SELECT name, referred_by, rm_id, followup_id, created_on FROM prospects") \
        == [("Li Si", "C0001", "RM001", "L20261127-0001", "2026-11-27")]
    [(command, details)] = query(bank, "SELECT command, details FROM audit_log "
                                       "WHERE command = 'followup log'")
    assert json.loads(details)["followup_id"] == "L20261127-0001"
    # ids count up per day
    again = run(*LOG, "C0001", "--channel", "phone", "--date", "2026-11-27", "--minutes", "0")
    assert "logged L20261127-0002" in again.stderr


def test_a_corporate_visit_records_its_level(bank, run):
    result = run(*LOG, "C0004", "--channel", "visit", "--level", "Leadership")
    assert result.exit_code == 0, result.stderr
    assert query(bank, "SELECT rm_id, visit_level FROM followups") == [("RM002", "leadership")]


def test_a_client_whose_rm_left_needs_rm(bank, run):
    query(bank, "UPDATE rms SET active = 0 WHERE rm_id = 'RM001'")
    refused(run(*LOG, "C0001", "--channel", "phone"),
            "RM RM001 (the RM of C0001) is no longer active; say who made the contact with --rm")
    assert run(*LOG, "C0001", "--channel", "phone", "--rm", "RM002").exit_code == 0


def test_an_rm_given_for_a_client_without_one(bank, run):
    assert run(*LOG, "C0006", "--channel", "phone", "--rm", "RM003").exit_code == 0
    assert query(bank, "SELECT client_id, rm_id FROM followups") == [("C0006", "RM003")]


def open_tasks(run, client, today=TODAY) -> list[tuple[str, str]]:
    view = records(run("client", "show", client, "--format", "json", today=today))
    return [(t["reason"], t["reference"]) for t in view["open_tasks"]]


def test_no_answer_completes_nothing(bank, run):
    before = open_tasks(run, "C0001")
    assert before
    result = run(*LOG, "C0001", "--channel", "phone", "--outcome", "no_answer")
    assert result.exit_code == 0, result.stderr
    assert "no answer: open tasks stay open" in result.stderr
    assert "completed" not in result.stderr
    assert open_tasks(run, "C0001") == before
    assert "C0001" in plan_lines(run, "today", "RM001")


def test_a_call_closes_the_due_cadence_and_maturity_tasks(bank, run):
    line = plan_lines(run, "today", "RM001")["C0001"]
    assert {"cadence", "maturity", "id_expiry"} <= set(line["reasons"])
    result = run(*LOG, "C0001", "--channel", "phone", "--minutes", "12")
    assert result.exit_code == 0, result.stderr
    [completed] = [l for l in result.stderr.splitlines() if l.startswith("completed: ")]
    done = {part.split(" [")[0] for part in completed[len("completed: "):].split(", ")}
    # one call, many reasons; but not the ID's expiry, which closes on the renewed ID's data
    assert done == set(line["reasons"]) - {"id_expiry"}
    assert "cadence [2026-06-01]" in completed  # never contacted: due when it entered the tier
    assert "maturity [WM-90D 2026-12-05]" in completed
    assert ("open until the new data arrives (import, or client update --set "
            "risk_level=…/id_expiry=…): id_expiry [2027-01-15]") in result.stderr
    assert plan_lines(run, "today", "RM001")["C0001"]["reasons"] == ["id_expiry"]
    tomorrow = plan_lines(run, "2026-12-01", "RM001", today="2026-12-01")
    assert not {"cadence", "maturity"} & set(tomorrow.get("C0001", {}).get("reasons", []))
    assert open_tasks(run, "C0001") == [("id_expiry", "2027-01-15")]


def test_a_call_on_an_earlier_day_completes_what_was_open_then(bank, run):
    # Logged late: the call of the 20th came before the maturity window opened (5 December
    # - 14 days for a wealth product = the 21st), so the maturity task stays open.
    result = run(*LOG, "C0001", "--channel", "phone", "--date", "2026-11-20")
    assert "maturity" not in result.stderr  # not open yet on the 20th
    assert ("maturity", "WM-90D 2026-12-05") in open_tasks(run, "C0001")


def test_an_unsuitable_sale_is_refused_then_accepted_with_an_override(bank, run):
    sale = (*LOG, "C0002", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1",
            "--amount", "200000")
    before = contents(bank)
    refused(run(*sale), "reassess the client or give --override-reason")
    assert contents(bank) == before
    refused(run(*sale, "--override-reason", "client's written request after a risk talk"),
            "give its id with --risk-warning-id")
    assert contents(bank) == before
    result = run(*sale, "--override-reason", "client's written request after a risk talk",
                 "--risk-warning-id", " RW-2026-0042 ")
    assert result.exit_code == 0, result.stderr
    assert ("Warning: unsuitable sale of FUND-EQ1 recorded with override: client's written "
            "request after a risk talk (risk warning RW-2026-0042)") in result.stderr
    assert query(bank, "SELECT stage, product_code, amount, override_reason, risk_warning_id "
                       "FROM followups") == [
        ("sale", "FUND-EQ1", 20_000_000, "client's written request after a risk talk",
         "RW-2026-0042")]
    [details] = query(bank, "SELECT details FROM audit_log WHERE command = 'followup log'")
    assert json.loads(details[0])["override_reason"] == "client's written request after a risk talk"
    assert json.loads(details[0])["risk_warning_id"] == "RW-2026-0042"
    [row] = records(run("followup", "list", "--stage", "sale", "--format", "json"))
    assert row["override_reason"] == "client's written request after a risk talk"
    assert row["risk_warning_id"] == "RW-2026-0042"


def test_an_expired_assessment_makes_every_sale_unsuitable(bank, run):
    # C0003 was assessed C2 on 2024-10-01: long expired, even for an R1 bond.
    refused(run(*LOG, "C0003", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y",
                "--amount", "1000"), "risk assessment of 2024-10-01 is not valid on 2026-11-30")


def test_the_assessment_expires_after_valid_days(bank, run):
    # C0001: C4 assessed 2026-01-10, valid until 2027-01-09 included.
    sale = (*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y",
            "--amount", "1000")
    assert run(*sale, "--date", "2027-01-09", today="2027-01-10").exit_code == 0
    refused(run(*sale, "--date", "2027-01-10", today="2027-01-10"), "not valid on 2027-01-10")


def test_an_elderly_r5_sale_needs_its_dual_recording_and_no_phone(bank, run):
    # C0003, born 1950, is reassessed C5 today, so the R5 fund is suitable but needs 双录.
    assert run("client", "update", "C0003", "--set", "risk_level=C5").exit_code == 0
    sale = (*LOG, "C0003", "--stage", "sale", "--product", "PE-1", "--amount", "3000000")
    before = contents(bank)
    refused(run(*sale, "--channel", "visit"), "C0003 is aged 65 or over and PE-1 is R5: give "
                                              "the sale's dual-recording (双录) id with "
                                              "--recording-id")
    for channel in ("phone", "sms"):
        refused(run(*sale, "--channel", channel, "--recording-id", "REC-7"),
                f"such a sale is not made by {channel}; log the recorded meeting "
                "(--channel visit, event, wechat or email)")
    assert contents(bank) == before
    result = run(*sale, "--channel", "visit", "--recording-id", "REC-7")
    assert result.exit_code == 0, result.stderr
    assert "cooling-off until 2026-12-02 00:00: the client may cancel until then" in result.stderr
    assert run(*sale, "--channel", "wechat", "--recording-id", "REC-8").exit_code == 0
    assert query(bank, "SELECT product_code, channel, elderly_confirmed, recording_id, "
                       "override_reason FROM followups ORDER BY followup_id") == [
        ("PE-1", "visit", 1, "REC-7", None), ("PE-1", "wechat", 1, "REC-8", None)]


def test_a_client_of_unknown_age_counts_as_elderly(bank, run):
    assert run("client", "update", "C0001", "--set", "birth_date=").exit_code == 0
    sale = (*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "FUND-EQ1",
            "--amount", "1000")
    refused(run(*sale), "C0001 is of unknown age and FUND-EQ1 is R4: give the sale's "
                        "dual-recording (双录) id")
    assert run(*sale, "--recording-id", "REC-9").exit_code == 0
    # R3 and below need no recording, whatever the age; one given is recorded all the same
    assert run(*LOG, "C0001", "--channel", "phone", "--stage", "sale", "--product", "BOND-3Y",
               "--amount", "100", "--recording-id", "REC-10").exit_code == 0
    assert query(bank, "SELECT product_code, elderly_confirmed, recording_id FROM followups "
                       "ORDER BY followup_id") == [("FUND-EQ1", 1, "REC-9"),
                                                   ("BOND-3Y", 0, "REC-10")]


def test_a_c1_client_buys_r1_and_nothing_above(bank, run):
    sale = (*LOG, "C0007", "--channel", "visit", "--stage", "sale", "--amount", "1000")
    assert run(*sale, "--product", "BOND-3Y").exit_code == 0
    for product in ("WM-90D", "FUND-EQ1", "PE-1"):
        refused(run(*sale, "--product", product, "--override-reason", "asks for it",
                    "--risk-warning-id", "RW-1"), "override or not")


def test_the_minimum_amount_is_accepted_exactly(bank, run):
    result = run(*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "WM-90D",
                 "--amount", "50,000.00")
    assert result.exit_code == 0, result.stderr


def test_the_cooling_off_period_comes_from_the_configuration(bank, run):
    assert run("config", "set", "suitability.cooling_off_hours", "36").exit_code == 0
    result = run(*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y",
                 "--amount", "1000", "--date", "2026-11-27")
    assert "cooling-off until 2026-11-29 12:00: the client may cancel until then" in result.stderr
    assert query(bank, "SELECT cooling_off_until FROM followups") == [("2026-11-29T12:00",)]
    # only sales have one
    assert run(*LOG, "C0001", "--channel", "phone").exit_code == 0
    assert query(bank, "SELECT stage, cooling_off_until FROM followups ORDER BY followup_id") == [
        ("sale", "2026-11-29T12:00"), (None, None)]


def test_a_sale_puts_after_sale_care_in_the_plans_of_plus_7_and_plus_30(bank, run):
    friday = "2026-11-27"
    result = run(*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y",
                 "--amount", "500000", today=friday)
    assert result.exit_code == 0, result.stderr
    # +30 is Sunday 27 December: due on Friday the 25th
    assert "after-sale care due 2026-12-04 and 2026-12-25" in result.stderr

    def reasons(day, today):
        return plan_lines(run, day, "RM001", today=today).get("C0001", {}).get("reasons", [])

    assert "followup_due" not in reasons("2026-12-03", friday)
    assert "followup_due" in reasons("2026-12-04", friday)
    # the +7 call is made; the +30 one is not open before its day
    assert run(*LOG, "C0001", "--channel", "phone", "--stage", "after_sale",
               today="2026-12-04").exit_code == 0
    assert "followup_due" not in reasons("2026-12-24", "2026-12-04")
    line = plan_lines(run, "2026-12-25", "RM001", today="2026-12-04")["C0001"]
    assert "followup_due" in line["reasons"] and line["due"] <= "2026-12-25"
    assert any("after-sale care (+30 days)" in p for p in line["talking_points"])


def test_a_next_date_becomes_a_follow_up_task(bank, run):
    assert run(*LOG, "C0002", "--channel", "phone", "--outcome", "callback",
               "--next", "2026-12-02").exit_code == 0
    assert "followup_due" not in plan_lines(run, "2026-12-01", "RM004").get("C0002", {}).get(
        "reasons", [])
    assert "followup_due" in plan_lines(run, "2026-12-02", "RM004")["C0002"]["reasons"]


def test_celebrate_names_the_sale_and_who_is_recognised(bank, run):
    # Each contact is logged on its day (followup.max_backdate_days keeps --date within a week).
    first = run(*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "BOND-3Y",
                "--amount", "100000", "--date", "2026-11-20", today="2026-11-20")
    second = run(*LOG, "C0001", "--channel", "visit", "--stage", "sale", "--product", "WM-90D",
                 "--amount", "50000", "--date", "2026-11-25", today="2026-11-25")
    assert first.exit_code == second.exit_code == 0
    # before any sale: nothing to celebrate
    refused(run(*LOG, "C0001", "--channel", "event", "--stage", "celebrate",
                "--date", "2026-11-19", today="2026-11-23"),
            "no sale of client C0001 on or before 2026-11-19")
    refused(run(*LOG, "C0001", "--channel", "event", "--stage", "celebrate",
                "--for-sale", "L20261125-0001", "--date", "2026-11-24"),
            "no sale L20261125-0001 of client C0001")
    refused(run(*LOG, "C0002", "--channel", "event", "--stage", "celebrate",
                "--for-sale", "L20261125-0001"), "no sale L20261125-0001 of client C0002")
    latest = run(*LOG, "C0001", "--channel", "event", "--stage", "celebrate")
    assert "recognised RM001 for sale L20261125-0001 of 2026-11-25 (WM-90D, 50,000.00 CNY)" \
        in latest.stderr
    named = run(*LOG, "C0001", "--channel", "event", "--stage", "celebrate",
                "--for-sale", "L20261120-0001", "--recognise", "RM001 and the bond desk")
    assert named.exit_code == 0, named.stderr
    rows = records(run("followup", "list", "--stage", "celebrate", "--format", "json"))
    assert [(r["sale_id"], r["recognised"]) for r in rows] == [
        ("L20261125-0001", "RM001"), ("L20261120-0001", "RM001 and the bond desk")]


def test_a_referral_appears_as_a_prospect(bank, run):
    assert run(*LOG, "C0002", "--channel", "visit", "--stage", "after_sale", "--satisfaction", "5",
               "--referral", "Zhou Xun", "--date", "2026-11-27").exit_code == 0
    [prospect] = records(run("followup", "prospects", "--format", "json"))
    assert prospect == {"id": 1, "name": "Zhou Xun", "referred_by": "C0002",
                        "referrer_name": "Qian Mei", "rm_id": "RM004",
                        "followup_id": "L20261127-0001", "created_on": "2026-11-27"}
    assert records(run("followup", "prospects", "--rm", "RM001", "--format", "json")) == []
    assert len(records(run("followup", "prospects", "--client", "C0002", "--format", "json"))) == 1
    view = records(run("client", "show", "C0002", "--format", "json"))
    assert [r["name"] for r in view["referrals"]] == ["Zhou Xun"]
    table = run("followup", "prospects")
    assert "Zhou Xun" in table.stdout and "Qian Mei" in table.stdout


# -- followup list ------------------------------------------------------------------------------

def test_list_filters_by_client_rm_stage_and_period(bank, run):
    # Each contact is logged on its day (followup.max_backdate_days keeps --date within a week).
    for args in (("C0001", "--date", "2026-11-02", "--stage", "plan"),
                 ("C0001", "--date", "2026-11-20", "--stage", "assess", "--joint-rm", "RM002"),
                 ("C0002", "--date", "2026-11-25", "--stage", "assess"),
                 ("C0002", "--date", "2026-11-30")):
        assert run(*LOG, *args, "--channel", "visit", today=args[2]).exit_code == 0

    def ids(*filters):
        return [r["followup_id"] for r in records(run("followup", "list", *filters,
                                                      "--format", "json"))]

    assert ids() == ["L20261102-0001", "L20261120-0001", "L20261125-0001", "L20261130-0001"]
    assert ids("--client", "C0002") == ["L20261125-0001", "L20261130-0001"]
    assert ids("--rm", "RM004") == ["L20261125-0001", "L20261130-0001"]
    assert ids("--rm", "RM002") == ["L20261120-0001"]  # joined the visit
    assert ids("--stage", "assess") == ["L20261120-0001", "L20261125-0001"]
    assert ids("--from", "2026-11-20", "--to", "2026-11-25") == ["L20261120-0001",
                                                                  "L20261125-0001"]
    assert ids("--client", "C0001", "--stage", "assess", "--from", "2026-11-21") == []
    csv_out = run("followup", "list", "--client", "C0001", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("followup_id,date,client_id,rm_id,channel,minutes,outcome,stage")
    assert len(csv_out) == 3
    table = run("followup", "list", "--rm", "RM004")
    assert "2 contact(s)" in table.stdout and "L20261125-0001" in table.stdout


@pytest.mark.parametrize("args, fragment", [
    (("--stage", "close"), "stage 'close'"),
    (("--client", "NOPE"), "unknown client 'NOPE'"),
    (("--rm", "RM999"), "unknown RM 'RM999'"),
    (("--from", "2026-11-30", "--to", "2026-11-01"), "--from 2026-11-30 is after --to 2026-11-01"),
])
def test_list_refusals(bank, run, args, fragment):
    refused(run("followup", "list", *args), fragment)


# -- followup time ------------------------------------------------------------------------------

def minutes(db_path, rm, day) -> dict[str, int]:
    return dict(query(db_path, "SELECT category, minutes FROM timesheets WHERE rm_id = ? "
                               "AND date = ?", [rm, day]))


def test_time_adds_minutes_and_an_import_sets_them(bank, run, tmp_path):
    assert run("import", "timesheets", EXAMPLES / "timesheets.csv").exit_code == 0
    day = "2026-11-27"
    assert minutes(bank, "RM001", day) == {"vip": 300, "admin": 120}
    result = run("followup", "time", "RM001", "--minutes", "30", "--category", "Admin",
                 "--date", day)
    assert result.exit_code == 0, result.stderr
    assert "RM001 2026-11-27 admin: +30 min (now 150 min)" in result.stderr
    assert run("followup", "time", "RM001", "--minutes", "45", "--category", "training",
               "--date", day).exit_code == 0
    assert minutes(bank, "RM001", day) == {"vip": 300, "admin": 150, "training": 45}
    [(details,)] = query(bank, "SELECT details FROM audit_log WHERE command = 'followup time' "
                               "ORDER BY id LIMIT 1")
    assert json.loads(details) == {"rm_id": "RM001", "date": day, "category": "admin",
                                   "minutes": 30}
    # an import states the day's figure: it replaces what was added
    sheet = tmp_path / "timesheets.csv"
    sheet.write_text("rm_id,date,category,minutes\nRM001,2026-11-27,admin,60\n")
    assert run("import", "timesheets", sheet).exit_code == 0
    assert minutes(bank, "RM001", day)["admin"] == 60
    # default date: today
    assert run("followup", "time", "RM004", "--minutes", "15", "--category", "non_vip")\
        .exit_code == 0
    assert minutes(bank, "RM004", TODAY) == {"non_vip": 15}


def test_time_counts_in_the_vip_time_share(bank, run):
    assert run("followup", "time", "RM004", "--minutes", "60", "--category", "vip").exit_code == 0
    assert run("followup", "time", "RM004", "--minutes", "40", "--category", "admin").exit_code == 0
    [row] = [r for r in records(run("report", "timeshare", "--format", "json"))
             if r["rm_id"] == "RM004"]
    assert (row["vip_minutes"], row["total_minutes"], row["vip_share_pct"]) == (60, 100, 60.0)


@pytest.mark.parametrize("args, fragment", [
    (("RM999", "--minutes", "30", "--category", "admin"), "unknown RM 'RM999'"),
    (("RM009", "--minutes", "30", "--category", "admin"), "no longer active"),
    (("RM001", "--minutes", "30", "--category", "lunch"), "category 'lunch'"),
    (("RM001", "--minutes", "0", "--category", "admin"), "minutes 0"),
    (("RM001", "--minutes", "1441", "--category", "admin"), "minutes 1441"),
    (("RM001", "--minutes", "1021", "--category", "vip", "--date", "2026-11-27"),
     "already holds 420 minutes"),
])
def test_time_refusals(bank, run, args, fragment):
    assert run("import", "timesheets", EXAMPLES / "timesheets.csv").exit_code == 0
    before = contents(bank)
    refused(run("followup", "time", *args), fragment)
    assert contents(bank) == before


@pytest.mark.parametrize("day, fragment", [
    ("2026-12-01", "2026-12-01 is out of range; give a date YYYY-MM-DD from 1990-01-01 to today "
                   "(2026-11-30)"),
    ("1989-12-31", "1989-12-31 is out of range"),
    ("20261127", "'20261127' is not a date; write it as YYYY-MM-DD"),
])
def test_time_outside_the_record_range_is_a_usage_error(bank, run, day, fragment):
    before = contents(bank)
    refused(run("followup", "time", "RM001", "--minutes", "30", "--category", "admin",
                "--date", day), fragment, code=2)
    assert contents(bank) == before


@pytest.mark.parametrize("day", ["1990-01-01", TODAY])
def test_time_takes_both_ends_of_the_record_range(bank, run, day):
    assert run("followup", "time", "RM001", "--minutes", "30", "--category", "admin",
               "--date", day).exit_code == 0


def test_a_contact_takes_today_the_end_of_the_record_range(bank, run):
    # Its other end is followup.max_backdate_days before today (a refusal, exit 1).
    assert run(*LOG, "C0001", "--channel", "phone", "--date", TODAY).exit_code == 0

def test_a_day_can_be_filled_to_the_minute(bank, run):
    assert run("import", "timesheets", EXAMPLES / "timesheets.csv").exit_code == 0
    assert run("followup", "time", "RM001", "--minutes", "1020", "--category", "vip",
               "--date", "2026-11-27").exit_code == 0
    assert sum(minutes(bank, "RM001", "2026-11-27").values()) == 1440


# -- imported history (DOMAIN §6) --------------------------------------------------------------

def test_imported_contacts_complete_and_create_tasks_without_a_suitability_check(bank, run):
    before = dict(open_tasks(run, "C0001"))
    assert before["cadence"] == "2026-06-01"  # never contacted
    result = run("import", "followups", EXAMPLES / "followups.csv")
    assert result.exit_code == 0, result.stderr
    # F0003 sold an R4 fund to a C3 client: history is recorded as it happened
    assert query(bank, "SELECT source, override_reason FROM followups "
                       "WHERE followup_id = 'F0003'") == [("import", None)]
    # F0001 (20 October) covered the never-contacted cadence; the next one fell due 30 days on
    assert dict(open_tasks(run, "C0001"))["cadence"] == "2026-11-19"
    # F0001 set a next date of 1 December
    assert "followup_due" in plan_lines(run, "2026-12-01", "RM001", today="2026-12-01")["C0001"][
        "reasons"]
    # F0003's sale of 6 November: the +7 call (13 November) was never made and is overdue;
    # +30 is Sunday 6 December, due Friday the 4th
    early = plan_lines(run, "2026-12-03", "RM004", today="2026-12-03")["C0002"]
    assert early["due"] == "2026-11-13" and early["overdue"] is True
    assert any("(+7 days) for the sale of 2026-11-06" in p for p in early["talking_points"])
    assert not any("(+30 days)" in p for p in early["talking_points"])
    line = plan_lines(run, "2026-12-04", "RM004", today="2026-12-04")["C0002"]
    assert any("after-sale care (+30 days) for the sale of 2026-11-06" in p
               for p in line["talking_points"])


# -- compliance tasks close on data (issue point 4) ----------------------------------------------

def test_a_call_leaves_the_risk_task_open_and_the_new_assessment_closes_it(bank, run):
    # C0002's assessment of 2025-12-20 expires on 2026-12-20: its call window opened 11-20.
    assert ("risk_expiry", "2026-12-20") in open_tasks(run, "C0002")
    called = run(*LOG, "C0002", "--channel", "visit", "--stage", "assess")
    assert called.exit_code == 0, called.stderr
    assert "risk_expiry" not in "".join(l for l in called.stderr.splitlines()
                                        if l.startswith("completed"))
    assert "open until the new data arrives" in called.stderr
    assert "risk_expiry" in plan_lines(run, "today", "RM004")["C0002"]["reasons"]
    # the reassessment itself is what completes it, on the day it is recorded
    updated = run("client", "update", "C0002", "--set", "risk_level=C4")
    assert updated.exit_code == 0, updated.stderr
    assert "closed on the new data: risk_expiry [2026-12-20]" in updated.stderr
    assert ("risk_expiry", "2026-12-20") not in open_tasks(run, "C0002")
    assert query(bank, "SELECT client_id, field, old_value, new_value, changed_on, source "
                       "FROM client_data_changes") == [
        ("C0002", "risk_assessed_on", "2025-12-20", "2026-11-30", "2026-11-30", "client update")]
    # a plan of a day before the update still shows the task that was open then
    assert "risk_expiry" in plan_lines(run, "2026-11-27", "RM004")["C0002"]["reasons"]


def test_a_later_id_expiry_imported_closes_the_id_task(bank, run, tmp_path):
    assert ("id_expiry", "2027-01-15") in open_tasks(run, "C0001")
    same = tmp_path / "clients_same.csv"
    same.write_text("client_id,name,home_branch,id_expiry\nC0001,Zhao Lei,BJ01,2027-01-15\n")
    assert run("import", "clients", same).exit_code == 0
    assert query(bank, "SELECT COUNT(*) FROM client_data_changes") == [(0,)]  # nothing changed
    renewed = tmp_path / "clients_renewed.csv"
    renewed.write_text("client_id,name,home_branch,id_expiry\nC0001,Zhao Lei,BJ01,2047-01-15\n")
    assert run("import", "clients", renewed, today="2026-12-01").exit_code == 0
    assert query(bank, "SELECT field, old_value, new_value, changed_on, source "
                       "FROM client_data_changes") == [
        ("id_expiry", "2027-01-15", "2047-01-15", "2026-12-01", "import")]
    assert ("id_expiry", "2027-01-15") not in open_tasks(run, "C0001", today="2026-12-01")
    assert ("id_expiry", "2027-01-15") in open_tasks(run, "C0001", today="2026-11-30")


def test_a_dry_run_import_records_no_data_change(bank, run, tmp_path):
    renewed = tmp_path / "clients.csv"
    renewed.write_text("client_id,name,home_branch,id_expiry\nC0001,Zhao Lei,BJ01,2047-01-15\n")
    before = contents(bank)
    assert run("import", "clients", renewed, "--dry-run").exit_code == 0
    assert contents(bank) == before


def test_an_id_expiry_cleared_by_import_withdraws_its_task(bank, run, tmp_path):
    cleared = tmp_path / "clients.csv"
    cleared.write_text("client_id,name,home_branch,id_expiry,risk_assessed_on\n"
                       "C0001,Zhao Lei,BJ01,,2026-01-10\n")
    assert run("import", "clients", cleared).exit_code == 0  # an empty cell keeps the value
    assert query(bank, "SELECT COUNT(*) FROM client_data_changes") == [(0,)]
    assert run("import", "clients", cleared, "--blank-clears").exit_code == 0
    assert query(bank, "SELECT field, old_value, new_value FROM client_data_changes") == [
        ("id_expiry", "2027-01-15", None)]
    assert ("id_expiry", "2027-01-15") not in open_tasks(run, "C0001")
