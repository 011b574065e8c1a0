"""The HTML report opened in headless Chromium: tables and charts render, hostile titles stay text.

Chromium is Debian's `chromium` (.ci/run installs it). In CI (CI=true) its absence fails the
test; elsewhere the test skips with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from ranking_rows import WEEK, row
from test_ranking_report import GENERATED

from ranking.leaderboard import build_leaderboards
from ranking.models import ChannelCoverage, DailyCount, PreviousRank, WeeklyBoards
from ranking.report import write_report

# Each would leave a mark in the DOM if it ran: a changed title or a node with id "pwned".
HOSTILE = (
    "<script>document.title='PWNED'</script>",
    '"><img src=x onerror="document.title=\'PWNED\'">',
    "</title><script>document.body.id='pwned'</script>",
    "<svg onload=\"document.body.id='pwned'\"></svg>",
)
BAR = (0xC2, 0x41, 0x0C)  # the bar colour of ranking.charts.PALETTE[0]


def chromium() -> str:
    """The Chromium binary, or skip (fail in CI) when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs Debian's chromium for the browser test (.ci/run installs it)")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium once with a throwaway profile."""
    profile = tmp_path / "chromium-profile"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # CI runs as root, where the sandbox refuses to start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def hostile_boards() -> WeeklyBoards:
    """Several boards whose titles try to run script, with movement and daily counts."""
    rows = [
        row(HOSTILE[0], new_replies=900),
        row(HOSTILE[1], new_replies=800, url='https://www.ptt.cc/x"onmouseover="alert(1)'),
        row(HOSTILE[2], channel="Stock", new_replies=700),
        row(HOSTILE[3], platform="dcard", channel="心情", new_replies=600),
        row("[問卦] 有沒有過年被問薪水的八卦", new_replies=500),
        row("#分享 蜜月絲新品試色", platform="dcard", channel="美妝", new_replies=400),
        row("[閒聊] 2019/02/05 週二 閒聊文", new_replies=5000),
    ]
    boards = build_leaderboards(rows, WEEK)
    ptt = next(b for b in boards.boards if b.scope == "platform:ptt")
    previous = (PreviousRank("platform:ptt", ptt.entries[0].thread_id, 3),)
    daily = tuple(
        DailyCount(p, c, d, 40 + 15 * d + k)
        for k, (p, c) in enumerate([("ptt", "Gossiping"), ("ptt", "Stock"), ("dcard", "心情")])
        for d in range(7)
    )
    coverage = (
        ChannelCoverage("ptt", "Gossiping", "complete", "", 1, GENERATED),
        ChannelCoverage("ptt", "Stock", "incomplete", "<script>document.title='PWNED'</script>"),
        ChannelCoverage("dcard", "心情", "complete", "", 2, GENERATED),
    )
    return replace(boards, previous=previous, daily=daily, coverage=coverage)


def test_chromium_runs_page_scripts_so_the_check_below_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(
        "<!DOCTYPE html><title>t</title><body>"
        f"{HOSTILE[0]}<script>document.body.id='pwned'</script></body>",
        encoding="utf-8",
    )
    dom = BeautifulSoup(run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout, "lxml")
    assert dom.title is not None and dom.title.string == "PWNED"
    assert dom.body is not None and dom.body.get("id") == "pwned"


def test_the_report_renders_in_chromium_and_hostile_titles_stay_text(tmp_path: Path) -> None:
    boards = hostile_boards()
    paths = write_report(boards, tmp_path / "report", GENERATED)
    url = paths.html.as_uri()

    dom = BeautifulSoup(run_chromium(tmp_path, "--dump-dom", url).stdout, "lxml")
    assert dom.title is not None
    assert dom.title.string == "網友熱議文章大公開｜2019.02.04~2019.02.10"
    assert dom.body is not None and dom.body.get("id") is None
    assert not dom.select("#pwned, img, script, iframe, object, embed")
    assert not [tag for tag in dom.find_all(True) if any(a.startswith("on") for a in tag.attrs)]

    sections = dom.select("section.board table")
    with_entries = [b for b in boards.boards if b.entries]
    assert len(sections) == len(with_entries) + 1  # a table per board, the completeness table
    assert dom.select_one("#incomplete") is not None and dom.select("span.badge.warn")
    titles = {td.get_text() for td in dom.select("td.title")}
    assert set(HOSTILE) <= titles, "each hostile title is shown as the text it is"
    assert "↑2" in {td.get_text() for td in dom.select("td.move")}
    charts = dom.select("figure.chart svg")
    assert len(charts) == len(with_entries) + 1  # a chart per board and the daily chart
    drawn = {t.get_text() for t in dom.select("figure.chart svg text")}
    assert "1. <script>document.titl…" in drawn
    assert "02/04（一）" in drawn and "PTT > Gossiping" in drawn
    links = [a["href"] for a in dom.select("td.title a")]
    assert links and all(str(h).startswith("https://") for h in links)
    # The quote in this URL stayed inside its href: no onmouseover attribute came out of it.
    assert 'https://www.ptt.cc/x"onmouseover="alert(1)' in links

    shot = tmp_path / "report.png"
    run_chromium(tmp_path, "--window-size=1100,2600", f"--screenshot={shot}", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    with Image.open(shot) as image:
        assert image.size == (1100, 2600)
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 200, "a page, not a blank screen"
        bars = sum(
            n for n, c in colours if all(abs(a - b) <= 6 for a, b in zip(c, BAR, strict=True))
        )
        assert bars > 2_000, "the bar charts are painted"
