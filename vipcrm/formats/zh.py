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
    "the amounts in {path} add up past what the database can count (about 92 quadrillion "
    "yuan): some balance or amount is far too large; correct it in the bank's extract (at most "
    "10 trillion yuan a row) and import it again":
        "{path} 中的金额合计超出数据库所能计数的范围（约 9.2 亿亿元）：某笔余额或金额过大；请在银行"
        "提取文件中更正（每行最多 10 万亿元）后重新导入",
    "the amounts in {path} add up past what the database can count (about 92 quadrillion "
    "yuan): the largest is {column} {amount} CNY ({row}); correct such amounts in the bank's "
    "extract (at most 10 trillion yuan a row) and import them again":
        "{path} 中的金额合计超出数据库所能计数的范围（约 9.2 亿亿元）：最大的是 {column} {amount} "
        "元（{row}）；请在银行提取文件中更正此类金额（每行最多 10 万亿元）后重新导入",
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
    # -- tables and CSV files for people (formats/output.py, cli/common.py) ------------------
    "not shown at {width} columns: {columns}; --format csv has every column":
        "{width} 列宽度下未显示：{columns}；--format csv 含全部列",
    "row {row} ({key} {value}), column {column}: the character {char} (U+{code}) cannot be "
    "written in {encoding}; nothing was written: choose utf-8-sig or gb18030, which hold every "
    "character":
        "第 {row} 行（{key} {value}）{column} 列：字符 {char}（U+{code}）无法以 {encoding} 编码写出；"
        "未写出任何内容：请选用可容纳所有字符的 utf-8-sig 或 gb18030",
    # -- demo (cli/demo_cmd.py, demo/__init__.py) --------------------------------------------
    "{path} already holds data that is not the demo's ({found}); give --force to load the demo "
    "into it anyway, or choose another --db":
        "{path} 已有非演示数据（{found}）；如仍要载入演示银行请加 --force，或另选 --db",
    "{count} import(s), the latest {file}": "{count} 次导入，最近一次为 {file}",
    "{count} change(s) by hand, the latest `vipcrm {command}`":
        "{count} 次手工录入，最近一次为 `vipcrm {command}`",
    "{imports}; {by_hand}": "{imports}；{by_hand}",
    "big client {client}: pinned to {rm}": "大客户 {client}：锁定给 {rm}",
    "big client {client}: strategy set to {strategy} by hand":
        "大客户 {client}：销售策略手工设为“{strategy}”",
    # -- every command: errors, warnings and usage errors (cli/app.py, cli/common.py) -------------
    "Error: {message}": "错误: {message}",
    "Warning: {message}": "警告: {message}",
    "{message} (see '{command} --help')": "{message}（参见 '{command} --help'）",
    "Invalid value for {option}: {problem}": "{option} 的值无效：{problem}",
    "{value!r}; choose en or zh": "{value!r}；请选择 en 或 zh",
    "{value!r}; choose one of {choices}": "{value!r}；请从 {choices} 中选择",
    "{value} applies to --format csv only, not {format}":
        "{value} 仅适用于 --format csv，不适用于 {format}",
    "from {earliest} to {latest}": "从 {earliest} 到 {latest}",
    "from {earliest} to today ({today})": "从 {earliest} 到今天（{today}）",
    "{value!r} is not a date; write it as YYYY-MM-DD, {accepted}":
        "{value!r} 不是日期；请写作 YYYY-MM-DD，{accepted}",
    "{value!r} is not a real date; write it as YYYY-MM-DD, {accepted}":
        "{value!r} 不是真实存在的日期；请写作 YYYY-MM-DD，{accepted}",
    "{value} is out of range; give a date YYYY-MM-DD {accepted}":
        "{value} 超出范围；请给出{accepted}的 YYYY-MM-DD 日期",
    "not given, so today ({today}), which is before {first}; records start there: give --today "
    "or {option} from {first} on":
        "未指定，即今天（{today}），早于 {first}；记录从该日开始：请给出 --today，或 {first} 及以后的 {option}",
    "{problem}": "{problem}",
    "{path}: {reason}": "{path}：{reason}",
    "{path}: no such file; check the path": "{path}：文件不存在；请检查路径",
    "unknown client {client!r}; check the id": "未知客户 {client!r}；请检查客户号",
    "unknown RM {rm!r}; `vipcrm export rms` lists the RM ids":
        "未知客户经理 {rm!r}；`vipcrm export rms` 可列出客户经理工号",
    "RM {rm} works at branch {its}, not {branch}; drop --branch or choose that branch":
        "客户经理 {rm} 在网点 {its} 工作，不在 {branch}；请去掉 --branch 或选择该网点",
    "unknown branch {branch!r}; no RM or client belongs to it": "未知网点 {branch!r}；没有客户经理或客户属于该网点",
    " (dry run: nothing written)": "（试运行：未写入任何内容）",
    "{feed} {date}": "{feed} {date}",
    "none": "无",
    "stale data: {feeds} older than {days} working day(s) before today; import the latest "
    "extracts before relying on AUM and holdings":
        "数据过期：{feeds} 早于今天之前 {days} 个工作日；请先导入最新数据，再依据资产和持仓行事",
    "stale data: {feeds} older than {days} working day(s) before today; import the latest "
    "extracts before relying on the tiers":
        "数据过期：{feeds} 早于今天之前 {days} 个工作日；请先导入最新数据，再依据客户等级行事",
    "stale data: {feeds} older than {days} working day(s) before today; import the latest "
    "extracts first":
        "数据过期：{feeds} 早于今天之前 {days} 个工作日；请先导入最新数据",
    # -- plan (cli/plan_cmd.py) and its talking points (core/planning.py, core/tasks.py) ----------
    "Data as of: {feeds}": "数据日期：{feeds}",
    "no working day in the 7 days from {date}; use --include-non-working to plan them anyway":
        "{date} 起 7 天内没有工作日；如仍要安排，请用 --include-non-working",
    "{asked} is not a working day; showing the plan for {day}, the next working day "
    "(--include-non-working plans the day as asked)":
        "{asked} 不是工作日；显示下一个工作日 {day} 的计划（--include-non-working 按所问日期安排）",
    "RM {rm} is inactive: its clients are listed under 'unassigned' of branch {branch} until "
    "`vipcrm assign` gives them a new RM":
        "客户经理 {rm} 已不在岗：其客户列在网点 {branch} 的“未分配”下，直到 `vipcrm assign` 为其分配新的客户经理",
    "all RMs": "全部客户经理",
    "vipcrm plan {who} {start}": "vipcrm 计划 {who} {start}",
    "vipcrm plan {who} {start} to {end}": "vipcrm 计划 {who} {start} 至 {end}",
    "{day}  unassigned · {branch} · {lines}": "{day}  未分配 · {branch} · {lines}",
    "{count} more client(s) with open tasks wait for the next working day":
        "另有 {count} 位有待办任务的客户顺延到下一个工作日",
    "nothing due": "今日无待办",
    # An RM's day as blocks of lines on a narrow screen (its due date: "due {date}" below).
    "priority {priority}": "优先级 {priority}",
    "overdue": "逾期",
    "reasons: {reasons}": "事由：{reasons}",
    "{tier} tier": "{tier}客户",
    " (watch)": "（关注）",
    "big corporate": "对公大客户",
    "no tier": "无等级",
    "AUM {amount}": "资产 {amount}",
    "risk {level} valid until {date}": "风险等级 {level}，有效期至 {date}",
    "risk {level} expired {date}": "风险等级 {level}，已于 {date} 过期",
    "no risk assessment": "无风险测评",
    "ask for: {fields}": "请补充：{fields}",
    "last contact {date} {channel} {outcome}": "上次联系 {date} {channel} {outcome}",
    ": {note}": "：{note}",
    ": (planned)": "：（计划中）",
    "never contacted": "从未联系",
    "ID document expires {date}": "证件 {date} 到期",
    "matures {date}: {product} {name}": "{date} 到期：{product} {name}",
    ", amount {amount} CNY": "，金额 {amount} 元",
    "NAV {product} -{pct:.1f}% from its {days}-day high on {date}":
        "净值 {product} 较 {days} 日高点下跌 {pct:.1f}%（{date}）",
    "AUM fell {pct}%+ in {days} days by {date}": "资产在 {days} 日内下降 {pct}% 以上（截至 {date}）",
    "tier under watch: AUM below its floor": "等级关注中：资产低于该等级门槛",
    "follow-up set on {date}": "{date} 约定的回访",
    "after-sale care (+{days} days) for the sale of {date}": "{date} 销售的售后回访（+{days} 天）",
    "{level} visit: {done} of {needed} due by {date}":
        "{level}拜访：{date} 前应完成 {needed} 次，已完成 {done} 次",
    "birthday": "生日",
    "wedding anniversary": "结婚纪念日",
    "{what} on {date}": "{what}：{date}",
    "{festival} holiday from {date}": "{festival}假期自 {date} 起",
    "{period} end {reference}": "{period}末 {reference}",
    "no contact since {date} ({days}-day cadence)": "自 {date} 起未联系（联系周期 {days} 天）",
    "never contacted since entering the tier": "进入该等级后从未联系",
    "never contacted: first call of the go-live round from {date}": "从未联系：{date} 上线后的首轮联系",
    "new {asset_class}: {product} {name} ({risk})": "新{asset_class}产品：{product} {name}（{risk}）",
    "Visit {name} ({client}): {reasons}": "面访 {name}（{client}）：{reasons}",
    "Call {name} ({client}): {reasons}": "致电 {name}（{client}）：{reasons}",
    "overdue since {date}": "自 {date} 起逾期",
    # The plan's due date is 截止日, as its column: 到期 is a maturity.
    "due {date}": "截止日 {date}",
    "strategy {strategy}: {meaning}": "销售策略 {strategy}：{meaning}",
    "a good partner: more visits and budget": "优质合作伙伴，加大走访与投入",
    "price concession for large contracts paid well": "合同量大且回款好，可给予价格优惠",
    "looser collection terms for a stable high-price client": "稳定的高价客户，可放宽回款条件",
    "birthday of decision maker {name} ({role}) on {date}": "决策人 {name}（{role}）生日：{date}",
    "birthday of decision maker {name} on {date}": "决策人 {name} 生日：{date}",
    "campaign {id}: {product} {name} ({risk}), fit {score}":
        "营销活动 {id}：{product} {name}（{risk}），匹配度 {score}",
    "campaign {id} {campaign}: {product} {name} ({risk}), fit {score}":
        "营销活动 {id}“{campaign}”：{product} {name}（{risk}），匹配度 {score}",
    " ({reasons})": "（{reasons}）",
    "prefers {asset_class}": "偏好{asset_class}",
    "idle cash": "有闲置资金",
    "funds maturing {date}": "资金 {date} 到期",
    "; in person with its dual recording (双录)": "；须面访并双录",
    "attrition risk {score}/100 scored {date} ({factors})":
        "流失风险 {score}/100（{date} 评分：{factors}）",
    "AUM trend {points}": "资产趋势 {points}",
    "transfers out {points}": "跨行转出 {points}",
    "contact {points}": "联系减少 {points}",
    "maturities not reinvested {points}": "到期未续投 {points}",
    # -- tier (cli/tier_cmd.py, store/tiering.py) -------------------------------------------------
    "--recompute, --as-of, --dry-run and --rebuild go without a subcommand":
        "--recompute、--as-of、--dry-run 和 --rebuild 不能与子命令同用",
    "add --recompute": "请加上 --recompute",
    "replayed {date}": "已重放 {date}",
    "basis {basis}": "口径 {basis}",
    "basis {basis}, {days}-day window": "口径 {basis}，{days} 天窗口",
    "tiers as of {date}, {basis}: {clients} client(s) evaluated, {changes} change(s)":
        "截至 {date} 的客户等级，{basis}：评估 {clients} 位客户，{changes} 项变化",
    "Tiers as of {date}": "截至 {date} 的客户等级",
    " — dry run": " — 试运行",
    "no positions imported yet: no client can hold a tier": "尚未导入持仓：没有客户能获得等级",
    "data as of: {feeds}": "数据日期：{feeds}",
    "balances after {last} are carried forward to {day}": "{last} 之后的余额沿用至 {day}",
    "clients below gold hold no tier and are not listed": "金卡以下客户没有等级，不予列出",
    "{value!r}; choose ok or watch": "{value!r}；请选择 ok 或 watch",
    "tiers were never computed; run `vipcrm tier --recompute`":
        "客户等级从未计算过；请运行 `vipcrm tier --recompute`",
    "tiers as of {date}": "截至 {date} 的客户等级",
    "unknown client {client!r}; check the id or import clients first":
        "未知客户 {client!r}；请检查客户号或先导入客户",
    "{client} is a corporate client: not tiered by AUM (see `tier corporate`)":
        "{client} 是对公客户：不按资产分层（见 `tier corporate`）",
    "{client} closed on {date}: not tiered": "{client} 已于 {date} 销户：不分层",
    "{client} holds no tier (below the gold floor at the last recompute)":
        "{client} 没有等级（上次计算时低于金卡门槛）",
    "no tier change recorded for {client}": "{client} 没有等级变化记录",
    "Tier history of {client}": "{client} 的等级历史",
    "no rating for {previous}: every big client of {year} counts as entered":
        "{previous} 年没有评级：{year} 年的大客户均计为新进",
    "{previous} was never rated: compared with a rating of its metrics":
        "{previous} 年从未评级：与按其指标计算的评级比较",
    "{year}: {rated} corporate(s) rated, {big} big client(s): {entered} entered, {left} left, "
    "{stayed} stayed":
        "{year} 年：评级对公客户 {rated} 位，大客户 {big} 位：新进 {entered}，退出 {left}，保持 {stayed}",
    "{client}: missing {factors} (scored 0 on those factors)": "{client}：缺少 {factors}（这些指标记 0 分）",
    "Corporate rating {year} (big client: score ≥ {threshold})":
        "{year} 年对公客户评级（大客户：得分 ≥ {threshold}）",
    "as-of date {date} is after today ({today}); tiers can only be computed from data already "
    "seen":
        "计算日期 {date} 晚于今天（{today}）；客户等级只能依据已有数据计算",
    "tiers were last recomputed as of {last}; recomputing the earlier date {date} would rewrite "
    "history: add --rebuild to replay it from that date":
        "客户等级上次计算至 {last}；重算更早的日期 {date} 会改写历史：请加 --rebuild 从该日起重放",
    # big clients' strategies (cli/tier_cmd.py, store/corporate.py)
    "goes with --set-strategy CLIENT CLASS": "只能与 --set-strategy（客户号 策略）一起使用",
    "say why the strategy is set by hand: --reason \"...\"":
        "请说明手工设定策略的原因：--reason \"...\"",
    "{client}: its strategy override for {year} is kept but not applied: it is not a big client "
    "of {year}":
        "{client}：其 {year} 年手工设定的策略仍保留但不生效：该客户不是 {year} 年的大客户",
    "{client}: back to its derived strategy {derived} for {year}":
        "{client}：{year} 年恢复为规则得出的策略“{derived}”",
    "{client}: strategy {strategy} for {year} set by hand (derived: {derived}); recorded in the "
    "audit log":
        "{client}：{year} 年的策略手工设为“{strategy}”（规则得出：“{derived}”）；已记入审计日志",
    "{client} is not a corporate client; strategies are for big corporate clients":
        "{client} 不是对公客户；销售策略只针对对公大客户",
    "{client} is not on the big-client list of {year}; only big clients have a strategy (see "
    "`vipcrm tier corporate --year {year}`)":
        "{client} 不在 {year} 年的大客户名单上；只有大客户才有销售策略（见 "
        "`vipcrm tier corporate --year {year}`）",
    "{client} has no strategy override in {year}: its strategy is already the derived one":
        "{client} 在 {year} 年没有手工设定的策略：其策略已是规则得出的策略",
    # -- assign (cli/assign_cmd.py, store/assignment.py) ------------------------------------------
    "ownership: {moves} client(s) moved branch (window {start} to {end})":
        "归属网点：{moves} 位客户变更网点（统计期 {start} 至 {end}）",
    "assign: kept {kept}, new {new}, moved {moved}, unassigned {unassigned}, grade gap changes "
    "{grade_gap}, released {released}":
        "分配：保持 {kept}，新分配 {new}，调整 {moved}，未分配 {unassigned}，职级不足变化 {grade_gap}，释放 {released}",
    "Assignment changes": "分配变化",
    "Assignments": "客户分配",
    "Branch load": "网点负荷",
    "RM load": "客户经理负荷",
    "{client} is already with {rm}; nothing changed": "{client} 已由 {rm} 负责；未做更改",
    "{client} is already with {rm} (pinned); nothing changed": "{client} 已由 {rm} 负责（已锁定）；未做更改",
    "{client}: {before} -> {rm}": "{client}：{before} -> {rm}",
    "no RM": "无客户经理",
    " (pinned)": "（已锁定）",
    " (grade gap)": "（职级不足）",
    "closed on {date}: closed clients have no RM": "已于 {date} 销户：销户客户没有客户经理",
    "no active RM works at {branch}": "网点 {branch} 没有在岗的客户经理",
    "no RM at {branch} has room (capacity full)": "网点 {branch} 的客户经理都已满额",
    "its RM left; a corporate client waits for `assign set --pin`":
        "其客户经理已离岗；对公客户等待 `assign set --pin`",
    "corporate clients are assigned by hand (`assign set --pin`)": "对公客户由人工分配（`assign set --pin`）",
    "no tier (below gold): not assigned unless pinned": "无等级（低于金卡）：除非锁定，否则不分配",
    "not assigned yet: run `vipcrm assign`": "尚未分配：请运行 `vipcrm assign`",
    "pinned by hand to {rm}: kept while the RM is active": "人工锁定给 {rm}：该客户经理在岗期间保持不变",
    "{tier} needs grade {required} or higher; no such RM at {branch} had room, so the highest "
    "grade with room ({grade}) took it (grade_gap)":
        "{tier}客户需要{required}或以上职级；{branch} 没有此类客户经理有余额，故由有余额的最高职级（{grade}）负责（职级不足）",
    "{tier} needs {required} or higher": "{tier}客户需要{required}或以上职级",
    "any grade will do": "任何职级均可",
    "{rm} (grade {grade}) works at {branch}, the ownership branch, and {need}; last change: "
    "{reason} on {date}":
        "{rm}（{grade}）在归属网点 {branch} 工作，且{need}；上次变化：{date} {reason}",
    "Client {client} {name} ({segment})": "客户 {client} {name}（{segment}）",
    "  tier: {tier} ({status}, since {since}), basis AUM {aum}":
        "  等级：{tier}（{status}，自 {since}），定级资产 {aum}",
    "  tier: {tier}": "  等级：{tier}",
    "  home branch: {branch}": "  开户网点：{branch}",
    "  ownership: {branch} ({basis}, since {since})": "  归属网点：{branch}（{basis}，自 {since}）",
    "  ownership: {branch}": "  归属网点：{branch}",
    "not computed yet": "尚未计算",
    "  transactions {start} to {end}:": "  {start} 至 {end} 的交易：",
    "    {branch}: {count} (last {date})": "    {branch}：{count} 笔（最近 {date}）",
    "    none: owned by the home branch": "    无：归属开户网点",
    "    today's data gives {branch} ({basis}); the next `vipcrm assign` applies it":
        "    按今天的数据应为 {branch}（{basis}）；下次 `vipcrm assign` 时生效",
    "  RM: {rm} at {branch}, grade {grade}, {state}, {load}/{capacity} clients":
        "  客户经理：{rm}，网点 {branch}，{grade}，{state}，客户 {load}/{capacity}",
    "active": "在岗",
    "inactive": "不在岗",
    ", pinned": "，已锁定",
    ", grade gap": "，职级不足",
    "  RM: none ({reason})": "  客户经理：无（{reason}）",
    "no assignment": "未分配",
    "  why: {why}": "  原因：{why}",
    "  assignment history:": "  分配历史：",
    "    {date}: {before} -> {after} ({reason})": "    {date}：{before} -> {after}（{reason}）",
    "  ownership history:": "  归属网点历史：",
    "unknown client {client!r}; check the id (`vipcrm assign list` shows assigned clients)":
        "未知客户 {client!r}；请检查客户号（`vipcrm assign list` 列出已分配的客户）",
    "client {client} was closed on {date}; closed clients have no RM":
        "客户 {client} 已于 {date} 销户；销户客户没有客户经理",
    "{client} is a corporate client; corporate clients are assigned by hand and kept: add --pin":
        "{client} 是对公客户；对公客户由人工分配并保持：请加 --pin",
    "unknown RM {rm!r}; check the id (`vipcrm assign load` lists the RMs)":
        "未知客户经理 {rm!r}；请检查工号（`vipcrm assign load` 列出客户经理）",
    "RM {rm} is inactive; choose an active RM (`vipcrm assign load`)":
        "客户经理 {rm} 已不在岗；请选择在岗的客户经理（`vipcrm assign load`）",
    "{rm} works at {its} but {client} is owned by {branch}; the next `vipcrm assign` moves it "
    "unless pinned":
        "{rm} 在 {its} 工作，而 {client} 归属 {branch}；除非锁定，下次 `vipcrm assign` 会调整",
    "{tier} needs grade {required} or higher and {rm} is {grade}; the next `vipcrm assign` moves "
    "it unless pinned":
        "{tier}客户需要{required}或以上职级，而 {rm} 是{grade}；除非锁定，下次 `vipcrm assign` 会调整",
    "{client} has no tier; the next `vipcrm assign` releases it unless pinned":
        "{client} 没有等级；除非锁定，下次 `vipcrm assign` 会释放",
    # -- client (cli/client_cmd.py, store/clients.py) ---------------------------------------------
    "  ({segment}, home branch {branch})": "  （{segment}，开户网点 {branch}）",
    "  closed {date}": "  {date} 销户",
    "Corporate rating: {standing}": "对公评级：{standing}",
    "{big} {year} (score {score:.1f}, rank {rank})": "{year} 年{big}（得分 {score:.1f}，排名 {rank}）",
    "big client": "大客户",
    "not a big client": "非大客户",
    "not rated": "未评级",
    "Strategy: {strategy}": "销售策略：{strategy}",
    "{strategy}, commission {commission}": "{strategy}，提成类别 {commission}",
    " (overridden: {reason}; derived {derived})": "（手工设定：{reason}；规则得出“{derived}”）",
    "; also meets {rules}": "；亦符合{rules}",
    "Tier: {tier} ({status}, since {since}, basis AUM {aum})":
        "等级：{tier}（{status}，自 {since}，定级资产 {aum}）",
    "Tier: {tier}": "等级：{tier}",
    "{standing}   AUM today: {aum} CNY": "{standing}   今日资产：{aum} 元",
    "{rm} {name} ({grade}), since {since} ({flags})": "{rm} {name}（{grade}），自 {since}（{flags}）",
    "pinned": "已锁定",
    "grade gap": "职级不足",
    "RM inactive": "客户经理不在岗",
    "none ({reason})": "无（{reason}）",
    "RM: {rm}   Ownership branch: {branch}": "客户经理：{rm}   归属网点：{branch}",
    "Profile completeness: {pct:.1f}% (target {target}%)": "资料完整度：{pct:.1f}%（目标 {target}%）",
    "Profile completeness: {pct:.1f}% (target {target}%, below target)":
        "资料完整度：{pct:.1f}%（目标 {target}%，未达标）",
    "; missing: {fields}": "；缺少：{fields}",
    "Holdings": "持仓",
    "AUM trend": "资产走势",
    "Open tasks": "待办任务",
    "Tier history": "等级历史",
    "Recent contacts": "最近联系",
    "Referrals": "转介绍",
    "Key people": "关键人",
    "Products used": "使用产品",
    "Share of wallet and plan": "业务份额与计划",
    "{title}: none": "{title}：无",
    "--set {item!r}: write field=value with a field among {fields}":
        "--set {item!r}：请写作 字段=值，字段为 {fields} 之一",
    "{client}: nothing to update, the profile already holds these values":
        "{client}：无需更新，资料已是这些值",
    "{client}: updated {fields}; profile completeness {before:.1f}% -> {after:.1f}% (target "
    "{target}%)":
        "{client}：已更新 {fields}；资料完整度 {before:.1f}% -> {after:.1f}%（目标 {target}%）",
    "closed on the new data: {tasks}": "新数据已关闭：{tasks}",
    "{reason} [{reference}]": "{reason} [{reference}]",
    "{field} is not a profile field; use one of {fields}": "{field} 不是资料字段；请使用 {fields} 之一",
    "{field}: {problem}": "{field}：{problem}",
    "{field} {date} is after today ({today}); check the date":
        "{field} {date} 晚于今天（{today}）；请检查日期",
    "contact_consent cannot be empty; use all, service_only or none":
        "contact_consent 不能为空；请使用 all、service_only 或 none",
    # -- followup (cli/followup_cmd.py, core/followup.py) -----------------------------------------
    "unknown RM {rm!r} ({what}); check the RM id (vipcrm assign list)":
        "未知客户经理 {rm!r}（{what}）；请检查工号（vipcrm assign list）",
    "RM {rm} ({what}) is no longer active; {fix}": "客户经理 {rm}（{what}）已不在岗；{fix}",
    "record it under an active RM": "请记在在岗的客户经理名下",
    "--confirm-elderly is retired: an R4-R5 sale to an elderly client (suitability.elderly_age) "
    "or one of unknown age needs its dual-recording (双录) id, --recording-id ID, and a channel "
    "other than phone or SMS":
        "--confirm-elderly 已停用：向老年客户（suitability.elderly_age）或年龄未知的客户销售 R4-R5 产品，需要双录编号 "
        "--recording-id ID，且渠道不能是电话或短信",
    "after the contact's date {day}, up to {latest}": "联系日期 {day} 之后、{latest} 及之前",
    "unknown client {client!r}; check the id (vipcrm client show ID)":
        "未知客户 {client!r}；请检查客户号（vipcrm client show ID）",
    "client {client} closed its relationship on {date}; contacts after that are not logged":
        "客户 {client} 已于 {date} 终止关系；此后的联系不予记录",
    "client {client} has no RM; say who made the contact with --rm":
        "客户 {client} 没有客户经理；请用 --rm 说明由谁联系",
    "the RM of {client}": "{client} 的客户经理",
    "say who made the contact with --rm": "请用 --rm 说明由谁联系",
    "unknown product {product!r}; import it first (vipcrm import products)":
        "未知产品 {product!r}；请先导入（vipcrm import products）",
    "no sale {sale} of client {client} on or before {date} to celebrate; log the sale first or "
    "name it with --for-sale":
        "客户 {client} 在 {date} 及之前没有销售 {sale} 可庆祝；请先记录销售，或用 --for-sale 指明",
    "no sale of client {client} on or before {date} to celebrate; log the sale first or name it "
    "with --for-sale":
        "客户 {client} 在 {date} 及之前没有可庆祝的销售；请先记录销售，或用 --for-sale 指明",
    "--for-sale and --recognise are for a celebrate entry (--stage celebrate)":
        "--for-sale 和 --recognise 仅用于庆祝记录（--stage celebrate）",
    "logged {followup}: {client} {channel} {outcome} ({stage}) by {rm}":
        "已记录 {followup}：{client} {channel} {outcome}（{stage}），客户经理 {rm}",
    "logged {followup}: {client} {channel} {outcome} by {rm}":
        "已记录 {followup}：{client} {channel} {outcome}，客户经理 {rm}",
    "completed: {tasks}": "已完成：{tasks}",
    "no answer: open tasks stay open: {reasons}": "未接通：待办任务保持不变：{reasons}",
    "open until the new data arrives (import, or client update --set risk_level=…/id_expiry=…): "
    "{tasks}":
        "待新数据到达后关闭（导入，或 client update --set risk_level=…/id_expiry=…）：{tasks}",
    "unsuitable sale of {product} recorded with override: {reason} (risk warning {warning})":
        "已按例外记录不适当销售 {product}：{reason}（风险提示 {warning}）",
    "cooling-off until {until:%Y-%m-%d %H:%M}: the client may cancel until then":
        "冷静期至 {until:%Y-%m-%d %H:%M}：此前客户可撤销",
    "after-sale care due {first} and {second}": "售后回访：{first} 和 {second}",
    "recognised {rm} for sale {sale} of {date} ({product}, {amount} CNY)":
        "已表彰 {rm}：{date} 的销售 {sale}（{product}，{amount} 元）",
    "prospect {name!r} recorded, referred by {client} to {rm}":
        "已记录潜在客户 {name!r}，由 {client} 转介绍给 {rm}",
    "{what} {value!r}: use one of {choices}": "{what} {value!r}：请使用 {choices} 之一",
    "--from {start} is after --to {end}; swap them": "--from {start} 晚于 --to {end}；请互换",
    "unknown RM {rm!r}; check the RM id": "未知客户经理 {rm!r}；请检查工号",
    "{count} contact(s)": "{count} 条联系记录",
    "{count} prospect(s)": "{count} 位潜在客户",
    "{rm} {date} {category}: +{minutes} min (now {total} min)":
        "{rm} {date} {category}：+{minutes} 分钟（现为 {total} 分钟）",
    "date {date} is in the future; log contacts on or before today": "日期 {date} 在未来；请记录今天及之前的联系",
    "date {date} is {days} days before today; contacts are logged within {limit} days "
    "(followup.max_backdate_days); older contact history goes in with `vipcrm import followups`":
        "日期 {date} 在今天之前 {days} 天；联系须在 {limit} 天内记录（followup.max_backdate_days）；更早的联系历史请用 "
        "`vipcrm import followups` 导入",
    "minutes {minutes}: give 0 to {most}": "分钟数 {minutes}：请给出 0 到 {most}",
    "minutes {minutes}: give 1 to {most}": "分钟数 {minutes}：请给出 1 到 {most}",
    "satisfaction {value}: give 1 to 5": "满意度 {value}：请给出 1 到 5",
    "next date {next} must be after the contact's date {date}": "下次日期 {next} 必须晚于联系日期 {date}",
    "amount must be positive": "金额必须为正数",
    "amount is above the largest a contact records ({most:,} CNY); check the amount":
        "金额超过一条联系所能记录的上限（{most:,} 元）；请检查金额",
    "an amount needs the product it was for (--product)": "金额需要对应的产品（--product）",
    "a contact with no answer has no satisfaction; drop --satisfaction":
        "未接通的联系没有满意度；请去掉 --satisfaction",
    "a contact with no answer brings no referral; drop --referral": "未接通的联系不会带来转介绍；请去掉 --referral",
    "a sale needs --product and --amount": "销售需要 --product 和 --amount",
    "a sale is made with a client who was reached (--outcome reached)":
        "销售只能与已联系上的客户达成（--outcome reached）",
    "--override-reason is for an unsuitable sale only (--stage sale)":
        "--override-reason 仅用于不适当的销售（--stage sale）",
    "--risk-warning-id is for an unsuitable sale only (--stage sale)":
        "--risk-warning-id 仅用于不适当的销售（--stage sale）",
    "--recording-id is for a sale only (--stage sale)": "--recording-id 仅用于销售（--stage sale）",
    "visit levels are for corporate clients only; drop --level": "拜访级别仅用于对公客户；请去掉 --level",
    "a visit level needs --channel visit": "拜访级别需要 --channel visit",
    "the joint RM must be another RM than the one logging the contact": "联合客户经理必须不同于记录联系的客户经理",
    "the client has no risk assessment": "客户没有风险测评",
    "the client's risk assessment of {assessed} is not valid on {date}":
        "客户 {assessed} 的风险测评在 {date} 已失效",
    "unknown date": "日期未知",
    "product risk {risk} is above the client's {level}": "产品风险 {risk} 高于客户的 {level}",
    "unknown (R5)": "未知（按 R5）",
    "unsuitable sale of {product} to {client}: {why}; a wealth product (理财) is never sold to a "
    "client it does not suit, override or not: reassess the client or choose a product within "
    "its level":
        "向 {client} 销售 {product} 不适当：{why}；理财产品绝不向不适当的客户销售，无论是否例外：请重新测评客户或选择其等级内的产品",
    "unsuitable sale of {product} to {client}: {why}; a C1 client is never sold above its level, "
    "override or not: choose an R1 product":
        "向 {client} 销售 {product} 不适当：{why}；C1 客户绝不能购买高于其等级的产品，无论是否例外：请选择 R1 产品",
    "unsuitable sale of {product} to {client}: {why}; reassess the client or give "
    "--override-reason with the --risk-warning-id the client confirmed":
        "向 {client} 销售 {product} 不适当：{why}；请重新测评客户，或给出 --override-reason 及客户确认的 --risk-warning-id",
    "an override of the unsuitable sale of {product} to {client} needs the risk warning the "
    "client confirmed; give its id with --risk-warning-id":
        "向 {client} 销售 {product} 的例外需要客户确认的风险提示；请用 --risk-warning-id 给出其编号",
    "{product} is suitable for {client}; drop --override-reason and --risk-warning-id (overrides "
    "are recorded for unsuitable sales only)":
        "{product} 适合 {client}；请去掉 --override-reason 和 --risk-warning-id（例外只为不适当的销售记录）",
    "of unknown age": "年龄未知",
    "aged {age} or over": "年满 {age} 岁",
    "client {client} is {age} and {product} is {risk}": "客户 {client} {age}，且 {product} 为 {risk}",
    "unrated (R5)": "未评级（按 R5）",
    "{what}: give the sale's dual-recording (双录) id with --recording-id":
        "{what}：请用 --recording-id 给出该销售的双录编号",
    "{what}: such a sale is not made by {channel}; log the recorded meeting (--channel visit, "
    "event, wechat or email)":
        "{what}：此类销售不能通过{channel}达成；请记录有录音录像的会面（--channel visit、event、wechat 或 email）",
    "amount {amount} CNY is below the minimum of {product}, {minimum} CNY; give at least that "
    "with --amount":
        "金额 {amount} 元低于 {product} 的起购金额 {minimum} 元；请用 --amount 给出不低于该金额的数",
    "date {date} is in the future; record time on or before today": "日期 {date} 在未来；请记录今天及之前的工时",
    "the timesheet of {date} already holds {total} minutes; adding {minutes} would pass the "
    "{most} minutes of a day":
        "{date} 的工时已有 {total} 分钟；再加 {minutes} 分钟将超过一天的 {most} 分钟",
    # -- import, export, config and demo (cli/, store/imports.py, demo/) --------------------------
    "{item!r}; write it as 'Their Header=column'": "{item!r}；请写作 '对方表头=列名'",
    "  rejected {line}": "  拒绝 {line}",
    "  … and {count} more rejected row(s)": "  … 另有 {count} 行被拒绝",
    "{kind} {file}: {counts}": "{kind} {file}：{counts}",
    "rejected rows written to {path}": "被拒绝的行已写入 {path}",
    "import {kind}": "导入{kind}",
    "exported {count} {kind} row(s)": "已导出{kind} {count} 行",
    "exported {count} {kind} row(s) (phones and IDs masked)": "已导出{kind} {count} 行（手机号和证件号已脱敏）",
    "{key} = {value}": "{key} = {value}",
    "{path}: not valid TOML ({problem}); fix the file": "{path}：不是有效的 TOML（{problem}）；请修正文件",
    "{path}: {key} is given twice; keep one": "{path}：{key} 出现了两次；请只保留一个",
    "{path}: no settings found": "{path}：未找到任何设置",
    "{count} setting(s) applied from {file}": "已从 {file} 应用 {count} 项设置",
    "{kind}: {counts}": "{kind}：{counts}",
    "tiers as of {date}: {clients} client(s), {changes} change(s)":
        "截至 {date} 的客户等级：{clients} 位客户，{changes} 项变化",
    "assignment: {kept} kept, {changes} change(s)": "分配：保持 {kept}，{changes} 项变化",
    "attrition scores: {clients} client(s), {at_risk} at risk":
        "流失预警评分：{clients} 位客户，{at_risk} 位有流失风险",
    "corporate rating {year}: {count} big client(s)": "{year} 年对公评级：{count} 位大客户",
    "next: {command}": "下一步：{command}",
    "{kind}: rejected {line}": "{kind}：拒绝 {line}",
    "Demo bank: {rms} RMs at {branches}; {retail} retail and {corporate} corporate clients; "
    "{products} products; holdings from {start} to {end}":
        "演示银行：{branches} 共 {rms} 位客户经理；零售客户 {retail} 位，对公客户 {corporate} 位；产品 {products} 个；持仓从 "
        "{start} 到 {end}",
    "To look at: {highlights}": "值得一看：{highlights}",
    "{what} {key}": "{what} {key}",
    "NAV drop": "净值回撤",
    "outflow": "资产流出",
    "below its floor": "低于等级门槛",
    "rising": "资产上升",
    "leaving": "资金转往他行",
    "l2 without the exam": "未通过考试的二级",
    "RM who left": "已离岗的客户经理",
    "{name}={count}": "{name}={count}",
    "unknown kind {kind!r}; kinds: {kinds}": "未知类型 {kind!r}；可用类型：{kinds}",
    "--full-snapshot applies to positions files only": "--full-snapshot 仅适用于持仓文件",
    "ignored column(s) not used by {kind}: {columns}": "已忽略 {kind} 不使用的列：{columns}",
    "line {line}: {reason}": "第 {line} 行：{reason}",
    "{file}: {count} bad row(s) and --strict: nothing imported; fix the rows and import again":
        "{file}：{count} 行有误且指定了 --strict：未导入任何内容；请修正后重新导入",
    "{file}: {count} bad row(s) and --strict: nothing imported; fix the rows listed in {rejects} "
    "and import again":
        "{file}：{count} 行有误且指定了 --strict：未导入任何内容；请修正 {rejects} 中列出的行后重新导入",
    "{clients} and {count} more": "{clients} 等（另有 {count} 位）",
    "full snapshot": "全量快照",
    "{what}: positions of client(s) {clients} were not closed because some of their rows were "
    "rejected; fix those rows and import the file again":
        "{what}：客户 {clients} 的持仓未结清，因为其部分行被拒绝；请修正这些行后重新导入该文件",
    # -- reading import files (formats/csvfile.py) ------------------------------------------------
    "{file}: saved as UTF-16 (Excel 'Unicode text'); save it as 'CSV UTF-8' or 'CSV (comma "
    "delimited)' and import again":
        "{file}：保存为 UTF-16（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或“CSV（逗号分隔）”后重新导入",
    "{file}: not UTF-8 or GB18030/GBK: undecodable byte at offset {offset}; save it as 'CSV "
    "UTF-8' and import again":
        "{file}：不是 UTF-8 或 GB18030/GBK：偏移 {offset} 处有无法解码的字节；请另存为“CSV UTF-8”后重新导入",
    "{file}: not UTF-8 or GB18030/GBK: undecodable byte at offset {offset} (it looks like "
    "{guess}; pass --encoding {guess} if that is right); save it as 'CSV UTF-8' and import again":
        "{file}：不是 UTF-8 或 GB18030/GBK：偏移 {offset} 处有无法解码的字节（看起来是 {guess}；如确是，请加 --encoding "
        "{guess}）；请另存为“CSV UTF-8”后重新导入",
    "{file}: line {line}: {problem}; check the quotes": "{file}：第 {line} 行：{problem}；请检查引号",
    "{file}: undecodable byte at offset {offset} for encoding {encoding}; {fix}":
        "{file}：按编码 {encoding} 在偏移 {offset} 处有无法解码的字节；{fix}",
    "{file}: cannot be decoded as {encoding}; pass --encoding":
        "{file}：无法按 {encoding} 解码；请指定 --encoding",
    "this line reads as GB18030/GBK: import again with --encoding gb18030":
        "该行可按 GB18030/GBK 读取：请加 --encoding gb18030 重新导入",
    "fix the file or pass --encoding": "请修正文件或指定 --encoding",
    "unknown encoding {name}; use {useful}": "未知编码 {name}；请使用 {useful}",
    "--encoding {name}: {codec} is not a text encoding (it turns bytes into bytes); use {useful}":
        "--encoding {name}：{codec} 不是文本编码（它把字节转换为字节）；请使用 {useful}",
    "--encoding {name}: {codec} does not read plain ASCII bytes (commas, quotes, line ends) as "
    "themselves, so a CSV extract cannot be in it; use {useful}":
        "--encoding {name}：{codec} 不能按原样读取 ASCII 字节（逗号、引号、换行），CSV 文件不可能采用它；请使用 {useful}",
    "--encoding {name}: {codec} does not read plain ASCII bytes (commas, quotes, line ends) as "
    "themselves, so a CSV extract cannot be in it (a UTF-16 or UTF-32 file is Excel's 'Unicode "
    "text': save it as 'CSV UTF-8'); use {useful}":
        "--encoding {name}：{codec} 不能按原样读取 ASCII 字节（逗号、引号、换行），CSV 文件不可能采用它（UTF-16 或 UTF-32 文件是 "
        "Excel 的“Unicode 文本”：请另存为“CSV UTF-8”）；请使用 {useful}",
    "{file}: the file is empty; it needs a header line and rows": "{file}：文件为空；需要一行表头和若干数据行",
    "{file}: undecodable byte at offset {offset} for encoding {encoding}":
        "{file}：按编码 {encoding} 在偏移 {offset} 处有无法解码的字节",
    "{file}: the first line is blank; it must be the header": "{file}：第一行为空；第一行必须是表头",
    "--map {theirs}={ours}: {ours!r} is not a column of {kind}; columns: {columns}":
        "--map {theirs}={ours}：{ours!r} 不是 {kind} 的列；可用列：{columns}",
    "{file}: columns {first!r} and {second!r} both mean {column}; remove one or rename it with "
    "--map":
        "{file}：列 {first!r} 和 {second!r} 都表示 {column}；请删除其一或用 --map 改名",
    "{file}: missing required column(s) {columns} for kind {kind}; add them or map yours with "
    "--map 'Your Header={first}'":
        "{file}：缺少 {kind} 的必填列 {columns}；请补上，或用 --map '您的表头={first}' 映射",
    # -- the nightly run (jobs/nightly.py, jobs/inbox.py, jobs/lock.py) ---------------------------
    "{step}: {status} {detail} [{seconds:.1f} s]": "{step}：{status} {detail} [{seconds:.1f} 秒]",
    "{step}: {status} [{seconds:.1f} s]": "{step}：{status} [{seconds:.1f} 秒]",
    "{problem}; tiers, assignment and plans not run": "{problem}；未运行客户分层、分配和计划",
    "exit {code}: {steps} step(s), {failed} failed": "退出码 {code}：{steps} 个步骤，{failed} 个失败",
    "quick_check: {problem}; nothing was imported": "quick_check：{problem}；未导入任何内容",
    "quick_check ok": "quick_check 正常",
    "{path}": "{path}",
    "{path} ({count} old backup(s) removed)": "{path}（已删除 {count} 份旧备份）",
    "inbox {path} is not a folder": "收件箱 {path} 不是文件夹",
    "{problem}; set it with `vipcrm config set {key} true|false`; every file left in the inbox":
        "{problem}；请用 `vipcrm config set {key} true|false` 设置；所有文件留在收件箱中",
    "{step} {kind} {file}": "{step}{kind} {file}",
    "{step} {file}": "{step} {file}",
    "not named after a kind (clients*, positions*, …); left in the inbox":
        "文件名不以类型开头（clients*、positions* …）；留在收件箱中",
    "inbox empty": "收件箱为空",
    "already computed for a date after {today}; nothing to do": "已按 {today} 之后的日期计算过；无需处理",
    "as of {date}: {clients} client(s), {changes} change(s)":
        "截至 {date}：{clients} 位客户，{changes} 项变化",
    "as of {date}: {clients} client(s) scored, {at_risk} at risk, {changes} change(s)":
        "截至 {date}：已评分 {clients} 位客户，{at_risk} 位有流失风险，{changes} 项变化",
    "{kept} kept, {changes} change(s), {moves} ownership move(s)":
        "保持 {kept}，{changes} 项变化，{moves} 次归属网点变更",
    "unassigned {branch}": "未分配 {branch}",
    "{day}: {lines} line(s) in {files} file(s) under {path}":
        "{day}：{lines} 行，共 {files} 个文件，位于 {path}",
    "{done}; {count} CSV file(s) not written, the first {file}: {problem} "
    "(`vipcrm config set outbox.encoding utf-8-sig`)":
        "{done}；{count} 个 CSV 文件未写出，第一个为 {file}：{problem}"
        "（`vipcrm config set outbox.encoding utf-8-sig`）",
    "a symbolic link (to {target}): only files in the inbox itself are imported; left where it is":
        "符号链接（指向 {target}）：只导入收件箱内的文件；保留原处",
    "its real path {path} is outside the inbox; only files in the inbox itself are imported; "
    "left where it is":
        "其真实路径 {path} 在收件箱之外；只导入收件箱内的文件；保留原处",
    "{problem}; left in the inbox for the next run": "{problem}；留在收件箱待下次运行",
    "imported before (rejected={rejected}); moved to done/": "此前已导入（拒绝={rejected}）；已移至 done/",
    "{problem} (moved to failed/)": "{problem}（已移至 failed/）",
    "; {warning}": "；{warning}",
    "{counts}; rejects in done/{file}": "{counts}；被拒绝的行见 done/{file}",
    "another vipcrm nightly run holds {path}; it exits when done":
        "另一个 vipcrm 夜间任务持有 {path}；请待其结束",
    # -- reports (cli/report_cmd.py) --------------------------------------------------------------
    "{day} is after today ({today}); reports cover data already seen":
        "{day} 晚于今天（{today}）；报表只涵盖已有数据",
    "{day} is after the end of the period ({end})": "{day} 晚于期末（{end}）",
    "Period {start} to {end}": "期间 {start} 至 {end}",
    "As of {end}": "截至 {end}",
    "{when}; data as of: {feeds}": "{when}；数据日期：{feeds}",
    "no tier recompute yet, so no client holds a tier; run `vipcrm tier --recompute` first":
        "尚未计算客户等级，故没有客户有等级；请先运行 `vipcrm tier --recompute`",
    "the tier history starts with the first recompute on {first}; earlier days count in the "
    "tiers of that run":
        "等级历史始于 {first} 的首次计算；更早的日子按该次计算的等级统计",
    "{value!r}; give one to three different dimensions of {dimensions}, e.g. tier,risk_level":
        "{value!r}；请从 {dimensions} 中给出一到三个不同的维度，例如 tier,risk_level",
    "Tiers": "客户分层",
    "Tier migration": "等级迁移",
    "Coverage": "客户覆盖",
    "RM books": "客户经理名下客户",
    "VIP time share": "VIP时间占比",
    "target ≥ {target}%": "目标 ≥ {target}%",
    "Sales pipeline": "销售流程",
    "RM scorecard": "客户经理考核",
    "Grade review": "职级评审",
    "{grade} {median}": "{grade} {median}",
    "median score per grade: {medians}": "各职级得分中位数：{medians}",
    "Profile completeness": "客户资料完整度",
    "Segments": "多维客户分层",
    "Big clients": "大客户",
    "no corporate rating up to this year; import `corporates` metrics and run `vipcrm tier "
    "corporate` first":
        "截至今年没有对公评级；请先导入 `corporates` 指标并运行 `vipcrm tier corporate`",
    "review year {year} has not been rated; run `vipcrm tier corporate --year {year}` first":
        "评审年度 {year} 尚未评级；请先运行 `vipcrm tier corporate --year {year}`",
    "review year {year}, compared with {previous}": "评审年度 {year}，与 {previous} 比较",
    "review year {year}, no earlier rated year to compare with": "评审年度 {year}，没有更早的评级年度可比较",
    "dashboard written to {path}": "仪表盘已写入 {path}",
    "{kind} {count} ({amount} CNY)": "{kind} {count} 笔（{amount} 元）",
    "Compliance": "合规检查",
    "Maturities": "到期资金留存",
    "retained: reinvested within {days} days": "留存：{days} 天内再投资",
    # -- operations (cli/ops_cmd.py, store/db.py, store/backup.py) --------------------------------
    "backup written to {path}": "备份已写入 {path}",
    "{count} audit entr(ies)": "{count} 条审计记录",
    "--ended-before {date} is after today; relationships cannot end in the future":
        "--ended-before {date} 晚于今天；客户关系不能在未来终止",
    "{count} client(s) would be purged (dry run: nothing changed)": "将清除 {count} 位客户（试运行：未做任何更改）",
    "{count} client(s) purged: personal data erased, ids pseudonymised":
        "已清除 {count} 位客户：个人信息已删除，客户号已假名化",
    "other vipcrm processes are reading: erased values stay in the write-ahead log until they "
    "finish; run this purge again later to empty it":
        "其他 vipcrm 进程正在读取：已删除的值在其结束前仍留在预写日志中；请稍后再次运行清除以清空",
    "VIPCRM_BUSY_TIMEOUT_MS={value!r}: give a whole number of milliseconds":
        "VIPCRM_BUSY_TIMEOUT_MS={value!r}：请给出整数毫秒",
    "{path} is a folder; give --db the path of a database file": "{path} 是文件夹；请给 --db 指定数据库文件的路径",
    "folder {folder} does not exist; create it or choose another --db":
        "文件夹 {folder} 不存在；请先创建，或另选 --db",
    "{problem} and {count} more problem(s)": "{problem}，另有 {count} 个问题",
    "Total": "合计",
    # -- configuration and the rules' refusals (core/, store/corporate.py) ------------------------
    "expected a whole number {low} to {high}": "应为 {low} 到 {high} 的整数",
    "expected a whole number {low} to {high}, got {got}": "应为 {low} 到 {high} 的整数，实为 {got}",
    "expected true or false, got {value!r}": "应为 true 或 false，实为 {value!r}",
    "expected one of {choices}, got {value!r}": "应为 {choices} 之一，实为 {value!r}",
    "expected a comma-separated list of {classes}, got {value!r}":
        "应为逗号分隔的 {classes} 列表，实为 {value!r}",
    "one key per asset class, {keys} (e.g. {example})": "每个资产类别一个参数 {keys}（例如 {example}）",
    "{key} was replaced by {keys}; set those instead": "{key} 已由{keys}取代；请改为设置这些参数",
    "unknown key {key!r}; valid keys: {keys} (see `vipcrm config show`)":
        "未知参数 {key!r}；有效参数：{keys}（见 `vipcrm config show`）",
    "{key}: {problem}": "{key}：{problem}",
    "import the State Council's schedule with `vipcrm import calendar FILE` or update the "
    "chinesecalendar package":
        "请用 `vipcrm import calendar FILE` 导入国务院公布的安排，或更新 chinesecalendar 软件包",
    "the official holiday schedule for {years} is not in the installed calendar data; working "
    "days are computed (lunar holidays included, adjusted working days 调休 unknown): {fix}":
        "已安装的日历数据中没有 {years} 年的官方节假日安排；工作日按推算（含农历节日，调休未知）：{fix}",
    "the official holiday schedule for {years} is not in the installed calendar data; working "
    "days are computed (lunar holidays included, adjusted working days 调休 unknown; for {unknown} "
    "no public holiday is known at all: weekdays are working days): {fix}":
        "已安装的日历数据中没有 {years} 年的官方节假日安排；工作日按推算（含农历节日，调休未知；{unknown} 年没有任何已知的公众假日：周一至周五均为工作日）：{fix}",
    "the KPI weights (kpi.weights.*) sum to 0; give at least one a weight (vipcrm config set "
    "kpi.weights.results 50)":
        "KPI 权重（kpi.weights.*）之和为 0；请至少给一项设置权重（vipcrm config set kpi.weights.results 50）",
    "every corporate.weights.* is 0: set at least one weight above 0":
        "所有 corporate.weights.* 均为 0：请至少把一项权重设为大于 0",
    "no corporate metrics imported; import a `corporates` file first (vipcrm import corporates "
    "FILE)":
        "尚未导入对公指标；请先导入 `corporates` 文件（vipcrm import corporates FILE）",
    "no corporate metrics for review year {year}; import a `corporates` file with review_year "
    "{year} first":
        "评审年度 {year} 没有对公指标；请先导入 review_year 为 {year} 的 `corporates` 文件",
    # -- campaigns (cli/campaign_cmd.py) -------------------------------------------------------
    "unknown campaign {id}; `vipcrm campaign list` lists them":
        "未知的营销活动 {id}；`vipcrm campaign list` 列出全部活动",
    "unknown product {product!r}; `vipcrm export products` lists them":
        "未知的产品 {product!r}；`vipcrm export products` 列出全部产品",
    "{value!r}; give one or more of {tiers}, comma-separated":
        "{value!r}；请给出 {tiers} 中的一个或多个，以逗号分隔",
    "{value!r}; give an amount from 0 to 10,000,000,000,000 CNY":
        "{value!r}；请给出 0 到 10,000,000,000,000 元的金额",
    "{first} is before today ({today}); a campaign starts today or later, so no plan of a past "
    "day changes":
        "{first} 早于今天（{today}）；营销活动从今天或以后开始，过去日期的计划不会改变",
    "{last} is before the campaign's first day {first}": "{last} 早于营销活动首日 {first}",
    "{first} to {last} is {days} days; a campaign runs at most {most} days":
        "{first} 至 {last} 共 {days} 天；营销活动最长 {most} 天",
    "{value!r}; choose rm or branch": "{value!r}；请选择 rm 或 branch",
    "product {product} is {status}; a campaign sells a product on sale (import the product with "
    "status on_sale)":
        "产品 {product} 状态为 {status}；营销活动只推在售产品（请以 on_sale 状态导入该产品）",
    "no working day from {first} to {last}; give a longer window (--from, --to)":
        "{first} 至 {last} 没有工作日；请放宽活动期间（--from、--to）",
    "no target for a campaign on {product}: {considered} client(s) in the tiers ({excluded}); "
    "nothing was stored: widen --tiers, --branch or --min-aum":
        "{product} 的营销活动没有目标客户：所选等级共 {considered} 位客户（{excluded}）；未保存"
        "任何内容：请放宽 --tiers、--branch 或 --min-aum",
    "dry run: campaign on {product} from {first} to {last} would have {n} target(s) for {rms} "
    "RM(s) or unassigned list(s); nothing stored":
        "试运行：{product} 的营销活动（{first} 至 {last}）将有 {n} 位目标客户，分属 {rms} 位客户"
        "经理或未分配名单；未保存任何内容",
    "campaign {id} \"{name}\" on {product} from {first} to {last}: {n} target(s) for {rms} RM(s) "
    "or unassigned list(s)":
        "营销活动 {id}“{name}”（{product}，{first} 至 {last}）：{n} 位目标客户，分属 {rms} 位"
        "客户经理或未分配名单",
    "considered {considered} client(s) in the tiers; not targeted: {excluded}":
        "所选等级共 {considered} 位客户；未列为目标：{excluded}",
    "{n} {why}": "{n} 位{why}",
    "nobody": "无",
    "{n} target(s) left out, the lowest ranked of RMs without room: campaign.daily_per_rm "
    "{per_day} call(s) a day over {days} working day(s); raise it or give a longer window":
        "{n} 位目标客户因客户经理名额已满未列入（排名最低者）：campaign.daily_per_rm 每日 "
        "{per_day} 通，共 {days} 个工作日；请调高该参数或延长活动期间",
    "{n} more suitable client(s) beyond --limit": "另有 {n} 位适合的客户超出 --limit",
    "campaign {id} \"{name}\": {product} {product_name} ({risk}), {first} to {last}, tiers "
    "{tiers}; {status}":
        "营销活动 {id}“{name}”：{product} {product_name}（{risk}），{first} 至 {last}，等级 "
        "{tiers}；{status}",
    "campaign {id} was closed on {day}; nothing to do": "营销活动 {id} 已于 {day} 结束；无需操作",
    "campaign {id} closed on {day}: its {n} target(s)' calls not made leave the plans from "
    "tomorrow":
        "营销活动 {id} 已于 {day} 结束：其 {n} 位目标客户中尚未联系的，自明日起不再列入计划",
    # -- attrition warning (cli/attrition_cmd.py, store/attrition.py) ------------------------
    "attrition as of {day}: {clients} client(s) scored, {at_risk} at risk (score >= "
    "{threshold}), {changed} change(s) stored":
        "流失预警（{day}）：已评分 {clients} 位客户，{at_risk} 位有流失风险（得分 >= "
        "{threshold}），保存 {changed} 处变化",
    "no attrition scores on or before {day}; the nightly computes them, or run `vipcrm "
    "attrition --recompute`":
        "{day} 及之前没有流失预警评分；夜间任务会计算，或运行 `vipcrm attrition --recompute`",
    "add --recompute (`vipcrm report attrition` shows the scores)":
        "请加上 --recompute（`vipcrm report attrition` 显示评分）",
    "Attrition risk": "客户流失预警",
    "scores of {day}: {at_risk} of {clients} client(s) at risk":
        "{day} 的评分：{clients} 位客户中 {at_risk} 位有流失风险",
    "as-of date {day} is after today ({today}); scores are computed from data already seen":
        "评分日期 {day} 晚于今天（{today}）；评分只能基于已有数据计算",
    "attrition scores were last computed as of {last}; the earlier date {day} would rewrite the "
    "history later runs were compared with: score {last} or later":
        "流失预警最近一次评分日期为 {last}；更早的日期 {day} 会改写后续评分所依据的历史：请对 "
        "{last} 或之后的日期评分",
    # -- households and stated preferences (cli/household_cmd.py, store/households.py,
    #    cli/assign_cmd.py, cli/client_cmd.py, store/clients.py) ---------------------------
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
    # the household visit of a plan (core/planning.py, cli/plan_cmd.py), the demo's highlights
    # and report preferences (cli/preferences_cmd.py)
    "household {household} visit: {members}": "家庭 {household} 上门拜访：{members}",
    "{member}:": "{member}：",
    "household {household}": "家庭 {household}",
    "household visit": "家庭拜访",
    "household": "家庭客户",
    "Stated preferences": "客户产品偏好",
    "{value!r}; give one or more different values of {allowed}, comma-separated":
        "{value!r}；请从 {allowed} 中选择一个或多个不同的值，以逗号分隔",
    "--role: {value!r}; use one of {roles}": "--role：{value!r}；请使用 {roles} 之一",
    # The reasons of a rejected row (import rejects files and their echo on stderr).
    "{column}: {reason}": "{column}：{reason}",
    "is more than wallet_total (our share of the client's business is at most all of it)":
        "超过客户业务总量（我行业务量至多为其全部）",
    "{value} is outside {span}": "{value} 超出 {span}",
    "expected {width} fields, found {found} (a delimiter or quote problem?)":
        "应有 {width} 个字段，实有 {found} 个（分隔符或引号有误？）",
    "required value missing": "缺少必填值",
    "holds an invisible or control character ({code}); retype the id":
        "含不可见字符或控制字符（{code}）；请重新输入编号",
    "{value} is not a real date": "{value} 不是有效日期",
    "{value} is ambiguous (day-first or month-first?); write it as YYYY-MM-DD":
        "{value} 有歧义（日在前还是月在前？）；请写作 YYYY-MM-DD",
    "{value} is not a date; use YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or YYYY年MM月DD日":
        "{value} 不是日期；请用 YYYY-MM-DD、YYYYMMDD、YYYY/MM/DD 或 YYYY年MM月DD日",
    "{value} stands for no date; this column needs a real date":
        "{value} 表示无日期；此列须填真实日期",
    "{value} is outside {low} to {high}": "{value} 超出 {low} 至 {high} 的范围",
    "{value} has more than 2 decimals; amounts are in yuan and fen":
        "{value} 超过 2 位小数；金额以元为单位，精确到分",
    "{value} is not an amount; write e.g. 1234.50 or 1,234.50":
        "{value} 不是金额；请写作如 1234.50 或 1,234.50",
    "is more than {limit} CNY, the most one row may hold; check the amount's unit (yuan, not fen)":
        "超过 {limit} 元，即单行金额上限；请检查金额单位（元，而非分）",
    "{value} is not a number with at most {places} decimals":
        "{value} 不是至多 {places} 位小数的数字",
    "has {count} digits before the point; at most {most} fit":
        "整数部分有 {count} 位；至多 {most} 位",
    "has more than {most} digits; no count is that large": "超过 {most} 位数字；没有这么大的数",
    "{value} is not a whole number": "{value} 不是整数",
    "{value} is not a yes/no value; use true/false, yes/no, 1/0, y/n or 是/否":
        "{value} 不是是/否值；请用 true/false、yes/no、1/0、y/n 或 是/否",
    "{value} is not one of {codes}": "{value} 不在 {codes} 之中",
    "is a masked value (****); import the unmasked export (`export --unmask`)":
        "是脱敏值（****）；请导入未脱敏的导出文件（`export --unmask`）",
    "{value} unknown client; import clients first": "{value} 为未知客户；请先导入 clients",
    "{value} unknown product; import products first": "{value} 为未知产品；请先导入 products",
    "{value} unknown rm; import rms first": "{value} 为未知客户经理；请先导入 rms",
    "duplicate key {key} (first on line {first})": "主键 {key} 重复（首次出现在第 {first} 行）",
    "{value} is not a corporate client (segment=corporate)":
        "{value} 不是对公客户（segment=corporate）",
    "required for a product not in the catalogue (or import products first)":
        "产品目录中没有的产品必须填写（或先导入 products）",
}

