"""Plain rows that ranking takes in and hands back; storage returns rows with the same fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ThreadCount:
    """One thread's 新增回文數 in a window, with what the exclusion rules need to judge it."""

    thread_id: int
    platform: str
    channel: str
    thread_key: str
    title: str
    url: str
    posted_at: datetime | None
    status: str
    new_replies: int
    estimate: bool = False
    body: str = ""
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Why a thread was left off the leaderboards ("live", ...), with the thread it names."""

    thread_id: int
    reason: str
    detail: str
    platform: str = ""
    channel: str = ""
    thread_key: str = ""
    title: str = ""
    url: str = ""
    new_replies: int = 0
    estimate: bool = False


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One ranked row of a published leaderboard."""

    rank: int
    thread_id: int
    new_replies: int
    estimate: bool
    platform: str
    channel: str
    thread_key: str
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """A Top N for one scope: "platform:ptt" or "channel:ptt/Gossiping"."""

    scope: str
    label: str
    entries: tuple[LeaderboardEntry, ...]


@dataclass(frozen=True, slots=True)
class WeeklyBoards:
    """Every leaderboard of one observation window plus the exclusions behind them."""

    week_start: datetime
    week_end: datetime
    boards: tuple[Leaderboard, ...]
    exclusions: tuple[Exclusion, ...] = field(default=())
