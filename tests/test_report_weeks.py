"""`buzz report --weeks`: published weeks side by side, gaps marked, stored boards read back."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import storage_fixtures as h
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from buzz.cli import app
from ranking.report_weeks import (
    CSV_COLUMNS,
    multi_week,
    parse_week_range,
    render_csv,
    render_html,
    week_states,
)
from ranking.windows import TAIPEI, Window, week_starting
from storage.leaderboards import (
    load_leaderboards_between,
    load_week_statuses,
    save_leaderboards,
    save_week_status,
)
from storage.records import ReplyRecord, ThreadRecord
from storage.writes import write_threads

db_url = h.db_url
engine = h.engine

WEEKS = parse_week_range("2019-01-07..2019-01-28")
BEFORE = week_starting(date(2018, 12, 31))
GENERATED = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
EVIL = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def entry(week: Window, scope: str, rank: int, key: str, n: int, title: str = "") -> dict[str, Any]:
    """One stored board entry as storage returns it."""
    platform, _, channel = scope.partition(":")[2].partition("/")
    return {
        "week_start": week.start.astimezone(TAIPEI),
        "scope": scope,
        "label": "PTT" if scope.startswith("platform:") else f"PTT > {channel}",
        "rank": rank,
        "thread_id": hash(key) % 1000,
        "new_replies": n,
        "estimate": False,
        "platform": platform,
        "channel": channel or "Stock",
        "thread_key": key,
        "title": title or f"[標的] {key}",
        "url": f"https://www.ptt.cc/bbs/Stock/{key}.html",
    }


def status(week: Window, *gaps: tuple[str, str, str]) -> dict[str, Any]:
    """A published week's status; gaps are (channel, status, reason) of PTT channels."""
    coverage = [{"platform": "ptt", "channel": c, "status": s, "reason": r} for c, s, r in gaps]
    coverage.append({"platform": "ptt", "channel": "Stock", "status": "complete", "reason": ""})
    return {
        "week_start": week.start,
        "complete": not gaps,
        "provisional": False,
        "coverage": coverage,
    }


