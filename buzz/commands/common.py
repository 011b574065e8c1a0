"""Argument parsing shared by the commands, with one-line errors for bad input."""

from __future__ import annotations

from datetime import datetime

from buzz.errors import fail
from ranking.windows import TAIPEI, Window, last_complete_week, parse_week


def week_option(text: str | None, now: datetime | None = None) -> Window:
    """Parse --week (a Monday), defaulting to the last complete week before now."""
    if text is None:
        return last_complete_week(now or datetime.now(TAIPEI))
    try:
        return parse_week(text)
    except ValueError as exc:
        fail(f"--week: {exc}")


def datetime_option(name: str, text: str | None) -> datetime | None:
    """Parse an ISO 8601 option; naive values are read as Asia/Taipei."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name}: not an ISO 8601 time: {text!r} (e.g. 2019-02-11T09:00:00+08:00)")
    return value if value.tzinfo else value.replace(tzinfo=TAIPEI)


def boards_option(text: str | None, default: tuple[str, ...]) -> list[str]:
    """Split --boards on commas; reject names PTT would not have."""
    if not text:
        return list(default)
    boards = [b.strip() for b in text.split(",") if b.strip()]
    bad = [b for b in boards if not b.replace("_", "").replace("-", "").isalnum()]
    if bad or not boards:
        fail(f"--boards: {','.join(bad) or text!r} is not a board name like Gossiping or Tech_Job")
    return boards
