"""The report's charts: matplotlib SVG with user titles escaped as text, days in Taipei time."""

from __future__ import annotations

import logging
import os
import re
import xml.etree.ElementTree as ET

import pytest
from ranking_rows import WEEK

from ranking.charts import board_chart, chart_font, daily_chart, daily_series, pick_font
from ranking.models import DailyCount, Leaderboard, LeaderboardEntry

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = (
    "<script>x()</script>",
    '"><img src=x>',
    "$x^2$ -- 註解 --> & ]]>",
)


def entry(rank: int, title: str, n: int) -> LeaderboardEntry:
    return LeaderboardEntry(rank, rank, n, False, "ptt", "Gossiping", f"M.{rank}", title, "")


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_a_board_chart_draws_titles_as_escaped_text() -> None:
    board = Leaderboard(
        "platform:ptt", "PTT", tuple(entry(i, t, 100 - i) for i, t in enumerate(HOSTILE, 1))
    )
    svg = board_chart(board, "t")
    assert svg is not None and svg.startswith("<svg")
    drawn = texts(svg)
    assert "1. <script>x()</script>" in drawn
    assert '2. "><img src=x>' in drawn
    assert "3. $x^2$ -- 註解 --> & ]]>" in drawn  # no mathtext: the dollars stay
    root = ET.fromstring(svg)
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "img", "foreignObject", "a"}
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert {"99", "98", "97"} <= set(drawn)  # each bar's value beside it


def test_long_titles_are_cut_and_an_empty_board_has_no_chart() -> None:
    board = Leaderboard("platform:ptt", "PTT", (entry(1, "長" * 40, 5),))
    svg = board_chart(board, "t")
    assert svg is not None and "1. " + "長" * 21 + "…" in texts(svg)
    assert board_chart(Leaderboard("platform:ptt", "PTT", ()), "t") is None


def test_charts_in_one_page_get_distinct_ids() -> None:
    board = Leaderboard("platform:ptt", "PTT", (entry(1, "同一篇", 5),))
    first, second = board_chart(board, "board-1"), board_chart(board, "board-2")
    assert first is not None and second is not None

    def ids(svg: str) -> set[str]:
        return {el.get("id", "") for el in ET.fromstring(svg).iter()} - {""}

    assert ids(first) and not ids(first) & ids(second)
    assert all(i.startswith("board-1-") for i in ids(first))
    # Every reference inside a chart still points at one of its own ids.
    refs = re.findall(r'url\(#([^)]+)\)|xlink:href="#([^"]+)"', first)
    assert refs and {a or b for a, b in refs} <= ids(first)


def test_daily_series_keeps_the_busiest_channels_and_sums_the_rest() -> None:
    daily = [DailyCount("ptt", f"B{c}", d, (c + 1) * 10) for c in range(4) for d in range(7)]
    daily.append(DailyCount("ptt", "B0", 9, 1000))  # outside the week: ignored
    series = daily_series(daily, limit=2)
    assert [name for name, _ in series] == ["PTT > B3", "PTT > B2", "其他"]
    assert series[0][1] == [40] * 7 and series[2][1] == [30] * 7


def test_the_daily_chart_labels_taipei_days_and_channels() -> None:
    daily = [DailyCount("ptt", "Gossiping", d, 10 * d) for d in range(7)]
    daily += [DailyCount("dcard", "心情", 3, 50)]
    svg = daily_chart(daily, WEEK, "daily")
    assert svg is not None
    drawn = texts(svg)
    assert "02/04（一）" in drawn and "02/10（日）" in drawn
    assert "PTT > Gossiping" in drawn and "Dcard > 心情" in drawn
    assert daily_chart([], WEEK, "daily") is None


def test_without_a_cjk_font_the_charts_warn_once_and_still_render(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="ranking.charts"):
        assert pick_font(["DejaVu Sans", "Liberation Serif"]) is None
    assert [r.getMessage() for r in caplog.records] == [
        "no CJK font for the report charts: their layout may be off (install fonts-noto-cjk)"
    ]
    assert pick_font(["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK TC"]) == "Noto Sans CJK TC"


def test_ci_has_a_cjk_font_for_the_charts() -> None:
    if os.environ.get("CI") != "true" and chart_font() is None:
        pytest.skip("no CJK font here: install fonts-noto-cjk (CI does, in .ci/run)")
    assert chart_font() is not None
