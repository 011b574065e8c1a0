"""Plain frozen records the pipelines hand to storage: one crawled thread and its replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    """A thread as seen on one crawl; platform + thread_key identify it across crawls."""

    platform: str
    channel: str
    thread_key: str
    url: str
    title: str
    category: str | None
    author_id: str | None
    author_nickname: str | None
    posted_at: datetime | None
    ip: str | None
    status: str
    body: str
    pinned: bool = False
    # False when only some replies could be read: absent ones are then not marked removed.
    replies_complete: bool = True
    # The site's count of replies where they cannot be read, as seen at reply_total_at.
    reply_total: int | None = None
    reply_total_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReplyRecord:
    """A reply as seen on one crawl; reply_key is its stable identity within the thread."""

    reply_key: str
    tag: str
    user: str
    content: str
    ip: str | None
    replied_at: datetime | None
    time_inferred: bool


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one thread write changed, for pipeline stats and tests."""

    thread_id: int
    replies_inserted: int
    replies_updated: int
    replies_removed: int
    replies_restored: int
    edited: bool
