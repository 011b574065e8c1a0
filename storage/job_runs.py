"""Job runs: one row per attempt at a job for a period, claimed so each period runs once.

A claim inserts attempt n+1 for (job, period); the unique (job, period, attempt) constraint
decides between concurrent claimants on every backend. Call the writers inside
`storage.db.write_transaction`, so SQLite takes its write lock before the claim reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storage.models import JOB_STATUSES, JOB_TRIGGERS, apscheduler_jobs, job_runs
from storage.runs import Alive
from storage.types import ensure_aware

CLAIM_TRIES = 3
"""How often a claim re-reads after losing a race before it gives up and reports the winner."""

Refusal = Literal["done", "running"]


@dataclass(frozen=True, slots=True)
class JobAttempt:
    """One row of job_runs."""

    id: int
    job: str
    period: str
    attempt: int
    trigger: str
    status: str
    exit_code: int | None
    host: str
    pid: int
    started_at: datetime
    finished_at: datetime | None
    heartbeat_at: datetime | None
    detail: str


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of a claim: the new attempt, or the attempt that stands in the way and why."""

    granted: bool
    attempt: JobAttempt
    refused: Refusal | None = None
    crashed: JobAttempt | None = None
    """A running attempt whose holder was dead, closed as crashed by this claim."""


def _attempt(row: Any) -> JobAttempt:
    """A job_runs row as a JobAttempt."""
    return JobAttempt(**{name: getattr(row, name) for name in JobAttempt.__slots__})


def _check(value: str, allowed: tuple[str, ...], what: str) -> None:
    """Refuse words the schema's CHECK constraints would refuse, with a readable message."""
    if value not in allowed:
        raise ValueError(f"unknown job {what} {value!r}; expected one of {allowed}")


def get_attempt(conn: Connection, run_id: int) -> JobAttempt | None:
    """One attempt by id, or None."""
    row = conn.execute(select(job_runs).where(job_runs.c.id == run_id)).first()
    return None if row is None else _attempt(row)


def latest_attempt(conn: Connection, job: str, period: str) -> JobAttempt | None:
    """The highest attempt of a job for a period, or None when it was never tried."""
    row = conn.execute(
        select(job_runs)
        .where(job_runs.c.job == job, job_runs.c.period == period)
        .order_by(job_runs.c.attempt.desc())
        .limit(1)
    ).first()
    return None if row is None else _attempt(row)


def claim(
    conn: Connection,
    job: str,
    period: str,
    trigger: str,
    host: str,
    pid: int,
    now: datetime,
    alive: Alive,
    *,
    force: bool = False,
) -> Claim:
    """Start a new attempt at (job, period) unless it is done or a live holder is running it.

    A `running` attempt whose holder is dead is closed as crashed first. `force` allows a new
    attempt after an `ok` one, never beside a running one.
    """
    _check(trigger, JOB_TRIGGERS, "trigger")
    ensure_aware(now, "now")
    crashed: JobAttempt | None = None
    latest = latest_attempt(conn, job, period)
    for _ in range(CLAIM_TRIES):
        if latest is not None and latest.status == "running":
            if alive(latest.host, latest.pid, latest.heartbeat_at, now):
                return Claim(False, latest, "running", crashed)
            detail = f"process {latest.pid} on {latest.host} was gone"
            if _close(conn, latest.id, "crashed", None, detail, now):
                crashed = get_attempt(conn, latest.id)
            latest = latest_attempt(conn, job, period)
            continue
        if latest is not None and latest.status == "ok" and not force:
            return Claim(False, latest, "done", crashed)
        number = (latest.attempt if latest is not None else 0) + 1
        try:
            # A savepoint, so losing the race leaves the caller's transaction usable.
            with conn.begin_nested():
                result = conn.execute(
                    insert(job_runs).values(
                        job=job,
                        period=period,
                        attempt=number,
                        trigger=trigger,
                        status="running",
                        host=host,
                        pid=pid,
                        started_at=now,
                        heartbeat_at=now,
                        detail="",
                    )
                )
        except IntegrityError:
            latest = latest_attempt(conn, job, period)
            continue
        (new_id,) = result.inserted_primary_key or (None,)
        created = None if new_id is None else get_attempt(conn, int(new_id))
        if created is None:
            raise RuntimeError("the database returned no id for the new job run")
        return Claim(True, created, None, crashed)
    if latest is None:
        raise RuntimeError(f"could not claim {job} {period} and found no attempt in the way")
    return Claim(False, latest, "done" if latest.status == "ok" else "running", crashed)


def _close(
    conn: Connection, run_id: int, status: str, exit_code: int | None, detail: str, now: datetime
) -> bool:
    """Move a running attempt to a final status; False when it was no longer running."""
    result = conn.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id, job_runs.c.status == "running")
        .values(
            status=status, exit_code=exit_code, detail=detail, finished_at=now, heartbeat_at=now
        )
    )
    return bool(result.rowcount)


def finish(
    conn: Connection,
    run_id: int,
    status: str,
    exit_code: int | None,
    detail: str,
    now: datetime,
) -> bool:
    """Record how a running attempt ended; False when it had already been closed."""
    _check(status, JOB_STATUSES, "status")
    if status == "running":
        raise ValueError("finish needs a final status, not 'running'")
    return _close(conn, run_id, status, exit_code, detail, ensure_aware(now, "now"))


def adopt(conn: Connection, run_id: int, host: str, pid: int, now: datetime) -> bool:
    """Make another process the holder of a running attempt (the child doing the work)."""
    result = conn.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id, job_runs.c.status == "running")
        .values(host=host, pid=pid, heartbeat_at=ensure_aware(now, "now"))
    )
    return bool(result.rowcount)


def heartbeat(conn: Connection, run_id: int, now: datetime) -> bool:
    """Note that the holder of a running attempt is alive; False when it is not running."""
    result = conn.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id, job_runs.c.status == "running")
        .values(heartbeat_at=ensure_aware(now, "now"))
    )
    return bool(result.rowcount)


def set_exit_code(conn: Connection, run_id: int, exit_code: int) -> bool:
    """Record the exit code the attempt's process really ended with."""
    result = conn.execute(
        update(job_runs).where(job_runs.c.id == run_id).values(exit_code=exit_code)
    )
    return bool(result.rowcount)


def list_attempts(
    conn: Connection, job: str | None = None, period: str | None = None, limit: int = 20
) -> list[JobAttempt]:
    """Recent attempts, newest first, optionally of one job and one period."""
    stmt = select(job_runs).order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc())
    if job is not None:
        stmt = stmt.where(job_runs.c.job == job)
    if period is not None:
        stmt = stmt.where(job_runs.c.period == period)
    return [_attempt(row) for row in conn.execute(stmt.limit(limit))]


def last_ok_period(conn: Connection, job: str) -> str | None:
    """The greatest period of a job with an `ok` attempt (periods sort as text: ISO dates)."""
    stmt = select(func.max(job_runs.c.period)).where(
        job_runs.c.job == job, job_runs.c.status == "ok"
    )
    value = conn.execute(stmt).scalar()
    return None if value is None else str(value)


def scheduled_jobs(conn: Connection) -> dict[str, datetime | None]:
    """APScheduler's persisted jobs: id to next run time (None when paused)."""
    rows = conn.execute(
        select(apscheduler_jobs.c.id, apscheduler_jobs.c.next_run_time).order_by(
            apscheduler_jobs.c.id
        )
    )
    return {
        str(job_id): None if ts is None else datetime.fromtimestamp(float(ts), UTC)
        for job_id, ts in rows
    }
