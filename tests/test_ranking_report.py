"""Report rendering: HTML escaping and links, CSV for Excel, Markdown tables, written files."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ranking_rows import WEEK, row

from ranking.cells import safe_cell, safe_url
from ranking.leaderboard import build_leaderboards
from ranking.models import ChannelCoverage, Exclusion, WeeklyBoards
from ranking.report import (
    CSV_COLUMNS,
    render_csv,
    render_html,
    render_markdown,
    write_report,
)

GENERATED = datetime(2019, 2, 11, 1, 0, tzinfo=UTC)


def sample() -> WeeklyBoards:
    rows = [
        row("[情報] beanfun除夕起~送零用金活動展開!", channel="Lifeismoney", new_replies=2388),
        row("<script>alert(1)</script>", new_replies=1600, url="javascript:alert(1)"),
        row('Re: [新聞] "罷工" & <b>機師</b>', new_replies=1508),
        row('=HYPERLINK("http://evil")', channel="Boy-Girl", new_replies=1873),
        row("[閒聊] 2019/02/05 週二 閒聊文", new_replies=5000),
        row("醜女大翻身 | 刪文嘍\n第二行", platform="dcard", channel="心情", new_replies=2489),
        row(
            "所以說我這麼聰明不是沒有原因的",
            platform="facebook",
            channel="GirlStyle 台灣女生日常",
            new_replies=5621,
            estimate=True,
            url="https://www.facebook.com/girlstyle/posts/1",
        ),
        row(
            "神魔之塔派獎活動來了 只要在此貼文留言",
            platform="facebook",
            channel="邵凡僖",
            new_replies=36182,
            estimate=True,
            body="留言抽 5 位",
        ),
    ]
    return build_leaderboards(rows, WEEK, giveaway_board={"facebook"})


# --- HTML -----------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page() -> None:
    page = render_html(sample(), GENERATED)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-Hant">' in page and '<meta charset="utf-8">' in page
    assert "<style>" in page
    assert not re.search(r"<(link|script|img)\b", page)
    assert "觀測期間" in page and "2019.02.04~2019.02.10" in page
    assert "網友熱議文章大公開" in page
    assert "2019-02-11 09:00" in page  # generated_at shown in Taipei time


def test_html_escapes_titles_and_refuses_javascript_links() -> None:
    page = render_html(sample(), GENERATED)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "javascript:" not in page
    assert "&lt;b&gt;機師&lt;/b&gt;" in page and "&#34;罷工&#34; &amp;" in page


def test_html_links_titles_to_threads() -> None:
    page = render_html(sample(), GENERATED)
    assert '<a href="https://www.facebook.com/girlstyle/posts/1" rel="noopener"' in page


def test_html_has_the_four_columns_and_thousands_separators() -> None:
    page = render_html(sample(), GENERATED)
    for column in ("排名", "新增回文數", "來源頻道", "標題"):
        assert f"<th>{column}</th>" in page
    assert "2,388" in page and "PTT &gt; Lifeismoney" in page


def test_html_marks_estimates_and_explains_them() -> None:
    page = render_html(sample(), GENERATED)
    assert "≈5,621" in page and "(估)" in page
    assert "估計值" in page


def test_html_orders_platform_boards_before_channels() -> None:
    page = render_html(sample(), GENERATED)
    headings = re.findall(r"<h2>(.*?)</h2>", page)
    labels = [re.sub(r"<[^>]+>", "", h) for h in headings]
    assert labels[:4] == [
        "Dcard 聲量探索排行榜",
        "PTT 聲量探索排行榜",
        "Facebook 粉絲團 聲量探索排行榜",
        "Facebook 活動文 聲量探索排行榜",
    ]
    assert labels.index("PTT &gt; Boy-Girl 聲量探索排行榜") < labels.index(
        "PTT &gt; Gossiping 聲量探索排行榜"
    )


def test_html_lists_exclusions_with_reasons_and_defines_terms() -> None:
    page = render_html(sample(), GENERATED)
    assert "未列入排行的文章" in page
    assert "閒聊文①" in page and "週二 閒聊文" in page
    for term in ("新增回文數", "閒聊文", "直播文", "贈獎文", "活動文"):
        assert f"<b>{term}</b>" in page


def test_html_shows_exclusions_read_back_without_titles() -> None:
    boards = WeeklyBoards(WEEK.start, WEEK.end, (), (Exclusion(42, "live", "直播文：<x>"),))
    page = render_html(boards, GENERATED)
    assert "#42" in page and "直播文：&lt;x&gt;" in page


def test_html_refuses_a_naive_generated_at() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        render_html(sample(), datetime(2019, 2, 11))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:x",
        "//evil.example/x",
        "https:///nohost",
        "",
    ],
)
def test_safe_url_refuses_everything_but_http_and_https(url: str) -> None:
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_https() -> None:
    assert safe_url("https://www.ptt.cc/bbs/Gossiping/M.1.A.2.html") is not None
    assert safe_url("HTTP://example.com/?q=a&b=c") == "HTTP://example.com/?q=a&b=c"


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_has_the_columns() -> None:
    data = render_csv(sample())
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(CSV_COLUMNS)


def test_csv_round_trips_through_pandas() -> None:
    boards = sample()
    df = pd.read_csv(io.BytesIO(render_csv(boards)), encoding="utf-8-sig")
    assert list(df.columns) == list(CSV_COLUMNS)
    assert len(df) == sum(len(b.entries) for b in boards.boards)
    assert df["排名"].dtype.kind == "i" and df["新增回文數"].dtype.kind == "i"
    assert df["估計值"].dtype == bool
    assert set(df["觀測期間"]) == {"2019.02.04~2019.02.10"}
    first = df.iloc[0]
    assert (first["scope"], first["排名"]) == ("platform:dcard", 1)
    assert (
        first["來源頻道"] == "心情"
    )  # as the reference writes 來源頻道; the scope names the platform
    assert first["標題"] == "醜女大翻身 | 刪文嘍\n第二行"


def test_csv_cells_are_safe_against_formula_injection() -> None:
    df = pd.read_csv(io.BytesIO(render_csv(sample())), encoding="utf-8-sig")
    titles = set(df["標題"])
    assert '\'=HYPERLINK("http://evil")' in titles
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in df.to_numpy().ravel())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+886", "'+886"),
        ("-5度寒流", "'-5度寒流"),
        ("@someone", "'@someone"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (3.5, 3.5),
        (True, True),
        (None, None),
    ],
)
def test_safe_cell(value: Any, expected: object) -> None:
    assert safe_cell(value) == expected


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown_has_a_heading_and_a_table_per_board() -> None:
    md = render_markdown(sample())
    assert md.startswith("# 網友熱議文章大公開\n")
    assert "2019.02.04~2019.02.10" in md
    assert md.count("| 排名 | 新增回文數 | 來源頻道 | 標題 |") == len(sample().boards)


def test_markdown_escapes_pipes_newlines_and_brackets() -> None:
    md = render_markdown(sample())
    assert "醜女大翻身 \\| 刪文嘍 第二行" in md
    table_rows = [line for line in md.splitlines() if line.startswith("| ") and "醜女" in line]
    assert table_rows and all(line.count(" | ") == 3 for line in table_rows[:1])
    assert "\\[情報\\] beanfun" in md


def test_markdown_links_only_http_urls() -> None:
    md = render_markdown(sample())
    assert "(https://www.facebook.com/girlstyle/posts/1)" in md
    assert "javascript:" not in md
    assert "\\<script\\>alert(1)\\</script\\>" in md


# --- files ----------------------------------------------------------------------------------------


def test_write_report_writes_five_files(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "2019-02-04"
    paths = write_report(sample(), out, GENERATED)
    assert paths.html == out / "leaderboard.html"
    assert paths.xlsx == out / "leaderboard.xlsx"
    assert paths.csv == out / "leaderboard.csv"
    assert paths.markdown == out / "leaderboard.md"
    assert paths.json == out / "leaderboard.json"
    assert paths.xlsx.read_bytes().startswith(b"PK")
    assert json.loads(paths.json.read_text(encoding="utf-8"))["week"] == "2019-02-04"
    assert paths.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths.csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert paths.markdown.read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in out.iterdir()) == [
        "leaderboard.csv",
        "leaderboard.html",
        "leaderboard.json",
        "leaderboard.md",
        "leaderboard.xlsx",
    ]


# --- completeness marks -------------------------------------------------------------------------


def with_coverage(boards: WeeklyBoards, *coverage: ChannelCoverage, **kw: Any) -> WeeklyBoards:
    return replace(boards, coverage=coverage, **kw)


def incomplete_sample() -> WeeklyBoards:
    return with_coverage(
        sample(),
        ChannelCoverage("ptt", "Gossiping", "incomplete", "3 failed <b>", 1, GENERATED),
        ChannelCoverage("ptt", "Lifeismoney", "complete", "", 1, GENERATED),
        ChannelCoverage("ptt", "NBA", "not_crawled", "no crawl covers this week"),
    )


def test_every_format_marks_a_board_built_on_an_incomplete_channel() -> None:
    boards = incomplete_sample()
    html = render_html(boards, GENERATED)
    assert "本週資料不完整" in html and '<span class="badge warn">資料不完整</span>' in html
    assert "3 failed &lt;b&gt;" in html and "3 failed <b>" not in html
    assert "各頻道資料完整性" in html and "未抓取" in html
    md = render_markdown(boards)
    assert "**⚠ 資料不完整**" in md and "PTT 聲量探索排行榜（資料不完整）" in md
    assert "| PTT \\> NBA | 未抓取 |" in md
    frame = pd.read_csv(io.BytesIO(render_csv(boards)), encoding="utf-8-sig")
    assert list(frame.columns) == list(CSV_COLUMNS)
    ptt = frame[frame["scope"] == "platform:ptt"]
    assert set(ptt["資料狀態"]) == {"not_crawled"}  # the worst of its channels
    coverage = frame[frame["scope"].str.startswith("coverage:")]
    assert dict(zip(coverage["scope"], coverage["資料狀態"], strict=True)) == {
        "coverage:ptt/Gossiping": "incomplete",
        "coverage:ptt/Lifeismoney": "complete",
        "coverage:ptt/NBA": "not_crawled",
    }
    complete = frame[frame["scope"] == "channel:ptt/Lifeismoney"]
    assert set(complete["資料狀態"]) == {"complete"}


def test_a_complete_week_has_no_warning() -> None:
    boards = with_coverage(sample(), ChannelCoverage("ptt", "Gossiping", "complete", "", 1))
    assert "本週資料不完整" not in render_html(boards, GENERATED)
    assert "資料不完整" not in render_markdown(boards)


def test_a_provisional_week_says_so_with_its_cutoff_everywhere() -> None:
    cutoff = datetime(2019, 2, 13, 4, 0, tzinfo=UTC)
    boards = with_coverage(
        sample(),
        ChannelCoverage("ptt", "Gossiping", "provisional", "資料截至 2019-02-13 12:00", 1, cutoff),
        provisional=True,
        cutoff=cutoff,
    )
    mark = "（暫定，資料截至 2019-02-13 12:00）"
    assert mark in render_html(boards, GENERATED) and mark in render_markdown(boards)
    assert mark in render_csv(boards).decode("utf-8-sig")
    assert "本週資料不完整" not in render_html(boards, GENERATED)


def test_each_board_says_what_it_leaves_out_as_its_platforms_rules_do() -> None:
    page = render_html(sample(), GENERATED)
    notes = dict(re.findall(r"<h2>(.*?) 聲量探索排行榜.*?<p class=\"note\">(.*?)</p>", page, re.S))
    assert notes["PTT"] == "排除閒聊文、直播文、贈獎文"
    assert notes["Facebook 粉絲團"] == "贈獎文另列活動文排行榜"  # fan pages: only giveaways go
