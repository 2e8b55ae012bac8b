"""One client walked through the five-step sales process (seed §1.3, DOMAIN §6) with the real
commands: import, tier, assign, plan, followup log, client update, report pipeline."""

from __future__ import annotations

import json
import sqlite3

from conftest import EXAMPLES


def test_five_steps_plan_assess_sale_after_sale_celebrate(cli, db_path):
    def run(today, *args):
        result = cli("--today", today, *args)
        assert result.exit_code == 0, result.stderr
        return result

    def plan(today, day="today"):
        lines = json.loads(run(today, "plan", day, "--rm", "RM004", "--format", "json").stdout)
        return {line["client_id"]: line for line in lines}

    for kind in ("calendar", "rms", "products", "clients", "positions", "navs", "transactions"):
        run("2026-11-27", "import", kind, EXAMPLES / f"{kind}.csv")
    run("2026-11-27", "config", "set", "tiering.basis", "point")
    run("2026-11-27", "tier", "--recompute")
    run("2026-11-27", "assign")

    # 1. plan: Friday's plan has Qian Mei (her risk assessment expires on 20 December; never
    # contacted, her first cadence call is not today but on her day of the go-live round, spread
    # over her tier's cadence); a call does not complete the assessment, which only the
    # reassessment itself completes
    first = plan("2026-11-27")["C0002"]
    assert first["reasons"] == ["risk_expiry"]
    called = run("2026-11-27", "followup", "log", "C0002", "--channel", "phone", "--stage", "plan",
                 "--minutes", "10", "--note", "Reassessment due; meeting on Monday")
    assert "open until the new data arrives" in called.stderr
    assert "completed: " not in called.stderr
    assert plan("2026-11-27")["C0002"]["reasons"] == ["risk_expiry"]

    # 2. assess: Monday's visit reassesses her (C4) and learns two profile fields
    run("2026-11-30", "followup", "log", "C0002", "--channel", "visit", "--stage", "assess",
        "--minutes", "50", "--next", "2026-12-01", "--note", "Wants growth; reassessed C4")
    assert "risk_expiry" in plan("2026-11-30")["C0002"]["reasons"]
    updated = run("2026-11-30", "client", "update", "C0002", "--set", "risk_level=C4",
                  "--set", "hobbies=tennis")
    assert "profile completeness" in updated.stderr
    assert "closed on the new data: risk_expiry [2026-12-20]" in updated.stderr
    assert "C0002" not in plan("2026-11-30")

    # 3. sale: the follow-up set at the visit is in Tuesday's plan; the R4 fund now suits her
    assert "followup_due" in plan("2026-12-01")["C0002"]["reasons"]
    sold = run("2026-12-01", "followup", "log", "C0002", "--channel", "visit", "--stage", "sale",
               "--product", "FUND-EQ1", "--amount", "200,000.00", "--minutes", "40")
    assert "after-sale care due 2026-12-08 and 2026-12-31" in sold.stderr
    assert "Warning" not in sold.stderr  # suitable: no override

    # 4. after_sale: the +7 call is in the plan; she is happy and refers a friend
    assert "followup_due" in plan("2026-12-08")["C0002"]["reasons"]
    run("2026-12-08", "followup", "log", "C0002", "--channel", "phone", "--stage", "after_sale",
        "--satisfaction", "5", "--referral", "Zhou Xun", "--minutes", "15")
    assert "C0002" not in plan("2026-12-08")

    # 5. celebrate: the sale is recognised
    celebrated = run("2026-12-09", "followup", "log", "C0002", "--channel", "event",
                     "--stage", "celebrate", "--note", "Thank-you tea")
    assert "recognised RM004 for sale L20261201-0001" in celebrated.stderr

    # the +30 call is still to come
    assert "followup_due" in plan("2026-12-09", "2026-12-31")["C0002"]["reasons"]

    conn = sqlite3.connect(db_path)
    stored = conn.execute("SELECT followup_id, date, rm_id, stage, outcome, product_code, amount, "
                          "satisfaction, referral, sale_id, recognised, source FROM followups "
                          "WHERE client_id = 'C0002' ORDER BY date, followup_id").fetchall()
    assert stored == [
        ("L20261127-0001", "2026-11-27", "RM004", "plan", "reached", None, None, None, None, None,
         None, "cli"),
        ("L20261130-0001", "2026-11-30", "RM004", "assess", "reached", None, None, None, None,
         None, None, "cli"),
        ("L20261201-0001", "2026-12-01", "RM004", "sale", "reached", "FUND-EQ1", 20_000_000,
         None, None, None, None, "cli"),
        ("L20261208-0001", "2026-12-08", "RM004", "after_sale", "reached", None, None, 5,
         "Zhou Xun", None, None, "cli"),
        ("L20261209-0001", "2026-12-09", "RM004", "celebrate", "reached", None, None, None, None,
         "L20261201-0001", "RM004", "cli"),
    ]
    assert conn.execute("SELECT name, referred_by, rm_id FROM prospects").fetchall() == [
        ("Zhou Xun", "C0002", "RM004")]
    assert conn.execute("SELECT risk_level, risk_assessed_on, hobbies FROM clients "
                        "WHERE client_id = 'C0002'").fetchone() == ("C4", "2026-11-30", "tennis")
    conn.close()

    funnel = {row["stage"]: row for row in json.loads(run(
        "2026-12-09", "report", "pipeline", "--from", "2026-11-01", "--to", "2026-12-09",
        "--format", "json").stdout)}
    assert [funnel[s]["clients"] for s in ("plan", "assess", "sale", "after_sale", "celebrate")] \
        == [1, 1, 1, 1, 1]
    assert [funnel[s]["converted"] for s in ("plan", "assess", "sale", "after_sale")] == [1, 1, 1, 1]
    assert funnel["sale"]["amount"] == 200000.0 and funnel["sale"]["overrides"] == 0
    assert funnel["after_sale"]["referrals"] == 1
