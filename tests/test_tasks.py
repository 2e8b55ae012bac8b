"""Tasks of DOMAIN §4, trigger by trigger, as pure functions of one client's data and a day."""

import dataclasses
import datetime as dt

import pytest

from vipcrm.core.calendar import WorkCalendar
from vipcrm.core.config import Config
from vipcrm.core.tasks import (Client, Contact, DataChange, Holding, KeyPerson, PositionPoint,
                               Product, client_tasks, day_context, open_tasks, task_state)

D = dt.date
CAL = WorkCalendar()
CONFIG = Config()
FRESH = D(2026, 6, 1)  # a valid risk assessment for 2026 dates


def days(n):
    return dt.timedelta(days=n)


def client(**kw):
    base = dict(client_id="C1", name="Zhao Lei", tier="black_gold", tier_since=D(2020, 1, 1),
                rm_id="RM1", risk_level="C3", risk_assessed_on=FRESH,
                contacts=(Contact(D(2026, 1, 1), followup_id="old"),))
    base.update(kw)
    return Client(**base)


def ctx(day, products=(), navs=None, config=CONFIG, cal=CAL):
    return day_context(day, config, cal, products={p.product_code: p for p in products},
                       navs=navs)


def tasks_of(c, day, reason=None, **kw):
    found = open_tasks(c, ctx(day, **kw))
    return [t for t in found if reason is None or t.reason == reason]


def holding(code, *points, cls="wealth", maturity=None):
    return Holding(code, tuple(PositionPoint(d, bal, cls, maturity) for d, bal in points))


# ---------------------------------------------------------------------------------------------
# risk_expiry and id_expiry: windows, never missed

def test_risk_expiry_window_and_due():
    c = client(risk_assessed_on=D(2025, 12, 20))  # expires 2026-12-20, a Sunday
    assert tasks_of(c, D(2026, 11, 19), "risk_expiry") == []
    [task] = tasks_of(c, D(2026, 11, 20), "risk_expiry")
    assert task.window_start == D(2026, 11, 20)
    assert task.due == D(2026, 12, 18)  # e - 1 is a Saturday: the Friday before
    assert (task.channel, task.priority, task.expires) == ("phone", 1, None)
    assert tasks_of(c, D(2027, 6, 1), "risk_expiry")  # never missed


@pytest.mark.parametrize("outcome", ["reached", "declined", "callback", "no_answer"])
def test_no_contact_completes_a_compliance_task(outcome):
    # A call does not renew an assessment or an ID: only the data does (issue point 4).
    c = client(risk_assessed_on=D(2025, 12, 21), id_expiry=D(2027, 1, 28),
               contacts=(Contact(D(2026, 11, 25), outcome), Contact(D(2026, 11, 30), outcome,
                                                                   stage="assess")))
    assert {t.reason for t in tasks_of(c, D(2026, 11, 30))} >= {"risk_expiry", "id_expiry"}


def renewed(field, day, old, new, **kw):
    current = {field: new}
    return client(**{**current, **kw}, data_changes=(DataChange(field, day, old, new),))


def test_a_newer_assessment_closes_the_task_of_the_old_one_on_the_day_it_arrives():
    old, new = D(2025, 12, 21), D(2026, 12, 1)  # old expires 2026-12-21: window from 11-21
    c = renewed("risk_assessed_on", D(2026, 12, 2), old, new)
    [task] = tasks_of(c, D(2026, 12, 1), "risk_expiry")
    assert task.reference == "2026-12-21" and task.closed_on == D(2026, 12, 2)
    assert tasks_of(c, D(2026, 12, 2), "risk_expiry") == []
    [seen] = [t for t in client_tasks(c, ctx(D(2026, 12, 2))) if t.reason == "risk_expiry"]
    assert task_state(seen, (), D(2026, 12, 2)) == "done"
    assert task_state(seen, (), D(2026, 12, 1)) == "open"
    # The task of the new assessment is a year away.
    assert [t.reference for t in client_tasks(c, ctx(D(2026, 12, 2)))
            if t.reason == "risk_expiry"] == ["2026-12-21"]


