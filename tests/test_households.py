"""Households (家庭客户): the import kind, `client link | unlink`, the household in `client show`
and `assign explain`, and what purge leaves of it."""

from __future__ import annotations

import json

import pytest

from assign_support import seed
from datafiles import contents, query, write_csv

TODAY = "2026-11-30"
RMS = [("S01", "BJ01", "senior"), ("L1", "BJ01", "l1"), ("T01", "BJ01", "trainee", 1, 1),
       ("TSH", "SH01", "trainee")]
CLIENTS = [("A", "BJ01"), ("B", "BJ01"), ("C", "BJ01"), ("FAR", "SH01"),
           ("CORP", "BJ01", "corporate", None), ("GONE", "BJ01", "retail", "2026-11-01")]
TIERS = {"A": ("diamond", 600_000_000), "B": ("gold", 30_000_000), "C": ("gold", 25_000_000),
         "FAR": ("gold", 30_000_000)}


@pytest.fixture
def bank(db_path):
    seed(db_path, rms=RMS, clients=CLIENTS, tiers=TIERS)
    query(db_path, "UPDATE clients SET phone = '13800001234' WHERE client_id = 'B'")
    query(db_path, "INSERT INTO products (product_code, name, asset_class) "
                   "VALUES ('DEP', 'Deposit', 'deposit')")
    for client_id, fen in (("A", 600_000_000), ("B", 30_000_000), ("CORP", 90_000_000),
                           ("GONE", 50_000_000)):
        query(db_path, "INSERT INTO positions (client_id, product_code, as_of, balance, "
                       "asset_class) VALUES (?, 'DEP', '2026-11-01', ?, 'deposit')",
              [client_id, fen])
    return db_path


@pytest.fixture
def vip(cli):
    def run(*args):
        return cli("--today", TODAY, *args)

    return run


def members(db_path):
    return query(db_path, "SELECT client_id, household_id, role FROM household_members "
                          "ORDER BY client_id")


# -- the import kind ------------------------------------------------------------------------

def test_import_with_chinese_headers_and_roles(vip, bank, tmp_path):
    path = write_csv(tmp_path / "households.csv", [
        ["家庭编号", "客户号", "家庭角色"], ["H1", "A", "户主"], ["H1", "B", "配偶"],
        ["H1", "C", "child"]], encoding="gbk")
    result = vip("import", "households", path)
    assert result.exit_code == 0, result.stderr
    assert "read=3 inserted=3 updated=0 unchanged=0 rejected=0" in result.stderr
    assert members(bank) == [("A", "H1", "head"), ("B", "H1", "spouse"), ("C", "H1", "child")]
    again = vip("import", "households", path)
    assert "inserted=0 updated=0 unchanged=3" in again.stderr


def test_a_client_in_two_rows_or_unknown_or_with_a_bad_role_is_rejected(vip, bank, tmp_path):
    path = write_csv(tmp_path / "households.csv", [
        ["household_id", "client_id", "role"], ["H1", "A", "head"], ["H2", "A", "head"],
        ["H1", "NOBODY", "spouse"], ["H1", "B", "cousin"], ["", "C", "child"]])
    result = vip("import", "households", path)
    assert result.exit_code == 3
    assert members(bank) == [("A", "H1", "head")]
    rejects = (tmp_path / "households.rejects.csv").read_text(encoding="utf-8-sig")
    assert "duplicate key client_id (first on line 2)" in rejects
    assert "client_id: 'NOBODY' unknown client; import clients first" in rejects
    assert "role: 'cousin' is not one of head, spouse, child, parent, other" in rejects
    assert "household_id: required value missing" in rejects


def test_a_row_for_a_client_already_in_a_household_moves_it(vip, bank, tmp_path):
    first = write_csv(tmp_path / "h1.csv", [["household_id", "client_id", "role"],
                                            ["H1", "A", "head"], ["H1", "B", "spouse"]])
    assert vip("import", "households", first).exit_code == 0
    moved = write_csv(tmp_path / "h2.csv", [["household_id", "client_id", "role"],
                                            ["H2", "B", ""]])
    result = vip("import", "households", moved)
    assert "inserted=0 updated=1 unchanged=0" in result.stderr
    # An empty role keeps the one known (as every optional cell of an import).
    assert members(bank) == [("A", "H1", "head"), ("B", "H2", "spouse")]


