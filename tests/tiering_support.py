"""Helpers for the tiering tests: a small bank through the real import, and Berka's balances as
position snapshots."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

CLIENT_HEADER = ("client_id", "name", "segment", "home_branch", "closed_on")
POSITION_HEADER = ("client_id", "product_code", "as_of", "balance", "asset_class")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def client(client_id: str, segment: str = "retail", branch: str = "BJ01",
           closed_on: str = "") -> tuple:
    return (client_id, f"Client {client_id}", segment, branch, closed_on)


def load_bank(cli, folder: Path, clients: Sequence[tuple], positions: Sequence[tuple],
              config: dict | None = None) -> None:
    """Import clients and positions (client, product, date, balance in fen, class) and apply
    the configuration; every step must succeed."""
    for key, value in (config or {}).items():
        assert cli("config", "set", key, value).exit_code == 0
    write_csv(folder / "clients.csv", CLIENT_HEADER, clients)
    result = cli("import", "clients", folder / "clients.csv")
    assert result.exit_code == 0, result.stderr
    if positions:
        rows = [(c, p, str(d), yuan(b), cls) for c, p, d, b, cls in positions]
        write_csv(folder / "positions.csv", POSITION_HEADER, rows)
        result = cli("import", "positions", folder / "positions.csv")
        assert result.exit_code == 0, result.stderr


# --- Berka -----------------------------------------------------------------------------------

BERKA_TRANS = "trans_PARTIAL_first3MiB.asc"


def berka_date(text: str) -> dt.date:
    return dt.date(1900 + int(text[:2]), int(text[2:4]), int(text[4:6]))


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="ascii") as handle:
        lines = handle.read().split("\r\n")
    return list(csv.reader((line for line in lines[1:] if line), delimiter=";"))


def berka_snapshots(folder: Path) -> tuple[dict[str, str], list[tuple[str, str, dt.date, int]]]:
    """Account owners and end-of-day balances from Berka's transactions.

    Returns ({account_id: owner client_id}, [(client_id, account_id, date, balance_fen)]): one
    snapshot per account and day with a transaction, the balance after that day's last
    transaction in file order. The partial transactions file ends with a cut-off row, which is
    dropped.
    """
    owners = {row[2]: row[1] for row in _rows(folder / "disp.asc") if row[3] == "OWNER"}
    lines = (folder / BERKA_TRANS).read_bytes().decode("ascii").split("\r\n")
    # A complete row ends with CRLF: the last piece is empty or the cut-off row.
    end_of_day: dict[tuple[str, str], str] = {}
    for row in csv.reader(lines[1:-1], delimiter=";"):
        end_of_day[(row[1], row[2])] = row[6]
    snapshots = [(owners[account], account, berka_date(day), int(Decimal(balance) * 100))
                 for (account, day), balance in end_of_day.items()]
    return owners, snapshots


def berka_clients(folder: Path, client_ids: Iterable[str]) -> list[tuple]:
    districts = {row[0]: row[2] for row in _rows(folder / "client.asc")}
    return [(cid, f"Klient {cid}", "retail", f"D{districts[cid]}", "") for cid in sorted(set(client_ids))]


def recompute_on(db_path: Path, days: Iterable[dt.date]) -> None:
    """`tier --recompute` on each of `days` in turn, as the nightly runs it, in this process."""
    from vipcrm.core.tiering import TierRules
    from vipcrm.store.db import open_db
    from vipcrm.store.settings import load_config
    from vipcrm.store.tiering import recompute

    db = open_db(db_path)
    rules = TierRules.from_config(load_config(db))
    for day in days:
        recompute(db, day, rules, today=day, user="test")
    db.conn.close()
