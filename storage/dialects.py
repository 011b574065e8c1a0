"""The dialect's INSERT (which knows ON CONFLICT) for the two supported backends."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def dialect_insert(conn: Connection, table: Table) -> sqlite.Insert | postgresql.Insert:
    """Return the dialect's INSERT for table, so callers can add ON CONFLICT clauses."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {name}")
