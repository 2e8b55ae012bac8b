"""Convert the Berka / PKDD'99 Czech bank data set into vipcrm import files.

Usage: python examples/berka_to_csv.py BERKA_DIR OUT_DIR

BERKA_DIR holds the original `.asc` files (semicolon-separated, quoted strings, CRLF). Each
district becomes a branch, coded `D01` … `D77` from its district_id. One function per vipcrm
kind reads the Berka files and yields that kind's rows; `main` writes each to OUT_DIR/<kind>.csv,
ready for `vipcrm import <kind> OUT_DIR/<kind>.csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path
from typing import Iterator


def read_asc(path: Path) -> Iterator[dict[str, str]]:
    with open(path, newline="", encoding="ascii") as handle:
        yield from csv.DictReader(handle, delimiter=";")


def branch_code(district_id: str) -> str:
    return f"D{int(district_id):02d}"


def decode_birth_number(birth_number: str) -> tuple[str, str]:
    """`YYMMDD` for men, `YY(MM+50)DD` for women, all in the 1900s -> (gender, ISO date)."""
    year, month, day = int(birth_number[:2]), int(birth_number[2:4]), int(birth_number[4:6])
    gender = "F" if month > 50 else "M"
    if gender == "F":
        month -= 50
    return gender, dt.date(1900 + year, month, day).isoformat()


def districts(berka: Path) -> dict[str, str]:
    """district_id -> "name, region" (district.asc: A1 id, A2 name, A3 region)."""
    return {row["A1"]: f"{row['A2']}, {row['A3']}" for row in read_asc(berka / "district.asc")}


CLIENT_COLUMNS = ["client_id", "name", "gender", "birth_date", "home_branch", "address"]


def clients(berka: Path) -> Iterator[list[str]]:
    """client.asc: the client's district (its address) is its home branch."""
    places = districts(berka)
    for row in read_asc(berka / "client.asc"):
        gender, birth_date = decode_birth_number(row["birth_number"])
        yield [row["client_id"], f"Client {row['client_id']}", gender, birth_date,
               branch_code(row["district_id"]), places.get(row["district_id"], "")]


# kind -> (header, rows); written in this order, which is vipcrm's import order.
KINDS = {
    "clients": (CLIENT_COLUMNS, clients),
}


def write_kind(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    berka, out = Path(argv[0]), Path(argv[1])
    if not (berka / "client.asc").is_file():
        print(f"{berka}: no client.asc here; give the folder of the Berka .asc files",
              file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for kind, (header, rows) in KINDS.items():
        count = write_kind(out / f"{kind}.csv", header, rows(berka))
        print(f"{kind}: {count} row(s) -> {out / f'{kind}.csv'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
