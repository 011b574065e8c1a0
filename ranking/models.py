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
    author: str = ""  # the opener's account id, for the recurrence test


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
class CrawlRecord:
    """One crawl's tally for one channel, as the coverage of a week is judged from it."""

    run_id: int
    platform: str
    channel: str
    status: str  # complete | incomplete | failed, as the crawl derived it
    detail: str
    covers_from: datetime | None  # the earliest week start the crawl walked back to
    observed_at: datetime | None  # the site's clock when the crawl looked


@dataclass(frozen=True, slots=True)
class ChannelCoverage:
    """How completely a channel was crawled for a week, and the reason when not complete."""

    platform: str
    channel: str
    status: str  # complete | incomplete | failed | provisional | not_crawled
    reason: str = ""
    run_id: int | None = None
    observed_at: datetime | None = None

    @property
    def complete(self) -> bool:
        """Whether the channel's counts for the week are final and whole."""
        return self.status == "complete"


@dataclass(frozen=True, slots=True)
class DailyCount:
    """New replies of one channel on one Taipei day of the window (day 0 is the Monday)."""

    platform: str
    channel: str
    day: int
    new_replies: int


@dataclass(frozen=True, slots=True)
class PreviousRank:
    """Where a thread stood on last week's published board of a scope."""

    scope: str
    thread_id: int
    rank: int


@dataclass(frozen=True, slots=True)
class WeeklyBoards:
    """Every leaderboard of one observation window, the exclusions and the crawl coverage."""

    week_start: datetime
    week_end: datetime
    boards: tuple[Leaderboard, ...]
    exclusions: tuple[Exclusion, ...] = field(default=())
    coverage: tuple[ChannelCoverage, ...] = field(default=())
    provisional: bool = False
    cutoff: datetime | None = None  # for a provisional week: data up to this time
    daily: tuple[DailyCount, ...] = field(default=())
    # Last week's published ranks; None when last week was never published (no movement).
    previous: tuple[PreviousRank, ...] | None = None
    rules_version: str = ""  # the exclusion rules ranked with: "2026.12-2 (sha256:...)"
    # Platforms whose boards leave out only some kinds (chat, live, giveaway), from the rules.
    board_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def incomplete(self) -> tuple[ChannelCoverage, ...]:
        """The channels whose counts are not whole (provisional ones included)."""
        return tuple(c for c in self.coverage if not c.complete)

    @property
    def complete(self) -> bool:
        """Whether every channel behind the boards was crawled completely after the week."""
        return not self.provisional and not self.incomplete
