"""The unattended weekly job: APScheduler 3 with its jobs in the project database.

The job store keeps the next run time across restarts, so a slot missed while no scheduler was
running fires once when one starts. Which weeks to run is decided when the slot fires, and each
week is claimed in job_runs before its child `buzz weekly` starts: the claim, not APScheduler,
makes sure a week runs once however many schedulers share the database.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy.engine import Engine

from buzz.config import Config, load_config
from buzz.job_claims import JOB, refusal_message, try_claim_week
from ranking.windows import TAIPEI, Window, last_complete_week, parse_week
from storage import job_runs
from storage.db import write_transaction

logger = logging.getLogger("buzz.scheduler")

JOB_ID = "weekly"
JOB_FUNC = "buzz.scheduler:scheduled_weekly"
MAX_CATCH_UP = 4
"""At most this many weeks are run by one slot: the last complete one and those missed before."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


@dataclass(frozen=True, slots=True)
class At:
    """A weekly slot: weekday and time of day in Asia/Taipei."""

    day: str
    hour: int
    minute: int
    second: int = 0

    def __str__(self) -> str:
        """As --at takes it: mon 06:00, or wed 15:47:30 when there are seconds."""
        seconds = f":{self.second:02d}" if self.second else ""
        return f"{self.day} {self.hour:02d}:{self.minute:02d}{seconds}"


def parse_at(text: str) -> At:
    """Parse 'mon 06:00' or 'wed 15:47:30'; ValueError otherwise."""
    try:
        day, clock = text.lower().split()
        parts = [int(x) for x in clock.split(":")]
    except ValueError:
        raise ValueError(f"{text!r} is not a weekday and time like 'mon 06:00'") from None
    if day not in DAYS or len(parts) not in (2, 3):
        raise ValueError(f"{text!r} is not a weekday and time like 'mon 06:00'")
    hour, minute, second = (*parts, 0)[:3]
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
        raise ValueError(f"{text!r} is not a weekday and time like 'mon 06:00'")
    return At(day, hour, minute, second)


def weekly_trigger(at: At) -> Any:
    """The cron trigger of a weekly slot, Asia/Taipei."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(
        day_of_week=at.day, hour=at.hour, minute=at.minute, second=at.second, timezone=TAIPEI
    )


def next_runs(at: At, after: datetime, n: int = 3) -> list[datetime]:
    """The next n fire times of the slot after a time."""
    trigger = weekly_trigger(at)
    runs: list[datetime] = []
    for _ in range(n):
        start = runs[-1] + timedelta(seconds=1) if runs else after
        runs.append(trigger.get_next_fire_time(None, start))
    return runs


def weeks_to_run(now: datetime, last_ok: str | None, limit: int = MAX_CATCH_UP) -> list[Window]:
    """The last complete week, and the weeks missed since the last published one, oldest first."""
    week = last_complete_week(now)
    if last_ok is None:
        return [week]
    done = parse_week(last_ok).start
    weeks = [week]
    while len(weeks) < limit and weeks[0].previous().start > done:
        weeks.insert(0, weeks[0].previous())
    return weeks


def shared_job_store(engine: Engine) -> Any:
    """APScheduler's SQLAlchemy store on the project's apscheduler_jobs table."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    class SharedJobStore(SQLAlchemyJobStore):  # type: ignore[misc]
        """The store, shared by every scheduler on the database.

        APScheduler 3 assumes one scheduler per store: when another scheduler fires a slot
        first and moves the job on, this one would skip that slot without a word. Remembering
        the run time it last saw for each job lets it fire the slot too; the week's claim then
        refuses it and says who ran the week.
        """

        def __init__(self) -> None:
            super().__init__(engine=engine, tablename="apscheduler_jobs")
            self.expected: dict[str, datetime] = {}

        def _remember(self, job: Any) -> None:
            if job.next_run_time is None:
                self.expected.pop(job.id, None)
            else:
                self.expected[job.id] = job.next_run_time

        def lookup_job(self, job_id: str) -> Any:
            job = super().lookup_job(job_id)
            if job is not None:
                self._remember(job)
            return job

        def add_job(self, job: Any) -> None:
            super().add_job(job)
            self._remember(job)

        def update_job(self, job: Any) -> None:
            super().update_job(job)
            self._remember(job)

        def remove_job(self, job_id: str) -> None:
            super().remove_job(job_id)
            self.expected.pop(job_id, None)

        def get_due_jobs(self, now: datetime) -> list[Any]:
            due = []
            for job in self.get_all_jobs():
                seen = self.expected.get(job.id)
                if job.next_run_time is None:
                    continue
                if seen is not None and seen < job.next_run_time and seen <= now:
                    job._modify(next_run_time=seen)  # the slot another scheduler moved past
                if job.next_run_time <= now:
                    due.append(job)
            return due

        def get_next_run_time(self) -> datetime | None:
            stored: datetime | None = super().get_next_run_time()
            times = [t for t in (stored, *self.expected.values()) if t is not None]
            return min(times) if times else None

    return SharedJobStore()


