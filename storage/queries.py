"""Aggregate queries: new replies per thread in a window, counted in SQL, and text streams."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.engine import Connection

from storage.estimates import estimated_reply_counts
from storage.models import replies, threads
from storage.types import ensure_aware

# Field order of ranking.models.ThreadCount, which the rows of new_reply_counts carry.
THREAD_COUNT_FIELDS = (
    "thread_id",
    "platform",
    "channel",
    "thread_key",
    "title",
    "url",
    "posted_at",
    "status",
    "new_replies",
    "estimate",
    "body",
    "pinned",
    "author",
)


def _check_window(start: datetime, end: datetime) -> None:
    """Refuse naive or empty windows."""
    ensure_aware(start, "start")
    ensure_aware(end, "end")
    if not start < end:
        raise ValueError(f"empty window: start {start.isoformat()} is not before {end.isoformat()}")


def new_reply_counts(
    conn: Connection,
    start: datetime,
    end: datetime,
    platform: str | None = None,
    min_replies: int = 1,
) -> list[dict[str, Any]]:
    """Count shown replies with replied_at in [start, end) per thread; rows fit ThreadCount.

    Threads whose replies cannot be read but whose totals were snapshotted come with an
    estimate instead (`estimate` True, storage.estimates); a thread with counted replies is
    never estimated too.
    """
    _check_window(start, end)
    counted = (
        select(replies.c.thread_id, func.count().label("new_replies"))
        .where(
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            # Repeats the partial index's predicate so the planner may use ix_replies_counted.
            replies.c.removed_at.is_(None),
        )
        .group_by(replies.c.thread_id)
        .having(func.count() >= min_replies)
        .subquery("counted")
    )
    stmt = select(
        threads.c.id.label("thread_id"),
        threads.c.platform,
        threads.c.channel,
        threads.c.thread_key,
        threads.c.title,
        threads.c.url,
        threads.c.posted_at,
        threads.c.status,
        counted.c.new_replies,
        threads.c.body,
        threads.c.pinned,
        threads.c.author_id,
    ).join_from(counted, threads, threads.c.id == counted.c.thread_id)
    if platform is not None:
        stmt = stmt.where(threads.c.platform == platform)
    stmt = stmt.order_by(counted.c.new_replies.desc(), threads.c.id)
    # Positional unpacking: Row attribute access costs more than the query on big weeks.
    exact = [
        {
            "thread_id": thread_id,
            "platform": platform_,
            "channel": channel,
            "thread_key": thread_key,
            "title": title,
            "url": url,
            "posted_at": posted_at,
            "status": status,
            "new_replies": int(n),
            "estimate": False,
            "body": body,
            "pinned": bool(pinned),
            "author": author or "",
        }
        for (
            thread_id,
            platform_,
            channel,
            thread_key,
            title,
            url,
            posted_at,
            status,
            n,
            body,
            pinned,
            author,
        ) in conn.execute(stmt).tuples()
    ]
    counted_ids = {r["thread_id"] for r in exact}
    estimated = [
        r
        for r in estimated_reply_counts(conn, start, end, platform, skip=counted_ids)
        if r["new_replies"] >= min_replies
    ]
    if not estimated:
        return exact
    rows = exact + estimated
    rows.sort(key=lambda r: (-r["new_replies"], r["thread_id"]))
    return rows


def daily_channel_counts(
    conn: Connection, start: datetime, end: datetime, day: timedelta = timedelta(days=1)
) -> list[dict[str, Any]]:
    """Shown replies in [start, end) per channel and day: rows of platform, channel, day, n.

    `day` 0 is [start, start + day), and so on; for a Taipei week starting at Taipei midnight
    these are the Taipei days (Taiwan keeps no summer time). The days are told apart with
    comparisons on replied_at, so the scan stays on ix_replies_counted on every backend.
    """
    _check_window(start, end)
    if day <= timedelta(0):
        raise ValueError(f"day {day} is not positive")
    bounds: list[datetime] = []
    edge = start + day
    while edge < end:
        bounds.append(edge)
        edge += day
    bucket: Any = (
        case(*((replies.c.replied_at < b, n) for n, b in enumerate(bounds)), else_=len(bounds))
        if bounds
        else literal(0)
    )
    shown = (
        select(replies.c.thread_id, bucket.label("day"))
        .where(
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            replies.c.removed_at.is_(None),
        )
        .subquery("shown")
    )
    # Grouped per thread first: the index gives (replied_at, thread_id) without touching
    # threads, which is joined only once per thread and day.
    per_thread = (
        select(shown.c.thread_id, shown.c.day, func.count().label("n"))
        .group_by(shown.c.thread_id, shown.c.day)
        .subquery("per_thread")
    )
    stmt = (
        select(threads.c.platform, threads.c.channel, per_thread.c.day, func.sum(per_thread.c.n))
        .join_from(per_thread, threads, threads.c.id == per_thread.c.thread_id)
        .group_by(threads.c.platform, threads.c.channel, per_thread.c.day)
        .order_by(threads.c.platform, threads.c.channel, per_thread.c.day)
    )
    return [
        {"platform": platform, "channel": channel, "day": int(n_day), "new_replies": int(n)}
        for platform, channel, n_day, n in conn.execute(stmt).tuples()
    ]


def thread_reply_count(
    conn: Connection, platform: str, thread_key: str, start: datetime, end: datetime
) -> int:
    """Count one thread's shown replies with replied_at in [start, end)."""
    _check_window(start, end)
    stmt = (
        select(func.count())
        .select_from(replies)
        .join(threads, threads.c.id == replies.c.thread_id)
        .where(
            threads.c.platform == platform,
            threads.c.thread_key == thread_key,
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            replies.c.removed_at.is_(None),
        )
    )
    return int(conn.execute(stmt).scalar_one())


