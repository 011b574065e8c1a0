"""Items the spiders hand to the pipeline, the same for every source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReplyData:
    """One reply (push, comment, floor) with the key that keeps it one reply across crawls."""

    key: str
    tag: str
    user: str
    content: str
    ip: str | None
    replied_at: datetime | None
    time_inferred: bool = False


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """A crawled thread with its replies, keyed by what identifies it within its platform.

    `replies_complete` is False when only some of the thread's replies could be had (a page of
    comments failed): then replies missing from this crawl are not taken as removed.
    `reply_total` is the site's own count of the thread's replies, given only when the replies
    themselves cannot be read: it is stored as a dated snapshot and the thread's new replies
    are estimated from the snapshots.
    """

    platform: str
    channel: str
    thread_key: str
    url: str
    title: str
    body: str
    posted_at: datetime | None
    crawled_at: datetime
    replies: tuple[ReplyData, ...] = field(default=())
    status: str = "ok"
    category: str | None = None
    author_id: str | None = None
    author_nickname: str | None = None
    ip: str | None = None
    pinned: bool = False
    replies_complete: bool = True
    reply_total: int | None = None


@dataclass(frozen=True, slots=True)
class GoneItem:
    """A thread the site says is gone (a 404, a deleted or hidden flag), with the reason."""

    platform: str
    channel: str
    thread_key: str
    url: str
    status: str = "deleted"


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One row of a channel's listing: which thread, where, and whether it is a deleted stub."""

    thread_key: str | None
    position: int | None
    author: str | None = None
    deleted: bool = False
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class ListingItem:
    """One listing page of a channel (a board index page, a page of a forum's posts)."""

    platform: str
    channel: str
    page: int
    rows: tuple[ListingRow, ...]
