"""Jobs for interest tags and profiles: tag threads, build weekly profiles, export for the CRM."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from buzz.config import Config
from buzz.export import write_export
from buzz.jobs import engine_for
from ranking.profiles import (
    FLOOR,
    SATURATION,
    TREND_STEP,
    WEIGHTS,
    CrmRow,
    Interest,
    SignalWeights,
    crm_rows,
    decay,
)
from ranking.windows import WEEK, Window
from storage.interests import (
    StepParams,
    add_text_signals,
    export_digests,
    iter_reply_texts,
    latest_profile_week,
    load_profiles,
    profile_counts,
    profile_trends,
    record_export,
    stage_member_signals,
    staged_signals,
    step_profiles,
)
from storage.members import accounts_by_member
from storage.tags import (
    TaggedThread,
    forget_thread_tags,
    iter_threads_needing_tags,
    save_thread_tags,
)

if TYPE_CHECKING:
    from nlp.tagger import Tagger

logger = logging.getLogger(__name__)

REPLY_TEXT_MODES = ("members", "all", "none")
REPLY_TEXT_CAP = 200
"""Replies per author and week whose text is tagged (the rest still count as replied threads)."""
MAX_GAP_WEEKS = 8
"""A profile older than this many weeks is not carried forward (start afresh)."""
LEVEL_CHOICES = {"top": ("top",), "fine": ("fine",), "all": ("top", "fine")}


def stored_texts(config: Config) -> Iterator[str]:
    """Title and body of every stored thread, streamed from the database."""
    from storage.queries import iter_thread_texts

    engine = engine_for(config, write=False)
    try:
        with engine.connect() as conn:
            for _thread_id, _channel, title, body in iter_thread_texts(conn):
                yield f"{title}\n{body}"
    finally:
        engine.dispose()


def build_corpus_idf(config: Config, output: Path | None = None, min_df: int = 1) -> int:
    """Build the IDF table over our own crawl and save it; returns the documents counted."""
    from nlp.idf import build_idf

    table = build_idf(stored_texts(config), min_df=min_df)
    if table.documents:
        table.save(output or config.idf_path)
    return table.documents


def tagger_with_idf(path: Path | None) -> Tagger:
    """The default tagger, or one that weights keywords by the IDF table saved at `path`."""
    if path is None:
        return _tagger(None)
    from nlp.idf import IdfTable
    from nlp.tagger import Tagger

    return Tagger(idf=IdfTable.load(path))


def _tagger(tagger: Tagger | None) -> Tagger:
    """The given tagger or the process-wide default (jieba loads once)."""
    if tagger is not None:
        return tagger
    from nlp.tagger import default_tagger

    return default_tagger()


@dataclass(frozen=True, slots=True)
class TagResult:
    """How many threads were (re-)tagged and how many tag rows they got."""

    threads: int
    tags: int
    seconds: float


def tag_threads_conn(
    conn: Connection, now: datetime, tagger: Tagger | None = None, retag: bool = False
) -> TagResult:
    """Tag every thread that is new or edited since it was tagged (title + body, channel prior)."""
    started = time.perf_counter()
    model = _tagger(tagger)
    if retag:
        forget_thread_tags(conn)
    threads_done = tags_done = 0
    for batch in iter_threads_needing_tags(conn):
        tagged = [
            TaggedThread(
                t.thread_id,
                t.content_hash,
                [(s.tag, s.level, s.score) for s in model.tag(f"{t.title}\n{t.body}", t.channel)],
            )
            for t in batch
        ]
        tags_done += save_thread_tags(conn, tagged, now)
        threads_done += len(tagged)
    return TagResult(threads_done, tags_done, time.perf_counter() - started)


def tag_threads(
    config: Config, now: datetime | None = None, tagger: Tagger | None = None, retag: bool = False
) -> TagResult:
    """Tag the configured database's new and edited threads."""
    engine = engine_for(config)
    try:
        with engine.begin() as conn:
            return tag_threads_conn(conn, now or datetime.now(UTC), tagger, retag)
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class WeekProfiles:
    """What one week's build stored: subjects and rows per kind, and the member trends."""

    week: str
    authors: int
    author_rows: int
    members: int
    member_rows: int
    trends: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def reply_text_signals(
    texts: Iterator[tuple[str, str, str]], tagger: Tagger, cap: int = REPLY_TEXT_CAP
) -> Iterator[tuple[str, str, str, str, float]]:
    """Tag each author's replies of the week as one text: (platform, handle, tag, level, score)."""
    current: tuple[str, str] | None = None
    parts: list[str] = []

    def flush() -> Iterator[tuple[str, str, str, str, float]]:
        if current is None or not parts:
            return
        for s in tagger.tag("\n".join(parts), None):
            yield current[0], current[1], s.tag, s.level, s.score

    for platform, user, content in texts:
        key = (platform, user)
        if key != current:
            yield from flush()
            current, parts = key, []
        if len(parts) < cap:
            parts.append(content)
    yield from flush()


def _previous_week(conn: Connection, kind: str, window: Window) -> tuple[datetime | None, int]:
    """Last stored week of this kind before the window (within MAX_GAP_WEEKS) and the gap."""
    week = latest_profile_week(conn, kind, window.start)
    if week is None:
        return None, 1
    gap = round((window.start - week) / WEEK)
    if gap > MAX_GAP_WEEKS:
        return None, 1
    return week, max(gap, 1)


