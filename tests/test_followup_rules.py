"""The follow-up checks of DOMAIN §5 and §6 as pure rules: every edge, one problem at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core import followup
from vipcrm.core.followup import (MAX_AMOUNT, Contact, RiskProfile, after_sale_dates,
                                  cooling_off_until)
from vipcrm.formats.i18n import render

TODAY = dt.date(2026, 11, 30)
CONFIG = Config()
CALL = Contact(client_id="C1", rm_id="RM1", date=TODAY, channel="phone")
SALE = replace(CALL, channel="visit", stage="sale", product_code="FUND", amount=100_000_00)
# C4, assessed a month ago, aged 58 on TODAY.
FIT = RiskProfile("C4", dt.date(2026, 10, 30), dt.date(1968, 2, 29))


def english(found):
    """The rules' sentences as an English reader sees them (None stays None)."""
    if found is None:
        return None
    return [render(text, "en") for text in found] if isinstance(found, list) else \
        render(found, "en")


def check_contact(*args, **kwargs) -> list[str]:
    return english(followup.check_contact(*args, **kwargs))


def check_sale(*args, **kwargs) -> list[str]:
    return english(followup.check_sale(*args, **kwargs))


def check_time(*args, **kwargs) -> list[str]:
    return english(followup.check_time(*args, **kwargs))


def unsuitability(*args, **kwargs) -> str | None:
    return english(followup.unsuitability(*args, **kwargs))


def problems(contact: Contact, corporate: bool = False) -> list[str]:
    return check_contact(contact, TODAY, corporate=corporate)


def test_a_plain_call_has_no_problem():
    assert problems(CALL) == []


@pytest.mark.parametrize("changes, expected", [
    ({"date": TODAY + dt.timedelta(days=1)}, "in the future"),
    ({"channel": "fax"}, "channel 'fax'"),
    ({"outcome": "maybe"}, "outcome 'maybe'"),
    ({"stage": "close"}, "stage 'close'"),
    ({"minutes": -1}, "minutes -1"),
    ({"minutes": 1441}, "minutes 1441"),
    ({"satisfaction": 0}, "satisfaction 0"),
    ({"satisfaction": 6}, "satisfaction 6"),
    ({"next_date": TODAY}, "must be after"),
    ({"next_date": TODAY - dt.timedelta(days=1)}, "must be after"),
    ({"amount": 100, "product_code": None}, "needs the product"),
    ({"amount": 0, "product_code": "FUND"}, "amount must be positive"),
    ({"amount": MAX_AMOUNT + 1, "product_code": "FUND"},
     "above the largest a contact records (10,000,000,000,000 CNY)"),
    ({"amount": 2 ** 63, "product_code": "FUND"}, "above the largest"),
    ({"outcome": "no_answer", "satisfaction": 3}, "drop --satisfaction"),
    ({"outcome": "no_answer", "referral": "Li Si"}, "drop --referral"),
    ({"visit_level": "technical"}, "corporate clients only"),
    ({"joint_rm_id": "RM1"}, "another RM"),
    ({"override_reason": "client insists"}, "unsuitable sale only"),
    ({"risk_warning_id": "RW-1"}, "--risk-warning-id is for an unsuitable sale only"),
    ({"recording_id": "REC-1"}, "--recording-id is for a sale only"),
])
def test_each_bad_entry_is_one_problem(changes, expected):
    [problem] = problems(replace(CALL, **changes))
    assert expected in problem
    assert "\n" not in problem


@pytest.mark.parametrize("changes", [
    {"minutes": 0}, {"minutes": 1440}, {"satisfaction": 1}, {"satisfaction": 5},
    {"next_date": TODAY + dt.timedelta(days=1)}, {"date": TODAY - dt.timedelta(days=400)},
    {"product_code": "FUND", "amount": 1}, {"product_code": "FUND", "amount": MAX_AMOUNT},
    {"outcome": "no_answer", "stage": "plan"},
    {"joint_rm_id": "RM2"},
])
def test_edges_that_are_accepted(changes):
    assert problems(replace(CALL, **changes)) == []


@pytest.mark.parametrize("days_back, limit, refused", [
    (7, 7, False), (8, 7, True), (0, 0, False), (1, 0, True), (3650, 3650, False),
    (3651, 3650, True), (400, None, False),  # no limit given: history as it happened
])
def test_a_contact_dated_more_than_the_limit_back_is_refused(days_back, limit, refused):
    contact = replace(CALL, date=TODAY - dt.timedelta(days=days_back))
    found = check_contact(contact, TODAY, corporate=False, max_backdate_days=limit)
    assert found == ([f"date {contact.date} is {days_back} days before today; contacts are "
                      f"logged within {limit} days (followup.max_backdate_days); older contact "
                      "history goes in with `vipcrm import followups`"] if refused else [])


def test_the_backdating_limit_defaults_to_7_calendar_days():
    assert CONFIG["followup.max_backdate_days"] == 7


