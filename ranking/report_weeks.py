"""Several published weeks side by side: per board, who stayed, who is new, replies per week.

Pure functions over the rows storage returns (one per ranked entry per week) and the weeks'
publication status; pandas pivots thread x week. A week that was never published, or whose
channels were crawled incompletely, is marked as such on every board it touches, never
shown as a quiet week.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pandas as pd

from ranking.cells import safe_cell, safe_url
from ranking.coverage import STATUS_WORDS
from ranking.leaderboard import board_sort_key, channel_label, parse_scope
from ranking.models import Leaderboard
from ranking.windows import TAIPEI, Window, parse_week

MAX_WEEKS = 53
"""The longest range one page holds (a year of weeks)."""
STATE_WORDS = {
    "complete": "",
    "incomplete": "不完整",
    "provisional": "暫定",
    "not_published": "未發布",
}
CSV_COLUMNS = (
    "週",
    "週狀態",
    "scope",
    "榜單",
    "排名",
    "新增回文數",
    "進榜",
    "來源頻道",
    "標題",
    "網址",
)
"""One row per board entry per week, and one row per board for each week it cannot show."""
HTML_NAME = "weeks.html"
CSV_NAME = "weeks.csv"


@dataclass(frozen=True, slots=True)
class WeekState:
    """How a week stands for one board: complete, incomplete, provisional or not_published."""

    week: str  # the week's Monday, 2019-02-04
    state: str
    note: str = ""

    @property
    def shown(self) -> bool:
        """Whether the board has entries to show for the week (it was published)."""
        return self.state != "not_published"

    @property
    def word(self) -> str:
        """The mark a reader sees: 不完整, 暫定, 未發布, or nothing."""
        return STATE_WORDS[self.state]


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """One board in one week: entries, how many are new or stayed, and their new replies."""

    state: WeekState
    entries: int
    new: int | None  # None when the week before cannot be told (not published)
    stayed: int | None
    replies: int


@dataclass(frozen=True, slots=True)
class Cell:
    """One thread in one week of a board: its rank and replies, or why there is none."""

    rank: int | None
    replies: int | None
    mark: str  # "new" | "stayed" | "" (on the board), "off", or the week's state


@dataclass(frozen=True, slots=True)
class ThreadWeeks:
    """A thread that was on a board at least once in the range, week by week."""

    thread_key: str
    title: str
    url: str | None
    channel: str
    cells: tuple[Cell, ...]
    weeks_on: int
    replies: int


@dataclass(frozen=True, slots=True)
class BoardWeeks:
    """One board across the range: its per-week summary and its threads, most weeks first."""

    scope: str
    label: str
    weeks: tuple[WeekSummary, ...]
    threads: tuple[ThreadWeeks, ...]


@dataclass(frozen=True, slots=True)
class MultiWeek:
    """The whole range: its weeks and every board seen in it, in report order."""

    weeks: tuple[Window, ...]
    boards: tuple[BoardWeeks, ...]
    states: tuple[WeekState, ...]  # each week over every board: what a reader must be told

    @property
    def folder_name(self) -> str:
        """`2019-01-07..2019-02-04`, the range's folder under reports/."""
        return f"{self.weeks[0].week_id}..{self.weeks[-1].week_id}"


def parse_week_range(text: str) -> list[Window]:
    """`2019-01-07..2019-02-04` as its weeks, oldest first; ValueError with a one-line reason."""
    first, sep, last = text.strip().partition("..")
    if not sep or not first or not last:
        raise ValueError(
            f"{text!r} is not a range of weeks: give two Mondays as FIRST..LAST, "
            "e.g. 2019-01-07..2019-02-04"
        )
    start, end = parse_week(first), parse_week(last)
    if end.start < start.start:
        raise ValueError(f"{text!r} ends before it starts: the first Monday comes first")
    count = (end.start - start.start).days // 7 + 1
    if count > MAX_WEEKS:
        raise ValueError(f"{text!r} spans {count} weeks; one page holds at most {MAX_WEEKS}")
    return [_shift(start, 7 * i) for i in range(count)]


