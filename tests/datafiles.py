"""Writing import files and reading back whole databases, for the import/export tests."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a database through SQLite's backup API (its write-ahead log included, even
    while another connection holds it open), owner-only as vipcrm creates its files."""
    old, new = sqlite3.connect(source), sqlite3.connect(target)
    try:
        old.backup(new)
    finally:
        old.close()
        new.close()
    target.chmod(0o600)
    return target


def write_csv(path: Path, rows, *, encoding: str = "utf-8", delimiter: str = ",",
              newline: str = "\n") -> Path:
    """Write rows (the header first) as real bytes in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def contents(db_path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, so two databases (or one before and after) compare whole."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        conn.close()


def summary(result) -> dict:
    """The counts an import printed with --format json."""
    return json.loads(result.stdout)[0]


# One small valid file per kind, every column filled somewhere, in dependency order.
SAMPLES: dict[str, list[list[str]]] = {
    "calendar": [
        ["date", "type", "name"],
        ["2027-01-01", "holiday", "New Year's Day"],
        ["2027-02-20", "workday", ""],
    ],
    "rms": [
        ["rm_id", "name", "branch", "grade", "exam_passed", "active", "supervisor_id", "hired_on",
         "daily_capacity"],
        ["RM001", "Wang Fang", "BJ01", "senior", "true", "true", "", "2012-03-01", ""],
        ["RM002", "Li Na", "BJ01", "l2", "false", "true", "RM001", "2018-07-15", "10"],
    ],
    "products": [
        ["product_code", "name", "asset_class", "risk_level", "launch_date", "maturity_date",
         "status", "min_amount"],
        ["DEP-CUR", "Current deposit", "deposit", "R1", "", "", "on_sale", "0"],
        ["WM-90D", "90-day plan", "wealth", "R2", "2026-09-01", "2026-12-05", "closed",
         "50,000.00"],
        ["FUND-EQ1", "=Equity fund", "fund", "R4", "2025-01-10", "", "", "1000.05"],
    ],
    "clients": [
        ["client_id", "name", "segment", "gender", "birth_date", "wedding_date", "phone", "email",
         "id_number", "id_expiry", "home_branch", "risk_level", "risk_assessed_on", "occupation",
         "marital_status", "family", "hobbies", "product_preferences", "wealth_source",
         "preferred_channel", "address", "contact_consent", "opened_on", "closed_on",
         "pref_protection", "pref_term_months", "pref_yield_band"],
        ["C0001", "Zhao Lei", "retail", "M", "1968-02-29", "1995-12-02", "13800001234",
         "zhao@example.cn", "110101196802291234", "2027-01-15", "BJ01", "C4", "2026-01-10",
         "Entrepreneur", "married", "two children", "golf", "wealth", "business", "visit",
         "1 Chang'an Ave, Beijing", "all", "2010-05-01", "", "floating", "36", "3-5%"],
        ["C0002", "钱梅", "retail", "F", "1975-12-01", "", "+8613900005678", "", "31010119751201567X",
         "2030-06-30", "SH01", "C3", "2025-12-20", "@doctor", "", "", "", "", "", "", "",
         "service_only", "2015-03-12", "2026-01-31", "保本", "", "<3%"],
        ["C0004", "Northwind Trading", "corporate", "", "", "", "", "", "", "", "BJ01", "", "",
         "", "", "", "", "", "", "", "", "none", "2012-01-01", "", "", "", ""],
    ],
    "households": [
        ["household_id", "client_id", "role"],
        ["H0001", "C0001", "head"],
        ["H0001", "C0002", "配偶"],
    ],
    "positions": [
        ["client_id", "product_code", "as_of", "balance", "asset_class", "maturity_date"],
        ["C0001", "DEP-CUR", "2026-11-27", "3,500,000.00", "", ""],
        ["C0001", "WM-90D", "2026-11-27", "8000000", "", "2026-12-05"],
        ["C0002", "LOAN-MTG", "2026-11-27", "-1200000.10", "loan", ""],
    ],
    "navs": [
        ["product_code", "date", "nav"],
        ["FUND-EQ1", "2026-11-20", "1.2543"],
        ["FUND-EQ1", "2026-11-25", "0.987654"],
    ],
    "transactions": [
        ["txn_id", "client_id", "date", "branch", "amount", "channel", "type"],
        ["T0001", "C0001", "2026-10-02", "BJ01", "5000.00", "counter", ""],
        ["T0002", "C0002", "2026-10-15", "SH01", "-12.30", "", "跨行转出"],
    ],
    "followups": [
        ["followup_id", "client_id", "rm_id", "date", "channel", "minutes", "outcome", "stage",
         "note", "product_code", "amount", "satisfaction", "next_date", "joint_rm_id",
         "visit_level"],
        ["F0001", "C0001", "RM001", "2026-10-20", "visit", "60", "reached", "assess",
         "-wants a 1-year plan, \"safe\"\nsecond line", "WM-90D", "200,000.00", "5",
         "2026-12-01", "RM002", "business"],
        ["F0002", "C0002", "RM002", "2026-11-05", "phone", "", "", "", "", "", "", "", "", "", ""],
    ],
    "timesheets": [
        ["rm_id", "date", "category", "minutes"],
        ["RM001", "2026-11-27", "vip", "300"],
        ["RM002", "2026-11-27", "admin", "120"],
    ],
    "corporates": [
        ["client_id", "review_year", "contract_volume", "unit_price", "revenue", "collection_rate",
         "profit", "quality_loss", "industry_influence", "credit_rating"],
        ["C0004", "2026", "50,000,000.00", "1200.00", "18,000,000.00", "0.93", "2,500,000.00",
         "30000", "4", "AA"],
    ],
    "contacts_corp": [
        ["client_id", "name", "role", "decision_maker", "phone", "birth_date", "note"],
        ["C0004", "Chen Hua", "chairman", "yes", "13700001111", "1964-02-29", "=likes tea"],
        ["C0004", "Liu Yang", "finance manager", "", "", "", ""],
    ],
    "corporate_plans": [
        ["client_id", "year", "wallet_total", "our_amount", "products", "plan", "owner"],
        ["C0004", "2026", "80,000,000.00", "20,000,000.50", "payroll; cash management",
         "become the main settlement bank", "RM001"],
        ["C0004", "2025", "", "", "", "", ""],
    ],
}


def load_samples(cli, folder: Path, upto: str | None = None) -> None:
    """Import the sample of every kind (or of every kind before `upto`) through the CLI."""
    for kind, rows in SAMPLES.items():
        if kind == upto:
            return
        result = cli("import", kind, write_csv(folder / f"{kind}.csv", rows))
        assert result.exit_code == 0, result.stderr


def query(db_path: Path, statement: str, params=()) -> list[tuple]:
    """One statement against a database file, outside the command under test (committed, so
    it can also prepare data)."""
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()
