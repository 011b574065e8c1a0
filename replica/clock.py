"""Time in the replica: Taipei time, the world's span, the default clock and week boundaries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")
DATA_START = datetime(2018, 12, 3, tzinfo=TAIPEI)
DATA_END = datetime(2019, 2, 18, tzinfo=TAIPEI)
DEFAULT_NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
DEFAULT_SEED = 7


def parse_now(text: str | None) -> datetime:
    """Parse an ISO time (naive means Asia/Taipei); None gives the default clock."""
    if text is None:
        return DEFAULT_NOW
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=TAIPEI)
    return value.astimezone(TAIPEI)


def as_taipei(value: datetime | None) -> datetime:
    """Return value in Taipei time (naive means Taipei); None gives the default clock."""
    if value is None:
        return DEFAULT_NOW
    if value.tzinfo is None:
        return value.replace(tzinfo=TAIPEI)
    return value.astimezone(TAIPEI)


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """Return [Monday 00:00, next Monday 00:00) in Taipei time; ValueError unless a Monday."""
    if week_start.weekday() != 0:
        raise ValueError(
            f"week must start on a Monday, got {week_start.isoformat()} ({week_start:%A})"
        )
    start = datetime.combine(week_start, time(0, 0), tzinfo=TAIPEI)
    return start, start + timedelta(days=7)


LOOKBACK = timedelta(days=14)
"""A truth lists threads posted this long before the week, as a crawl with the default reaches."""


def truth_document(
    seed: int,
    week_start: date,
    now: datetime,
    rows: Iterable[tuple[datetime, dict[str, Any]]],
    sort_key: Callable[[dict[str, Any]], Any],
) -> dict[str, Any]:
    """The envelope every source's truth shares, holding the rows worth listing, sorted.

    A row is listed when it has replies in the week or was posted within the lookback; each
    comes with its thread's post time.
    """
    start, end = week_bounds(week_start)
    threads = [
        row for posted, row in rows if row["new_replies"] > 0 or start - LOOKBACK <= posted < end
    ]
    threads.sort(key=sort_key)
    return {
        "week_start": start.isoformat(),
        "week_end": end.isoformat(),
        "now": now.isoformat(),
        "seed": seed,
        "threads": threads,
    }
