"""Interest profiles keyed week first, so a week is written and read as one contiguous range.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "uq_interest_profiles_subject_kind_subject_id_week_start_tag"
NEW_UNIQUE = "uq_interest_profiles_week_start_subject_kind_subject_id_tag"
OLD_INDEX = "ix_interest_profiles_week_start_subject_kind"
MEMBER_INDEX = "ix_interest_profiles_member_history"
MEMBERS_ONLY = sa.text("subject_kind = 'member'")


def _table(week_first: bool) -> sa.Table:
    """interest_profiles as 0002 (week_first=False) or this revision made it, for SQLite batch."""
    unique = (
        sa.UniqueConstraint("week_start", "subject_kind", "subject_id", "tag", name=NEW_UNIQUE)
        if week_first
        else sa.UniqueConstraint("subject_kind", "subject_id", "week_start", "tag", name=OLD_UNIQUE)
    )
    index = (
        sa.Index(MEMBER_INDEX, "subject_id", "week_start", sqlite_where=MEMBERS_ONLY)
        if week_first
        else sa.Index(OLD_INDEX, "week_start", "subject_kind")
    )
    return sa.Table(
        "interest_profiles",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("signal", sa.Float(), nullable=False),
        sa.Column("raw", sa.Float(), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=False),
        sa.Column("trend", sa.String(length=8), nullable=False),
        sa.CheckConstraint("level IN ('top', 'fine')", name="ck_interest_profiles_level"),
        sa.CheckConstraint(
            "subject_kind IN ('author', 'member')", name="ck_interest_profiles_subject_kind"
        ),
        sa.CheckConstraint(
            "trend IN ('new', 'rising', 'stable', 'falling', 'faded')",
            name="ck_interest_profiles_trend",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_interest_profiles"),
        unique,
        index,
    )


def upgrade() -> None:
    """Key profiles by (week, kind, subject, tag); index member history by subject."""
    with op.batch_alter_table("interest_profiles", copy_from=_table(False)) as batch:
        batch.drop_index(OLD_INDEX)
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint(
            NEW_UNIQUE, ["week_start", "subject_kind", "subject_id", "tag"]
        )
        batch.create_index(
            MEMBER_INDEX,
            ["subject_id", "week_start"],
            sqlite_where=MEMBERS_ONLY,
            postgresql_where=MEMBERS_ONLY,
        )


def downgrade() -> None:
    """Back to the 0002 keys."""
    with op.batch_alter_table("interest_profiles", copy_from=_table(True)) as batch:
        batch.drop_index(MEMBER_INDEX)
        batch.drop_constraint(NEW_UNIQUE, type_="unique")
        batch.create_unique_constraint(
            OLD_UNIQUE, ["subject_kind", "subject_id", "week_start", "tag"]
        )
        batch.create_index(OLD_INDEX, ["week_start", "subject_kind"])
