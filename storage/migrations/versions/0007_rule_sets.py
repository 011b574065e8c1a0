"""Each published week records the exclusion rules it was ranked with; their text is kept.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add rule_sets and published_weeks.rules_digest (NULL for weeks published before)."""
    op.create_table(
        "rule_sets",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_used_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_rule_sets")),
    )
    with op.batch_alter_table("published_weeks") as batch:
        batch.add_column(sa.Column("rules_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("published_weeks") as batch:
        batch.drop_column("rules_digest")
    op.drop_table("rule_sets")
