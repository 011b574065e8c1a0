"""Crawl runs: one row per spider or job run, with counters and error kinds as JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from storage.models import RUN_STATUSES, crawl_runs
from storage.types import ensure_aware


def _check_status(status: str) -> None:
    """Refuse run statuses the schema does not know."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}; expected one of {RUN_STATUSES}")


def start_run(conn: Connection, source: str, args: dict[str, str], started_at: datetime) -> int:
    """Record that a run started and return its id."""
    result = conn.execute(
        insert(crawl_runs).values(
            source=source,
            args=json.dumps(args, ensure_ascii=False, sort_keys=True),
            started_at=ensure_aware(started_at, "started_at"),
            status="running",
            pages=0,
            items=0,
            errors="{}",
        )
    )
    run_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    if run_id is None:
        raise RuntimeError("the database returned no id for the new crawl run")
    return int(run_id)


def finish_run(
    conn: Connection,
    run_id: int,
    finished_at: datetime,
    status: str,
    pages: int,
    items: int,
    errors: dict[str, int],
) -> None:
    """Record how a run ended: status, counters and errors by kind."""
    _check_status(status)
    result = conn.execute(
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id)
        .values(
            finished_at=ensure_aware(finished_at, "finished_at"),
            status=status,
            pages=pages,
            items=items,
            errors=json.dumps(errors, ensure_ascii=False, sort_keys=True),
        )
    )
    if not result.rowcount:
        raise LookupError(f"no crawl run with id {run_id}")


def list_runs(conn: Connection, limit: int = 20) -> list[dict[str, Any]]:
    """Return the latest runs first, with args and errors decoded to dicts."""
    stmt = (
        select(crawl_runs)
        .order_by(crawl_runs.c.started_at.desc(), crawl_runs.c.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": r.id,
            "source": r.source,
            "args": json.loads(r.args),
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "status": r.status,
            "pages": r.pages,
            "items": r.items,
            "errors": json.loads(r.errors),
        }
        for r in conn.execute(stmt)
    ]
