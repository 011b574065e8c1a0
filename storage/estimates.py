"""New replies estimated from dated reply totals, for threads whose replies cannot be read.

A thread's total is known at each snapshot (and is 0 when it was posted). The total at a time
is interpolated linearly between the nearest known points around it; before the first point
it is 0 when that point is the posting, else the first total; after the last snapshot it is
the last total. The estimate for [start, end) is the total at end minus the total at start
(never below 0), rounded. More snapshots refine it; the same snapshot twice changes nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from storage.models import reply_snapshots, threads
from storage.types import ensure_aware

Point = tuple[datetime, int]


def total_at(points: Sequence[Point], when: datetime, from_zero: bool) -> float:
    """The total at a time, interpolated between time-ordered points.

    `from_zero`: the first point is the posting (total 0), so any earlier time is 0 too.
    """
    if not points:
        return 0.0
    times = [t for t, _ in points]
    i = bisect_right(times, when)
    if i == 0:
        return 0.0 if from_zero else float(points[0][1])
    if i == len(points):
        return float(points[-1][1])
    (t0, v0), (t1, v1) = points[i - 1], points[i]
    span = (t1 - t0).total_seconds()
    if span <= 0:
        return float(v1)
    return v0 + (v1 - v0) * (when - t0).total_seconds() / span


def estimate(
    posted_at: datetime | None, snapshots: Sequence[Point], start: datetime, end: datetime
) -> int:
    """New replies in [start, end) from a thread's snapshots (time-ordered) and its post time."""
    points = list(snapshots)
    from_zero = posted_at is not None and (not points or posted_at < points[0][0])
    if from_zero and posted_at is not None:
        points.insert(0, (posted_at, 0))
    value = total_at(points, end, from_zero) - total_at(points, start, from_zero)
    return max(0, round(value))


def estimated_reply_counts(
    conn: Connection,
    start: datetime,
    end: datetime,
    platform: str | None = None,
    skip: set[int] | frozenset[int] = frozenset(),
) -> list[dict[str, Any]]:
    """Estimated rows (fit ThreadCount, `estimate` True) of threads with snapshots, but `skip`."""
    ensure_aware(start, "start")
    ensure_aware(end, "end")
    recent = (
        select(reply_snapshots.c.thread_id)
        .group_by(reply_snapshots.c.thread_id)
        .having(func.max(reply_snapshots.c.observed_at) >= start)
        .subquery("recent")
    )
    stmt = (
        select(
            threads.c.id,
            threads.c.platform,
            threads.c.channel,
            threads.c.thread_key,
            threads.c.title,
            threads.c.url,
            threads.c.posted_at,
            threads.c.status,
            threads.c.body,
            threads.c.pinned,
            threads.c.author_id,
            reply_snapshots.c.observed_at,
            reply_snapshots.c.total,
        )
        .join_from(recent, threads, threads.c.id == recent.c.thread_id)
        .join(reply_snapshots, reply_snapshots.c.thread_id == threads.c.id)
        .where((threads.c.posted_at < end) | threads.c.posted_at.is_(None))
        .order_by(threads.c.id, reply_snapshots.c.observed_at)
    )
    if platform is not None:
        stmt = stmt.where(threads.c.platform == platform)
    rows: dict[int, dict[str, Any]] = {}
    points: dict[int, list[Point]] = {}
    for row in conn.execute(stmt).tuples():
        thread_id = row[0]
        if thread_id in skip:
            continue
        if thread_id not in rows:
            rows[thread_id] = {
                "thread_id": thread_id,
                "platform": row[1],
                "channel": row[2],
                "thread_key": row[3],
                "title": row[4],
                "url": row[5],
                "posted_at": row[6],
                "status": row[7],
                "new_replies": 0,
                "estimate": True,
                "body": row[8],
                "pinned": bool(row[9]),
                "author": row[10] or "",
            }
            points[thread_id] = []
        points[thread_id].append((ensure_aware(row[11], "observed_at"), int(row[12])))
    for thread_id, row in rows.items():
        posted = row["posted_at"]
        posted = ensure_aware(posted, "posted_at") if posted is not None else None
        row["new_replies"] = estimate(posted, points[thread_id], start, end)
    return list(rows.values())