def test_visit_levels_are_for_corporate_visits():
    visit = replace(CALL, channel="visit", visit_level="leadership")
    assert problems(visit, corporate=True) == []
    assert "needs --channel visit" in problems(replace(visit, channel="phone"), corporate=True)[0]
    assert "level 'board'" in problems(replace(visit, visit_level="board"), corporate=True)[0]


@pytest.mark.parametrize("changes, expected", [
    ({"product_code": None, "amount": None}, "needs --product and --amount"),
    ({"amount": None}, "needs --product and --amount"),
    ({"outcome": "declined"}, "was reached"),
])
def test_a_sale_needs_product_amount_and_a_reached_client(changes, expected):
    assert problems(SALE) == []
    assert expected in problems(replace(SALE, **changes))[0]


# -- suitability at sale (DOMAIN §5) ----------------------------------------------------------

@pytest.mark.parametrize("product_risk, ok", [("R1", True), ("R4", True), ("R5", False),
                                              (None, False)])
def test_product_risk_against_client_level(product_risk, ok):
    assert (unsuitability(FIT, product_risk, TODAY, CONFIG) is None) is ok


@pytest.mark.parametrize("days_old, ok", [(0, True), (364, True), (365, False), (-1, False)])
def test_assessment_is_valid_for_less_than_valid_days(days_old, ok):
    client = replace(FIT, assessed_on=TODAY - dt.timedelta(days=days_old))
    why = unsuitability(client, "R1", TODAY, CONFIG)
    assert (why is None) is ok
    if not ok:
        assert "not valid" in why


def test_valid_days_comes_from_the_configuration():
    client = replace(FIT, assessed_on=TODAY - dt.timedelta(days=100))
    assert unsuitability(client, "R1", TODAY, CONFIG) is None
    short = Config({"suitability.valid_days": 100})
    assert unsuitability(client, "R1", TODAY, short) is not None


def test_no_assessment_makes_nothing_suitable():
    assert "no risk assessment" in unsuitability(RiskProfile(None, None, None), "R1", TODAY, CONFIG)


def test_unsuitable_sale_is_refused_without_override_and_warning_and_accepted_with_both():
    sale = replace(SALE, product_code="PE")
    [problem] = check_sale(sale, FIT, "R5", CONFIG)
    assert "unsuitable sale of PE to C1" in problem and "--override-reason" in problem
    [problem] = check_sale(replace(sale, override_reason="client's written request"), FIT, "R5",
                           CONFIG)
    assert "needs the risk warning the client confirmed; give its id with --risk-warning-id" \
        in problem
    [problem] = check_sale(replace(sale, risk_warning_id="RW-1"), FIT, "R5", CONFIG)
    assert "give --override-reason with the --risk-warning-id" in problem
    assert check_sale(replace(sale, override_reason="client's written request",
                              risk_warning_id="RW-1"), FIT, "R5", CONFIG) == []


@pytest.mark.parametrize("changes", [{"override_reason": "just in case"},
                                     {"risk_warning_id": "RW-1"}])
def test_an_override_on_a_suitable_sale_is_refused(changes):
    [problem] = check_sale(replace(SALE, **changes), FIT, "R2", CONFIG)
    assert "drop --override-reason and --risk-warning-id" in problem


OVERRIDE = replace(SALE, override_reason="client insists", risk_warning_id="RW-1")


@pytest.mark.parametrize("client, risk, refused", [
    (FIT, "R4", False),  # C4 buys R4: suitable
    (FIT, "R5", True),  # above the level
    (FIT, None, True),  # unrated counts as R5
    (replace(FIT, assessed_on=TODAY - dt.timedelta(days=365)), "R1", True),  # expired
    (RiskProfile(None, None, FIT.birth_date), "R1", True),  # never assessed
])
def test_a_wealth_product_is_never_sold_unsuitable_override_or_not(client, risk, refused):
    found = check_sale(OVERRIDE if refused else SALE, client, risk, CONFIG, asset_class="wealth")
    assert bool(found) is refused
    if refused:
        assert "a wealth product (理财) is never sold to a client it does not suit, override or " \
               "not" in found[0]
        # the same unsuitable sale of a fund goes ahead with the override
        assert check_sale(OVERRIDE, client, risk, CONFIG, asset_class="fund") == []


@pytest.mark.parametrize("risk, refused", [("R1", False), ("R2", True), ("R5", True),
                                           (None, True)])
def test_a_c1_client_is_never_sold_above_c1_override_or_not(risk, refused):
    c1 = replace(FIT, risk_level="C1")
    found = check_sale(OVERRIDE if refused else SALE, c1, risk, CONFIG, asset_class="fund")
    assert bool(found) is refused
    if refused:
        assert "a C1 client is never sold above its level, override or not" in found[0]


def test_an_expired_c1_client_may_buy_r1_with_an_override():
    expired = replace(FIT, risk_level="C1", assessed_on=TODAY - dt.timedelta(days=400))
    assert "give --override-reason" in check_sale(SALE, expired, "R1", CONFIG)[0]
    assert check_sale(OVERRIDE, expired, "R1", CONFIG) == []
    assert "never sold above its level" in check_sale(OVERRIDE, expired, "R2", CONFIG)[0]


