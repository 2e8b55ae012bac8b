"""English and Chinese labels for tables and messages; codes in CSV/JSON never change."""

from __future__ import annotations

import os
from typing import Any

from vipcrm.core.privacy import mask_in_text
from vipcrm.core.text import Code, Joined, Listing, Text
from vipcrm.formats.zh import SENTENCES, WORDS

TIER_NAMES = {
    "en": {"black_gold": "Black Gold", "diamond": "Diamond", "premier_platinum": "Premier Platinum",
           "platinum": "Platinum", "premier_gold": "Premier Gold", "gold": "Gold", "none": "Mass"},
    "zh": {"black_gold": "黑金", "diamond": "钻石", "premier_platinum": "卓越白金",
           "platinum": "白金", "premier_gold": "卓越金", "gold": "金", "none": "大众"},
}
GRADE_NAMES = {
    "en": {"senior": "Senior", "l1": "L1", "l2": "L2", "l3": "L3", "l4": "L4", "trainee": "Trainee"},
    "zh": {"senior": "高级", "l1": "一级", "l2": "二级", "l3": "三级", "l4": "四级", "trainee": "见习"},
}
HEADERS_ZH = {
    "client_id": "客户号", "name": "姓名", "tier": "等级", "status": "状态", "basis_aum": "定级资产",
    "aum": "资产", "since": "起始日", "branch": "网点", "rm_id": "客户经理", "grade": "职级",
    "grade_gap": "职级不足", "pinned": "锁定", "reason": "原因", "plan_date": "计划日",
    "channel": "渠道", "priority": "优先级", "reasons": "事由", "due": "截止日", "overdue": "逾期",
    "talking_points": "沟通要点", "clients": "客户数", "key": "参数", "value": "值",
    "default": "默认值", "kind": "类型", "read": "读取", "inserted": "新增", "updated": "更新",
    "unchanged": "未变", "rejected": "拒绝", "closed": "已结清", "vip_minutes": "VIP分钟",
    "total_minutes": "总分钟", "vip_share_pct": "VIP时间占比%", "on_target": "达标",
    "date": "日期", "outcome": "结果", "stage": "阶段", "minutes": "分钟", "note": "备注",
    "capacity": "容量", "load": "客户数", "used_pct": "使用率%", "score": "得分", "rank": "排名",
    "count": "数量", "share_pct": "占比%", "from": "从", "to": "到", "effective": "生效日",
}
# Report, tier and assignment keys.
HEADERS_ZH.update({
    "watch": "关注", "clients_pct": "客户占比%", "aum_pct": "资产占比%", "clients_start": "期初客户",
    "aum_start": "期初资产", "clients_change": "客户变化", "aum_change": "资产变化",
    "from_tier": "原等级", "stayed": "不变", "upgraded": "升级", "downgraded": "降级",
    "entered": "新进", "exited": "退出", "eligible": "应覆盖", "covered": "已覆盖",
    "coverage_pct": "覆盖率%", "never_contacted": "从未联系", "overdue_tasks": "逾期任务",
    "missed_tasks": "错过任务", "active": "在岗", "untiered": "未分层", "grade_gaps": "职级不足",
    "tasks_due": "到期任务", "tasks_done": "完成任务", "plan_completion_pct": "计划完成率%",
    "contacts": "联系次数", "converted": "转化客户", "conversion_pct": "转化率%", "amount": "金额",
    "referrals": "转介绍", "overrides": "适当性例外", "after_sale_due": "售后应回访",
    "after_sale_on_time": "售后按时回访", "after_sale_on_time_pct": "售后按时率%",
    "exam_passed": "通过考试", "results": "业绩", "process": "流程", "teamwork": "协作",
    "feedback": "客户反馈", "aum_growth": "资产净增", "sales": "销售额", "upgrades": "客户升级",
    "net_new_money": "净新增资金", "market_move": "市值变动", "cohort": "同级组",
    "cohort_rms": "同级人数", "cohort_median": "同级中位数",
    "tasks_on_time_pct": "任务按时率%", "completeness_pct": "资料完整度%",
    "after_sale_on_time_pct": "售后按时率%", "joint_visits": "联合拜访", "satisfaction": "满意度",
    "position": "名次", "action": "建议", "proposed_grade": "建议职级", "avg_pct": "平均完整度%",
    "at_target": "达标客户", "at_target_pct": "达标率%", "most_missing": "最常缺失",
    "risk_level": "风险等级", "age_band": "年龄段", "life_stage": "人生阶段",
    "product_mix": "主要资产", "engagement": "联系情况", "avg_aum": "户均资产", "big": "大客户",
    "review": "评审", "score_change": "得分变化", "previous_rank": "上次排名", "missing": "缺失指标",
    "contract_volume": "合同量", "unit_price": "单价", "revenue": "销售收入",
    "collection_rate": "回款率", "profit": "利润", "quality_loss": "质量损失",
    "industry_influence": "行业影响力", "credit_rating": "商业信誉",
    "leadership_visits": "高层拜访", "leadership_min": "高层最低", "technical_visits": "技术拜访",
    "technical_min": "技术最低", "business_visits": "商务拜访", "business_min": "商务最低",
    "visits_short": "拜访欠缺", "pinned": "锁定",
    "strategy": "销售策略", "derived_strategy": "规则策略", "commission": "提成类别",
    "meets": "符合规则", "overridden": "手工设定",
    # A big client's business file (client show).
    "role": "职务", "decision_maker": "决策人", "product": "产品", "source": "来源",
    "year": "年度", "wallet_total": "客户业务总量", "our_amount": "我行业务量", "owner": "负责人",
    "products": "计划产品", "plan": "业务计划",
    # Profile fields (DOMAIN §7).
    "phone": "手机号", "birth_date": "出生日期", "gender": "性别", "occupation": "职业",
    "marital_status": "婚姻状况", "family": "家庭情况", "hobbies": "兴趣爱好",
    "product_preferences": "产品偏好", "wealth_source": "财富来源", "preferred_channel": "偏好渠道",
    "address": "地址",
    "new": "新进", "new_watch": "新增关注", "recovered": "恢复", "to_tier": "新等级",
    "as_of": "数据日", "review_year": "评审年度", "reason_detail": "说明",
    # The rest of the client's profile (client show) and the fields named in messages.
    "email": "邮箱", "id_number": "证件号码", "id_expiry": "证件到期日",
    "risk_assessed_on": "风险测评日期", "wedding_date": "结婚纪念日", "contact_consent": "营销同意",
    "opened_on": "开户日期", "closed_on": "销户日期", "segment": "客户类型", "level": "拜访级别",
    "category": "类别", "balance": "余额", "in_aum": "计入资产", "detail": "说明",
    "created_on": "登记日", "next_date": "下次日期",
    # Compliance and maturities reports.
    "product_code": "产品代码", "asset_class": "资产类别", "product_risk": "产品风险",
    "client_risk": "客户风险", "assessed_on": "测评日期", "age": "年龄", "followup_id": "记录号",
    "override_reason": "例外原因", "risk_warning_id": "风险提示确认号", "recording_id": "双录编号",
    "maturities": "到期笔数", "matured": "到期金额", "reinvested": "再投资金额",
    "retention_pct": "留存率%", "pending": "观察期未满", "maturity_date": "到期日",
    "window_end": "观察截止",
    # Campaigns and the attrition warning.
    "campaign_id": "活动编号", "starts_on": "开始日", "ends_on": "结束日", "tiers": "等级",
    "targets": "目标客户", "idle_cash": "闲置资金", "maturing_on": "资金到期日", "slot": "安排日",
    "reached": "已联系", "sold": "已成交", "reached_pct": "联系率%", "trend": "资产趋势",
    "outflow": "跨行转出", "contact": "联系减少", "maturity": "到期未续投", "scored_on": "评分日",
    "at_risk": "流失风险",
    # Households and stated preferences.
    "household_id": "家庭编号", "members": "家庭成员", "household_role": "家庭角色", "counted": "计入家庭资产",
    "dimension": "偏好类别", "preference": "偏好", "pref_protection": "收益类型偏好",
    "pref_term_months": "期限偏好(月)", "pref_yield_band": "收益率偏好",
})

