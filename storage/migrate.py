"""Run the Alembic migrations programmatically: no alembic.ini, the scripts live in the package."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from storage.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Build an Alembic Config pointing at storage/migrations, optionally bound to a connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextmanager
def _engine_for(target: str | Engine) -> Iterator[Engine]:
    """Yield the given Engine, or a short-lived one made from a URL and disposed afterwards."""
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """A transaction for migrations; on SQLite with foreign keys off while it runs.

    SQLite alters a table by copying it and dropping the original; with foreign keys on, the
    drop would cascade and delete every row that refers to it (replies, tags, boards).
    PRAGMA foreign_keys only takes effect outside a transaction, so it is set on the raw
    connection before BEGIN, and the keys are checked before it is set back.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(target: str | Engine, revision: str = "head") -> None:
    """Migrate the database named by a URL or Engine up to a revision (default: head)."""
    with _engine_for(target) as engine, _migrating(engine) as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(target: str | Engine, revision: str) -> None:
    """Migrate the database down to a revision ("base" empties it)."""
    with _engine_for(target) as engine, _migrating(engine) as conn:
        command.downgrade(alembic_config(conn), revision)


def current_revision(target: str | Engine) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    with _engine_for(target) as engine, engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision shipped in storage/migrations/versions."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
