"""Initial schema: threads, replies, crawl runs, leaderboard entries and exclusions.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 09:37:54
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the five tables of the first release and their indexes."""
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=128), nullable=False),
        sa.Column("thread_key", sa.String(length=128), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("author_id", sa.String(length=128), nullable=True),
        sa.Column("author_nickname", sa.Text(), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_crawled_at", UTCDateTime(), nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('ok', 'deleted', 'missing')", name=op.f("ck_threads_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threads")),
        sa.UniqueConstraint("platform", "thread_key", name=op.f("uq_threads_platform_thread_key")),
    )
    op.create_index(op.f("ix_threads_last_crawled_at"), "threads", ["last_crawled_at"])
    op.create_index(op.f("ix_threads_platform_channel"), "threads", ["platform", "channel"])

    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("reply_key", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=128), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("replied_at", UTCDateTime(), nullable=True),
        sa.Column("time_inferred", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_replies_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replies")),
        sa.UniqueConstraint("thread_id", "reply_key", name=op.f("uq_replies_thread_id_reply_key")),
    )
    # Partial covering index for the weekly count: replies still shown, by time then thread.
    op.create_index(
        "ix_replies_counted",
        "replies",
        ["replied_at", "thread_id", "removed_at"],
        sqlite_where=sa.text("removed_at IS NULL"),
        postgresql_where=sa.text("removed_at IS NULL"),
    )

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("args", sa.Text(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pages", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("items", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("errors", sa.Text(), server_default=sa.text("'{}'"), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'ok', 'failed', 'partial')", name=op.f("ck_crawl_runs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(op.f("ix_crawl_runs_started_at"), "crawl_runs", ["started_at"])

    op.create_table(
        "leaderboard_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("new_replies", sa.Integer(), nullable=False),
        sa.Column("estimate", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_leaderboard_entries_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leaderboard_entries")),
        sa.UniqueConstraint(
            "week_start",
            "scope",
            "rank",
            name=op.f("uq_leaderboard_entries_week_start_scope_rank"),
        ),
    )
    op.create_index(op.f("ix_leaderboard_entries_thread_id"), "leaderboard_entries", ["thread_id"])

    op.create_table(
        "exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_exclusions_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusions")),
        sa.UniqueConstraint(
            "week_start", "thread_id", name=op.f("uq_exclusions_week_start_thread_id")
        ),
    )
    op.create_index(op.f("ix_exclusions_thread_id"), "exclusions", ["thread_id"])


def downgrade() -> None:
    """Drop everything the upgrade created, children first."""
    op.drop_table("exclusions")
    op.drop_table("leaderboard_entries")
    op.drop_table("crawl_runs")
    op.drop_table("replies")
    op.drop_table("threads")
