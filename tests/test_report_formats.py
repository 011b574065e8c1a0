"""Movement against last week, the charts in the page, the Excel workbook and the JSON document."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from ranking_rows import WEEK
from test_ranking_report import GENERATED, incomplete_sample, sample

from ranking.leaderboard import ordered_boards
from ranking.models import DailyCount, PreviousRank, WeeklyBoards
from ranking.movement import Movement, movement_of, movements, previous_index
from ranking.report import render_csv, render_html, render_json, render_markdown, render_xlsx
from ranking.report_json import SCHEMA_VERSION, report_document
from ranking.report_xlsx import display_width, sheet_name

DOCS = Path(__file__).resolve().parents[1] / "docs" / "REPORT.md"


def with_history() -> WeeklyBoards:
    """The sample week with last week's ranks (PTT's first two swapped) and daily counts."""
    boards = sample()
    ptt = next(b for b in boards.boards if b.scope == "platform:ptt")
    first, second, third = ptt.entries[:3]
    previous = (
        PreviousRank("platform:ptt", first.thread_id, 2),
        PreviousRank("platform:ptt", second.thread_id, 1),
        PreviousRank("platform:ptt", third.thread_id, 3),
        PreviousRank("platform:dcard", first.thread_id, 1),  # another scope: no effect on PTT
    )
    daily = tuple(DailyCount("ptt", "Gossiping", d, 10 + d) for d in range(7))
    return replace(boards, previous=previous, daily=daily)


# --- movement -------------------------------------------------------------------------------------


def test_movement_up_down_same_and_new() -> None:
    boards = with_history()
    ptt = next(b for b in boards.boards if b.scope == "platform:ptt")
    index = previous_index(boards.previous or ())
    moves = [movement_of("platform:ptt", e, index) for e in ptt.entries]
    assert [m.label for m in moves] == ["↑1", "↓1", "–", "新進榜"]
    assert moves[0] == Movement("up", 1, 2) and moves[0].delta == 1
    assert moves[1].delta == -1 and moves[3].previous_rank is None
    assert Movement("down", 9, 4).label == "↓5"


def test_no_movement_when_last_week_was_never_published() -> None:
    assert movements(sample()) is None
    assert movements(replace(sample(), previous=())) is not None  # published, nothing ranked
    assert {m.kind for m in (movements(replace(sample(), previous=())) or {}).values()} == {"new"}


def test_every_format_shows_movement_only_when_there_is_a_last_week() -> None:
    page = render_html(with_history(), GENERATED, charts=False)
    assert "<th>與上週比較</th>" in page
    assert '<td class="move up" title="上週第 2 名">↑1</td>' in page
    assert '<td class="move new">新進榜</td>' in page and "<b>與上週比較</b>" in page
    assert "與上週比較" not in render_html(sample(), GENERATED, charts=False)
    md = render_markdown(with_history())
    assert "| 排名 | 與上週比較 | 新增回文數 | 來源頻道 | 標題 |" in md and "| 1 | ↑1 |" in md
    assert "與上週比較" not in render_markdown(sample())
    csv_text = render_csv(with_history()).decode("utf-8-sig")
    assert csv_text.splitlines()[0].endswith(",與上週比較")
    assert ",↑1\r\n" in csv_text and ",新進榜\r\n" in csv_text


# --- the page -------------------------------------------------------------------------------------


def test_the_page_has_a_chart_per_board_and_a_daily_chart() -> None:
    boards = with_history()
    page = render_html(boards, GENERATED)
    with_entries = [b for b in boards.boards if b.entries]
    assert page.count('<figure class="chart"><svg') == len(with_entries) + 1
    assert '<section class="board" id="daily">' in page and "每日新增回文數" in page
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids in the page are unique"
    assert "&lt;script&gt;alert(1)&lt;/scr…</text>" in page  # the hostile title, cut, in a chart


def test_exclusions_are_collapsed_and_the_terms_defined() -> None:
    page = render_html(with_history(), GENERATED, charts=False)
    details = page[page.index('<details class="excluded-list">') : page.index("</details>")]
    assert "<summary>顯示 1 篇未列入排行的文章與原因</summary>" in details
    assert "閒聊文①" in details
    for term in ("觀測期間", "新增回文數", "來源頻道", "閒聊文", "直播文", "贈獎文", "活動文"):
        assert f"<b>{term}</b>" in page
    assert "<b>≈ 估計值</b>" in page and "<b>資料不完整</b>" in page
    assert "①" in page and "②" in page


# --- Excel ----------------------------------------------------------------------------------------


def test_the_workbook_has_a_sheet_per_board_then_exclusions_completeness_and_notes() -> None:
    boards = with_history()
    wb = load_workbook(io.BytesIO(render_xlsx(boards, GENERATED)))
    labels = [b.label for b in ordered_boards(boards.boards)]
    assert wb.sheetnames == [*labels, "未列入排行", "資料完整性", "說明"]
    ptt = wb["PTT"]
    assert ptt.freeze_panes == "A2"
    header = [c.value for c in ptt[1]]
    assert header == ["排名", "與上週比較", "新增回文數", "估計值", "來源頻道", "標題", "資料狀態"]
    rows = list(ptt.iter_rows(min_row=2, values_only=True))
    assert rows[0][:3] == (1, "↑1", 2388) and rows[0][5] == "[情報] beanfun除夕起~送零用金活動展開!"
    assert all(isinstance(r[2], int) and isinstance(r[3], bool) for r in rows)


def test_workbook_titles_link_only_to_http_and_never_run_as_formulas() -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(sample(), GENERATED)))
    ptt = wb["PTT"]
    titles = {c.value: c for c in ptt["E"][1:]}
    linked = titles["[情報] beanfun除夕起~送零用金活動展開!"]
    assert linked.hyperlink is not None
    assert linked.hyperlink.target.startswith("https://www.ptt.cc/bbs/")
    assert titles["<script>alert(1)</script>"].hyperlink is None  # its URL is javascript:
    formula = titles['\'=HYPERLINK("http://evil")']
    assert formula.data_type == "s"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_workbook_columns_fit_chinese_titles() -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(sample(), GENERATED)))
    ws = wb["Facebook 活動文"]
    title = "神魔之塔派獎活動來了 只要在此貼文留言"
    assert ws["E2"].value == title
    assert ws.column_dimensions["E"].width >= display_width(title) > len(title)
    assert display_width("PTT > 八卦") == 10


def test_workbook_survives_control_characters_in_titles() -> None:
    boards = sample()
    ptt = next(b for b in boards.boards if b.scope == "platform:ptt")
    bad = replace(ptt.entries[0], title="壞\x00字\x1b元")
    boards = replace(
        boards,
        boards=tuple(
            replace(b, entries=(bad, *b.entries[1:])) if b is ptt else b for b in boards.boards
        ),
    )
    wb = load_workbook(io.BytesIO(render_xlsx(boards, GENERATED)))
    assert wb["PTT"]["E2"].value == "壞字元"


@pytest.mark.parametrize(
    ("label", "taken", "expected"),
    [
        ("PTT > Gossiping", set(), "PTT > Gossiping"),
        ("a/b\\c[d]e:f*g?h", set(), "a_b_c_d_e_f_g_h"),
        ("'quoted'", set(), "quoted"),
        ("x" * 40, set(), "x" * 31),
        ("PTT", {"ptt"}, "PTT (2)"),
        ("y" * 40, {"y" * 31}, "y" * 27 + " (2)"),
        ("History", set(), "History (2)"),
        ("", set(), "Sheet"),
    ],
)
def test_sheet_names_are_valid_and_unique(label: str, taken: set[str], expected: str) -> None:
    name = sheet_name(label, set(taken))
    assert name == expected
    assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


# --- JSON -----------------------------------------------------------------------------------------


def test_the_json_document_carries_every_board_entry_and_movement() -> None:
    boards = with_history()
    doc = json.loads(render_json(boards, GENERATED))
    assert doc["schema_version"] == SCHEMA_VERSION == 1
    assert doc["week"] == "2019-02-04"
    assert doc["period"]["label"] == "2019.02.04~2019.02.10"
    assert doc["period"]["start"] == "2019-02-04T00:00:00+08:00"
    assert doc["generated_at"] == "2019-02-11T09:00:00+08:00"
    assert [b["scope"] for b in doc["boards"]] == [b.scope for b in ordered_boards(boards.boards)]
    ptt = next(b for b in doc["boards"] if b["scope"] == "platform:ptt")
    first = ptt["entries"][0]
    assert set(first) == {
        "rank",
        "new_replies",
        "estimate",
        "movement",
        "platform",
        "channel",
        "source_channel",
        "title",
        "url",
        "thread_id",
        "thread_key",
    }
    assert first["movement"] == {"kind": "up", "label": "↑1", "previous_rank": 2}
    hostile = next(e for e in ptt["entries"] if e["title"] == "<script>alert(1)</script>")
    assert hostile["url"] is None  # javascript: is not passed on
    assert doc["daily"][0] == {
        "platform": "ptt",
        "channel": "Gossiping",
        "date": "2019-02-04",
        "new_replies": 10,
    }
    assert doc["exclusions"][0]["reason"] == "chit_chat_periodic"
    assert doc["has_movement"] is True
    assert (
        json.loads(render_json(sample(), GENERATED))["boards"][0]["entries"][0]["movement"] is None
    )


def test_every_json_field_is_documented() -> None:
    boards = replace(with_history(), coverage=incomplete_sample().coverage)
    doc = report_document(boards, GENERATED)
    assert doc["coverage"] and doc["completeness"]["incomplete_channels"] and doc["daily"]
    text = DOCS.read_text(encoding="utf-8")

    def keys(value: object, prefix: str = "") -> set[str]:
        found: set[str] = set()
        if isinstance(value, dict):
            for k, v in value.items():
                found.add(f"{prefix}{k}")
                found |= keys(v, f"{prefix}{k}.")
        elif isinstance(value, list) and value:
            found |= keys(value[0], prefix.rstrip(".") + "[].")
        return found

    missing = sorted(k for k in keys(doc) if f"`{k}`" not in text)
    assert not missing, f"docs/REPORT.md does not describe {missing}"


def test_a_week_without_boards_still_renders_every_format() -> None:
    empty = WeeklyBoards(WEEK.start, WEEK.end, ())
    assert "本週沒有因規則排除而落榜的文章" in render_html(empty, GENERATED)
    assert load_workbook(io.BytesIO(render_xlsx(empty, GENERATED))).sheetnames == [
        "未列入排行",
        "資料完整性",
        "說明",
    ]
    assert json.loads(render_json(empty, GENERATED))["boards"] == []
