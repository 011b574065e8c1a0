"""Bulk idempotent writes of crawled threads and their replies (Core upserts, no ORM objects)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.engine import Connection

from storage.bulk import insert_missing
from storage.dialects import dialect_insert
from storage.models import THREAD_STATUSES, replies, reply_snapshots, threads
from storage.records import ReplyRecord, ThreadRecord, WriteResult
from storage.types import ensure_aware

__all__ = [
    "WriteResult",
    "content_hash",
    "mark_thread_status",
    "write_thread",
    "write_threads",
]

# Keys per IN (...) list: far below SQLite's and PostgreSQL's bind-parameter limits.
IN_CHUNK = 500
_REPLY_VALUE_FIELDS = ("tag", "user", "content", "ip", "replied_at", "time_inferred")

T = TypeVar("T")
ThreadBatch = Sequence[tuple[ThreadRecord, Sequence[ReplyRecord]]]


def content_hash(title: str, body: str) -> str:
    """Hash a thread's title and body, so an edit between crawls can be noticed."""
    return hashlib.sha256(f"{title}\x1f{body}".encode()).hexdigest()


def write_thread(
    conn: Connection, thread: ThreadRecord, replies: Sequence[ReplyRecord], seen_at: datetime
) -> WriteResult:
    """Upsert one crawled thread and its replies; writing the same page twice changes nothing."""
    return write_threads(conn, [(thread, replies)], seen_at)[0]


def write_threads(conn: Connection, batch: ThreadBatch, seen_at: datetime) -> list[WriteResult]:
    """Upsert many crawled threads with a handful of bulk statements; results follow batch order."""
    ensure_aware(seen_at, "seen_at")
    for thread, thread_replies in batch:
        _validate(thread, thread_replies)
    results: list[WriteResult] = []
    for chunk in _unique_thread_chunks(batch):
        results.extend(_write_chunk(conn, chunk, seen_at))
    return results


def mark_thread_status(
    conn: Connection, platform: str, thread_key: str, status: str, seen_at: datetime
) -> bool:
    """Set a thread's status (a 404 means "deleted") and keep its replies; False if unknown."""
    if status not in THREAD_STATUSES:
        raise ValueError(f"unknown thread status {status!r}; expected one of {THREAD_STATUSES}")
    ensure_aware(seen_at, "seen_at")
    result = conn.execute(
        update(threads)
        .where(threads.c.platform == platform, threads.c.thread_key == thread_key)
        .values(status=status, last_crawled_at=seen_at)
    )
    return bool(result.rowcount)


def _validate(thread: ThreadRecord, thread_replies: Sequence[ReplyRecord]) -> None:
    """Refuse records that would store something ambiguous: bad status, naive times, dup keys."""
    if thread.status not in THREAD_STATUSES:
        raise ValueError(
            f"{thread.platform}/{thread.thread_key}: unknown status {thread.status!r}; "
            f"expected one of {THREAD_STATUSES}"
        )
    if thread.posted_at is not None:
        ensure_aware(thread.posted_at, f"{thread.thread_key} posted_at")
    if thread.reply_total is not None:
        if thread.reply_total < 0:
            raise ValueError(f"{thread.platform}/{thread.thread_key}: negative reply_total")
        if thread.reply_total_at is None:
            raise ValueError(f"{thread.platform}/{thread.thread_key}: reply_total without a time")
        ensure_aware(thread.reply_total_at, f"{thread.thread_key} reply_total_at")
    keys: set[str] = set()
    for reply in thread_replies:
        if reply.reply_key in keys:
            raise ValueError(
                f"{thread.platform}/{thread.thread_key}: duplicate reply_key {reply.reply_key!r}"
                " (the caller must make reply keys unique within a thread)"
            )
        keys.add(reply.reply_key)
        if reply.replied_at is not None:
            ensure_aware(reply.replied_at, f"reply {reply.reply_key} replied_at")


def _unique_thread_chunks(batch: ThreadBatch) -> Iterator[ThreadBatch]:
    """Split a batch so no chunk holds the same thread twice (an upsert may touch a row once)."""
    chunk: list[tuple[ThreadRecord, Sequence[ReplyRecord]]] = []
    keys: set[tuple[str, str]] = set()
    for item in batch:
        key = (item[0].platform, item[0].thread_key)
        if key in keys:
            yield chunk
            chunk, keys = [], set()
        chunk.append(item)
        keys.add(key)
    if chunk:
        yield chunk


def _chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _thread_ids(
    conn: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str]]:
    """Look up (id, content_hash) of stored threads by (platform, thread_key)."""
    by_platform: dict[str, list[str]] = {}
    for platform, thread_key in keys:
        by_platform.setdefault(platform, []).append(thread_key)
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for platform, thread_keys in by_platform.items():
        for part in _chunks(thread_keys):
            rows = conn.execute(
                select(threads.c.id, threads.c.thread_key, threads.c.content_hash).where(
                    threads.c.platform == platform, threads.c.thread_key.in_(part)
                )
            )
            for thread_id, thread_key, digest in rows:
                found[(platform, thread_key)] = (thread_id, digest)
    return found


