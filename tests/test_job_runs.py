"""Weekly job runs: one claim per week wins, done weeks are refused, dead holders are crashed.

On SQLite and PostgreSQL; the last tests run `buzz weekly`'s claim and finish wiring.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import storage_fixtures as h
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from buzz.cli import app
from storage import job_runs
from storage.db import make_engine, write_transaction

db_url = h.db_url
engine = h.engine

T = h.utc(2019, 2, 10, 22)  # Monday 2019-02-11 06:00 in Taipei
WEEK = "2019-02-04"


def alive_if(*live: int) -> job_runs.Alive:
    """An `alive` predicate that knows which pids are running."""
    return lambda host, pid, beat, now: pid in live


def claim(engine: Engine, pid: int, *live: int, force: bool = False, at: Any = T) -> job_runs.Claim:
    """Claim the week as process `pid` on host h, with `live` the pids still running."""
    with write_transaction(engine) as conn:
        return job_runs.claim(
            conn, "weekly", WEEK, "schedule", "h", pid, at, alive_if(*live), force=force
        )


def finish(engine: Engine, run_id: int, status: str, code: int | None) -> bool:
    """Close an attempt an hour after T."""
    with write_transaction(engine) as conn:
        return job_runs.finish(conn, run_id, status, code, "", T + timedelta(hours=1))


def test_first_claim_is_attempt_one_and_a_done_week_is_refused(engine: Engine) -> None:
    first = claim(engine, 10, 10)
    assert first.granted and first.attempt.attempt == 1 and first.attempt.status == "running"
    assert finish(engine, first.attempt.id, "ok", 0)
    again = claim(engine, 11, 11)
    assert not again.granted and again.refused == "done"
    assert again.attempt.id == first.attempt.id and again.attempt.trigger == "schedule"
    assert again.attempt.finished_at == T + timedelta(hours=1)


def test_a_running_attempt_with_a_live_holder_is_refused_even_with_force(engine: Engine) -> None:
    first = claim(engine, 10, 10)
    for force in (False, True):
        refused = claim(engine, 11, 10, 11, force=force)
        assert not refused.granted and refused.refused == "running"
        assert refused.attempt.id == first.attempt.id and refused.attempt.pid == 10


def test_a_dead_holder_is_closed_as_crashed_and_a_new_attempt_starts(engine: Engine) -> None:
    first = claim(engine, 10, 10)
    second = claim(engine, 11, 11, at=T + timedelta(minutes=5))
    assert second.granted and second.attempt.attempt == 2 and second.attempt.pid == 11
    assert second.crashed is not None and second.crashed.id == first.attempt.id
    with engine.connect() as conn:
        old = job_runs.get_attempt(conn, first.attempt.id)
    assert old is not None and old.status == "crashed"
    assert old.finished_at == T + timedelta(minutes=5) and "10" in old.detail


def test_failed_weeks_are_retried_and_force_redoes_a_done_week(engine: Engine) -> None:
    first = claim(engine, 10, 10)
    finish(engine, first.attempt.id, "failed", 1)
    second = claim(engine, 11, 11)
    assert second.granted and second.attempt.attempt == 2
    finish(engine, second.attempt.id, "ok", 0)
    third = claim(engine, 12, 12, force=True)
    assert third.granted and third.attempt.attempt == 3
    with engine.connect() as conn:
        listed = [(a.attempt, a.status, a.exit_code) for a in job_runs.list_attempts(conn)]
    assert sorted(listed) == [(1, "failed", 1), (2, "ok", 0), (3, "running", None)]


def test_finish_only_closes_running_attempts_and_exit_codes_can_be_corrected(
    engine: Engine,
) -> None:
    run = claim(engine, 10, 10).attempt.id
    assert finish(engine, run, "ok", 0)
    assert not finish(engine, run, "failed", 1)
    with write_transaction(engine) as conn:
        assert job_runs.set_exit_code(conn, run, 137)
        assert not job_runs.heartbeat(conn, run, T)
        with pytest.raises(ValueError, match="unknown job status"):
            job_runs.finish(conn, run, "done", 0, "", T)
    with engine.connect() as conn:
        row = job_runs.get_attempt(conn, run)
    assert row is not None and (row.status, row.exit_code) == ("ok", 137)


def test_a_claim_waiting_on_an_uncommitted_one_is_refused_with_the_winner(
    engine: Engine, db_url: str
) -> None:
    """On PostgreSQL the loser inserts attempt 1 too and loses on the unique constraint."""
    other = make_engine(db_url)
    outcome: list[job_runs.Claim] = []
    try:
        with write_transaction(engine) as conn:
            won = job_runs.claim(conn, "weekly", WEEK, "manual", "h", 10, T, alive_if(10, 11))
            racer = threading.Thread(target=lambda: outcome.append(claim(other, 11, 10, 11)))
            racer.start()
            time.sleep(0.5)  # the racer is now blocked behind this transaction
        racer.join(timeout=30)
    finally:
        other.dispose()
    (lost,) = outcome
    assert won.granted and not lost.granted and lost.refused == "running"
    assert lost.attempt.id == won.attempt.id and lost.attempt.trigger == "manual"


def test_concurrent_claims_from_two_engines_let_exactly_one_win(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(4)]
    start = threading.Barrier(len(engines))
    results: list[job_runs.Claim] = []
    lock = threading.Lock()

    def race(n: int) -> None:
        start.wait()
        result = claim(engines[n], 100 + n, *range(100, 100 + len(engines)))
        with lock:
            results.append(result)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(len(engines))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        for e in engines:
            e.dispose()
    granted = [r for r in results if r.granted]
    assert len(results) == len(engines) and len(granted) == 1
    assert {r.attempt.id for r in results} == {granted[0].attempt.id}


def test_last_ok_period_and_scheduled_jobs_are_read_back(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        assert job_runs.last_ok_period(conn, "weekly") is None
        for period, status in (
            ("2019-01-21", "ok"),
            ("2019-01-28", "ok"),
            ("2019-02-04", "failed"),
        ):
            c = job_runs.claim(conn, "weekly", period, "schedule", "h", 1, T, alive_if())
            job_runs.finish(conn, c.attempt.id, status, 0, "", T)
        assert job_runs.last_ok_period(conn, "weekly") == "2019-01-28"
        assert job_runs.scheduled_jobs(conn) == {}


# `buzz weekly`: the claim and finish wiring, with the crawl replaced by a stub.


@pytest.fixture
def cli_db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at the fresh database and a throwaway reports folder."""
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    return db_url


