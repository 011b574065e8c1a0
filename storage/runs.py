"""Crawl runs and their per-channel tallies: what each run fetched, lost and stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from storage.models import CHANNEL_STATUSES, RUN_STATUSES, crawl_channels, crawl_runs
from storage.types import ensure_aware

CHANNEL_COUNTERS = (
    "pages",
    "blocked",
    "rate_limited",
    "failed",
    "not_found",
    "threads",
    "replies",
    "deleted",
)
"""The per-channel counters a run records, in the order reports print them."""

Alive = Callable[[str, int, datetime | None, datetime], bool]
"""Whether the process (host, pid, last heartbeat) is still alive at a time."""


def _check_status(status: str, allowed: tuple[str, ...], what: str) -> None:
    """Refuse statuses the schema does not know."""
    if status not in allowed:
        raise ValueError(f"unknown {what} status {status!r}; expected one of {allowed}")


def start_run(
    conn: Connection,
    source: str,
    args: dict[str, str],
    started_at: datetime,
    *,
    host: str | None = None,
    pid: int | None = None,
    covers_from: datetime | None = None,
    observed_at: datetime | None = None,
) -> int:
    """Record that a run started (status running) and return its id."""
    result = conn.execute(
        insert(crawl_runs).values(
            source=source,
            args=json.dumps(args, ensure_ascii=False, sort_keys=True),
            started_at=ensure_aware(started_at, "started_at"),
            status="running",
            pages=0,
            items=0,
            errors="{}",
            host=host,
            pid=pid,
            heartbeat_at=started_at,
            covers_from=covers_from,
            observed_at=observed_at,
        )
    )
    run_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    if run_id is None:
        raise RuntimeError("the database returned no id for the new crawl run")
    return int(run_id)


def heartbeat_run(conn: Connection, run_id: int, at: datetime) -> None:
    """Note that a running run is still alive."""
    conn.execute(
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id, crawl_runs.c.status == "running")
        .values(heartbeat_at=ensure_aware(at, "at"))
    )


def finish_run(
    conn: Connection,
    run_id: int,
    finished_at: datetime,
    status: str,
    pages: int,
    items: int,
    errors: dict[str, int],
    finish_reason: str | None = None,
) -> None:
    """Record how a run ended: status, counters, errors by kind and Scrapy's finish reason."""
    _check_status(status, RUN_STATUSES, "run")
    result = conn.execute(
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id)
        .values(
            finished_at=ensure_aware(finished_at, "finished_at"),
            heartbeat_at=finished_at,
            status=status,
            pages=pages,
            items=items,
            errors=json.dumps(errors, ensure_ascii=False, sort_keys=True),
            finish_reason=finish_reason,
        )
    )
    if not result.rowcount:
        raise LookupError(f"no crawl run with id {run_id}")


def save_channels(conn: Connection, run_id: int, channels: Iterable[dict[str, Any]]) -> None:
    """Store a run's per-channel tallies (platform, channel, status, counters, detail)."""
    rows = []
    for ch in channels:
        _check_status(str(ch["status"]), CHANNEL_STATUSES, "channel")
        rows.append(
            {
                "run_id": run_id,
                "platform": ch["platform"],
                "channel": ch["channel"],
                "status": ch["status"],
                "detail": ch.get("detail", ""),
                **{name: int(ch.get(name, 0)) for name in CHANNEL_COUNTERS},
            }
        )
    if rows:
        conn.execute(insert(crawl_channels), rows)


def close_crashed_runs(conn: Connection, alive: Alive, now: datetime) -> list[int]:
    """Mark `running` runs whose process is gone as crashed; return their ids."""
    stmt = select(
        crawl_runs.c.id, crawl_runs.c.host, crawl_runs.c.pid, crawl_runs.c.heartbeat_at
    ).where(crawl_runs.c.status == "running")
    crashed = [
        run_id
        for run_id, host, pid, beat in conn.execute(stmt)
        if host is None or pid is None or not alive(host, pid, beat, now)
    ]
    if crashed:
        conn.execute(
            update(crawl_runs)
            .where(crawl_runs.c.id.in_(crashed), crawl_runs.c.status == "running")
            .values(status="crashed", finished_at=now, finish_reason="crashed")
        )
    return crashed


