"""`vipcrm report dashboard`: one self-contained HTML file whose charts render in a browser,
show the figures of the reports, say why a cell is empty, and read without overlaps or empty
half pages, in English and in Chinese.

`VIPCRM_UPDATE_DOCS=1 python -m pytest tests/test_dashboard.py -k screenshot` also writes the
demo bank's screenshots to docs/dashboard.png and docs/dashboard.zh.png.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pngimage import read_png
from test_reports import TODAY, build_bank
from vipcrm.cli.app import app
from vipcrm.core.reports import Dashboard
from vipcrm.formats.dashboard import CHARTS, Chart, columns_of, render_dashboard

CHART_IDS = [f"chart-{name}" for name in CHARTS]
MARCH = ("--from", "2026-03-01", "--to", "2026-03-20")
DOCS = Path(__file__).resolve().parent.parent / "docs"
DEMO_DAY = "2026-11-27"  # the README's tour


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


needs_chromium = pytest.mark.skipif(chromium() is None, reason="no chromium binary found "
                                    "(install the system package `chromium`; .ci/run tries "
                                    "apt-get)")


@pytest.fixture
def page(cli, db_path, tmp_path):
    build_bank(db_path)

    def write(*args, lang="en"):
        out = tmp_path / f"dashboard-{lang}.html"
        result = cli("--today", TODAY, "--lang", lang, "report", "dashboard", "-o", out, *args)
        assert result.exit_code == 0, result.stderr
        return out

    return write


def chart(html: str, name: str) -> str:
    """The markup of one chart."""
    start = html.index(f'id="chart-{name}"')
    return html[start:html.index("</svg>", start)]


def texts(svg: str) -> list[tuple[float, float, float, str, str]]:
    """(x, y, size, anchor, text) of every text of a chart."""
    return [(float(x), float(y), float(size), anchor, text) for x, y, size, anchor, text in
            re.findall(r'<text x="([\d.-]+)" y="([\d.-]+)" font-size="(\d+)" '
                       r'text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg)]


def box(x: float, y: float, size: float, anchor: str, text: str) -> tuple[float, ...]:
    """A generous box around a text: Latin glyphs at most 0.62 em wide, CJK ones 1 em."""
    width = sum(size * (1.0 if ord(ch) > 0x2E80 else 0.62) for ch in text)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - size, left + width, y + size * 0.25


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_no_text_overlaps(svg: str) -> None:
    """No two texts of the chart overlap, and each stays inside the chart."""
    width = float(re.search(r'viewBox="0 0 (\d+) ', svg)[1])
    found = texts(svg)
    assert found
    for i, first in enumerate(found):
        left, _, right, _ = box(*first)
        assert 0 <= left and right <= width, first
        for second in found[i + 1:]:
            assert not overlaps(box(*first), box(*second)), (first, second)


def test_dashboard_is_one_self_contained_file(page):
    html = page(*MARCH).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    # The SVG namespace is a name, not a download; nothing else points outside the file.
    outside = re.findall(r"(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)",
                         html)
    assert outside == []
    for name in CHART_IDS:
        assert html.count(f'id="{name}"') == 1


def test_dashboard_draws_the_numbers_of_the_reports(page):
    html = page(*MARCH).read_text(encoding="utf-8")
    timeshare = chart(html, "timeshare")
    # On target in green, below it in red.
    assert 'fill="#2e8b57" rx="2"><title>BJ01 R1: 70.0% (420/600 min)' in timeshare
    assert 'fill="#d7301f" rx="2"><title>BJ01 R2: 69.8% (419/600 min)' in timeshare
    assert 'id="target-line"' in timeshare and "target 70%" in timeshare
    migration = chart(html, "migration")
    assert "Diamond → Black Gold: 1" in migration and "Gold → Mass: 1" in migration
    assert "Black Gold: 100.0%" in chart(html, "coverage")
    assert ">1 clients · 100.0K<" in chart(html, "funnel")  # the sale step and its amount
    assert "avg 72.5%" in chart(html, "completeness")  # black gold


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_funnel_gives_each_steps_conversion_to_the_next_as_the_pipeline_report(
        page, cli, lang):
    html = page(*MARCH, lang=lang).read_text(encoding="utf-8")
    result = cli("--today", TODAY, "report", "pipeline", *MARCH, "--format", "json")
    steps = json.loads(result.stdout)
    funnel = chart(html, "funnel")
    names = {"en": {"assess": "assess", "sale": "sale", "after_sale": "after-sale",
                    "celebrate": "celebrate"},
             "zh": {"assess": "需求评估", "sale": "执行销售", "after_sale": "售后跟进",
                    "celebrate": "庆祝成功"}}[lang]
    said = {"en": "↓ {pct} went on to {stage} ({converted} of {clients})",
            "zh": "↓ {pct} 进入{stage}({converted}/{clients})"}[lang]
    conversions = [step for step in steps if step["conversion_pct"] is not None]
    assert [s["conversion_pct"] for s in conversions] == [100.0, 0.0, 100.0, 100.0]
    for step, following in zip(steps, steps[1:]):
        assert said.format(pct=f"{step['conversion_pct']:.1f}%",
                           stage=names[following["stage"]], converted=step["converted"],
                           clients=step["clients"]) in funnel
    # The band to the next step is as wide as the converted clients: none after assess.
    bands = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="30"', funnel)
    assert len(bands) == 4 and float(bands[1]) == 0 < float(bands[0]) == float(bands[2])


@pytest.mark.parametrize("lang, why", [("en", "no client due yet"), ("zh", "尚无到期客户")])
def test_an_empty_coverage_cell_says_why(page, lang, why):
    """Premier Gold's one client entered its tier on 2026-03-15: nobody there has been in the
    tier a whole cadence, so there is no coverage to show yet, and the chart says so."""
    coverage = chart(page(*MARCH, lang=lang).read_text(encoding="utf-8"), "coverage")
    lines = [text for *_, text in texts(coverage)]
    assert lines.count(why) == 1
    label = {"en": "Premier Gold", "zh": "卓越金"}[lang]
    rows = [y for _, y, _, _, text in texts(coverage) if text in (why, label)]
    assert len(rows) == 2 and rows[0] == rows[1]  # on Premier Gold's row
    assert "0/0" not in coverage and "–" not in coverage


def test_rm_bars_are_grouped_under_their_branch(page):
    timeshare = chart(page(*MARCH).read_text(encoding="utf-8"), "timeshare")
    order = [text for *_, text in texts(timeshare) if re.fullmatch(r"[A-Z]{2}\d\d|R\d \w+", text)]
    assert order == ["BJ01", "R1 Ann", "R2 Bob", "SH01", "R3 Cai", "R4 Dan", "R5 Eve"]


def _dashboard(timeshare: list[dict], branches: dict[str, str], target: int) -> Dashboard:
    day = dt.date(2026, 3, 31)
    return Dashboard(start=day, end=day, scope="", data_as_of={}, tiers=[], migration=[],
                     coverage=[], timeshare=timeshare, rm_branches=branches, target_pct=target,
                     pipeline=[], completeness=[], profile_target_pct=80)


@pytest.mark.parametrize("target", [0, 50, 69, 70, 71, 100])
def test_no_label_of_the_time_share_overlaps_another(target):
    """Whatever the target, and RMs on both sides of it and at the ends: the target's label,
    the values, the RMs and their branches each have a place of their own."""
    shares = [0.0, 33.3, target - 1.5, target, target + 0.5, 99.9, 100.0, None]
    rows = [{"rm_id": f"RM{1001 + k}", "name": "欧阳明月", "vip_minutes": 1, "total_minutes": 1,
             "vip_share_pct": None if pct is None else max(0.0, min(pct, 100.0)),
             "on_target": pct is not None and pct >= target} for k, pct in enumerate(shares)]
    branches = {r["rm_id"]: ("BJ01", "SH01")[k % 2] for k, r in enumerate(rows)}
    for lang in ("en", "zh"):
        assert_no_text_overlaps(chart(render_dashboard(_dashboard(rows, branches, target), lang),
                                      "timeshare"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_label_of_the_funnel_or_the_coverage_overlaps_another(page, lang):
    html = page(*MARCH, lang=lang).read_text(encoding="utf-8")
    for name in ("funnel", "coverage", "timeshare"):
        assert_no_text_overlaps(chart(html, name))


def test_cards_go_to_the_shorter_column_so_no_half_page_stays_empty():
    def card(height: int) -> Chart:
        return Chart("", 640, height)

    # A tall chart first: the next two stand beside it rather than below it, and the last
    # goes under it, where the column is shorter.
    assert columns_of({"a": card(400), "b": card(300), "c": card(300), "d": card(100)}) == (
        ["a", "d"], ["b", "c"])
    assert columns_of({"a": card(250), "b": card(250)}) == (["a"], ["b"])


def test_the_chinese_page_reaches_for_cjk_fonts_first(page):
    html = page(*MARCH, lang="zh").read_text(encoding="utf-8")
    stack = re.search(r"body \{ font-family: ([^;]+);", html)[1]
    assert stack.startswith("'PingFang SC'") and "'Noto Sans CJK SC'" in stack
    assert stack.endswith("sans-serif")
    english = re.search(r"body \{ font-family: ([^;]+);", page(*MARCH).read_text("utf-8"))[1]
    assert english.startswith("-apple-system") and "'Noto Sans CJK SC'" in english  # names


def test_dashboard_of_an_empty_bank_still_has_every_chart(cli, blank_db, tmp_path):
    out = tmp_path / "empty.html"
    result = cli("--today", TODAY, "report", "dashboard", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert all(f'id="{name}"' in html for name in CHART_IDS)
    assert "no data for this period" in html


def test_dashboard_needs_an_output_file(cli):
    result = cli("report", "dashboard")
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_dashboard_refuses_a_folder_it_cannot_write(cli, tmp_path):
    result = cli("--today", TODAY, "report", "dashboard", "-o", tmp_path / "missing" / "d.html")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "missing" in result.stderr


def browser(profile: Path, width: int, height: int) -> list[str]:
    return [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
            "--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={width},{height}"]


@needs_chromium
def test_dashboard_renders_every_chart_in_headless_chromium(page, tmp_path):
    out = page(*MARCH)
    run = subprocess.run([*browser(tmp_path / "profile", 1400, 2000), "--dump-dom", out.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    for name in CHART_IDS:
        match = re.search(rf'<svg[^>]*id="{name}"[^>]*>(.*?)</svg>', dom, re.S)
        assert match, f"{name} missing from the rendered page"
        assert re.search(r"<(rect|text)\b", match.group(1)), f"{name} drew nothing"
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr, run.stderr[-2000:]


@pytest.fixture(scope="module")
def demo_pages(tmp_path_factory):
    """The demo bank of the README's tour, its dashboard in both languages and its pipeline."""
    folder = tmp_path_factory.mktemp("demo-dashboard")
    runner = CliRunner()
    common = ["--db", str(folder / "vipcrm.db"), "--today", DEMO_DAY]
    made = runner.invoke(app, [*common, "demo"], env={"VIPCRM_LANG": "en"})
    assert made.exit_code == 0, made.stderr
    pages = {}
    for lang in ("en", "zh"):
        pages[lang] = folder / f"dashboard-{lang}.html"
        done = runner.invoke(app, [*common, "--lang", lang, "report", "dashboard", "-o",
                                   str(pages[lang])])
        assert done.exit_code == 0, done.stderr
    pipeline = runner.invoke(app, [*common, "report", "pipeline", "--format", "json"])
    return pages, json.loads(pipeline.stdout)