@pytest.mark.parametrize("amount, minimum, ok", [
    (50_000_00, 50_000_00, True), (49_999_99, 50_000_00, False), (1, None, True), (1, 0, True),
])
def test_the_product_minimum_amount(amount, minimum, ok):
    found = check_sale(replace(SALE, amount=amount), FIT, "R2", CONFIG, min_amount=minimum)
    assert (found == []) is ok
    if not ok:
        assert found == ["amount 49,999.99 CNY is below the minimum of FUND, 50,000.00 CNY; "
                         "give at least that with --amount"]


@pytest.mark.parametrize("hours, until", [
    (24, dt.datetime(2026, 12, 2)),  # the whole day of the sale, then 24 hours
    (36, dt.datetime(2026, 12, 2, 12)),
    (720, dt.datetime(2026, 12, 31)),
])
def test_the_cooling_off_period_runs_from_the_end_of_the_sale_day(hours, until):
    config = Config({"suitability.cooling_off_hours": hours})
    assert cooling_off_until(TODAY, config) == until


def born_years_ago(years: int, extra_days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) + dt.timedelta(days=extra_days)


@pytest.mark.parametrize("birth, product_risk, needed", [
    (born_years_ago(65), "R4", True),  # 65 today
    (born_years_ago(65, 1), "R4", False),  # 65 tomorrow
    (born_years_ago(80), "R5", True),
    (born_years_ago(80), "R3", False),
    (None, "R4", True),  # unknown age
    (None, "R3", False),
])
def test_elderly_clients_r4_r5_sales_need_their_dual_recording(birth, product_risk, needed):
    client = RiskProfile("C5", TODAY, birth)
    found = check_sale(SALE, client, product_risk, CONFIG)
    assert bool(found) is needed
    if needed:
        assert "give the sale's dual-recording (双录) id with --recording-id" in found[0]
    assert check_sale(replace(SALE, recording_id="REC-1"), client, product_risk, CONFIG) == []


@pytest.mark.parametrize("channel, allowed", [("visit", True), ("event", True), ("wechat", True),
                                              ("email", True), ("phone", False), ("sms", False)])
def test_elderly_clients_r4_r5_sales_are_not_made_by_phone_or_sms(channel, allowed):
    client = RiskProfile("C5", TODAY, born_years_ago(70))
    recorded = replace(SALE, channel=channel, recording_id="REC-1")
    found = check_sale(recorded, client, "R4", CONFIG)
    assert (found == []) is allowed
    if not allowed:
        assert f"such a sale is not made by {channel}" in found[0]
    # a younger client may buy the same product by phone
    younger = RiskProfile("C5", TODAY, born_years_ago(64))
    assert check_sale(replace(SALE, channel=channel), younger, "R4", CONFIG) == []


def test_an_override_does_not_replace_the_dual_recording():
    client = RiskProfile("C3", TODAY, born_years_ago(70))
    [problem] = check_sale(OVERRIDE, client, "R5", CONFIG)
    assert "--recording-id" in problem
    assert check_sale(replace(OVERRIDE, recording_id="REC-1"), client, "R5", CONFIG) == []


def test_elderly_age_comes_from_the_configuration():
    client = RiskProfile("C5", TODAY, born_years_ago(66))
    assert check_sale(SALE, client, "R5", CONFIG)
    assert check_sale(SALE, client, "R5", Config({"suitability.elderly_age": 70})) == []


# -- after-sale care and timesheets ------------------------------------------------------------

def test_after_sale_dates_move_to_the_previous_working_day():
    friday = dt.date(2026, 11, 27)
    assert after_sale_dates(friday) == [dt.date(2026, 12, 4), dt.date(2026, 12, 27)]
    # 27 December 2026 is a Sunday: the call falls due on Friday the 25th.
    assert after_sale_dates(friday, WorkCalendar()) == [dt.date(2026, 12, 4), dt.date(2026, 12, 25)]
    # National Day week: 30 September + 7 is a holiday whose previous working day is the day of
    # the sale itself; the call falls due on the first working day after the holiday instead.
    assert after_sale_dates(dt.date(2026, 9, 30), WorkCalendar())[0] == dt.date(2026, 10, 8)


@pytest.mark.parametrize("day, category, minutes, held, expected", [
    (TODAY + dt.timedelta(days=1), "admin", 30, 0, "in the future"),
    (TODAY, "lunch", 30, 0, "category 'lunch'"),
    (TODAY, "admin", 0, 0, "minutes 0"),
    (TODAY, "admin", 1441, 0, "minutes 1441"),
    (TODAY, "admin", 41, 1400, "already holds 1400 minutes"),
])
def test_time_refusals(day, category, minutes, held, expected):
    [problem] = check_time(day, TODAY, category, minutes, held)
    assert expected in problem


@pytest.mark.parametrize("minutes, held", [(1, 0), (1440, 0), (40, 1400)])
def test_time_edges_accepted(minutes, held):
    assert check_time(TODAY, TODAY, "training", minutes, held) == []
