"""`vipcrm report …` over a small bank whose every number is computed by hand below.

The bank (today 2026-03-31; the first tier recompute on 2025-09-01):

| client | tier history | AUM 2026-02-28 → 2026-03-20 (CNY) | RM | profile |
|---|---|---|---|---|
| C1 | black_gold since 2025-09-01 | 12M → 12M (deposit) | R1 | all 12 fields: 100% |
| C2 | diamond 2025-09-01, black_gold 2026-03-10 | 5M → 11M (5M deposit + 6M wealth) | R1 | 45% |
| C3 | gold 2025-09-01, watch 2026-03-05 | 250k → 150k | R2 | 0% |
| C4 | platinum 2025-09-01, premier_gold 2026-03-15 | 1.5M → 600k | R3 | 32% (risk expired) |
| C5 | gold 2026-03-12 (enters) | 100k → 300k | R3 | 15% |
| C6 | gold 2025-09-01, below gold 2026-03-18 | 250k → 150k | - | |
| C7 | never tiered | 100k | - | |

RMs: R1 senior BJ01, R2 l4 BJ01, R3 trainee (exam passed) SH01, R4 l2 without the exam SH01,
R5 inactive. Retail clients consent to service contacts only, so their tasks are few and known.
"""

import csv
import io
import json

import pytest

from vipcrm.store.db import open_db, transaction

TODAY = "2026-03-31"
M = 100_000_000  # one million CNY in fen
K = 100_000  # one thousand CNY in fen

RMS = [("R1", "Ann", "BJ01", "senior", 1, 1), ("R2", "Bob", "BJ01", "l4", 1, 1),
       ("R3", "Cai", "SH01", "trainee", 1, 1), ("R4", "Dan", "SH01", "l2", 0, 1),
       ("R5", "Eve", "SH01", "l3", 1, 0)]
FULL_PROFILE = dict(phone="13800001111", birth_date="1960-05-01", gender="F", risk_level="C4",
                    risk_assessed_on="2025-10-01", occupation="doctor", marital_status="已婚",
                    family="two children", hobbies="golf", product_preferences="fund",
                    wealth_source="business", preferred_channel="visit", address="Beijing",
                    id_expiry="2026-04-15")
CLIENTS = [
    dict(client_id="C1", home_branch="BJ01", **FULL_PROFILE),
    dict(client_id="C2", home_branch="BJ01", phone="13800002222", birth_date="1995-03-20",
         gender="M", risk_level="C3", risk_assessed_on="2025-12-01"),
    dict(client_id="C3", home_branch="BJ01"),
    dict(client_id="C4", home_branch="SH01", phone="13800004444", birth_date="1991-03-21",
         risk_level="C3", risk_assessed_on="2024-01-01", marital_status="已婚"),
    dict(client_id="C5", home_branch="SH01", phone="13800005555"),
    dict(client_id="C6", home_branch="SH01", birth_date="1980-01-01"),
    dict(client_id="C7", home_branch="BJ01", birth_date="1970-06-30"),
    dict(client_id="C8", home_branch="BJ01", segment="corporate"),
    dict(client_id="C9", home_branch="SH01", segment="corporate"),
    dict(client_id="C10", home_branch="BJ01", segment="corporate"),
]
POSITIONS = [  # client, product, as_of, balance (fen), class
    ("C1", "DEP", "2026-01-01", 12 * M, "deposit"),
    ("C2", "DEP", "2026-01-01", 5 * M, "deposit"), ("C2", "WM1", "2026-03-08", 6 * M, "wealth"),
    ("C3", "DEP", "2026-01-01", 250 * K, "deposit"), ("C3", "DEP", "2026-03-01", 150 * K, "deposit"),
    ("C4", "DEP", "2026-01-01", 1500 * K, "deposit"),
    ("C4", "DEP", "2026-03-01", 600 * K, "deposit"),
    ("C5", "DEP", "2026-02-01", 100 * K, "deposit"), ("C5", "DEP", "2026-03-10", 300 * K, "deposit"),
    ("C6", "DEP", "2026-01-01", 250 * K, "deposit"), ("C6", "DEP", "2026-03-01", 150 * K, "deposit"),
    ("C7", "DEP", "2026-01-01", 100 * K, "deposit"),
]
HISTORY = [  # client, effective, from, to, status, reason
    ("C1", "2025-09-01", None, "black_gold", "ok", "new"),
    ("C2", "2025-09-01", None, "diamond", "ok", "new"),
    ("C2", "2026-03-10", "diamond", "black_gold", "ok", "upgrade"),
    ("C3", "2025-09-01", None, "gold", "ok", "new"),
    ("C3", "2026-03-05", "gold", "gold", "watch", "watch"),
    ("C4", "2025-09-01", None, "platinum", "ok", "new"),
    ("C4", "2026-03-15", "platinum", "premier_gold", "ok", "downgrade"),
    ("C5", "2026-03-12", None, "gold", "ok", "new"),
    ("C6", "2025-09-01", None, "gold", "ok", "new"),
    ("C6", "2026-03-18", "gold", None, None, "downgrade"),
]
TIERS_NOW = [("C1", "black_gold", "ok", "2025-09-01"), ("C2", "black_gold", "ok", "2026-03-10"),
             ("C3", "gold", "watch", "2025-09-01"), ("C4", "premier_gold", "ok", "2026-03-15"),
             ("C5", "gold", "ok", "2026-03-12")]