def make_scheduler(engine: Engine) -> Any:
    """A BackgroundScheduler over the shared store: one job thread, coalesced, never too late."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    return BackgroundScheduler(
        jobstores={"default": shared_job_store(engine)},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults=JOB_DEFAULTS,
        timezone=TAIPEI,
    )


def job_kwargs(
    boards: str | None, now: str | None, sources: str | None = None, scrapyd: str | None = None
) -> dict[str, str | None]:
    """The persisted arguments of the scheduled job (scrapyd only when given: older jobs match)."""
    kwargs = {"boards": boards, "now": now, "sources": sources}
    return {**kwargs, "scrapyd": scrapyd} if scrapyd else kwargs


def ensure_job(scheduler: Any, at: At, kwargs: dict[str, str | None]) -> str:
    """Add the weekly job, or keep the stored one and its next run time; say which."""
    from apscheduler.jobstores.base import ConflictingIdError

    trigger = weekly_trigger(at)
    job = scheduler.get_job(JOB_ID)
    if job is None:
        try:
            job = scheduler.add_job(
                JOB_FUNC,
                trigger,
                id=JOB_ID,
                name=f"buzz weekly at {at}",
                kwargs=kwargs,
                **JOB_DEFAULTS,
            )
            return f"scheduled the weekly job at {at} Asia/Taipei"
        except ConflictingIdError:  # another scheduler added it a moment ago
            job = scheduler.get_job(JOB_ID)
    changes: dict[str, Any] = {
        key: value for key, value in JOB_DEFAULTS.items() if getattr(job, key) != value
    }
    if job.kwargs != kwargs:
        changes["kwargs"] = kwargs
    if changes:
        job = scheduler.modify_job(JOB_ID, **changes)
    if repr(job.trigger) == repr(trigger):
        return f"kept the weekly job at {at} Asia/Taipei"
    if job.next_run_time is not None and job.next_run_time <= datetime.now(TAIPEI):
        # A slot was missed: it still runs once now, and the new time applies after it.
        scheduler.modify_job(JOB_ID, trigger=trigger, name=f"buzz weekly at {at}")
    else:
        scheduler.reschedule_job(JOB_ID, trigger=trigger)
        scheduler.modify_job(JOB_ID, name=f"buzz weekly at {at}")
    return f"moved the weekly job to {at} Asia/Taipei"


class Runtime:
    """What a running scheduler process shares with its job thread: stopping, the child."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None

    def start_child(self, argv: list[str]) -> subprocess.Popen[bytes] | None:
        """Start the child unless stopping; its own session keeps a terminal's Ctrl-C ours."""
        with self._lock:
            if self.stopping.is_set():
                return None
            self._child = subprocess.Popen(argv, start_new_session=True)
            return self._child

    def child_done(self) -> None:
        """Forget the finished child."""
        with self._lock:
            self._child = None

    def stop(self, signum: int) -> None:
        """Stop starting children and pass the signal on to the running one."""
        with self._lock:
            self.stopping.set()
            if self._child is not None and self._child.poll() is None:
                self._child.send_signal(signum)


RUNTIME = Runtime()


def passthrough(
    boards: str | None, now: str | None, sources: str | None = None, scrapyd: str | None = None
) -> list[str]:
    """The options the child weekly gets from the scheduler's command line."""
    args: list[str] = []
    if scrapyd:
        args += ["--scrapyd", scrapyd]
    if now:
        args += ["--now", now]
    if sources:
        args += ["--sources", sources]
    if boards:
        args += ["--channels", boards]
    return args


