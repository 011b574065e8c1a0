"""The weekly job's claim on its week: run each week once, say who did when it is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import typer
from sqlalchemy.engine import Engine

from buzz.config import Config
from buzz.errors import EXIT_REFUSED, fail
from buzz.liveness import HEARTBEAT_EVERY, holder_alive, me
from ranking.windows import TAIPEI, Window
from storage import job_runs
from storage.db import write_transaction

JOB = "weekly"


def when(t: datetime | None) -> str:
    """A time as operators read it: 2019-02-11 06:00 Asia/Taipei."""
    return "-" if t is None else f"{t.astimezone(TAIPEI):%Y-%m-%d %H:%M} Asia/Taipei"


def refusal_message(claim: job_runs.Claim) -> str:
    """One line naming the attempt that stands in the way: run id, trigger, attempt, when."""
    a = claim.attempt
    if claim.refused == "done":
        return (
            f"week {a.period} was already published by weekly job run {a.id} "
            f"({a.trigger}, attempt {a.attempt}, {when(a.finished_at)})"
        )
    return (
        f"week {a.period} is being run by weekly job run {a.id} ({a.trigger}, attempt {a.attempt}, "
        f"pid {a.pid} on {a.host}, since {when(a.started_at)})"
    )


def try_claim_week(
    engine: Engine, window: Window, trigger: str, force: bool = False
) -> job_runs.Claim:
    """Claim the week for this process; the Claim says whether it was granted."""
    holder = me()
    with write_transaction(engine) as conn:
        return job_runs.claim(
            conn,
            JOB,
            window.week_id,
            trigger,
            holder.host,
            holder.pid,
            datetime.now(UTC),
            holder_alive,
            force=force,
        )


class _Heartbeat:
    """Keeps a running attempt's heartbeat fresh from a daemon thread until stopped."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self.engine = engine
        self.run_id = run_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-run-{run_id}", daemon=True)
        self.thread.start()

    def _beat(self) -> None:
        """Refresh every HEARTBEAT_EVERY until stopped or the attempt is no longer running."""
        while not self.stopped.wait(HEARTBEAT_EVERY.total_seconds()):
            try:
                with write_transaction(self.engine) as conn:
                    if not job_runs.heartbeat(conn, self.run_id, datetime.now(UTC)):
                        return
            except Exception:  # a missed beat is retried; the work must not die for it
                continue

    def stop(self) -> None:
        """Stop beating and release the engine."""
        self.stopped.set()
        self.thread.join(timeout=5)
        self.engine.dispose()


_beats: dict[int, _Heartbeat] = {}


def claim_week(
    config: Config,
    window: Window,
    trigger: str,
    force: bool = False,
    job_run_id: int | None = None,
) -> int:
    """Claim the week (or take over the scheduler's claim `job_run_id`) and return the run id.

    Refused claims exit 3 with one line. The attempt's heartbeat is kept fresh until
    finish_week.
    """
    from buzz.jobs import engine_for

    engine = engine_for(config)
    try:
        run_id = _claim(engine, window, trigger, force, job_run_id)
    except BaseException:
        engine.dispose()
        raise
    _beats[run_id] = _Heartbeat(engine, run_id)
    return run_id


def _claim(
    engine: Engine, window: Window, trigger: str, force: bool, job_run_id: int | None
) -> int:
    """Claim or take over, failing with one line when that is not possible."""
    if job_run_id is None:
        claim = try_claim_week(engine, window, trigger, force)
        if not claim.granted:
            hint = "; use --force to redo it" if claim.refused == "done" else ""
            fail(refusal_message(claim) + hint, code=EXIT_REFUSED)
        return claim.attempt.id
    holder = me()
    with write_transaction(engine) as conn:
        found = job_runs.get_attempt(conn, job_run_id)
        if found is None or found.job != JOB:
            fail(f"--job-run: no weekly job run {job_run_id}")
        if found.period != window.week_id:
            fail(f"--job-run: run {job_run_id} is for week {found.period}, not {window.week_id}")
        if not job_runs.adopt(conn, job_run_id, holder.host, holder.pid, datetime.now(UTC)):
            fail(
                f"--job-run: run {job_run_id} is {found.status}, not running "
                f"(since {when(found.finished_at)})",
                code=EXIT_REFUSED,
            )
    return job_run_id


def finish_week(
    config: Config, job_run_id: int, status: str, exit_code: int | None, detail: str = ""
) -> None:
    """Record how the week's attempt ended and stop its heartbeat."""
    beat = _beats.pop(job_run_id, None)
    if beat is not None:
        beat.stop()
    from buzz.jobs import engine_for

    engine = engine_for(config)
    try:
        with write_transaction(engine) as conn:
            job_runs.finish(conn, job_run_id, status, exit_code, detail, datetime.now(UTC))
    finally:
        engine.dispose()


@dataclass(slots=True)
class Outcome:
    """What the body of a recorded week may say about itself before it fails."""

    status: str = "failed"
    """The status a non-zero exit records: `failed`, or `incomplete` for a partial crawl."""
    detail: str = ""
    """What the attempt records beside its status (the failed Scrapyd shards, one per `;`)."""


def exit_code_of(exc: BaseException) -> int:
    """The process exit code an exception leaving a command will turn into."""
    if isinstance(exc, typer.Exit):
        return int(exc.exit_code)
    if isinstance(exc, SystemExit):
        code = exc.code
        if code is None:
            return 0
        return code if isinstance(code, int) else 1
    if isinstance(exc, KeyboardInterrupt):
        return 130
    return 1


@contextmanager
def recorded_week(config: Config, job_run_id: int) -> Iterator[Outcome]:
    """Finish the attempt when the block ends: ok on success, else failed with the exit code."""
    outcome = Outcome()
    try:
        yield outcome
    except BaseException as exc:
        code = exit_code_of(exc)
        if code == 0:
            finish_week(config, job_run_id, _success(outcome), 0, outcome.detail)
        else:
            ended = isinstance(exc, typer.Exit | SystemExit)
            detail = outcome.detail if ended else _describe(exc)
            finish_week(config, job_run_id, outcome.status, code, detail)
        raise
    finish_week(config, job_run_id, _success(outcome), 0, outcome.detail)


def _success(outcome: Outcome) -> str:
    """An attempt that exited 0: `ok`, or `incomplete` when accepted so, to stay redoable."""
    return "incomplete" if outcome.status == "incomplete" else "ok"


def _describe(exc: BaseException) -> str:
    """An exception as one line for the detail column."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__
