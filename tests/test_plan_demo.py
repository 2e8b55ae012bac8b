"""The demo bank's first command, `vipcrm plan today`: a plausible, varied day for every RM."""

import importlib.util
import json
import sqlite3
from collections import Counter

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("vipcrm.demo") is None,
                                reason="the demo bank (vipcrm.demo) is not in this tree yet")

TODAY = "2026-11-30"


def test_the_demo_banks_plan_today(cli, db_path):
    assert cli("--today", TODAY, "demo").exit_code == 0
    conn = sqlite3.connect(db_path)
    if not conn.execute("SELECT COUNT(*) FROM tiers").fetchone()[0]:
        # A demo that leaves tiering and assignment to the nightly chain: run them as it would.
        assert cli("--today", TODAY, "tier", "--recompute").exit_code == 0
        assert cli("--today", TODAY, "assign").exit_code == 0
    result = cli("--today", TODAY, "plan", "today", "-f", "json")
    assert result.exit_code == 0, result.stderr
    lines = json.loads(result.stdout)
    rms = dict(conn.execute(
        "SELECT rm_id, COALESCE(daily_capacity, 0) FROM rms WHERE active = 1 "
        "AND rm_id IN (SELECT rm_id FROM assignments)"))
    default = 12
    conn.close()
    per_rm = Counter(line["rm_id"] for line in lines if line["rm_id"] is not None)
    assert set(per_rm) == set(rms), "every active RM with clients has a day"
    for rm_id, count in per_rm.items():
        assert count <= (rms[rm_id] or default), rm_id
    reasons = Counter(r for line in lines for r in line["reasons"])
    assert len(reasons) >= 5, reasons
    assert all(line["talking_points"] for line in lines)
    table = cli("--today", TODAY, "plan", "today")
    assert table.exit_code == 0 and table.stdout.strip()
