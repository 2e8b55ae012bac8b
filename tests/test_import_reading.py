"""DATA.md "Reading a file": encodings, delimiters, quoting, headers and cell formats."""

from __future__ import annotations

import codecs
import csv

import pytest

from datafiles import contents, write_csv

# Every test here runs with the file parsed in this process and in the worker process.
pytestmark = pytest.mark.usefixtures("reading_process")

CLIENT_HEADER = ["client_id", "name", "home_branch"]


def rejects_of(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


# --- encodings -------------------------------------------------------------------------------

def test_gbk_file_with_chinese_headers_and_values(cli, sql, tmp_path):
    rows = [["客户号", "客户姓名", "性别", "出生日期", "手机号码", "开户网点", "风险等级", "职业"],
            ["C0201", "王建国", "男", "1962年3月8日", "13600001001", "北京01", "C5", "企业主"],
            ["C0202", "李秀英", "女", "1979/11/30", "13600001002", "上海01", "C3", "教师"]]
    path = write_csv(tmp_path / "客户.csv", rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")

    result = cli("import", "clients", path)

    assert result.exit_code == 0, result.stderr
    assert sql("SELECT client_id, name, gender, birth_date, phone, home_branch, risk_level, "
               "occupation FROM clients ORDER BY client_id") == [
        ("C0201", "王建国", "M", "1962-03-08", "13600001001", "北京01", "C5", "企业主"),
        ("C0202", "李秀英", "F", "1979-11-30", "13600001002", "上海01", "C3", "教师"),
    ]


def test_gb18030_characters_outside_gbk(cli, sql, tmp_path):
    name = "𠮷野家"  # U+20BB7 has no GBK code; GB18030 writes it in four bytes
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    path = write_csv(tmp_path / "c.csv", [["客户号", "姓名", "所属网点"], ["C1", name, "广州01"]],
                     encoding="gb18030")

    assert cli("import", "clients", path).exit_code == 0
    assert sql("SELECT name, home_branch FROM clients") == [(name, "广州01")]


def test_utf8_bom_is_not_part_of_the_first_header(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "Zhao Lei", "BJ01"]],
                     encoding="utf-8-sig", newline="\r\n")
    assert path.read_bytes().startswith(codecs.BOM_UTF8)

    result = cli("import", "clients", path)

    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr
    assert sql("SELECT client_id, name, home_branch FROM clients") == [("C1", "Zhao Lei", "BJ01")]


def test_encoding_option_overrides_detection(cli, sql, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("client_id,name,home_branch\nC1,José,BJ01\n".encode("latin-1"))

    refused = cli("import", "clients", path)
    accepted = cli("import", "clients", path, "--encoding", "latin-1")

    assert refused.exit_code == 1
    assert accepted.exit_code == 0, accepted.stderr
    assert sql("SELECT name FROM clients") == [("José",)]


def test_unknown_encoding_name_is_refused(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "A", "B"]])
    result = cli("import", "clients", path, "--encoding", "klingon")
    assert result.exit_code == 1
    assert "unknown encoding 'klingon'" in result.stderr


@pytest.mark.parametrize("encoding, why", [
    *((name, "is not a text encoding (it turns bytes into bytes)")
      for name in ("base64", "hex", "rot13", "zlib", "uu", "bz2", "quopri")),
    *((name, "does not read plain ASCII bytes (commas, quotes, line ends) as themselves")
      for name in ("utf-16", "utf-16-le", "utf-32", "utf-7", "cp500", "unicode_escape",
                   "raw_unicode_escape")),
    ("", "unknown encoding ''"),
    ("utf\x00", "unknown encoding"),
    ("x" * 5000, "unknown encoding 'xxxxxxxx"),
])
def test_an_encoding_no_csv_extract_can_be_in_is_refused_with_the_useful_ones(
        cli, blank_db, db_path, tmp_path, encoding, why):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "A", "BJ01"]])
    before = contents(db_path)
    result = cli("import", "clients", path, "--encoding", encoding)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and why in line and len(line) < 400
    assert line.endswith("use utf-8, utf-8-sig, gb18030 (covers GBK), big5, latin-1 or cp1252")
    assert contents(db_path) == before


def test_a_utf16_file_is_pointed_to_csv_utf8(cli, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("client_id,name,home_branch\nC1,Zhao,BJ01\n".encode("utf-16"))
    result = cli("import", "clients", path, "--encoding", "utf-16")
    assert result.exit_code == 1
    assert "Excel's 'Unicode text': save it as 'CSV UTF-8'" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-8-sig", "UTF8", "gbk", "big5", "cp1252", "ascii",
                                      "shift_jis"])
