"""The dashboard: one self-contained HTML page of inline SVG charts (no script, no network).

Each chart is an `<svg class="chart" id="chart-…">` drawn here from the records of the reports
of the same name, so the page opens in any browser, prints, and can be mailed as one file.
"""

from __future__ import annotations

from html import escape
from typing import Iterable, NamedTuple

from vipcrm.core.config import TIERS
from vipcrm.core.followup import STAGES
from vipcrm.core.planning import feeds_as_of
from vipcrm.core.reports import BAND_KEYS, NONE, TIER_ORDER, Dashboard
from vipcrm.formats.i18n import render, tier_name

CHARTS = ("tiers", "migration", "coverage", "timeshare", "funnel", "completeness")

TIER_COLOURS = {
    "black_gold": "#2b2b2b", "diamond": "#3f6fb5", "premier_platinum": "#6d8299",
    "platinum": "#9fb0c3", "premier_gold": "#c9962a", "gold": "#e3bf55", NONE: "#c9c9c9",
}
BAND_COLOURS = ("#d7301f", "#fc8d59", "#fdcc8a", "#a1d99b", "#31a354")
GOOD, BAD, MUTED, INK, GRID = "#2e8b57", "#d7301f", "#8a8a8a", "#222222", "#e6e6e6"
# Names of clients and RMs are Chinese in either language, so both stacks reach a CJK font;
# Chinese pages put the CJK fonts first, so that digits and punctuation match the characters.
CJK_FONTS = ("'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', "
             "'Source Han Sans SC', 'WenQuanYi Micro Hei'")
FONTS = {"en": f"-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, {CJK_FONTS}, "
               "sans-serif",
         "zh": f"{CJK_FONTS}, -apple-system, 'Segoe UI', sans-serif"}
# A card's title and padding, in the chart's own units: about 44 px on a 640 px chart.
CARD_EXTRA = 44 / 640

TEXT = {
    "en": {
        "title": "VIP client service", "period": "Period", "data": "Data as of",
        "bank": "whole bank", "tiers": "Tier distribution", "clients": "clients", "aum": "AUM",
        "migration": "Tier migration (start → end of period)", "from": "from", "to": "to",
        "coverage": "Coverage: reached within the tier's cadence",
        "timeshare": "VIP time share per RM", "target": "target",
        "funnel": "Five-step sales funnel (clients reached, and how many went on)",
        "went_on": "↓ {pct} went on to {stage} ({converted} of {clients})",
        "none_reached": "↓ no client reached in this step",
        "not_due": "no client due yet", "reached": "{clients} clients",
        "completeness": "Profile completeness per tier", "avg": "avg",
        "no_data": "no data for this period", "vip_clients": "VIP clients",
        "vip_aum": "VIP AUM", "coverage_tile": "coverage", "on_target": "RMs on VIP-time target",
        "sales": "sales", "never": "never reached", "upgrades": "up", "downgrades": "down",
        "entries": "in", "exits": "out", "change": "since start",
        "feeds": {"positions": "positions", "transactions": "transactions"},
        "stages": {"plan": "plan", "assess": "assess", "sale": "sale",
                   "after_sale": "after-sale", "celebrate": "celebrate"},
        "bands": ("0-20%", "20-40%", "40-60%", "60-80%", "80-100%"),
    },
    "zh": {
        "title": "VIP客户服务", "period": "期间", "data": "数据日期", "bank": "全行",
        "tiers": "客户分层", "clients": "客户数", "aum": "资产",
        "migration": "等级迁移(期初 → 期末)", "from": "期初", "to": "期末",
        "coverage": "覆盖率:联系周期内已联系", "timeshare": "客户经理VIP时间占比",
        "target": "目标", "funnel": "五步销售流程(联系到的客户及进入下一步的客户)",
        "went_on": "↓ {pct} 进入{stage}({converted}/{clients})",
        "none_reached": "↓ 本步骤无已联系客户", "not_due": "尚无到期客户",
        "reached": "{clients} 位客户",
        "completeness": "客户资料完整度", "avg": "平均", "no_data": "本期无数据",
        "vip_clients": "VIP客户", "vip_aum": "VIP资产", "coverage_tile": "覆盖率",
        "on_target": "VIP时间达标的客户经理", "sales": "销售额", "never": "从未联系",
        "upgrades": "升", "downgrades": "降", "entries": "进", "exits": "出", "change": "较期初",
        "feeds": {"positions": "持仓", "transactions": "交易"},
        "stages": {"plan": "更新计划", "assess": "需求评估", "sale": "执行销售",
                   "after_sale": "售后跟进", "celebrate": "庆祝成功"},
        "bands": ("0-20%", "20-40%", "40-60%", "60-80%", "80-100%"),
    },
}