@pytest.mark.parametrize("arrived, produced", [
    (D(2026, 11, 21), False),  # on the day the window opens: never open
    (D(2026, 11, 22), True),
])
def test_data_that_arrives_before_the_window_leaves_no_task(arrived, produced):
    c = renewed("risk_assessed_on", arrived, D(2025, 12, 21), D(2026, 11, 20))
    found = [t for t in client_tasks(c, ctx(D(2026, 11, 30))) if t.reason == "risk_expiry"]
    assert bool(found) is produced
    assert tasks_of(c, D(2026, 11, 30), "risk_expiry") == []


def test_a_plan_of_a_day_before_the_data_arrived_shows_the_old_task():
    c = renewed("id_expiry", D(2026, 12, 10), D(2027, 1, 28), D(2037, 1, 28))
    [task] = tasks_of(c, D(2026, 12, 9), "id_expiry")
    assert task.reference == "2027-01-28" and str(task.detail) == "ID document expires 2027-01-28"
    assert tasks_of(c, D(2026, 12, 10), "id_expiry") == []


@pytest.mark.parametrize("new, state", [
    (D(2027, 1, 29), "done"),  # a later expiry: renewed
    (D(2027, 1, 27), "withdrawn"),  # an earlier one: a correction, which has its own task
    (None, "withdrawn"),  # cleared
])
def test_only_a_later_id_expiry_completes_the_task(new, state):
    c = renewed("id_expiry", D(2026, 12, 1), D(2027, 1, 28), new)
    old = [t for t in client_tasks(c, ctx(D(2026, 12, 1)))
           if t.reason == "id_expiry" and t.reference == "2027-01-28"]
    assert [task_state(t, (), D(2026, 12, 1)) for t in old] == [state]
    if new is not None and new < D(2027, 1, 28):
        assert [t.reference for t in tasks_of(c, D(2026, 12, 1), "id_expiry")] == ["2027-01-27"]


def test_values_replaced_twice_each_keep_their_own_task():
    first, second, third = D(2025, 11, 10), D(2025, 12, 15), D(2026, 11, 25)
    c = client(risk_assessed_on=third, data_changes=(
        DataChange("risk_assessed_on", D(2025, 11, 1), None, first),
        DataChange("risk_assessed_on", D(2025, 12, 1), first, second),
        DataChange("risk_assessed_on", D(2026, 11, 26), second, third)))
    # `first` was replaced before its window opened; `second`'s window opened 2026-11-15.
    found = {t.reference: t for t in client_tasks(c, ctx(D(2026, 11, 30)))
             if t.reason == "risk_expiry"}
    assert list(found) == ["2026-12-15"]
    assert found["2026-12-15"].closed_on == D(2026, 11, 26)
    # Before the first change only the value then known (none) counted.
    assert tasks_of(c, D(2025, 10, 31), "risk_expiry") == []


def test_id_expiry_window():
    c = client(id_expiry=D(2027, 1, 28))
    assert tasks_of(c, D(2026, 10, 29), "id_expiry") == []
    [task] = tasks_of(c, D(2026, 10, 30), "id_expiry")
    assert task.window_start == D(2026, 10, 30) and task.due == D(2026, 12, 29)


# ---------------------------------------------------------------------------------------------
# maturity

def test_maturity_on_a_public_holiday_moves_to_the_previous_working_day():
    m = D(2026, 10, 2)  # National Day holiday; the day before is one too
    c = client(holdings=(holding("WM1", (D(2026, 1, 1), 100_00), maturity=m),))
    [task] = tasks_of(c, D(2026, 9, 28), "maturity")
    assert task.due == D(2026, 9, 30) and CAL.is_working_day(task.due)
    assert task.window_start == m - days(14)  # a wealth product: plan.maturity_lead.wealth
    assert task.reference == "WM1 2026-10-02" and task.expires == D(2026, 10, 7)