def iter_thread_texts(
    conn: Connection, since: datetime | None = None, batch_size: int = 1000
) -> Iterator[tuple[int, str, str, str]]:
    """Stream (thread_id, channel, title, body) by id, optionally only threads crawled since."""
    stmt = select(threads.c.id, threads.c.channel, threads.c.title, threads.c.body).order_by(
        threads.c.id
    )
    if since is not None:
        stmt = stmt.where(threads.c.last_crawled_at >= ensure_aware(since, "since"))
    result = conn.execute(stmt.execution_options(yield_per=batch_size))
    try:
        for row in result:
            yield row.id, row.channel, row.title, row.body
    finally:
        result.close()


def live_threads(
    conn: Connection,
    platform: str,
    channel: str,
    posted_since: datetime | None = None,
    authors: Iterable[str] | None = None,
) -> list[tuple[str, str | None]]:
    """(thread_key, author_id) of a channel's shown, unpinned threads, optionally narrowed.

    `posted_since` keeps threads posted then or later (or of unknown post time); `authors`
    keeps those authors' threads. Deleted-thread detection reads these.
    """
    base = select(threads.c.thread_key, threads.c.author_id).where(
        threads.c.platform == platform,
        threads.c.channel == channel,
        threads.c.status == "ok",
        threads.c.pinned.is_(False),
    )
    if posted_since is not None:
        ensure_aware(posted_since, "posted_since")
        base = base.where((threads.c.posted_at >= posted_since) | threads.c.posted_at.is_(None))
    if authors is None:
        return [(key, author) for key, author in conn.execute(base).tuples()]
    wanted = sorted({a for a in authors if a})
    found: list[tuple[str, str | None]] = []
    for start in range(0, len(wanted), 500):
        stmt = base.where(threads.c.author_id.in_(wanted[start : start + 500]))
        found.extend((key, author) for key, author in conn.execute(stmt).tuples())
    return found


def channel_thread_history(
    conn: Connection, start: datetime, end: datetime, channels: Iterable[tuple[str, str]]
) -> list[dict[str, Any]]:
    """Threads opened in [start, end) in the given (platform, channel)s: title, author, posted_at.

    The recurrence rule (閒聊文①) reads this as the channels' history.
    """
    _check_window(start, end)
    wanted = set(channels)
    if not wanted:
        return []
    platforms = sorted({p for p, _ in wanted})
    stmt = (
        select(
            threads.c.platform,
            threads.c.channel,
            threads.c.thread_key,
            threads.c.title,
            threads.c.author_id,
            threads.c.posted_at,
        )
        .where(
            threads.c.posted_at >= start,
            threads.c.posted_at < end,
            threads.c.platform.in_(platforms),
            threads.c.channel.in_(sorted({c for _, c in wanted})),
        )
        .order_by(threads.c.posted_at, threads.c.id)
    )
    return [
        {
            "platform": platform,
            "channel": channel,
            "thread_key": key,
            "title": title,
            "author": author or "",
            "posted_at": ensure_aware(posted_at, "posted_at"),
        }
        for platform, channel, key, title, author, posted_at in conn.execute(stmt).tuples()
        if (platform, channel) in wanted
    ]
