"""Weekly interest signals aggregated in SQL, stored profile history, and CRM export state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, delete, func, insert, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert
from storage.models import (
    SUBJECT_KINDS,
    interest_profiles,
    member_accounts,
    profile_export_state,
    profile_exports,
    replies,
    thread_tags,
    threads,
)
from storage.types import ensure_aware

# (subject_id, tag, level, signal, raw, strength, trend): one stored interest of one week.
ProfileRow = tuple[str, str, str, float, float, int, str]

INSERT_CHUNK = 5000


def _check(start: datetime, end: datetime) -> None:
    """Refuse naive or empty windows."""
    ensure_aware(start, "start")
    ensure_aware(end, "end")
    if not start < end:
        raise ValueError(f"empty window: start {start.isoformat()} is not before {end.isoformat()}")


def _kind(subject_kind: str) -> None:
    """Refuse an unknown subject kind."""
    if subject_kind not in SUBJECT_KINDS:
        raise ValueError(f"subject_kind {subject_kind!r} not in {SUBJECT_KINDS}")


def author_thread_signals(
    conn: Connection,
    start: datetime,
    end: datetime,
    started_weight: float,
    replied_weight: float,
    batch_size: int = 10_000,
) -> Iterator[tuple[str, str, str, str, float]]:
    """Stream (platform, handle, tag, level, signal) for the window, summed in SQL.

    signal = started_weight × Σ tag scores of threads the author posted in [start, end)
           + replied_weight × Σ tag scores of distinct other authors' threads they replied to
             (shown replies with replied_at in the window; each thread once per author).
    """
    _check(start, end)
    started = (
        select(
            threads.c.platform.label("platform"),
            threads.c.author_id.label("handle"),
            thread_tags.c.tag.label("tag"),
            thread_tags.c.level.label("level"),
            (thread_tags.c.score * literal(started_weight, Float)).label("s"),
        )
        .join_from(threads, thread_tags, thread_tags.c.thread_id == threads.c.id)
        .where(
            threads.c.posted_at >= start,
            threads.c.posted_at < end,
            threads.c.author_id.is_not(None),
        )
    )
    replied_pairs = (
        select(threads.c.platform, replies.c.user, replies.c.thread_id)
        .join_from(replies, threads, threads.c.id == replies.c.thread_id)
        .where(
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            replies.c.removed_at.is_(None),
            or_(threads.c.author_id.is_(None), replies.c.user != threads.c.author_id),
        )
        .distinct()
        .subquery("pairs")
    )
    replied = select(
        replied_pairs.c.platform.label("platform"),
        replied_pairs.c.user.label("handle"),
        thread_tags.c.tag.label("tag"),
        thread_tags.c.level.label("level"),
        (thread_tags.c.score * literal(replied_weight, Float)).label("s"),
    ).join_from(replied_pairs, thread_tags, thread_tags.c.thread_id == replied_pairs.c.thread_id)
    both = union_all(started, replied).subquery("signals")
    stmt = select(
        both.c.platform, both.c.handle, both.c.tag, both.c.level, func.sum(both.c.s)
    ).group_by(both.c.platform, both.c.handle, both.c.tag, both.c.level)
    result = conn.execute(stmt.execution_options(yield_per=batch_size))
    try:
        for platform, handle, tag, level, signal in result.tuples():
            yield platform, handle, tag, level, float(signal)
    finally:
        result.close()


def iter_reply_texts(
    conn: Connection,
    start: datetime,
    end: datetime,
    members_only: bool = True,
    batch_size: int = 10_000,
) -> Iterator[tuple[str, str, str]]:
    """Stream (platform, user, content) of shown replies in the window, grouped by author.

    With members_only, only accounts linked to a member (a join on member_accounts).
    """
    _check(start, end)
    stmt = (
        select(threads.c.platform, replies.c.user, replies.c.content)
        .join_from(replies, threads, threads.c.id == replies.c.thread_id)
        .where(
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            replies.c.removed_at.is_(None),
        )
        .order_by(threads.c.platform, replies.c.user, replies.c.replied_at, replies.c.id)
    )
    if members_only:
        stmt = stmt.join(
            member_accounts,
            and_(
                member_accounts.c.platform == threads.c.platform,
                member_accounts.c.handle == replies.c.user,
            ),
        )
    result = conn.execute(stmt.execution_options(yield_per=batch_size))
    try:
        yield from result.tuples()
    finally:
        result.close()


def latest_profile_week(conn: Connection, subject_kind: str, before: datetime) -> datetime | None:
    """The latest week with stored profiles of this kind strictly before a time, or None."""
    _kind(subject_kind)
    ensure_aware(before, "before")
    stmt = select(func.max(interest_profiles.c.week_start)).where(
        interest_profiles.c.subject_kind == subject_kind,
        interest_profiles.c.week_start < before,
    )
    found = conn.execute(stmt).scalar_one_or_none()
    return found if isinstance(found, datetime) else None


def profile_weeks(conn: Connection, subject_kind: str) -> list[datetime]:
    """Every week with stored profiles of this kind, oldest first."""
    _kind(subject_kind)
    stmt = (
        select(interest_profiles.c.week_start)
        .where(interest_profiles.c.subject_kind == subject_kind)
        .distinct()
        .order_by(interest_profiles.c.week_start)
    )
    return list(conn.execute(stmt).scalars())


def load_profiles(
    conn: Connection,
    subject_kind: str,
    week_start: datetime,
    subject_ids: Sequence[str] | None = None,
    batch_size: int = 10_000,
) -> Iterator[ProfileRow]:
    """Stream a week's stored interests of this kind, by subject then strength."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    p = interest_profiles.c
    stmt = (
        select(p.subject_id, p.tag, p.level, p.signal, p.raw, p.strength, p.trend)
        .where(p.subject_kind == subject_kind, p.week_start == week_start)
        .order_by(p.subject_id, p.strength.desc(), p.tag)
    )
    if subject_ids is not None:
        stmt = stmt.where(p.subject_id.in_(list(subject_ids)))
    result = conn.execute(stmt.execution_options(yield_per=batch_size))
    try:
        for subject_id, tag, level, signal, raw, strength, trend in result.tuples():
            yield subject_id, tag, level, float(signal), float(raw), int(strength), trend
    finally:
        result.close()


