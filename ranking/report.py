"""The weekly report "網友熱議文章大公開": HTML, an Excel workbook, CSV, Markdown and JSON."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from ranking.cells import safe_cell, safe_url
from ranking.coverage import STATUS_WORDS, board_gaps, gap_line, worst
from ranking.exclusions import REASONS
from ranking.leaderboard import channel_label, ordered_boards
from ranking.models import Exclusion, LeaderboardEntry, WeeklyBoards
from ranking.movement import movements
from ranking.report_html import (
    board_channel,
    board_heading,
    period_line,
    render_html,
    source_channel,
)
from ranking.report_json import render_json
from ranking.report_xlsx import render_xlsx
from ranking.windows import TAIPEI, Window

__all__ = [
    "CSV_COLUMNS",
    "ReportPaths",
    "board_heading",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_xlsx",
    "source_channel",
    "write_report",
]

CSV_COLUMNS = (
    "觀測期間",
    "scope",
    "排名",
    "新增回文數",
    "估計值",
    "來源頻道",
    "標題",
    "網址",
    "資料狀態",
    "狀態說明",
    "與上週比較",
)
"""One row per ranked entry, then one `coverage:<platform>/<channel>` row per channel crawled.

資料狀態 is complete, incomplete, failed, provisional or not_crawled: for an entry, the worst of
the channels behind its board; 狀態說明 says why. 與上週比較 is ↑3, ↓2, –, 新進榜, or empty
when last week was not published (and on coverage rows)."""
_MD_SPECIAL = "\\`*_[]<>|&#"
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"


@dataclass(frozen=True, slots=True)
class ReportPaths:
    """Where write_report put the five files."""

    html: Path
    xlsx: Path
    csv: Path
    markdown: Path
    json: Path

    def all(self) -> tuple[Path, ...]:
        """Every file, in the order the commands print them."""
        return (self.html, self.xlsx, self.csv, self.markdown, self.json)


def _window(boards: WeeklyBoards) -> Window:
    """The observation window of a set of boards."""
    return Window(boards.week_start, boards.week_end)


def render_csv(boards: WeeklyBoards) -> bytes:
    """Every board's entries, then each channel's coverage, as CSV: UTF-8 BOM, formula-safe."""
    label = safe_cell(period_line(boards))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    moved = movements(boards) or {}
    for board in ordered_boards(boards.boards):
        gaps = board_gaps(boards, board)
        status = worst(c.status for c in gaps)
        why = "; ".join(gap_line(c) for c in gaps)
        for e in board.entries:
            writer.writerow(
                [
                    label,
                    safe_cell(board.scope),
                    e.rank,
                    e.new_replies,
                    "TRUE" if e.estimate else "FALSE",
                    safe_cell(board_channel(e)),
                    safe_cell(e.title),
                    safe_cell(e.url),
                    status,
                    safe_cell(why),
                    safe_cell(move.label) if (move := moved.get((board.scope, e.rank))) else "",
                ]
            )
    for c in boards.coverage:
        crawled = (
            f"; crawled {c.observed_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}" if c.observed_at else ""
        )
        writer.writerow(
            [
                label,
                safe_cell(f"coverage:{c.platform}/{c.channel}"),
                "",
                "",
                "",
                safe_cell(channel_label(c.platform, c.channel)),
                "",
                "",
                c.status,
                safe_cell(f"{c.reason}{crawled}".lstrip("; ")),
                "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def _md(text: str) -> str:
    """Text made inert inside a Markdown table cell: one line, punctuation escaped."""
    flat = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in flat)


def _md_link(title: str, url: str, fallback: str) -> str:
    """A Markdown link when the URL is http(s), else the escaped title alone."""
    text = _md(title) or fallback
    href = safe_url(url)
    if href is None:
        return text
    return f"[{text}]({quote(href, safe=_URL_SAFE)})"


def _md_number(e: LeaderboardEntry | Exclusion) -> str:
    """新增回文數 with thousands separators, ≈ for an estimate."""
    return f"{'≈' if e.estimate else ''}{e.new_replies:,}"


def _md_gaps(boards: WeeklyBoards) -> list[str]:
    """The warning under the heading when channels are incomplete."""
    gaps = [c for c in boards.incomplete if c.status != "provisional"]
    if not gaps:
        return []
    lines = ["> **⚠ 資料不完整**：下列頻道未能完整抓取，相關排行的新增回文數可能偏低。", ">"]
    lines += [f"> - {_md(gap_line(c))}" for c in gaps]
    return [*lines, ""]


def _md_coverage(boards: WeeklyBoards) -> list[str]:
    """The completeness table at the foot."""
    if not boards.coverage:
        return []
    lines = [
        "## 各頻道資料完整性",
        "",
        "| 來源頻道 | 狀態 | 說明 | 抓取時間 |",
        "|---|---|---|---|",
    ]
    for c in boards.coverage:
        crawled = f"{c.observed_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}" if c.observed_at else "-"
        lines.append(
            f"| {_md(channel_label(c.platform, c.channel))} "
            f"| {_md(STATUS_WORDS.get(c.status, c.status))} | {_md(c.reason) or '-'} | {crawled} |"
        )
    return [*lines, ""]


def render_markdown(boards: WeeklyBoards) -> str:
    """A heading and one table per leaderboard (plus the exclusions), links as [title](url)."""
    lines = ["# 網友熱議文章大公開", "", f"觀測期間：{_md(period_line(boards))}", ""]
    lines += _md_gaps(boards)
    any_estimate = False
    moved = movements(boards)
    for board in ordered_boards(boards.boards):
        mark = (
            "（資料不完整）"
            if any(c.status != "provisional" for c in board_gaps(boards, board))
            else ""
        )
        lines += [f"## {_md(board_heading(board))}{mark}", ""]
        if not board.entries:
            lines += ["本週沒有符合條件的文章。", ""]
            continue
        if moved is None:
            lines += ["| 排名 | 新增回文數 | 來源頻道 | 標題 |", "|---:|---:|---|---|"]
        else:
            lines += [
                "| 排名 | 與上週比較 | 新增回文數 | 來源頻道 | 標題 |",
                "|---:|:---:|---:|---|---|",
            ]
        for e in board.entries:
            any_estimate |= e.estimate
            link = _md_link(e.title, e.url, f"#{e.thread_id}")
            move = "" if moved is None else f" {moved[(board.scope, e.rank)].label} |"
            lines.append(f"| {e.rank} |{move} {_md_number(e)} | {_md(board_channel(e))} | {link} |")
        lines.append("")
    if boards.exclusions:
        lines += ["## 未列入排行的文章", ""]
        lines += ["| 原因 | 新增回文數 | 來源頻道 | 標題 | 說明 |", "|---|---:|---|---|---|"]
        for x in boards.exclusions:
            any_estimate |= x.estimate
            reason = REASONS.get(x.reason, x.reason)
            link = _md_link(x.title, x.url, f"#{x.thread_id}")
            lines.append(
                f"| {_md(reason)} | {_md_number(x)} | {_md(source_channel(x))} | {link} "
                f"| {_md(x.detail)} |"
            )
        lines.append("")
    lines += _md_coverage(boards)
    lines.append("新增回文數：觀測期間內新增的回文／留言數。")
    if any_estimate:
        lines.append("≈：估計值，由觀測期間前後的留言總數快照相減而得。")
    if moved is not None:
        lines.append("與上週比較：↑ 上升、↓ 下降、– 名次不變、新進榜為上週未在此榜上。")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary name so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_report(boards: WeeklyBoards, out_dir: Path, generated_at: datetime) -> ReportPaths:
    """Write leaderboard.html, .xlsx, .csv, .md and .json into out_dir (created).

    Every file is rendered before any is written, so a failure leaves the last report whole.
    """
    out_dir = Path(out_dir)
    paths = ReportPaths(
        html=out_dir / "leaderboard.html",
        xlsx=out_dir / "leaderboard.xlsx",
        csv=out_dir / "leaderboard.csv",
        markdown=out_dir / "leaderboard.md",
        json=out_dir / "leaderboard.json",
    )
    rendered = {
        paths.html: render_html(boards, generated_at).encode("utf-8"),
        paths.xlsx: render_xlsx(boards, generated_at),
        paths.csv: render_csv(boards),
        paths.markdown: render_markdown(boards).encode("utf-8"),
        paths.json: render_json(boards, generated_at).encode("utf-8"),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, data in rendered.items():
        _write_atomic(path, data)
    return paths
