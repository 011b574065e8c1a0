"""Typed SQLAlchemy 2.0 models; the schema itself is created only by the Alembic migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

THREAD_STATUSES = ("ok", "deleted", "missing", "hidden")
RUN_STATUSES = ("running", "complete", "incomplete", "failed", "crashed")
CHANNEL_STATUSES = ("complete", "incomplete", "failed")
COVERAGE_STATUSES = ("complete", "incomplete", "failed", "provisional", "not_crawled")
JOB_STATUSES = ("running", "ok", "incomplete", "failed", "crashed")
JOB_TRIGGERS = ("schedule", "manual")
TAG_LEVELS = ("top", "fine")
SUBJECT_KINDS = ("author", "member")
TRENDS = ("new", "rising", "stable", "falling", "faded")
EXPORT_FORMATS = ("csv", "xlsx", "jsonl")


def _in(column: str, values: tuple[str, ...]) -> str:
    """Render a CHECK condition that keeps a column to a fixed set of words."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    """Declarative base whose MetaData names every constraint predictably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Thread(Base):
    """One crawled thread (a PTT article, a Dcard post, ...), updated in place on re-crawl."""

    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("platform", "thread_key"),
        CheckConstraint(_in("status", THREAD_STATUSES), name="status"),
        Index(None, "platform", "channel"),
        Index(None, "last_crawled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(128))
    thread_key: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[str | None] = mapped_column(String(128))
    author_nickname: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_crawled_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]