# -- client link | unlink -------------------------------------------------------------------

def test_link_move_relink_and_unlink_are_audited(vip, bank):
    result = vip("client", "link", "A", "--household", "H1", "--role", "head")
    assert result.exit_code == 0 and result.stderr == "A: in household H1 (head)\n"
    assert vip("client", "link", "B", "--household", "H1", "--role", "配偶").exit_code == 0
    same = vip("client", "link", "B", "--household", "H1")
    assert same.stderr == "B is already in household H1; nothing changed\n"
    moved = vip("client", "link", "B", "--household", "H2", "--role", "spouse")
    assert moved.stderr == "B: moved from household H1 to H2 (spouse)\n"
    assert members(bank) == [("A", "H1", "head"), ("B", "H2", "spouse")]
    left = vip("client", "unlink", "B")
    assert left.exit_code == 0 and left.stderr == "B: left household H2\n"
    none = vip("client", "unlink", "B")
    assert none.exit_code == 0 and none.stderr == "B is in no household; nothing changed\n"
    audit = [(command, json.loads(details)) for command, details in query(
        bank, "SELECT command, details FROM audit_log ORDER BY id")]
    assert audit == [
        ("client link", {"client_id": "A", "household_id": "H1", "role": "head",
                         "from_household": None}),
        ("client link", {"client_id": "B", "household_id": "H1", "role": "spouse",
                         "from_household": None}),
        ("client link", {"client_id": "B", "household_id": "H2", "role": "spouse",
                         "from_household": "H1"}),
        ("client unlink", {"client_id": "B", "household_id": "H2"})]


def test_linking_a_corporate_or_closed_client_warns_that_it_counts_for_nothing(vip, bank):
    for client_id in ("CORP", "GONE"):
        result = vip("client", "link", client_id, "--household", "H1")
        assert result.exit_code == 0
        assert result.stderr.endswith(f"Warning: {client_id} is a corporate or closed client: "
                                      "it stays listed but adds nothing to the household's AUM, "
                                      "tier, RM or visits\n")


@pytest.mark.parametrize("args, message, code", [
    (("client", "link", "NOPE", "--household", "H1"), "unknown client 'NOPE'; check the id", 1),
    (("client", "link", "A", "--household", "H1", "--role", "uncle"),
     "--role: 'uncle'; use one of head, spouse, child, parent, other", 1),
    (("client", "link", "A", "--household", "  "),
     "--household: give the household's id, e.g. H0001", 1),
    (("client", "link", "A"), "Missing option '--household'", 2),
    (("client", "unlink", "NOPE"), "unknown client 'NOPE'; check the id", 1),
])
def test_refusals_are_one_line_and_change_nothing(vip, bank, args, message, code):
    before = contents(bank)
    result = vip(*args)
    assert result.exit_code == code
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert contents(bank) == before


def test_messages_speak_chinese(vip, bank):
    result = vip("--lang", "zh", "client", "link", "A", "--household", "H1", "--role", "head")
    assert result.stderr == "A：已加入家庭 H1（户主）\n"


# -- client show ----------------------------------------------------------------------------

def link_all(vip):
    for client_id, role in (("A", "head"), ("B", "spouse"), ("CORP", "other"),
                            ("GONE", "child")):
        assert vip("client", "link", client_id, "--household", "H1", "--role", role
                   ).exit_code == 0