ASSIGNMENTS = [("C1", "R1", 0), ("C2", "R1", 0), ("C3", "R2", 0), ("C4", "R3", 1), ("C5", "R3", 0)]
FOLLOWUPS = [  # id, client, rm, date, minutes, outcome, stage, extra columns
    ("F0", "C1", "R1", "2025-08-20", 30, "reached", None, {}),
    ("F1", "C1", "R1", "2026-02-18", None, "reached", None, {}),
    ("F2", "C4", "R3", "2026-02-02", None, "reached", "plan", {"next_date": "2026-02-10"}),
    ("F3", "C2", "R1", "2026-03-02", 300, "reached", "sale",
     {"product_code": "WM1", "amount": 100 * K, "satisfaction": 4,
      "override_reason": "client insisted"}),
    ("F4", "C3", "R2", "2026-03-03", 300, "declined", "assess", {"next_date": "2026-03-09"}),
    ("F5", "C5", "R3", "2026-03-05", 60, "reached", "plan", {}),
    ("F6", "C2", "R1", "2026-03-09", None, "reached", "after_sale",
     {"satisfaction": 5, "joint_rm_id": "R2"}),
    ("F7", "C5", "R3", "2026-03-13", 60, "reached", "assess",
     {"satisfaction": 3, "referral": "Friend F"}),
    ("F8", "C2", "R1", "2026-03-16", None, "reached", "celebrate", {"sale_id": "F3"}),
    ("V1", "C9", "R1", "2026-02-10", None, "reached", None, {"visit_level": "leadership"}),
    ("V2", "C9", "R1", "2026-02-11", None, "reached", None, {"visit_level": "business"}),
    ("V3", "C9", "R1", "2026-02-12", None, "no_answer", None, {"visit_level": "business"}),
    ("V4", "C10", "R2", "2026-03-02", None, "reached", None, {"visit_level": "technical"}),
]
TIMESHEETS = [("R1", "2026-03-04", "vip", 120), ("R1", "2026-03-04", "admin", 180),
              ("R2", "2026-03-04", "vip", 119), ("R2", "2026-03-04", "non_vip", 181),
              ("R5", "2026-03-04", "training", 60)]
RATINGS = [  # client, year, score, rank, big
    ("C8", 2025, 70.0, 1, 1), ("C10", 2025, 65.0, 2, 1), ("C9", 2025, 40.0, 3, 0),
    ("C9", 2026, 80.0, 1, 1), ("C10", 2026, 62.5, 2, 1), ("C8", 2026, 50.0, 3, 0),
]


def build_bank(path) -> None:
    """Write the bank of the module docstring into a fresh database at `path`."""
    db = open_db(path)
    conn = db.conn
    with transaction(db):
        conn.executemany("INSERT INTO rms (rm_id, name, branch, grade, exam_passed, active) "
                         "VALUES (?, ?, ?, ?, ?, ?)", RMS)
        for client in CLIENTS:
            row = {"name": f"Client {client['client_id']}", "contact_consent": "service_only",
                   **client}
            conn.execute(f"INSERT INTO clients ({', '.join(row)}) "
                         f"VALUES ({', '.join('?' * len(row))})", list(row.values()))
        conn.executemany("INSERT INTO products (product_code, name, asset_class) VALUES (?, ?, ?)",
                         [("DEP", "Deposit", "deposit"), ("WM1", "Wealth 1", "wealth")])
        conn.executemany("INSERT INTO positions (client_id, product_code, as_of, balance, "
                         "asset_class) VALUES (?, ?, ?, ?, ?)", POSITIONS)
        conn.executemany("INSERT INTO tier_history (client_id, effective, from_tier, to_tier, "
                         "status, basis_aum, reason) VALUES (?, ?, ?, ?, ?, 0, ?)", HISTORY)
        conn.executemany("INSERT INTO tier_runs VALUES (?, 'daily_avg', '2026-01-01T00:00:00', "
                         "0, 0)", [(d,) for d in sorted({h[1] for h in HISTORY})])
        conn.executemany("INSERT INTO tiers (client_id, tier, status, basis_aum, aum, since, "
                         "as_of) VALUES (?, ?, ?, 0, 0, ?, '2026-03-18')", TIERS_NOW)
        conn.executemany("INSERT INTO assignments (client_id, rm_id, pinned, grade_gap, reason, "
                         "since) VALUES (?, ?, 0, ?, 'new', '2025-09-01')", ASSIGNMENTS)
        for fid, client, rm, day, minutes, outcome, stage, extra in FOLLOWUPS:
            row = {"followup_id": fid, "client_id": client, "rm_id": rm, "date": day,
                   "channel": "visit" if extra.get("visit_level") else "phone",
                   "minutes": minutes, "outcome": outcome, "stage": stage, **extra}
            conn.execute(f"INSERT INTO followups ({', '.join(row)}) "
                         f"VALUES ({', '.join('?' * len(row))})", list(row.values()))
        conn.execute("INSERT INTO prospects (name, referred_by, rm_id, followup_id, created_on) "
                     "VALUES ('Friend F', 'C5', 'R3', 'F7', '2026-03-13')")
        conn.executemany("INSERT INTO timesheets VALUES (?, ?, ?, ?)", TIMESHEETS)
        factors = json.dumps({"contract_volume": 100.0, "unit_price": 50.0, "revenue": 75.0,
                              "collection_rate": 100.0, "profit": 80.0, "quality_loss": 0.0,
                              "industry_influence": 25.0, "credit_rating": 87.5})
        conn.executemany("INSERT INTO corporate_ratings (client_id, review_year, score, rank, "
                         "big, factors, missing) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         [(c, y, s, r, b, factors, "quality_loss" if c == "C8" else None)
                          for c, y, s, r, b in RATINGS])
        conn.executemany("INSERT INTO freshness VALUES (?, ?)",
                         [("positions", "2026-03-30"), ("transactions", "2026-03-30")])
    conn.close()


