"""AUM as DOMAIN §1 defines it, set-based over the change-point positions table.

A position's balance on day d is that of its latest stored point dated on or before d (carry
forward); only the configured asset classes count, a negative balance counts 0, and so does a
matured position (`vipcrm.core.aum`: its effective maturity, the point's own else its
product's, is on or before d and the point is dated on or before it).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence


def _class_filter(classes: Sequence[str]) -> tuple[str, list[str]]:
    return f"asset_class IN ({', '.join('?' * len(classes))})", list(classes)


def maturity_sql(row: str) -> str:
    """SQL: the effective maturity of a position row, its own else its product's. `row`
    qualifies the columns (an unqualified product_code would be the products table's own)."""
    return (f"COALESCE({row}maturity_date, (SELECT pr.maturity_date FROM products pr "
            f"WHERE pr.product_code = {row}product_code))")


def live_sql(as_of: str, maturity: str, day: str) -> str:
    """SQL: the point dated `as_of` with effective maturity `maturity` has not matured by `day`
    (core.aum.matured); true without a maturity."""
    return f"NOT COALESCE({as_of} <= {maturity} AND {maturity} <= {day}, 0)"


def aum_on_sql(classes: Sequence[str], day: dt.date) -> tuple[str, list[str]]:
    """SQL and its parameters giving (client_id, aum_fen) on `day`.

    Clients without any counted position are absent.
    """
    class_sql, params = _class_filter(classes)
    # With a single MAX() aggregate, SQLite takes the bare columns from the row holding the
    # maximum: each position's latest point on or before the date, in one streaming pass in
    # primary-key order (`+as_of` keeps the planner off the as_of index, which would need a sort).
    # The maturity is looked up once per position, outside that pass.
    sql = f"""
        SELECT client_id,
               SUM(CASE WHEN {live_sql("as_of", "m", "?")} THEN MAX(balance, 0) ELSE 0 END) AS aum
        FROM (
            SELECT client_id, as_of, balance, {maturity_sql("x.")} AS m FROM (
                SELECT client_id, product_code, MAX(as_of) AS as_of, balance, asset_class,
                       maturity_date
                FROM positions WHERE +as_of <= ?
                GROUP BY client_id, product_code
            ) x WHERE {class_sql}
        )
        GROUP BY client_id
    """
    iso = day.isoformat()
    return sql, [iso, iso, *params]


def aum_on(conn, day: dt.date, classes: Sequence[str]) -> dict[str, int]:
    """Every client's AUM in fen on `day` (clients with no counted position are absent)."""
    return dict(conn.execute(*aum_on_sql(classes, day)))


def client_aum_on(conn, client_id: str, day: dt.date, classes: Sequence[str]) -> int:
    class_sql, params = _class_filter(classes)
    row = conn.execute(
        f"""
        SELECT COALESCE(SUM(MAX(balance, 0)), 0) FROM positions p
        WHERE client_id = ? AND as_of = (
            SELECT MAX(as_of) FROM positions x
            WHERE x.client_id = p.client_id AND x.product_code = p.product_code AND x.as_of <= ?)
          AND {class_sql} AND {live_sql("as_of", maturity_sql("p."), "?")}
        """,
        [client_id, day.isoformat(), *params, day.isoformat()],
    ).fetchone()
    return row[0]


def holdings_on(conn, client_ids: Iterable[str], day: dt.date) -> list[tuple]:
    """(client_id, product_code, balance, asset_class, maturity_date) held on `day`, balance > 0
    and not matured; maturity_date is the effective one."""
    ids = list(client_ids)
    if not ids:
        return []
    return conn.execute(
        f"""
        SELECT client_id, product_code, balance, asset_class, m FROM (
            SELECT client_id, product_code, as_of, balance, asset_class,
                   {maturity_sql("p.")} AS m FROM positions p
            WHERE client_id IN ({', '.join('?' * len(ids))}) AND as_of = (
                SELECT MAX(as_of) FROM positions x
                WHERE x.client_id = p.client_id AND x.product_code = p.product_code
                  AND x.as_of <= ?)
              AND balance > 0
        ) WHERE {live_sql("as_of", "m", "?")}
        ORDER BY client_id, product_code
        """,
        [*ids, day.isoformat(), day.isoformat()],
    ).fetchall()
