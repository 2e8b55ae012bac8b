"""`vipcrm report dashboard`: one self-contained HTML file whose charts render in a browser."""

import re
import shutil
import subprocess

import pytest

from test_reports import TODAY, build_bank
from vipcrm.formats.dashboard import CHARTS

CHART_IDS = [f"chart-{name}" for name in CHARTS]
MARCH = ("--from", "2026-03-01", "--to", "2026-03-20")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def page(cli, db_path, tmp_path):
    build_bank(db_path)

    def write(*args, lang="en"):
        out = tmp_path / f"dashboard-{lang}.html"
        result = cli("--today", TODAY, "--lang", lang, "report", "dashboard", "-o", out, *args)
        assert result.exit_code == 0, result.stderr
        return out

    return write


def test_dashboard_is_one_self_contained_file(page):
    html = page(*MARCH).read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    # The SVG namespace is a name, not a download; nothing else points outside the file.
    outside = re.findall(r"(?:src|href)\s*=|url\(|@import|https?://(?!www\.w3\.org/2000/svg)",
                         html)
    assert outside == []
    for chart in CHART_IDS:
        assert html.count(f'id="{chart}"') == 1


def test_dashboard_draws_the_numbers_of_the_reports(page):
    html = page(*MARCH).read_text(encoding="utf-8")
    timeshare = html[html.index('id="chart-timeshare"'):]
    timeshare = timeshare[:timeshare.index("</svg>")]
    # On target in green, below it in red.
    assert 'fill="#2e8b57" rx="2"><title>R1: 70.0% (420/600 min)' in timeshare
    assert 'fill="#d7301f" rx="2"><title>R2: 69.8% (419/600 min)' in timeshare
    assert 'id="target-line"' in timeshare and "target 70%" in timeshare
    migration = html[html.index('id="chart-migration"'):]
    assert "Diamond → Black Gold: 1" in migration and "Gold → Mass: 1" in migration
    coverage = html[html.index('id="chart-coverage"'):]
    assert "Black Gold: 100.0%" in coverage
    assert "sale 1 · 100.0K" in html  # the funnel's sale step and amount
    assert "avg 72.5%" in html  # completeness of black gold


def test_dashboard_in_chinese(page):
    html = page(*MARCH, lang="zh").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "客户分层" in html and "黑金" in html and "执行销售" in html


def test_dashboard_of_an_empty_bank_still_has_every_chart(cli, blank_db, tmp_path):
    out = tmp_path / "empty.html"
    result = cli("--today", TODAY, "report", "dashboard", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert all(f'id="{chart}"' in html for chart in CHART_IDS)
    assert "no data for this period" in html


def test_dashboard_needs_an_output_file(cli):
    result = cli("report", "dashboard")
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_dashboard_refuses_a_folder_it_cannot_write(cli, tmp_path):
    result = cli("--today", TODAY, "report", "dashboard", "-o", tmp_path / "missing" / "d.html")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "missing" in result.stderr


@pytest.mark.skipif(chromium() is None, reason="no chromium binary found (install the system "
                                               "package `chromium`; .ci/run tries apt-get)")
def test_dashboard_renders_every_chart_in_headless_chromium(page, tmp_path):
    out = page(*MARCH)
    browser = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
               "--enable-logging=stderr", "--v=0", "--window-size=1400,2000"]
    run = subprocess.run([*browser, "--dump-dom", out.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    dom = run.stdout
    for chart in CHART_IDS:
        match = re.search(rf'<svg[^>]*id="{chart}"[^>]*>(.*?)</svg>', dom, re.S)
        assert match, f"{chart} missing from the rendered page"
        assert re.search(r"<(rect|text)\b", match.group(1)), f"{chart} drew nothing"
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr, run.stderr[-2000:]

    shot = tmp_path / "dashboard.png"
    run = subprocess.run([*browser, f"--screenshot={shot}", out.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
