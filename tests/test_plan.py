"""`vipcrm plan`: the RM's day from the database, read-only, in every format."""

import csv
import datetime as dt
import io
import json
import sqlite3

import pytest
from icalendar import Calendar

from vipcrm.core.calendar import first_uncovered_year

MONDAY = "2026-11-30"


@pytest.fixture
def bank(cli, blank_db, db_path):
    """A database with its schema, and a helper to add rows."""
    conn = sqlite3.connect(db_path)

    class Bank:
        def rm(self, rm_id, branch="BJ01", capacity=None, active=1, name=None):
            conn.execute("INSERT INTO rms (rm_id, name, branch, grade, active, daily_capacity) "
                         "VALUES (?, ?, ?, 'senior', ?, ?)",
                         [rm_id, name or f"RM {rm_id}", branch, active, capacity])

        def client(self, client_id, tier="gold", rm=None, since="2026-01-01", branch="BJ01",
                   **cols):
            cols = {"name": f"Client {client_id}", "home_branch": branch, **cols}
            names = ", ".join(["client_id", *cols])
            conn.execute(f"INSERT INTO clients ({names}) VALUES ({', '.join('?' * (len(cols) + 1))})",
                         [client_id, *cols.values()])
            if tier:
                conn.execute("INSERT INTO tiers VALUES (?, ?, 'ok', 0, 0, ?, ?)",
                             [client_id, tier, since, since])
            if rm is not None or cols.get("pinned"):
                conn.execute("INSERT INTO assignments (client_id, rm_id, reason, since) "
                             "VALUES (?, ?, 'new', '2026-01-01')", [client_id, rm])

        def contact(self, client_id, date, rm="RM1", outcome="reached", fid=None, **cols):
            fid = fid or f"F-{client_id}-{date}"
            conn.execute("INSERT INTO followups (followup_id, client_id, rm_id, date, channel, "
                         "outcome, note, next_date, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [fid, client_id, rm, date, cols.get("channel", "phone"), outcome,
                          cols.get("note"), cols.get("next_date"), cols.get("stage")])

        def sql(self, statement, params=()):
            return conn.execute(statement, params).fetchall()

        def commit(self):
            conn.commit()

    yield Bank()
    conn.close()