def profile_history(
    conn: Connection, subject_kind: str, subject_id: str, until: datetime | None = None
) -> list[tuple[datetime, str, str, float, int, str]]:
    """One subject's (week_start, tag, level, signal, strength, trend) rows, oldest first."""
    _kind(subject_kind)
    p = interest_profiles.c
    stmt = (
        select(p.week_start, p.tag, p.level, p.signal, p.strength, p.trend)
        .where(p.subject_kind == subject_kind, p.subject_id == subject_id)
        .order_by(p.week_start, p.strength.desc(), p.tag)
    )
    if until is not None:
        stmt = stmt.where(p.week_start <= ensure_aware(until, "until"))
    return [
        (w, t, lv, float(s), int(st), tr) for w, t, lv, s, st, tr in conn.execute(stmt).tuples()
    ]


def save_profiles(
    conn: Connection, subject_kind: str, week_start: datetime, rows: Iterable[ProfileRow]
) -> int:
    """Replace a week's stored interests of this kind with rows (bulk insert); rows written."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    conn.execute(
        delete(interest_profiles).where(
            interest_profiles.c.subject_kind == subject_kind,
            interest_profiles.c.week_start == week_start,
        )
    )
    written = 0
    chunk: list[dict[str, Any]] = []
    for subject_id, tag, level, signal, raw, strength, trend in rows:
        chunk.append(
            {
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "week_start": week_start,
                "tag": tag,
                "level": level,
                "signal": signal,
                "raw": raw,
                "strength": strength,
                "trend": trend,
            }
        )
        if len(chunk) >= INSERT_CHUNK:
            conn.execute(insert(interest_profiles), chunk)
            written += len(chunk)
            chunk = []
    if chunk:
        conn.execute(insert(interest_profiles), chunk)
        written += len(chunk)
    return written


def export_digests(conn: Connection) -> dict[str, str]:
    """The digest of each member's row as last exported."""
    stmt = select(profile_export_state.c.member_id, profile_export_state.c.last_digest)
    return {m: d for m, d in conn.execute(stmt).tuples()}


def record_export(
    conn: Connection,
    week_start: datetime,
    fmt: str,
    level: str,
    since_last: bool,
    exported_at: datetime,
    digests: Mapping[str, str],
) -> int:
    """Store one export and the digests of the member rows it wrote; return the export id."""
    ensure_aware(week_start, "week_start")
    ensure_aware(exported_at, "exported_at")
    export_id = int(
        conn.execute(
            insert(profile_exports)
            .values(
                week_start=week_start,
                format=fmt,
                level=level,
                since_last=since_last,
                exported_at=exported_at,
                members=len(digests),
            )
            .returning(profile_exports.c.id)
        ).scalar_one()
    )
    if digests:
        stmt = dialect_insert(conn, profile_export_state)
        stmt = stmt.on_conflict_do_update(
            index_elements=[profile_export_state.c.member_id],
            set_={
                "last_digest": stmt.excluded.last_digest,
                "last_export_id": stmt.excluded.last_export_id,
            },
        )
        items = [
            {"member_id": m, "last_digest": d, "last_export_id": export_id}
            for m, d in digests.items()
        ]
        for start in range(0, len(items), INSERT_CHUNK):
            conn.execute(stmt, items[start : start + INSERT_CHUNK])
    return export_id
