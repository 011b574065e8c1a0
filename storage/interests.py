"""Weekly interest signals aggregated in SQL, stored profile history, and CRM export state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

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

INSERT_CHUNK = 10_000
SQLITE_BUILD_CACHE_KIB = -131_072
"""SQLite page cache while building a week (negative: KiB), instead of the default 2 MiB."""
SUBJECT_SEP = ":"
"""An author subject is `platform:handle` (ranking.profiles.author_subject)."""


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


def _thread_signals_query(
    start: datetime, end: datetime, started_weight: float, replied_weight: float
) -> Any:
    """SELECT platform, handle, tag, level, Σ signal for the window (see author_thread_signals)."""
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
    # Distinct (user, thread) pairs first (one sort of the week's replies), then their threads.
    pairs = (
        select(replies.c.user, replies.c.thread_id)
        .where(
            replies.c.replied_at >= start,
            replies.c.replied_at < end,
            replies.c.removed_at.is_(None),
        )
        .group_by(replies.c.user, replies.c.thread_id)
        .subquery("pairs")
    )
    replied = (
        select(
            threads.c.platform.label("platform"),
            pairs.c.user.label("handle"),
            thread_tags.c.tag.label("tag"),
            thread_tags.c.level.label("level"),
            (thread_tags.c.score * literal(replied_weight, Float)).label("s"),
        )
        .join_from(pairs, threads, threads.c.id == pairs.c.thread_id)
        .join(thread_tags, thread_tags.c.thread_id == pairs.c.thread_id)
        .where(or_(threads.c.author_id.is_(None), pairs.c.user != threads.c.author_id))
    )
    both = union_all(started, replied).subquery("signals")
    return select(
        both.c.platform, both.c.handle, both.c.tag, both.c.level, func.sum(both.c.s)
    ).group_by(both.c.platform, both.c.handle, both.c.tag, both.c.level)


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
    stmt = _thread_signals_query(start, end, started_weight, replied_weight)
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


# One week's step in SQL: the window's signals are staged in temporary tables, then merged with
# the previous week's rows and written by one INSERT ... SELECT, so no author row passes through
# Python. The arithmetic mirrors ranking.profiles.step_week (tests/test_profiles_sql.py).


@dataclass(frozen=True, slots=True)
class StepParams:
    """The constants of one week's step, as ranking.profiles defines them."""

    factor: float
    """decay(gap): what last week's raw strength keeps."""
    saturation: float
    floor: int
    trend_step: int


_TEMP = MetaData()


def _signal_table(name: str) -> Table:
    """A temporary (subject_id, tag) → (level, signal) table."""
    return Table(
        name,
        _TEMP,
        Column("subject_id", String(200), nullable=False),
        Column("tag", String(64), nullable=False),
        Column("level", String(8), nullable=False),
        Column("signal", Float, nullable=False),
        PrimaryKeyConstraint("subject_id", "tag"),
        prefixes=["TEMPORARY"],
        sqlite_with_rowid=False,
    )


week_signals = _signal_table("tmp_week_signals")
"""The window's signal per (author subject, tag): threads started and replied, reply text."""
member_week_signals = _signal_table("tmp_member_week_signals")
"""The window's signal per (member, tag): the sum over the member's linked accounts."""
_STAGED = {"author": week_signals, "member": member_week_signals}


def _subject(platform: Any, handle: Any) -> Any:
    """`platform:handle` in SQL."""
    return platform + literal(SUBJECT_SEP, String) + handle


@contextmanager
def staged_signals(
    conn: Connection,
    start: datetime,
    end: datetime,
    started_weight: float,
    replied_weight: float,
) -> Iterator[None]:
    """Sum the window's thread signals (author_thread_signals) into a temporary table.

    Reply-text signals are added with add_text_signals; the table is dropped on the way out
    (and with the transaction if it fails).
    """
    _check(start, end)
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # room for the sorts of a million-reply week (spills to disk beyond it)
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_BUILD_CACHE_KIB}")
    for table in _STAGED.values():
        table.drop(conn, checkfirst=True)
    week_signals.create(conn)
    summed = _thread_signals_query(start, end, started_weight, replied_weight).subquery("summed")
    query = select(_subject(*summed.c[:2]), *summed.c[2:])
    conn.execute(insert(week_signals).from_select(["subject_id", "tag", "level", "signal"], query))
    yield
    for table in _STAGED.values():
        table.drop(conn, checkfirst=True)
    if sqlite:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache_size)}")


def add_text_signals(conn: Connection, rows: Iterable[tuple[str, str, str, str, float]]) -> int:
    """Add weighted reply-text signals (platform, handle, tag, level, signal); rows added."""
    stmt = dialect_insert(conn, week_signals)
    stmt = stmt.on_conflict_do_update(
        index_elements=[week_signals.c.subject_id, week_signals.c.tag],
        set_={"signal": week_signals.c.signal + stmt.excluded.signal},
    )
    written = 0
    chunk: list[dict[str, Any]] = []
    for platform, handle, tag, level, signal in rows:
        subject = f"{platform}{SUBJECT_SEP}{handle}"
        chunk.append({"subject_id": subject, "tag": tag, "level": level, "signal": signal})
        if len(chunk) >= INSERT_CHUNK:
            conn.execute(stmt, chunk)
            written, chunk = written + len(chunk), []
    if chunk:
        conn.execute(stmt, chunk)
        written += len(chunk)
    return written


