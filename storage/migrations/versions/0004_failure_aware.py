"""Failure-aware crawls: per-channel completeness, writer locks, job runs, published coverage.

Also makes PTT thread identity include the board (ids are unique only within a board): PTT
thread keys become `<board>/<article id>`, keeping every row.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_RUN_STATUSES = "status IN ('running', 'ok', 'failed', 'partial')"
NEW_RUN_STATUSES = "status IN ('running', 'complete', 'incomplete', 'failed', 'crashed')"
RUN_COLUMNS = ("covers_from", "observed_at", "finish_reason", "host", "pid", "heartbeat_at")


def upgrade() -> None:
    """Add the completeness, lock, job and coverage tables; widen crawl runs; key PTT by board."""
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint(op.f("ck_crawl_runs_status"), type_="check")
        batch.add_column(sa.Column("covers_from", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("observed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("finish_reason", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE crawl_runs SET status = 'complete' WHERE status = 'ok'")
    op.execute("UPDATE crawl_runs SET status = 'incomplete' WHERE status = 'partial'")
    # A run still "running" from before this revision was never closed: it crashed.
    op.execute("UPDATE crawl_runs SET status = 'crashed' WHERE status = 'running'")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.create_check_constraint("status", NEW_RUN_STATUSES)

    op.create_table(
        "crawl_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        *(
            sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)
            for name in (
                "pages",
                "blocked",
                "rate_limited",
                "failed",
                "not_found",
                "threads",
                "replies",
                "deleted",
            )
        ),
        sa.Column("detail", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.CheckConstraint(
            "status IN ('complete', 'incomplete', 'failed')", name=op.f("ck_crawl_channels_status")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_crawl_channels_run_id_crawl_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_channels")),
        sa.UniqueConstraint(
            "run_id", "platform", "channel", name=op.f("uq_crawl_channels_run_id_platform_channel")
        ),
    )
    op.create_index(
        op.f("ix_crawl_channels_platform_channel"), "crawl_channels", ["platform", "channel"]
    )

    op.create_table(
        "crawl_locks",
        sa.Column("lock_key", sa.String(length=64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("acquired_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("lock_key", name=op.f("pk_crawl_locks")),
    )

    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("detail", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'ok', 'incomplete', 'failed', 'crashed')",
            name=op.f("ck_job_runs_status"),
        ),
        sa.CheckConstraint("trigger IN ('schedule', 'manual')", name=op.f("ck_job_runs_trigger")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint(
            "job", "period", "attempt", name=op.f("uq_job_runs_job_period_attempt")
        ),
    )
    op.create_index(op.f("ix_job_runs_started_at"), "job_runs", ["started_at"])

    op.create_table(
        "published_weeks",
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("provisional", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("cutoff", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("week_start", name=op.f("pk_published_weeks")),
    )

    op.create_table(
        "week_coverage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("observed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('complete', 'incomplete', 'failed', 'provisional', 'not_crawled')",
            name=op.f("ck_week_coverage_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_week_coverage")),
        sa.UniqueConstraint(
            "week_start",
            "platform",
            "channel",
            name=op.f("uq_week_coverage_week_start_platform_channel"),
        ),
    )

    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    op.create_index(
        op.f("ix_apscheduler_jobs_next_run_time"), "apscheduler_jobs", ["next_run_time"]
    )

    op.execute(
        "UPDATE threads SET thread_key = channel || '/' || thread_key"
        " WHERE platform = 'ptt' AND thread_key NOT LIKE '%/%'"
    )
    _backfill_channels()


LEGACY_DETAIL = "crawled before Buzz recorded completeness (revision 0004): unknown"


def _backfill_channels() -> None:
    """Give runs from before this revision one `incomplete` row per board they crawled.

    Their completeness was never recorded, so the weeks they cover stay reportable but say
    that they cannot be trusted as complete, instead of looking whole or never crawled.
    """
    bind = op.get_bind()
    runs = sa.table(
        "crawl_runs",
        sa.column("id", sa.Integer()),
        sa.column("source", sa.String()),
        sa.column("args", sa.Text()),
        sa.column("started_at", UTCDateTime()),
        sa.column("status", sa.String()),
        sa.column("covers_from", UTCDateTime()),
        sa.column("observed_at", UTCDateTime()),
    )
    channels = sa.table(
        "crawl_channels",
        sa.column("run_id", sa.Integer()),
        sa.column("platform", sa.String()),
        sa.column("channel", sa.String()),
        sa.column("status", sa.String()),
        sa.column("detail", sa.Text()),
    )
    rows = []
    for run_id, source, args, started, status in bind.execute(
        sa.select(runs.c.id, runs.c.source, runs.c.args, runs.c.started_at, runs.c.status)
    ):
        try:
            parsed = json.loads(args or "{}")
        except ValueError:
            parsed = {}
        boards = [b for b in str(parsed.get("boards", "")).split(",") if b]
        since = _when(parsed.get("since"))
        now = _when(parsed.get("now")) or started
        bind.execute(
            runs.update().where(runs.c.id == run_id).values(covers_from=since, observed_at=now)
        )
        rows += [
            {
                "run_id": run_id,
                "platform": source,
                "channel": board,
                "status": "failed" if status == "failed" else "incomplete",
                "detail": LEGACY_DETAIL,
            }
            for board in boards
        ]
    if rows:
        bind.execute(channels.insert(), rows)


def _when(text: object) -> datetime | None:
    """An ISO time recorded in a run's args (naive means Asia/Taipei), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone(timedelta(hours=8)))


def downgrade() -> None:
    """Drop what upgrade added and give PTT threads their bare article ids back."""
    op.execute(
        "UPDATE threads SET thread_key = substr(thread_key, length(channel) + 2)"
        " WHERE platform = 'ptt' AND thread_key LIKE channel || '/%'"
    )
    op.drop_index(op.f("ix_apscheduler_jobs_next_run_time"), table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
    op.drop_table("week_coverage")
    op.drop_table("published_weeks")
    op.drop_index(op.f("ix_job_runs_started_at"), table_name="job_runs")
    op.drop_table("job_runs")
    op.drop_table("crawl_locks")
    op.drop_index(op.f("ix_crawl_channels_platform_channel"), table_name="crawl_channels")
    op.drop_table("crawl_channels")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_constraint(op.f("ck_crawl_runs_status"), type_="check")
    op.execute("UPDATE crawl_runs SET status = 'ok' WHERE status = 'complete'")
    op.execute("UPDATE crawl_runs SET status = 'partial' WHERE status IN ('incomplete', 'crashed')")
    with op.batch_alter_table("crawl_runs") as batch:
        for name in RUN_COLUMNS:
            batch.drop_column(name)
        batch.create_check_constraint("status", OLD_RUN_STATUSES)
