"""`buzz rules check`: judge JSON Lines of threads with the rules, one verdict per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ranking.exclusions import RULE_NAMES, classify
from ranking.models import Exclusion, ThreadCount
from ranking.rules_config import RuleSet, default_rules
from ranking.rules_recurrence import HistoryItem, index_history
from ranking.windows import Window, parse_week, week_containing

REQUIRED = ("platform", "channel", "title", "body", "posted_at")


class LineError(ValueError):
    """A line that cannot be judged: "line 7: posted_at: ..."."""


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One parsed input line: the thread, and the week it is judged in (if the line names one)."""

    row: ThreadCount
    week: Window | None
    data: dict[str, Any]


def _text_field(data: dict[str, Any], name: str, lineno: int) -> str:
    """A required string field."""
    value = data.get(name)
    if not isinstance(value, str):
        state = "missing" if value is None else f"expected a string, got {type(value).__name__}"
        raise LineError(f"line {lineno}: {name}: {state}")
    return value


def parse_line(text: str, lineno: int) -> CheckLine:
    """A line of JSON as a thread; LineError names the line and the field at fault."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LineError(f"line {lineno}: not JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(data, dict):
        raise LineError(f"line {lineno}: expected a JSON object")
    fields = {name: _text_field(data, name, lineno) for name in REQUIRED}
    try:
        posted_at = datetime.fromisoformat(fields["posted_at"])
    except ValueError:
        raise LineError(
            f"line {lineno}: posted_at: not an ISO date-time: {fields['posted_at']!r}"
        ) from None
    if posted_at.tzinfo is None:
        raise LineError(f"line {lineno}: posted_at: needs a UTC offset, e.g. +08:00")
    pinned = data.get("pinned", False)
    if not isinstance(pinned, bool):
        raise LineError(f"line {lineno}: pinned: expected true or false")
    author = data.get("author", "")
    if not isinstance(author, str):
        raise LineError(f"line {lineno}: author: expected a string")
    week = None
    if "week" in data:
        try:
            week = parse_week(str(data["week"]))
        except ValueError as e:
            raise LineError(f"line {lineno}: week: {e}") from None
    row = ThreadCount(
        thread_id=lineno,
        platform=fields["platform"],
        channel=fields["channel"],
        thread_key=f"line:{lineno}",
        title=fields["title"],
        url=str(data.get("url", "")),
        posted_at=posted_at,
        status="ok",
        new_replies=1,
        body=fields["body"],
        pinned=pinned,
        author=author,
    )
    return CheckLine(row, week, data)


def board_for(exclusion: Exclusion | None, platform: str, rules: RuleSet) -> str | None:
    """Where the thread would go: the main board, the 活動文 board, or nowhere (None)."""
    if exclusion is None:
        return "main"
    if exclusion.reason == "giveaway" and platform in rules.activity_platforms:
        return "activity"
    return None


def verdict(exclusion: Exclusion | None, platform: str, rules: RuleSet) -> dict[str, Any]:
    """The output object of one judged line."""
    return {
        "rule": None if exclusion is None else RULE_NAMES.get(exclusion.reason, exclusion.reason),
        "reason": None if exclusion is None else exclusion.detail,
        "board": board_for(exclusion, platform, rules),
    }


def check_lines(
    lines: Iterable[str], *, rules: RuleSet | None = None, week: Window | None = None
) -> Iterator[dict[str, Any]]:
    """One verdict (or {"error": ...}) per non-blank line, in order.

    The window is `week`, else the line's own "week", else the week containing its posted_at.
    Lines of the same channel are each other's history for the recurrence rule.
    """
    rules = rules or default_rules()
    parsed: list[CheckLine | LineError | None] = []
    for lineno, text in enumerate(lines, 1):
        if not text.strip():
            parsed.append(None)
            continue
        try:
            parsed.append(parse_line(text, lineno))
        except LineError as e:
            parsed.append(e)
    history = index_history(
        HistoryItem(
            p.row.platform,
            p.row.channel,
            p.row.title,
            p.row.author,
            p.row.posted_at,  # type: ignore[arg-type]  # parse_line always sets it
            p.row.thread_key,
        )
        for p in parsed
        if isinstance(p, CheckLine)
    )
    for p in parsed:
        if p is None:
            continue
        if isinstance(p, LineError):
            yield {"error": str(p)}
            continue
        window = week or p.week or week_containing(p.row.posted_at)  # type: ignore[arg-type]
        x = classify(p.row, window, config=rules, history=history)
        yield verdict(x, p.row.platform, rules)
