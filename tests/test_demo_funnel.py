"""The demo bank's contact history follows sales journeys (seed §1.3), so its funnel reads as
a funnel: each step's conversion to the next in a believable band, after-sale calls mostly on
their due day. Checked through `report pipeline` over the demo as `vipcrm demo` leaves it, and
on the bank's rows."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from vipcrm.cli.app import app
from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.followup import after_sale_dates
from vipcrm.core.suitability import RISK_CLASSES, product_risk
from vipcrm.demo.bank import build_bank

TOUR_DAY = "2026-11-27"  # the README's tour, a Friday
SPRING_DAY = "2026-03-20"  # a Friday after the Spring Festival


@pytest.fixture(scope="module", params=[TOUR_DAY, SPRING_DAY])
def pipeline(request, tmp_path_factory):
    """`report pipeline` (records by stage) over the demo bank of the day, for --from FROM or
    the month to date."""
    path = tmp_path_factory.mktemp("funnel") / "demo.db"
    runner = CliRunner()
    common = ["--db", str(path), "--today", request.param]
    made = runner.invoke(app, [*common, "demo"], env={"VIPCRM_LANG": "en"})
    assert made.exit_code == 0, made.stderr

    def report(*period: str) -> dict[str, dict]:
        done = runner.invoke(app, [*common, "report", "pipeline", *period, "--format", "json"])
        assert done.exit_code == 0, done.stderr
        return {r["stage"]: r for r in json.loads(done.stdout)}

    report.day = request.param
    return report


def _reads_as_a_funnel(rows: dict[str, dict]) -> None:
    clients = [rows[s]["clients"] for s in ("plan", "assess", "sale")]
    assert clients == sorted(clients, reverse=True) and clients[-1] >= 10, clients
    assert rows["after_sale"]["clients"] and rows["celebrate"]["clients"]
    assert rows["sale"]["amount"] > 0
    assert 0 < rows["after_sale"]["conversion_pct"] < 60  # not every buyer is thanked


def test_the_month_to_dates_funnel_converts_as_a_wealth_team_does(pipeline):
    rows = pipeline()
    _reads_as_a_funnel(rows)
    assert 40 <= rows["plan"]["conversion_pct"] <= 70
    assert 20 <= rows["assess"]["conversion_pct"] <= 40
    # Sales of the last week have no after-sale call yet; the others have had theirs.
    assert rows["sale"]["conversion_pct"] >= 30
    care = rows["after_sale"]
    assert care["after_sale_due"] >= 20
    assert 70 <= care["after_sale_on_time_pct"] <= 90


def test_a_quarters_funnel_converts_as_a_wealth_team_does(pipeline):
    start = dt.date.fromisoformat(pipeline.day) - dt.timedelta(days=87)
    rows = pipeline("--from", start.isoformat())
    _reads_as_a_funnel(rows)
    assert 45 <= rows["plan"]["conversion_pct"] <= 75
    assert 25 <= rows["assess"]["conversion_pct"] <= 45
    assert rows["sale"]["conversion_pct"] >= 75
    care = rows["after_sale"]
    assert care["after_sale_due"] >= 60
    assert 75 <= care["after_sale_on_time_pct"] <= 95


@pytest.fixture(scope="module")
def bank():
    return build_bank(dt.date.fromisoformat(TOUR_DAY), 600, 7, Config(), positions=lambda r: None)


def _contacts(bank) -> dict[str, list[dict]]:
    """Each client's reached contacts with a step, in date order."""
    by_client = defaultdict(list)
    for row in bank.rows["followups"]:
        if row["stage"] and row["outcome"] == "reached":
            by_client[row["client_id"]].append(row)
    for rows in by_client.values():
        rows.sort(key=lambda r: r["date"])
    return by_client


def _sales(bank) -> list[dict]:
    return [r for r in bank.rows["followups"] if r["stage"] == "sale" and r["outcome"] == "reached"]


def test_sales_come_after_an_assessment_booked_by_a_planning_call(bank):
    contacts = _contacts(bank)
    first = min(r["date"] for r in bank.rows["followups"])
    led, counted = 0, 0
    for sale in _sales(bank):
        if (sale["date"] - first).days < 20:
            continue  # its journey may have begun before the history
        counted += 1
        earlier = [r for r in contacts[sale["client_id"]] if r["date"] <= sale["date"]]
        assess = [r for r in earlier if r["stage"] == "assess"
                  and (sale["date"] - r["date"]).days <= 14]
        plan = [r for r in earlier if r["stage"] == "plan" and assess
                and r["date"] <= assess[-1]["date"]]
        led += bool(assess and plan)
    assert counted >= 30 and led / counted >= 0.9


def test_after_sale_calls_fall_mostly_on_the_due_day_plans_give_them(bank):
    today = dt.date.fromisoformat(TOUR_DAY)
    calls = {(r["client_id"], r["date"]) for r in bank.rows["followups"]
             if r["stage"] == "after_sale" and r["outcome"] == "reached"}
    calendar = WorkCalendar()
    due = [(sale["client_id"], day) for sale in _sales(bank)
           for day in after_sale_dates(sale["date"], calendar) if day < today]
    on_time = sum(1 for key in due if key in calls)
    assert len(due) >= 100 and 0.8 <= on_time / len(due) < 1


def test_sales_are_suitable_and_meet_the_products_minimum(bank):
    levels = {c["client_id"]: c["risk_level"] for c in bank.rows["clients"]}
    products = {p["product_code"]: p for p in bank.rows["products"]}
    for sale in _sales(bank):
        product = products[sale["product_code"]]
        if product["asset_class"] in RISK_CLASSES:
            assert product_risk(product["risk_level"]) <= int(levels[sale["client_id"]][1]), sale
        assert sale["amount"] >= (product["min_amount"] or 0), sale