def test_maturity_is_missed_after_its_expiry_and_needs_a_held_position():
    m = D(2026, 12, 10)
    c = client(holdings=(holding("WM1", (D(2026, 1, 1), 100_00), maturity=m),))
    assert tasks_of(c, D(2026, 11, 25), "maturity") == []
    assert tasks_of(c, D(2026, 11, 26), "maturity")  # m - 14 for wealth
    assert tasks_of(c, D(2026, 12, 16), "maturity")  # due 12-09 + 7
    assert tasks_of(c, D(2026, 12, 17), "maturity") == []
    [task] = [t for t in client_tasks(c, ctx(D(2026, 12, 17))) if t.reason == "maturity"]
    assert task_state(task, c.contacts, D(2026, 12, 17)) == "missed"
    closed = client(holdings=(holding("WM1", (D(2026, 1, 1), 100_00), (D(2026, 11, 1), 0),
                                      maturity=m),))
    assert tasks_of(closed, D(2026, 12, 7), "maturity") == []


def test_maturity_from_the_product_when_the_position_has_none():
    product = Product("BD1", "3-year bond", "bond", "R1", maturity_date=D(2026, 12, 10))
    c = client(holdings=(holding("BD1", (D(2026, 1, 1), 100_00), cls="bond"),))
    [task] = tasks_of(c, D(2026, 12, 4), "maturity", products=[product])
    assert "BD1 3-year bond" in str(task.detail)


@pytest.mark.parametrize("cls, lead", [("wealth", 14), ("bond", 7), ("deposit", 7),
                                       ("insurance", 7)])
def test_maturity_lead_per_asset_class(cls, lead):
    m = D(2026, 12, 10)
    c = client(holdings=(holding("P1", (D(2026, 1, 1), 100_00), cls=cls, maturity=m),))
    assert tasks_of(c, m - days(lead + 1), "maturity") == []
    [task] = tasks_of(c, m - days(lead), "maturity")
    assert task.window_start == m - days(lead)


def test_maturity_lead_comes_from_the_configuration():
    m = D(2026, 12, 10)
    config = Config({"plan.maturity_lead.bond": 30, "plan.maturity_lead.wealth": 1})
    bond = client(holdings=(holding("B1", (D(2026, 1, 1), 100_00), cls="bond", maturity=m),))
    wealth = client(holdings=(holding("W1", (D(2026, 1, 1), 100_00), maturity=m),))
    assert tasks_of(bond, m - days(30), "maturity", config=config)
    assert tasks_of(bond, m - days(31), "maturity", config=config) == []
    assert tasks_of(wealth, m - days(2), "maturity", config=config) == []
    assert tasks_of(wealth, m - days(1), "maturity", config=config)


def test_maturity_detail_is_a_talking_point_with_the_amount_maturing():
    m = D(2026, 12, 10)
    c = client(holdings=(holding("WM1", (D(2026, 1, 1), 1_234_567_89),
                                 (D(2026, 12, 1), 8_000_000_00), maturity=m),))
    product = Product("WM1", "90-day plan", "wealth", "R2")
    [task] = tasks_of(c, D(2026, 11, 30), "maturity", products=[product])
    assert str(task.detail) == "matures 2026-12-10: WM1 90-day plan, amount 1,234,567.89 CNY"
    # the balance held on the day, then on the due date once that has passed
    [task] = tasks_of(c, D(2026, 12, 12), "maturity", products=[product])
    assert str(task.detail).endswith("amount 8,000,000.00 CNY")


# ---------------------------------------------------------------------------------------------
# nav_drop and aum_outflow: thresholds

