"""The scheduler: persisted slots survive a kill, two schedulers run a week once, `buzz status`.

The process tests run `buzz schedule` for real against the local replica (one small board) with
its jobs in a fresh database, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import storage_fixtures as h
from e2e_helpers import buzz_env
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from buzz.cli import app
from buzz.config import load_config
from buzz.scheduler import (
    JOB_ID,
    RUNTIME,
    At,
    ensure_job,
    job_kwargs,
    make_scheduler,
    next_runs,
    parse_at,
    run_scheduled_week,
    weeks_to_run,
)
from ranking.windows import TAIPEI, parse_week
from replica.server import RunningReplica, serve_in_thread
from storage import job_runs
from storage.db import make_engine, write_transaction
from storage.runs import finish_run, save_channels, start_run

db_url = h.db_url
engine = h.engine

ROOT = Path(__file__).resolve().parents[1]
REPLICA_NOW = "2019-02-11T09:00:00+08:00"
WEEK = "2019-02-04"


def test_at_takes_a_weekday_and_a_time_with_optional_seconds() -> None:
    assert parse_at("mon 06:00") == At("mon", 6, 0)
    assert parse_at("Wed 15:47:30") == At("wed", 15, 47, 30)
    assert str(parse_at("wed 15:47:30")) == "wed 15:47:30" and str(At("mon", 6, 0)) == "mon 06:00"
    for bad in ("someday 06:00", "mon 24:00", "mon 06", "mon 06:00:60", "06:00"):
        with pytest.raises(ValueError, match="weekday and time"):
            parse_at(bad)


def test_next_runs_are_the_following_slots_in_taipei() -> None:
    after = datetime(2019, 2, 11, 6, 0, 1, tzinfo=TAIPEI)
    runs = next_runs(parse_at("mon 06:00"), after)
    assert [r.isoformat() for r in runs] == [
        "2019-02-18T06:00:00+08:00",
        "2019-02-25T06:00:00+08:00",
        "2019-03-04T06:00:00+08:00",
    ]


def test_weeks_to_run_adds_missed_weeks_oldest_first_at_most_four() -> None:
    now = datetime(2019, 2, 11, 6, 0, tzinfo=TAIPEI)

    def ids(last_ok: str | None) -> list[str]:
        return [w.week_id for w in weeks_to_run(now, last_ok)]

    assert ids(None) == ["2019-02-04"]
    assert ids("2019-02-04") == ["2019-02-04"]
    assert ids("2019-01-28") == ["2019-02-04"]
    assert ids("2019-01-14") == ["2019-01-21", "2019-01-28", "2019-02-04"]
    assert ids("2018-10-01") == ["2019-01-14", "2019-01-21", "2019-01-28", "2019-02-04"]


@pytest.fixture
def schedulers(engine: Engine, db_url: str) -> Iterator[Callable[[], Any]]:
    """Make paused schedulers on the test database, each on its own engine; shut down after."""
    made: list[tuple[Any, Engine]] = []

    def make() -> Any:
        own = make_engine(db_url)
        scheduler = make_scheduler(own)
        scheduler.start(paused=True)
        made.append((scheduler, own))
        return scheduler

    yield make
    for scheduler, own in made:
        scheduler.shutdown(wait=False)
        own.dispose()


def stored_next_run(engine: Engine) -> datetime | None:
    """The weekly job's next run time as persisted."""
    with engine.connect() as conn:
        return job_runs.scheduled_jobs(conn)[JOB_ID]


def test_a_stored_job_keeps_its_next_run_time_until_at_changes(
    engine: Engine, schedulers: Callable[[], Any]
) -> None:
    tables = set(inspect(engine).get_table_names())
    first = schedulers()
    assert ensure_job(first, At("mon", 6, 0), job_kwargs(None, None)).startswith("scheduled")
    missed = datetime.now(UTC) - timedelta(days=3)
    first.modify_job(JOB_ID, next_run_time=missed)  # as if the slot came while nobody ran

    again = schedulers()
    assert ensure_job(again, At("mon", 6, 0), job_kwargs("Stock", None)).startswith("kept")
    assert stored_next_run(engine) == missed
    assert again.get_job(JOB_ID).kwargs == {"boards": "Stock", "now": None, "sources": None}

    moved = ensure_job(again, At("tue", 7, 30), job_kwargs("Stock", None))
    assert moved.startswith("moved") and stored_next_run(engine) == missed
    again.modify_job(JOB_ID, next_run_time=datetime.now(UTC) + timedelta(days=1))
    ensure_job(again, At("wed", 8, 0), job_kwargs("Stock", None))
    nxt = stored_next_run(engine)
    assert nxt is not None and nxt.astimezone(TAIPEI).strftime("%a %H:%M") == "Wed 08:00"
    assert set(inspect(engine).get_table_names()) == tables