@pytest.fixture
def report(cli, db_path):
    build_bank(db_path)

    def run(name, *args, fmt="json"):
        # Tables on a screen wide enough for every column (narrower screens leave columns
        # out: tests/test_rendering.py).
        result = cli("--today", TODAY, "report", name, *args, "--format", fmt,
                     env={"COLUMNS": "1000"})
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout) if fmt == "json" else result.stdout

    return run


def by(rows, key):
    return {r[key]: r for r in rows}


MARCH = ("--from", "2026-03-01", "--to", "2026-03-20")


# --- 1. tiers ----------------------------------------------------------------------------------

def test_tiers_at_the_end_and_change_since_the_eve_of_the_start(report):
    rows = by(report("tiers", *MARCH), "tier")
    assert list(rows) == ["black_gold", "diamond", "premier_platinum", "platinum",
                          "premier_gold", "gold", "none"]
    assert rows["black_gold"] == {
        "tier": "black_gold", "clients": 2, "watch": 0, "aum": 23_000_000.0,
        "clients_pct": 28.6, "aum_pct": 94.7, "clients_start": 1, "aum_start": 12_000_000.0,
        "clients_change": 1, "aum_change": 11_000_000.0}
    assert (rows["diamond"]["clients"], rows["diamond"]["clients_start"],
            rows["diamond"]["aum_change"]) == (0, 1, -5_000_000.0)
    assert (rows["platinum"]["clients_change"], rows["premier_gold"]["clients_change"]) == (-1, 1)
    assert (rows["gold"]["clients"], rows["gold"]["watch"], rows["gold"]["aum"],
            rows["gold"]["clients_start"], rows["gold"]["aum_start"]) == (2, 1, 450_000.0, 2,
                                                                          500_000.0)
    # Below gold: C6 (left gold on 03-18) and C7 at the end; C5 and C7 at the start.
    assert (rows["none"]["clients"], rows["none"]["aum"], rows["none"]["clients_start"]) == (
        2, 250_000.0, 2)
    assert sum(r["clients"] for r in rows.values()) == 7


def test_tiers_branch_and_rm_scopes(report):
    rows = by(report("tiers", *MARCH, "--branch", "SH01"), "tier")
    assert (rows["premier_gold"]["clients"], rows["gold"]["clients"], rows["none"]["clients"],
            rows["black_gold"]["clients"]) == (1, 1, 1, 0)
    rows = by(report("tiers", *MARCH, "--rm", "R1"), "tier")
    assert rows["black_gold"]["clients"] == 2 and rows["none"]["clients"] == 0
    split = report("tiers", *MARCH, "--per-branch")
    assert {r["branch"] for r in split} == {"BJ01", "SH01"}
    assert [r for r in split if r["branch"] == "BJ01" and r["tier"] == "black_gold"][0][
        "clients_pct"] == 50.0  # C1 and C2 of BJ01's four (C3, C7)


def test_tiers_table_has_a_total_row_and_the_same_numbers(report):
    table = report("tiers", *MARCH, fmt="table")
    assert "Black Gold" in table and "23,000,000.00" in table
    total = [line for line in table.splitlines() if "Total" in line][0]
    assert "24,300,000.00" in total and " 7 " in total


def test_tiers_in_chinese(report, cli, db_path):
    result = cli("--today", TODAY, "--lang", "zh", "report", "tiers", *MARCH)
    assert result.exit_code == 0
    assert "黑金" in result.stdout and "大众" in result.stdout and "期初客户" in result.stdout
    assert "合计" in result.stdout


# --- 2. migration -------------------------------------------------------------------------------

