"""`vipcrm config`: every key of CLI.md with its default; set and load, refused whole when wrong."""

from __future__ import annotations

import json

import pytest

from datafiles import contents
from vipcrm.core.config import KEYS, PROFILE_FIELDS, ConfigError, parse_value

TIERS = ("black_gold", "diamond", "premier_platinum", "platinum", "premier_gold", "gold")

# CLI.md "Configuration keys", with DOMAIN.md's tables for the per-reason and per-factor rows.
EXPECTED = {
    **{f"tiers.{t}.floor": str(v) for t, v in zip(
        TIERS, (10000000, 5000000, 3000000, 1000000, 500000, 200000))},
    **{f"tiers.{t}.cadence_days": str(v) for t, v in zip(TIERS, (30, 45, 60, 90, 120, 180))},
    **{f"tiers.{t}.grace_days": str(v) for t, v in zip(TIERS, (180, 90, 90, 90, 90, 90))},
    "tiering.basis": "daily_avg",
    "tiering.window_days": "30",
    "tiering.household": "off",
    "aum.asset_classes": "deposit,wealth,fund,insurance,bond,metal,custody",
    **{f"grades.{g}.capacity": str(v) for g, v in zip(
        ("senior", "l1", "l2", "l3", "l4", "trainee"), (50, 80, 120, 150, 200, 100))},
    "ownership.window_days": "365",
    "plan.daily_capacity": "12",
    **{f"plan.maturity_lead.{cls}": "14" if cls == "wealth" else "7" for cls in (
        "deposit", "wealth", "fund", "insurance", "bond", "metal", "custody", "loan", "credit")},
    "plan.retention_days": "7",
    "suitability.cooling_off_hours": "24",
    "plan.nav_drop_pct": "5",
    "plan.outflow_pct": "30",
    "suitability.valid_days": "365",
    "suitability.elderly_age": "65",
    "corporate.big_client_score": "60",
    "kpi.vip_time_target_pct": "70",
    "profile.target_pct": "80",
    "assign.include_untiered": "false",
    **{f"plan.expiry_days.{reason}": str(days) for reason, days in {
        "risk_expiry": -1, "id_expiry": -1, "maturity": 7, "nav_drop": 14, "aum_outflow": 30,
        "followup_due": 30, "corporate_visit": 0, "birthday": 3, "anniversary": 3, "holiday": 3,
        "period_end": 5, "cadence": -1, "new_product": 14, "contact_birthday": 3,
        "campaign": 0, "retention": 30}.items()},
    "kpi.weights.results": "50",
    "kpi.weights.process": "20",
    "kpi.weights.teamwork": "15",
    "kpi.weights.feedback": "15",
    "kpi.review.promote_pct": "20",
    "kpi.review.demote_pct": "10",
    **{f"corporate.weights.{factor}": str(weight) for factor, weight in {
        "contract_volume": 20, "unit_price": 10, "revenue": 20, "collection_rate": 15,
        "profit": 15, "quality_loss": 5, "industry_influence": 10, "credit_rating": 5}.items()},
    "corporate.visits.leadership": "1",
    "corporate.visits.technical": "2",
    "corporate.visits.business": "4",
    # Issue 14: a sales strategy per big client (seed §3.4).
    **{f"corporate.strategy.{name}": str(value) for name, value in {
        "volume_score": 70, "collection_pct": 95, "price_score": 70, "stable_years": 2,
        "invest_score": 80, "invest_max_quality_loss": 0, "commission_a_score": 80,
        "commission_b_score": 70, "invest_visits.leadership": 2, "invest_visits.technical": 4,
        "invest_visits.business": 8}.items()},
    "data.stale_after_days": "1",
    # The fair-KPI issue's limit on backdated contacts (not in CLI.md's table).
    "followup.max_backdate_days": "7",
    "import.positions_full_snapshot": "true",
    # Campaigns and the attrition warning (issue 14).
    "campaign.daily_per_rm": "5",
    "campaign.idle_cash": "100000",
    "campaign.weights.preference": "40",
    "campaign.weights.idle_cash": "30",
    "campaign.weights.maturing": "30",
    "attrition.trend_pct": "20",
    "attrition.outflow_pct": "30",
    "attrition.task_score": "60",
    "attrition.weights.trend": "40",
    "attrition.weights.outflow": "30",
    "attrition.weights.contact": "15",
    "attrition.weights.maturity": "15",
    # The Excel issue's encoding of the nightly's CSV plan files.
    "outbox.encoding": "utf-8-sig",
}


