"""How completely each channel was crawled for a week, judged from the crawls' own tallies.

A channel's counts for a week are whole when a crawl that walked back far enough looked at the
site after the week ended and fetched everything it needed. Anything else is said out loud:
a crawl that lost pages, one made before the week was over, or none at all. A channel that was
not crawled is never shown as quiet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ranking.leaderboard import channel_label, parse_scope
from ranking.models import ChannelCoverage, CrawlRecord, Leaderboard, WeeklyBoards
from ranking.windows import TAIPEI, Window

STATUS_WORDS: dict[str, str] = {
    "complete": "完整",
    "incomplete": "不完整",
    "failed": "抓取失敗",
    "provisional": "暫定",
    "not_crawled": "未抓取",
}
SEVERITY = ("complete", "provisional", "incomplete", "failed", "not_crawled")


def _local(t: datetime) -> str:
    """A time as the report prints it, Asia/Taipei."""
    return f"{t.astimezone(TAIPEI):%Y-%m-%d %H:%M}"


def _judge(
    window: Window, crawls: list[CrawlRecord], provisional: bool, platform: str, channel: str
) -> ChannelCoverage:
    """The coverage of one channel from its crawls, newest first."""
    covering = [c for c in crawls if c.covers_from is None or c.covers_from <= window.start]
    after = [c for c in covering if c.observed_at is not None and c.observed_at >= window.end]
    for c in after:
        if c.status == "complete":
            return ChannelCoverage(platform, channel, "complete", "", c.run_id, c.observed_at)
    if after:
        c = after[0]
        status = "failed" if c.status == "failed" else "incomplete"
        return ChannelCoverage(platform, channel, status, c.detail, c.run_id, c.observed_at)
    during = [
        c
        for c in covering
        if c.observed_at is not None and window.start <= c.observed_at < window.end
    ]
    if during:
        c = during[0]
        assert c.observed_at is not None
        if c.status != "complete":
            status = "failed" if c.status == "failed" else "incomplete"
            return ChannelCoverage(platform, channel, status, c.detail, c.run_id, c.observed_at)
        if provisional:
            reason = f"資料截至 {_local(c.observed_at)}"
            return ChannelCoverage(
                platform, channel, "provisional", reason, c.run_id, c.observed_at
            )
        reason = f"last crawled {_local(c.observed_at)}, before the week ended"
        return ChannelCoverage(platform, channel, "incomplete", reason, c.run_id, c.observed_at)
    return ChannelCoverage(platform, channel, "not_crawled", "no crawl covers this week")


def week_coverage(
    window: Window,
    crawls: Iterable[CrawlRecord],
    channels: Iterable[tuple[str, str]] = (),
    *,
    provisional: bool = False,
    observed: bool = True,
) -> tuple[ChannelCoverage, ...]:
    """Coverage of every expected channel (and, with `observed`, every one a crawl looked at).

    `crawls` must be newest first. `channels` are (platform, channel) pairs that must appear
    even if nothing covered them (the configured channels, those with replies in the week).
    """
    grouped: dict[tuple[str, str], list[CrawlRecord]] = {}
    for c in crawls:
        grouped.setdefault((c.platform, c.channel), []).append(c)
    wanted = set(channels)
    for key, found in grouped.items() if observed else ():
        if any(c.observed_at is not None and c.observed_at >= window.start for c in found):
            wanted.add(key)
    return tuple(_judge(window, grouped.get(key, []), provisional, *key) for key in sorted(wanted))


def cutoff_of(coverage: Iterable[ChannelCoverage]) -> datetime | None:
    """For a provisional week: the earliest time up to which every channel's data reaches."""
    times = [c.observed_at for c in coverage if c.status == "provisional" and c.observed_at]
    return min(times) if times else None


def board_gaps(boards: WeeklyBoards, board: Leaderboard) -> list[ChannelCoverage]:
    """The channels behind a board whose counts are not whole (a platform board: all of them)."""
    kind, platform, channel = parse_scope(board.scope)
    if kind == "channel":
        return [c for c in boards.incomplete if (c.platform, c.channel) == (platform, channel)]
    return [c for c in boards.incomplete if c.platform == platform]


def gap_line(c: ChannelCoverage) -> str:
    """`PTT > Stock：不完整（3 failed）` for a report or the console."""
    word = STATUS_WORDS.get(c.status, c.status)
    reason = f"（{c.reason}）" if c.reason else ""
    return f"{channel_label(c.platform, c.channel)}：{word}{reason}"


def worst(statuses: Iterable[str]) -> str:
    """The most severe of some coverage statuses (complete when there are none)."""
    found = list(statuses)
    return max(found, key=SEVERITY.index) if found else "complete"