def test_migration_matrix_from_the_tier_history(report):
    rows = by(report("migration", *MARCH), "from_tier")
    assert rows["black_gold"] == {
        "from_tier": "black_gold", "clients": 1, "black_gold": 1, "diamond": 0,
        "premier_platinum": 0, "platinum": 0, "premier_gold": 0, "gold": 0, "none": 0,
        "stayed": 1, "upgraded": 0, "downgraded": 0, "entered": 0, "exited": 0}
    assert (rows["diamond"]["black_gold"], rows["diamond"]["upgraded"]) == (1, 1)
    assert (rows["platinum"]["premier_gold"], rows["platinum"]["downgraded"]) == (1, 1)
    assert (rows["gold"]["clients"], rows["gold"]["gold"], rows["gold"]["none"],
            rows["gold"]["exited"]) == (2, 1, 1, 1)
    assert (rows["none"]["gold"], rows["none"]["entered"]) == (1, 1)
    totals = {k: sum(r[k] for r in rows.values()) for k in
              ("stayed", "upgraded", "downgraded", "entered", "exited")}
    assert totals == {"stayed": 2, "upgraded": 1, "downgraded": 1, "entered": 1, "exited": 1}


def test_migration_before_the_first_recompute_reads_the_first_run(report, cli):
    rows = by(report("migration", "--from", "2025-08-01", "--to", "2025-09-30"), "from_tier")
    assert sum(r["stayed"] for r in rows.values()) == 5
    assert sum(r["entered"] + r["exited"] for r in rows.values()) == 0
    result = cli("--today", TODAY, "report", "migration", "--from", "2025-08-01", "--to",
                 "2025-09-30")
    assert "tier history starts with the first recompute on 2025-09-01" in result.stderr


# --- 3. coverage --------------------------------------------------------------------------------

def test_coverage_per_tier_on_the_20th(report):
    rows = by(report("coverage", *MARCH), "tier")
    assert list(rows) == ["black_gold", "premier_gold", "gold"]
    # C1 eligible and reached on 02-18, exactly 30 days before; C2 in the tier for 10 days.
    # C1's ID expires 04-15: its task, due 03-16, waits for the renewed ID (no call closes it).
    assert rows["black_gold"] == {"tier": "black_gold", "clients": 2, "eligible": 1,
                                  "covered": 1, "coverage_pct": 100.0, "never_contacted": 0,
                                  "overdue_tasks": 1, "missed_tasks": 0}
    # C4's follow-up due 02-10 expired on 03-12 undone; its assessment expired on 2025-01-01
    # and was never renewed (the contacts since do not count), so that task is overdue.
    assert rows["premier_gold"] == {"tier": "premier_gold", "clients": 1, "eligible": 0,
                                    "covered": 0, "coverage_pct": None, "never_contacted": 0,
                                    "overdue_tasks": 1, "missed_tasks": 1}
    # C3 only declined (not reached) and its follow-up due 03-09 is still open.
    assert rows["gold"] == {"tier": "gold", "clients": 2, "eligible": 1, "covered": 0,
                            "coverage_pct": 0.0, "never_contacted": 1, "overdue_tasks": 1,
                            "missed_tasks": 0}


def test_coverage_edge_one_day_later(report):
    rows = by(report("coverage", "--from", "2026-03-01", "--to", "2026-03-21"), "tier")
    assert (rows["black_gold"]["covered"], rows["black_gold"]["coverage_pct"]) == (0, 0.0)


def test_coverage_per_rm_and_per_branch(report):
    rows = by(report("coverage", *MARCH, "--by", "rm"), "rm_id")
    assert list(rows) == ["R1", "R2", "R3"]
    assert (rows["R1"]["name"], rows["R1"]["clients"], rows["R1"]["covered"]) == ("Ann", 2, 1)
    assert (rows["R2"]["overdue_tasks"], rows["R3"]["missed_tasks"]) == (1, 1)
    rows = by(report("coverage", *MARCH, "--by", "branch"), "branch")
    assert (rows["BJ01"]["clients"], rows["SH01"]["clients"]) == (3, 2)


def test_coverage_table_total_is_the_ratio_of_the_sums(report):
    total = [line for line in report("coverage", *MARCH, fmt="table").splitlines()
             if "Total" in line][0]
    assert "50.0" in total


# --- 4. rm --------------------------------------------------------------------------------------

def test_rm_books(report):
    rows = by(report("rm", *MARCH), "rm_id")
    assert list(rows) == ["R1", "R2", "R3", "R4"]  # R5 left and holds nobody
    r1 = rows["R1"]
    assert (r1["capacity"], r1["load"], r1["used_pct"], r1["black_gold"], r1["aum"]) == (
        50, 2, 4.0, 2, 23_000_000.0)
    # C2's after-sale call was made; C1's ID-expiry task waits for the renewed ID.
    assert (r1["tasks_due"], r1["tasks_done"], r1["plan_completion_pct"]) == (2, 1, 50.0)
    assert (rows["R2"]["tasks_due"], rows["R2"]["plan_completion_pct"]) == (1, 0.0)
    r3 = rows["R3"]
    assert (r3["capacity"], r3["grade_gaps"], r3["aum"], r3["premier_gold"], r3["gold"]) == (
        100, 1, 900_000.0, 1, 1)
    assert (r3["tasks_due"], r3["plan_completion_pct"]) == (0, None)
    assert rows["R4"]["capacity"] == 100  # l2 without the exam works as a trainee