def _shift(window: Window, days: int) -> Window:
    """The window moved by a number of days."""
    return Window(window.start + timedelta(days=days), window.end + timedelta(days=days))


def _week_id(value: datetime | date | str) -> str:
    """A week's Monday as text, whatever form storage returned it in."""
    if isinstance(value, datetime):
        return value.astimezone(TAIPEI).date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def week_states(
    statuses: Iterable[Mapping[str, Any]], weeks: Sequence[Window], scope: str | None = None
) -> list[WeekState]:
    """How each week stands for a board (None: for any board): published, and whole or not."""
    by_week = {_week_id(s["week_start"]): s for s in statuses}
    kind, platform, channel = parse_scope(scope) if scope else ("", "", "")
    out = []
    for window in weeks:
        status = by_week.get(window.week_id)
        if status is None:
            out.append(WeekState(window.week_id, "not_published", "這週沒有發布的排行榜"))
            continue
        gaps = [
            c
            for c in status.get("coverage", ())
            if c["status"] != "complete"
            and (not scope or c["platform"] == platform)
            and (kind != "channel" or c["channel"] == channel)
        ]
        if gaps:
            note = "；".join(
                f"{channel_label(c['platform'], c['channel'])}："
                f"{STATUS_WORDS.get(c['status'], c['status'])}"
                + (f"（{c['reason']}）" if c.get("reason") else "")
                for c in gaps
            )
            state = "provisional" if all(c["status"] == "provisional" for c in gaps) else None
            out.append(WeekState(window.week_id, state or "incomplete", note))
        elif status.get("provisional"):
            out.append(WeekState(window.week_id, "provisional", "暫定：這週尚未結束"))
        else:
            out.append(WeekState(window.week_id, "complete"))
    return out


def entries_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The ranked rows as a frame, one per entry per week, the week as its Monday."""
    columns = ["week", "scope", "label", "rank", "new_replies", "platform", "channel"]
    columns += ["thread_key", "title", "url"]
    records = [
        {**{k: r.get(k) for k in columns[1:]}, "week": _week_id(r["week_start"])} for r in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({"rank": "int64", "new_replies": "int64"})


def board_pivot(frame: pd.DataFrame, weeks: Sequence[str], value: str) -> pd.DataFrame:
    """Thread x week of one board's rows: `value` (rank or new_replies), NaN when off the board."""
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name="thread_key"), columns=list(weeks))
    pivot = frame.pivot_table(index="thread_key", columns="week", values=value, aggfunc="first")
    return pivot.reindex(columns=list(weeks))


