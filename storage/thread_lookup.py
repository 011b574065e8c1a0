"""One thread found by its URL, and the crawl runs of its channel that could have seen it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from storage.models import crawl_channels, crawl_runs, threads


def url_variants(url: str) -> list[str]:
    """The URL as given, with and without a trailing slash, over http and https."""
    base = url.strip()
    stems = {base, base.rstrip("/"), base.rstrip("/") + "/"}
    out: list[str] = []
    for stem in sorted(stems):
        for scheme in ("https://", "http://"):
            for old in ("https://", "http://"):
                if stem.startswith(old):
                    out.append(scheme + stem[len(old) :])
        out.append(stem)
    return list(dict.fromkeys(out))


def find_thread(conn: Connection, url: str) -> dict[str, Any] | None:
    """The stored thread with this URL (or a tolerant variant of it), or None."""
    stmt = select(
        threads.c.id.label("thread_id"),
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
        threads.c.first_seen_at,
        threads.c.last_crawled_at,
        threads.c.edited_at,
    ).where(threads.c.url.in_(url_variants(url)))
    row = conn.execute(stmt.order_by(threads.c.id).limit(1)).mappings().first()
    return None if row is None else dict(row)


def channel_runs(
    conn: Connection, platform: str, channel: str, until: datetime | None = None
) -> list[dict[str, Any]]:
    """The crawl runs that crawled a channel (oldest first), with the channel's status in each."""
    stmt = (
        select(
            crawl_runs.c.id.label("run_id"),
            crawl_runs.c.started_at,
            crawl_runs.c.finished_at,
            crawl_runs.c.status.label("run_status"),
            crawl_channels.c.status,
            crawl_channels.c.deleted,
        )
        .join(crawl_runs, crawl_runs.c.id == crawl_channels.c.run_id)
        .where(crawl_channels.c.platform == platform, crawl_channels.c.channel == channel)
        .order_by(crawl_runs.c.started_at, crawl_runs.c.id)
    )
    if until is not None:
        stmt = stmt.where(crawl_runs.c.started_at <= until)
    return [dict(r) for r in conn.execute(stmt).mappings()]
