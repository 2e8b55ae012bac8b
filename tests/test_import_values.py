"""What an import reads from a core system's worst cells: each date column's range, null
stand-ins, long-term IDs, amounts past what a row may hold, numbers of thousands of digits,
full-width digits, lookalike ids, and reasons that never give a phone or ID number away
(docs/files.md "Values at their ends")."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from datafiles import contents, write_csv
from vipcrm.formats.kinds import DATE_RANGES, KINDS, TODAY
from vipcrm.formats.rows import converter
from vipcrm.formats.values import CLEARED, BadValue

DAY = dt.date(2026, 11, 27)
ENV = {"VIPCRM_TODAY": DAY.isoformat()}


def _parse(kind: str, column: str, text: str):
    kind_ = KINDS[kind]
    return converter(kind_.column(column), kind_, DAY)(text)


def _before(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def _after(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


# -- every date column's range, at both ends ------------------------------------------------

@pytest.mark.parametrize("kind, column", sorted(DATE_RANGES), ids="{0[0]}.{0[1]}".format)
def test_each_date_column_takes_its_range_and_refuses_a_day_outside_it(kind, column):
    low, high = DATE_RANGES[(kind, column)]
    high = DAY.isoformat() if high == TODAY else high
    # 1900-01-01 is a null stand-in: the first date a 1900 range reads as a date is the next.
    first = "1900-01-02" if low == "1900-01-01" else low
    assert _parse(kind, column, first) == first
    assert _parse(kind, column, high) == high
    for outside in (_before(low) if low != "1900-01-01" else "1899-12-29", _after(high)):
        with pytest.raises(BadValue, match=f"is outside {low} to {high}"):
            _parse(kind, column, outside)


def test_records_of_work_start_in_1990_and_life_events_lie_in_the_past():
    assert DATE_RANGES[("followups", "date")] == ("1990-01-01", TODAY)
    assert DATE_RANGES[("clients", "risk_assessed_on")] == ("1990-01-01", TODAY)
    assert DATE_RANGES[("clients", "birth_date")] == ("1900-01-01", TODAY)
    assert DATE_RANGES[("positions", "maturity_date")] == ("1900-01-01", "2100-12-31")
    assert {(k.name, c.name) for k in KINDS.values() for c in k.columns
            if c.type == "date"} == set(DATE_RANGES)


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01",
                                  "2999-12-31", "9999-12-31", "0000-00-00", "00000000",
                                  "9999/12/31", "0001-01-01 00:00:00", "19000101"])
def test_a_null_stand_in_reads_as_an_empty_cell_where_a_date_may_be_empty(text):
    assert _parse("clients", "birth_date", text) is None
    assert _parse("positions", "maturity_date", text) is None


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "0000-00-00"])
def test_a_null_stand_in_is_refused_where_a_date_is_required(text):
    with pytest.raises(BadValue, match="stands for no date; this column needs a real date"):
        _parse("positions", "as_of", text)


@pytest.mark.parametrize("text", ["长期", "长期有效", "永久", "9999-12-31", "2999-12-31",
                                  "９９９９－１２－３１", "9999/12/31", "99991231",
                                  "2999-12-31 00:00:00"])
def test_a_long_term_id_has_no_expiry(text):
    assert _parse("clients", "id_expiry", text) == CLEARED


def test_long_term_means_no_expiry_only_for_the_id():
    assert _parse("products", "maturity_date", "9999-12-31") is None
    with pytest.raises(BadValue):
        _parse("products", "maturity_date", "长期")


# -- numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fen", [
    ("10000000000000.00", 10**15), ("-10000000000000.00", -10**15),
    ("9,999,999,999,999.99", 10**15 - 1), ("000000000000000000000000001.00", 100),
    ("１，０００．５０", 100050), ("￥１２３", 12300), ("－５", -500),
])
def test_amounts_up_to_ten_trillion_yuan_a_row_are_read(text, fen):
    assert _parse("positions", "balance", text) == fen


@pytest.mark.parametrize("text", ["10000000000000.01", "-10000000000000.01", "9" * 14,
                                  "9" * 40, "9" * 5000, "1" + "0" * 4400 + ".00"])
def test_larger_amounts_and_numbers_of_thousands_of_digits_are_refused_with_a_reason(text):
    with pytest.raises(BadValue, match="is more than 10,000,000,000,000 CNY, the most one row "
                                       "may hold") as refused:
        _parse("positions", "balance", text)
    assert len(str(refused.value)) < 120  # the cell is not echoed


@pytest.mark.parametrize("kind, column", [("followups", "minutes"), ("rms", "daily_capacity"),
                                          ("clients", "pref_term_months"),
                                          ("navs", "nav"), ("corporates", "collection_rate")])
def test_counts_and_decimals_of_thousands_of_digits_are_refused_not_a_traceback(kind, column):
    for text in ("9" * 5000, "9" * 40):
        with pytest.raises(BadValue):
            _parse(kind, column, text)


def test_full_width_digits_are_read_and_other_scripts_digits_are_refused():
    assert _parse("positions", "as_of", "２０２６－１１－２０") == "2026-11-20"
    assert _parse("positions", "as_of", "２０２６年１１月２０日") == "2026-11-20"
    assert _parse("followups", "minutes", "３０") == 30
    assert _parse("navs", "nav", "１．２５") == 1_250_000
    for text in ("٢٠٢٦-١١-٢٠", "२०२६-११-२०"):  # Arabic-Indic and Devanagari digits
        with pytest.raises(BadValue, match="is not a date"):
            _parse("positions", "as_of", text)
    with pytest.raises(BadValue, match="is not an amount"):
        _parse("positions", "balance", "١٢٣")


# -- ids ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, stored", [("Ｃ０１", "C01"), ("C01", "C01"), (" Ｃ01 ", "C01")])
def test_an_id_is_read_in_its_nfkc_form(text, stored):
    assert _parse("clients", "client_id", text.strip()) == stored


@pytest.mark.parametrize("text, code", [("C\u200b01", "U+200B"), ("C01\u200d", "U+200D"),
                                        ("\ufeffC01", "U+FEFF"), ("C\x0701", "U+0007"),
                                        ("C\x8501", "U+0085"), ("C\u202e01", "U+202E")])
def test_an_id_holding_an_invisible_character_is_refused(text, code):
    with pytest.raises(BadValue) as refused:
        _parse("clients", "client_id", text)
    assert f"holds an invisible or control character ({code})" in str(refused.value)


# -- masked reasons -------------------------------------------------------------------------

@pytest.mark.parametrize("kind, column, text, shown", [
    ("clients", "birth_date", "13800001234", "'138****1234'"),
    ("clients", "risk_level", "110101196811291234", "'**************1234'"),
    ("positions", "balance", "tel 13800001234", "'tel 138****1234'"),
    ("clients", "birth_date", "20261301", "'20261301'"),  # a date's eight digits stay a date
])
def test_a_reason_masks_a_phone_or_id_number_it_quotes(kind, column, text, shown):
    with pytest.raises(BadValue) as refused:
        _parse(kind, column, text)
    assert str(refused.value).startswith(shown)


# -- through vipcrm import ------------------------------------------------------------------

CLIENT_HEADER = ["client_id", "name", "home_branch", "birth_date", "id_expiry",
                 "risk_assessed_on", "phone"]


def _import(cli, tmp_path, kind, rows, *extra):
    path = write_csv(tmp_path / f"{kind}.csv", rows)
    return cli("import", kind, path, "--rejects", tmp_path / f"{kind}.rejects.csv", *extra,
               env=ENV)


def _client(sql, client_id):
    return sql("SELECT birth_date, id_expiry, risk_assessed_on FROM clients WHERE client_id = ?",
               (client_id,))


def test_stand_ins_through_import_keep_what_is_known_and_long_term_clears_the_expiry(
        cli, sql, tmp_path):
    first = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER,
        ["C01", "Zhao Lei", "BJ01", "1968-11-29", "2027-01-15", "2025-12-10", ""],
        ["C02", "Qian Mei", "BJ01", "0001-01-01", "长期", "9999-12-31", ""],
    ])
    assert first.exit_code == 0, first.stderr
    assert _client(sql, "C02") == [(None, None, None)]
    again = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER,
        ["C01", "Zhao Lei", "BJ01", "1900-01-01", "9999-12-31", "0001-01-01", ""],
    ])
    assert again.exit_code == 0, again.stderr
    # The stand-ins keep the known dates; the long-term ID replaces the expiry, and the change
    # is recorded (it closes an ID-expiry task).
    assert _client(sql, "C01") == [("1968-11-29", None, "2025-12-10")]
    assert sql("SELECT field, old_value, new_value FROM client_data_changes") == [
        ("id_expiry", "2027-01-15", None)]


def test_a_long_term_id_clears_the_expiry_on_the_staged_path_with_blank_clears_too(
        cli, sql, tmp_path):
    _import(cli, tmp_path, "clients", [CLIENT_HEADER,
                                       ["C01", "Zhao Lei", "BJ01", "", "2027-01-15", "", ""]])
    result = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER, ["C01", "Zhao Lei", "BJ01", "", "长期有效", "", ""],
        ["C02", "Qian Mei", "BJ01", "", "长期", "", ""]], "--blank-clears")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT client_id, id_expiry FROM clients ORDER BY 1") == [("C01", None),
                                                                         ("C02", None)]


def test_rows_outside_the_ranges_are_rejected_and_the_rest_imported(cli, sql, tmp_path):
    result = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER,
        ["C01", "Zhao Lei", "BJ01", "2026-11-28", "", "", ""],
        ["C02", "Qian Mei", "BJ01", "", "", "1989-12-31", ""],
        ["C03", "Sun Hao", "BJ01", "1980-02-29", "2100-12-31", DAY.isoformat(), ""],
    ])
    assert result.exit_code == 3
    assert "line 2: birth_date: '2026-11-28' is outside 1900-01-01 to 2026-11-27" in result.stderr
    assert "line 3: risk_assessed_on: '1989-12-31' is outside 1990-01-01 to 2026-11-27" \
        in result.stderr
    assert sql("SELECT client_id FROM clients") == [("C03",)]


def test_a_lookalike_id_updates_the_client_it_looks_like_and_an_invisible_one_is_rejected(
        cli, sql, tmp_path):
    _import(cli, tmp_path, "clients", [CLIENT_HEADER, ["C01", "Zhao Lei", "BJ01", "", "", "", ""]])
    result = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER, ["Ｃ０１", "Zhao Lei", "ＢＪ０１", "1968-11-29", "", "", ""],
        ["C\u200b01", "Zhao Lei", "BJ01", "", "", "", ""]])
    assert result.exit_code == 3
    assert "line 3: client_id: holds an invisible or control character (U+200B)" in result.stderr
    assert sql("SELECT client_id, home_branch, birth_date FROM clients") == [
        ("C01", "BJ01", "1968-11-29")]
    # Typed on the command line, the lookalike finds the client; the invisible one is refused.
    assert cli("client", "show", "Ｃ０１", env=ENV).exit_code == 0
    refused = cli("client", "show", "C\u200b01", env=ENV)
    assert refused.exit_code == 2 and "(U+200B)" in refused.stderr


def test_no_reason_on_stderr_or_in_the_rejects_gives_a_number_away(cli, tmp_path):
    result = _import(cli, tmp_path, "clients", [
        CLIENT_HEADER, ["C01", "Zhao Lei", "BJ01", "13800001234", "110101196811291234", "", ""]])
    assert result.exit_code == 3
    assert "13800001234" not in result.stderr and "110101196811291234" not in result.stderr
    assert "'138****1234' is not a date" in result.stderr
    reasons = (tmp_path / "clients.rejects.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert "13800001234" not in reasons.split(",C01,")[0]  # the row itself is kept to fix it
    unknown = cli("client", "show", "13800001234", env=ENV)
    assert unknown.exit_code == 1 and "'138****1234'" in unknown.stderr
    assert "13800001234" not in unknown.stderr


def test_a_reference_to_an_unknown_id_is_masked_too(cli, tmp_path):
    _import(cli, tmp_path, "clients", [CLIENT_HEADER, ["C01", "Zhao Lei", "BJ01", "", "", "", ""]])
    result = _import(cli, tmp_path, "positions", [
        ["client_id", "product_code", "as_of", "balance", "asset_class"],
        ["13800001234", "DEP", "2026-11-20", "100", "deposit"]])
    assert result.exit_code == 3
    assert "client_id: '138****1234' unknown client; import clients first" in result.stderr


def test_amounts_a_row_cannot_hold_are_rejected_by_a_real_process_in_one_line_each(
        cli, tmp_path, db_path):
    _import(cli, tmp_path, "clients", [CLIENT_HEADER, ["C01", "Zhao Lei", "BJ01", "", "", "", ""]])
    before = contents(db_path)
    path = write_csv(tmp_path / "positions.csv", [
        ["client_id", "product_code", "as_of", "balance", "asset_class"],
        ["C01", "DEP", "2026-11-20", "9" * 5000, "deposit"],
        ["C01", "DEP", "2026-11-21", "9" * 40, "deposit"],
        ["C01", "DEP", "2026-11-22", "10000000000000.01", "deposit"]])

    def run(*extra):
        return subprocess.run(
            [sys.executable, "-m", "vipcrm", "import", "positions", str(path), "--rejects",
             str(tmp_path / "rejects.csv"), *extra], capture_output=True, text=True, timeout=120,
            env={"VIPCRM_DB": str(db_path), "VIPCRM_TODAY": DAY.isoformat(), "VIPCRM_LANG": "en",
                 "NO_COLOR": "1", "PATH": "/usr/bin:/bin"})

    strict = run("--strict")
    assert strict.returncode == 1 and len(strict.stderr.splitlines()) == 1, strict.stderr
    assert contents(db_path) == before
    done = run()
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and "overflow" not in done.stderr.lower()
    assert done.stderr.count("is more than 10,000,000,000,000 CNY") == 3
    assert all(len(line) < 200 for line in done.stderr.splitlines())
    assert sql_count(db_path) == 0


def sql_count(db_path) -> int:
    return len(contents(db_path)["positions"])


def test_client_update_reads_a_date_as_the_import_does(cli, sql, tmp_path):
    _import(cli, tmp_path, "clients", [CLIENT_HEADER,
                                       ["C01", "Zhao Lei", "BJ01", "", "2027-01-15", "", ""]])
    outside = cli("client", "update", "C01", "--set", "birth_date=1850-01-01", env=ENV)
    assert outside.exit_code == 1
    assert "birth_date: '1850-01-01' is outside 1900-01-01 to 2026-11-27" in outside.stderr
    assert cli("client", "update", "C01", "--set", "id_expiry=长期", env=ENV).exit_code == 0
    assert _client(sql, "C01") == [(None, None, None)]
    # A stand-in typed for a date clears it, as an empty value does.
    assert cli("client", "update", "C01", "--set", "birth_date=1968-11-29", env=ENV).exit_code == 0
    assert cli("client", "update", "C01", "--set", "birth_date=0001-01-01", env=ENV).exit_code == 0
    assert _client(sql, "C01") == [(None, None, None)]


def test_the_nightly_writes_the_reasons_of_its_rejects_in_the_session_s_language(cli, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "clients.csv", [CLIENT_HEADER,
                                      ["C01", "Zhao Lei", "BJ01", "1850-01-01", "", "", ""]])
    result = cli("--lang", "zh", "nightly", "--inbox", inbox, env=ENV)
    assert result.exit_code == 3, result.stdout
    rejects = (inbox / "done" / "clients.rejects.csv").read_text(encoding="utf-8-sig")
    assert "出生日期：'1850-01-01' 超出 1900-01-01 至 2026-11-27 的范围" in rejects