BACKGROUND = bytes.fromhex("f4f5f7")
WIDTH, PADDING, GAP, CARD_PADDING = 1400, 24, 16, 16


def _content_bottom(image) -> int:
    """The last line holding anything but the page's background."""
    background = {BACKGROUND + b"\xff"[:image.channels - 3]}
    return max(y for y in range(image.height) if image.pixels(y, 0, image.width) != background)


def _longest_blank_run(image, left: int, right: int, bottom: int) -> int:
    """The most lines in a row, down to `bottom`, of one colour between two columns."""
    run = longest = 0
    for y in range(bottom + 1):
        run = run + 1 if len(image.pixels(y, left, right)) == 1 else 0
        longest = max(longest, run)
    return longest


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_screenshot_of_the_demo_dashboard_is_full_and_has_no_empty_band(demo_pages, tmp_path,
                                                                         lang):
    pages, pipeline = demo_pages
    html = pages[lang].read_text(encoding="utf-8")
    funnel = chart(html, "funnel")
    for step in pipeline:
        if step["conversion_pct"] is not None:
            assert f"↓ {step['conversion_pct']:.1f}% " in funnel
            figures = (f"({step['converted']} of {step['clients']})" if lang == "en"
                       else f"({step['converted']}/{step['clients']})")
            assert figures in funnel
    shot = tmp_path / "dashboard.png"
    run = subprocess.run([*browser(tmp_path / "profile", WIDTH, 2400), f"--screenshot={shot}",
                          pages[lang].as_uri()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    image = read_png(shot)
    assert (image.width, image.height) == (WIDTH, 2400)
    colours = {p for y in range(0, image.height, 9) for p in image.pixels(y, 0, image.width)}
    assert len(colours) > 100  # charts in colour, text anti-aliased: not a blank page
    bottom = _content_bottom(image)
    assert 1000 < bottom < 2400 - 100  # the whole page fits, with the background below it
    # Inside each column (card padding excluded): no tall band of one colour, as a short card
    # stretched beside a tall one left, nor a column ending far above the other.
    column = (WIDTH - 2 * PADDING - GAP) // 2
    for left in (PADDING, PADDING + column + GAP):
        inner = (left + CARD_PADDING + 1, left + column - CARD_PADDING - 1)
        assert _longest_blank_run(image, *inner, bottom) < 150, (lang, left)
    if os.environ.get("VIPCRM_UPDATE_DOCS"):
        # The page alone: a window as tall as its content and the body's bottom padding.
        target = DOCS / ("dashboard.png" if lang == "en" else f"dashboard.{lang}.png")
        run = subprocess.run([*browser(tmp_path / "profile", WIDTH, bottom + 1 + PADDING),
                              f"--screenshot={target}", pages[lang].as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
