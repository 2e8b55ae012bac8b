"""Every report over the demo bank with a tier history answers (their speed is measured by
benchmarks/bench_reports.py, never asserted here)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from vipcrm.cli.app import app
from vipcrm.demo import load_demo
from vipcrm.store.db import open_db

TODAY = dt.date(2026, 3, 20)
# Tier history over the demo's 90 days of holdings, so that migration has moves to show.
RECOMPUTES = ("2026-01-20", "2026-02-10", "2026-02-28", "2026-03-10", "2026-03-20")
REPORTS = (
    ("tiers",), ("tiers", "--per-branch"), ("migration", "--from", "2026-02-01"),
    ("coverage",), ("coverage", "--by", "rm"), ("rm",), ("timeshare",), ("pipeline",),
    ("kpi",), ("review",), ("completeness",), ("completeness", "--by", "rm"),
    ("segments", "--by", "tier,age_band,engagement"), ("corporates",),
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("speed") / "demo.db"
    db = open_db(path)
    load_demo(db, TODAY)
    db.conn.close()
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["--db", str(path), "--today", TODAY.isoformat(), *args],
                             catch_exceptions=False)

    for day in RECOMPUTES:
        assert run("tier", "--recompute", "--as-of", day).exit_code == 0
    assert run("assign").exit_code == 0
    assert run("tier", "corporate").exit_code == 0
    return run


@pytest.mark.slow
@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_every_report_over_the_demo_bank_gives_its_records(demo, args):
    result = demo("report", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout), f"report {' '.join(args)} gave no record"


@pytest.mark.slow
def test_the_dashboard_over_the_demo_bank(demo, tmp_path):
    result = demo("report", "dashboard", "-o", str(tmp_path / "d.html"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "d.html").read_text(encoding="utf-8").count("<svg") >= 6
