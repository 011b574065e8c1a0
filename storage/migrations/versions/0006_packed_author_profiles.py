"""Author profiles packed one row per author and week; tag names get small numbers.

A million-reply week stored ~1.4M author rows in interest_profiles (about 250 MB a week on
SQLite), which only the next week's build reads. They move to author_profiles: one row per
author and week whose `interests` holds one 21-byte record per tag, little-endian
(tag id u16, level u8, trend u8, strength u8, signal f64, raw f64), levels and trends numbered
by their position in ('top', 'fine') and ('new', 'rising', 'stable', 'falling', 'faded').
Member rows stay in interest_profiles.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 20:00:00
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD = struct.Struct("<HBBBdd")
LEVELS = ("top", "fine")
TRENDS = ("new", "rising", "stable", "falling", "faded")
BATCH = 5_000


def _author_rows(conn: Any) -> Iterator[tuple[Any, ...]]:
    """The author rows of interest_profiles, by week and author (week values as stored)."""
    yield from conn.execute(
        sa.text(
            "SELECT week_start, subject_id, tag, level, signal, raw, strength, trend"
            " FROM interest_profiles WHERE subject_kind = 'author'"
            " ORDER BY week_start, subject_id, tag"
        )
    )


def upgrade() -> None:
    """Create the two tables and pack every stored author row into them."""
    op.create_table(
        "interest_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_tags")),
        sa.UniqueConstraint("tag", name=op.f("uq_interest_tags_tag")),
    )
    op.create_table(
        "author_profiles",
        sa.Column("week_start", UTCDateTime(), nullable=False),
        sa.Column("subject_id", sa.String(length=200), nullable=False),
        sa.Column("interests", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("week_start", "subject_id", name=op.f("pk_author_profiles")),
    )
    conn = op.get_bind()
    codes: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    insert = sa.text(
        "INSERT INTO author_profiles (week_start, subject_id, interests) VALUES (:w, :s, :i)"
    )
    for (week, subject), rows in groupby(_author_rows(conn), key=lambda r: (r[0], r[1])):
        packed = bytearray()
        for _, _, tag, level, signal, raw, strength, trend in rows:
            code = codes.setdefault(tag, len(codes) + 1)
            packed += RECORD.pack(
                code, LEVELS.index(level), TRENDS.index(trend), strength, signal, raw
            )
        batch.append({"w": week, "s": subject, "i": bytes(packed)})
        if len(batch) >= BATCH:
            conn.execute(insert, batch)
            batch = []
    if batch:
        conn.execute(insert, batch)
    if codes:
        conn.execute(
            sa.text("INSERT INTO interest_tags (id, tag) VALUES (:id, :tag)"),
            [{"id": code, "tag": tag} for tag, code in codes.items()],
        )
    op.execute("DELETE FROM interest_profiles WHERE subject_kind = 'author'")


def downgrade() -> None:
    """Unpack author profiles back into one interest_profiles row per tag, drop the tables."""
    conn = op.get_bind()
    names = dict(conn.execute(sa.text("SELECT id, tag FROM interest_tags")).tuples().all())
    insert = sa.text(
        "INSERT INTO interest_profiles (subject_kind, subject_id, week_start, tag, level,"
        " signal, raw, strength, trend)"
        " VALUES ('author', :s, :w, :tag, :level, :signal, :raw, :strength, :trend)"
    )
    batch: list[dict[str, Any]] = []
    stored = conn.execute(
        sa.text("SELECT week_start, subject_id, interests FROM author_profiles")
    ).tuples()
    for week, subject, packed in stored:
        for code, level, trend, strength, signal, raw in RECORD.iter_unpack(bytes(packed)):
            batch.append(
                {
                    "s": subject,
                    "w": week,
                    "tag": names[code],
                    "level": LEVELS[level],
                    "signal": signal,
                    "raw": raw,
                    "strength": strength,
                    "trend": TRENDS[trend],
                }
            )
            if len(batch) >= BATCH:
                conn.execute(insert, batch)
                batch = []
    if batch:
        conn.execute(insert, batch)
    op.drop_table("author_profiles")
    op.drop_table("interest_tags")
