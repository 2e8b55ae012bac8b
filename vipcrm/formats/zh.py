"""The Chinese catalogue: every sentence and word vipcrm shows a person, in Chinese.

`SENTENCES` maps an English template (the identity of a `vipcrm.core.text.Text`) to its Chinese
template, with the same `{parameters}`; `WORDS` maps the codes of each family (reasons,
channels, …) to the words a Chinese user reads. `tests/test_i18n.py` fails when a sentence of
the code has no entry here, or an entry's parameters differ from its template's.
"""

from __future__ import annotations

SENTENCES: dict[str, str] = {
    # -- errors and warnings of every command (cli/app.py, cli/common.py) --------------------
    "the database is busy (another vipcrm run is writing); try again when it has finished":
        "数据库正忙（另一个 vipcrm 进程正在写入）；请待其完成后重试",
    "{name}: {reason}; check the path and its permissions": "{name}：{reason}；请检查路径及其权限",
}

WORDS: dict[str, dict[str, str]] = {
    "reason": {
        "risk_expiry": "风险测评到期", "id_expiry": "证件到期", "maturity": "产品到期",
        "nav_drop": "净值回撤", "aum_outflow": "资产流出", "followup_due": "约定回访",
        "corporate_visit": "大客户拜访", "birthday": "生日", "anniversary": "纪念日",
        "holiday": "节日问候", "period_end": "期末关怀", "cadence": "周期联系",
        "new_product": "新品推荐",
    },
    "channel": {"phone": "电话", "sms": "短信", "visit": "面访", "event": "活动", "wechat": "微信",
                "email": "邮件"},
    "outcome": {"reached": "已联系", "no_answer": "未接通", "declined": "拒绝", "callback": "约回电"},
    "stage": {"plan": "更新计划", "assess": "需求评估", "sale": "执行销售", "after_sale": "售后跟进",
              "celebrate": "庆祝成功"},
    "status": {"ok": "正常", "watch": "关注"},
}