def _navs(last):
    start = D(2026, 10, 1)
    series = [(start + days(i), 1_000_000) for i in range(40)]
    return {"FD1": series + [(start + days(40), last)]}  # on 2026-11-10


@pytest.mark.parametrize("last, fires", [(950_000, True), (950_001, False), (900_000, True)])
def test_nav_drop_threshold(last, fires):
    c = client(holdings=(holding("FD1", (D(2026, 1, 1), 100_00), cls="fund"),))
    found = tasks_of(c, D(2026, 11, 11), "nav_drop", navs=_navs(last))
    assert bool(found) is fires
    if fires:
        assert found[0].window_start == D(2026, 11, 10) and found[0].due == D(2026, 11, 12)
        assert found[0].reference == "FD1 2026-11"


def test_nav_drop_needs_the_product_held_that_day_and_expires():
    not_held = client(holdings=(holding("FD1", (D(2026, 11, 20), 100_00), cls="fund"),))
    assert tasks_of(not_held, D(2026, 11, 11), "nav_drop", navs=_navs(900_000)) == []
    c = client(holdings=(holding("FD1", (D(2026, 1, 1), 100_00), cls="fund"),))
    assert tasks_of(c, D(2026, 11, 26), "nav_drop", navs=_navs(900_000))  # due 11-12 + 14
    assert tasks_of(c, D(2026, 11, 27), "nav_drop", navs=_navs(900_000)) == []


@pytest.mark.parametrize("after, fires", [(70_00, True), (70_01, False), (0, True)])
def test_aum_outflow_threshold(after, fires):
    c = client(holdings=(holding("DEP", (D(2026, 9, 1), 100_00), (D(2026, 11, 16), after),
                                 cls="deposit"),))
    found = tasks_of(c, D(2026, 11, 17), "aum_outflow")
    assert bool(found) is fires
    if fires:
        assert found[0].window_start == D(2026, 11, 16) and found[0].due == D(2026, 11, 19)
        assert found[0].channel == "visit"


def test_aum_outflow_counts_only_asset_classes_of_aum():
    c = client(tier="gold", holdings=(
        holding("DEP", (D(2026, 9, 1), 100_00), cls="deposit"),
        holding("LN", (D(2026, 9, 1), 100_00), (D(2026, 11, 16), 0), cls="loan"),
    ))
    assert tasks_of(c, D(2026, 11, 17), "aum_outflow") == []


def test_a_client_under_watch_gets_one_outflow_task_a_month():
    c = client(tier="gold", watch=True, contacts=())
    [task] = tasks_of(c, D(2026, 11, 17), "aum_outflow")
    assert task.reference == "2026-11" and task.channel == "phone"
    contacted = dataclasses.replace(c, contacts=(Contact(D(2026, 11, 10)),))
    assert tasks_of(contacted, D(2026, 11, 17), "aum_outflow") == []
    assert tasks_of(contacted, D(2026, 12, 1), "aum_outflow")[0].reference == "2026-12"


# ---------------------------------------------------------------------------------------------
# followup_due

def test_follow_up_from_a_next_date_and_after_sale_care():
    c = client(contacts=(
        Contact(D(2026, 11, 2), next_date=D(2026, 11, 15), followup_id="F1"),  # a Sunday
        Contact(D(2026, 11, 3), stage="sale", followup_id="F2"),
    ))
    found = {t.reference: t for t in tasks_of(c, D(2026, 11, 13), "followup_due")}
    assert found["F1 next"].due == D(2026, 11, 13) == found["F1 next"].window_start
    assert found["F2 +7"].due == D(2026, 11, 10)
    assert "F2 +30" not in found
    later = {t.reference for t in tasks_of(c, D(2026, 12, 3), "followup_due")}
    assert later == {"F1 next", "F2 +7", "F2 +30"}
    assert "F2 +7" not in {t.reference for t in tasks_of(c, D(2026, 12, 11), "followup_due")}


