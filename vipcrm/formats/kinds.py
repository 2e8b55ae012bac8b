"""The import kinds of DATA.md: columns, Chinese aliases, types and keys.

This table is the single description of every import file; the reader, the importer, the
exporter and the schema's column lists all follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from vipcrm.core.config import ASSET_CLASSES, GRADES
from vipcrm.core.household import ROLES
from vipcrm.core.text import Text
from vipcrm.formats import values as v

# Column types: how a cell is parsed and how it is stored/exported.
TEXT, DATE, MONEY, INT, BOOL, NAV, RATIO, GUARDED = (
    "text", "date", "money", "int", "bool", "nav", "ratio", "guarded",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] | None = None
    default: object = None  # stored when the cell is empty on first insert

    @property
    def parser(self) -> Callable[[str], object]:
        if self.choices is not None:
            return v.parse_choice(self.choices)
        return {
            TEXT: v.parse_text, DATE: v.parse_date, MONEY: v.parse_money, INT: v.parse_int,
            BOOL: v.parse_bool, NAV: v.parse_decimal(6), RATIO: v.parse_decimal(4),
            GUARDED: v.parse_masked_guarded,
        }[self.type]


@dataclass(frozen=True)
class Kind:
    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (column, table, key column, extra SQL condition) checked for every row of the file.
    references: tuple[tuple[str, str, str, str], ...] = field(default=())
    # (column, SQL condition over {column} placeholders, reason): a row whose values, merged
    # with the stored row of its key as the import would store them, meet the condition is
    # rejected with `column: reason`.
    checks: tuple[tuple[str, str, Text], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _codes(*codes: str, **aliases: str) -> dict[str, str]:
    table = {code: code for code in codes}
    table.update({alias: code for alias, code in aliases.items()})
    return table


SEGMENTS = _codes("retail", "corporate", **{"个人": "retail", "零售": "retail", "对公": "corporate",
                                             "企业": "corporate"})
GENDERS = _codes("M", "F", **{"男": "M", "女": "F", "male": "M", "female": "F"})
RISK_CLIENT = _codes("C1", "C2", "C3", "C4", "C5")
RISK_PRODUCT = _codes("R1", "R2", "R3", "R4", "R5")
CONSENT = _codes("all", "service_only", "none", **{"全部": "all", "仅服务": "service_only", "拒绝": "none"})
ASSETS = _codes(*ASSET_CLASSES, **{"存款": "deposit", "理财": "wealth", "基金": "fund",
                                    "保险": "insurance", "债券": "bond", "贵金属": "metal",
                                    "第三方存管": "custody", "贷款": "loan", "信用卡": "credit"})
PRODUCT_STATUS = _codes("on_sale", "closed", **{"在售": "on_sale", "停售": "closed"})
GRADE_CODES = _codes(*GRADES, **{"高级": "senior", "一级": "l1", "二级": "l2", "三级": "l3",
                                  "四级": "l4", "见习": "trainee"})
CHANNELS = _codes("phone", "sms", "visit", "event", "wechat", "email",
                  **{"电话": "phone", "短信": "sms", "拜访": "visit", "面访": "visit",
                     "活动": "event", "微信": "wechat", "邮件": "email"})
OUTCOMES = _codes("reached", "no_answer", "declined", "callback")
STAGES = _codes("plan", "assess", "sale", "after_sale", "celebrate")
VISIT_LEVELS = _codes("leadership", "technical", "business")
TIMESHEET_CATEGORIES = _codes("vip", "non_vip", "admin", "training")
CALENDAR_TYPES = _codes("holiday", "workday", **{"假日": "holiday", "休息": "holiday",
                                                  "节假日": "holiday", "工作日": "workday",
                                                  "调休上班": "workday", "补班": "workday"})
CREDIT_RATINGS = _codes("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")
# Money moved to or from another bank (the attrition warning's outflow); other transactions
# leave the type empty.
TRANSACTION_TYPES = _codes("transfer_out", "transfer_in",
                           **{"跨行转出": "transfer_out", "他行转出": "transfer_out",
                              "跨行转入": "transfer_in", "他行转入": "transfer_in"})
# Stated product preferences (seed §2.7): principal-protected or floating return, and the
# expected-yield band the client looks for.
PROTECTION = _codes("protected", "floating", **{"保本": "protected", "保本型": "protected",
                                                 "浮动": "floating", "非保本": "floating",
                                                 "浮动收益": "floating"})
YIELD_BANDS = _codes("<3%", "3-5%", ">5%", **{"3%以下": "<3%", "<3": "<3%", "3%-5%": "3-5%",
                                              "3%至5%": "3-5%", "3-5": "3-5%", "3~5%": "3-5%",
                                              "5%以上": ">5%", ">5": ">5%"})
HOUSEHOLD_ROLES = _codes(*ROLES, **{"户主": "head", "配偶": "spouse", "子女": "child",
                                    "父母": "parent", "其他": "other"})

CLIENTS = Kind("clients", "clients", ("client_id",), (
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("name", required=True, aliases=("姓名", "客户姓名")),
    Column("segment", choices=SEGMENTS, aliases=("客户类型",), default="retail"),
    Column("gender", choices=GENDERS, aliases=("性别",)),
    Column("birth_date", DATE, aliases=("出生日期",)),
    Column("wedding_date", DATE, aliases=("结婚纪念日",)),
    Column("phone", GUARDED, aliases=("手机号", "手机号码", "联系电话")),
    Column("email", aliases=("邮箱",)),
    Column("id_number", GUARDED, aliases=("证件号码", "身份证号")),
    Column("id_expiry", DATE, aliases=("证件到期日",)),
    Column("home_branch", required=True, aliases=("所属网点", "开户网点")),
    Column("risk_level", choices=RISK_CLIENT, aliases=("风险等级",)),
    Column("risk_assessed_on", DATE, aliases=("风险测评日期",)),
    Column("occupation", aliases=("职业",)),
    Column("marital_status", aliases=("婚姻状况",)),
    Column("family", aliases=("家庭情况",)),
    Column("hobbies", aliases=("兴趣爱好",)),
    Column("product_preferences", aliases=("产品偏好",)),
    Column("wealth_source", aliases=("财富来源",)),
    Column("preferred_channel", aliases=("偏好渠道",)),
    Column("address", aliases=("地址",)),
    Column("contact_consent", choices=CONSENT, aliases=("营销同意",), default="all"),
    Column("opened_on", DATE, aliases=("开户日期",)),
    Column("closed_on", DATE, aliases=("销户日期",)),
    Column("pref_protection", choices=PROTECTION, aliases=("收益类型偏好", "保本偏好")),
    Column("pref_term_months", INT, aliases=("期限偏好(月)", "投资期限(月)", "期限偏好")),
    Column("pref_yield_band", choices=YIELD_BANDS, aliases=("收益率偏好", "预期收益率")),
))

POSITIONS = Kind("positions", "positions", ("client_id", "product_code", "as_of"), (
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("product_code", required=True, aliases=("产品代码",)),
    Column("as_of", DATE, required=True, aliases=("数据日期",)),
    Column("balance", MONEY, required=True, aliases=("余额", "市值")),
    Column("asset_class", choices=ASSETS, aliases=("资产类别",)),
    Column("maturity_date", DATE, aliases=("到期日",)),
), references=(("client_id", "clients", "client_id", ""),))

PRODUCTS = Kind("products", "products", ("product_code",), (
    Column("product_code", required=True, aliases=("产品代码",)),
    Column("name", required=True, aliases=("产品名称",)),
    Column("asset_class", required=True, choices=ASSETS, aliases=("资产类别",)),
    Column("risk_level", choices=RISK_PRODUCT, aliases=("风险等级",)),
    Column("launch_date", DATE, aliases=("发行日", "起售日")),
    Column("maturity_date", DATE, aliases=("到期日",)),
    Column("status", choices=PRODUCT_STATUS, aliases=("状态",), default="on_sale"),
    Column("min_amount", MONEY, aliases=("起购金额",)),
))

NAVS = Kind("navs", "navs", ("product_code", "date"), (
    Column("product_code", required=True, aliases=("产品代码",)),
    Column("date", DATE, required=True, aliases=("日期", "净值日期")),
    Column("nav", NAV, required=True, aliases=("单位净值",)),
), references=(("product_code", "products", "product_code", ""),))

RMS = Kind("rms", "rms", ("rm_id",), (
    Column("rm_id", required=True, aliases=("客户经理号", "工号")),
    Column("name", required=True, aliases=("姓名",)),
    Column("branch", required=True, aliases=("网点",)),
    Column("grade", required=True, choices=GRADE_CODES, aliases=("等级", "级别")),
    Column("exam_passed", BOOL, aliases=("是否通过考试",), default=1),
    Column("active", BOOL, aliases=("是否在岗",), default=1),
    Column("supervisor_id", aliases=("主管",)),
    Column("hired_on", DATE, aliases=("入职日期",)),
    Column("daily_capacity", INT, aliases=("每日容量",)),
))

TRANSACTIONS = Kind("transactions", "transactions", ("txn_id",), (
    Column("txn_id", required=True, aliases=("流水号",)),
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("date", DATE, required=True, aliases=("交易日期", "日期")),
    Column("branch", required=True, aliases=("网点", "交易网点")),
    Column("amount", MONEY, aliases=("金额", "交易金额")),
    Column("channel", aliases=("渠道",)),
    Column("type", choices=TRANSACTION_TYPES, aliases=("交易类型",)),
), references=(("client_id", "clients", "client_id", ""),))

FOLLOWUPS = Kind("followups", "followups", ("followup_id",), (
    Column("followup_id", required=True, aliases=("记录号",)),
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("rm_id", required=True, aliases=("客户经理号", "工号")),
    Column("date", DATE, required=True, aliases=("联系日期", "日期")),
    Column("channel", required=True, choices=CHANNELS, aliases=("渠道", "联系方式")),
    Column("minutes", INT, aliases=("时长", "分钟")),
    Column("outcome", choices=OUTCOMES, aliases=("结果",), default="reached"),
    Column("stage", choices=STAGES, aliases=("阶段",)),
    Column("note", aliases=("备注",)),
    Column("product_code", aliases=("产品代码",)),
    Column("amount", MONEY, aliases=("金额",)),
    Column("satisfaction", INT, aliases=("满意度",)),
    Column("next_date", DATE, aliases=("下次联系日期",)),
    Column("joint_rm_id", aliases=("协同客户经理",)),
    Column("visit_level", choices=VISIT_LEVELS, aliases=("拜访层级",)),
), references=(
    ("client_id", "clients", "client_id", ""),
    ("rm_id", "rms", "rm_id", ""),
    ("joint_rm_id", "rms", "rm_id", ""),
    ("product_code", "products", "product_code", ""),
))

TIMESHEETS = Kind("timesheets", "timesheets", ("rm_id", "date", "category"), (
    Column("rm_id", required=True, aliases=("客户经理号", "工号")),
    Column("date", DATE, required=True, aliases=("日期",)),
    Column("category", required=True, choices=TIMESHEET_CATEGORIES, aliases=("类别",)),
    Column("minutes", INT, required=True, aliases=("分钟", "时长")),
), references=(("rm_id", "rms", "rm_id", ""),))

CORPORATES = Kind("corporates", "corporates", ("client_id", "review_year"), (
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("review_year", INT, required=True, aliases=("评级年度",)),
    Column("contract_volume", MONEY, aliases=("合同金额",)),
    Column("unit_price", MONEY, aliases=("单价",)),
    Column("revenue", MONEY, aliases=("收入",)),
    Column("collection_rate", RATIO, aliases=("回款率",)),
    Column("profit", MONEY, aliases=("利润",)),
    Column("quality_loss", MONEY, aliases=("质量损失",)),
    Column("industry_influence", INT, aliases=("行业影响力",)),
    Column("credit_rating", choices=CREDIT_RATINGS, aliases=("信用等级",)),
), references=(("client_id", "clients", "client_id", "segment = 'corporate'"),))

# The big-client business file (seed §3.2): key people, and the yearly share-of-wallet plan.
CONTACTS_CORP = Kind("contacts_corp", "corporate_contacts", ("client_id", "name"), (
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("name", required=True, aliases=("联系人", "姓名")),
    Column("role", aliases=("职务",)),
    Column("decision_maker", BOOL, aliases=("是否决策人",), default=0),
    Column("phone", GUARDED, aliases=("手机号", "手机号码", "联系电话")),
    Column("birth_date", DATE, aliases=("出生日期",)),
    Column("note", aliases=("备注",)),
), references=(("client_id", "clients", "client_id", "segment = 'corporate'"),))

CORPORATE_PLANS = Kind("corporate_plans", "corporate_plans", ("client_id", "year"), (
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("year", INT, required=True, aliases=("年度",)),
    Column("wallet_total", MONEY, aliases=("业务总量", "客户业务总量")),
    Column("our_amount", MONEY, aliases=("我行业务量",)),
    Column("products", aliases=("使用产品",)),
    Column("plan", aliases=("业务计划", "计划")),
    Column("owner", aliases=("负责人",)),
), references=(
    ("client_id", "clients", "client_id", "segment = 'corporate'"),
    ("owner", "rms", "rm_id", ""),
), checks=(
    ("our_amount", "{our_amount} > {wallet_total}",
     Text("is more than wallet_total (our share of the client's business is at most all of "
          "it)")),
))

# A client belongs to at most one household: the client is the key, a move is an update.
HOUSEHOLDS = Kind("households", "household_members", ("client_id",), (
    Column("household_id", required=True, aliases=("家庭编号", "家庭号")),
    Column("client_id", required=True, aliases=("客户号", "客户编号")),
    Column("role", choices=HOUSEHOLD_ROLES, aliases=("家庭角色", "成员关系")),
), references=(("client_id", "clients", "client_id", ""),))

CALENDAR = Kind("calendar", "calendar", ("date",), (
    Column("date", DATE, required=True, aliases=("日期",)),
    Column("type", required=True, choices=CALENDAR_TYPES, aliases=("类型",)),
    Column("name", aliases=("名称", "节日")),
))

KINDS: dict[str, Kind] = {k.name: k for k in (
    CLIENTS, POSITIONS, PRODUCTS, NAVS, RMS, TRANSACTIONS, FOLLOWUPS, TIMESHEETS, CORPORATES,
    CONTACTS_CORP, CORPORATE_PLANS, CALENDAR, HOUSEHOLDS,
)}

# The order `nightly` imports in: every kind after the kinds it refers to.
IMPORT_ORDER = ("calendar", "rms", "products", "clients", "households", "positions", "navs",
                "transactions", "followups", "timesheets", "corporates", "contacts_corp",
                "corporate_plans")

# Range checks beyond the type (DATA.md "unknown code").
RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("followups", "satisfaction"): (1, 5),
    ("followups", "minutes"): (0, 24 * 60),
    ("timesheets", "minutes"): (0, 24 * 60),
    ("corporates", "industry_influence"): (1, 5),
    ("corporates", "collection_rate"): (0, 10_000),
    ("corporates", "review_year"): (1900, 9999),
    ("corporate_plans", "year"): (1900, 9999),
    # Amounts of business, never negative (every amount is within values.MONEY_LIMIT).
    ("corporate_plans", "wallet_total"): (0, v.MONEY_LIMIT),
    ("corporate_plans", "our_amount"): (0, v.MONEY_LIMIT),
    ("rms", "daily_capacity"): (1, 1000),
    ("clients", "pref_term_months"): (1, 600),
}

# The dates each date column may hold (docs/files.md "Dates"); TODAY is the import's day. Life
# events and the openings of records happened by today; records of work (contacts, RM time,
# risk assessments) start in 1990, when banks kept them electronically; dates that look ahead
# (maturities, expiries, plans) end in 2100 like the commands' dates (core.dates).
TODAY = "today"
_PAST, _WORK, _DATED, _AHEAD = ("1900-01-01", TODAY), ("1990-01-01", TODAY), \
    ("1990-01-01", "2100-12-31"), ("1900-01-01", "2100-12-31")
DATE_RANGES: dict[tuple[str, str], tuple[str, str]] = {
    ("clients", "birth_date"): _PAST, ("clients", "wedding_date"): _PAST,
    ("clients", "opened_on"): _PAST, ("clients", "closed_on"): _AHEAD,
    ("clients", "id_expiry"): _AHEAD, ("clients", "risk_assessed_on"): _WORK,
    ("positions", "as_of"): _DATED, ("positions", "maturity_date"): _AHEAD,
    ("products", "launch_date"): _AHEAD, ("products", "maturity_date"): _AHEAD,
    ("navs", "date"): _DATED, ("rms", "hired_on"): _PAST, ("transactions", "date"): _DATED,
    ("followups", "date"): _WORK, ("followups", "next_date"): _DATED,
    ("timesheets", "date"): _WORK, ("contacts_corp", "birth_date"): _PAST,
    ("calendar", "date"): _AHEAD,
}
# A long-term ID (长期, 9999-12-31) has no expiry: it replaces a stored expiry date.
LONG_TERM_DATES = {("clients", "id_expiry")}
# Columns holding an id: NFKC-normalised, control and zero-width characters refused
# (values.parse_id), so a lookalike cannot become a second client.
ID_COLUMNS = {"client_id", "rm_id", "product_code", "txn_id", "followup_id", "supervisor_id",
              "joint_rm_id", "household_id", "home_branch", "branch"}
