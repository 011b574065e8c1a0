"""Reusable database fixtures: a fresh, migrated SQLite file or (when configured) PostgreSQL schema.

Use from a test module (tests/ is on sys.path under pytest's default import mode)::

    import storage_fixtures as h

    db_url = h.db_url  # fresh migrated database, parametrized over the backends
    engine = h.engine  # an Engine on it, disposed after the test

or call ``h.fresh_database(backend, tmp_path)`` with ``backend`` from ``h.database_urls()``,
or register the module as a plugin (``pytest_plugins = ["storage_fixtures"]`` in the root
conftest) and ask for ``migrated_db_url``. PostgreSQL runs only when BUZZ_TEST_DATABASE_URL
names a server (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); each database gets its
own schema, selected with ``search_path`` in the URL, and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Connection, Engine, make_url

from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import replies, threads
from storage.records import ReplyRecord, ThreadRecord

PG_ENV = "BUZZ_TEST_DATABASE_URL"
SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def postgres_url() -> str | None:
    """The PostgreSQL server URL for tests, or None when PostgreSQL tests are off."""
    return os.environ.get(PG_ENV) or None


def database_urls() -> list[Any]:
    """Backends to parametrize over: SQLite always, PostgreSQL skipped with a reason when unset."""
    return [
        pytest.param(SQLITE, id=SQLITE),
        pytest.param(
            POSTGRESQL,
            id=POSTGRESQL,
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    postgres_url() is None,
                    reason=f"{PG_ENV} is not set: PostgreSQL storage tests skipped",
                ),
            ],
        ),
    ]


def with_search_path(url: str, schema: str) -> str:
    """Return the URL with libpq options that put the schema first on the search_path."""
    parsed = make_url(url)
    query = dict(parsed.query)
    query["options"] = f"-csearch_path={schema}"
    return parsed.set(query=query).render_as_string(hide_password=False)


@contextmanager
def fresh_database(backend: str, tmp_path: Path, migrate: bool = True) -> Iterator[str]:
    """Yield the URL of an empty database (migrated to head unless migrate=False), then clean up."""
    if backend == SQLITE:
        url = f"sqlite:///{tmp_path / f'buzz-{uuid.uuid4().hex[:8]}.sqlite3'}"
        if migrate:
            upgrade(url)
        yield url
        return
    if backend != POSTGRESQL:
        raise ValueError(f"unknown test backend {backend!r}")
    server = postgres_url()
    if server is None:
        pytest.skip(f"{PG_ENV} is not set: PostgreSQL storage tests skipped")
    schema = f"buzz_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = with_search_path(server, schema)
        try:
            if migrate:
                upgrade(url)
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=database_urls())
def migrated_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head, once per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


# Builders and fixtures for the storage tests (import as `storage_fixtures as h`).

TPE = timezone(timedelta(hours=8), "Asia/Taipei")
T0 = datetime(2024, 7, 8, 0, 0, tzinfo=TPE)  # a Monday 00:00 in Taipei = Sunday 16:00 UTC


def thread(key: str = "M.1720000000.A.001", **overrides: Any) -> ThreadRecord:
    """A PTT thread record with overridable fields."""
    values: dict[str, Any] = {
        "platform": "ptt",
        "channel": "Gossiping",
        "thread_key": key,
        "url": f"https://www.ptt.cc/bbs/Gossiping/{key}.html",
        "title": "[問卦] 有沒有測試的八卦",
        "category": "問卦",
        "author_id": "tester",
        "author_nickname": "測試員",
        "posted_at": T0 - timedelta(days=1),
        "ip": "1.2.3.4",
        "status": "ok",
        "body": "內文\n第二行",
        "pinned": False,
    }
    values.update(overrides)
    return ThreadRecord(**values)


def reply(n: int, at: datetime | None = None, **overrides: Any) -> ReplyRecord:
    """The n-th push, at T0 + n minutes unless given a time."""
    values: dict[str, Any] = {
        "reply_key": f"k{n}",
        "tag": "推",
        "user": f"user{n}",
        "content": f"推文 {n}",
        "ip": None,
        "replied_at": T0 + timedelta(minutes=n) if at is None else at,
        "time_inferred": True,
    }
    values.update(overrides)
    return ReplyRecord(**values)


def reply_rows(conn: Connection, thread_id: int) -> list[dict[str, Any]]:
    """All stored replies of a thread, by id."""
    stmt = select(replies).where(replies.c.thread_id == thread_id).order_by(replies.c.id)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def thread_row(conn: Connection, thread_id: int) -> dict[str, Any]:
    """The stored row of a thread."""
    return dict(conn.execute(select(threads).where(threads.c.id == thread_id)).mappings().one())


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head, per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh database, disposed after the test."""
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()
