"""The Berka (PKDD'99) clients, converted by examples/berka_to_csv.py, load whole into vipcrm."""

from __future__ import annotations

import subprocess
import sys

from conftest import BERKA, EXAMPLES, requires_berka


@requires_berka()
def test_berka_clients_convert_and_import(cli, sql, tmp_path):
    out = tmp_path / "berka"
    converted = subprocess.run(
        [sys.executable, str(EXAMPLES / "berka_to_csv.py"), str(BERKA), str(out)],
        capture_output=True, text=True)
    assert converted.returncode == 0, converted.stderr
    assert "clients: 5369 row(s)" in converted.stderr

    result = cli("import", "clients", out / "clients.csv")

    assert result.exit_code == 0, result.stderr
    assert "read=5369 inserted=5369 updated=0 unchanged=0 rejected=0" in result.stderr
    assert sql("SELECT gender, COUNT(*) FROM clients GROUP BY gender ORDER BY gender") == [
        ("F", 2645), ("M", 2724)]
    assert sql("SELECT MIN(substr(birth_date, 1, 4)), MAX(substr(birth_date, 1, 4)) "
               "FROM clients") == [("1911", "1987")]
    assert sql("SELECT COUNT(DISTINCT home_branch) FROM clients") == [(77,)]
    rows = sql("SELECT client_id, name, gender, birth_date, home_branch, address FROM clients "
               "WHERE client_id IN ('1', '2', '3') ORDER BY client_id")
    assert rows == [
        ("1", "Client 1", "F", "1970-12-13", "D18", "Pisek, south Bohemia"),   # "706213"
        ("2", "Client 2", "M", "1945-02-04", "D01", "Hl.m. Praha, Prague"),    # "450204"
        ("3", "Client 3", "F", "1940-10-09", "D01", "Hl.m. Praha, Prague"),    # "406009"
    ]


def test_birth_numbers_decode_gender_and_date():
    sys.path.insert(0, str(EXAMPLES))
    try:
        from berka_to_csv import branch_code, decode_birth_number
    finally:
        sys.path.remove(str(EXAMPLES))
    assert decode_birth_number("706213") == ("F", "1970-12-13")
    assert decode_birth_number("450204") == ("M", "1945-02-04")
    assert decode_birth_number("115101") == ("F", "1911-01-01")
    assert decode_birth_number("871231") == ("M", "1987-12-31")
    assert [branch_code("1"), branch_code("77")] == ["D01", "D77"]


def test_converter_refuses_a_folder_without_berka_files(tmp_path):
    result = subprocess.run([sys.executable, str(EXAMPLES / "berka_to_csv.py"), str(tmp_path),
                             str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "no client.asc" in result.stderr