@pytest.mark.parametrize("arrived, done, on_time", [
    ("2026-03-16", 2, 100.0),  # the renewed ID recorded on the task's due date: on time
    ("2026-03-17", 2, 50.0),  # a day late: done, not on time
    ("2026-03-21", 1, 50.0),  # after the period: still open at its end
])
def test_the_id_task_is_done_by_the_day_the_renewed_id_arrived(report, db_path, arrived, done,
                                                                on_time):
    db = open_db(db_path)
    with transaction(db):
        db.conn.execute("UPDATE clients SET id_expiry = '2036-04-15' WHERE client_id = 'C1'")
        db.conn.execute("INSERT INTO client_data_changes (client_id, field, old_value, new_value, "
                        "changed_on, source) VALUES ('C1', 'id_expiry', '2026-04-15', "
                        "'2036-04-15', ?, 'import')", [arrived])
    db.conn.close()
    r1 = by(report("rm", *MARCH), "rm_id")["R1"]
    assert (r1["tasks_due"], r1["tasks_done"]) == (2, done)
    assert by(report("kpi", *MARCH), "rm_id")["R1"]["tasks_on_time_pct"] == on_time
    overdue = by(report("coverage", *MARCH), "tier")["black_gold"]["overdue_tasks"]
    assert overdue == (0 if done == 2 else 1)


def test_a_corrected_id_expiry_withdraws_the_old_task(report, db_path):
    # An earlier date is a correction: the old task is not owed, the new date has its own.
    db = open_db(db_path)
    with transaction(db):
        db.conn.execute("UPDATE clients SET id_expiry = '2026-04-10' WHERE client_id = 'C1'")
        db.conn.execute("INSERT INTO client_data_changes (client_id, field, old_value, new_value, "
                        "changed_on, source) VALUES ('C1', 'id_expiry', '2026-04-15', "
                        "'2026-04-10', '2026-03-12', 'client update')")
    db.conn.close()
    r1 = by(report("rm", *MARCH), "rm_id")["R1"]
    # the after-sale call, and the corrected date's task, due 03-11, still open
    assert (r1["tasks_due"], r1["tasks_done"]) == (2, 1)


# --- 5. timeshare -------------------------------------------------------------------------------

def test_timeshare_keys_and_the_70_pct_edge(report):
    rows = report("timeshare")  # March to date
    assert list(rows[0]) == ["rm_id", "name", "vip_minutes", "total_minutes", "vip_share_pct",
                             "on_target"]
    rows = by(rows, "rm_id")
    assert rows["R1"] == {"rm_id": "R1", "name": "Ann", "vip_minutes": 420,
                          "total_minutes": 600, "vip_share_pct": 70.0, "on_target": True}
    assert rows["R2"] == {"rm_id": "R2", "name": "Bob", "vip_minutes": 419,
                          "total_minutes": 600, "vip_share_pct": 69.8, "on_target": False}
    # C5 was not tiered on 03-05 (60 minutes) and was on 03-13 (60 minutes).
    assert (rows["R3"]["vip_minutes"], rows["R3"]["total_minutes"]) == (60, 120)
    assert rows["R4"]["vip_share_pct"] is None and rows["R4"]["on_target"] is False
    assert (rows["R5"]["total_minutes"], rows["R5"]["vip_share_pct"]) == (60, 0.0)


def test_timeshare_before_the_first_recompute_uses_its_tiers(report):
    rows = by(report("timeshare", "--from", "2025-08-01", "--to", "2025-08-31"), "rm_id")
    assert (rows["R1"]["vip_minutes"], rows["R1"]["vip_share_pct"]) == (30, 100.0)


def test_timeshare_csv_and_table_carry_the_same_numbers(report):
    rows = list(csv.DictReader(io.StringIO(report("timeshare", fmt="csv"))))
    assert rows[0] == {"rm_id": "R1", "name": "Ann", "vip_minutes": "420",
                       "total_minutes": "600", "vip_share_pct": "70.0", "on_target": "true"}
    table = report("timeshare", fmt="table")
    line = [l for l in table.splitlines() if "R2" in l][0]
    assert "419" in line and "69.8" in line and "no" in line
    assert "target ≥ 70%" in table


# --- 6. pipeline --------------------------------------------------------------------------------

