"""Published weekly leaderboards and exclusions, stored and read back by week."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from storage.models import exclusions as exclusions_table
from storage.models import (
    leaderboard_entries,
    published_weeks,
    replies,
    rule_sets,
    threads,
    week_coverage,
)
from storage.types import ensure_aware


def save_leaderboards(
    conn: Connection,
    week_start: datetime,
    boards: Sequence[dict[str, Any]],
    exclusions: Sequence[dict[str, Any]],
    published_at: datetime,
) -> None:
    """Replace a week's leaderboards and exclusions, so republishing is idempotent."""
    ensure_aware(week_start, "week_start")
    ensure_aware(published_at, "published_at")
    conn.execute(delete(leaderboard_entries).where(leaderboard_entries.c.week_start == week_start))
    conn.execute(delete(exclusions_table).where(exclusions_table.c.week_start == week_start))
    entry_rows = [
        {
            "week_start": week_start,
            "scope": board["scope"],
            "label": board["label"],
            "rank": int(entry["rank"]),
            "thread_id": int(entry["thread_id"]),
            "new_replies": int(entry["new_replies"]),
            "estimate": bool(entry.get("estimate", False)),
            "published_at": published_at,
        }
        for board in boards
        for entry in board["entries"]
    ]
    if entry_rows:
        conn.execute(insert(leaderboard_entries), entry_rows)
    exclusion_rows = [
        {
            "week_start": week_start,
            "thread_id": int(item["thread_id"]),
            "reason": item["reason"],
            "detail": item.get("detail", ""),
        }
        for item in exclusions
    ]
    if exclusion_rows:
        conn.execute(insert(exclusions_table), exclusion_rows)


# A ranked row as the report reads it: the entry and the thread it names.
_ENTRY_COLUMNS = (
    leaderboard_entries.c.scope,
    leaderboard_entries.c.label,
    leaderboard_entries.c.rank,
    leaderboard_entries.c.thread_id,
    leaderboard_entries.c.new_replies,
    leaderboard_entries.c.estimate,
    threads.c.platform,
    threads.c.channel,
    threads.c.thread_key,
    threads.c.title,
    threads.c.url,
)


def load_leaderboards(conn: Connection, week_start: datetime) -> list[dict[str, Any]]:
    """Return a week's ranked rows joined with their threads, ordered by scope then rank."""
    ensure_aware(week_start, "week_start")
    e = leaderboard_entries
    stmt = (
        select(*_ENTRY_COLUMNS)
        .join(threads, threads.c.id == e.c.thread_id)
        .where(e.c.week_start == week_start)
        .order_by(e.c.scope, e.c.rank)
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]


def published_ranks(conn: Connection, week_start: datetime) -> list[dict[str, Any]] | None:
    """A published week's (scope, thread_id, rank) rows; None when the week was never published."""
    ensure_aware(week_start, "week_start")
    published = conn.execute(
        select(published_weeks.c.week_start).where(published_weeks.c.week_start == week_start)
    ).first()
    if published is None:
        return None
    e = leaderboard_entries
    stmt = (
        select(e.c.scope, e.c.thread_id, e.c.rank)
        .where(e.c.week_start == week_start)
        .order_by(e.c.scope, e.c.rank)
    )
    return [
        {"scope": scope, "thread_id": int(thread_id), "rank": int(rank)}
        for scope, thread_id, rank in conn.execute(stmt).tuples()
    ]


def load_exclusions(
    conn: Connection, week_start: datetime, week_end: datetime | None = None
) -> list[dict[str, Any]]:
    """Return a week's exclusions with their thread's channel, title and url, by thread id.

    With `week_end`, each row also carries the thread's shown new replies in the window.
    """
    ensure_aware(week_start, "week_start")
    x = exclusions_table
    columns: list[Any] = [
        x.c.thread_id,
        x.c.reason,
        x.c.detail,
        threads.c.platform,
        threads.c.channel,
        threads.c.thread_key,
        threads.c.title,
        threads.c.url,
    ]
    if week_end is not None:
        ensure_aware(week_end, "week_end")
        counted = (
            select(func.count())
            .where(
                replies.c.thread_id == x.c.thread_id,
                replies.c.replied_at >= week_start,
                replies.c.replied_at < week_end,
                replies.c.removed_at.is_(None),
            )
            .scalar_subquery()
        )
        columns.append(counted.label("new_replies"))
    stmt = (
        select(*columns)
        .join(threads, threads.c.id == x.c.thread_id)
        .where(x.c.week_start == week_start)
        .order_by(x.c.thread_id)
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]


