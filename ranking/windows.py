"""Observation windows (觀測期間): weeks from Monday 00:00 to the next Monday 00:00, Asia/Taipei."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TAIPEI = ZoneInfo("Asia/Taipei")
WEEK = timedelta(days=7)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _require_aware(name: str, value: datetime) -> None:
    """Raise a one-line ValueError when a datetime has no time zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} {value.isoformat()} has no time zone; pass an aware datetime")


@dataclass(frozen=True, slots=True)
class Window:
    """A half-open time range [start, end) with time-zone-aware bounds; usually one week."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Reject naive bounds and empty ranges."""
        _require_aware("window start", self.start)
        _require_aware("window end", self.end)
        if self.end <= self.start:
            raise ValueError(
                f"window end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            )

    @property
    def first_day(self) -> date:
        """The first calendar day of the window in Asia/Taipei."""
        return self.start.astimezone(TAIPEI).date()

    @property
    def last_day(self) -> date:
        """The last calendar day the window touches in Asia/Taipei (end is exclusive)."""
        return (self.end.astimezone(TAIPEI) - timedelta(microseconds=1)).date()

    @property
    def label(self) -> str:
        """The 觀測期間 as the reference report prints it: 2019.02.04~2019.02.10."""
        return f"{self.first_day:%Y.%m.%d}~{self.last_day:%Y.%m.%d}"

    @property
    def week_id(self) -> str:
        """The ISO date of the first day, used for folder names and --week: 2019-02-04."""
        return self.first_day.isoformat()

    def contains(self, t: datetime) -> bool:
        """Whether an aware datetime falls inside [start, end)."""
        _require_aware("time", t)
        return self.start <= t < self.end

    def previous(self) -> Window:
        """The window of the same length just before this one."""
        length = self.end - self.start
        return Window(self.start - length, self.start)

    def next(self) -> Window:
        """The window of the same length just after this one."""
        length = self.end - self.start
        return Window(self.end, self.end + length)


def week_starting(d: date) -> Window:
    """The week that starts on Monday d at 00:00 Asia/Taipei; ValueError if d is not a Monday."""
    if isinstance(d, datetime):
        raise ValueError(f"{d.isoformat()} is a datetime; pass a date (or use week_containing)")
    if d.weekday() != 0:
        monday = d - timedelta(days=d.weekday())
        raise ValueError(
            f"{d.isoformat()} is a {_WEEKDAYS[d.weekday()]}; "
            f"weeks start on Monday (try {monday.isoformat()})"
        )
    start = datetime.combine(d, time(0), tzinfo=TAIPEI)
    end = datetime.combine(d + timedelta(days=7), time(0), tzinfo=TAIPEI)
    return Window(start, end)


def week_containing(t: datetime) -> Window:
    """The Monday-to-Monday Asia/Taipei week that contains the aware datetime t."""
    _require_aware("time", t)
    local = t.astimezone(TAIPEI).date()
    return week_starting(local - timedelta(days=local.weekday()))


def last_complete_week(now: datetime) -> Window:
    """The most recent week whose end is at or before now (at Monday 00:00, the week just ended)."""
    return week_containing(now).previous()


def parse_week(text: str) -> Window:
    """Parse a week given as its Monday, 2019-02-04; ValueError with a one-line reason otherwise."""
    value = text.strip()
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"{text!r} is not a week: give its Monday as YYYY-MM-DD, e.g. 2019-02-04")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date (expected YYYY-MM-DD)") from None
    try:
        return week_starting(day)
    except OverflowError:
        raise ValueError(f"{text!r} is out of the calendar's range") from None


def weeks_back(window: Window, n: int) -> list[Window]:
    """The n windows ending with this one, oldest first: weeks_back(w, 3) == [w-2, w-1, w]."""
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    out: list[Window] = []
    current = window
    for _ in range(n):
        out.append(current)
        current = current.previous()
    out.reverse()
    return out