def test_an_unanswered_sale_brings_no_after_sale_care():
    c = client(contacts=(Contact(D(2026, 11, 3), "no_answer", stage="sale", followup_id="F2"),))
    assert tasks_of(c, D(2026, 11, 12), "followup_due") == []


# ---------------------------------------------------------------------------------------------
# corporate_visit

def corporate(**kw):
    return client(segment="corporate", tier=None, big_corporate=True, contacts=(), **kw)


def test_corporate_visits_spread_over_the_year():
    c = corporate()
    found = {t.reference: t for t in tasks_of(c, D(2026, 11, 30), "corporate_visit")}
    assert set(found) == {"leadership 2026-Q4", "technical 2026-Q4", "business 2026-Q4"}
    assert found["business 2026-Q4"].window_start == D(2026, 10, 1)
    assert found["business 2026-Q4"].due == D(2026, 12, 31) and found["business 2026-Q4"].channel == "visit"
    visited = dataclasses.replace(c, contacts=(
        Contact(D(2026, 2, 1), channel="visit", visit_level="leadership"),
        Contact(D(2026, 3, 1), channel="visit", visit_level="technical"),
        Contact(D(2026, 8, 1), channel="visit", visit_level="technical"),
        Contact(D(2026, 1, 5), channel="visit", visit_level="business"),
        Contact(D(2026, 4, 5), channel="visit", visit_level="business"),
        Contact(D(2026, 7, 5), channel="visit", visit_level="business"),
    ))
    assert [t.reference for t in tasks_of(visited, D(2026, 11, 30), "corporate_visit")] == [
        "business 2026-Q4"]


def test_a_corporate_task_is_done_only_by_a_visit_of_its_level():
    c = dataclasses.replace(corporate(), contacts=(
        Contact(D(2026, 10, 5), channel="phone"),
        Contact(D(2026, 10, 6), channel="visit", visit_level="business"),
    ))
    left = {t.reference for t in tasks_of(c, D(2026, 11, 30), "corporate_visit")}
    assert left == {"leadership 2026-Q4", "technical 2026-Q4"}


def test_a_small_corporate_client_gets_no_task():
    assert client_tasks(dataclasses.replace(corporate(), big_corporate=False),
                        ctx(D(2026, 11, 30))) == []


def test_an_invest_client_is_visited_more_and_the_tasks_follow():
    # Q4 of 2026: the whole yearly minimum is due, 8 business visits instead of 4.
    visited = tuple(Contact(D(2026, m, 5), channel="visit", visit_level="business")
                    for m in (1, 2, 4, 7))
    standard = dataclasses.replace(corporate(), strategy="standard", contacts=visited)
    invest = dataclasses.replace(standard, strategy="invest")
    assert "business 2026-Q4" not in {t.reference for t in tasks_of(standard, D(2026, 11, 30))}
    [task] = [t for t in tasks_of(invest, D(2026, 11, 30)) if t.reference == "business 2026-Q4"]
    assert str(task.detail) == "business visit: 4 of 8 due by 2026-12-31"


# ---------------------------------------------------------------------------------------------
# contact_birthday: a big corporate client's decision makers (key care)

CHAIRMAN = KeyPerson("Wang Jun", "chairman", D(1966, 12, 9))


def test_a_decision_makers_birthday_is_a_visit_in_the_three_days_before():
    c = corporate(key_people=(CHAIRMAN,))
    assert tasks_of(c, D(2026, 12, 5), "contact_birthday") == []
    [task] = tasks_of(c, D(2026, 12, 6), "contact_birthday")
    assert (task.reference, task.window_start, task.due, task.channel, task.priority) == (
        "Wang Jun 2026", D(2026, 12, 6), D(2026, 12, 9), "visit", 2)
    assert str(task.detail) == "birthday of decision maker Wang Jun (chairman) on 2026-12-09"
    assert tasks_of(c, D(2026, 12, 12), "contact_birthday")
    assert tasks_of(c, D(2026, 12, 13), "contact_birthday") == []  # missed after due + 3


