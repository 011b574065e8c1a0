"""Dated reply totals for threads whose replies cannot be read (estimated new replies).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add reply_snapshots (thread, observed_at, total), one row per thread and time."""
    op.create_table(
        "reply_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", UTCDateTime(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.CheckConstraint("total >= 0", name=op.f("ck_reply_snapshots_total")),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_reply_snapshots_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_snapshots")),
        sa.UniqueConstraint(
            "thread_id", "observed_at", name=op.f("uq_reply_snapshots_thread_id_observed_at")
        ),
    )


def downgrade() -> None:
    """Drop it again."""
    op.drop_table("reply_snapshots")
