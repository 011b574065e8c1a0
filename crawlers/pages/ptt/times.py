"""PTT times: the post's `Wed Jul 12 00:32:12 2017` and the year-less push `MM/DD HH:MM`."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name: i for i, name in enumerate(_MONTH_ABBR, start=1)}

# Weekday is optional and ignored; PTT pads single-digit days with a second space.
POST_TIME_RE = re.compile(
    r"(?:[A-Z][a-z]{2}\s+)?(?P<mon>[A-Z][a-z]{2})\s+(?P<day>\d{1,2})\s+"
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})\s+(?P<y>\d{4})"
)
_PUSH_TIME_RE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")


class PushStamp(NamedTuple):
    """A push time as shown: month, day and (when shown) hour and minute, no year."""

    month: int
    day: int
    hour: int
    minute: int
    date_only: bool = False


def parse_post_time(text: str) -> datetime | None:
    """Parse `Wed Jul 12 00:32:12 2017` (any spacing) as Asia/Taipei; None when it is not one."""
    match = POST_TIME_RE.search(text)
    if match is None:
        return None
    month = _MONTH_NUMBER.get(match["mon"])
    if month is None:
        return None
    try:
        return datetime(
            int(match["y"]),
            month,
            int(match["day"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"]),
            tzinfo=TAIPEI,
        )
    except ValueError:
        return None


def parse_push_stamp(raw_time: str) -> PushStamp | None:
    """Parse `07/12 00:33` or the date-only `08/11` of 2005-era pushes; None when malformed."""
    match = _PUSH_TIME_RE.match(raw_time)
    if match is None:
        return None
    month, day = int(match[1]), int(match[2])
    date_only = match[3] is None
    hour = 0 if date_only else int(match[3])
    minute = 0 if date_only else int(match[4])
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59):
        return None
    # 02/29 is checked against the inferred year later; here only dates no year has are dropped.
    if day > calendar.monthrange(2000, month)[1]:
        return None
    return PushStamp(month, day, hour, minute, date_only)


def infer_push_times(
    stamps: Sequence[PushStamp | None],
    posted_at: datetime | None,
    crawled_at: datetime | None,
) -> list[datetime | None]:
    """Give year-less push stamps a year: the post's, rolled over when the date goes backwards.

    The walk starts at the post's month/day; a stamp earlier in the calendar than the previous
    dated one (12/31 then 01/02) moves to the next year. A time later than `crawled_at` steps the
    year back, since nothing can be pushed after the page was fetched. Impossible stamps give None
    and leave the walk as it was. A date-only stamp is the start of its day, or the post time on
    the post's own day, so it never comes before the post.
    """
    base = posted_at or crawled_at
    if base is None:
        return [None] * len(stamps)
    base = base.astimezone(TAIPEI)
    post = posted_at.astimezone(TAIPEI) if posted_at is not None else None
    limit = crawled_at.astimezone(TAIPEI) if crawled_at is not None else None
    year = base.year
    previous = (base.month, base.day) if post is not None else None
    times: list[datetime | None] = []
    for stamp in stamps:
        if stamp is None:
            times.append(None)
            continue
        day = (stamp.month, stamp.day)
        when = _at(year + 1 if previous is not None and day < previous else year, stamp)
        if when is not None and limit is not None and when > limit:
            when = _step_back(when.year, stamp, limit)
        if when is None:  # impossible in the walk's year: the walk stays as it was
            times.append(None)
            continue
        year, previous = when.year, day
        if stamp.date_only and post is not None and when.date() == post.date():
            when = max(when, post)
        times.append(when)
    return times


def _step_back(year: int, stamp: PushStamp, limit: datetime) -> datetime | None:
    """The stamp in the latest year before `year` that has its day and is not after `limit`."""
    while year > 1:
        year -= 1
        when = _at(year, stamp)
        if when is not None and when <= limit:
            return when
    return None


def _at(year: int, stamp: PushStamp) -> datetime | None:
    """The stamp in `year` in Asia/Taipei, or None when that year has no such day (02/29)."""
    try:
        return datetime(year, stamp.month, stamp.day, stamp.hour, stamp.minute, tzinfo=TAIPEI)
    except ValueError:
        return None