def show(cli) -> dict[str, dict]:
    result = cli("config", "show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {record["key"]: record for record in json.loads(result.stdout)}


def test_show_lists_every_key_with_its_default(cli, blank_db):
    records = show(cli)

    weights = {k: r for k, r in records.items() if k.startswith("profile.weights.")}
    others = {k: r["default"] for k, r in records.items() if k not in weights}
    assert others == EXPECTED
    assert sorted(weights) == sorted(f"profile.weights.{f}" for f in PROFILE_FIELDS)
    assert sum(int(r["default"]) for r in weights.values()) == 100
    assert all(r["value"] == r["default"] for r in records.values())
    assert all(r["domain"].startswith("§") and r["meaning"] for r in records.values())


def test_show_as_a_table_and_csv(cli, blank_db):
    table = cli("config", "show")
    as_csv = cli("config", "show", "--format", "csv")
    assert table.exit_code == 0 and as_csv.exit_code == 0
    assert "plan.daily_capacity" in table.stdout and "default" in table.stdout
    lines = as_csv.stdout.splitlines()
    assert lines[0] == "key,value,default,domain,meaning"
    assert len(lines) == 1 + len(EXPECTED) + len(PROFILE_FIELDS)


@pytest.mark.parametrize("key, value, shown", [
    ("plan.daily_capacity", "15", "15"),
    ("tiers.gold.floor", "250_000", "250000"),
    ("tiering.basis", "point", "point"),
    ("tiering.household", "on", "on"),
    ("assign.include_untiered", "yes", "true"),
    ("aum.asset_classes", "deposit, fund", "deposit,fund"),
    ("plan.expiry_days.birthday", "-1", "-1"),
    ("plan.nav_drop_pct", "100", "100"),
    ("data.stale_after_days", "0", "0"),
    ("import.positions_full_snapshot", "no", "false"),
])
def test_set_changes_one_key(cli, sql, key, value, shown):
    result = cli("config", "set", key, value, env={"VIPCRM_USER": "manager"})

    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == f"{key} = {shown}"
    records = show(cli)
    assert records[key]["value"] == shown
    assert records[key]["default"] == EXPECTED[key]
    assert sum(r["value"] != r["default"] for r in records.values()) == 1
    assert sql("SELECT key, value, changed_by FROM settings") == [(key, shown, "manager")]
    assert sql("SELECT user, command FROM audit_log") == [("manager", f"config set {key}")]


def test_set_an_unknown_key_lists_the_valid_keys(cli, blank_db, db_path):
    before = contents(db_path)

    result = cli("config", "set", "plan.capacity", "15")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown key 'plan.capacity'; valid keys: ")
    assert all(key in result.stderr for key in EXPECTED)
    assert contents(db_path) == before


@pytest.mark.parametrize("key, value, message", [
    ("plan.daily_capacity", "abc", "expected a whole number"),
    ("plan.daily_capacity", "0", "expected a whole number 1 to 1000, got 0"),
    ("plan.daily_capacity", "1001", "expected a whole number 1 to 1000, got 1001"),
    ("suitability.valid_days", "99999999999", "expected a whole number 1 to 3650"),
    ("tiers.gold.cadence_days", "9" * 5000, "expected a whole number 1 to 3650"),
    ("plan.daily_capacity", "12.5", "expected a whole number"),
    ("tiers.gold.floor", "-5", "expected a whole number 0 to 1000000000000"),
    ("plan.nav_drop_pct", "101", "expected a whole number 1 to 100"),
    ("tiering.basis", "weekly", "expected one of daily_avg, point"),
    ("tiering.household", "yes", "expected one of off, on"),
    ("assign.include_untiered", "perhaps", "expected true or false"),
    ("import.positions_full_snapshot", "sometimes", "expected true or false"),
    ("aum.asset_classes", "deposit,gold", "expected a comma-separated list"),
    ("aum.asset_classes", " ", "expected a comma-separated list"),
    ("plan.expiry_days.birthday", "-2", "expected a whole number -1 to 3650"),
])
def test_set_a_bad_value_is_refused(cli, blank_db, db_path, key, value, message):
    before = contents(db_path)

    result = cli("config", "set", key, value)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {key}: {message}")
    assert contents(db_path) == before


def test_set_needs_a_key_and_a_value(cli):
    assert cli("config", "set", "plan.daily_capacity").exit_code == 2


def test_load_applies_dotted_and_nested_keys(cli, sql, tmp_path):
    path = tmp_path / "bank.toml"
    path.write_text(
        '"plan.daily_capacity" = 15\n'
        'aum.asset_classes = ["deposit", "wealth"]\n'
        '[tiers.gold]\n'
        'floor = 250000\n'
        'cadence_days = 150\n'
        '[plan.expiry_days]\n'
        'birthday = 5\n'
        '[assign]\n'
        'include_untiered = true\n', encoding="utf-8")

    result = cli("config", "load", path)

    assert result.exit_code == 0, result.stderr
    assert "6 setting(s) applied from bank.toml" in result.stderr
    values = {k: r["value"] for k, r in show(cli).items() if r["value"] != r["default"]}
    assert values == {"plan.daily_capacity": "15", "aum.asset_classes": "deposit,wealth",
                      "tiers.gold.floor": "250000", "tiers.gold.cadence_days": "150",
                      "plan.expiry_days.birthday": "5", "assign.include_untiered": "true"}
    assert sql("SELECT command FROM audit_log") == [("config load bank.toml",)]


@pytest.mark.parametrize("text, message", [
    ('[plan]\ndaily_capacity = 15\nnav_drop_pct = 150\n', "plan.nav_drop_pct: expected a whole number 1 to 100"),
    ('[plan]\ndaily_capacity = 15\ncapacity = 3\n', "unknown key 'plan.capacity'"),
    ('[plan]\ndaily_capacity = 15.5\n', "plan.daily_capacity: expected a whole number"),
    ('[plan]\ndaily_capacity = true\n', "plan.daily_capacity: expected a whole number"),
    ('[plan]\ndaily_capacity = 15\n[tiers]\ngold = 3\n', "unknown key 'tiers.gold'"),
    ('"plan.daily_capacity" = 14\n[plan]\ndaily_capacity = 15\n', "plan.daily_capacity is given twice"),
    ('[plan\ndaily_capacity = 15\n', "not valid TOML"),
    ('# nothing here\n', "no settings found"),
])
def test_load_is_all_or_nothing(cli, db_path, tmp_path, text, message):
    cli("config", "set", "plan.maturity_lead.wealth", "9")
    before = contents(db_path)
    path = tmp_path / "bank.toml"
    path.write_text(text, encoding="utf-8")

    result = cli("config", "load", path)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert contents(db_path) == before


def test_load_a_missing_file_is_refused(cli, tmp_path):
    result = cli("config", "load", tmp_path / "none.toml")
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_settings_live_in_the_database_file(cli, tmp_path):
    other = tmp_path / "other.db"
    cli("config", "set", "plan.daily_capacity", "20")
    assert show(cli)["plan.daily_capacity"]["value"] == "20"
    assert cli("--db", other, "config", "set", "plan.nav_drop_pct", "6").exit_code == 0
    result = cli("--db", other, "config", "show", "--format", "json")
    values = {r["key"]: r["value"] for r in json.loads(result.stdout)}
    assert values["plan.daily_capacity"] == "12"


NUMBER_KEYS = [(name, key.parse.bounds) for name, key in KEYS.items()
               if hasattr(key.parse, "bounds")]


@pytest.mark.parametrize("name, bounds", NUMBER_KEYS, ids=[n for n, _ in NUMBER_KEYS])
def test_every_number_key_takes_its_ends_and_refuses_past_them(name, bounds):
    low, high = bounds
    assert parse_value(name, str(low)) == low
    assert parse_value(name, str(high)) == high
    for outside in (low - 1, high + 1):
        with pytest.raises(ConfigError, match=f"expected a whole number {low} to {high}"):
            parse_value(name, str(outside))


def test_every_number_key_is_bounded():
    unbounded = [name for name, key in KEYS.items()
                 if isinstance(key.default, int) and not isinstance(key.default, bool)
                 and not hasattr(key.parse, "bounds")]
    assert unbounded == []


@pytest.mark.parametrize("end", ["low", "high"])
def test_the_commands_run_with_every_number_key_at_one_end(cli, tmp_path, end):
    """Every key at its lowest (zero weights, one-day windows) or highest (ten-year spans):
    nothing crashes, whatever the rules make of it."""
    assert cli("--today", "2026-11-27", "demo", "--clients", "50").exit_code == 0
    settings = {name: bounds[0] if end == "low" else bounds[1] for name, bounds in NUMBER_KEYS}
    toml = tmp_path / "extreme.toml"
    toml.write_text("".join(f'"{name}" = {value}\n' for name, value in settings.items()))
    assert cli("config", "load", toml).exit_code == 0
    day = ["--today", "2026-11-27"]
    for command in (["tier", "--recompute"], ["assign"], ["plan", "today"],
                    ["plan", "week", "--format", "json"], ["report", "kpi"],
                    ["report", "review"], ["report", "coverage"], ["report", "completeness"],
                    ["report", "timeshare"], ["report", "compliance"], ["report", "maturities"],
                    ["tier", "corporate"], ["client", "show", "C000001"],
                    ["nightly", "--outbox", tmp_path / "plans"]):
        result = cli(*day, *command)
        assert result.exit_code in (0, 1, 3), (command, result.stderr)


# -- one maturity lead per asset class (issue point 7) ----------------------------------------

def test_the_old_maturity_lead_key_says_what_replaced_it(cli, blank_db, db_path, tmp_path):
    before = contents(db_path)
    result = cli("config", "set", "plan.maturity_lead_days", "9")
    assert result.exit_code == 1
    assert result.stderr == ("Error: plan.maturity_lead_days was replaced by one key per asset "
                             "class, plan.maturity_lead.<class> (e.g. plan.maturity_lead.wealth); "
                             "set those instead\n")
    assert contents(db_path) == before


def test_maturity_leads_load_from_a_toml_table(cli, tmp_path):
    path = tmp_path / "bank.toml"
    path.write_text('[plan.maturity_lead]\nwealth = 21\nbond = 10\n', encoding="utf-8")
    assert cli("config", "load", path).exit_code == 0
    records = show(cli)
    assert (records["plan.maturity_lead.wealth"]["value"],
            records["plan.maturity_lead.bond"]["value"],
            records["plan.maturity_lead.fund"]["value"]) == ("21", "10", "7")


def test_a_stored_maturity_lead_becomes_the_lead_of_every_class_not_set(cli, db_path):
    import sqlite3

    from vipcrm.store.db import open_db

    open_db(db_path).conn.close()
    conn = sqlite3.connect(db_path)
    # A database of the previous version: the single key set, one class set since.
    conn.executemany("INSERT INTO settings VALUES (?, ?, '2026-01-01T00:00:00+00:00', 'ops')",
                     [("plan.maturity_lead_days", "9"), ("plan.maturity_lead.bond", "30")])
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_maturity_lead_per_class'")
    conn.commit()
    conn.close()
    values = {k: r["value"] for k, r in show(cli).items() if k.startswith("plan.maturity_lead")}
    assert values == {f"plan.maturity_lead.{cls}": "30" if cls == "bond" else "9" for cls in (
        "deposit", "wealth", "fund", "insurance", "bond", "metal", "custody", "loan", "credit")}
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM settings WHERE key = 'plan.maturity_lead_days'"
                        ).fetchone() == (0,)
    assert conn.execute("SELECT changed_by FROM settings WHERE key = 'plan.maturity_lead.wealth'"
                        ).fetchone() == ("ops",)
    conn.close()
