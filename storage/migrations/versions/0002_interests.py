"""Interest tags, members and their accounts, weekly interest profiles, CRM export state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 09:56:54
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the seven tables of thread tags, members, profiles and exports."""
    op.create_table(
        "thread_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.CheckConstraint("level IN ('top', 'fine')", name=op.f("ck_thread_tags_level")),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_tags_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_tags")),
        sa.UniqueConstraint("thread_id", "tag", name=op.f("uq_thread_tags_thread_id_tag")),
    )
    op.create_table(
        "thread_tag_state",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("tags", sa.Integer(), nullable=False),
        sa.Column("tagged_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name=op.f("fk_thread_tag_state_thread_id_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", name=op.f("pk_thread_tag_state")),
    )

    op.create_table(
        "members",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_members")),
    )
    op.create_table(
        "member_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("handle", sa.String(length=128), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.member_id"],
            name=op.f("fk_member_accounts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_accounts")),
        sa.UniqueConstraint("platform", "handle", name=op.f("uq_member_accounts_platform_handle")),
    )
    op.create_index(op.f("ix_member_accounts_member_id"), "member_accounts", ["member_id"])

    op.create_table(
        "interest_profiles",
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
        sa.CheckConstraint("level IN ('top', 'fine')", name=op.f("ck_interest_profiles_level")),
        sa.CheckConstraint(
            "subject_kind IN ('author', 'member')", name=op.f("ck_interest_profiles_subject_kind")
        ),
        sa.CheckConstraint(
            "trend IN ('new', 'rising', 'stable', 'falling', 'faded')",
            name=op.f("ck_interest_profiles_trend"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_profiles")),
        sa.UniqueConstraint(
            "subject_kind",
            "subject_id",
            "week_start",
            "tag",
            name=op.f("uq_interest_profiles_subject_kind_subject_id_week_start_tag"),
        ),
    )
    op.create_index(
        op.f("ix_interest_profiles_week_start_subject_kind"),
        "interest_profiles",
        ["week_start", "subject_kind"],
    )

    op.create_table(
        "profile_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("since_last", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("exported_at", UTCDateTime(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "format IN ('csv', 'xlsx', 'jsonl')", name=op.f("ck_profile_exports_format")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_exports")),
    )
    op.create_table(
        "profile_export_state",
        sa.Column("member_id", sa.String(length=64), nullable=False),
        sa.Column("last_digest", sa.String(length=64), nullable=False),
        sa.Column("last_export_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_export_id"],
            ["profile_exports.id"],
            name=op.f("fk_profile_export_state_last_export_id_profile_exports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.member_id"],
            name=op.f("fk_profile_export_state_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_profile_export_state")),
    )


def downgrade() -> None:
    """Drop everything the upgrade created, children first."""
    op.drop_table("profile_export_state")
    op.drop_table("profile_exports")
    op.drop_table("interest_profiles")
    op.drop_table("member_accounts")
    op.drop_table("members")
    op.drop_table("thread_tag_state")
    op.drop_table("thread_tags")
