"""The weekly report as an Excel workbook: a sheet per board, the exclusions, the completeness."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ranking.cells import safe_cell, safe_url
from ranking.coverage import STATUS_WORDS, board_gaps, gap_line, worst
from ranking.exclusions import REASONS
from ranking.leaderboard import channel_label, ordered_boards
from ranking.models import WeeklyBoards
from ranking.movement import movements
from ranking.report_html import board_channel, footnotes, period_line, source_channel
from ranking.windows import TAIPEI

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
MAX_WIDTH = 90  # a column never grows past this many narrow characters
HEADER_FILL = PatternFill("solid", fgColor="FFF7ED")
HEADER_FONT = Font(bold=True, color="334155")
LINK_FONT = Font(color="1D4ED8", underline="single")


def display_width(text: str) -> int:
    """How many narrow columns a text takes: CJK and other wide characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(label: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, no edge apostrophes, at most 31 characters."""
    base = SHEET_FORBIDDEN.sub("_", " ".join(label.split())).strip("'") or "Sheet"
    name = base[:SHEET_MAX]
    n = 2
    while name.casefold() in taken or name.casefold() == "history":
        suffix = f" ({n})"
        name = base[: SHEET_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name.casefold())
    return name


def _text(value: str) -> str:
    """Text an .xlsx cell can hold and Excel will not run: no control characters, no formula."""
    return safe_cell(str(ILLEGAL_CHARACTERS_RE.sub("", value)))


def _sheet(wb: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Any:
    """A sheet with a bold frozen header, the rows, and widths fitted to the widest cell."""
    ws = wb.create_sheet(title)
    ws.append([_text(h) for h in header])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        ws.append([_text(v) if isinstance(v, str) else v for v in row])
    ws.freeze_panes = "A2"
    for i, column in enumerate(ws.iter_cols(values_only=True), 1):
        widest = max((display_width(str(v)) for v in column if v is not None), default=4)
        ws.column_dimensions[get_column_letter(i)].width = min(widest + 2, MAX_WIDTH)
    return ws


def _link(ws: Any, row: int, column: int, url: str) -> None:
    """Make a title cell a hyperlink to its thread when the URL is http(s)."""
    href = safe_url(url)
    if href is None:
        return
    cell = ws.cell(row=row, column=column)
    cell.hyperlink = href
    cell.font = LINK_FONT


def render_xlsx(boards: WeeklyBoards, generated_at: datetime) -> bytes:
    """The workbook as bytes: boards in the reference order, then 未列入排行, 資料完整性, 說明."""
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError(f"generated_at {generated_at.isoformat()} has no time zone")
    wb = Workbook()
    wb.remove(wb.active)
    stamp = generated_at.astimezone(TAIPEI).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.title = f"網友熱議文章大公開 {period_line(boards)}"
    taken: set[str] = set()
    moved = movements(boards)
    for board in ordered_boards(boards.boards):
        status = worst(c.status for c in board_gaps(boards, board))
        header = ["排名", "新增回文數", "估計值", "來源頻道", "標題", "資料狀態"]
        if moved is not None:
            header.insert(1, "與上週比較")
        rows: list[list[Any]] = []
        for e in board.entries:
            row: list[Any] = [
                e.rank,
                e.new_replies,
                e.estimate,
                board_channel(e),
                e.title or f"文章 #{e.thread_id}",
                STATUS_WORDS.get(status, status),
            ]
            if moved is not None:
                move = moved.get((board.scope, e.rank))
                row.insert(1, move.label if move else "")
            rows.append(row)
        ws = _sheet(wb, sheet_name(board.label, taken), header, rows)
        title_column = header.index("標題") + 1
        for n, e in enumerate(board.entries, 2):
            _link(ws, n, title_column, e.url)
    order = {name: i for i, name in enumerate(REASONS)}
    excluded = sorted(
        boards.exclusions,
        key=lambda x: (order.get(x.reason, len(order)), -x.new_replies, x.thread_key, x.thread_id),
    )
    ws = _sheet(
        wb,
        sheet_name("未列入排行", taken),
        ["原因", "新增回文數", "估計值", "來源頻道", "標題", "說明"],
        [
            [
                REASONS.get(x.reason, x.reason),
                x.new_replies,
                x.estimate,
                source_channel(x),
                x.title or f"文章 #{x.thread_id}",
                x.detail,
            ]
            for x in excluded
        ],
    )
    for n, x in enumerate(excluded, 2):
        _link(ws, n, 5, x.url)
    _sheet(
        wb,
        sheet_name("資料完整性", taken),
        ["來源頻道", "狀態", "資料狀態", "說明", "抓取時間"],
        [
            [
                channel_label(c.platform, c.channel),
                STATUS_WORDS.get(c.status, c.status),
                c.status,
                c.reason,
                f"{c.observed_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}" if c.observed_at else "",
            ]
            for c in boards.coverage
        ],
    )
    any_estimate = any(e.estimate for b in boards.boards for e in b.entries)
    any_activity = any(b.scope.startswith("activity:") for b in boards.boards)
    notes = [
        ["觀測期間", period_line(boards)],
        ["產生時間", f"{generated_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}（台北時間）"],
        *(["⚠ 資料不完整", gap_line(c)] for c in boards.incomplete if c.status != "provisional"),
        *([term, text] for term, text in footnotes(any_estimate, any_activity, moved is not None)),
    ]
    ws = _sheet(wb, sheet_name("說明", taken), ["項目", "內容"], notes)
    ws.column_dimensions["B"].width = MAX_WIDTH
    for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
