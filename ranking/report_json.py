"""The weekly report as JSON for other tools; the schema is documented in docs/REPORT.md."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ranking.cells import safe_url
from ranking.coverage import board_gaps, worst
from ranking.exclusions import REASONS
from ranking.leaderboard import channel_label, ordered_boards, parse_scope
from ranking.models import WeeklyBoards
from ranking.movement import movements
from ranking.report_html import period_line
from ranking.windows import TAIPEI, Window

SCHEMA_VERSION = 1
"""Raised when a field changes meaning or goes away; new fields keep the version."""


def _time(t: datetime | None) -> str | None:
    """An ISO 8601 time with its offset, in Taipei time, or None."""
    return t.astimezone(TAIPEI).isoformat() if t is not None else None


def report_document(boards: WeeklyBoards, generated_at: datetime) -> dict[str, Any]:
    """The report as plain JSON-ready data (see docs/REPORT.md for every field)."""
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError(f"generated_at {generated_at.isoformat()} has no time zone")
    window = Window(boards.week_start, boards.week_end)
    moved = movements(boards)
    board_docs = []
    for board in ordered_boards(boards.boards):
        kind, platform, channel = parse_scope(board.scope)
        entries = []
        for e in board.entries:
            move = moved.get((board.scope, e.rank)) if moved is not None else None
            entries.append(
                {
                    "rank": e.rank,
                    "new_replies": e.new_replies,
                    "estimate": e.estimate,
                    "movement": None
                    if move is None
                    else {
                        "kind": move.kind,
                        "label": move.label,
                        "previous_rank": move.previous_rank,
                    },
                    "platform": e.platform,
                    "channel": e.channel,
                    "source_channel": channel_label(e.platform, e.channel),
                    "title": e.title,
                    "url": safe_url(e.url),
                    "thread_id": e.thread_id,
                    "thread_key": e.thread_key,
                }
            )
        board_docs.append(
            {
                "scope": board.scope,
                "kind": kind,
                "platform": platform,
                "channel": channel or None,
                "label": board.label,
                "status": worst(c.status for c in board_gaps(boards, board)),
                "entries": entries,
            }
        )
    start_day = window.first_day
    return {
        "schema_version": SCHEMA_VERSION,
        "week": window.week_id,
        "period": {
            "label": period_line(boards),
            "start": _time(window.start),
            "end": _time(window.end),
            "first_day": window.first_day.isoformat(),
            "last_day": window.last_day.isoformat(),
        },
        "generated_at": _time(generated_at),
        "completeness": {
            "complete": boards.complete,
            "provisional": boards.provisional,
            "cutoff": _time(boards.cutoff),
            "incomplete_channels": [
                {"platform": c.platform, "channel": c.channel, "status": c.status}
                for c in boards.incomplete
            ],
        },
        "has_movement": moved is not None,
        "boards": board_docs,
        "exclusions": [
            {
                "reason": x.reason,
                "reason_label": REASONS.get(x.reason, x.reason),
                "detail": x.detail,
                "new_replies": x.new_replies,
                "estimate": x.estimate,
                "platform": x.platform,
                "channel": x.channel,
                "title": x.title,
                "url": safe_url(x.url),
                "thread_id": x.thread_id,
            }
            for x in sorted(
                boards.exclusions, key=lambda x: (x.reason, -x.new_replies, x.thread_id)
            )
        ],
        "coverage": [
            {
                "platform": c.platform,
                "channel": c.channel,
                "status": c.status,
                "reason": c.reason,
                "observed_at": _time(c.observed_at),
            }
            for c in boards.coverage
        ],
        "daily": [
            {
                "platform": d.platform,
                "channel": d.channel,
                "date": (start_day + timedelta(days=d.day)).isoformat(),
                "new_replies": d.new_replies,
            }
            for d in sorted(boards.daily, key=lambda d: (d.platform, d.channel, d.day))
        ],
    }


def render_json(boards: WeeklyBoards, generated_at: datetime) -> str:
    """The report document as indented UTF-8 JSON text (Chinese kept readable)."""
    return json.dumps(report_document(boards, generated_at), ensure_ascii=False, indent=2) + "\n"