def test_pipeline_funnel(report):
    rows = by(report("pipeline", *MARCH), "stage")
    assert list(rows) == ["plan", "assess", "sale", "after_sale", "celebrate"]
    assert (rows["plan"]["contacts"], rows["plan"]["clients"], rows["plan"]["converted"],
            rows["plan"]["conversion_pct"]) == (1, 1, 1, 100.0)
    assert (rows["assess"]["contacts"], rows["assess"]["clients"],
            rows["assess"]["conversion_pct"], rows["assess"]["referrals"]) == (2, 1, 0.0, 1)
    assert rows["sale"] == {
        "stage": "sale", "contacts": 1, "clients": 1, "converted": 1, "conversion_pct": 100.0,
        "amount": 100_000.0, "referrals": 0, "overrides": 1, "after_sale_due": None,
        "after_sale_on_time": None, "after_sale_on_time_pct": None}
    # The sale of 03-02 brought a call due 03-09, made that day.
    assert (rows["after_sale"]["after_sale_due"], rows["after_sale"]["after_sale_on_time"],
            rows["after_sale"]["after_sale_on_time_pct"]) == (1, 1, 100.0)
    assert rows["celebrate"]["conversion_pct"] is None


def test_pipeline_of_one_rm(report):
    rows = by(report("pipeline", *MARCH, "--rm", "R3"), "stage")
    assert (rows["plan"]["contacts"], rows["assess"]["contacts"], rows["sale"]["contacts"]) == (
        1, 1, 0)
    assert rows["after_sale"]["after_sale_due"] == 0


# --- 7. kpi and 8. review -------------------------------------------------------------------------

def test_kpi_scorecard_by_hand(report):
    rows = report("kpi", *MARCH)
    # By grade, senior first: R1 is the lone senior, R2 the lone l4, and R3 and R4 (an l2
    # without the exam) the trainees.
    assert [(r["rm_id"], r["cohort"], r["cohort_rms"], r["rank"]) for r in rows] == [
        ("R1", "senior", 1, 1), ("R2", "l4", 1, 1), ("R3", "trainee", 2, 1),
        ("R4", "trainee", 2, 2)]
    rows = by(rows, "rm_id")
    r1 = rows["R1"]
    # No client changed hands (no history) and nobody transacted: the book's whole AUM change
    # is its net new money, and the market moved nothing that can be told apart.
    assert (r1["aum_growth"], r1["net_new_money"], r1["market_move"], r1["sales"],
            r1["upgrades"], r1["tasks_on_time_pct"], r1["completeness_pct"],
            r1["after_sale_on_time_pct"], r1["referrals"], r1["joint_visits"],
            r1["satisfaction"]) == (
        6_000_000.0, 6_000_000.0, 0.0, 100_000.0, 1, 50.0, 72.5, 100.0, 0, 1, 4.5)
    # A lone RM of its grade scores 100 on every sub-metric it has data on.
    assert (r1["results"], r1["process"], r1["teamwork"], r1["feedback"], r1["score"]) == (
        100.0, 100.0, 100.0, 100.0, 100.0)
    r2 = rows["R2"]
    assert (r2["aum_growth"], r2["net_new_money"], r2["tasks_on_time_pct"],
            r2["completeness_pct"], r2["satisfaction"]) == (-100_000.0, -100_000.0, 0.0, 0.0, None)
    # Nobody of its grade was rated: feedback is left out, the other weights carry the score.
    assert (r2["results"], r2["process"], r2["teamwork"], r2["feedback"], r2["score"]) == (
        100.0, 100.0, 100.0, None, 100.0)
    r3, r4 = rows["R3"], rows["R4"]
    assert (r3["aum_growth"], r3["net_new_money"], r3["upgrades"], r3["completeness_pct"],
            r3["referrals"], r3["satisfaction"]) == (-700_000.0, -700_000.0, 1, 23.5, 1, 3.0)
    # R4 holds no client: no net new money, upgrades or completeness to rank, so it ranks
    # lowest on them (0) below R3's -700,000; sales 0 and 0 tie (50 each).
    assert (r4["aum_growth"], r4["net_new_money"], r4["market_move"], r4["upgrades"],
            r4["completeness_pct"], r4["satisfaction"]) == (None, None, None, None, None, None)
    # R3: results (100 + 50 + 100) / 3; process: completeness 100 (no task or after-sale call
    # was due for either trainee: left out); teamwork (100 + 50) / 2; feedback 100 (R4 rated
    # nothing: 0). Score (50 · 250/3 + 20 · 100 + 15 · 75 + 15 · 100) / 100 = 87.92.
    assert (r3["results"], r3["process"], r3["teamwork"], r3["feedback"], r3["score"]) == (
        83.3, 100.0, 75.0, 100.0, 87.9)
    # R4: (50 · 50/3 + 20 · 0 + 15 · 25 + 15 · 0) / 100 = 12.08.
    assert (r4["results"], r4["process"], r4["teamwork"], r4["feedback"], r4["score"]) == (
        16.7, 0.0, 25.0, 0.0, 12.1)


def test_kpi_rows_of_a_branch_keep_their_ranks_within_the_grade(report):
    rows = report("kpi", *MARCH, "--branch", "SH01")
    assert [(r["rm_id"], r["rank"], r["cohort_rms"]) for r in rows] == [("R3", 1, 2),
                                                                        ("R4", 2, 2)]