def _upsert_threads(conn: Connection, chunk: ThreadBatch, seen_at: datetime) -> None:
    """Insert new threads and update known ones; edited_at moves only when the hash changes."""
    rows = [
        {
            "platform": t.platform,
            "channel": t.channel,
            "thread_key": t.thread_key,
            "url": t.url,
            "title": t.title,
            "category": t.category,
            "author_id": t.author_id,
            "author_nickname": t.author_nickname,
            "posted_at": t.posted_at,
            "ip": t.ip,
            "status": t.status,
            "body": t.body,
            "pinned": t.pinned,
            "content_hash": content_hash(t.title, t.body),
            "first_seen_at": seen_at,
            "last_crawled_at": seen_at,
            "edited_at": None,
        }
        for t, _ in chunk
    ]
    stmt = dialect_insert(conn, threads)
    excluded = stmt.excluded
    refreshed = (
        "channel",
        "url",
        "title",
        "category",
        "author_id",
        "author_nickname",
        "posted_at",
        "ip",
        "status",
        "body",
        "pinned",
        "content_hash",
        "last_crawled_at",
    )
    set_: dict[str, Any] = {name: excluded[name] for name in refreshed}
    set_["edited_at"] = case(
        (threads.c.content_hash != excluded.content_hash, excluded.last_crawled_at),
        else_=threads.c.edited_at,
    )
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["platform", "thread_key"], set_=set_), rows
    )


@dataclass
class _ReplyDiff:
    """What a crawl changes in one thread's stored replies."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)
    updated: int = 0
    restored: int = 0


def _existing_replies(conn: Connection, thread_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Load the stored replies of some threads, keyed by thread then reply_key."""
    stored: dict[int, dict[str, Any]] = {tid: {} for tid in thread_ids}
    cols = [replies.c.id, replies.c.thread_id, replies.c.reply_key, replies.c.removed_at]
    cols += [replies.c[name] for name in _REPLY_VALUE_FIELDS]
    for part in _chunks(thread_ids):
        for row in conn.execute(select(*cols).where(replies.c.thread_id.in_(part))).mappings():
            stored[row["thread_id"]][row["reply_key"]] = row
    return stored


def _diff_replies(
    thread_id: int,
    page: Sequence[ReplyRecord],
    stored: dict[str, Any],
    remove_absent: bool,
    seen_at: datetime,
) -> _ReplyDiff:
    """Compare the replies on the page with the stored ones."""
    diff = _ReplyDiff()
    page_keys = set()
    for reply in page:
        page_keys.add(reply.reply_key)
        values = {name: getattr(reply, name) for name in _REPLY_VALUE_FIELDS}
        old = stored.get(reply.reply_key)
        if old is None:
            diff.inserts.append(
                {
                    "thread_id": thread_id,
                    "reply_key": reply.reply_key,
                    **values,
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                    "removed_at": None,
                }
            )
            continue
        changed = any(old[name] != values[name] for name in _REPLY_VALUE_FIELDS)
        restored = old["removed_at"] is not None
        if changed or restored:
            diff.updates.append({"b_id": old["id"], **{f"b_{k}": v for k, v in values.items()}})
            diff.updated += changed
            diff.restored += restored
    if remove_absent:
        diff.removed_ids.extend(
            row["id"]
            for key, row in stored.items()
            if key not in page_keys and row["removed_at"] is None
        )
    return diff


def _write_chunk(conn: Connection, chunk: ThreadBatch, seen_at: datetime) -> list[WriteResult]:
    """Write threads with distinct keys, then their replies, with a few bulk statements."""
    keys = [(t.platform, t.thread_key) for t, _ in chunk]
    before = _thread_ids(conn, keys)
    _upsert_threads(conn, chunk, seen_at)
    new_keys = [key for key in keys if key not in before]
    after = {**before, **_thread_ids(conn, new_keys)} if new_keys else before

    known_ids = [before[key][0] for key in keys if key in before]
    stored = _existing_replies(conn, known_ids)
    diffs: list[_ReplyDiff] = []
    for (thread, page), key in zip(chunk, keys, strict=True):
        thread_id = after[key][0]
        diffs.append(
            _diff_replies(
                thread_id,
                page,
                stored.get(thread_id, {}),
                remove_absent=thread.status == "ok" and thread.replies_complete,
                seen_at=seen_at,
            )
        )

    removed_ids = [rid for d in diffs for rid in d.removed_ids]
    for part in _chunks(removed_ids):
        conn.execute(update(replies).where(replies.c.id.in_(part)).values(removed_at=seen_at))
    for part in _chunks(known_ids):
        conn.execute(
            update(replies)
            .where(replies.c.thread_id.in_(part), replies.c.removed_at.is_(None))
            .values(last_seen_at=seen_at)
        )
    updates = [row for d in diffs for row in d.updates]
    if updates:
        values: dict[str, Any] = {name: bindparam(f"b_{name}") for name in _REPLY_VALUE_FIELDS}
        conn.execute(
            update(replies)
            .where(replies.c.id == bindparam("b_id"))
            .values(**values, removed_at=None, last_seen_at=seen_at),
            updates,
        )
    # Replies of threads this transaction created cannot be stored yet by anyone else.
    known = set(known_ids)
    inserts = [row for d in diffs for row in d.inserts if row["thread_id"] in known]
    fresh = [row for d in diffs for row in d.inserts if row["thread_id"] not in known]
    insert_missing(conn, replies, inserts, conflict=("thread_id", "reply_key"))
    insert_missing(conn, replies, fresh, conflict=("thread_id", "reply_key"), fresh=True)
    # A total seen twice at the same time is one snapshot: a re-crawl adds nothing.
    snapshots = [
        {"thread_id": after[key][0], "observed_at": t.reply_total_at, "total": t.reply_total}
        for (t, _), key in zip(chunk, keys, strict=True)
        if t.reply_total is not None
    ]
    insert_missing(conn, reply_snapshots, snapshots, conflict=("thread_id", "observed_at"))

    return [
        WriteResult(
            thread_id=after[key][0],
            replies_inserted=len(diff.inserts),
            replies_updated=diff.updated,
            replies_removed=len(diff.removed_ids),
            replies_restored=diff.restored,
            edited=key in before and before[key][1] != content_hash(thread.title, thread.body),
        )
        for (thread, _), key, diff in zip(chunk, keys, diffs, strict=True)
    ]
