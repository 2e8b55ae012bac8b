"""The bare baseline an import is measured against: the least work that loads a CSV into SQLite.

    python benchmarks/baseline_import.py DB TABLE FILE

`csv.reader` feeds `executemany` of the cells as they are (no parsing, no checks) into TABLE of
a database opened with `vipcrm.store.db.open_db` (same schema, indexes, foreign keys and
pragmas), in one transaction. The header names the columns. Prints the number of rows loaded.
"""

from __future__ import annotations

import csv
import sys

from vipcrm.store.db import open_db


def load(db_path: str, table: str, file: str) -> int:
    conn = open_db(db_path).conn
    with open(file, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        insert = (f"INSERT INTO {table} ({', '.join(header)}) "
                  f"VALUES ({', '.join('?' * len(header))})")
        conn.execute("BEGIN IMMEDIATE")
        count = conn.executemany(insert, reader).rowcount
        conn.execute("COMMIT")
    conn.close()
    return count


if __name__ == "__main__":
    print(load(*sys.argv[1:4]))
