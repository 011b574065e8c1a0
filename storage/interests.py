"""Interest storage: what a week's profile build reads, profiles by week, CRM export state.

No profile math here (that is interests.model): rows in, rows out. Member profiles are one row
per tag (interest_profiles); author profiles are packed, one row per author and week holding a
RECORD per tag (author_profiles), with tag names numbered in interest_tags. Levels and trends
are stored as their position in TAG_LEVELS and TRENDS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert
from storage.models import (
    SUBJECT_KINDS,
    TAG_LEVELS,
    TRENDS,
    author_profiles,
    interest_profiles,
    interest_tags,
    profile_export_state,
    profile_exports,
    replies,
    thread_tags,
    threads,
)
from storage.types import UTCDateTime, ensure_aware

# (subject_id, tag, level, signal, raw, strength, trend): one stored interest of one week.
ProfileRow = tuple[str, str, str, float, float, int, str]
Objects = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
Flags = npt.NDArray[np.bool_]

INSERT_CHUNK = 10_000
IN_CHUNK = 900
"""Ids per IN (...) list: below every backend's bind-parameter limit."""
DENSE_SCAN = 8
"""On SQLite, read a week's replies by scanning their id range when it holds at most this many
rows per reply of the week: scanning costs ~0.15 µs a row, a lookup through the time index ~2 µs
(replies are stored in crawl order, so a week's replies are mostly one id range)."""
RECORD = np.dtype(
    [
        ("tag", "<u2"),
        ("level", "u1"),
        ("trend", "u1"),
        ("strength", "u1"),
        ("signal", "<f8"),
        ("raw", "<f8"),
    ]
)
"""One packed author interest: interest_tags id, level and trend positions, 0-100, signal, raw."""


@dataclass(frozen=True, slots=True)
class WeekRows:
    """A week's activity as aligned arrays (see interests.model.WeekActivity).

    `reply_*`: the shown replies of the week; `thread_*`: every thread they or the week's
    started threads belong to, by id, with platform, author and whether it was posted in the
    week; `tag_*`: those threads' tags (level as its position in TAG_LEVELS) and scores.
    """

    reply_id: Ints
    reply_user: Objects
    reply_thread: Ints
    thread_id: Ints
    thread_platform: Objects
    thread_author: Objects
    thread_started: Flags
    tag_thread: Ints
    tag: Objects
    tag_level: Codes
    tag_score: Floats


@dataclass(frozen=True, slots=True)
class ProfileArrays:
    """A week's interests of one kind as aligned arrays, grouped by subject.

    Level and trend are positions in TAG_LEVELS and TRENDS (as interests.model.Profiles).
    """

    subject: Objects
    tag: Objects
    level: Codes
    signal: Floats
    raw: Floats
    strength: Ints
    trend: Codes

    def rows(self) -> Iterator[ProfileRow]:
        """The interests as stored rows (words for level and trend)."""
        levels, trends = np.array(TAG_LEVELS, dtype=object), np.array(TRENDS, dtype=object)
        yield from zip(
            self.subject.tolist(),
            self.tag.tolist(),
            levels[self.level].tolist(),
            self.signal.tolist(),
            self.raw.tolist(),
            self.strength.tolist(),
            trends[self.trend].tolist(),
            strict=True,
        )


def _objects(values: Sequence[Any]) -> Objects:
    """A 1-d object array of the values."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


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


def _fetch(conn: Connection, stmt: Any, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Every row as the driver's plain tuples.

    For bulk reads of numbers and text only: SQLAlchemy's Row objects cost more than the query
    (~2.5 µs a row), and these columns need no result processing.
    """
    result = conn.execute(stmt, params or {})
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """Ids in lists of IN_CHUNK."""
    for start in range(0, len(ids), IN_CHUNK):
        yield list(ids[start : start + IN_CHUNK])


def _scan_range(conn: Connection, start: datetime, end: datetime) -> tuple[int, int] | None:
    """The id range to scan for the window's replies on SQLite when that beats the index."""
    if conn.dialect.name != "sqlite":
        return None
    r = replies.c
    low, high, count = conn.execute(
        select(func.min(r.id), func.max(r.id), func.count()).where(
            r.replied_at >= start, r.replied_at < end, r.removed_at.is_(None)
        )
    ).one()
    if count and high - low + 1 <= DENSE_SCAN * count:
        return int(low), int(high)
    return None