def _count(value: object) -> int | None:
    """A pivot cell as an int, None for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(cast(float, value))


def board_weeks(
    frame: pd.DataFrame,
    statuses: Sequence[Mapping[str, Any]],
    weeks: Sequence[Window],
    scope: str,
    before: Window | None = None,
) -> BoardWeeks:
    """One board across the weeks; `before` is the week ahead of the range, to tell who is new."""
    rows = frame[frame["scope"] == scope]
    ids = [w.week_id for w in weeks]
    all_weeks = ([before] if before else []) + list(weeks)
    states = week_states(statuses, all_weeks, scope)
    shown = {s.week: s for s in states}
    ranks = board_pivot(rows, [w.week_id for w in all_weeks], "rank")
    replies = board_pivot(rows, ids, "new_replies")
    on = {w: set(ranks.index[ranks[w].notna()]) for w in ranks.columns}
    summaries = []
    previous = before.week_id if before else None
    for week in ids:
        state = shown[week]
        known = previous is not None and shown[previous].shown and state.shown
        here = on.get(week, set())
        summaries.append(
            WeekSummary(
                state,
                len(here),
                len(here - on[previous]) if known and previous else None,
                len(here & on[previous]) if known and previous else None,
                int(replies[week].sum(skipna=True)) if week in replies else 0,
            )
        )
        previous = week
    latest = rows.sort_values("week").groupby("thread_key").last()
    threads = []
    for key in replies.index:
        cells = []
        previous = before.week_id if before else None
        for week in ids:
            state = shown[week]
            rank = _count(ranks.at[key, week]) if key in ranks.index else None
            if not state.shown:
                cells.append(Cell(None, None, state.state))
            elif rank is None:
                cells.append(Cell(None, None, "off"))
            else:
                was = previous is not None and key in on.get(previous, set())
                unknown = previous is None or not shown[previous].shown
                mark = "" if unknown else "stayed" if was else "new"
                cells.append(Cell(rank, _count(replies.at[key, week]), mark))
            previous = week
        info = latest.loc[key]
        weeks_on = sum(c.rank is not None for c in cells)
        total = sum(c.replies or 0 for c in cells)
        threads.append(
            ThreadWeeks(
                str(key),
                str(info["title"]),
                safe_url(str(info["url"])),
                channel_label(str(info["platform"]), str(info["channel"])),
                tuple(cells),
                weeks_on,
                total,
            )
        )
    threads.sort(key=lambda t: (-t.weeks_on, -t.replies, t.thread_key))
    label = str(rows["label"].iloc[-1]) if len(rows) else scope
    return BoardWeeks(scope, label, tuple(summaries), tuple(threads))


def multi_week(
    rows: Iterable[Mapping[str, Any]],
    statuses: Sequence[Mapping[str, Any]],
    weeks: Sequence[Window],
    before: Window | None = None,
) -> MultiWeek:
    """Every board seen in the range (rows may include the week before, as `before`)."""
    frame = entries_frame(rows)
    ids = {w.week_id for w in weeks}
    scopes = {
        str(s): str(label)
        for s, label in frame.loc[frame["week"].isin(ids), ["scope", "label"]].itertuples(
            index=False
        )
    }
    order = sorted(scopes, key=lambda s: board_sort_key(Leaderboard(s, scopes[s], ())))
    boards = tuple(board_weeks(frame, statuses, weeks, s, before) for s in order)
    return MultiWeek(tuple(weeks), boards, tuple(week_states(statuses, weeks)))


def _movement(cell: Cell) -> str:
    """進榜 for the CSV: 新進榜, 續留, or blank when the week before is unknown."""
    return {"new": "新進榜", "stayed": "續留"}.get(cell.mark, "")


def render_csv(report: MultiWeek) -> str:
    """The range as CSV (UTF-8 with BOM for Excel): entries by board and week, gaps marked."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for board in report.boards:
        for i, summary in enumerate(board.weeks):
            week, state = summary.state.week, summary.state
            on = sorted(
                ((t, t.cells[i]) for t in board.threads if t.cells[i].rank is not None),
                key=lambda tc: tc[1].rank or 0,
            )
            if not state.shown or not on:
                writer.writerow(
                    [week, state.word, board.scope, safe_cell(board.label), "", "", "", "", "", ""]
                )
                continue
            for thread, cell in on:
                writer.writerow(
                    [
                        week,
                        state.word,
                        board.scope,
                        safe_cell(board.label),
                        cell.rank,
                        cell.replies,
                        _movement(cell),
                        safe_cell(thread.channel),
                        safe_cell(thread.title),
                        safe_cell(thread.url or ""),
                    ]
                )
    return "\ufeff" + buf.getvalue()


def render_html(report: MultiWeek, generated_at: datetime) -> str:
    """The range as one self-contained HTML page (inline CSS, autoescaped Jinja2 template)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("weeks.html.j2")
    first, last = report.weeks[0], report.weeks[-1]
    return template.render(
        report=report,
        period=f"{first.first_day:%Y/%m/%d} ~ {(last.end - timedelta(days=1)).date():%Y/%m/%d}",
        generated=f"{generated_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}",
        state_words=STATE_WORDS,
    )


@dataclass(frozen=True, slots=True)
class WeeksPaths:
    """Where write_weeks put the page and the CSV."""

    html: Path
    csv: Path


def write_weeks(report: MultiWeek, folder: Path, generated_at: datetime) -> WeeksPaths:
    """Write weeks.html and weeks.csv into a folder (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = WeeksPaths(folder / HTML_NAME, folder / CSV_NAME)
    paths.html.write_text(render_html(report, generated_at), encoding="utf-8")
    paths.csv.write_text(render_csv(report), encoding="utf-8", newline="")
    return paths