def test_ascii_compatible_encodings_are_taken(cli, sql, tmp_path, encoding):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "Zhao", "BJ01"]],
                     encoding=encoding)
    result = cli("import", "clients", path, "--encoding", encoding)
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT name FROM clients") == [("Zhao",)]


def test_undecodable_file_is_refused_naming_the_byte_offset(cli, blank_db, db_path, tmp_path):
    good = b"client_id,name,home_branch\nC1,Zhao,BJ01\nC2,"
    path = tmp_path / "broken.csv"
    path.write_bytes(good + b"\xe9\xff\xfe,BJ01\n")
    before = contents(db_path)

    result = cli("import", "clients", path)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: broken.csv:")
    assert f"offset {len(good)}" in result.stderr
    assert "Traceback" not in result.stderr
    assert contents(db_path) == before


def test_bad_byte_after_the_detection_sample_refuses_the_whole_file(cli, sql, blank_db, db_path, tmp_path):
    lines = [b"client_id,name,home_branch\n"]
    lines += [b"C%06d,Client %d,BJ01\n" % (i, i) for i in range(45_000)]
    good = b"".join(lines)
    assert len(good) > 1 << 20  # past the part read to detect the encoding
    path = tmp_path / "late.csv"
    path.write_bytes(good + b"C9,\xff,BJ01\n")
    before = contents(db_path)

    result = cli("import", "clients", path)

    assert result.exit_code == 1
    assert f"offset {len(good) + 3}" in result.stderr
    assert contents(db_path) == before


def test_chinese_text_first_met_after_the_detection_sample(cli, sql, db_path, tmp_path):
    lines = [b"client_id,name,home_branch\n"]
    lines += [b"C%06d,Client %d,BJ01\n" % (i, i) for i in range(45_000)]
    path = tmp_path / "late.csv"
    path.write_bytes(b"".join(lines) + "C9,王建国,BJ01\n".encode("gbk"))

    refused = cli("import", "clients", path)
    accepted = cli("import", "clients", path, "--encoding", "gb18030")

    assert refused.exit_code == 1
    assert "import again with --encoding gb18030" in refused.stderr
    assert accepted.exit_code == 0, accepted.stderr
    assert sql("SELECT name FROM clients WHERE client_id = 'C9'") == [("王建国",)]