def test_kpi_weights_come_from_the_configuration(report, cli):
    assert cli("config", "set", "kpi.weights.feedback", "0").exit_code == 0
    r3 = by(report("kpi", *MARCH), "rm_id")["R3"]
    # (50 · 250/3 + 20 · 100 + 15 · 75) / 85 = 85.78
    assert r3["score"] == 85.8


def test_kpi_refuses_weights_that_sum_to_zero(report, cli):
    for component in ("results", "process", "teamwork", "feedback"):
        assert cli("config", "set", f"kpi.weights.{component}", "0").exit_code == 0
    for name in ("kpi", "review"):
        result = cli("--today", TODAY, "report", name)
        assert result.exit_code == 1
        assert "Error: the KPI weights (kpi.weights.*) sum to 0" in result.stderr


def test_review_proposal(report, cli):
    rows = report("review", *MARCH)
    assert [(r["position"], r["rm_id"], r["cohort"], r["action"], r["proposed_grade"],
             r["reason"]) for r in rows] == [
        # Alone in their grades: no share of one RM rounds to anyone.
        (1, "R1", "senior", "keep", "senior", "middle"),
        (1, "R2", "l4", "keep", "l4", "middle"),
        (1, "R3", "trainee", "promote", "l4", "trainee_passed"),  # exam passed, 87.9 ≥ 50.0
        (2, "R4", "trainee", "keep", "l2", "exam_not_passed"),
    ]
    assert rows[0]["score"] == 100.0 and rows[0]["sales"] == 100_000.0
    assert [r["cohort_median"] for r in rows] == [100.0, 100.0, 50.0, 50.0]
    result = cli("--today", TODAY, "report", "review", *MARCH)
    assert "median score per grade: senior 100.0, l4 100.0, trainee 50.0" in result.stderr


# --- 9. completeness ----------------------------------------------------------------------------

def test_completeness_per_tier(report):
    rows = by(report("completeness", "--to", "2026-03-20"), "tier")
    assert list(rows) == ["black_gold", "premier_gold", "gold"]
    assert rows["black_gold"] == {
        "tier": "black_gold", "clients": 2, "avg_pct": 72.5, "at_target": 1,
        "at_target_pct": 50.0, "band_0_20": 0, "band_20_40": 0, "band_40_60": 1,
        "band_60_80": 0, "band_80_100": 1,
        "most_missing": ["occupation", "marital_status", "family"]}
    # Phone, birth date and marital status; the expired risk assessment does not count.
    assert (rows["premier_gold"]["avg_pct"], rows["premier_gold"]["band_20_40"]) == (32.0, 1)
    assert (rows["gold"]["avg_pct"], rows["gold"]["band_0_20"], rows["gold"]["most_missing"]) == (
        7.5, 2, ["birth_date", "gender", "risk_level"])


def test_completeness_per_rm(report):
    rows = by(report("completeness", "--to", "2026-03-20", "--by", "rm"), "rm_id")
    assert (rows["R1"]["avg_pct"], rows["R2"]["avg_pct"], rows["R3"]["avg_pct"]) == (
        72.5, 0.0, 23.5)


# --- 10. segments -------------------------------------------------------------------------------

def test_segments_tier_by_engagement(report):
    rows = report("segments", "--to", "2026-03-20", "--by", "tier,engagement")
    assert [(r["tier"], r["engagement"], r["clients"], r["aum"]) for r in rows] == [
        ("black_gold", "within_cadence", 2, 23_000_000.0),
        ("premier_gold", "within_cadence", 1, 600_000.0),
        ("gold", "within_cadence", 1, 300_000.0),
        ("gold", "never", 1, 150_000.0),
        ("none", "no_cadence", 2, 250_000.0),
    ]
    assert rows[0]["aum_pct"] == 94.7 and rows[0]["clients_pct"] == 28.6
    assert rows[0]["avg_aum"] == 11_500_000.0


def test_segments_age_life_stage_and_product_mix(report):
    rows = report("segments", "--to", "2026-03-20", "--by", "age_band,life_stage")
    assert [(r["age_band"], r["life_stage"], r["clients"]) for r in rows] == [
        ("30_39", "single", 1), ("30_39", "forming", 1), ("40_49", "growing", 1),
        ("50_59", "mature", 1), ("65_plus", "retired", 1), ("unknown", "unknown", 2)]
    rows = by(report("segments", "--to", "2026-03-20", "--by", "product_mix"), "product_mix")
    assert (rows["wealth"]["clients"], rows["deposit"]["clients"]) == (1, 6)


def test_segments_refuses_unknown_or_too_many_dimensions(cli, report):
    for bad in ("tier,colour", "tier,branch,risk_level,age_band", "tier,tier", ""):
        result = cli("--today", TODAY, "report", "segments", "--by", bad)
        assert result.exit_code == 2, bad
        assert "dimensions" in result.stderr


# --- 11. corporates -----------------------------------------------------------------------------

