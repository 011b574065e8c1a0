"""Hostile sites: every source's replica failing 20% of its answers, in every way it can.

(a) Faults on first attempts only (429 with Retry-After, 500, 503, timeouts, connection resets,
cut-off pages with and without a matching Content-Length, challenge pages, Big5 declared as
UTF-8 and the reverse): `buzz weekly` retries them all and every count equals the truth.
(b) Faults that never go away, over a database a clean crawl filled: nothing from a fault page
is stored (no reply marked removed, no thread retired, nothing changed), and the crawl says
which channels are incomplete.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import ROOT, assert_truth_counts, buzz_env, stored_counts, table_sizes
from sqlalchemy import select
from storage_fixtures import SQLITE, database_urls, fresh_database

from buzz.configfile import FileSettings, SourceSettings, render
from crawlers.sources import Source, all_sources
from ranking.windows import TAIPEI, week_starting
from replica import sources as replica_sources
from replica.faults import KINDS, FaultPlan
from replica.server import RunningReplica, serve_in_thread
from storage.db import make_engine
from storage.models import Thread

pytestmark = pytest.mark.e2e

NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
WEEK = date(2019, 2, 4)
RATE = 0.2


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _sources() -> list[Source]:
    return [s for s in all_sources() if s.name in replica_sources.names()]


def _buzz(
    args: list[str], db_url: str, tmp: Path, sites: dict[str, RunningReplica]
) -> subprocess.CompletedProcess[str]:
    """Run buzz with every source enabled at its replica, short timeouts, local politeness."""
    env = buzz_env(db_url, sites["ptt"].url, tmp)
    sources = _sources()
    for s in sources:
        env[s.base_url_env] = sites[s.name].url
    config = tmp / "all.toml"
    settings = FileSettings(tuple(SourceSettings(s.name, s.default_channels) for s in sources))
    config.write_text(render(settings), encoding="utf-8")
    env.update(BUZZ_CONFIG=str(config), BUZZ_DOWNLOAD_TIMEOUT="1")
    return subprocess.run(
        [sys.executable, "-m", "buzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _serve(stack: ExitStack, plan: FaultPlan) -> dict[str, RunningReplica]:
    return {
        s.name: stack.enter_context(serve_in_thread(s.name, now=NOW, plan=plan)) for s in _sources()
    }


def _assert_counts_match_truth(db_url: str) -> None:
    window = week_starting(WEEK)
    counts = stored_counts(db_url, window.start, window.end)
    for s in _sources():
        assert assert_truth_counts(counts, s.name, s.default_channels, WEEK, NOW) > 50, s.name


def test_weekly_with_a_fifth_of_answers_faulty_is_exact(db_url: str, tmp_path: Path) -> None:
    """Every fault kind on 20% of first attempts, every source: the week is still exact."""
    plan = FaultPlan(RATE, KINDS, repeat=False, timeout_seconds=2.0)
    with ExitStack() as stack:
        sites = _serve(stack, plan)
        args = ["weekly", "--week", WEEK.isoformat(), "--now", NOW.isoformat(), "--quiet"]
        proc = _buzz(args, db_url, tmp_path, sites)
        stats = {name: site.stats() for name, site in sites.items()}
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    for name, st in stats.items():
        assert st["faults"] >= 0.15 * st["requests"] * 0.5, (name, st)
        missing = set(KINDS) - set(st["by_fault"])
        assert not missing, f"{name}: no {missing} fault was served: {st['by_fault']}"
    _assert_counts_match_truth(db_url)


def _threads(db_url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Thread.platform, Thread.thread_key, Thread.status, Thread.content_hash
                ).order_by(Thread.platform, Thread.thread_key)
            ).all()
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
def test_pages_that_stay_faulty_change_nothing_stored(db_url: str, tmp_path: Path) -> None:
    """Cut-off, lost, challenged and mis-encoded pages on every attempt, after a clean crawl."""
    crawl = ["crawl", "--all", "--since", WEEK.isoformat(), "--now", NOW.isoformat(), "--quiet"]
    with ExitStack() as stack:
        proc = _buzz(crawl, db_url, tmp_path, _serve(stack, FaultPlan()))
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    before_replies, before_threads = table_sizes(db_url), _threads(db_url)
    assert before_replies["replies"] > 1000

    plan = FaultPlan(RATE, ("truncate", "short", "challenge", "encoding", "500"), repeat=True)
    with ExitStack() as stack:
        sites = _serve(stack, plan)
        proc = _buzz(crawl, db_url, tmp_path, sites)
        stats = {name: site.stats() for name, site in sites.items()}
    assert proc.returncode == 1, "a crawl that lost pages says so"
    out = proc.stdout + proc.stderr
    for s in _sources():
        assert stats[s.name]["by_fault"].get("truncate", 0) > 0, (s.name, stats[s.name])
        assert s.name in out and "incomplete" in out, out[-3000:]
    assert table_sizes(db_url) == before_replies, "a fault page changed stored replies"
    assert _threads(db_url) == before_threads, "a fault page changed or retired a thread"
