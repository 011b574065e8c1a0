"""A database guard: one holder per key (one crawl writer per source) on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert
from storage.models import crawl_locks
from storage.runs import Alive
from storage.types import ensure_aware


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a lock: machine, process, the run it is doing and since when."""

    host: str
    pid: int
    run_id: int | None
    acquired_at: datetime
    heartbeat_at: datetime


def _holder(conn: Connection, key: str) -> LockHolder | None:
    """The current holder of a key, or None."""
    row = conn.execute(select(crawl_locks).where(crawl_locks.c.lock_key == key)).first()
    if row is None:
        return None
    return LockHolder(row.host, row.pid, row.run_id, row.acquired_at, row.heartbeat_at)


def acquire_lock(
    conn: Connection, key: str, host: str, pid: int, now: datetime, alive: Alive
) -> tuple[bool, LockHolder | None]:
    """Take the lock for key; (True, previous dead holder or None) or (False, live holder).

    A holder whose process is gone is replaced by compare-and-swap, so two processes racing
    for a dead holder's lock cannot both win.
    """
    ensure_aware(now, "now")
    values = {"lock_key": key, "host": host, "pid": pid, "acquired_at": now, "heartbeat_at": now}
    # RETURNING says whether the row went in: rowcount is -1 for this INSERT on psycopg.
    inserted = conn.execute(
        dialect_insert(conn, crawl_locks)
        .values(run_id=None, **values)
        .on_conflict_do_nothing(index_elements=["lock_key"])
        .returning(crawl_locks.c.lock_key)
    ).first()
    if inserted is not None:
        return True, None
    holder = _holder(conn, key)
    if holder is None:  # released between our insert and our read: try once more
        return acquire_lock(conn, key, host, pid, now, alive)
    if (holder.host, holder.pid) == (host, pid):  # already ours (the CLI took it before Scrapy)
        return True, None
    if alive(holder.host, holder.pid, holder.heartbeat_at, now):
        return False, holder
    swapped = conn.execute(
        update(crawl_locks)
        .where(
            crawl_locks.c.lock_key == key,
            crawl_locks.c.host == holder.host,
            crawl_locks.c.pid == holder.pid,
            crawl_locks.c.acquired_at == holder.acquired_at,
        )
        .values(run_id=None, **values)
    )
    if swapped.rowcount:
        return True, holder
    return False, _holder(conn, key)


def attach_run(conn: Connection, key: str, host: str, pid: int, run_id: int) -> None:
    """Record which run the holder is doing."""
    conn.execute(
        update(crawl_locks)
        .where(crawl_locks.c.lock_key == key, crawl_locks.c.host == host, crawl_locks.c.pid == pid)
        .values(run_id=run_id)
    )


def heartbeat_lock(conn: Connection, key: str, host: str, pid: int, now: datetime) -> bool:
    """Refresh the holder's heartbeat; False when this process no longer holds the lock."""
    result = conn.execute(
        update(crawl_locks)
        .where(crawl_locks.c.lock_key == key, crawl_locks.c.host == host, crawl_locks.c.pid == pid)
        .values(heartbeat_at=ensure_aware(now, "now"))
    )
    return bool(result.rowcount)


def release_lock(conn: Connection, key: str, host: str, pid: int) -> bool:
    """Give the lock up; False when this process did not hold it."""
    result = conn.execute(
        delete(crawl_locks).where(
            crawl_locks.c.lock_key == key, crawl_locks.c.host == host, crawl_locks.c.pid == pid
        )
    )
    return bool(result.rowcount)


def lock_holder(conn: Connection, key: str) -> LockHolder | None:
    """Who holds the lock for key now, if anyone."""
    return _holder(conn, key)
