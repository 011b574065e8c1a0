"""Thread interest tags: which threads need (re-)tagging, and bulk replacement of their tags."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert
from storage.models import TAG_LEVELS, thread_tag_state, thread_tags, threads
from storage.types import ensure_aware

# Threads per batch: one IN (...) list, far below the backends' bind-parameter limits.
TAG_BATCH = 500


@dataclass(frozen=True, slots=True)
class ThreadText:
    """What the tagger reads of one thread, and the content hash the tags will be kept for."""

    thread_id: int
    channel: str
    title: str
    body: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class TaggedThread:
    """A thread's tags as (tag, level, score), computed from the content with content_hash."""

    thread_id: int
    content_hash: str
    tags: Sequence[tuple[str, str, float]]


def thread_ids_needing_tags(conn: Connection) -> list[int]:
    """Ids of threads never tagged or edited since they were tagged, by id."""
    stmt = (
        select(threads.c.id)
        .outerjoin(thread_tag_state, thread_tag_state.c.thread_id == threads.c.id)
        .where(
            or_(
                thread_tag_state.c.thread_id.is_(None),
                thread_tag_state.c.content_hash != threads.c.content_hash,
            )
        )
        .order_by(threads.c.id)
    )
    return [int(i) for i in conn.execute(stmt).scalars()]


def iter_threads_needing_tags(
    conn: Connection, batch_size: int = TAG_BATCH
) -> Iterator[list[ThreadText]]:
    """Yield batches of threads to tag; ids are read first so writes between batches are safe."""
    ids = thread_ids_needing_tags(conn)
    for start in range(0, len(ids), batch_size):
        part = ids[start : start + batch_size]
        stmt = (
            select(
                threads.c.id,
                threads.c.channel,
                threads.c.title,
                threads.c.body,
                threads.c.content_hash,
            )
            .where(threads.c.id.in_(part))
            .order_by(threads.c.id)
        )
        yield [ThreadText(*row) for row in conn.execute(stmt).tuples()]


def save_thread_tags(conn: Connection, tagged: Sequence[TaggedThread], tagged_at: datetime) -> int:
    """Replace the tags of these threads and remember the content they came from; rows written."""
    ensure_aware(tagged_at, "tagged_at")
    if not tagged:
        return 0
    ids = [t.thread_id for t in tagged]
    conn.execute(delete(thread_tags).where(thread_tags.c.thread_id.in_(ids)))
    rows: list[dict[str, Any]] = []
    for item in tagged:
        seen: set[str] = set()
        for tag, level, score in item.tags:
            if level not in TAG_LEVELS:
                raise ValueError(
                    f"thread {item.thread_id}: tag level {level!r} not in {TAG_LEVELS}"
                )
            if tag in seen:
                continue
            seen.add(tag)
            rows.append(
                {"thread_id": item.thread_id, "tag": tag, "level": level, "score": float(score)}
            )
    if rows:
        conn.execute(insert(thread_tags), rows)
    state = [
        {
            "thread_id": t.thread_id,
            "content_hash": t.content_hash,
            "tags": len({tag for tag, _, _ in t.tags}),
            "tagged_at": tagged_at,
        }
        for t in tagged
    ]
    stmt = dialect_insert(conn, thread_tag_state)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[thread_tag_state.c.thread_id],
            set_={
                "content_hash": stmt.excluded.content_hash,
                "tags": stmt.excluded.tags,
                "tagged_at": stmt.excluded.tagged_at,
            },
        ),
        state,
    )
    return len(rows)


def forget_thread_tags(conn: Connection) -> None:
    """Drop every thread's tagging state so the next run re-tags all (after a taxonomy change)."""
    conn.execute(delete(thread_tag_state))


def load_thread_tags(conn: Connection, thread_id: int) -> list[tuple[str, str, float]]:
    """A thread's stored (tag, level, score), best first."""
    stmt = (
        select(thread_tags.c.tag, thread_tags.c.level, thread_tags.c.score)
        .where(thread_tags.c.thread_id == thread_id)
        .order_by(thread_tags.c.score.desc(), thread_tags.c.tag)
    )
    return [(str(t), str(lv), float(s)) for t, lv, s in conn.execute(stmt).tuples()]


def tagged_thread_count(conn: Connection) -> int:
    """How many threads have tags computed for their current content."""
    stmt = (
        select(func.count())
        .select_from(thread_tag_state)
        .join(threads, threads.c.id == thread_tag_state.c.thread_id)
        .where(thread_tag_state.c.content_hash == threads.c.content_hash)
    )
    return int(conn.execute(stmt).scalar_one())
