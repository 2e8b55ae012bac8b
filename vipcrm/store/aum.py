"""AUM as DOMAIN §1 defines it, set-based over the change-point positions table.

A position's balance on day d is that of its latest stored point dated on or before d (carry
forward); only the configured asset classes count, and a negative balance counts 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence


def _class_filter(classes: Sequence[str]) -> tuple[str, list[str]]:
    return f"asset_class IN ({', '.join('?' * len(classes))})", list(classes)


def aum_on_sql(classes: Sequence[str]) -> tuple[str, list[str]]:
    """SQL (with its parameters after the date) giving (client_id, aum_fen) on the date `:d`.

    The date is the first parameter; clients without any counted position are absent.
    """
    class_sql, params = _class_filter(classes)
    # With a single MAX() aggregate, SQLite takes the bare columns from the row holding the
    # maximum: each position's latest point on or before the date, in one streaming pass in
    # primary-key order (`+as_of` keeps the planner off the as_of index, which would need a sort).
    sql = f"""
        SELECT client_id, SUM(MAX(balance, 0)) AS aum FROM (
            SELECT client_id, MAX(as_of) AS as_of, balance, asset_class
            FROM positions WHERE +as_of <= ?
            GROUP BY client_id, product_code
        ) WHERE {class_sql}
        GROUP BY client_id
    """
    return sql, params


def aum_on(conn, day: dt.date, classes: Sequence[str]) -> dict[str, int]:
    """Every client's AUM in fen on `day` (clients with no counted position are absent)."""
    sql, params = aum_on_sql(classes)
    return dict(conn.execute(sql, [day.isoformat(), *params]))


def client_aum_on(conn, client_id: str, day: dt.date, classes: Sequence[str]) -> int:
    class_sql, params = _class_filter(classes)
    row = conn.execute(
        f"""
        SELECT COALESCE(SUM(MAX(balance, 0)), 0) FROM positions p
        WHERE client_id = ? AND as_of = (
            SELECT MAX(as_of) FROM positions x
            WHERE x.client_id = p.client_id AND x.product_code = p.product_code AND x.as_of <= ?)
          AND {class_sql}
        """,
        [client_id, day.isoformat(), *params],
    ).fetchone()
    return row[0]


def holdings_on(conn, client_ids: Iterable[str], day: dt.date) -> list[tuple]:
    """(client_id, product_code, balance, asset_class, maturity_date) held on `day`, balance > 0."""
    ids = list(client_ids)
    if not ids:
        return []
    return conn.execute(
        f"""
        SELECT client_id, product_code, balance, asset_class, maturity_date FROM positions p
        WHERE client_id IN ({', '.join('?' * len(ids))}) AND as_of = (
            SELECT MAX(as_of) FROM positions x
            WHERE x.client_id = p.client_id AND x.product_code = p.product_code AND x.as_of <= ?)
          AND balance > 0
        ORDER BY client_id, product_code
        """,
        [*ids, day.isoformat()],
    ).fetchall()
