"""storage.bulk stores what Core's executemany stores, skips conflicts, refuses uneven rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import storage_fixtures as h
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from storage.bulk import insert_missing
from storage.dialects import dialect_insert
from storage.models import replies
from storage.writes import write_thread

db_url = h.db_url
engine = h.engine

SEEN = h.utc(2024, 7, 10, 3, 0)


def _rows(thread_id: int, prefix: str, n: int) -> list[dict[str, Any]]:
    """Reply rows as write_threads builds them, one with no time."""
    return [
        {
            "thread_id": thread_id,
            "reply_key": f"{prefix}{i}",
            "tag": "推",
            "user": f"u{i % 3}",
            "content": f"=cmd|' /C calc'!A{i}" if i == 1 else f"內容 {i}",
            "ip": None,
            "replied_at": None if i == 2 else h.T0 + timedelta(minutes=i % 4),
            "time_inferred": bool(i % 2),
            "first_seen_at": SEEN,
            "last_seen_at": SEEN,
            "removed_at": None,
        }
        for i in range(n)
    ]


def _stored(engine: Engine, prefix: str) -> list[tuple[Any, ...]]:
    """The raw stored values (as the database holds them) of the replies with a key prefix."""
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    'SELECT reply_key, tag, "user", content, ip, CAST(replied_at AS TEXT),'
                    " time_inferred, CAST(first_seen_at AS TEXT), CAST(last_seen_at AS TEXT)"
                    " FROM replies WHERE reply_key LIKE :p ORDER BY reply_key"
                ),
                {"p": f"{prefix}%"},
            )
        ]


def _thread(engine: Engine) -> int:
    with engine.begin() as conn:
        return write_thread(conn, h.thread(), [], SEEN).thread_id


@pytest.mark.parametrize("fresh", [False, True])
def test_rows_are_stored_exactly_as_core_stores_them(engine: Engine, fresh: bool) -> None:
    """Same text for times (UTC, one format), booleans and user text as Core's executemany."""
    tid = _thread(engine)
    with engine.begin() as conn:
        conn.execute(dialect_insert(conn, replies), _rows(tid, "core-", 6))
        insert_missing(
            conn, replies, _rows(tid, "bulk-", 6), ("thread_id", "reply_key"), fresh=fresh
        )
    core = [(k.removeprefix("core-"), *rest) for k, *rest in _stored(engine, "core-")]
    bulk = [(k.removeprefix("bulk-"), *rest) for k, *rest in _stored(engine, "bulk-")]
    assert len(bulk) == 6
    assert bulk == core


def test_rows_already_stored_are_skipped(engine: Engine) -> None:
    """A conflict on (thread_id, reply_key) keeps the stored row and inserts the others."""
    tid = _thread(engine)
    first = _rows(tid, "k", 3)
    with engine.begin() as conn:
        insert_missing(conn, replies, first, ("thread_id", "reply_key"))
    again = _rows(tid, "k", 5)
    again[0]["content"] = "changed"
    with engine.begin() as conn:
        insert_missing(conn, replies, again, ("thread_id", "reply_key"))
        insert_missing(conn, replies, again, ("thread_id", "reply_key"))  # twice, one transaction
    with engine.connect() as conn:
        got = conn.execute(
            select(replies.c.reply_key, replies.c.content).order_by(replies.c.reply_key)
        ).all()
    assert [k for k, _ in got] == ["k0", "k1", "k2", "k3", "k4"]
    assert got[0][1] == "內容 0"


def test_naive_times_are_refused_as_core_refuses_them(engine: Engine) -> None:
    """The UTC column type still checks every distinct value."""
    tid = _thread(engine)
    rows = _rows(tid, "n", 2)
    rows[1]["replied_at"] = rows[1]["replied_at"].replace(tzinfo=None)
    with pytest.raises(ValueError, match="naive datetime"), engine.begin() as conn:
        insert_missing(conn, replies, rows, ("thread_id", "reply_key"))


def test_rows_with_different_keys_are_refused(engine: Engine) -> None:
    """Every row must have the same columns, or values would land in the wrong ones."""
    tid = _thread(engine)
    rows = _rows(tid, "d", 2)
    del rows[1]["ip"]
    with pytest.raises(ValueError, match="same keys"), engine.begin() as conn:
        insert_missing(conn, replies, rows, ("thread_id", "reply_key"))
