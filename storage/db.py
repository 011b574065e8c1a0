"""Engine construction: SQLite gets WAL, foreign keys, a busy timeout; PostgreSQL uses psycopg."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url

WRITER_OPTION = "buzz_writer"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
    "PRAGMA synchronous=NORMAL",
)


def make_engine(url: str, *, read_only: bool = False, writer: bool = False, **kw: Any) -> Engine:
    """Create an Engine for a database URL, tuned for the backend it names.

    `read_only` opens a SQLite file immutable and read-only, so it can be read where nothing
    may be written (a read-only file system). `writer` makes every SQLite transaction of the
    engine take the write lock when it begins (see write_transaction). Other backends ignore
    both.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if read_only and parsed.database and parsed.database != ":memory:":
            uri = f"file:{parsed.database}?mode=ro&immutable=1"
            parsed = parsed.set(database=uri, query={**parsed.query, "uri": "true"})
        engine = create_engine(parsed, **kw)
        _configure_sqlite(engine, read_only, writer)
        return engine
    kw.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kw)


def _configure_sqlite(engine: Engine, read_only: bool = False, writer: bool = False) -> None:
    """Apply pragmas on connect and make BEGIN explicit so transactions cover reads and DDL."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS[1:] if read_only else SQLITE_PRAGMAS:
                cursor.execute(pragma)
            _ensure_exp(dbapi_connection, cursor)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: a deferred BEGIN that later tries to write
        # fails at once with "database is locked" when another writer got there first.
        immediate = writer or conn.get_execution_options().get(WRITER_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it waits for the write lock before starting."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITER_OPTION: True})
        with conn.begin():
            yield conn


def _ensure_exp(dbapi_connection: Any, cursor: Any) -> None:
    """Give SQLite exp() (profile strengths) when it was built without its math functions."""
    try:
        cursor.execute("SELECT exp(0)")
    except sqlite3.OperationalError:
        dbapi_connection.create_function("exp", 1, math.exp, deterministic=True)
