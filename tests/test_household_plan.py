"""One plan line per household visit: an RM's members of one household who both have a visit
that day are seen together; phone and SMS lines stay per client."""

import csv
import io

from icalendar import Calendar

from test_plan import MONDAY, bank, plan_json  # noqa: F401  (bank is a fixture)


def household(bank, household_id, *client_ids):
    for client_id in client_ids:
        bank.sql("INSERT INTO household_members (client_id, household_id) VALUES (?, ?)",
                 [client_id, household_id])


def family(bank, rm2="RM1", capacity=None):
    """C1 and C2, black gold and diamond with birthdays this week (visits), C3 a gold member
    (SMS), and ALONE with a visit of its own."""
    bank.rm("RM1", capacity=capacity)
    if rm2 != "RM1":
        bank.rm(rm2)
    bank.client("C1", tier="black_gold", rm="RM1", birth_date="1970-12-02")
    bank.client("C2", tier="diamond", rm=rm2, birth_date="1975-12-01")
    bank.client("C3", tier="gold", rm="RM1", birth_date="2000-11-30")
    bank.client("ALONE", tier="black_gold", rm="RM1", birth_date="1960-12-01")
    household(bank, "H1", "C1", "C2", "C3")
    for client_id in ("C1", "C2", "C3", "ALONE"):
        bank.contact(client_id, "2026-11-16")
    bank.commit()


def test_members_visits_merge_into_one_line(cli, bank):
    family(bank)
    records, _ = plan_json(cli, "today", "--rm", "RM1")
    by_client = {r["client_id"]: r for r in records}
    assert sorted(by_client) == ["ALONE", "C1", "C3"]
    line = by_client["C1"]
    assert line["members"] == ["C1", "C2"] and line["household_id"] == "H1"
    assert line["name"] == "Client C1 + Client C2"
    assert line["channel"] == "visit" and line["tier"] == "black_gold" and line["priority"] == 2
    assert line["reasons"] == ["period_end", "birthday"]
    assert line["due"] == "2026-11-30"
    points = line["talking_points"]
    assert points[0] == "household H1 visit: C1 Client C1, C2 Client C2"
    assert points[1] == "C1 Client C1:" and "C2 Client C2:" in points
    assert "birthday on 2026-12-01" in points[points.index("C2 Client C2:") + 1:]
    # The gold member's SMS greeting stays a line of its own.
    assert by_client["C3"]["channel"] == "sms" and by_client["C3"]["members"] == ["C3"]
    assert by_client["C3"]["household_id"] == "H1"
    assert by_client["ALONE"]["members"] == ["ALONE"] and by_client["ALONE"]["household_id"] is None


def test_a_household_visit_takes_one_place_of_the_capacity(cli, bank):
    family(bank, capacity=2)
    records, result = plan_json(cli, "today", "--rm", "RM1")
    assert [r["members"] for r in records] == [["ALONE"], ["C1", "C2"]]
    table = cli("--today", MONDAY, "plan", "today", "--rm", "RM1")
    assert "RM1 RM RM1 · BJ01 · 2/2" in table.stdout
    assert "1 more client(s) with open tasks wait for the next working day" in table.stdout


def test_members_with_different_rms_are_not_merged(cli, bank):
    family(bank, rm2="RM2")
    records, _ = plan_json(cli, "today", "--rm", "RM1")
    assert sorted(r["client_id"] for r in records) == ["ALONE", "C1", "C3"]
    assert all(len(r["members"]) == 1 for r in records)


def test_clients_without_an_rm_are_not_merged(cli, bank):
    bank.rm("RM1")
    bank.client("C1", tier="black_gold", birth_date="1970-12-02")
    bank.client("C2", tier="diamond", birth_date="1975-12-01")
    household(bank, "H1", "C1", "C2")
    bank.commit()
    records, _ = plan_json(cli, "today", "--branch", "BJ01")
    assert sorted(r["client_id"] for r in records) == ["C1", "C2"]
    assert all(r["rm_id"] is None and len(r["members"]) == 1 for r in records)


def test_a_week_counts_every_member_seen_at_the_household_visit(cli, bank):
    family(bank)
    records, _ = plan_json(cli, "week", "--rm", "RM1")
    seen = [(r["plan_date"], m) for r in records for m in r["members"]]
    assert seen.count((MONDAY, "C2")) == 1
    assert all(m != "C2" for day, m in seen if day != MONDAY)


def test_csv_and_table_show_the_members(cli, bank):
    family(bank)
    result = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", "-f", "csv")
    rows = {r["client_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["C1"]["members"] == "C1; C2" and rows["C1"]["household_id"] == "H1"
    assert rows["ALONE"]["household_id"] == "" and rows["ALONE"]["members"] == "ALONE"
    wide = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", env={"COLUMNS": "200"}).stdout
    assert "│ C1 " in wide and "│ C2 " in wide and "Client C1 + Client C2" in wide
    # A screen too narrow for the table: the visit's block names the household and its members.
    narrow = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", env={"COLUMNS": "80"}).stdout
    assert "┃" not in narrow
    assert "\nhousehold H1  C1 + C2  Client C1 + Client C2  " in narrow
    assert "\nALONE  Client ALONE  " in narrow


def test_the_calendar_holds_one_event_per_household_visit(cli, bank):
    family(bank)
    result = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", "-f", "ics")
    events = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    summaries = sorted(str(e["summary"]) for e in events)
    assert summaries == ["Visit Client ALONE (ALONE): period_end, birthday",
                         "Visit Client C1 + Client C2 (C1): period_end, birthday"]
