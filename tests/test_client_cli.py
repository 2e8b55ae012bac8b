"""`vipcrm client show | update`: the client 360 view, masking, and profile completeness
(DOMAIN §7, §9)."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.datafiles import contents, query
from typer.testing import CliRunner

from conftest import EXAMPLES
from vipcrm.cli.app import app
from vipcrm.core.config import PROFILE_FIELDS, Config

TODAY = "2026-11-30"
WEIGHTS = {f: Config()[f"profile.weights.{f}"] for f in PROFILE_FIELDS}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("bank") / "bank.db"
    runner = CliRunner()
    for kind in ("rms", "products", "clients", "positions", "transactions"):
        result = runner.invoke(app, ["--db", str(path), "import", kind,
                                     str(EXAMPLES / f"{kind}.csv")], catch_exceptions=False)
        assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO tiers VALUES ('C0001', 'black_gold', 'ok', 1150000000, 1150000000, "
                 "'2026-06-01', '2026-11-27')")
    conn.execute("INSERT INTO tier_history (client_id, effective, from_tier, to_tier, status, "
                 "basis_aum, reason) VALUES ('C0001', '2026-06-01', NULL, 'black_gold', 'ok', "
                 "1150000000, 'new')")
    conn.execute("INSERT INTO assignments (client_id, rm_id, reason, since) "
                 "VALUES ('C0001', 'RM001', 'new', '2026-06-01')")
    conn.execute("INSERT INTO followups (followup_id, client_id, rm_id, date, channel, stage, "
                 "product_code, amount, note) VALUES ('F1', 'C0001', 'RM001', '2026-11-02', "
                 "'visit', 'sale', 'WM-90D', 800000000, 'Bought the 90-day plan')")
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
    def invoke(*args, today=TODAY, env=None):
        return cli("--today", today, *args, env=env)

    return invoke


def view(run, client="C0001", *extra, today=TODAY) -> dict:
    result = run("client", "show", client, "--format", "json", *extra, today=today)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def expected_pct(filled: set[str]) -> float:
    return round(100 * sum(WEIGHTS[f] for f in filled) / sum(WEIGHTS.values()), 1)


# C0001 in the example file: phone, birth date, gender, a valid C4, occupation and a wedding date.
C0001_FILLED = {"phone", "birth_date", "gender", "risk_level", "occupation", "marital_status"}


def test_show_masks_phone_and_id_and_writes_no_audit(bank, run):
    # Wide enough that no line wraps (lines wrap between words at the screen's width).
    result = run("client", "show", "C0001", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "138****1234" in out and "**************1234" in out
    assert "13800001234" not in out and "110101196802291234" not in out
    assert "C0001  Zhao Lei  (retail, home branch BJ01)" in out
    assert "Tier: Black Gold (ok, since 2026-06-01, basis AUM 11,500,000.00)" in out
    assert "AUM today: 11,500,000.00 CNY" in out
    assert "RM: RM001 Wang Fang (Senior), since 2026-06-01 (new)" in out
    assert (f"Profile completeness: {expected_pct(C0001_FILLED):.1f}% (target 80%, below target); "
            "missing: product_preferences, family, wealth_source, hobbies, preferred_channel, "
            "address") in out
    for title in ("Holdings", "AUM trend", "Open tasks", "Tier history", "Recent contacts"):
        assert title in out
    assert "Referrals: none" in out
    assert query(bank, "SELECT COUNT(*) FROM audit_log WHERE command LIKE 'client%'") == [(0,)]


def test_unmask_shows_the_numbers_and_is_audited(bank, run):
    result = run("client", "show", "C0001", "--unmask")
    assert "13800001234" in result.stdout and "110101196802291234" in result.stdout
    [(details,)] = query(bank, "SELECT details FROM audit_log "
                               "WHERE command = 'client show --unmask'")
    assert json.loads(details) == {"client_id": "C0001"}
    assert view(run, "C0001", "--unmask")["profile"]["phone"] == "13800001234"
    assert query(bank, "SELECT COUNT(*) FROM audit_log WHERE command = 'client show --unmask'") \
        == [(2,)]


def test_json_parses_with_money_as_numbers(bank, run):
    result = run("client", "show", "C0001", "--format", "json")
    assert '"aum_today": 11500000.00' in result.stdout  # exactly two decimals
    data = json.loads(result.stdout)
    assert list(data) == ["profile", "completeness", "tier", "corporate_rating", "business_file",
                          "aum_today",
                          "assignment",
                          "ownership_branch", "holdings", "aum_trend", "tier_history",
                          "household", "open_tasks", "recent_contacts", "referrals"]
    assert data["profile"]["phone"] == "138****1234"
    assert data["profile"]["id_number"] == "**************1234"
    assert data["completeness"] == {"pct": expected_pct(C0001_FILLED), "target_pct": 80,
                                    "on_target": False, "missing": data["completeness"]["missing"]}
    assert data["tier"]["basis_aum"] == 11500000.0 and data["tier"]["tier"] == "black_gold"
    holdings = {h["product_code"]: (h["balance"], h["in_aum"]) for h in data["holdings"]}
    # the mortgage is part of the relationship but not of the AUM
    assert holdings == {"DEP-CUR": (3500000.0, True), "WM-90D": (8000000.0, True),
                        "LOAN-MTG": (-1200000.0, False)}
    assert all(isinstance(balance, float) for balance, _ in holdings.values())
    # positions start on 27 November: the months before are unknown, not zero
    assert [(p["date"], p["aum"]) for p in data["aum_trend"]] == [
        ("2026-06-30", None), ("2026-07-30", None), ("2026-08-30", None), ("2026-09-30", None),
        ("2026-10-30", None), ("2026-11-30", 11500000.0)]
    assert data["assignment"]["rm_id"] == "RM001" and data["assignment"]["pinned"] is False
    assert data["ownership_branch"] == "BJ01"
    assert [c["amount"] for c in data["recent_contacts"]] == [8000000.0]
    reasons = {t["reason"] for t in data["open_tasks"]}
    assert {"maturity", "cadence"} <= reasons
    assert all(isinstance(t["overdue"], bool) for t in data["open_tasks"])
    assert data["tier_history"][0]["to_tier"] == "black_gold"


def test_show_of_a_client_without_tier_or_rm(bank, run):
    out = run("client", "show", "C0003").stdout
    assert "Tier: Mass" in out and "RM: none" in out


def test_a_corporate_client_shows_its_rating_not_a_personal_profile(bank, run):
    out = run("client", "show", "C0004").stdout
    assert "Corporate rating: not rated" in out and "Profile completeness" not in out
    assert view(run, "C0004")["completeness"] is None
    assert run("import", "corporates", EXAMPLES / "corporates.csv").exit_code == 0
    assert run("tier", "corporate", "--year", "2026").exit_code == 0
    rating = view(run, "C0004")["corporate_rating"]
    assert (rating["review_year"], rating["rank"], rating["big"]) == (2026, 1, True)
    assert "Corporate rating: big client 2026 (score " in run("client", "show", "C0004").stdout


def test_contacts_after_the_day_asked_are_not_shown(bank, run):
    assert view(run, today="2026-11-01")["recent_contacts"] == []


@pytest.mark.parametrize("args, fragment, code", [
    (("show", "NOPE"), "unknown client 'NOPE'", 1),
    (("show", "C0001", "--format", "csv"), "'csv'; choose one of table, json", 2),
    (("update", "NOPE", "--set", "hobbies=golf"), "unknown client 'NOPE'", 1),
    (("update", "C0001", "--set", "name=Someone"), "--set 'name=Someone'", 1),
    (("update", "C0001", "--set", "id_number=123"), "a field among", 1),
    (("update", "C0001", "--set", "hobbies"), "write field=value", 1),
    (("update", "C0001", "--set", "birth_date=1968-02-30"), "birth_date: '1968-02-30' is not a real date", 1),
    (("update", "C0001", "--set", "birth_date=03/04/1968"), "ambiguous", 1),
    (("update", "C0001", "--set", "birth_date=2026-12-01"), "birth_date 2026-12-01 is after today", 1),
    (("update", "C0001", "--set", "risk_assessed_on=2026-12-01"), "is after today", 1),
    (("update", "C0001", "--set", "risk_level=C9"), "risk_level: 'C9' is not one of C1", 1),
    (("update", "C0001", "--set", "gender=X"), "gender: 'X' is not one of", 1),
    (("update", "C0001", "--set", "contact_consent=maybe"), "contact_consent: 'maybe'", 1),
    (("update", "C0001", "--set", "contact_consent="), "contact_consent cannot be empty", 1),
    (("update", "C0001", "--set", "phone=138****1234"), "masked value", 1),
    (("update", "C0001", "--set", "hobbies=golf", "--set", "wedding_date=soon"), "not a date", 1),
])
def test_refusals_are_one_line_and_change_nothing(bank, run, args, fragment, code):
    before = contents(bank)
    result = run("client", *args)
    assert result.exit_code == code, result.stderr
    assert fragment in result.stderr
    if code == 1:
        assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert contents(bank) == before


def test_update_changes_completeness_and_is_audited(bank, run):
    before = view(run)["completeness"]["pct"]
    assert before == expected_pct(C0001_FILLED)
    result = run("client", "update", "C0001", "--set", "hobbies=golf", "--set",
                 "family=Wife and two sons", "--set", "address= 1 Chang'an Avenue ")
    assert result.exit_code == 0, result.stderr
    after = expected_pct(C0001_FILLED | {"hobbies", "family", "address"})
    assert after > before
    assert (f"C0001: updated hobbies, family, address; profile completeness {before:.1f}% -> "
            f"{after:.1f}% (target 80%)") in result.stderr
    shown = view(run)["completeness"]
    assert shown["pct"] == after and "hobbies" not in shown["missing"]
    assert query(bank, "SELECT hobbies, family, address FROM clients WHERE client_id = 'C0001'") \
        == [("golf", "Wife and two sons", "1 Chang'an Avenue")]
    [(details,)] = query(bank, "SELECT details FROM audit_log WHERE command = 'client update'")
    details = json.loads(details)
    assert details["client_id"] == "C0001" and details["completeness"] == [before, after]
    assert details["changes"]["hobbies"] == [None, "golf"]
    assert details["changes"]["address"] == "changed"  # personal data stays out of the log
    # an empty value clears the field again
    assert run("client", "update", "C0001", "--set", "hobbies=").exit_code == 0
    assert view(run)["completeness"]["pct"] == expected_pct(C0001_FILLED | {"family", "address"})


def test_an_update_to_the_values_already_held_changes_and_audits_nothing(bank, run):
    assert run("client", "update", "C0001", "--set", "hobbies=golf").exit_code == 0
    before = contents(bank)
    again = run("client", "update", "C0001", "--set", "hobbies=golf")
    assert again.exit_code == 0, again.stderr
    assert again.stderr == ("C0001: nothing to update, the profile already holds these "
                            "values\n")
    assert contents(bank) == before
    # Among several values, only the changed ones are stored and audited.
    mixed = run("client", "update", "C0001", "--set", "hobbies=golf", "--set", "family=two sons")
    assert "C0001: updated family;" in mixed.stderr
    [(details,)] = query(bank, "SELECT details FROM audit_log WHERE command = 'client update' "
                               "ORDER BY id DESC LIMIT 1")
    assert set(json.loads(details)["changes"]) == {"family"}


def test_reaching_the_target(bank, run):
    result = run("client", "update", "C0001", "--set", "product_preferences=fund, bonds",
                 "--set", "wealth_source=Business", "--set", "family=Married, one child")
    assert result.exit_code == 0, result.stderr
    completeness = view(run)["completeness"]
    assert completeness["pct"] == expected_pct(
        C0001_FILLED | {"product_preferences", "wealth_source", "family"})
    assert completeness["pct"] >= 80 and completeness["on_target"] is True


def test_a_new_risk_level_is_dated_today_unless_told(bank, run):
    # C0003's C2 of 2024-10-01 has expired: it counts as missing
    assert "risk_level" in view(run, "C0003")["completeness"]["missing"]
    assert run("client", "update", "C0003", "--set", "risk_level=c3").exit_code == 0
    assert query(bank, "SELECT risk_level, risk_assessed_on FROM clients "
                       "WHERE client_id = 'C0003'") == [("C3", TODAY)]
    assert "risk_level" not in view(run, "C0003")["completeness"]["missing"]
    assert run("client", "update", "C0003", "--set", "risk_level=C4",
               "--set", "risk_assessed_on=2026-11-20").exit_code == 0
    assert query(bank, "SELECT risk_level, risk_assessed_on FROM clients "
                       "WHERE client_id = 'C0003'") == [("C4", "2026-11-20")]


def test_a_consent_change_applies_to_the_next_plan(bank, run):
    def reasons():
        result = run("plan", "today", "--rm", "RM001", "--format", "json")
        return {r for line in json.loads(result.stdout) for r in line["reasons"]}

    assert "cadence" in reasons()
    assert run("client", "update", "C0001", "--set", "contact_consent=service_only").exit_code == 0
    assert reasons() and "cadence" not in reasons()
    assert run("client", "update", "C0001", "--set", "contact_consent=none").exit_code == 0
    assert reasons() == set()