def stage_member_signals(conn: Connection) -> None:
    """Sum the staged author signals over each member's linked accounts (before any decay)."""
    s, m = week_signals.c, member_accounts.c
    summed = (
        select(m.member_id, s.tag, func.max(s.level), func.sum(s.signal))
        .join_from(member_accounts, week_signals, s.subject_id == _subject(m.platform, m.handle))
        .group_by(m.member_id, s.tag)
    )
    member_week_signals.create(conn)
    conn.execute(
        insert(member_week_signals).from_select(["subject_id", "tag", "level", "signal"], summed)
    )


def _strength(raw: ColumnElement[Any], saturation: float) -> ColumnElement[Any]:
    """round(100 × (1 − e^(−raw / K))) for raw > 0, else 0 (ranking.profiles.strength_of)."""
    curve = literal(100.0, Float) * (
        literal(1.0, Float) - func.exp(-raw / literal(saturation, Float))
    )
    return case((raw > 0, cast(func.round(curve), Integer)), else_=0)


def _trend(strength: ColumnElement[Any], before: ColumnElement[Any], p: StepParams) -> Any:
    """ranking.profiles.trend_of as a CASE; NULL where the row is not kept."""
    delta = strength - before
    return case(
        (
            strength >= p.floor,
            case(
                (before < p.floor, "new"),
                (delta >= p.trend_step, "rising"),
                (delta <= -p.trend_step, "falling"),
                else_="stable",
            ),
        ),
        (before >= p.floor, "faded"),
        else_=null(),
    )


def step_profiles(
    conn: Connection,
    subject_kind: str,
    week_start: datetime,
    previous_week: datetime | None,
    params: StepParams,
) -> int:
    """Replace the week's profiles of this kind: staged signals merged with the previous week's.

    Per (subject, tag): raw = previous raw × factor + signal; strength and trend as in
    ranking.profiles.step_week; rows neither above the floor now nor last week are dropped.
    Members need stage_member_signals first. Returns the rows written.
    """
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    staged = _STAGED[subject_kind]
    p = interest_profiles.c
    conn.execute(
        delete(interest_profiles).where(p.week_start == week_start, p.subject_kind == subject_kind)
    )
    sig = staged.c
    factor = literal(params.factor, Float)
    merged_rows: Any
    if previous_week is None:
        merged_rows = select(
            sig.subject_id,
            sig.tag,
            sig.level,
            sig.signal,
            sig.signal.label("raw"),
            literal(0, Integer).label("before"),
        )
    else:
        ensure_aware(previous_week, "previous_week")
        prev = interest_profiles.alias("prev")
        pc = prev.c
        last_week = and_(pc.week_start == previous_week, pc.subject_kind == subject_kind)
        fed = select(
            sig.subject_id,
            sig.tag,
            sig.level,
            sig.signal,
            (func.coalesce(pc.raw * factor, literal(0.0, Float)) + sig.signal).label("raw"),
            func.coalesce(pc.strength, 0).label("before"),
        ).join_from(
            staged,
            prev,
            and_(last_week, pc.subject_id == sig.subject_id, pc.tag == sig.tag),
            isouter=True,
        )
        unfed = select(
            pc.subject_id,
            pc.tag,
            pc.level,
            literal(0.0, Float).label("signal"),
            (pc.raw * factor + literal(0.0, Float)).label("raw"),
            pc.strength.label("before"),
        ).where(
            last_week,
            ~select(sig.subject_id)
            .where(sig.subject_id == pc.subject_id, sig.tag == pc.tag)
            .exists(),
        )
        merged_rows = union_all(fed, unfed)
    merged = merged_rows.subquery("merged")
    scored = select(merged, _strength(merged.c.raw, params.saturation).label("strength")).subquery(
        "scored"
    )
    s = scored.c
    kept = select(
        literal(subject_kind, String),
        s.subject_id,
        literal(week_start, p.week_start.type),
        s.tag,
        s.level,
        s.signal,
        s.raw,
        s.strength,
        _trend(s.strength, s.before, params),
    ).where(or_(s.strength >= params.floor, s.before >= params.floor))
    columns = ["subject_kind", "subject_id", "week_start", "tag", "level", "signal", "raw",
               "strength", "trend"]  # fmt: skip
    conn.execute(insert(interest_profiles).from_select(columns, kept))
    return profile_counts(conn, subject_kind, week_start)[1]


def profile_counts(conn: Connection, subject_kind: str, week_start: datetime) -> tuple[int, int]:
    """(subjects, rows) of this kind stored for the week."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    p = interest_profiles.c
    stmt = select(func.count(func.distinct(p.subject_id)), func.count()).where(
        p.week_start == week_start, p.subject_kind == subject_kind
    )
    subjects, rows = conn.execute(stmt).one()
    return int(subjects), int(rows)


def profile_trends(
    conn: Connection, subject_kind: str, week_start: datetime, level: str = "top"
) -> dict[str, int]:
    """How many of the week's rows of this kind and level have each trend."""
    _kind(subject_kind)
    ensure_aware(week_start, "week_start")
    p = interest_profiles.c
    stmt = (
        select(p.trend, func.count())
        .where(p.week_start == week_start, p.subject_kind == subject_kind, p.level == level)
        .group_by(p.trend)
    )
    return {str(t): int(n) for t, n in conn.execute(stmt).tuples()}