def default_lang() -> str:
    lang = os.environ.get("VIPCRM_LANG")
    if lang in ("en", "zh"):
        return lang
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


def tier_name(code: str | None, lang: str) -> str:
    return TIER_NAMES[lang].get(code or "none", code or "")


def grade_name(code: str | None, lang: str) -> str:
    return GRADE_NAMES[lang].get(code or "", code or "")


def header(key: str, lang: str) -> str:
    if lang == "zh":
        return HEADERS_ZH.get(key, key)
    return key.replace("_", " ")


# Families read as the code itself in English, where a sentence explains with the codes a
# user types (`assign explain`, the profile fields of `client show`), and as the word of the
# family they name in Chinese.
CODE_FAMILIES = {"tier_code": "tier", "grade_code": "grade", "field_code": "field"}


def word(family: str, code: str | None, lang: str) -> str:
    """A code as a person reads it: tiers and grades by name, other codes as themselves in
    English and by the catalogue's word in Chinese."""
    if family in CODE_FAMILIES:
        if lang == "en":
            return code or "none"
        family = CODE_FAMILIES[family]
    if family == "tier":
        return tier_name(code, lang)
    if family == "grade":
        return grade_name(code, lang)
    if code is None:
        return ""
    if lang == "en" and family == "festival":
        return code.replace("_", " ")  # spring_festival -> spring festival
    if family == "field":  # profile fields and other column names: the headers' words
        return header(code, lang)
    if lang == "zh":
        return WORDS.get(family, {}).get(code, code)
    return code


def render(message: Any, lang: str) -> str:
    """A `Text` (or a plain string, or a `Code`) in the user's language."""
    if isinstance(message, Joined):
        return "".join(render(part, lang) for part in message.parts)
    if isinstance(message, Text):
        template = SENTENCES.get(message.template, message.template) if lang == "zh" \
            else message.template
        return template.format(**{name: _param(value, lang)
                                  for name, value in message.params.items()})
    if isinstance(message, Code):
        return word(message.family, message.value, lang)
    if isinstance(message, Listing):
        return LIST_SEPARATOR[lang].join(render(item, lang) for item in message.items)
    return str(message)


LIST_SEPARATOR = {"en": ", ", "zh": "、"}


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, (Text, Code, Listing)):
        return render(value, lang)
    if isinstance(value, str):
        return _Quotable(value)
    return value


class _Quotable(str):
    """A text parameter: a sentence quotes (`{client!r}`) what a person typed or a file held,
    with its phone and ID numbers masked (DOMAIN §9); shown plainly it is as it is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask_in_text(str(self)))
