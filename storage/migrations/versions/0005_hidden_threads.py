"""Threads may be `hidden` (a forum hid the post) besides `ok`, `deleted` and `missing`.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "status IN ('ok', 'deleted', 'missing')"
NEW = "status IN ('ok', 'deleted', 'missing', 'hidden')"


def upgrade() -> None:
    """Widen the thread status check."""
    with op.batch_alter_table("threads") as batch:
        batch.drop_constraint(op.f("ck_threads_status"), type_="check")
        batch.create_check_constraint("status", NEW)


def downgrade() -> None:
    """Hidden threads become deleted ones, then the check narrows again."""
    op.execute("UPDATE threads SET status = 'deleted' WHERE status = 'hidden'")
    with op.batch_alter_table("threads") as batch:
        batch.drop_constraint(op.f("ck_threads_status"), type_="check")
        batch.create_check_constraint("status", OLD)