WORDS: dict[str, dict[str, str]] = {
    "reason": {
        "risk_expiry": "风险测评到期", "id_expiry": "证件到期", "maturity": "到期",
        "nav_drop": "净值回撤", "aum_outflow": "资产流出", "followup_due": "预约回访",
        "corporate_visit": "对公拜访", "birthday": "生日", "anniversary": "纪念日",
        "holiday": "节日问候", "period_end": "期末拜访", "cadence": "周期联系",
        "new_product": "新品推荐",
        "contact_birthday": "决策人生日", "campaign": "营销活动", "retention": "流失挽留",
    },
    "channel": {"phone": "电话", "sms": "短信", "visit": "面访", "event": "活动", "wechat": "微信",
                "email": "邮件"},
    "outcome": {"reached": "已联系", "no_answer": "未接通", "declined": "拒绝", "callback": "约回电"},
    "stage": {"plan": "更新计划", "assess": "需求评估", "sale": "执行销售", "after_sale": "售后跟进",
              "celebrate": "庆祝成功"},
    "status": {"ok": "正常", "watch": "关注"},
    # Talking points (core/tasks.py): "{festival}假期", "{period}末", "{level}拜访", "新{asset_class}产品".
    "festival": {"new_year": "元旦", "spring_festival": "春节", "dragon_boat": "端午节",
                 "mid_autumn": "中秋节", "national_day": "国庆节"},
    "period": {"month": "月", "quarter": "季", "year": "年"},
    "level": {"leadership": "高层", "technical": "技术", "business": "商务"},
    "asset_class": {"deposit": "存款", "wealth": "理财", "fund": "基金", "insurance": "保险",
                    "bond": "债券", "metal": "贵金属", "custody": "第三方存管", "loan": "贷款",
                    "credit": "信用卡"},
    "segment": {"retail": "零售", "corporate": "对公"},
    # Big clients' sales strategies (core/strategy.py) and where a product of a business file
    # comes from (held with the bank, or stated in the client's plan).
    "strategy": {"invest": "加大投入", "price_concession": "价格优惠",
                 "loose_collection": "放宽回款", "standard": "标准"},
    "product_source": {"held": "我行持有", "stated": "计划所列"},
    "basis": {"daily_avg": "月日均", "point": "时点"},
    "time_category": {"vip": "VIP客户", "non_vip": "非VIP客户", "admin": "行政", "training": "培训"},
    # The data-as-of line, import summaries and the nightly step lines.
    "feed": {"positions": "持仓", "transactions": "交易"},
    "kind": {"clients": "客户", "positions": "持仓", "products": "产品", "navs": "净值",
             "rms": "客户经理", "transactions": "交易流水", "followups": "联系记录",
             "timesheets": "工时", "corporates": "对公指标", "calendar": "节假日",
             "contacts_corp": "对公关键人", "corporate_plans": "对公业务计划",
             "households": "家庭成员"},
    "count": {"read": "读取", "inserted": "新增", "updated": "更新", "unchanged": "未变",
              "rejected": "拒绝", "closed": "结清", "created_products": "新建产品"},
    "step": {"backup": "备份", "check": "检查", "import": "导入", "config": "配置",
             "tiers": "客户分层", "assign": "分配", "attrition": "流失预警", "plans": "计划",
             "nightly": "夜间任务"},
    "step_status": {"ok": "成功", "rejects": "有拒绝行", "failed": "失败", "skipped": "跳过"},
    # Tier history, assignments and ownership.
    "tier_reason": {"new": "新进", "upgrade": "升级", "downgrade": "降级", "watch": "关注",
                    "recovered": "恢复", "untiered": "取消等级"},
    "assign_reason": {"new": "新分配", "tier_change": "等级变化", "branch_change": "网点变化",
                      "rm_inactive": "客户经理离岗", "over_capacity": "超出容量",
                      "untiered": "无等级", "manual": "人工分配", "closed": "销户",
                      "grade_gap": "职级不足", "no_capacity": "客户经理已满额",
                      "no_rm": "网点无客户经理", "household": "同户统一服务"},
    "assign_change": {"new": "新分配", "moved": "调整", "unassigned": "未分配",
                      "grade_gap": "职级不足", "released": "释放"},
    "ownership": {"transactions": "交易最多", "home_branch": "开户网点"},
    "review": {"entered": "新进", "stayed": "保持", "left": "退出"},
    # Codes in the report tables (cli/report_cmd.py).
    "report": {
        "plan": "更新计划", "assess": "需求评估", "sale": "执行销售", "after_sale": "售后跟进",
        "celebrate": "庆祝成功", "promote": "晋级", "demote": "降级", "keep": "保持",
        "top_share": "前20%", "bottom_share": "后10%", "trainee_passed": "见习通过考试且不低于中位数",
        "exam_not_passed": "未通过考试", "trainee_below_median": "低于中位数",
        "highest_grade": "已是最高级", "lowest_grade": "已是最低级", "middle": "居中",
        "entered": "新进", "stayed": "保持", "left": "退出", "within_cadence": "周期内已联系",
        "lapsed": "超期未联系", "never": "从未联系", "no_cadence": "无联系周期", "unknown": "未知",
        "single": "单身期", "forming": "家庭形成期", "growing": "家庭成长期", "mature": "家庭成熟期",
        "retired": "退休期", "none": "无", "under_30": "30岁以下", "override": "适当性例外",
        "elderly_high_risk": "老年客户高风险销售", "expired_assessment": "测评失效持仓",
        # report preferences: the dimensions and their values (core/preferences.py).
        "protection": "收益类型", "term": "投资期限", "yield_band": "预期收益率", "protected": "保本",
        "floating": "浮动收益", "short": "短期(≤1年)", "medium": "中期(1-3年)", "long": "长期(>3年)",
        "unstated": "未表达",
    },
    "campaign_status": {"planned": "未开始", "running": "进行中", "ended": "已到期",
                        "closed": "已结束"},
    "target_status": {"waiting": "待联系", "open": "待完成", "reached": "已联系", "sold": "已成交",
                      "missed": "已错过", "withdrawn": "已撤回"},
    "exclusion": {"no_marketing_consent": "未同意营销", "unsuitable": "产品不适合",
                  "holds_product": "已持有该产品"},
    # Stated preferences (core/preferences.py): whether the principal is protected.
    "protection": {"protected": "保本", "floating": "浮动收益"},
    # Household roles (core/household.py ROLES).
    "role": {"head": "户主", "spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"},
}