def plan_json(cli, *args, today=MONDAY):
    result = cli("--today", today, "plan", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result


def test_json_keys_and_one_line_per_client_merging_reasons(cli, bank):
    bank.rm("RM1")
    bank.client("C1", tier="black_gold", rm="RM1", birth_date="1970-12-02",
                risk_level="C3", risk_assessed_on="2025-12-20", phone="13800001234")
    bank.contact("C1", "2026-11-10", note="Asked about bonds")
    bank.commit()
    records, result = plan_json(cli, "today", "--rm", "RM1")
    assert list(records[0]) == ["plan_date", "rm_id", "client_id", "name", "tier", "channel",
                                "priority", "reasons", "due", "overdue", "talking_points",
                                "household_id", "members"]
    [line] = records
    assert line["plan_date"] == MONDAY and line["rm_id"] == "RM1" and line["tier"] == "black_gold"
    assert line["reasons"] == ["risk_expiry", "period_end", "birthday", "cadence"]
    assert line["channel"] == "visit" and line["priority"] == 1
    assert line["due"] == "2026-11-30" and line["overdue"] is False
    points = "\n".join(line["talking_points"])
    assert "risk C3 valid until 2026-12-20" in points
    assert "last contact 2026-11-10 phone reached: Asked about bonds" in points
    assert "13800001234" not in points
    assert "Data as of:" in result.stderr


def test_capacity_12_with_20_due_clients_and_carry_over(cli, bank):
    bank.rm("RM1")
    for i in range(20):
        bank.client(f"C{i:02d}", rm="RM1", since=f"2026-10-{i + 1:02d}")
    bank.commit()
    first, _ = plan_json(cli, MONDAY, "--rm", "RM1")
    assert len(first) == 12
    assert [r["client_id"] for r in first] == [f"C{i:02d}" for i in range(12)]  # earliest due
    table = cli("--today", MONDAY, "plan", MONDAY, "--rm", "RM1")
    assert "12/12" in table.stdout and "8 more client(s)" in table.stdout
    for record in first:
        bank.contact(record["client_id"], MONDAY)
    bank.commit()
    second, _ = plan_json(cli, "2026-12-01", "--rm", "RM1")
    assert [r["client_id"] for r in second] == [f"C{i:02d}" for i in range(12, 20)]


def test_rms_own_capacity_overrides_the_default(cli, bank):
    bank.rm("RM1", capacity=3)
    for i in range(5):
        bank.client(f"C{i}", rm="RM1")
    bank.commit()
    records, _ = plan_json(cli, MONDAY, "--rm", "RM1")
    assert len(records) == 3


def test_order_priority_then_overdue_then_due_then_tier(cli, bank):
    bank.rm("RM1")
    bank.client("A", tier="gold", rm="RM1", since="2026-11-30")  # routine, due today
    bank.client("B", tier="gold", rm="RM1", since="2026-11-02")  # routine, overdue
    bank.client("C", tier="gold", rm="RM1", id_expiry="2027-01-20")  # compliance
    bank.contact("C", "2026-10-01")
    bank.client("D", tier="diamond", rm="RM1", since="2026-11-02")  # routine, overdue, higher tier
    bank.commit()
    records, _ = plan_json(cli, MONDAY, "--rm", "RM1")
    assert [r["client_id"] for r in records] == ["C", "D", "B", "A"]
    assert [r["overdue"] for r in records] == [False, True, True, False]


def test_a_key_care_task_leaves_the_plan_as_missed_after_its_expiry(cli, bank):
    bank.rm("RM1")
    bank.client("C1", tier="gold", rm="RM1", birth_date="1980-12-02")
    bank.contact("C1", "2026-11-20")
    bank.commit()
    for day, shown in (("2026-12-02", True), ("2026-12-04", True), ("2026-12-07", False)):
        records, _ = plan_json(cli, day, "--rm", "RM1")
        assert any("birthday" in r["reasons"] for r in records) is shown, day


def test_a_reassigned_clients_open_tasks_follow_it(cli, bank):
    bank.rm("RM1")
    bank.rm("RM2")
    bank.client("C1", rm="RM1", since="2026-11-02")
    bank.commit()
    assert [r["client_id"] for r in plan_json(cli, MONDAY, "--rm", "RM1")[0]] == ["C1"]
    bank.sql("UPDATE assignments SET rm_id = 'RM2' WHERE client_id = 'C1'")
    bank.commit()
    assert plan_json(cli, MONDAY, "--rm", "RM1")[0] == []
    [line] = plan_json(cli, MONDAY, "--rm", "RM2")[0]
    assert line["client_id"] == "C1" and line["rm_id"] == "RM2" and line["overdue"]


def test_consent_none_and_closed_clients_do_not_appear(cli, bank):
    bank.rm("RM1")
    bank.client("C1", rm="RM1", since="2026-11-02", contact_consent="none")
    bank.client("C2", rm="RM1", since="2026-11-02", closed_on="2026-11-01")
    bank.client("C3", rm="RM1", since="2026-11-02")
    bank.commit()
    assert [r["client_id"] for r in plan_json(cli, MONDAY, "--rm", "RM1")[0]] == ["C3"]


def test_a_non_working_day_shows_the_next_working_days_plan(cli, bank):
    bank.rm("RM1")
    bank.client("C1", rm="RM1", since="2026-02-02")
    bank.commit()
    records, result = plan_json(cli, "2026-02-15", "--rm", "RM1")
    assert "2026-02-15 is not a working day" in result.stderr
    assert records[0]["plan_date"] == "2026-02-24"
    records, result = plan_json(cli, "2026-02-15", "--rm", "RM1", "--include-non-working")
    assert records[0]["plan_date"] == "2026-02-15" and "not a working day" not in result.stderr
    records, result = plan_json(cli, "2026-02-14", "--rm", "RM1")  # adjusted working Saturday
    assert records[0]["plan_date"] == "2026-02-14" and "not a working day" not in result.stderr


def test_today_comes_from_the_option_or_the_environment(cli, bank):
    bank.rm("RM1")
    bank.client("C1", rm="RM1", since="2026-02-02")
    bank.commit()
    result = cli("plan", "today", "--rm", "RM1", "-f", "json", env={"VIPCRM_TODAY": "2026-12-01"})
    assert json.loads(result.stdout)[0]["plan_date"] == "2026-12-01"


def test_the_same_data_and_date_give_the_same_plan_and_nothing_is_written(cli, bank, db_path):
    bank.rm("RM1")
    for i in range(15):
        bank.client(f"C{i}", rm="RM1", since="2026-11-02", birth_date="1970-12-01")
    bank.commit()

    def dump():
        conn = sqlite3.connect(db_path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    before = dump()
    outputs = {fmt: cli("--today", MONDAY, "plan", "today", "-f", fmt).stdout
               for fmt in ("table", "json", "csv", "ics")}
    again = {fmt: cli("--today", MONDAY, "plan", "today", "-f", fmt).stdout
             for fmt in ("table", "json", "csv", "ics")}
    assert outputs == again
    assert dump() == before


def test_csv_has_the_keys_and_lists_joined(cli, bank):
    bank.rm("RM1")
    bank.client("C1", tier="black_gold", rm="RM1", birth_date="1970-12-02")
    bank.commit()
    result = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["plan_date", "rm_id", "client_id", "name", "tier", "channel",
                             "priority", "reasons", "due", "overdue", "talking_points",
                             "household_id", "members"]
    assert rows[0]["reasons"] == "period_end; birthday; cadence" and rows[0]["overdue"] == "true"


def test_ics_has_one_event_per_visit_or_call_with_stable_uids(cli, bank):
    bank.rm("RM1")
    bank.client("C1", tier="black_gold", rm="RM1", birth_date="1970-12-02", phone="13800001234",
                id_number="110101197012021234")
    bank.client("C2", tier="gold", rm="RM1", birth_date="1980-11-30")  # SMS only
    bank.contact("C2", "2026-11-20")
    bank.client("C3", tier="gold", rm="RM1", since="2026-11-02")  # a call
    # C1's wealth product matures on 2026-12-10: its line says how much, its event does not
    bank.sql("INSERT INTO products (product_code, name, asset_class) "
             "VALUES ('WM1', 'Wealth plan', 'wealth')")
    bank.sql("INSERT INTO positions VALUES ('C1', 'WM1', '2026-11-01', 123456789, 'wealth', "
             "'2026-12-10')")
    bank.commit()
    [line] = [r for r in plan_json(cli, "today", "--rm", "RM1")[0] if r["client_id"] == "C1"]
    assert "matures 2026-12-10: WM1 Wealth plan, amount 1,234,567.89 CNY" in line["talking_points"]
    result = cli("--today", MONDAY, "plan", "today", "--rm", "RM1", "-f", "ics")
    assert result.exit_code == 0
    cal = Calendar.from_ical(result.stdout)
    events = cal.walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == ["20261130-RM1-C1@vipcrm",
                                                      "20261130-RM1-C3@vipcrm"]
    for event in events:
        assert event.decoded("dtstart") == dt.date(2026, 11, 30)
    text = result.stdout
    assert "13800001234" not in text and "1234" not in text.replace("20261130", "")
    assert "AUM" not in text and "1,234,567.89" not in text and "CNY" not in text
    assert "matures 2026-12-10: WM1 Wealth plan" in text.replace("\r\n ", "")
    assert cli("--today", MONDAY, "plan", "today", "--rm", "RM1", "-f", "ics").stdout == text


def test_unknown_rm_or_branch_is_refused_in_one_line(cli, bank):
    result = cli("--today", MONDAY, "plan", "today", "--rm", "NOPE")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: unknown RM 'NOPE'; `vipcrm export rms` lists the RM ids"]
    result = cli("--today", MONDAY, "plan", "today", "--branch", "XX99")
    assert result.exit_code == 1 and "unknown branch 'XX99'" in result.stderr
    result = cli("--today", MONDAY, "plan", "today", "-f", "xml")
    assert result.exit_code == 2
    result = cli("--today", MONDAY, "plan", "someday")
    assert result.exit_code == 2


def test_branch_lists_its_rms_then_its_unassigned_clients(cli, bank):
    bank.rm("RM1", branch="BJ01")
    bank.rm("RM2", branch="SH01")
    bank.rm("RM3", branch="BJ01", active=0)
    bank.client("C1", rm="RM1", since="2026-11-02")
    bank.client("C2", rm=None, since="2026-11-02", branch="BJ01")  # no assignment row
    bank.client("C3", rm="RM3", since="2026-11-02", branch="BJ01")  # RM inactive
    bank.client("C4", rm=None, since="2026-11-02", branch="SH01")
    bank.client("C5", tier=None, since="2026-11-02", branch="BJ01")  # untiered: no tasks
    bank.commit()
    records, _ = plan_json(cli, MONDAY, "--branch", "BJ01")
    assert [(r["rm_id"], r["client_id"]) for r in records] == [
        ("RM1", "C1"), (None, "C2"), (None, "C3")]
    table = cli("--today", MONDAY, "plan", "today", "--branch", "BJ01").stdout
    assert "unassigned · BJ01 · 2" in table and "RM1 RM RM1 · BJ01 · 1/12" in table
    everything, _ = plan_json(cli, MONDAY)
    assert [(r["rm_id"], r["client_id"]) for r in everything] == [
        ("RM1", "C1"), (None, "C2"), (None, "C3"), (None, "C4")]


def test_week_covers_the_working_days_and_assumes_each_days_lines_are_contacted(cli, bank):
    bank.rm("RM1", capacity=2)
    for i in range(5):
        bank.client(f"C{i}", rm="RM1", since=f"2026-11-0{i + 2}")
    bank.commit()
    records, _ = plan_json(cli, "week", "--rm", "RM1", today="2026-12-03")  # Thu to Wed
    days = sorted({r["plan_date"] for r in records})
    assert days == ["2026-12-03", "2026-12-04", "2026-12-07"]
    assert [r["client_id"] for r in records] == ["C0", "C1", "C2", "C3", "C4"]


def test_a_plan_in_the_first_year_past_the_calendar_data_works_with_one_warning(cli, bank):
    year = first_uncovered_year(2026)
    bank.rm("RM1")
    bank.client("C1", rm="RM1", since=f"{year}-03-01", birth_date="1980-03-10")
    bank.commit()
    records, result = plan_json(cli, f"{year}-03-10", "--rm", "RM1", today=f"{year}-03-10")
    assert records and records[0]["plan_date"].startswith(str(year))
    warnings = [line for line in result.stderr.splitlines() if str(year) in line
                and "calendar" in line]
    assert len(warnings) == 1 and warnings[0].startswith("Warning:")


def test_an_imported_calendar_overrides_the_built_in_one(cli, bank, tmp_path):
    bank.rm("RM1")
    bank.client("C1", rm="RM1", since="2026-11-02")
    bank.commit()
    path = tmp_path / "calendar.csv"
    path.write_text("date,type,name\n2026-11-30,holiday,Branch closed\n")
    assert cli("import", "calendar", path).exit_code == 0
    records, result = plan_json(cli, MONDAY, "--rm", "RM1")
    assert records[0]["plan_date"] == "2026-12-01"


def test_stale_data_is_warned(cli, bank):
    bank.sql("INSERT INTO freshness VALUES ('positions', '2026-11-20'), "
             "('transactions', '2026-11-27')")
    bank.commit()
    result = cli("--today", MONDAY, "plan", "today")
    assert "Data as of: positions 2026-11-20, transactions 2026-11-27" in result.stderr
    assert "stale data: positions" in result.stderr


def test_the_whole_bank_in_parallel_gives_the_serial_plan(cli, bank, monkeypatch):
    from vipcrm.store import planning

    for r in range(6):
        bank.rm(f"RM{r}", branch=f"B{r % 3}", capacity=3)
    for i in range(60):
        bank.client(f"C{i:02d}", rm=f"RM{i % 6}" if i % 10 else None, branch=f"B{i % 3}",
                    since=f"2026-11-{i % 28 + 1:02d}", birth_date=f"1970-12-{i % 9 + 1:02d}")
    bank.commit()
    monkeypatch.setattr(planning, "PARALLEL_FROM_RMS", 10_000)
    serial = cli("--today", MONDAY, "plan", "today", "-f", "json").stdout
    monkeypatch.setattr(planning, "PARALLEL_FROM_RMS", 1)
    monkeypatch.setattr(planning.os, "cpu_count", lambda: 2)
    parallel = cli("--today", MONDAY, "plan", "today", "-f", "json").stdout
    assert parallel == serial and len(json.loads(serial)) > 10
