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
    # -- faults of the disk and of the database file (store/db.py, store/backup.py) ----------
    "the disk holding {path} is full: free space and run again; nothing was changed":
        "{path} 所在的磁盘已满：请释放空间后重试；未做任何更改",
    "{path} is damaged ({detail}); restore it from a backup (the latest good vipcrm-DATE.db of "
    "the nightly --backup-dir folder, or a copy taken with `vipcrm backup`)":
        "{path} 已损坏（{detail}）；请用备份恢复（夜间任务 --backup-dir 文件夹中最近一份完好的 "
        "vipcrm-DATE.db，或用 `vipcrm backup` 制作的副本）",
    "quick_check of its copy: {problem}; the copy was deleted, older backups are kept":
        "其副本的 quick_check：{problem}；副本已删除，较早的备份均保留",
    "{path} is busy (another vipcrm run is writing); try again when it has finished":
        "{path} 正忙（另一个 vipcrm 进程正在写入）；请待其完成后重试",
    "{path} is not a vipcrm database (not an SQLite file); check --db":
        "{path} 不是 vipcrm 数据库（不是 SQLite 文件）；请检查 --db",
    "{path} is not a vipcrm database ({detail}); check --db":
        "{path} 不是 vipcrm 数据库（{detail}）；请检查 --db",
    "{path} is read-only: make it writable (chmod u+w) or run as a user who may write it; "
    "nothing was changed":
        "{path} 为只读：请使其可写（chmod u+w）或以有写权限的用户运行；未做任何更改",
    "disk I/O error on {path} ({detail}): check the disk and its free space, then run again; "
    "nothing was changed":
        "{path} 发生磁盘读写错误（{detail}）：请检查磁盘及其剩余空间后重试；未做任何更改",
    "{path} cannot be opened ({detail}); check that the file and its folder may be read, and "
    "written by commands that change data":
        "无法打开 {path}（{detail}）；请确认该文件及其文件夹可读，且对修改数据的命令可写",
    "{path}: {detail}; check the file, or restore it from a backup":
        "{path}：{detail}；请检查该文件，或用备份恢复",
    "{path} does not exist; create it with `vipcrm demo` (a demo bank) or `vipcrm import KIND "
    "FILE`, or check --db / VIPCRM_DB":
        "{path} 不存在；请用 `vipcrm demo`（演示银行）或 `vipcrm import KIND FILE` 创建，"
        "或检查 --db / VIPCRM_DB",
    "{path} was written by a newer vipcrm (unknown migration {names}); upgrade vipcrm to open it":
        "{path} 由更新版本的 vipcrm 写入（未知的迁移 {names}）；请升级 vipcrm 后再打开",
    # -- the files vipcrm writes (store/outputs.py and its callers) --------------------------
    "folder {folder} does not exist; create it first or choose another path for {role}":
        "文件夹 {folder} 不存在；请先创建，或为{role}另选路径",
    "{path} is a folder; give {role} a file name": "{path} 是文件夹；请为{role}指定文件名",
    "{path} is {what}; {role} must never be written there: choose another file":
        "{path} 是{what}；{role}绝不能写在那里：请另选文件",
    "{path} is not a regular file; a backup must be a file of its own: choose a file name":
        "{path} 不是普通文件；备份必须是独立的文件：请指定文件名",
    "{path} exists and is not a database backup; a backup only replaces an older backup: "
    "choose another file":
        "{path} 已存在且不是数据库备份；备份只能替换较早的备份：请另选文件",
    "{path} is an SQLite database (a backup?); {role} is never written over one: choose "
    "another file":
        "{path} 是 SQLite 数据库（备份？）；{role}绝不会覆盖数据库：请另选文件",
    "the database": "数据库本身",
    "the database's write-ahead log": "数据库的预写日志",
    "the database's shared-memory file": "数据库的共享内存文件",
    "the database's rollback journal": "数据库的回滚日志",
    "the nightly run's lock file": "夜间任务的锁文件",
    "an input of this command": "本命令的输入文件",
    "the export": "导出文件",
    "the dashboard": "仪表盘页面",
    "the rejects file": "拒绝行文件",
    "the backup": "备份",
    "the plan file": "计划文件",
    "an inbox file": "收件箱文件",
    "the reason file": "失败原因文件",
    # -- demo (cli/demo_cmd.py, demo/__init__.py) --------------------------------------------
    "{path} already holds data that is not the demo's ({found}); give --force to load the demo "
    "into it anyway, or choose another --db":
        "{path} 已有非演示数据（{found}）；如仍要载入演示银行请加 --force，或另选 --db",
    "{count} import(s), the latest {file}": "{count} 次导入，最近一次为 {file}",
    # -- households and stated preferences (cli/household_cmd.py, store/households.py,
    #    cli/assign_cmd.py, cli/client_cmd.py, store/clients.py) ---------------------------
    "unknown client {client!r}; check the id": "未知客户 {client!r}；请检查客户号",
    "--household: give the household's id, e.g. H0001": "--household：请给出家庭编号，例如 H0001",
    "--{option}: {problem}": "--{option}：{problem}",
    "{client}: in household {household} ({role})": "{client}：已加入家庭 {household}（{role}）",
    "{client}: moved from household {previous} to {household} ({role})":
        "{client}：已从家庭 {previous} 转入 {household}（{role}）",
    "{client} is already in household {household}; nothing changed":
        "{client} 已在家庭 {household} 中；未做任何更改",
    "{client} is a corporate or closed client: it stays listed but adds nothing to the "
    "household's AUM, tier, RM or visits":
        "{client} 为对公或已销户客户：仍列为成员，但不计入家庭资产，也不参与家庭定级、客户经理分配和拜访",
    "{client}: left household {household}": "{client}：已退出家庭 {household}",
    "{client} is in no household; nothing changed": "{client} 不属于任何家庭；未做任何更改",
    "Household {household} ({role}): AUM today {aum} CNY, {count} member(s)":
        "家庭 {household}（{role}）：今日家庭资产 {aum} 元，{count} 名成员",
    "{name}: {value!r} is outside {low}-{high}": "{name}：{value!r} 超出范围 {low}-{high}",
    "  household {household}: its highest member with an RM; the other members join {rm} when "
    "the rules allow it":
        "  家庭 {household}：本客户是家庭中已有客户经理的最高级成员；规则允许时其他成员均转由 {rm} 服务",
    "  household {household}: no other member has an RM to share":
        "  家庭 {household}：没有其他成员有可共享的客户经理",
    "  household {household}: shares {rm}, the RM of its highest member {lead}":
        "  家庭 {household}：与家庭最高级成员 {lead} 共享客户经理 {rm}",
    "  household {household}: pinned by hand, so it keeps its RM instead of {rm}, the RM of its "
    "highest member {lead}":
        "  家庭 {household}：已手工锁定，因此保留自己的客户经理，而非家庭最高级成员 {lead} 的客户经理 {rm}",
    "  household {household}: owned by another branch than {rm} (the RM of its highest member "
    "{lead}), so its own branch serves it; pin it to {rm} to serve the family together":
        "  家庭 {household}：归属网点与 {rm}（家庭最高级成员 {lead} 的客户经理）不同，由本网点服务；"
        "如需全家由同一人服务，请将其锁定给 {rm}",
    "  household {household}: its tier needs a higher grade than {rm}'s (the RM of its highest "
    "member {lead}), so it keeps an RM of its own":
        "  家庭 {household}：其等级所需职级高于 {rm}（家庭最高级成员 {lead} 的客户经理），因此保留自己的客户经理",
    "  household {household}: {rm} (the RM of its highest member {lead}) has no room, so it "
    "keeps an RM of its own":
        "  家庭 {household}：{rm}（家庭最高级成员 {lead} 的客户经理）已满员，因此保留自己的客户经理",
    "  household {household}: the next `vipcrm assign` gives it {rm}, the RM of its highest "
    "member {lead}":
        "  家庭 {household}：下次 `vipcrm assign` 将把它交给家庭最高级成员 {lead} 的客户经理 {rm}",
    "  household {household}: it has no RM, so it cannot share one":
        "  家庭 {household}：本客户尚无客户经理，无法共享",
    "  household {household}: a corporate or closed member takes no part in the household's "
    "assignment":
        "  家庭 {household}：对公或已销户成员不参与家庭的客户经理分配",
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
    "role": {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"},
}
