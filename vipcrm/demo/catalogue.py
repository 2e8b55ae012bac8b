"""What the demo bank sells, its prices, how its contacts read, and its working days."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

DAY = dt.timedelta(days=1)

# code, name, asset class, risk, launched and matures (days from today), status, minimum (CNY)
PRODUCTS = (
    ("DEP-CUR", "活期存款", "deposit", "R1", None, None, "on_sale", 0),
    ("DEP-3M", "三个月定期存款", "deposit", "R1", None, None, "on_sale", 50),
    ("DEP-1Y", "一年期定期存款", "deposit", "R1", None, None, "on_sale", 50),
    ("DEP-LCD", "三年期大额存单", "deposit", "R1", -400, None, "on_sale", 200_000),
    ("DEP-CORP", "单位活期存款", "deposit", "R1", None, None, "on_sale", 0),
    ("WM-CASH", "天天利现金管理理财", "wealth", "R1", -1500, None, "on_sale", 1),
    ("WM-NV", "稳健增利净值型理财", "wealth", "R2", -700, None, "on_sale", 10_000),
    ("WM-90A", "季季盈90天封闭式理财", "wealth", "R2", -83, 7, "closed", 50_000),
    ("WM-180B", "半年盈180天封闭式理财", "wealth", "R3", -172, 9, "closed", 50_000),
    ("WM-OLD", "双月盈60天封闭式理财", "wealth", "R2", -95, -35, "closed", 50_000),
    ("WM-NEW", "新客专享182天理财", "wealth", "R2", -40, 142, "on_sale", 10_000),
    ("WM-1Y", "稳盈一年期理财(新发)", "wealth", "R2", 3, 368, "on_sale", 10_000),
    ("FUND-BOND", "安心纯债债券A", "fund", "R2", -2400, None, "on_sale", 10),
    ("FUND-BAL", "均衡配置混合A", "fund", "R3", -1900, None, "on_sale", 10),
    ("FUND-TECH", "科技成长混合A", "fund", "R4", -1300, None, "on_sale", 10),
    ("FUND-IDX", "沪深300指数增强A", "fund", "R4", -2100, None, "on_sale", 10),
    ("FUND-QDII", "全球精选股票QDII", "fund", "R5", -1600, None, "on_sale", 1000),
    ("FUND-NEW", "红利低波混合A(新发)", "fund", "R3", -2, None, "on_sale", 10),
    ("INS-ANN", "金福年金保险", "insurance", "R2", -1800, None, "on_sale", 10_000),
    ("INS-LIFE", "传世增额终身寿险", "insurance", "R2", -900, None, "on_sale", 10_000),
    ("INS-NEW", "臻享养老年金保险(新)", "insurance", "R2", -45, None, "on_sale", 10_000),
    ("BOND-SAV", "三年期储蓄国债(凭证式)", "bond", "R1", -1085, 10, "closed", 100),
    ("BOND-GOV", "五年期记账式国债", "bond", "R1", -600, 1226, "on_sale", 100),
    ("GOLD-ACC", "积存金", "metal", "R4", -2500, None, "on_sale", 1000),
    ("CUST-SEC", "证券第三方存管", "custody", None, None, None, "on_sale", None),
    ("LOAN-MTG", "个人住房贷款", "loan", None, None, None, "on_sale", None),
)
# NAV on the first day, daily drift and daily volatility; FUND-NEW starts at 1 on its launch.
NAV_PARAMS = {
    "WM-CASH": (1.0412, 0.00008, 0.0),
    "WM-NV": (1.0835, 0.00012, 0.0004),
    "FUND-BOND": (1.1520, 0.00012, 0.0008),
    "FUND-BAL": (1.6340, 0.0002, 0.003),
    "FUND-TECH": (2.1870, 0.0004, 0.004),
    "FUND-IDX": (1.3265, 0.0002, 0.004),
    "FUND-QDII": (1.4410, 0.0003, 0.004),
    "FUND-NEW": (1.0, 0.0001, 0.002),
}
NAV_DROP_PRODUCT = "FUND-TECH"
# What a retail client may already hold, with how popular it is (the new launches are bought
# separately). The products maturing next week are held by few, so maturities do not swamp plans.
HOLDABLE = {"DEP-3M": 3, "DEP-1Y": 3, "DEP-LCD": 2, "WM-CASH": 3, "WM-NV": 3, "WM-90A": 0.8,
            "WM-180B": 0.7, "FUND-BOND": 2, "FUND-BAL": 2, "FUND-TECH": 2, "FUND-IDX": 1.5,
            "FUND-QDII": 1, "INS-ANN": 2, "INS-LIFE": 2, "BOND-SAV": 0.5, "BOND-GOV": 1.5,
            "GOLD-ACC": 1, "CUST-SEC": 1.5}
MASS_HOLDABLE = ("DEP-3M", "DEP-1Y", "WM-CASH", "FUND-BOND")
TERM_DAYS = {"DEP-3M": 91, "DEP-1Y": 365, "DEP-LCD": 1095}

STAGE_NOTES = {
    "plan": ("电话预约面谈", "约客户下周来网点", "邀请参加财富沙龙"),
    "assess": ("客户关注养老规划", "了解子女教育金需求", "客户偏好稳健收益，不接受本金亏损",
               "客户有海外资产配置意向", "讨论下季度资金安排"),
    "sale": ("推荐产品，客户认购", "资产配置方案获客户认可，完成购买"),
    "after_sale": ("售后回访，客户对收益满意", "告知产品净值变动并解释原因", "售后回访，介绍增值服务"),
    "celebrate": ("生日祝福并赠送礼品", "结婚纪念日送花", "感谢客户认购，邀请参加答谢会"),
}
# Thanks for a purchase: a sales journey's celebration (seed §1.3 step 5).
SALE_THANKS = ("感谢客户认购，邀请参加答谢会", "感谢客户认购，赠送答谢礼品", "成交答谢，为客户送上定制礼品")
MINUTES = {"phone": (5, 25), "sms": (1, 2), "visit": (30, 90), "event": (60, 150),
           "wechat": (3, 15), "email": (5, 15)}


def is_working(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not cover yet: weekdays
        return day.weekday() < 5


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        if is_working(day):
            days.append(day)
        day += DAY
    return days


def last_working_day(day: dt.date) -> dt.date:
    while not is_working(day):
        day -= DAY
    return day