def test_utf16_file_is_refused_with_the_fix(cli, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("client_id\tname\thome_branch\r\nC1\tA\tB\r\n".encode("utf-16"))
    result = cli("import", "clients", path)
    assert result.exit_code == 1
    assert "UTF-16" in result.stderr and "CSV UTF-8" in result.stderr


# --- delimiters, quoting, line numbers --------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_detected_from_the_header(cli, sql, tmp_path, delimiter):
    rows = [CLIENT_HEADER + ["address"], ["C1", "Zhao, Lei", "BJ01", "Room 1; Floor 2"]]
    path = write_csv(tmp_path / "c.csv", rows, delimiter=delimiter)

    result = cli("import", "clients", path)

    assert result.exit_code == 0, result.stderr
    assert sql("SELECT client_id, name, home_branch, address FROM clients") == [
        ("C1", "Zhao, Lei", "BJ01", "Room 1; Floor 2")]


def test_quoted_fields_with_commas_and_newlines_keep_line_numbers_right(cli, sql, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        'client_id,name,home_branch,address,birth_date\n'  # line 1
        'C1,"Zhao, Lei",BJ01,"1 Road\nBuilding 2\nRoom 3",1970-01-01\n'  # lines 2-4
        'C2,Qian,BJ01,"say ""hi""",03/04/1980\n'  # line 5: bad date
        '\n'  # line 6: blank, skipped
        'C3,"Sun\r\nHao",BJ01,,1980-02-30\n'  # lines 7-8: bad date
        'C4,Li,BJ01,,1990-01-01\n'  # line 9
        'C1,"Zhao\nagain",BJ01,,1970-01-01\n',  # lines 10-11: duplicate key, found in SQL
        encoding="utf-8", newline="")

    result = cli("import", "clients", path)

    assert result.exit_code == 3
    assert sql("SELECT client_id, name, address FROM clients ORDER BY 1") == [
        ("C1", "Zhao, Lei", "1 Road\nBuilding 2\nRoom 3"), ("C4", "Li", None)]
    rejects = rejects_of(tmp_path / "c.rejects.csv")
    assert [(r["_line"], r["client_id"], r["address"]) for r in rejects] == [
        ("5", "C2", 'say "hi"'), ("7", "C3", ""), ("10", "C1", "")]
    assert rejects[1]["name"] == "Sun\r\nHao"
    assert rejects[2]["name"] == "Zhao\nagain"
    assert "line 5: birth_date" in result.stderr and "line 7: birth_date" in result.stderr
    assert "line 10: duplicate key client_id (first on line 2)" in result.stderr


def test_unbalanced_quote_rejects_the_row_it_swallows(cli, db_path, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text('client_id,name,home_branch\nC1,"Zhao,BJ01\nC2,Qian,SH01\n', encoding="utf-8")
    result = cli("import", "clients", path)
    assert result.exit_code == 3
    assert "line 2: expected 3 fields, found 2 (a delimiter or quote problem?)" in result.stderr
    assert contents(db_path)["clients"] == []


# --- headers ----------------------------------------------------------------------------------

def test_headers_ignore_case_and_surrounding_spaces(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [[" Client_ID ", "NAME", " 所属网点 "], ["C1", "A", "B"]])
    assert cli("import", "clients", path).exit_code == 0
    assert sql("SELECT client_id, name, home_branch FROM clients") == [("C1", "A", "B")]


def test_map_option_names_any_header(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Their Name", "Full Name", "Branch Code"],
                                          ["C1", "Zhao Lei", "BJ01"]])
    result = cli("import", "clients", path, "--map", "Their Name=client_id",
                 "--map", "full name = name", "--map", "Branch Code=home_branch")
    assert result.exit_code == 0, result.stderr
    assert sql("SELECT client_id, name, home_branch FROM clients") == [("C1", "Zhao Lei", "BJ01")]


def test_map_to_an_unknown_column_is_refused(cli, tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Their Name", "name", "home_branch"], ["C1", "A", "B"]])
    result = cli("import", "clients", path, "--map", "Their Name=customer")
    assert result.exit_code == 1
    assert "'customer' is not a column of clients" in result.stderr


@pytest.mark.parametrize("bad_map", ["no-equals-sign", "=client_id", "Their Name="])
def test_badly_written_map_is_a_usage_error(cli, tmp_path, bad_map):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER, ["C1", "A", "B"]])
    assert cli("import", "clients", path, "--map", bad_map).exit_code == 2


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (b"\nclient_id,name,home_branch\nC1,A,B\n", "blank"),
    (b"C1,Zhao Lei,BJ01\nC2,Qian Mei,SH01\n", "missing required column(s) client_id, name, "
                                              "home_branch"),
    (b"client_id,name\nC1,Zhao Lei\n", "missing required column(s) home_branch"),
    (b"client_id,name,\xe5\xa7\x93\xe5\x90\x8d,home_branch\nC1,A,B,C\n", "both mean name"),
])
def test_file_without_a_usable_header_is_refused_and_nothing_changes(cli, db_path, tmp_path,
                                                                     content, problem):
    load = write_csv(tmp_path / "first.csv", [CLIENT_HEADER, ["C0", "Known", "BJ01"]])
    assert cli("import", "clients", load).exit_code == 0
    before = contents(db_path)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    result = cli("import", "clients", path)

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: bad.csv")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert contents(db_path) == before


def test_missing_file_is_refused(cli, tmp_path):
    result = cli("import", "clients", tmp_path / "nowhere.csv")
    assert result.exit_code == 1
    assert "no such file" in result.stderr


def test_header_only_file_imports_nothing(cli, sql, tmp_path):
    path = write_csv(tmp_path / "c.csv", [CLIENT_HEADER])
    result = cli("import", "clients", path)
    assert result.exit_code == 0
    assert "read=0 inserted=0" in result.stderr
    assert sql("SELECT COUNT(*) FROM import_log") == [(1,)]


# --- cell formats -----------------------------------------------------------------------------

def import_one(cli, tmp_path, kind, header, row):
    return cli("import", kind, write_csv(tmp_path / f"{kind}.csv", [header, row]))


@pytest.mark.parametrize("cell, fen", [
    ("1234.50", 123450),
    ("1,234.50", 123450),
    ("1,234,567.8", 123456780),
    ("¥1234.50", 123450),
    ("￥1,234.50", 123450),
    (" 12 ", 1200),
    ("0.05", 5),
    ("7.", 700),
    ("-3.20", -320),
    ("1234.567", None),
    ("12.001", None),
    ("12,34.00", None),
    ("1.2.3", None),
    ("abc", None),
    ("$5", None),
])
def test_money_cells(cli, sql, tmp_path, cell, fen):
    result = import_one(cli, tmp_path, "products", ["product_code", "name", "asset_class",
                                                    "min_amount"], ["P1", "Plan", "wealth", cell])
    if fen is None:
        assert result.exit_code == 3
        assert "min_amount:" in result.stderr
        assert sql("SELECT COUNT(*) FROM products") == [(0,)]
    else:
        assert result.exit_code == 0, result.stderr
        assert sql("SELECT min_amount, typeof(min_amount) FROM products") == [(fen, "integer")]