class Chart(NamedTuple):
    svg: str
    width: int  # of its viewBox
    height: int


def render_dashboard(data: Dashboard, lang: str = "en") -> str:
    t = TEXT[lang]
    charts = {
        "tiers": _tiers(data, lang), "migration": _migration(data, lang),
        "coverage": _coverage(data, lang), "timeshare": _timeshare(data, lang),
        "funnel": _funnel(data, lang), "completeness": _completeness(data, lang),
    }
    titles = {"tiers": t["tiers"], "migration": t["migration"], "coverage": t["coverage"],
              "timeshare": f"{t['timeshare']} ({t['target']} ≥ {data.target_pct}%)",
              "funnel": t["funnel"], "completeness": t["completeness"]}
    columns = "\n".join(
        '<div class="column">' + "".join(
            f'<section class="card"><h2>{escape(titles[name])}</h2>{charts[name].svg}</section>'
            for name in names) + "</div>"
        for names in columns_of({name: charts[name] for name in CHARTS}))
    as_of = render(feeds_as_of(data.data_as_of), lang)
    scope = data.scope or t["bank"]
    font = FONTS[lang]
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t['title'])} · {escape(scope)} · {data.start} – {data.end}</title>
<style>
body {{ font-family: {font}; color: {INK}; background: #f4f5f7; margin: 0; padding: 24px; }}
header {{ display: flex; justify-content: space-between; align-items: baseline;
          flex-wrap: wrap; margin-bottom: 16px; }}
h1 {{ font-size: 22px; margin: 0; }}
.meta {{ color: {MUTED}; font-size: 13px; }}
.tiles {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; margin-bottom: 16px; }}
.tile {{ background: #fff; border-radius: 8px; padding: 12px 16px;
         box-shadow: 0 1px 2px rgba(0,0,0,.08); }}
.tile b {{ display: block; font-size: 22px; }}
.tile span {{ color: {MUTED}; font-size: 12px; }}
main {{ display: flex; gap: 16px; align-items: flex-start; }}
.column {{ flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; gap: 16px; }}
@media (max-width: 900px) {{
  main {{ flex-direction: column; align-items: stretch; }}
  .tiles {{ grid-template-columns: repeat(2, 1fr); }}
}}
.card {{ background: #fff; border-radius: 8px; padding: 12px 16px 16px;
         box-shadow: 0 1px 2px rgba(0,0,0,.08); }}
.card h2 {{ font-size: 15px; margin: 0 0 8px; font-weight: 600; }}
svg.chart {{ width: 100%; height: auto; display: block; }}
svg text {{ font-family: {font}; }}
</style>
</head>
<body>
<header>
<h1>{escape(t['title'])} · {escape(scope)}</h1>
<div class="meta">{escape(t['period'])} {data.start} – {data.end} · {escape(t['data'])}: {escape(as_of)}</div>
</header>
{_tiles(data, lang)}
<main>
{columns}
</main>
</body>
</html>
"""


def columns_of(charts: dict[str, Chart]) -> tuple[list[str], list[str]]:
    """The cards in two columns of about the same height, in their order, each card going to
    the column that is shorter so far: a tall chart (the migration matrix, a bank's many RMs)
    leaves no empty half page beside it, as rows of a grid would."""
    columns: tuple[list[str], list[str]] = ([], [])
    heights = [0.0, 0.0]
    for name, chart in charts.items():
        k = 0 if heights[0] <= heights[1] else 1
        columns[k].append(name)
        heights[k] += chart.height / chart.width + CARD_EXTRA
    return columns


# -----------------------------------------------------------------------------------------
# Small pieces

def _num(value: float | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{decimals}f}"


def money_short(fen: int, lang: str) -> str:
    """CNY for a chart label: 万/亿 in Chinese, K/M/B in English."""
    yuan = fen / 100
    if lang == "zh":
        if abs(yuan) >= 1e8:
            return f"{yuan / 1e8:,.2f}亿"
        if abs(yuan) >= 1e4:
            return f"{yuan / 1e4:,.0f}万"
        return f"{yuan:,.0f}"
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(yuan) >= size:
            return f"{yuan / size:,.1f}{unit}"
    return f"{yuan:,.0f}"


def _svg(name: str, width: int, height: float, body: Iterable[str], label: str) -> Chart:
    height = round(height)
    return Chart(f'<svg class="chart" id="chart-{name}" xmlns="http://www.w3.org/2000/svg" '
                 f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
                 f'<title>{escape(label)}</title>' + "".join(body) + "</svg>", width, height)


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "start",
          fill: str = INK, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}">{escape(text)}</text>')


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str = "") -> str:
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" '
            f'fill="{fill}" rx="2">{tip}</rect>')


def _empty(name: str, lang: str) -> Chart:
    return _svg(name, 600, 80, [_text(300, 45, TEXT[lang]["no_data"], anchor="middle",
                                      fill=MUTED)], TEXT[lang]["no_data"])


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else (f"{n}" if n < 0 else "±0")


# -----------------------------------------------------------------------------------------
# Summary tiles

def _tiles(data: Dashboard, lang: str) -> str:
    t = TEXT[lang]
    vip = [r for r in data.tiers if r["tier"] in TIERS]
    clients = sum(r["clients"] for r in vip)
    aum = sum(r["aum"] for r in vip)
    eligible = sum(r["eligible"] for r in data.coverage)
    covered = sum(r["covered"] for r in data.coverage)
    with_time = [r for r in data.timeshare if r["total_minutes"]]
    on_target = sum(1 for r in with_time if r["on_target"])
    sales = sum(r["amount"] for r in data.pipeline if r["stage"] == "sale")
    tiles = [
        (f"{clients:,}", t["vip_clients"]), (money_short(aum, lang), t["vip_aum"]),
        (f"{100 * covered / eligible:.1f}%" if eligible else "–", t["coverage_tile"]),
        (f"{on_target} / {len(with_time)}", t["on_target"]),
        (money_short(sales, lang), t["sales"]),
    ]
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in tiles
    ) + "</div>"


# -----------------------------------------------------------------------------------------
# The charts

def _tiers(data: Dashboard, lang: str) -> Chart:
    t = TEXT[lang]
    rows = data.tiers
    if not any(r["clients"] for r in rows):
        return _empty("tiers", lang)
    width, label_w, row_h, top = 640, 130, 30, 30
    half = (width - label_w - 30) / 2
    height = top + row_h * len(rows) + 10
    most_clients = max(r["clients"] for r in rows) or 1
    most_aum = max(r["aum"] for r in rows) or 1
    body = [_text(label_w, 16, t["clients"], size=11, fill=MUTED),
            _text(label_w + half + 20, 16, t["aum"], size=11, fill=MUTED)]
    for i, r in enumerate(rows):
        y = top + i * row_h
        name = tier_name(r["tier"], lang)
        colour = TIER_COLOURS[r["tier"]]
        body.append(_text(label_w - 8, y + 16, name, anchor="end"))
        w = (half - 60) * r["clients"] / most_clients
        body.append(_rect(label_w, y + 4, w, row_h - 10, colour,
                          f"{name}: {r['clients']} ({_signed(r['clients_change'])})"))
        body.append(_text(label_w + w + 4, y + 16,
                          f"{r['clients']:,} ({_signed(r['clients_change'])})", size=11))
        x = label_w + half + 20
        w = (half - 70) * max(r["aum"], 0) / most_aum
        body.append(_rect(x, y + 4, w, row_h - 10, colour, f"{name}: {money_short(r['aum'], lang)}"))
        body.append(_text(x + w + 4, y + 16, money_short(r["aum"], lang), size=11))
    return _svg("tiers", width, height, body, t["tiers"])


def _migration(data: Dashboard, lang: str) -> Chart:
    t = TEXT[lang]
    rows = data.migration
    moved = sum(r["clients"] for r in rows)
    if not moved:
        return _empty("migration", lang)
    cell, label_w, top = 56, 120, 64
    n = len(TIER_ORDER)
    width, height = label_w + cell * n + 20, top + cell * n + 40
    biggest = max((r[target] for r in rows for target in TIER_ORDER
                   if r["from_tier"] != target), default=0) or 1
    body = [_text(label_w + cell * n / 2, 14, f"{t['to']} →", anchor="middle", size=11,
                  fill=MUTED),
            _text(12, top + cell * n / 2, f"{t['from']} ↓", size=11, fill=MUTED)]
    for j, target in enumerate(TIER_ORDER):
        x = label_w + j * cell + cell / 2
        words = tier_name(target, lang).split(" ")
        for k, word in enumerate(words):  # "Premier Platinum" on two lines
            body.append(_text(x, top - 8 - 13 * (len(words) - 1 - k), word, anchor="middle",
                              size=10))
    for i, r in enumerate(rows):
        source = r["from_tier"]
        y = top + i * cell
        body.append(_text(label_w - 8, y + cell / 2 + 4, tier_name(source, lang), anchor="end",
                          size=11))
        for j, target in enumerate(TIER_ORDER):
            x = label_w + j * cell
            count = r[target]
            if source == target:
                fill = "#eeeeee" if source != NONE else "#fafafa"
            elif count == 0:
                fill = "#fafafa"
            else:
                up = j < i  # columns run from the highest tier down
                strength = 0.25 + 0.75 * count / biggest
                fill = (f"rgba(46,139,87,{strength:.2f})" if up
                        else f"rgba(215,48,31,{strength:.2f})")
            body.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                        f'fill="{fill}"><title>{escape(tier_name(source, lang))} → '
                        f'{escape(tier_name(target, lang))}: {count}</title></rect>')
            if not (source == target == NONE):
                body.append(_text(x + cell / 2, y + cell / 2 + 5, str(count), anchor="middle",
                                  size=13, fill=INK if count else MUTED))
    ups = sum(r["upgraded"] for r in rows)
    downs = sum(r["downgraded"] for r in rows)
    entries = sum(r["entered"] for r in rows)
    exits = sum(r["exited"] for r in rows)
    summary = (f"▲ {t['upgrades']} {ups}   ▼ {t['downgrades']} {downs}   "
               f"+ {t['entries']} {entries}   − {t['exits']} {exits}")
    body.append(_text(label_w, height - 12, summary, size=12))
    return _svg("migration", width, height, body, t["migration"])


def _coverage(data: Dashboard, lang: str) -> Chart:
    t = TEXT[lang]
    rows = [r for r in data.coverage if r["clients"]]
    if not rows:
        return _empty("coverage", lang)
    width, label_w, row_h, top = 640, 130, 34, 16
    bar_w = width - label_w - 150
    height = top + row_h * len(rows) + 24
    body = []
    for k in (0, 50, 100):
        x = label_w + bar_w * k / 100
        body.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 20}" stroke="{GRID}"/>')
        body.append(_text(x, height - 6, f"{k}%", size=10, anchor="middle", fill=MUTED))
    for i, r in enumerate(rows):
        y = top + i * row_h
        name = tier_name(r["tier"], lang)
        pct = r["coverage_pct"]
        body.append(_text(label_w - 8, y + 18, name, anchor="end"))
        body.append(_rect(label_w, y + 6, bar_w, row_h - 12, "#f0f0f0"))
        if r["eligible"]:
            body.append(_rect(label_w, y + 6, bar_w * pct / 100, row_h - 12,
                              TIER_COLOURS[r["tier"]], f"{name}: {pct:.1f}%"))
            body.append(_text(label_w + bar_w + 8, y + 14,
                              f"{pct:.1f}%  {r['covered']:,}/{r['eligible']:,}", size=11))
        else:  # nobody has been in the tier a whole cadence: coverage is not measured yet
            body.append(_text(label_w + 8, y + 18, t["not_due"], size=11, fill=MUTED))
        body.append(_text(label_w + bar_w + 8, y + 27,
                          f"{t['never']} {r['never_contacted']:,}", size=10, fill=MUTED))
    return _svg("coverage", width, height, body, t["coverage"])


def _timeshare(data: Dashboard, lang: str) -> Chart:
    """One bar per RM, grouped under its branch; the values stand in a column of their own
    right of 100%, so neither a bar's end nor the target line runs through them, and the
    target's label sits above the first bar."""
    t = TEXT[lang]
    if not data.timeshare:
        return _empty("timeshare", lang)
    groups: dict[str, list[dict]] = {}
    for r in sorted(data.timeshare,
                    key=lambda r: (data.rm_branches.get(r["rm_id"]) or "", r["rm_id"])):
        groups.setdefault(data.rm_branches.get(r["rm_id"]) or "–", []).append(r)
    width, label_w, row_h, gap, top = 640, 176, 20, 10, 24  # branch codes left of label_w
    bar_w = width - label_w - 64
    rows = len(data.timeshare)
    bottom = top + row_h * rows + gap * (len(groups) - 1)
    height = bottom + 22
    body = []
    for k in (0, 25, 50, 75, 100):
        x = label_w + bar_w * k / 100
        body.append(f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(x, height - 6, f"{k}%", size=10, anchor="middle", fill=MUTED))
    y = top
    for n, (branch, members) in enumerate(groups.items()):
        if n:
            body.append(f'<line x1="0" y1="{y - gap / 2}" x2="{width}" y2="{y - gap / 2}" '
                        f'stroke="{GRID}"/>')
        body.append(_text(4, y + row_h * len(members) / 2 + 4, branch, size=12, weight="bold",
                          fill=MUTED))
        for r in members:
            pct = r["vip_share_pct"]
            body.append(_text(label_w - 8, y + 14, f"{r['rm_id']} {r['name']}", anchor="end",
                              size=11))
            if pct is not None:
                colour = GOOD if r["on_target"] else BAD
                body.append(_rect(label_w, y + 3, bar_w * pct / 100, row_h - 6, colour,
                                  f"{branch} {r['rm_id']}: {pct:.1f}% "
                                  f"({r['vip_minutes']}/{r['total_minutes']} min)"))
            body.append(_text(label_w + bar_w + 8, y + 14, "–" if pct is None else f"{pct:.1f}%",
                              size=10, fill=INK if pct is not None else MUTED))
            y += row_h
        y += gap
    x = label_w + bar_w * data.target_pct / 100
    body.append(f'<line id="target-line" x1="{x}" y1="{top - 6}" x2="{x}" y2="{bottom}" '
                f'stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>')
    body.append(_text(x, top - 10, f"{t['target']} {data.target_pct}%", size=11, anchor="middle",
                      weight="bold"))
    return _svg("timeshare", width, height, body, t["timeshare"])


def _funnel(data: Dashboard, lang: str) -> Chart:
    """Each step's clients as a bar about one axis, and between two steps a band as wide as
    the clients who went on to the next (converted): the figures of `report pipeline`."""
    t = TEXT[lang]
    rows = {r["stage"]: r for r in data.pipeline}
    if not any(r["contacts"] for r in rows.values()):
        return _empty("funnel", lang)
    width, label_w, area, bar_h, gap, top = 640, 92, 210, 26, 30, 6
    centre, text_x = label_w + area / 2, label_w + area + 14
    height = top + bar_h * len(STAGES) + gap * (len(STAGES) - 1) + 6
    most = max(r["clients"] for r in rows.values()) or 1
    colours = ("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#c9962a")
    body = []
    for i, stage in enumerate(STAGES):
        r = rows[stage]
        y = top + i * (bar_h + gap)
        label = t["stages"][stage]
        w = area * r["clients"] / most
        body.append(_text(label_w - 8, y + bar_h / 2 + 5, label, anchor="end", size=12,
                          weight="bold"))
        body.append(_rect(centre - w / 2, y, w, bar_h, colours[i],
                          f"{label}: {r['clients']} / {r['contacts']}"))
        figure = t["reached"].format(clients=f"{r['clients']:,}")
        if stage == "sale":
            figure += f" · {money_short(r['amount'], lang)}"
        body.append(_text(text_x, y + bar_h / 2 + 5, figure, size=12, weight="bold"))
        if i + 1 == len(STAGES):
            break
        flow = area * (r["converted"] or 0) / most
        body.append(f'<rect x="{centre - flow / 2:.1f}" y="{y + bar_h}" width="{flow:.1f}" '
                    f'height="{gap}" fill="{colours[i + 1]}" opacity="0.45"/>')
        if r["conversion_pct"] is None:
            said = t["none_reached"]
        else:
            said = t["went_on"].format(pct=f"{r['conversion_pct']:.1f}%",
                                       stage=t["stages"][STAGES[i + 1]],
                                       converted=f"{r['converted']:,}",
                                       clients=f"{r['clients']:,}")
        body.append(_text(text_x, y + bar_h + gap / 2 + 4, said, size=11, fill=MUTED))
    return _svg("funnel", width, height, body, t["funnel"])


def _completeness(data: Dashboard, lang: str) -> Chart:
    t = TEXT[lang]
    rows = [r for r in data.completeness if r["clients"]]
    if not rows:
        return _empty("completeness", lang)
    width, label_w, row_h, top = 640, 130, 30, 34
    bar_w = width - label_w - 90
    height = top + row_h * len(rows) + 24
    body = []
    for k, (colour, label) in enumerate(zip(BAND_COLOURS, t["bands"])):
        x = label_w + k * 95
        body.append(_rect(x, 4, 12, 12, colour))
        body.append(_text(x + 16, 14, label, size=10, fill=MUTED))
    for i, r in enumerate(rows):
        y = top + i * row_h
        name = tier_name(r["tier"], lang)
        body.append(_text(label_w - 8, y + 16, name, anchor="end"))
        x = label_w
        for key, colour in zip(BAND_KEYS, BAND_COLOURS):
            w = bar_w * r[key] / r["clients"]
            body.append(_rect(x, y + 4, w, row_h - 10, colour, f"{name} {key}: {r[key]}"))
            x += w
        body.append(_text(label_w + bar_w + 8, y + 16, f"{t['avg']} {_num(r['avg_pct'], 1)}%",
                          size=11))
    body.append(_text(label_w, height - 6, f"{t['target']} ≥ {data.profile_target_pct}%: "
                      f"{sum(r['at_target'] for r in rows):,} / "
                      f"{sum(r['clients'] for r in rows):,} {t['clients']}", size=11, fill=MUTED))
    return _svg("completeness", width, height, body, t["completeness"])