class Reply(Base):
    """One reply (push, comment, floor) of a thread, keyed by a caller-computed reply_key."""

    __tablename__ = "replies"
    __table_args__ = (
        UniqueConstraint("thread_id", "reply_key"),
        # The weekly count scans only this index: replies still shown, ordered by time.
        Index(
            "ix_replies_counted",
            "replied_at",
            "thread_id",
            "removed_at",
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    reply_key: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str] = mapped_column(String(16))
    user: Mapped[str] = mapped_column(String(128))
    content: Mapped[str] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    replied_at: Mapped[datetime | None]
    time_inferred: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class ReplySnapshot(Base):
    """A thread's reply total as the site stated it at one time, where the replies can't be read.

    New replies in a window are then estimated from the snapshots around its bounds
    (storage.estimates); one row per thread and observation time, so a re-crawl adds none.
    """

    __tablename__ = "reply_snapshots"
    __table_args__ = (
        UniqueConstraint("thread_id", "observed_at"),
        CheckConstraint("total >= 0", name="total"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    observed_at: Mapped[datetime]
    total: Mapped[int] = mapped_column(Integer)


class CrawlRun(Base):
    """One run of a spider: what it was asked, who ran it, how it ended, counters and errors."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        Index(None, "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    args: Mapped[str] = mapped_column(Text, server_default=text("'{}'"))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    items: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    errors: Mapped[str] = mapped_column(Text, server_default=text("'{}'"))
    # The earliest week start the crawl covers, and the site's clock when it looked.
    covers_from: Mapped[datetime | None]
    observed_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime | None]


class CrawlChannel(Base):
    """What one run fetched, lost and stored for one channel, and the status derived from it."""

    __tablename__ = "crawl_channels"
    __table_args__ = (
        UniqueConstraint("run_id", "platform", "channel"),
        CheckConstraint(_in("status", CHANNEL_STATUSES), name="status"),
        Index(None, "platform", "channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    blocked: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    rate_limited: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    not_found: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    threads: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    replies: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    deleted: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    detail: Mapped[str] = mapped_column(Text, server_default=text("''"))


class CrawlLock(Base):
    """The one writer allowed per source at a time, and how to tell whether it is still alive."""

    __tablename__ = "crawl_locks"

    lock_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class JobRun(Base):
    """One attempt at a job for one period (the weekly job for one week), unique per attempt."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job", "period", "attempt"),
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint(_in("trigger", JOB_TRIGGERS), name="trigger"),
        Index(None, "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    exit_code: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    detail: Mapped[str] = mapped_column(Text, server_default=text("''"))


class LeaderboardEntryRow(Base):
    """One ranked row of a published weekly leaderboard."""

    __tablename__ = "leaderboard_entries"
    __table_args__ = (
        UniqueConstraint("week_start", "scope", "rank"),
        Index(None, "thread_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[datetime]
    scope: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(Text)
    rank: Mapped[int] = mapped_column(Integer)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    new_replies: Mapped[int] = mapped_column(Integer)
    estimate: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    published_at: Mapped[datetime]


class ExclusionRow(Base):
    """Why a thread was kept off a week's leaderboards."""

    __tablename__ = "exclusions"
    __table_args__ = (
        UniqueConstraint("week_start", "thread_id"),
        Index(None, "thread_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[datetime]
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text)


class PublishedWeek(Base):
    """A published week: when, whether every channel was complete, and provisional cut-off."""

    __tablename__ = "published_weeks"

    week_start: Mapped[datetime] = mapped_column(primary_key=True)
    published_at: Mapped[datetime]
    complete: Mapped[bool] = mapped_column(Boolean)
    provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    cutoff: Mapped[datetime | None]
    # The exclusion rules the week was ranked with (rule_sets.digest); NULL before 0007.
    rules_digest: Mapped[str | None] = mapped_column(String(64))


class RuleSetRow(Base):
    """The text of a rules file some published week was ranked with, keyed by its digest."""

    __tablename__ = "rule_sets"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime]


class WeekCoverage(Base):
    """How completely one channel was crawled for a published week, and why not."""

    __tablename__ = "week_coverage"
    __table_args__ = (
        UniqueConstraint("week_start", "platform", "channel"),
        CheckConstraint(_in("status", COVERAGE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, server_default=text("''"))
    run_id: Mapped[int | None] = mapped_column(Integer)
    observed_at: Mapped[datetime | None]


class ThreadTagRow(Base):
    """One interest tag of a thread (title and body, with the channel prior) and its score."""

    __tablename__ = "thread_tags"
    __table_args__ = (
        UniqueConstraint("thread_id", "tag"),
        CheckConstraint(_in("level", TAG_LEVELS), name="level"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)


class ThreadTagState(Base):
    """Which content of a thread its tags were computed from, so only edits are re-tagged."""

    __tablename__ = "thread_tag_state"

    thread_id: Mapped[int] = mapped_column(
        ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64))
    tags: Mapped[int] = mapped_column(Integer)
    tagged_at: Mapped[datetime]


class Member(Base):
    """A CRM member, known by the CRM's own id."""

    __tablename__ = "members"

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MemberAccount(Base):
    """A community account (platform + handle) of a member; an account belongs to one member."""

    __tablename__ = "member_accounts"
    __table_args__ = (
        UniqueConstraint("platform", "handle"),
        Index(None, "member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.member_id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime]


class InterestProfileRow(Base):
    """One week's interest of a member in a tag: signal, decayed raw, 0-100, trend.

    Authors' interests are kept packed, one row per author and week (AuthorProfile).
    """

    __tablename__ = "interest_profiles"
    __table_args__ = (
        # Week first: a week's rows are one contiguous range, written and read in key order.
        UniqueConstraint("week_start", "subject_kind", "subject_id", "tag"),
        CheckConstraint(_in("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        CheckConstraint(_in("level", TAG_LEVELS), name="level"),
        CheckConstraint(_in("trend", TRENDS), name="trend"),
        # One member's history (`buzz profiles show`); author rows stay out of it.
        Index(
            "ix_interest_profiles_member_history",
            "subject_id",
            "week_start",
            sqlite_where=text("subject_kind = 'member'"),
            postgresql_where=text("subject_kind = 'member'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[str] = mapped_column(String(200))
    week_start: Mapped[datetime]
    tag: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(8))
    signal: Mapped[float] = mapped_column(Float)
    raw: Mapped[float] = mapped_column(Float)
    strength: Mapped[int] = mapped_column(Integer)
    trend: Mapped[str] = mapped_column(String(8))


class InterestTag(Base):
    """A tag name and the small number that stands for it in packed author profiles."""

    __tablename__ = "interest_tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), unique=True)


class AuthorProfile(Base):
    """One week's interests of one author, packed: a record per tag (storage.interests.RECORD).

    Authors are most of the rows (a million-reply week has ~1.4M author interests); one row
    per author keeps a week's build to a hundred thousand inserts and the table a seventh of
    the size. Member profiles stay one row per tag (interest_profiles): they are exported.
    """

    __tablename__ = "author_profiles"

    week_start: Mapped[datetime] = mapped_column(primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    interests: Mapped[bytes] = mapped_column(LargeBinary)


class ProfileExport(Base):
    """One CRM export: the week, the format and how many member rows it wrote."""

    __tablename__ = "profile_exports"
    __table_args__ = (CheckConstraint(_in("format", EXPORT_FORMATS), name="format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[datetime]
    format: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(8))
    since_last: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    exported_at: Mapped[datetime]
    members: Mapped[int] = mapped_column(Integer)


class ProfileExportState(Base):
    """The digest of each member's row as last exported, for `--since-last`."""

    __tablename__ = "profile_export_state"

    member_id: Mapped[str] = mapped_column(
        ForeignKey("members.member_id", ondelete="CASCADE"), primary_key=True
    )
    last_digest: Mapped[str] = mapped_column(String(64))
    last_export_id: Mapped[int] = mapped_column(
        ForeignKey("profile_exports.id", ondelete="CASCADE")
    )


# APScheduler's job store, in the project database so scheduled runs survive restarts. The
# definition mirrors apscheduler.jobstores.sqlalchemy so its own create(checkfirst) is a no-op.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)

threads: Table = Base.metadata.tables["threads"]
replies: Table = Base.metadata.tables["replies"]
reply_snapshots: Table = Base.metadata.tables["reply_snapshots"]
crawl_runs: Table = Base.metadata.tables["crawl_runs"]
crawl_channels: Table = Base.metadata.tables["crawl_channels"]
crawl_locks: Table = Base.metadata.tables["crawl_locks"]
job_runs: Table = Base.metadata.tables["job_runs"]
published_weeks: Table = Base.metadata.tables["published_weeks"]
week_coverage: Table = Base.metadata.tables["week_coverage"]
rule_sets: Table = Base.metadata.tables["rule_sets"]
leaderboard_entries: Table = Base.metadata.tables["leaderboard_entries"]
exclusions: Table = Base.metadata.tables["exclusions"]
thread_tags: Table = Base.metadata.tables["thread_tags"]
thread_tag_state: Table = Base.metadata.tables["thread_tag_state"]
members: Table = Base.metadata.tables["members"]
member_accounts: Table = Base.metadata.tables["member_accounts"]
interest_profiles: Table = Base.metadata.tables["interest_profiles"]
interest_tags: Table = Base.metadata.tables["interest_tags"]
author_profiles: Table = Base.metadata.tables["author_profiles"]
profile_exports: Table = Base.metadata.tables["profile_exports"]
profile_export_state: Table = Base.metadata.tables["profile_export_state"]