def test_more_than_two_decimals_says_so(cli, tmp_path):
    result = import_one(cli, tmp_path, "products", ["product_code", "name", "asset_class",
                                                    "min_amount"], ["P1", "Plan", "wealth", "1.005"])
    assert "more than 2 decimals" in result.stderr


@pytest.mark.parametrize("cell, stored", [
    ("2024-03-05", "2024-03-05"),
    ("2024-3-5", "2024-03-05"),
    ("20240305", "2024-03-05"),
    ("2024/03/05", "2024-03-05"),
    ("2024年3月5日", "2024-03-05"),
    ("2024年03月05日", "2024-03-05"),
    ("2024-03-05 00:00:00", "2024-03-05"),
    ("2024-02-29", "2024-02-29"),
    ("03/04/2024", None),
    ("2024-02-30", None),
    ("2023-02-29", None),
    ("20241301", None),
    ("5 March 2024", None),
])
def test_date_cells(cli, sql, tmp_path, cell, stored):
    result = import_one(cli, tmp_path, "clients", CLIENT_HEADER + ["birth_date"],
                        ["C1", "A", "BJ01", cell])
    if stored is None:
        assert result.exit_code == 3
        assert sql("SELECT COUNT(*) FROM clients") == [(0,)]
    else:
        assert result.exit_code == 0, result.stderr
        assert sql("SELECT birth_date FROM clients") == [(stored,)]


def test_month_first_or_day_first_dates_are_rejected_as_ambiguous(cli, tmp_path):
    result = import_one(cli, tmp_path, "clients", CLIENT_HEADER + ["birth_date"],
                        ["C1", "A", "BJ01", "03/04/2024"])
    assert "ambiguous" in result.stderr and "YYYY-MM-DD" in result.stderr


def test_impossible_date_says_it_is_not_a_real_date(cli, tmp_path):
    result = import_one(cli, tmp_path, "clients", CLIENT_HEADER + ["birth_date"],
                        ["C1", "A", "BJ01", "2024-02-30"])
    assert "'2024-02-30' is not a real date" in result.stderr


@pytest.mark.parametrize("cell, stored", [
    ("true", 1), ("false", 0), ("TRUE", 1), ("False", 0), ("yes", 1), ("no", 0), ("Yes", 1),
    ("1", 1), ("0", 0), ("y", 1), ("n", 0), ("Y", 1), ("是", 1), ("否", 0),
    ("maybe", None), ("2", None),
])
def test_boolean_cells(cli, sql, tmp_path, cell, stored):
    result = import_one(cli, tmp_path, "rms", ["rm_id", "name", "branch", "grade", "exam_passed"],
                        ["RM1", "Wang", "BJ01", "l1", cell])
    if stored is None:
        assert result.exit_code == 3
        assert "exam_passed:" in result.stderr
    else:
        assert result.exit_code == 0, result.stderr
        assert sql("SELECT exam_passed FROM rms") == [(stored,)]


@pytest.mark.parametrize("cell, stored", [
    ("1.2543", 1_254_300), ("0.987654", 987_654), ("2", 2_000_000), ("1.0000001", None),
    ("x", None),
])
def test_nav_cells_have_up_to_six_places(cli, sql, tmp_path, cell, stored):
    products = write_csv(tmp_path / "p.csv", [["product_code", "name", "asset_class"],
                                              ["F1", "Fund", "fund"]])
    assert cli("import", "products", products).exit_code == 0
    result = import_one(cli, tmp_path, "navs", ["product_code", "date", "nav"],
                        ["F1", "2026-01-05", cell])
    expected = [] if stored is None else [(stored,)]
    assert sql("SELECT nav FROM navs") == expected
    assert result.exit_code == (3 if stored is None else 0)


def test_chinese_codes_are_read_as_the_english_codes(cli, sql, tmp_path):
    path = write_csv(tmp_path / "rms.csv", [["工号", "姓名", "网点", "级别", "是否通过考试"],
                                            ["RM1", "王芳", "BJ01", "高级", "是"],
                                            ["RM2", "李娜", "BJ01", "见习", "否"]])
    assert cli("import", "rms", path).exit_code == 0
    assert sql("SELECT rm_id, grade, exam_passed FROM rms ORDER BY 1") == [
        ("RM1", "senior", 1), ("RM2", "trainee", 0)]