def test_a_slot_another_scheduler_moved_past_is_still_fired_here(
    engine: Engine, schedulers: Callable[[], Any]
) -> None:
    """Otherwise the second scheduler would skip the slot silently instead of being refused."""
    a, b = schedulers(), schedulers()
    ensure_job(a, At("mon", 6, 0), job_kwargs(None, None))
    ensure_job(b, At("mon", 6, 0), job_kwargs(None, None))
    slot = b.get_job(JOB_ID).next_run_time
    a.modify_job(JOB_ID, next_run_time=slot + timedelta(days=7))  # a fired it first
    store = b._lookup_jobstore("default")
    assert store.get_next_run_time() == slot
    (due,) = store.get_due_jobs(slot + timedelta(seconds=1))
    assert due.id == JOB_ID and due.next_run_time == slot
    assert store.get_due_jobs(slot - timedelta(seconds=1)) == []


def fake_child(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Make the scheduler's child a Python one-liner instead of `buzz weekly`."""

    def start(argv: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", code])

    monkeypatch.setattr(RUNTIME, "start_child", start)


@pytest.mark.parametrize(
    ("code", "status", "exit_code", "detail"),
    [
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "crashed", 137, "SIGKILL"),
        ("raise SystemExit(4)", "failed", 4, "exited 4 without recording its end"),
    ],
)
def test_a_child_that_dies_without_finishing_is_closed_with_its_exit_code(
    engine: Engine,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    status: str,
    exit_code: int,
    detail: str,
) -> None:
    fake_child(monkeypatch, code)
    config = load_config({"BUZZ_DATABASE_URL": db_url})
    run_scheduled_week(config, engine, parse_week(WEEK), [])
    with engine.connect() as conn:
        (attempt,) = job_runs.list_attempts(conn, "weekly")
    assert (attempt.status, attempt.exit_code, attempt.trigger) == (status, exit_code, "schedule")
    assert detail in attempt.detail


def test_a_refused_week_is_one_log_line_and_starts_no_child(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with write_transaction(engine) as conn:
        c = job_runs.claim(conn, "weekly", WEEK, "manual", "h", 1, h.utc(2019, 2, 11), _dead)
        job_runs.finish(conn, c.attempt.id, "ok", 0, "", h.utc(2019, 2, 11, 1))
    fake_child(monkeypatch, "raise SystemExit('a child must not start')")
    caplog.set_level("INFO", logger="buzz.scheduler")
    run_scheduled_week(load_config({"BUZZ_DATABASE_URL": db_url}), engine, parse_week(WEEK), [])
    assert [r.getMessage() for r in caplog.records] == [
        f"week {WEEK} was already published by weekly job run {c.attempt.id} "
        "(manual, attempt 1, 2019-02-11 09:00 Asia/Taipei)"
    ]


def _dead(host: str, pid: int, beat: datetime | None, now: datetime) -> bool:
    return False


# Real `buzz schedule` processes against the replica.


@pytest.fixture(scope="module")
def replica() -> Iterator[RunningReplica]:
    """The local PTT, its clock at 2019-02-11 09:00 Taipei."""
    with serve_in_thread("ptt") as site:
        yield site


def slot_in(seconds: int) -> tuple[str, datetime]:
    """An --at value a few seconds from now, and the moment it names."""
    when = (datetime.now(TAIPEI) + timedelta(seconds=seconds)).replace(microsecond=0)
    return when.strftime("%a %H:%M:%S").lower(), when


class Scheduler:
    """One `buzz schedule` process, its output in a file."""

    def __init__(self, at: str, db_url: str, site: RunningReplica, tmp: Path, name: str) -> None:
        env = buzz_env(db_url, site.url, tmp)
        self.log = tmp / f"{name}.log"
        argv = [
            "schedule",
            "--at",
            at,
            "--now",
            REPLICA_NOW,
            "--sources",
            "ptt",
            "--boards",
            "Stock",
        ]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "buzz", *argv],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        """Everything it printed so far (its child's output included)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 45) -> None:
        """Wait until the output contains text."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.proc.poll() is None, f"scheduler exited early:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {text!r} after {timeout}s:\n{self.output()}"
            time.sleep(0.1)

    def stop(self) -> int:
        """SIGTERM, and its exit code once it stopped."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def start(
    db_url: str, replica: RunningReplica, tmp_path: Path
) -> Iterator[Callable[[str, str], Scheduler]]:
    """Start schedulers on the test database; kill whatever is left afterwards."""
    started: list[Scheduler] = []

    def run(at: str, name: str) -> Scheduler:
        started.append(Scheduler(at, db_url, replica, tmp_path, name))
        return started[-1]

    yield run
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def week_attempts(engine: Engine) -> list[job_runs.JobAttempt]:
    """Every weekly attempt at the replica's last complete week."""
    with engine.connect() as conn:
        return job_runs.list_attempts(conn, "weekly", WEEK)


def assert_ran_once(engine: Engine, winner_log: str) -> job_runs.JobAttempt:
    """One finished, scheduled attempt whose exit code matches what the scheduler logged."""
    (attempt,) = week_attempts(engine)
    assert attempt.trigger == "schedule" and attempt.status != "running", attempt
    assert f"run {attempt.id} {attempt.status} (exit {attempt.exit_code})" in winner_log
    assert (attempt.status == "ok") == (attempt.exit_code == 0), attempt
    return attempt


def test_a_slot_missed_while_the_scheduler_was_killed_runs_once_on_restart(
    engine: Engine, start: Callable[[str, str], Scheduler]
) -> None:
    at, slot = slot_in(8)
    first = start(at, "first")
    first.wait_for("next weekly run:")
    assert datetime.now(TAIPEI) < slot, "the scheduler took too long to start for this test"
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    assert stored_next_run(engine) == slot
    while datetime.now(TAIPEI) < slot + timedelta(seconds=1):
        time.sleep(0.1)
    assert week_attempts(engine) == []

    second = start(at, "second")
    second.wait_for("(exit ")
    assert "kept the weekly job" in second.output()
    assert second.stop() == 0
    assert "scheduler stopped" in second.output()
    attempt = assert_ran_once(engine, second.output())
    assert attempt.status == "ok", second.output()
    assert stored_next_run(engine) == slot + timedelta(days=7)


def test_two_schedulers_on_one_database_run_the_week_once_and_the_other_says_so(
    engine: Engine, start: Callable[[str, str], Scheduler]
) -> None:
    at, _ = slot_in(8)
    pair = [start(at, "a"), start(at, "b")]
    for s in pair:
        s.wait_for(f"week {WEEK}")
    (winner,) = [s for s in pair if f"week {WEEK}: run" in s.output()]
    (other,) = [s for s in pair if s is not winner]
    winner.wait_for("(exit ")
    run = week_attempts(engine)[0].id
    refusal = [line for line in other.output().splitlines() if f"by weekly job run {run} " in line]
    assert len(refusal) == 1 and f"week {WEEK} " in refusal[0], other.output()
    assert all(s.stop() == 0 for s in pair)
    attempt = assert_ran_once(engine, winner.output())
    assert attempt.status == "ok", winner.output()


# `buzz status`


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner on the test database."""
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    return CliRunner()


def test_status_says_when_there_is_nothing_yet(cli: CliRunner) -> None:
    result = cli.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    assert "scheduler: not scheduled" in result.stdout
    assert result.stdout.count("no runs yet") == 2


def test_status_shows_the_schedule_the_weekly_runs_and_each_channel_of_the_last_crawl(
    cli: CliRunner, engine: Engine, schedulers: Callable[[], Any]
) -> None:
    ensure_job(schedulers(), At("mon", 6, 0), job_kwargs(None, None))
    t = h.utc(2019, 2, 10, 22)
    with write_transaction(engine) as conn:
        c = job_runs.claim(conn, "weekly", WEEK, "schedule", "h", 1, t, _dead)
        job_runs.finish(conn, c.attempt.id, "incomplete", 1, "1 channel incomplete", t)
        old = start_run(conn, "ptt", {}, t - timedelta(days=7))
        finish_run(conn, old, t - timedelta(days=7), "complete", 1, 1, {})
        run = start_run(conn, "ptt", {}, t)
        save_channels(
            conn,
            run,
            [
                {"platform": "ptt", "channel": "Stock", "status": "complete", "pages": 94},
                {"platform": "ptt", "channel": "Gossiping", "status": "incomplete", "blocked": 3},
            ],
        )
        finish_run(conn, run, t + timedelta(minutes=2), "incomplete", 97, 90, {})
    table = cli.invoke(app, ["status"]).stdout
    assert "scheduler: next weekly run" in table and "06:00 Asia/Taipei" in table
    row = next(line for line in table.splitlines() if f" {WEEK} " in line)
    expected = [str(c.attempt.id), WEEK, "schedule", "1", "incomplete", "1", "2019-02-11"]
    assert row.split()[:7] == expected
    assert f"ptt run {run}: incomplete" in table and f"run {old}" not in table
    gossiping = next(
        line for line in table.splitlines() if "Gossiping" in line and "blocked" in line
    )
    assert "incomplete" in gossiping and "blocked 3" in gossiping
    data = json.loads(cli.invoke(app, ["status", "--json"]).stdout)
    assert data["job_runs"][0]["status"] == "incomplete"
    assert data["job_runs"][0]["started_at"] == "2019-02-10T22:00:00+00:00"
    assert [ch["channel"] for ch in data["crawls"][0]["channels"]] == ["Gossiping", "Stock"]
    assert data["scheduler"][0]["job"] == JOB_ID
