"""Per-channel run tallies, crashed runs closed on the next start, and the one-writer guard."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import storage_fixtures as h
from sqlalchemy.engine import Engine

from storage.db import make_engine, write_transaction
from storage.locks import acquire_lock, attach_run, heartbeat_lock, lock_holder, release_lock
from storage.migrate import upgrade
from storage.runs import (
    channel_crawls,
    close_crashed_runs,
    finish_run,
    list_runs,
    save_channels,
    start_run,
)

db_url = h.db_url
engine = h.engine

T = h.utc(2024, 7, 15, 2)


def alive_if(*live: int):  # type: ignore[no-untyped-def]
    """An `alive` predicate that knows which pids are running."""
    return lambda host, pid, beat, now: pid in live


def test_channel_tallies_are_stored_with_their_run_and_listed(engine: Engine) -> None:
    with engine.begin() as conn:
        run = start_run(conn, "ptt", {}, T, host="h", pid=1, covers_from=T, observed_at=T)
        save_channels(
            conn,
            run,
            [
                {"platform": "ptt", "channel": "Stock", "status": "complete", "pages": 9},
                {
                    "platform": "ptt",
                    "channel": "Gosiping",
                    "status": "failed",
                    "not_found": 1,
                    "detail": "board not found (404)",
                },
            ],
        )
        finish_run(conn, run, T + timedelta(minutes=1), "incomplete", 10, 3, {}, "finished")
    with engine.connect() as conn:
        (listed,) = list_runs(conn)
        crawls = channel_crawls(conn, "ptt")
    assert [c["channel"] for c in listed["channels"]] == ["Gosiping", "Stock"]
    assert listed["channels"][0]["not_found"] == 1 and listed["finish_reason"] == "finished"
    assert {c["channel"]: c["status"] for c in crawls} == {
        "Stock": "complete",
        "Gosiping": "failed",
    }
    assert all(c["observed_at"] == T and c["run_status"] == "incomplete" for c in crawls)


def test_an_unknown_channel_status_is_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="channel status"):
        run = start_run(conn, "ptt", {}, T)
        save_channels(conn, run, [{"platform": "ptt", "channel": "x", "status": "ok"}])


def test_running_runs_of_dead_processes_are_closed_as_crashed(engine: Engine) -> None:
    with engine.begin() as conn:
        dead = start_run(conn, "ptt", {}, T, host="h", pid=111)
        live = start_run(conn, "ptt", {}, T, host="h", pid=222)
        assert close_crashed_runs(conn, alive_if(222), T + timedelta(hours=1)) == [dead]
        assert close_crashed_runs(conn, alive_if(222), T + timedelta(hours=1)) == []
    with engine.connect() as conn:
        status = {r["id"]: r["status"] for r in list_runs(conn)}
    assert status == {dead: "crashed", live: "running"}


def test_one_holder_per_key_until_released_or_dead(engine: Engine) -> None:
    with engine.begin() as conn:
        assert acquire_lock(conn, "crawl:ptt", "h", 1, T, alive_if(1)) == (True, None)
        ok, holder = acquire_lock(conn, "crawl:ptt", "h", 2, T, alive_if(1, 2))
        assert not ok and holder is not None and holder.pid == 1
        assert acquire_lock(conn, "crawl:dcard", "h", 2, T, alive_if(1, 2))[0]
        attach_run(conn, "crawl:ptt", "h", 1, 42)
        assert heartbeat_lock(conn, "crawl:ptt", "h", 1, T + timedelta(seconds=30))
        assert not heartbeat_lock(conn, "crawl:ptt", "h", 2, T)
        # the holder died: the next process takes over and is told whose lock it was
        ok, previous = acquire_lock(conn, "crawl:ptt", "h", 3, T, alive_if(2, 3))
        assert ok and previous is not None and (previous.pid, previous.run_id) == (1, 42)
        assert not release_lock(conn, "crawl:ptt", "h", 1)
        assert release_lock(conn, "crawl:ptt", "h", 3)
        assert lock_holder(conn, "crawl:ptt") is None


def test_sqlite_writers_wait_for_the_lock_instead_of_failing(tmp_path: Path) -> None:
    """A writer that reads before it writes waits for the other writer instead of failing."""
    import threading

    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    upgrade(url)
    first, second = make_engine(url), make_engine(url)
    started, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        with write_transaction(first) as conn:
            start_run(conn, "ptt", {}, T)
            started.set()
            done.wait(2.0)

    thread = threading.Thread(target=hold)
    thread.start()
    started.wait(5)
    try:
        timer = threading.Timer(0.3, done.set)
        timer.start()
        with write_transaction(second) as conn:
            list_runs(conn)  # a deferred BEGIN would now hold a snapshot the commit invalidates
            done.set()
            thread.join()
            start_run(conn, "ptt", {}, T)
    except BaseException as exc:  # pragma: no cover - the failure this test guards against
        errors.append(exc)
    thread.join()
    with first.connect() as conn:
        assert len(list_runs(conn)) == 2
    first.dispose()
    second.dispose()
    assert errors == []


def test_datetime_type_checks_still_apply(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError):
        start_run(conn, "ptt", {}, datetime(2024, 7, 15))
