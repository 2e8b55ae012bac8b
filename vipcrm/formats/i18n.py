"""English and Chinese labels for tables and messages; codes in CSV/JSON never change."""

from __future__ import annotations

import os

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
    "channel": "渠道", "priority": "优先级", "reasons": "事由", "due": "到期", "overdue": "逾期",
    "talking_points": "沟通要点", "clients": "客户数", "key": "参数", "value": "值",
    "default": "默认值", "kind": "类型", "read": "读取", "inserted": "新增", "updated": "更新",
    "unchanged": "未变", "rejected": "拒绝", "closed": "已结清", "vip_minutes": "VIP分钟",
    "total_minutes": "总分钟", "vip_share_pct": "VIP时间占比%", "on_target": "达标",
    "date": "日期", "outcome": "结果", "stage": "阶段", "minutes": "分钟", "note": "备注",
    "capacity": "容量", "load": "客户数", "used_pct": "使用率%", "score": "得分", "rank": "排名",
    "count": "数量", "share_pct": "占比%", "from": "从", "to": "到", "effective": "生效日",
}
MESSAGES_ZH = {
    "Error": "错误",
    "Warning": "警告",
    "Total": "合计",
}


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


def message(text: str, lang: str) -> str:
    return MESSAGES_ZH.get(text, text) if lang == "zh" else text
