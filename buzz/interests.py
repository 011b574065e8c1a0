"""Jobs for interest tags and profiles: tag threads, build weekly profiles, export, compare.

The math is interests.model; storage.interests reads the week and stores what the model returns.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from buzz.config import Config
from buzz.export import write_file
from buzz.jobs import engine_for
from interests import audience, crm
from interests.model import (
    REPLY_TEXT_CAP,
    WEIGHTS,
    Interest,
    Profiles,
    Signals,
    SignalWeights,
    WeekActivity,
    author_subject,
    carried_gap,
    combine,
    decay,
    member_signals,
    step,
    thread_signals,
)
from interests.vocab import LEVEL_CHOICES, REPLY_TEXT_MODES
from ranking.windows import WEEK, Window
from storage.interests import (
    ProfileArrays,
    WeekRows,
    export_digests,
    latest_profile_week,
    load_profile_arrays,
    load_profiles,
    record_export,
    reply_texts,
    save_profile_arrays,
    week_rows,
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


def channel_topics() -> dict[str, str]:
    """Every source's channels with a plain topic, for the tagger's channel prior."""
    from crawlers.sources import all_sources

    return {name: tag for s in all_sources() for name, tag in s.channel_topics.items()}


def tagger_with_idf(path: Path | None) -> Tagger:
    """The tagger the app uses (the sources' channel topics), weighted by an IDF table if given."""
    from nlp.idf import IdfTable
    from nlp.tagger import Tagger

    idf = IdfTable.load(path) if path is not None else None
    return Tagger(idf=idf, channel_topics=channel_topics())


def _tagger(tagger: Tagger | None) -> Tagger:
    """The given tagger or the app's (the sources' channel topics, no IDF)."""
    return tagger if tagger is not None else tagger_with_idf(None)


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
                [(s.tag, s.level, s.score) for s in model.tag(t.body, t.channel, title=t.title)],
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


def week_signals(
    conn: Connection, window: Window, weights: SignalWeights = WEIGHTS
) -> tuple[WeekRows, Signals]:
    """The week's stored activity and its thread signals per (author, tag)."""
    rows = week_rows(conn, window.start, window.end)
    return rows, thread_signals(_activity(rows), weights)


def _activity(rows: WeekRows) -> WeekActivity:
    """The model's view of the week's stored rows."""
    return WeekActivity(
        reply_user=rows.reply_user,
        reply_thread=rows.reply_thread,
        thread_id=rows.thread_id,
        thread_platform=rows.thread_platform,
        thread_author=rows.thread_author,
        thread_started=rows.thread_started,
        tag_thread=rows.tag_thread,
        tag=rows.tag,
        tag_level=rows.tag_level,
        tag_score=rows.tag_score,
    )


def reply_text_signals(
    conn: Connection,
    rows: WeekRows,
    window: Window,
    tagger: Tagger,
    accounts: Set[str] | None,
    weight: float = WEIGHTS.reply_text,
    cap: int = REPLY_TEXT_CAP,
) -> Signals:
    """Each author's replies of the week (first `cap` by time) tagged as one text, × weight.

    `accounts`: the author subjects whose text is read (members' accounts), None for everyone.
    """
    platforms = rows.thread_platform[np.searchsorted(rows.thread_id, rows.reply_thread)]
    chosen = np.arange(len(rows.reply_id))
    if accounts is not None:
        handles = {subject.split(":", 1)[1] for subject in accounts}
        chosen = np.flatnonzero(pd.Series(rows.reply_user).isin(handles).to_numpy())
    subject_of = {
        i: author_subject(p, u)
        for i, p, u in zip(
            rows.reply_id[chosen].tolist(),
            platforms[chosen].tolist(),
            rows.reply_user[chosen].tolist(),
            strict=True,
        )
    }
    if accounts is not None:
        subject_of = {i: s for i, s in subject_of.items() if s in accounts}
    found = reply_texts(
        conn, window.start, window.end, None if accounts is None else list(subject_of)
    )
    texts = sorted((subject_of[i], at, i, content) for i, at, content in found)
    out: list[tuple[str, str, str, float]] = []
    for subject, group in groupby(texts, key=lambda t: t[0]):
        parts = [t[3] for _, t in zip(range(cap), group, strict=False)]
        for s in tagger.tag("\n".join(parts), None):
            out.append((subject, s.tag, s.level, s.score * weight))
    return Signals.of(out)


def _profiles(arrays: ProfileArrays) -> Profiles:
    """Stored arrays as the model's Profiles."""
    return Profiles(
        arrays.subject,
        arrays.tag,
        arrays.level,
        arrays.signal,
        arrays.raw,
        arrays.strength,
        arrays.trend,
    )


def _arrays(profiles: Profiles) -> ProfileArrays:
    """The model's Profiles as storable arrays."""
    return ProfileArrays(
        profiles.subject,
        profiles.tag,
        profiles.level,
        profiles.signal,
        profiles.raw,
        profiles.strength,
        profiles.trend,
    )


def _step_kind(conn: Connection, kind: str, window: Window, signals: Signals) -> Profiles:
    """Step one kind's profiles from the last stored week before the window, and store them."""
    previous, factor = Profiles.empty(), 1.0
    last = latest_profile_week(conn, kind, window.start)
    gap = carried_gap(round((window.start - last) / WEEK)) if last is not None else None
    if last is not None and gap is not None:
        previous, factor = _profiles(load_profile_arrays(conn, kind, last)), decay(gap)
    profiles = step(previous, signals, factor)
    save_profile_arrays(conn, kind, window.start, _arrays(profiles))
    return profiles


def build_week_conn(
    conn: Connection,
    window: Window,
    tagger: Tagger | None = None,
    weights: SignalWeights = WEIGHTS,
    reply_text: str = "members",
) -> WeekProfiles:
    """Compute and store one week's author and member profiles from the stored tags.

    A member's signal is the sum over its linked accounts' signals, before decay.
    """
    if reply_text not in REPLY_TEXT_MODES:
        raise ValueError(f"reply_text must be one of {REPLY_TEXT_MODES}, not {reply_text!r}")
    started = time.perf_counter()
    rows, signals = week_signals(conn, window, weights)
    accounts = accounts_by_member(conn)
    links = [(m, author_subject(p, h)) for m, owned in accounts.items() for p, h in owned]
    linked = {subject for _, subject in links}
    if reply_text != "none":
        text = reply_text_signals(
            conn,
            rows,
            window,
            _tagger(tagger),
            linked if reply_text == "members" else None,
            weights.reply_text,
        )
        signals = combine(signals, text)
    authors = _step_kind(conn, "author", window, signals)
    member_of = np.array([m for m, _ in links], dtype=object)
    subjects = np.array([s for _, s in links], dtype=object)
    members = _step_kind(conn, "member", window, member_signals(signals, member_of, subjects))
    return WeekProfiles(
        week=window.week_id,
        authors=authors.subjects(),
        author_rows=len(authors),
        members=len(accounts),
        member_rows=len(members),
        trends=Counter(members.trend_counts("top")),
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


def iab_ids() -> dict[str, str | None]:
    """Tag name → IAB Audience Taxonomy id from the packaged taxonomy."""
    from nlp.taxonomy import load_taxonomy

    return {t.name: t.iab_id for t in load_taxonomy()}


def member_interests(conn: Connection, window: Window) -> list[Interest]:
    """The week's stored member interests."""
    return [Interest(*row) for row in load_profiles(conn, "member", window.start)]


def member_rows_conn(
    conn: Connection, window: Window, top: int = 5, level: str = "top"
) -> list[crm.CrmRow]:
    """One CRM row per member for the week, from the stored member profiles."""
    members = list(accounts_by_member(conn))
    return crm.crm_rows(
        members,
        member_interests(conn, window),
        window.week_id,
        iab_ids(),
        top,
        LEVEL_CHOICES[level],
    )


class NoProfilesError(LookupError):
    """The week has no stored interest profiles; the message is one line."""


def has_profiles_conn(conn: Connection, window: Window) -> bool:
    """True when author or member profiles are stored for the window's week (it was built)."""
    return any(
        latest_profile_week(conn, kind, window.end) == window.start for kind in ("member", "author")
    )


def _require_built(conn: Connection, window: Window) -> None:
    """Raise NoProfilesError unless the week was built."""
    if not has_profiles_conn(conn, window):
        raise NoProfilesError(
            f"no interest profiles stored for week {window.week_id}: "
            f"run `buzz profiles build --week {window.week_id}`"
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
    spreadsheet_changes: int = 0
    """Ids written that a spreadsheet opening the CSV would show changed (`+886...`, `007`)."""


def export_profiles(
    config: Config,
    window: Window,
    fmt: str,
    out: Path | None = None,
    since_last: bool = False,
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
            _require_built(conn, window)
            rows = member_rows_conn(conn, window, top, level)
            digests = {r.member_id: r.digest() for r in rows}
            if since_last:
                last = export_digests(conn)
                rows = [r for r in rows if last.get(r.member_id) != digests[r.member_id]]
            write_file(target, crm.WRITERS[fmt](rows))
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
                spreadsheet_changes=sum(1 for r in rows if crm.spreadsheet_changes(r.member_id)),
            )
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class AudienceResult:
    """A comparison and how the audiences' ids were matched to members with a profile."""

    comparison: audience.Comparison
    a_unknown: list[str]
    a_unprofiled: int
    b_unknown: list[str]
    b_unprofiled: int


def compare_audiences(
    config: Config,
    window: Window,
    a: Set[str],
    b: Set[str] | None,
    level: str = "top",
) -> AudienceResult:
    """Compare two audiences' interests in a week (`b` None: every member with a profile).

    Raises NoProfilesError when the week was never built and audience.AudienceTooSmall when an
    audience has too few members with a profile.
    """
    engine = engine_for(config, write=False)
    try:
        with engine.connect() as conn:
            _require_built(conn, window)
            members = set(accounts_by_member(conn))
            interests = member_interests(conn, window)
    finally:
        engine.dispose()
    levels = LEVEL_CHOICES[level]
    profiled = {i.subject_id for i in interests}
    holders: dict[tuple[str, str], set[str]] = {}
    for i in interests:
        if i.level in levels and i.active:
            holders.setdefault((i.tag, i.level), set()).add(i.subject_id)
    group_b = set(profiled) if b is None else b
    comparison = audience.compare(a, group_b, holders, profiled)
    return AudienceResult(
        comparison,
        sorted(a - members),
        len((a & members) - profiled),
        sorted(group_b - members),
        len((group_b & members) - profiled),
    )