def attempts(url: str) -> list[job_runs.JobAttempt]:
    """Every weekly attempt for WEEK, oldest first."""
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return sorted(job_runs.list_attempts(conn, "weekly", WEEK), key=lambda a: a.attempt)
    finally:
        eng.dispose()


def stub_crawl(monkeypatch: pytest.MonkeyPatch, outcome: Exception | None) -> None:
    """Make the weekly crawl raise `outcome`, or end the command at once with exit 0."""
    import buzz.jobs

    def fake(config: Any, requests: Any) -> Any:
        if outcome is not None:
            raise outcome
        raise SystemExit(0)

    monkeypatch.setattr(buzz.jobs, "run_crawls", fake)


def test_weekly_refuses_a_published_week_in_one_line_and_force_redoes_it(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(cli_db)
    done = claim(eng, 10, 10).attempt.id
    finish(eng, done, "ok", 0)
    eng.dispose()
    stub_crawl(monkeypatch, None)
    runner = CliRunner()
    refused = runner.invoke(app, ["weekly", "--week", WEEK, "--quiet"])
    assert refused.exit_code == 3, refused.output
    (line,) = [x for x in refused.stderr.splitlines() if x.strip()]
    assert line == (
        f"buzz: week {WEEK} was already published by weekly job run {done} "
        "(schedule, attempt 1, 2019-02-11 07:00 Asia/Taipei); use --force to redo it"
    )
    forced = runner.invoke(app, ["weekly", "--week", WEEK, "--quiet", "--force"])
    assert forced.exit_code == 0, forced.output
    new = attempts(cli_db)[-1]
    assert (new.attempt, new.trigger, new.status, new.exit_code) == (2, "manual", "ok", 0)


def test_weekly_records_failed_with_the_exit_code_or_the_exception(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    stub_crawl(monkeypatch, SystemExit(5))
    assert runner.invoke(app, ["weekly", "--week", WEEK, "--quiet"]).exit_code == 5
    stub_crawl(monkeypatch, RuntimeError("the reactor\nexploded"))
    result = runner.invoke(app, ["weekly", "--week", WEEK, "--quiet"])
    assert result.exit_code != 0
    first, second = attempts(cli_db)
    assert (first.status, first.exit_code, first.detail) == ("failed", 5, "")
    assert (second.status, second.exit_code) == ("failed", 1)
    assert second.detail == "RuntimeError: the reactor exploded"


def test_weekly_with_job_run_takes_over_the_schedulers_claim(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    eng = make_engine(cli_db)
    run = claim(eng, 10, 10).attempt.id
    eng.dispose()
    stub_crawl(monkeypatch, None)
    runner = CliRunner()
    wrong = runner.invoke(app, ["weekly", "--week", "2019-01-28", "--job-run", str(run)])
    assert wrong.exit_code == 2 and f"run {run} is for week {WEEK}" in wrong.stderr
    ok = runner.invoke(app, ["weekly", "--week", WEEK, "--job-run", str(run), "--quiet"])
    assert ok.exit_code == 0, ok.output
    (only,) = attempts(cli_db)
    import os

    assert (only.id, only.status, only.pid, only.trigger) == (run, "ok", os.getpid(), "schedule")
    again = runner.invoke(app, ["weekly", "--week", WEEK, "--job-run", str(run)])
    assert again.exit_code == 3 and f"run {run} is ok, not running" in again.stderr