def sample() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Before: A. Weeks 1: A, B; 2: not published; 3: C (Gossiping failed); 4: A, C."""
    w1, _, w3, w4 = WEEKS
    rows = [
        entry(BEFORE, "platform:ptt", 1, "A", 50),
        entry(w1, "platform:ptt", 1, "A", 40),
        entry(w1, "platform:ptt", 2, "B", 30, EVIL),
        entry(w1, "channel:ptt/Stock", 1, "A", 40),
        entry(w3, "platform:ptt", 1, "C", 20, "=HYPERLINK(1)"),
        entry(w4, "platform:ptt", 1, "C", 25, "=HYPERLINK(1)"),
        entry(w4, "platform:ptt", 2, "A", 12),
    ]
    failed = ("Gossiping", "failed", "http_503")
    statuses = [status(BEFORE), status(w1), status(w3, failed), status(w4)]
    return rows, statuses


def test_a_range_is_two_mondays_in_order_and_bad_ones_say_why() -> None:
    assert [w.week_id for w in WEEKS] == ["2019-01-07", "2019-01-14", "2019-01-21", "2019-01-28"]
    assert [w.week_id for w in parse_week_range("2019-02-04..2019-02-04")] == ["2019-02-04"]
    for text, why in (
        ("2019-01-07", "not a range of weeks"),
        ("2019-01-08..2019-02-04", "is a Tuesday"),
        ("2019-02-04..2019-01-07", "ends before it starts"),
        ("2019-01-07..", "not a range of weeks"),
        ("2017-01-02..2019-02-04", "at most 53"),
    ):
        with pytest.raises(ValueError, match=why):
            parse_week_range(text)


def test_each_board_tells_who_stayed_who_is_new_and_replies_per_week() -> None:
    rows, statuses = sample()
    report = multi_week(rows, statuses, WEEKS, BEFORE)
    assert [b.scope for b in report.boards] == ["platform:ptt", "channel:ptt/Stock"]
    board = report.boards[0]
    summary = [(s.state.state, s.entries, s.new, s.stayed, s.replies) for s in board.weeks]
    assert summary == [
        ("complete", 2, 1, 1, 70),  # A stayed from the week before, B is new
        ("not_published", 0, None, None, 0),
        ("incomplete", 1, None, None, 20),  # the week before was not published: unknown
        ("complete", 2, 1, 1, 37),  # C stayed, A is back (new to the board)
    ]
    by_key = {t.thread_key: t for t in board.threads}
    assert [t.thread_key for t in board.threads] == ["A", "C", "B"]  # most weeks, then replies
    a = by_key["A"]
    assert [(c.rank, c.replies, c.mark) for c in a.cells] == [
        (1, 40, "stayed"),
        (None, None, "not_published"),
        (None, None, "off"),
        (2, 12, "new"),
    ]
    assert (a.weeks_on, a.replies) == (2, 52)
    stock = report.boards[1]
    # Gossiping failing marks the platform board, not the Stock board
    assert [s.state.state for s in stock.weeks] == [
        "complete",
        "not_published",
        "complete",
        "complete",
    ]


def test_a_week_not_published_or_incomplete_is_marked_never_quiet() -> None:
    rows, statuses = sample()
    states = week_states(statuses, WEEKS)
    assert [(s.week, s.word) for s in states] == [
        ("2019-01-07", ""),
        ("2019-01-14", "未發布"),
        ("2019-01-21", "不完整"),
        ("2019-01-28", ""),
    ]
    assert "PTT > Gossiping" in states[2].note and "http_503" in states[2].note
    provisional = [{**statuses[1], "provisional": True, "complete": False}]
    assert [s.word for s in week_states(provisional, WEEKS[:1])] == ["暫定"]
    report = multi_week(rows, statuses, WEEKS, BEFORE)
    html = render_html(report, GENERATED)
    assert html.count("未發布") >= 3 and "不完整" in html and "http_503" in html
    table = list(csv.reader(io.StringIO(render_csv(report).lstrip("\ufeff"))))
    assert tuple(table[0]) == CSV_COLUMNS
    gaps = [r for r in table[1:] if r[0] == "2019-01-14"]
    assert gaps and all(r[1] == "未發布" and r[4] == "" for r in gaps)
    assert {r[1] for r in table[1:] if r[0] == "2019-01-21" and r[2] == "platform:ptt"} == {
        "不完整"
    }


def test_the_page_is_self_contained_and_escapes_titles_and_the_csv_is_formula_safe() -> None:
    rows, statuses = sample()
    report = multi_week(rows, statuses, WEEKS, BEFORE)
    html = render_html(report, GENERATED)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert not re.search(r"<(?:script|link|img)\b|<[a-z][^>]*\ssrc=|@import", html)
    assert "2019/01/07 ~ 2019/02/03" in html
    table = list(csv.reader(io.StringIO(render_csv(report).lstrip("\ufeff"))))
    titles = {r[8] for r in table[1:]}
    assert "'=HYPERLINK(1)" in titles and "=HYPERLINK(1)" not in titles
    movement = {(r[0], r[2], r[7 + 1]): r[6] for r in table[1:] if r[4]}
    assert movement[("2019-01-07", "platform:ptt", "[標的] A")] == "續留"
    assert movement[("2019-01-28", "platform:ptt", "[標的] A")] == "新進榜"


def test_nothing_published_gives_a_page_that_says_so() -> None:
    report = multi_week([], [], WEEKS, BEFORE)
    assert report.boards == () and all(s.word == "未發布" for s in report.states)
    html = render_html(report, GENERATED)
    assert "沒有任何已發布的排行榜" in html and html.count("未發布") >= 4


# --- storage and the command -----------------------------------------------------------------


def publish(engine: Engine) -> None:
    """Two threads, ranked in weeks 1 and 3 of the range (week 3 incomplete), week 2 skipped."""
    batch: list[tuple[ThreadRecord, list[ReplyRecord]]] = [
        (h.thread(k, title=t, channel="Stock"), []) for k, t in (("A", "甲"), ("B", EVIL))
    ]
    published = datetime(2019, 2, 11, 1, 0, tzinfo=TAIPEI)
    with engine.begin() as conn:
        ids = [r.thread_id for r in write_threads(conn, batch, published)]
        gap = {"platform": "ptt", "channel": "Stock", "status": "incomplete", "reason": "2 failed"}
        for week, keys, gaps in ((WEEKS[0], [0, 1], []), (WEEKS[2], [1], [gap])):
            entries = [
                {"rank": i + 1, "thread_id": ids[k], "new_replies": 9 - i}
                for i, k in enumerate(keys)
            ]
            boards = [{"scope": "platform:ptt", "label": "PTT", "entries": entries}]
            save_leaderboards(conn, week.start, boards, [], published)
            save_week_status(conn, week.start, published, gaps)


def test_storage_reads_the_weeks_boards_and_statuses_in_a_range(engine: Engine) -> None:
    publish(engine)
    with engine.connect() as conn:
        rows = load_leaderboards_between(conn, WEEKS[0].start, WEEKS[-1].start)
        statuses = load_week_statuses(conn, WEEKS[0].start, WEEKS[-1].start)
        none = load_leaderboards_between(conn, BEFORE.start, BEFORE.start)
    assert [(r["week_start"], r["rank"], r["thread_key"]) for r in rows] == [
        (WEEKS[0].start, 1, "A"),
        (WEEKS[0].start, 2, "B"),
        (WEEKS[2].start, 1, "B"),
    ]
    assert [s["week_start"] for s in statuses] == [WEEKS[0].start, WEEKS[2].start]
    assert statuses[1]["coverage"] == [
        {"platform": "ptt", "channel": "Stock", "status": "incomplete", "reason": "2 failed"}
    ]
    assert none == []


def test_the_command_writes_the_page_and_csv_under_the_range_folder(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(engine)
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    args = ["report", "--weeks", "2019-01-07..2019-01-28", "--now", "2019-02-11T09:00"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "reports" / "2019-01-07..2019-01-28"
    html = (folder / "weeks.html").read_text(encoding="utf-8")
    assert "甲" in html and "&lt;script&gt;" in html and "<script>" not in html
    assert "未發布" in html and "不完整" in html
    assert "2019-01-14 未發布" in result.stderr and "2019-01-21 不完整" in result.stderr
    rows = list(csv.DictReader(io.StringIO((folder / "weeks.csv").read_text("utf-8-sig"))))
    assert [(r["週"], r["排名"], r["標題"]) for r in rows] == [
        ("2019-01-07", "1", "甲"),
        ("2019-01-07", "2", EVIL),
        ("2019-01-14", "", ""),
        ("2019-01-21", "1", EVIL),
        ("2019-01-28", "", ""),
    ]
    assert [r["週狀態"] for r in rows] == ["", "", "未發布", "不完整", "未發布"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--weeks", "2019-01-07"], "--weeks: '2019-01-07' is not a range of weeks"),
        (["--weeks", "2019-02-04..2019-01-07"], "ends before it starts"),
        (["--weeks", "2019-01-08..2019-02-04"], "--weeks: 2019-01-08 is a Tuesday"),
        (["--weeks", "2019-01-07..2019-02-04", "--week", "2019-02-04"], "not both"),
        (["--weeks", "2019-01-07..2019-03-04", "--now", "2019-02-11"], "has not started yet"),
    ],
)
def test_bad_ranges_exit_2_with_one_line(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUZZ_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    result = CliRunner().invoke(app, ["report", *args])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: ") and message in lines[0], lines
    assert not (tmp_path / "reports").exists()


def test_the_week_before_the_range_is_read_to_tell_who_is_new() -> None:
    rows, statuses = sample()
    later = [r for r in rows if r["week_start"] != BEFORE.start]
    without = multi_week(later, statuses[1:], WEEKS, BEFORE)
    assert without.boards[0].weeks[0].new is None  # the week before was not published
    assert multi_week(rows, statuses, WEEKS, BEFORE).boards[0].weeks[0].new == 1
    assert WEEKS[0].start - timedelta(days=7) == BEFORE.start