def build_week_conn(
    conn: Connection,
    window: Window,
    tagger: Tagger | None = None,
    weights: SignalWeights = WEIGHTS,
    reply_text: str = "members",
) -> WeekProfiles:
    """Compute and store one week's author and member profiles from the stored tags.

    Both kinds are stepped in SQL (storage.interests.step_profiles), which mirrors
    ranking.profiles.step_week; a member's signal is the sum over its linked accounts.
    """
    if reply_text not in REPLY_TEXT_MODES:
        raise ValueError(f"reply_text must be one of {REPLY_TEXT_MODES}, not {reply_text!r}")
    started = time.perf_counter()
    with staged_signals(conn, window.start, window.end, weights.started, weights.replied):
        if reply_text != "none":
            texts = iter_reply_texts(
                conn, window.start, window.end, members_only=reply_text == "members"
            )
            add_text_signals(
                conn,
                (
                    (platform, handle, tag, level, score * weights.reply_text)
                    for platform, handle, tag, level, score in reply_text_signals(
                        texts, _tagger(tagger)
                    )
                ),
            )
        for kind in ("author", "member"):
            if kind == "member":
                stage_member_signals(conn)
            week, gap = _previous_week(conn, kind, window)
            step_profiles(
                conn,
                kind,
                window.start,
                week,
                StepParams(decay(gap), SATURATION, FLOOR, TREND_STEP),
            )
    author_count, author_rows = profile_counts(conn, "author", window.start)
    member_rows = profile_counts(conn, "member", window.start)[1]
    trends = Counter(profile_trends(conn, "member", window.start, level="top"))
    return WeekProfiles(
        week=window.week_id,
        authors=author_count,
        author_rows=author_rows,
        members=len(accounts_by_member(conn)),
        member_rows=member_rows,
        trends=trends,
        seconds=time.perf_counter() - started,
    )


def build_profiles_range(
    config: Config,
    windows: Sequence[Window],
    tagger: Tagger | None = None,
    reply_text: str = "members",
) -> list[WeekProfiles]:
    """Build the given weeks oldest first, each decaying the one before."""
    engine = engine_for(config)
    try:
        out = []
        for window in sorted(windows, key=lambda w: w.start):
            with engine.begin() as conn:
                out.append(build_week_conn(conn, window, tagger, reply_text=reply_text))
        return out
    finally:
        engine.dispose()


def build_profiles(
    config: Config, window: Window, tagger: Tagger | None = None, reply_text: str = "members"
) -> WeekProfiles:
    """Build one week's profiles on top of the stored history before it."""
    return build_profiles_range(config, [window], tagger, reply_text)[0]


def iab_ids() -> dict[str, str | None]:
    """Tag name → IAB Audience Taxonomy id from the packaged taxonomy."""
    from nlp.taxonomy import load_taxonomy

    return {t.name: t.iab_id for t in load_taxonomy()}


def member_rows_conn(
    conn: Connection, window: Window, top: int = 5, level: str = "top"
) -> list[CrmRow]:
    """One CRM row per member for the week, from the stored member profiles."""
    members = list(accounts_by_member(conn))
    interests = [Interest(*row) for row in load_profiles(conn, "member", window.start)]
    return crm_rows(members, interests, window.week_id, iab_ids(), top, LEVEL_CHOICES[level])


class NoProfilesError(LookupError):
    """The week to export has no stored interest profiles; the message is one line."""


def has_profiles_conn(conn: Connection, window: Window) -> bool:
    """True when author or member profiles are stored for the window's week (it was built)."""
    return any(
        latest_profile_week(conn, kind, window.end) == window.start for kind in ("member", "author")
    )


@dataclass(frozen=True, slots=True)
class ExportResult:
    """Where the export went and how many member rows it holds (of how many members)."""

    path: Path
    rows: int
    members: int
    export_id: int
    with_tags: int = 0
    tags: int = 0


def export_profiles(
    config: Config,
    window: Window,
    fmt: str,
    out: Path | None = None,
    since_last: bool = False,
    excel: bool = False,
    top: int = 5,
    level: str = "top",
    now: datetime | None = None,
) -> ExportResult:
    """Write the CRM export for a week and remember what each member's row was.

    Raises NoProfilesError, writing nothing, when the week's profiles were never built: an
    export of empty rows would tell the CRM that every member lost every interest.
    """
    name = f"crm_profiles_changes.{fmt}" if since_last else f"crm_profiles.{fmt}"
    target = out or config.reports_dir / window.week_id / name
    engine = engine_for(config)
    try:
        with engine.begin() as conn:
            if not has_profiles_conn(conn, window):
                raise NoProfilesError(
                    f"no interest profiles stored for week {window.week_id}: "
                    f"run `buzz profiles build --week {window.week_id}`"
                )
            rows = member_rows_conn(conn, window, top, level)
            digests = {r.member_id: r.digest() for r in rows}
            if since_last:
                last = export_digests(conn)
                rows = [r for r in rows if last.get(r.member_id) != digests[r.member_id]]
            write_export(rows, target, fmt, excel)
            export_id = record_export(
                conn,
                window.start,
                fmt,
                level,
                since_last,
                now or datetime.now(UTC),
                {r.member_id: digests[r.member_id] for r in rows},
            )
            return ExportResult(
                target,
                len(rows),
                len(digests),
                export_id,
                with_tags=sum(1 for r in rows if r.tags),
                tags=sum(len(r.tags) for r in rows),
            )
    finally:
        engine.dispose()