def scheduled_weekly(
    boards: str | None = None,
    now: str | None = None,
    sources: str | None = None,
    scrapyd: str | None = None,
) -> None:
    """The scheduled job: claim each week to run and run it in a child `buzz weekly`."""
    from buzz.jobs import engine_for

    config = load_config()
    clock = datetime.fromisoformat(now) if now else datetime.now(TAIPEI)
    engine = engine_for(config)
    try:
        with engine.connect() as conn:
            weeks = weeks_to_run(clock, job_runs.last_ok_period(conn, JOB))
        for window in weeks:
            if RUNTIME.stopping.is_set():
                break
            extra = passthrough(boards, now, sources, scrapyd)
            run_scheduled_week(config, engine, window, extra)
    finally:
        engine.dispose()


def run_scheduled_week(config: Config, engine: Engine, window: Window, extra: list[str]) -> None:
    """Claim one week and run it in a child; a refused claim is one line, not an error."""
    claim = try_claim_week(engine, window, "schedule")
    if not claim.granted:
        logger.info("%s", refusal_message(claim))
        return
    if claim.crashed is not None:
        logger.info("week %s: run %d had crashed", window.week_id, claim.crashed.id)
    run_id = claim.attempt.id
    logger.info(
        "week %s: run %d (attempt %d) started", window.week_id, run_id, claim.attempt.attempt
    )
    argv = [sys.executable, "-m", "buzz", "weekly", "--week", window.week_id]
    argv += ["--job-run", str(run_id), "--quiet", *extra]
    try:
        child = RUNTIME.start_child(argv)
    except OSError as exc:
        child, why = None, f"could not start the child: {exc}"
    else:
        why = "not started: the scheduler was stopping"
    if child is None:
        with write_transaction(engine) as conn:
            job_runs.finish(conn, run_id, "failed", None, why, datetime.now(UTC))
        logger.info("week %s: run %d failed: %s", window.week_id, run_id, why)
        return
    try:
        code = child.wait()
    finally:
        RUNTIME.child_done()
    status = _record_exit(engine, run_id, code)
    logger.info("week %s: run %d %s (exit %d)", window.week_id, run_id, status, _shown(code))


def _shown(code: int) -> int:
    """A child's exit code as a shell shows it: 128 + N when signal N killed it."""
    return 128 - code if code < 0 else code


def _record_exit(engine: Engine, run_id: int, code: int) -> str:
    """Store the child's exit code; close its attempt if the child died without doing so."""
    shown = _shown(code)
    with write_transaction(engine) as conn:
        job_runs.set_exit_code(conn, run_id, shown)
        found = job_runs.get_attempt(conn, run_id)
        if found is None or found.status != "running":
            return found.status if found else "gone"
        if code < 0:
            status, why = "crashed", f"killed by {signal.Signals(-code).name}"
        else:
            status, why = "failed", f"exited {code} without recording its end"
        job_runs.finish(conn, run_id, status, shown, why, datetime.now(UTC))
        return status


def serve(
    config: Config,
    at: At,
    boards: str | None,
    now: str | None,
    sources: str | None = None,
    scrapyd: str | None = None,
) -> None:
    """Run the scheduler until SIGINT or SIGTERM, then stop cleanly (the child gets the signal)."""
    from buzz.jobs import engine_for

    engine = engine_for(config)
    scheduler = make_scheduler(engine)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        RUNTIME.stop(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        scheduler.start(paused=True)
        logger.info(
            "%s; pid %d; Ctrl-C to stop",
            ensure_job(scheduler, at, job_kwargs(boards, now, sources, scrapyd)),
            os.getpid(),
        )
        job = scheduler.get_job(JOB_ID)
        if job is not None and job.next_run_time is not None:
            logger.info("next weekly run: %s", job.next_run_time.astimezone(TAIPEI).isoformat())
        scheduler.resume()
        while not RUNTIME.stopping.wait(1.0):
            pass
        logger.info("stopping: waiting for the running week, if any")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for s, handler in previous.items():
            signal.signal(s, handler)
        engine.dispose()
    logger.info("scheduler stopped")