def test_corporates_list_review_and_visits(report):
    rows = report("corporates")
    assert [(r["client_id"], r["rank"], r["big"], r["review"], r["score_change"],
             r["previous_rank"]) for r in rows] == [
        ("C9", 1, True, "entered", 40.0, 3), ("C10", 2, True, "stayed", -2.5, 2),
        ("C8", 3, False, "left", -20.0, 1)]
    c9 = rows[0]
    assert (c9["leadership_visits"], c9["technical_visits"], c9["business_visits"]) == (1, 0, 1)
    assert (c9["leadership_min"], c9["technical_min"], c9["business_min"]) == (1, 2, 4)
    assert c9["visits_short"] == 5 and rows[1]["visits_short"] == 6
    assert c9["credit_rating"] == 87.5 and rows[2]["missing"] == ["quality_loss"]
    assert rows[2]["visits_short"] is None
    everyone = report("corporates", "--all", "--year", "2025")
    assert [r["client_id"] for r in everyone] == ["C8", "C10", "C9"]
    assert everyone[0]["review"] is None  # nothing rated before 2025


def test_corporates_refuses_an_unrated_year(cli, report):
    result = cli("--today", TODAY, "report", "corporates", "--year", "2024")
    assert result.exit_code == 1
    assert "review year 2024 has not been rated" in result.stderr


# --- every report: formats, help, errors --------------------------------------------------------

NAMES = ("tiers", "migration", "coverage", "rm", "timeshare", "pipeline", "kpi", "review",
         "completeness", "segments", "corporates")


MONEY = {"aum", "aum_start", "aum_change", "amount", "sales", "aum_growth", "net_new_money",
         "market_move", "avg_aum"}


def shown(key, value):
    """How a JSON value looks in the English table."""
    from vipcrm.formats.i18n import grade_name, tier_name

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in MONEY:
        return f"{value:,.2f}"
    if key in ("tier", "from_tier"):
        return tier_name(value, "en")
    if key in ("grade", "proposed_grade", "cohort"):
        return grade_name(value, "en")
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def table_rows(table):
    """The cells of the data rows (not the total) of a rich table."""
    rows = []
    for line in table.splitlines():
        if line.startswith("├"):
            break
        if line.startswith("│"):
            rows.append([cell.strip() for cell in line.strip().strip("│").split("│")])
    return rows


@pytest.mark.parametrize("name", NAMES)
def test_json_csv_and_table_carry_the_same_numbers(report, name):
    rows = report(name)
    parsed = list(csv.DictReader(io.StringIO(report(name, fmt="csv"))))
    table = table_rows(report(name, fmt="table"))
    assert rows and len(parsed) == len(rows) == len(table)
    for record, line, cells in zip(rows, parsed, table):
        assert list(line) == list(record)
        assert cells == [shown(k, v) for k, v in record.items()]
        for key, value in record.items():
            if isinstance(value, bool):
                assert line[key] == ("true" if value else "false")
            elif isinstance(value, (int, float)):
                assert float(line[key]) == value
            elif isinstance(value, list):
                assert line[key] == "; ".join(value)
            else:
                assert line[key] == ("" if value is None else value)


@pytest.mark.parametrize("name", (*NAMES, "dashboard"))
def test_help_explains_and_gives_an_example(cli, name):
    result = cli("report", name, "--help")
    assert result.exit_code == 0
    assert f"Example:\n    vipcrm report {name} " in result.stdout


def test_bad_scope_and_dates(cli, report):
    cases = [
        (("tiers", "--rm", "R9"), 1, "unknown RM 'R9'"),
        (("tiers", "--branch", "XX01"), 1, "unknown branch 'XX01'"),
        (("tiers", "--rm", "R1", "--branch", "SH01"), 1, "works at branch BJ01"),
        (("tiers", "--to", "2026-04-01"), 2, "after today"),
        (("tiers", "--from", "2026-03-21", "--to", "2026-03-20"), 2, "after the end"),
        (("coverage", "--by", "colour"), 2, "choose one of tier, rm, branch"),
        (("timeshare", "--format", "xml"), 2, "choose one of table, csv, json"),
    ]
    for args, code, message in cases:
        result = cli("--today", TODAY, "report", *args)
        assert result.exit_code == code, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)


def test_reports_state_the_data_date_and_write_nothing(cli, report, sql):
    before = sql("SELECT COUNT(*) FROM audit_log")
    result = cli("--today", TODAY, "report", "tiers")
    assert "Period 2026-03-01 to 2026-03-31; data as of: positions 2026-03-30" in result.stderr
    assert sql("SELECT COUNT(*) FROM audit_log") == before


def test_stale_data_is_warned(cli, report):
    result = cli("--today", "2026-04-10", "report", "tiers")
    assert "stale data" in result.stderr


def test_an_empty_database_reports_zeros(cli, blank_db):
    result = cli("--today", TODAY, "report", "tiers", "--format", "json")
    assert result.exit_code == 0
    assert sum(r["clients"] for r in json.loads(result.stdout)) == 0
    assert "no tier recompute yet" in result.stderr
    result = cli("--today", TODAY, "report", "kpi", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