def test_show_gives_the_household_with_its_aum_and_masked_members(vip, bank):
    link_all(vip)
    data = json.loads(vip("client", "show", "A", "--format", "json").stdout)
    household = data["household"]
    # Only the open retail members count: 6,000,000 + 300,000.
    assert household["household_id"] == "H1" and household["role"] == "head"
    assert household["aum"] == 6300000.00
    assert household["members"] == [
        {"client_id": "A", "name": "Client A", "role": "head", "tier": "diamond", "phone": None,
         "counted": True, "aum": 6000000.00},
        {"client_id": "B", "name": "Client B", "role": "spouse", "tier": "gold",
         "phone": "138****1234", "counted": True, "aum": 300000.00},
        {"client_id": "CORP", "name": "Client CORP", "role": "other", "tier": None,
         "phone": None, "counted": False, "aum": 900000.00},
        {"client_id": "GONE", "name": "Client GONE", "role": "child", "tier": None,
         "phone": None, "counted": False, "aum": 500000.00}]
    assert '"aum": 6300000.00' in vip("client", "show", "A", "--format", "json").stdout
    unmasked = json.loads(vip("client", "show", "A", "--format", "json", "--unmask").stdout)
    assert unmasked["household"]["members"][1]["phone"] == "13800001234"
    table = vip("client", "show", "B").stdout
    assert "Household H1 (spouse): AUM today 6,300,000.00 CNY, 4 member(s)" in table
    assert "138****1234" in table and "13800001234" not in table
    alone = json.loads(vip("client", "show", "C", "--format", "json").stdout)
    assert alone["household"] is None


# -- assign and assign explain --------------------------------------------------------------

def test_assign_gives_members_the_leads_rm_and_explain_says_why(vip, bank):
    link_all(vip)
    assert vip("client", "link", "FAR", "--household", "H1").exit_code == 0
    assert vip("assign").exit_code == 0
    assert query(bank, "SELECT client_id, rm_id, reason FROM assignments ORDER BY 1") == [
        ("A", "L1", "new"), ("B", "L1", "household"), ("C", "T01", "new"), ("FAR", "TSH", "new")]
    explained = vip("assign", "explain", "B").stdout
    assert "  household H1: shares L1, the RM of its highest member A" in explained
    assert "  household H1: its highest member with an RM; the other members join L1 when the " \
           "rules allow it" in vip("assign", "explain", "A").stdout
    # A line longer than the screen wraps: compare its words.
    assert "household H1: owned by another branch than L1 (the RM of its highest member A), " \
           "so its own branch serves it; pin it to L1 to serve the family together" in \
           " ".join(vip("assign", "explain", "FAR").stdout.split())
    assert "a corporate or closed member takes no part" in vip("assign", "explain", "GONE").stdout
    data = json.loads(vip("assign", "explain", "B", "--format", "json").stdout)[0]
    assert data["household"] == {"household_id": "H1", "members": ["A", "B", "CORP", "FAR",
                                                                   "GONE"],
                                 "lead": "A", "lead_rm": "L1", "status": "joined"}
    assert vip("assign").stderr.endswith("assign: kept 4, new 0, moved 0, unassigned 0, "
                                         "grade gap changes 0, released 0\n")


def test_explain_names_a_pin_a_full_book_and_the_next_run(vip, bank):
    assert vip("assign").exit_code == 0  # A with L1, B and C with T01
    assert vip("client", "link", "A", "--household", "H1").exit_code == 0
    assert vip("client", "link", "B", "--household", "H1").exit_code == 0
    assert "the next `vipcrm assign` gives it L1, the RM of its highest member A" in \
        vip("assign", "explain", "B").stdout
    assert vip("assign", "set", "B", "T01", "--pin").exit_code == 0
    assert "pinned by hand, so it keeps its RM instead of L1" in \
        vip("assign", "explain", "B").stdout
    assert vip("config", "set", "grades.l1.capacity", "1").exit_code == 0
    assert vip("assign", "set", "B", "T01").exit_code == 0  # the pin lifted
    assert vip("assign").exit_code == 0
    assert "L1 (the RM of its highest member A) has no room, so it keeps an RM of its own" in \
        vip("assign", "explain", "B").stdout


# -- purge ----------------------------------------------------------------------------------

def test_purge_takes_a_purged_client_out_of_its_household(vip, bank):
    link_all(vip)
    assert vip("purge", "--ended-before", TODAY).exit_code == 0
    assert [m[0] for m in members(bank)] == ["A", "B", "CORP"]