def _window_replies(conn: Connection, start: datetime, end: datetime, columns: str) -> list[Any]:
    """Rows of `columns` (plain names) of the replies shown with replied_at in [start, end)."""
    r = replies.c
    found = _scan_range(conn, start, end)
    if found is None:
        stmt = select(*(r[name] for name in columns.split(", "))).where(
            r.replied_at >= start, r.replied_at < end, r.removed_at.is_(None)
        )
        return _fetch(conn, stmt)
    low, high = found
    return _fetch(conn, _scan(columns), {"low": low, "high": high, "start": start, "end": end})


def _scan(columns: str) -> Any:
    """SQLite: the window's replies by scanning an id range (NOT INDEXED: SQLite would otherwise
    read each row through the time index)."""
    return text(
        f"SELECT {columns} FROM replies NOT INDEXED WHERE id BETWEEN :low AND :high"
        " AND replied_at >= :start AND replied_at < :end AND removed_at IS NULL"
    ).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))


def _reply_columns(
    conn: Connection, start: datetime, end: datetime
) -> tuple[list[int], list[str], list[int]]:
    """Ids, users and thread ids of the window's shown replies, as three lists.

    On an id-range scan SQLite hands each column over as one JSON array (text and integers
    only, so exact): a million rows then cost one string, not a million tuples.
    """
    found = _scan_range(conn, start, end)
    if found is None:
        rows = _window_replies(conn, start, end, "id, user, thread_id")
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    low, high = found
    columns = "json_group_array(id), json_group_array(user), json_group_array(thread_id)"
    params = {"low": low, "high": high, "start": start, "end": end}
    ids, users, thread_ids = _fetch(conn, _scan(columns), params)[0]
    return json.loads(ids), json.loads(users), json.loads(thread_ids)


def week_rows(conn: Connection, start: datetime, end: datetime) -> WeekRows:
    """Everything the week's thread signals are computed from, read in a few bulk queries."""
    _check(start, end)
    reply_ids, users, reply_threads = _reply_columns(conn, start, end)
    reply_thread = np.array(reply_threads, dtype=np.int64)
    t = threads.c
    started = np.array(
        [
            row[0]
            for row in _fetch(
                conn,
                select(t.id).where(
                    t.posted_at >= start, t.posted_at < end, t.author_id.is_not(None)
                ),
            )
        ],
        dtype=np.int64,
    )
    ids = np.union1d(reply_thread, started).tolist()
    thread_rows: list[Any] = []
    tag_rows: list[Any] = []
    tt = thread_tags.c
    for wanted in _chunks(ids):
        thread_rows += _fetch(conn, select(t.id, t.platform, t.author_id).where(t.id.in_(wanted)))
        tag_rows += _fetch(
            conn,
            select(tt.thread_id, tt.tag, tt.level, tt.score).where(tt.thread_id.in_(wanted)),
        )
    thread_rows.sort()
    thread_id = np.array([row[0] for row in thread_rows], dtype=np.int64)
    level_of = {word: code for code, word in enumerate(TAG_LEVELS)}
    return WeekRows(
        reply_id=np.array(reply_ids, dtype=np.int64),
        reply_user=_objects(users),
        reply_thread=reply_thread,
        thread_id=thread_id,
        thread_platform=_objects([row[1] for row in thread_rows]),
        thread_author=_objects([row[2] for row in thread_rows]),
        thread_started=np.isin(thread_id, started),
        tag_thread=np.array([row[0] for row in tag_rows], dtype=np.int64),
        tag=_objects([row[1] for row in tag_rows]),
        tag_level=np.array([level_of[row[2]] for row in tag_rows], dtype=np.int8),
        tag_score=np.array([row[3] for row in tag_rows], dtype=np.float64),
    )


def reply_texts(
    conn: Connection, start: datetime, end: datetime, reply_ids: Sequence[int] | None = None
) -> list[tuple[int, Any, str]]:
    """(id, replied_at, content) of the window's shown replies, or of these ones; unordered.

    replied_at comes as the driver gives it (stored UTC text on SQLite, a datetime on
    PostgreSQL): enough to order one database's replies by time.
    """
    _check(start, end)
    if reply_ids is None:
        return _window_replies(conn, start, end, "id, replied_at, content")
    r = replies.c
    out: list[Any] = []
    for chunk in _chunks(sorted(reply_ids)):
        out += _fetch(conn, select(r.id, r.replied_at, r.content).where(r.id.in_(chunk)))
    return out


