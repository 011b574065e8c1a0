"""閒聊文① by recurrence: the same title pattern opened again and again in a channel's history."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from ranking.windows import TAIPEI


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One earlier (or same-week) thread of a channel: what recurrence needs to know of it."""

    platform: str
    channel: str
    title: str
    author: str
    posted_at: datetime
    thread_key: str = ""


_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|轉)\s*[:：]\s*)+")
# Numbers, dates, weekdays and counters vary from one thread of a series to the next.
_VARYING = re.compile(
    r"第\s*[\d一二三四五六七八九十百]+\s*[串帖篇期週周集話回]"
    r"|[（(]?(?:週|周|星期|禮拜)[一二三四五六日天][)）]?"
    r"|\d+|[一二三四五六七八九十]+月"
)
_NOT_LETTERS = re.compile(r"[\s\W_]+")
_PERIODS = (1.0, 7.0, 30.0)  # a schedule is daily, weekly or monthly, in days
_SAME_HOURS = 3.0  # and opens its threads at about the same time of day


def _hour_spread(times: Sequence[datetime]) -> float:
    """How far apart, in hours, the times of day are (on a 24-hour circle)."""
    hours = sorted((t.astimezone(TAIPEI).hour + t.minute / 60) for t in times)
    gaps = [b - a for a, b in itertools.pairwise(hours)] + [hours[0] + 24 - hours[-1]]
    return 24 - max(gaps)


def _skips_only_weekend(a: datetime, b: datetime, tolerance: float) -> bool:
    """A daily series that rests on weekends (盤後閒聊 every trading day): Fri -> Mon is a day."""
    da, db = a.astimezone(TAIPEI), b.astimezone(TAIPEI)
    days = (db.date() - da.date()).days
    if days < 2 or days > 3:
        return False
    skipped = [(da.date() + timedelta(days=n)).weekday() for n in range(1, days)]
    hours = abs((db - da).total_seconds() / 86400 - days)
    return all(d >= 5 for d in skipped) and hours <= tolerance


def title_pattern(title: str) -> str:
    """A title without what varies between a series' threads: 老人茶館 #3 -> 老人茶館."""
    text = _PREFIX.sub("", title.lower())
    return _NOT_LETTERS.sub("", _VARYING.sub("", text))


class ChannelHistory:
    """A channel's threads indexed by title pattern, built once and read for every thread."""

    __slots__ = ("_by_pattern",)

    def __init__(self, items: Iterable[HistoryItem]) -> None:
        """Index the items by title pattern."""
        self._by_pattern: dict[str, list[HistoryItem]] = {}
        for item in items:
            key = title_pattern(item.title)
            if len(key) >= 2:
                self._by_pattern.setdefault(key, []).append(item)

    def same_pattern(self, title: str) -> Sequence[HistoryItem]:
        """The threads whose title has the same pattern as this one."""
        return self._by_pattern.get(title_pattern(title), ())


def index_history(items: Iterable[HistoryItem]) -> dict[tuple[str, str], ChannelHistory]:
    """History items grouped by (platform, channel) and indexed, as the rules take them."""
    grouped: dict[tuple[str, str], list[HistoryItem]] = {}
    for item in items:
        grouped.setdefault((item.platform, item.channel), []).append(item)
    return {key: ChannelHistory(rows) for key, rows in grouped.items()}


def _day(when: datetime) -> str:
    """The Taipei date of a time, as the reason prints it."""
    return f"{when.astimezone(TAIPEI):%Y-%m-%d}" if when.tzinfo else f"{when:%Y-%m-%d}"


def recurrence(
    title: str,
    author: str,
    posted_at: datetime | None,
    thread_key: str,
    history: ChannelHistory | None,
    *,
    min_repeats: int,
    tolerance: float,
) -> str | None:
    """Why the thread is one of a series (same opener, or on a schedule), or None."""
    if history is None or posted_at is None:
        return None
    others = [
        h
        for h in history.same_pattern(title)
        if not (h.thread_key and h.thread_key == thread_key)
        and not (h.posted_at == posted_at and h.title == title and h.author == author)
    ]
    if len(others) + 1 < min_repeats:
        return None
    times = sorted({h.posted_at for h in others} | {posted_at})
    first = _day(times[0])
    if author:
        mine = [h for h in others if h.author == author]
        if len(mine) + 1 >= min_repeats:
            return (
                f"閒聊文①：同一作者重複開同名串 (the same title opened {len(mine) + 1} times "
                f"by {author} since {first})"
            )
    gaps = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(times)]
    if len(gaps) + 1 < min_repeats:
        return None
    typical = median(gaps)
    period = next((p for p in _PERIODS if abs(typical - p) <= 0.25 * p), None)
    if (
        period is not None
        and all(
            abs(g - period) <= tolerance * period
            or (period == 1.0 and _skips_only_weekend(a, b, tolerance))
            for g, (a, b) in zip(gaps, itertools.pairwise(times), strict=True)
        )
        and _hour_spread(times) <= _SAME_HOURS
    ):
        return (
            f"閒聊文①：定期開同名串 (the same title opened {len(times)} times, "
            f"every {period:.0f} days since {first})"
        )
    return None


def history_by_channel(
    history: Mapping[tuple[str, str], ChannelHistory] | None, platform: str, channel: str
) -> ChannelHistory | None:
    """The channel's indexed history, if any was handed in."""
    return None if history is None else history.get((platform, channel))
