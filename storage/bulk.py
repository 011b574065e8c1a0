"""Bulk inserts that skip Core's per-row work: converted values straight to the driver, COPY on PG.

Core's executemany converts every bind of every row (aware datetimes to UTC text: about 60% of a
first crawl's write time on SQLite). Rows here share many values (first_seen_at, last_seen_at,
reply times), so each column's distinct values are converted once and the driver gets plain
tuples; on PostgreSQL the rows go through COPY into a temporary table and one INSERT ... SELECT
... ON CONFLICT DO NOTHING, several times faster than a batched INSERT.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert


def _converters(
    conn: Connection, table: Table, names: Sequence[str]
) -> Callable[[Any], tuple[Any, ...]]:
    """Row mapping -> its converted values in names' order, memoised per column."""
    procs = [table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for n in names]
    active: list[tuple[int, str, Callable[[Any], Any], dict[Any, Any]]] = [
        (i, n, p, {}) for i, (n, p) in enumerate(zip(names, procs, strict=True)) if p is not None
    ]
    plain = [(i, n) for i, (n, p) in enumerate(zip(names, procs, strict=True)) if p is None]
    width = len(names)

    def convert(row: dict[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = [None] * width
        for i, n in plain:
            out[i] = row[n]
        for i, n, proc, memo in active:
            v = row[n]
            if v is None:
                continue
            done = memo.get(v, memo)
            if done is memo:
                done = memo[v] = proc(v)
            out[i] = done
        return tuple(out)

    return convert


def insert_missing(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    *,
    fresh: bool = False,
) -> None:
    """Insert rows (all with the same keys) whose conflict columns are not yet stored.

    fresh: the caller knows no row can conflict (they hang off rows its own transaction
    created), so PostgreSQL may COPY them straight into the table.
    """
    if not rows:
        return
    names = list(rows[0])
    first = rows[0].keys()
    if any(row.keys() != first for row in rows):
        raise ValueError(f"insert_missing into {table.name}: rows must all have the same keys")
    convert = _converters(conn, table, names)
    if conn.dialect.name == "postgresql":
        _copy_insert(conn, table, names, [convert(r) for r in rows], None if fresh else conflict)
        return
    stmt = dialect_insert(conn, table).on_conflict_do_nothing(index_elements=list(conflict))
    compiled = stmt.compile(dialect=conn.dialect, column_keys=names)
    order = list(compiled.positiontup or ()) if compiled.positional else names
    if sorted(order) != sorted(names) or not compiled.positional:
        conn.execute(stmt, list(rows))  # a column default to fill: let Core do it
        return
    index = [names.index(n) for n in order]
    params = [tuple(values[i] for i in index) for values in map(convert, rows)]
    conn.exec_driver_sql(compiled.string, params)


def _copy_insert(
    conn: Connection,
    table: Table,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str] | None,
) -> None:
    """COPY rows into a session temp table shaped like table, then insert the missing ones.

    Without conflict columns the rows cannot conflict and are copied into table itself.
    """
    q = conn.dialect.identifier_preparer.quote
    cols = ", ".join(q(n) for n in names)
    target = q(table.name)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    if conflict is None:
        try:
            with cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    # one staging table per column list, so a different row shape never meets a stale one
    staging = q(f"_buzz_in_{table.name}_{zlib.crc32(cols.encode()):08x}")
    keys = ", ".join(q(n) for n in conflict)
    try:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "
            f"SELECT {cols} FROM {target} WITH NO DATA"
        )
        with cursor.copy(f"COPY {staging} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {staging} "
            f"ON CONFLICT ({keys}) DO NOTHING"
        )
        cursor.execute(f"TRUNCATE {staging}")
    finally:
        cursor.close()