def latest_profile_week(conn: Connection, subject_kind: str, before: datetime) -> datetime | None:
    """The latest week with stored profiles of this kind strictly before a time, or None."""
    _kind(subject_kind)
    ensure_aware(before, "before")
    if subject_kind == "author":
        week = author_profiles.c.week_start
        stmt = select(func.max(week)).where(week < before)
    else:
        p = interest_profiles.c
        stmt = select(func.max(p.week_start)).where(
            p.subject_kind == subject_kind, p.week_start < before
        )
    found = conn.execute(stmt).scalar_one_or_none()
    return found if isinstance(found, datetime) else None


def profile_weeks(conn: Connection, subject_kind: str) -> list[datetime]:
    """Every week with stored profiles of this kind, oldest first."""
    _kind(subject_kind)
    if subject_kind == "author":
        week = author_profiles.c.week_start
        return list(conn.execute(select(week).distinct().order_by(week)).scalars())
    p = interest_profiles.c
    stmt = (
        select(p.week_start).where(p.subject_kind == subject_kind).distinct().order_by(p.week_start)
    )
    return list(conn.execute(stmt).scalars())


def tag_ids(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """The interest_tags id of each name, numbering the names not seen before."""
    wanted = set(names)
    known = {str(tag): int(i) for i, tag in conn.execute(select(interest_tags)).tuples()}
    missing = sorted(wanted - known.keys())
    if missing:
        stmt = dialect_insert(conn, interest_tags).on_conflict_do_nothing(
            index_elements=[interest_tags.c.tag]
        )
        conn.execute(stmt, [{"tag": name} for name in missing])
        known = {str(tag): int(i) for i, tag in conn.execute(select(interest_tags)).tuples()}
    return {name: known[name] for name in wanted}


def _tag_names(conn: Connection) -> Objects:
    """Tag name by interest_tags id (an array indexed by id)."""
    pairs = conn.execute(select(interest_tags.c.id, interest_tags.c.tag)).tuples().all()
    names = np.empty(max((i for i, _ in pairs), default=0) + 1, dtype=object)
    for i, tag in pairs:
        names[i] = tag
    return names


def pack(arrays: ProfileArrays, ids: Mapping[str, int]) -> list[tuple[str, bytes]]:
    """(subject, packed interests) per subject of arrays grouped by subject."""
    n = len(arrays.subject)
    if not n:
        return []
    records = np.empty(n, dtype=RECORD)
    records["tag"] = np.fromiter((ids[t] for t in arrays.tag.tolist()), dtype=np.uint16, count=n)
    records["level"] = arrays.level
    records["trend"] = arrays.trend
    records["strength"] = arrays.strength
    records["signal"] = arrays.signal
    records["raw"] = arrays.raw
    subject = arrays.subject
    starts = np.flatnonzero(np.concatenate([[True], subject[1:] != subject[:-1]]))
    ends = np.append(starts[1:], n)
    data, size = records.tobytes(), RECORD.itemsize
    return [
        (subject[s], data[s * size : e * size])
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]


def unpack(rows: Sequence[tuple[str, bytes]], names: Objects) -> ProfileArrays:
    """ProfileArrays from (subject, packed interests) rows; `names[id]` is a tag's name."""
    blobs = [bytes(b) for _, b in rows]
    records = np.frombuffer(b"".join(blobs), dtype=RECORD)
    counts = np.array([len(b) // RECORD.itemsize for b in blobs], dtype=np.int64)
    return ProfileArrays(
        subject=np.repeat(_objects([s for s, _ in rows]), counts),
        tag=names[records["tag"]] if len(records) else _objects([]),
        level=records["level"].astype(np.int8),
        signal=records["signal"].astype(np.float64),
        raw=records["raw"].astype(np.float64),
        strength=records["strength"].astype(np.int64),
        trend=records["trend"].astype(np.int8),
    )


def load_profile_arrays(conn: Connection, subject_kind: str, week_start: datetime) -> ProfileArrays:
    """A week's stored interests of this kind as arrays, grouped by subject."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    if subject_kind == "author":
        a = author_profiles.c
        stmt = select(a.subject_id, a.interests).where(a.week_start == week_start)
        packed = _fetch(conn, stmt.order_by(a.subject_id))
        return unpack(packed, _tag_names(conn))
    p = interest_profiles.c
    stmt = (
        select(p.subject_id, p.tag, p.level, p.signal, p.raw, p.strength, p.trend)
        .where(p.subject_kind == subject_kind, p.week_start == week_start)
        .order_by(p.subject_id, p.tag)
    )
    rows = _fetch(conn, stmt)
    level_of = {word: code for code, word in enumerate(TAG_LEVELS)}
    trend_of = {word: code for code, word in enumerate(TRENDS)}
    return ProfileArrays(
        subject=_objects([r[0] for r in rows]),
        tag=_objects([r[1] for r in rows]),
        level=np.array([level_of[r[2]] for r in rows], dtype=np.int8),
        signal=np.array([r[3] for r in rows], dtype=np.float64),
        raw=np.array([r[4] for r in rows], dtype=np.float64),
        strength=np.array([r[5] for r in rows], dtype=np.int64),
        trend=np.array([trend_of[r[6]] for r in rows], dtype=np.int8),
    )


def save_profile_arrays(
    conn: Connection, subject_kind: str, week_start: datetime, arrays: ProfileArrays
) -> int:
    """Replace a week's stored interests of this kind; returns the interests written."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    week = _stored(conn, week_start)
    if subject_kind == "author":
        conn.execute(delete(author_profiles).where(author_profiles.c.week_start == week_start))
        packed = pack(arrays, tag_ids(conn, arrays.tag.tolist()))
        _insert_many(
            conn,
            "author_profiles (week_start, subject_id, interests)",
            [(week, s, b) for s, b in packed],
        )
        return len(arrays.subject)
    p = interest_profiles.c
    conn.execute(
        delete(interest_profiles).where(p.subject_kind == subject_kind, p.week_start == week_start)
    )
    rows = [(subject_kind, week, *row) for row in arrays.rows()]
    _insert_many(
        conn,
        "interest_profiles (subject_kind, week_start, subject_id, tag, level, signal, raw,"
        " strength, trend)",
        rows,
    )
    return len(rows)


def _stored(conn: Connection, when: datetime) -> Any:
    """A datetime as the driver receives it for a UTCDateTime column."""
    process = UTCDateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process(when) if process else when


def _insert_many(conn: Connection, into: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT rows of values the driver takes as they are (no per-value SQLAlchemy processing).

    For bulk writes: processing each value through SQLAlchemy costs ~10 µs a row.
    """
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {into} VALUES ({', '.join([mark] * len(rows[0]))})"
    for start in range(0, len(rows), INSERT_CHUNK):
        conn.exec_driver_sql(sql, list(rows[start : start + INSERT_CHUNK]))


def load_profiles(
    conn: Connection,
    subject_kind: str,
    week_start: datetime,
    subject_ids: Sequence[str] | None = None,
) -> list[ProfileRow]:
    """A week's stored interests of this kind, by subject then strength (strongest first)."""
    arrays = load_profile_arrays(conn, subject_kind, week_start)
    rows = list(arrays.rows())
    if subject_ids is not None:
        wanted = set(subject_ids)
        rows = [r for r in rows if r[0] in wanted]
    rows.sort(key=lambda r: (r[0], -r[5], r[1]))
    return rows


def profile_history(
    conn: Connection, member_id: str, until: datetime | None = None
) -> list[tuple[datetime, str, str, float, int, str]]:
    """One member's (week_start, tag, level, signal, strength, trend) rows, oldest first."""
    p = interest_profiles.c
    stmt = (
        select(p.week_start, p.tag, p.level, p.signal, p.strength, p.trend)
        .where(p.subject_kind == "member", p.subject_id == member_id)
        .order_by(p.week_start, p.strength.desc(), p.tag)
    )
    if until is not None:
        stmt = stmt.where(p.week_start <= ensure_aware(until, "until"))
    return [
        (w, t, lv, float(s), int(st), tr) for w, t, lv, s, st, tr in conn.execute(stmt).tuples()
    ]


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
