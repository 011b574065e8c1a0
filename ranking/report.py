"""The weekly report "網友熱議文章大公開" as one HTML file, a CSV for Excel and Markdown."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from ranking.cells import safe_cell, safe_url
from ranking.exclusions import REASONS
from ranking.leaderboard import ordered_boards
from ranking.models import Exclusion, LeaderboardEntry, WeeklyBoards
from ranking.report_html import board_heading, render_html, source_channel
from ranking.windows import Window

__all__ = [
    "CSV_COLUMNS",
    "ReportPaths",
    "board_heading",
    "render_csv",
    "render_html",
    "render_markdown",
    "source_channel",
    "write_report",
]

CSV_COLUMNS = ("觀測期間", "scope", "排名", "新增回文數", "估計值", "來源頻道", "標題", "網址")
_MD_SPECIAL = "\\`*_[]<>|&#"
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"


@dataclass(frozen=True, slots=True)
class ReportPaths:
    """Where write_report put the three files."""

    html: Path
    csv: Path
    markdown: Path


def _window(boards: WeeklyBoards) -> Window:
    """The observation window of a set of boards."""
    return Window(boards.week_start, boards.week_end)


def render_csv(boards: WeeklyBoards) -> bytes:
    """Every board's entries as CSV: UTF-8 with a BOM for Excel, formula-safe text cells."""
    label = _window(boards).label
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for board in ordered_boards(boards.boards):
        for e in board.entries:
            writer.writerow(
                [
                    safe_cell(label),
                    safe_cell(board.scope),
                    e.rank,
                    e.new_replies,
                    "TRUE" if e.estimate else "FALSE",
                    safe_cell(source_channel(e)),
                    safe_cell(e.title),
                    safe_cell(e.url),
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


def render_markdown(boards: WeeklyBoards) -> str:
    """A heading and one table per leaderboard (plus the exclusions), links as [title](url)."""
    window = _window(boards)
    lines = ["# 網友熱議文章大公開", "", f"觀測期間：{window.label}", ""]
    any_estimate = False
    for board in ordered_boards(boards.boards):
        lines += [f"## {_md(board_heading(board))}", ""]
        if not board.entries:
            lines += ["本週沒有符合條件的文章。", ""]
            continue
        lines += ["| 排名 | 新增回文數 | 來源頻道 | 標題 |", "|---:|---:|---|---|"]
        for e in board.entries:
            any_estimate |= e.estimate
            link = _md_link(e.title, e.url, f"#{e.thread_id}")
            lines.append(f"| {e.rank} | {_md_number(e)} | {_md(source_channel(e))} | {link} |")
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
    lines.append("新增回文數：觀測期間內新增的回文／留言數。")
    if any_estimate:
        lines.append("≈：估計值，由觀測期間前後的留言總數快照相減而得。")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary name so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_report(boards: WeeklyBoards, out_dir: Path, generated_at: datetime) -> ReportPaths:
    """Write leaderboard.html, leaderboard.csv and leaderboard.md into out_dir (created)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(
        html=out_dir / "leaderboard.html",
        csv=out_dir / "leaderboard.csv",
        markdown=out_dir / "leaderboard.md",
    )
    _write_atomic(paths.html, render_html(boards, generated_at).encode("utf-8"))
    _write_atomic(paths.csv, render_csv(boards))
    _write_atomic(paths.markdown, render_markdown(boards).encode("utf-8"))
    return paths