def test_a_birthday_on_a_sunday_is_due_the_friday_before_and_a_role_is_optional():
    c = corporate(key_people=(KeyPerson("Li Na", None, D(1980, 12, 13)),))
    [task] = tasks_of(c, D(2026, 12, 10), "contact_birthday")
    assert (task.window_start, task.due) == (D(2026, 12, 10), D(2026, 12, 11))
    assert str(task.detail) == "birthday of decision maker Li Na on 2026-12-13"


@pytest.mark.parametrize("year, expected_due", [
    (2026, D(2026, 2, 28)),  # common year: Feb 28, an adjusted working Saturday
    (2028, D(2028, 2, 29)),
])
def test_feb_29_decision_makers(year, expected_due):
    c = corporate(key_people=(KeyPerson("Zhou Min", "CFO", D(1972, 2, 29)),))
    found = tasks_of(c, expected_due, "contact_birthday")
    assert [(t.reference, t.due) for t in found] == [(f"Zhou Min {year}", expected_due)]


def test_each_decision_maker_has_a_task_and_a_call_covers_them_all():
    c = corporate(key_people=(CHAIRMAN, KeyPerson("Zhou Min", "CFO", D(1975, 12, 8))))
    assert {t.reference for t in tasks_of(c, D(2026, 12, 7), "contact_birthday")} == {
        "Wang Jun 2026", "Zhou Min 2026"}
    called = dataclasses.replace(c, contacts=(Contact(D(2026, 12, 7), channel="phone"),))
    assert tasks_of(called, D(2026, 12, 7), "contact_birthday") == []


@pytest.mark.parametrize("change", [
    {"big_corporate": False},  # not on the big-client list
    {"consent": "service_only"},  # key care is not a service contact
    {"consent": "none"},
    {"closed_on": D(2026, 12, 1)},
])
def test_no_decision_maker_birthday_without_a_big_client_that_may_be_contacted(change):
    c = dataclasses.replace(corporate(key_people=(CHAIRMAN,)), **change)
    assert tasks_of(c, D(2026, 12, 7), "contact_birthday") == []


def test_retail_clients_never_get_corporate_reasons():
    c = client(key_people=(CHAIRMAN,), big_corporate=True)
    assert {t.reason for t in client_tasks(c, ctx(D(2026, 12, 7)))} & {
        "contact_birthday", "corporate_visit"} == set()


def test_the_expiry_of_a_decision_makers_birthday_is_configurable():
    c = corporate(key_people=(CHAIRMAN,))
    config = Config({"plan.expiry_days.contact_birthday": 0})
    assert [t.reason for t in open_tasks(c, day_context(D(2026, 12, 9), config, CAL))
            if t.reason == "contact_birthday"] == ["contact_birthday"]
    assert [t for t in open_tasks(c, day_context(D(2026, 12, 10), config, CAL))
            if t.reason == "contact_birthday"] == []


# ---------------------------------------------------------------------------------------------
# birthday and anniversary (key care)

def test_birthday_of_a_key_tier_is_a_visit_in_the_three_days_before():
    c = client(birth_date=D(1970, 12, 9))
    assert tasks_of(c, D(2026, 12, 5), "birthday") == []
    [task] = tasks_of(c, D(2026, 12, 6), "birthday")
    assert (task.window_start, task.due, task.channel, task.priority) == (
        D(2026, 12, 6), D(2026, 12, 9), "visit", 2)
    assert tasks_of(c, D(2026, 12, 12), "birthday")
    assert tasks_of(c, D(2026, 12, 13), "birthday") == []  # missed after due + 3