def save_week_status(
    conn: Connection,
    week_start: datetime,
    published_at: datetime,
    coverage: Sequence[dict[str, Any]],
    *,
    provisional: bool = False,
    cutoff: datetime | None = None,
    rules_digest: str | None = None,
) -> None:
    """Replace a published week's status, the rules it was ranked with and its coverage."""
    ensure_aware(week_start, "week_start")
    conn.execute(delete(week_coverage).where(week_coverage.c.week_start == week_start))
    conn.execute(delete(published_weeks).where(published_weeks.c.week_start == week_start))
    complete = not provisional and all(c["status"] == "complete" for c in coverage)
    conn.execute(
        insert(published_weeks).values(
            week_start=week_start,
            published_at=ensure_aware(published_at, "published_at"),
            complete=complete,
            provisional=provisional,
            cutoff=cutoff,
            rules_digest=rules_digest,
        )
    )
    rows = [
        {
            "week_start": week_start,
            "platform": c["platform"],
            "channel": c["channel"],
            "status": c["status"],
            "reason": c.get("reason", ""),
            "run_id": c.get("run_id"),
            "observed_at": c.get("observed_at"),
        }
        for c in coverage
    ]
    if rows:
        conn.execute(insert(week_coverage), rows)


def load_week_status(conn: Connection, week_start: datetime) -> dict[str, Any] | None:
    """A published week's status with its coverage rows, or None when never published."""
    ensure_aware(week_start, "week_start")
    week = conn.execute(
        select(published_weeks).where(published_weeks.c.week_start == week_start)
    ).first()
    if week is None:
        return None
    coverage = conn.execute(
        select(
            week_coverage.c.platform,
            week_coverage.c.channel,
            week_coverage.c.status,
            week_coverage.c.reason,
            week_coverage.c.run_id,
            week_coverage.c.observed_at,
        )
        .where(week_coverage.c.week_start == week_start)
        .order_by(week_coverage.c.platform, week_coverage.c.channel)
    ).mappings()
    return {
        "published_at": week.published_at,
        "complete": bool(week.complete),
        "provisional": bool(week.provisional),
        "cutoff": week.cutoff,
        "rules_digest": week.rules_digest,
        "coverage": [dict(row) for row in coverage],
    }


def load_leaderboards_between(
    conn: Connection, first: datetime, last: datetime
) -> list[dict[str, Any]]:
    """Every ranked row of the weeks starting in [first, last], with its week and its thread."""
    ensure_aware(first, "first")
    ensure_aware(last, "last")
    e = leaderboard_entries
    stmt = (
        select(e.c.week_start, *_ENTRY_COLUMNS)
        .join(threads, threads.c.id == e.c.thread_id)
        .where(e.c.week_start >= first, e.c.week_start <= last)
        .order_by(e.c.week_start, e.c.scope, e.c.rank)
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]


def load_week_statuses(conn: Connection, first: datetime, last: datetime) -> list[dict[str, Any]]:
    """The published weeks starting in [first, last], each with its coverage rows, by week."""
    ensure_aware(first, "first")
    ensure_aware(last, "last")
    weeks = conn.execute(
        select(published_weeks)
        .where(published_weeks.c.week_start >= first, published_weeks.c.week_start <= last)
        .order_by(published_weeks.c.week_start)
    ).all()
    coverage = conn.execute(
        select(
            week_coverage.c.week_start,
            week_coverage.c.platform,
            week_coverage.c.channel,
            week_coverage.c.status,
            week_coverage.c.reason,
        )
        .where(week_coverage.c.week_start >= first, week_coverage.c.week_start <= last)
        .order_by(week_coverage.c.platform, week_coverage.c.channel)
    ).mappings()
    by_week: dict[datetime, list[dict[str, Any]]] = {}
    for row in coverage:
        item = dict(row)
        by_week.setdefault(ensure_aware(item.pop("week_start"), "week_start"), []).append(item)
    return [
        {
            "week_start": ensure_aware(w.week_start, "week_start"),
            "complete": bool(w.complete),
            "provisional": bool(w.provisional),
            "coverage": by_week.get(ensure_aware(w.week_start, "week_start"), []),
        }
        for w in weeks
    ]


def save_rule_set(conn: Connection, digest: str, version: str, text: str, now: datetime) -> None:
    """Keep a rules file's text under its digest (once: the same digest is the same text)."""
    ensure_aware(now, "now")
    found = conn.execute(select(rule_sets.c.digest).where(rule_sets.c.digest == digest)).first()
    if found is None:
        conn.execute(
            insert(rule_sets).values(digest=digest, version=version, text=text, first_used_at=now)
        )


def load_rule_set(conn: Connection, digest: str) -> dict[str, Any] | None:
    """A stored rules file (digest, version, text, first_used_at), or None."""
    row = conn.execute(select(rule_sets).where(rule_sets.c.digest == digest)).mappings().first()
    return None if row is None else dict(row)