def _run_row(r: Any) -> dict[str, Any]:
    """A crawl_runs row as plain data, args and errors decoded."""
    return {
        "id": r.id,
        "source": r.source,
        "args": json.loads(r.args),
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "status": r.status,
        "finish_reason": r.finish_reason,
        "pages": r.pages,
        "items": r.items,
        "errors": json.loads(r.errors),
        "covers_from": r.covers_from,
        "observed_at": r.observed_at,
        "host": r.host,
        "pid": r.pid,
    }


def run_channels(conn: Connection, run_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The channel tallies of some runs, by run id, channels in name order."""
    found: dict[int, list[dict[str, Any]]] = {run_id: [] for run_id in run_ids}
    if not run_ids:
        return found
    stmt = (
        select(crawl_channels)
        .where(crawl_channels.c.run_id.in_(list(run_ids)))
        .order_by(crawl_channels.c.run_id, crawl_channels.c.platform, crawl_channels.c.channel)
    )
    for row in conn.execute(stmt).mappings():
        found[row["run_id"]].append({k: v for k, v in row.items() if k not in ("id", "run_id")})
    return found


def list_runs(conn: Connection, limit: int = 20, source: str | None = None) -> list[dict[str, Any]]:
    """The latest runs first, with args and errors decoded and their channel tallies."""
    stmt = select(crawl_runs).order_by(crawl_runs.c.started_at.desc(), crawl_runs.c.id.desc())
    if source is not None:
        stmt = stmt.where(crawl_runs.c.source == source)
    runs = [_run_row(r) for r in conn.execute(stmt.limit(limit))]
    channels = run_channels(conn, [r["id"] for r in runs])
    for run in runs:
        run["channels"] = channels[run["id"]]
    return runs


def runs_of_job(conn: Connection, job: str) -> list[dict[str, Any]]:
    """The runs a dispatched job recorded (its `buzz_job` argument), oldest first, with channels."""
    # args is JSON text written with sort_keys: narrow in SQL, then check the decoded value.
    needle = json.dumps({"buzz_job": job}, ensure_ascii=False)[1:-1]
    stmt = (
        select(crawl_runs)
        .where(crawl_runs.c.args.contains(needle, autoescape=True))
        .order_by(crawl_runs.c.started_at, crawl_runs.c.id)
    )
    runs = [r for r in map(_run_row, conn.execute(stmt)) if r["args"].get("buzz_job") == job]
    channels = run_channels(conn, [r["id"] for r in runs])
    for run in runs:
        run["channels"] = channels[run["id"]]
    return runs


def crawl_sources(conn: Connection) -> list[str]:
    """Every source that has a crawl run, by name."""
    stmt = select(crawl_runs.c.source).distinct().order_by(crawl_runs.c.source)
    return [str(s) for s in conn.execute(stmt).scalars()]


def channel_crawls(
    conn: Connection, platform: str | None = None, since: datetime | None = None
) -> list[dict[str, Any]]:
    """Every run's channel tallies (optionally one platform's), newest first, with run times.

    The coverage of a week is judged from these: which crawls covered it, when they looked and
    how they ended.
    """
    stmt = (
        select(
            crawl_channels.c.run_id,
            crawl_channels.c.platform,
            crawl_channels.c.channel,
            crawl_channels.c.status,
            crawl_channels.c.detail,
            *(crawl_channels.c[name] for name in CHANNEL_COUNTERS),
            crawl_runs.c.status.label("run_status"),
            crawl_runs.c.started_at,
            crawl_runs.c.covers_from,
            crawl_runs.c.observed_at,
        )
        .join(crawl_runs, crawl_runs.c.id == crawl_channels.c.run_id)
        .order_by(crawl_runs.c.started_at.desc(), crawl_runs.c.id.desc())
    )
    if platform is not None:
        stmt = stmt.where(crawl_channels.c.platform == platform)
    if since is not None:
        stmt = stmt.where(crawl_runs.c.started_at >= ensure_aware(since, "since"))
    return [dict(row) for row in conn.execute(stmt).mappings()]