def test_birthday_of_a_lower_tier_is_an_sms_on_the_day_or_the_working_day_before():
    c = client(tier="gold", birth_date=D(1980, 12, 13))  # a Sunday in 2026
    [task] = tasks_of(c, D(2026, 12, 11), "birthday")
    assert (task.window_start, task.due, task.channel) == (D(2026, 12, 11), D(2026, 12, 11), "sms")


@pytest.mark.parametrize("year, expected_due", [
    (2026, D(2026, 2, 28)),  # common year: Feb 28, an adjusted working Saturday
    (2028, D(2028, 2, 29)),
])
def test_feb_29_birthdays(year, expected_due):
    c = client(tier="gold", birth_date=D(1972, 2, 29))
    found = tasks_of(c, expected_due, "birthday")
    assert [(t.reference, t.due) for t in found] == [(str(year), expected_due)]


def test_wedding_anniversary_like_a_birthday():
    c = client(tier="diamond", wedding_date=D(1995, 12, 2))
    [task] = tasks_of(c, D(2026, 11, 29), "anniversary")
    assert task.due == D(2026, 12, 2) and task.channel == "visit"


# ---------------------------------------------------------------------------------------------
# holiday and period_end

def test_spring_festival_2026_greetings_fall_in_the_working_days_before_feb_15():
    c = client(tier="gold", contacts=(Contact(D(2026, 2, 1)),))
    open_on = [d for d in (D(2026, 2, 1) + days(i) for i in range(20))
               if any(t.reference == "2026-02-15" for t in tasks_of(c, d, "holiday"))]
    [task] = tasks_of(c, D(2026, 2, 14), "holiday")
    assert (task.window_start, task.due, task.channel) == (D(2026, 2, 10), D(2026, 2, 14), "sms")
    assert open_on[0] == D(2026, 2, 10)
    assert open_on[-1] == D(2026, 2, 17)  # expiry: due + 3
    working = [d for d in open_on if CAL.is_working_day(d)]
    assert working == [D(2026, 2, 10), D(2026, 2, 11), D(2026, 2, 12), D(2026, 2, 13),
                       D(2026, 2, 14)]


def test_period_end_rounds_by_tier():
    day = D(2026, 12, 18)  # the 10th-last working day of December 2026
    by_tier = {}
    for tier in ("black_gold", "diamond", "platinum", "gold"):
        found = tasks_of(client(tier=tier), day, "period_end")
        by_tier[tier] = {(t.reference, t.channel, t.due) for t in found}
    assert by_tier["black_gold"] == {("2026-12", "visit", D(2026, 12, 31))}
    assert by_tier["diamond"] == {("2026-Q4", "visit", D(2026, 12, 31))}
    assert by_tier["platinum"] == {("2026", "phone", D(2026, 12, 31))}
    assert by_tier["gold"] == {("2026", "phone", D(2026, 12, 31))}
    assert tasks_of(client(), D(2026, 12, 17), "period_end") == []


# ---------------------------------------------------------------------------------------------
# cadence and new_product (routine)

def test_cadence_from_the_last_contact_that_counts():
    c = client(tier="black_gold", contacts=(Contact(D(2026, 10, 20)),
                                            Contact(D(2026, 11, 1), "no_answer")))
    assert tasks_of(c, D(2026, 11, 4), "cadence") == []
    [task] = tasks_of(c, D(2026, 11, 5), "cadence")
    assert (task.window_start, task.due, task.priority) == (D(2026, 11, 5), D(2026, 11, 19), 3)
    assert tasks_of(c, D(2027, 3, 1), "cadence")  # never missed


def test_never_contacted_clients_are_due_the_day_they_entered_their_tier():
    [task] = tasks_of(client(contacts=(), tier_since=D(2026, 11, 2)), D(2026, 11, 30), "cadence")
    assert task.due == D(2026, 11, 2)


LAUNCH = D(2026, 11, 23)


def product(code="NEW1", risk="R2", cls="wealth", status="on_sale", launch=LAUNCH):
    return Product(code, "New plan", cls, risk, launch, None, status)


def wealth_client(**kw):
    base = dict(holdings=(holding("OLD", (D(2026, 1, 1), 100_00)),))
    base.update(kw)
    return client(**base)


def test_new_product_for_a_suitable_targeted_client():
    [task] = tasks_of(wealth_client(), D(2026, 11, 25), "new_product", products=[product()])
    assert (task.window_start, task.due, task.channel) == (LAUNCH, D(2026, 11, 30), "phone")
    [task] = tasks_of(wealth_client(tier="platinum"), D(2026, 11, 25), "new_product",
                      products=[product()])
    assert task.channel == "sms"


@pytest.mark.parametrize("client_kw, product_kw", [
    ({"risk_level": "C2"}, {"risk": "R3"}),                            # R above C
    ({"risk_assessed_on": D(2025, 11, 1)}, {}),                        # expired assessment
    ({"risk_level": None, "risk_assessed_on": None}, {}),              # no assessment
    ({"risk_level": "C4"}, {"risk": None}),                            # unknown risk is R5
    ({}, {"cls": "fund"}),                                             # class not held
    ({}, {"status": "closed"}),                                        # not on sale
    ({"holdings": (holding("NEW1", (D(2026, 11, 24), 100_00)),)}, {}),  # already holds it
])
def test_no_unsuitable_or_untargeted_product_is_proposed(client_kw, product_kw):
    assert tasks_of(wealth_client(**client_kw), D(2026, 11, 25), "new_product",
                    products=[product(**product_kw)]) == []


def test_unknown_product_risk_is_fine_for_c5_and_preferences_target():
    c = wealth_client(risk_level="C5", product_preferences="基金, 保险")
    found = tasks_of(c, D(2026, 11, 25), "new_product",
                     products=[product(risk=None, cls="fund")])
    assert [t.reference for t in found] == ["NEW1"]


def test_new_product_expires():
    c = wealth_client()
    assert tasks_of(c, D(2026, 12, 14), "new_product", products=[product()])
    assert tasks_of(c, D(2026, 12, 15), "new_product", products=[product()]) == []


# ---------------------------------------------------------------------------------------------
# Who gets tasks, and consent

RICH = dict(birth_date=D(1970, 12, 1), risk_assessed_on=D(2025, 12, 10),
            id_expiry=D(2027, 1, 15), contacts=())


def test_consent_none_gives_no_task_at_all():
    assert tasks_of(client(**RICH), D(2026, 11, 30))
    assert client_tasks(client(consent="none", **RICH), ctx(D(2026, 11, 30))) == []


def test_service_only_consent_keeps_service_reasons():
    reasons = {t.reason for t in tasks_of(client(consent="service_only", **RICH), D(2026, 11, 30))}
    assert reasons == {"risk_expiry", "id_expiry"}


def test_closed_clients_get_nothing_from_their_closing_day():
    assert client_tasks(client(closed_on=D(2026, 11, 30), **RICH), ctx(D(2026, 11, 30))) == []
    assert client_tasks(client(closed_on=D(2026, 12, 1), **RICH), ctx(D(2026, 11, 30)))


def test_pinned_clients_below_gold_get_class_1_only_and_untiered_nothing():
    pinned = client(tier=None, pinned=True, **RICH)
    assert {t.priority for t in tasks_of(pinned, D(2026, 11, 30))} == {1}
    assert client_tasks(client(tier=None, **RICH), ctx(D(2026, 11, 30))) == []


def test_expiry_configuration_is_honoured():
    config = Config({"plan.expiry_days.birthday": 0})
    c = client(birth_date=D(1970, 12, 9))
    assert all(t.reason != "birthday" for t in open_tasks(c, day_context(D(2026, 12, 10), config, CAL)))
    assert any(t.reason == "birthday" for t in open_tasks(c, day_context(D(2026, 12, 9), config, CAL)))
