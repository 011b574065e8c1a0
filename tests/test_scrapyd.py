"""`buzz weekly --scrapyd` on two real Scrapyd processes gives the board a local run gives.

Two Scrapyd servers run on loopback, each in its own folder with its own scrapyd.conf and the
project's scrapy.cfg (no eggs: the project is installed, as on a node that installed the wheel),
both writing to one PostgreSQL database named in their environment. The replicas of every
source serve the same world to the local run and to the dispatched one; the stored leaderboards
must be equal, and each source's channels must have been crawled in two shards, one per node.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import ROOT, buzz_env
from storage_fixtures import POSTGRESQL, fresh_database, postgres_url

from buzz.configfile import FileSettings, SourceSettings, render
from crawlers.sources import all_sources
from ranking.windows import TAIPEI, week_starting
from replica import sources as replica_sources
from replica.server import serve_in_thread
from storage import job_runs
from storage.db import make_engine
from storage.leaderboards import load_leaderboards, load_week_status
from storage.locks import lock_holder
from storage.runs import list_runs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(
        postgres_url() is None,
        reason="BUZZ_TEST_DATABASE_URL is not set: Scrapyd nodes share a PostgreSQL database",
    ),
]

NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
WEEK = date(2019, 2, 4)
CHANNELS = {"dcard": ("美食", "工作"), "ptt": ("Food", "Tech_Job")}
"""The JSON-API model and the HTML one, two small channels each: one shard per node."""
EARLIER = date(2019, 1, 28)
"""The node-down run's week: no crawl of the other test covers it."""


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class World:
    """The replicas, the crawl configuration and the nodes' shared database."""

    sites: dict[str, str]
    config: Path
    node_db: str
    nodes: list[str]


def start_node(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """One Scrapyd in its own folder: its scrapyd.conf, the project's scrapy.cfg, a free port."""
    folder.mkdir(parents=True)
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {folder / 'eggs'}\n"
        f"logs_dir = {folder / 'logs'}\n"
        f"dbs_dir = {folder / 'dbs'}\n"
        "poll_interval = 0.2\n",
        encoding="utf-8",
    )
    (folder / "scrapy.cfg").write_text(
        (ROOT / "scrapy.cfg").read_text(encoding="utf-8"), encoding="utf-8"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrapyd", "--pidfile=", "-l", str(folder / "scrapyd.log")],
        cwd=folder,
        env={**env, "HOME": str(folder)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_up(url: str, proc: subprocess.Popen[bytes], folder: Path) -> None:
    """Until daemonstatus.json answers (20 s at most)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/daemonstatus.json", timeout=1) as r:
                if json.loads(r.read())["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    log = folder / "scrapyd.log"
    raise AssertionError(f"Scrapyd at {url} did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Replicas of every source and two Scrapyd nodes on one fresh PostgreSQL database."""
    tmp = tmp_path_factory.mktemp("scrapyd")
    sources = [s for s in all_sources() if s.name in CHANNELS]
    assert set(CHANNELS) <= set(replica_sources.names())
    with ExitStack() as stack:
        sites = {s.name: stack.enter_context(serve_in_thread(s.name, now=NOW)).url for s in sources}
        node_db = stack.enter_context(fresh_database(POSTGRESQL, tmp))
        config = tmp / "buzz.toml"
        chosen = tuple(SourceSettings(s.name, CHANNELS[s.name]) for s in sources)
        config.write_text(render(FileSettings(chosen)), encoding="utf-8")
        env = buzz_env(node_db, sites["ptt"], tmp / "node-env")
        env.update({s.base_url_env: sites[s.name] for s in sources})
        started = [start_node(tmp / f"node{n}", env) for n in (1, 2)]
        for proc, _ in started:
            stack.callback(stop, proc)
        for n, (proc, url) in enumerate(started, 1):
            wait_up(url, proc, tmp / f"node{n}")
        nodes = [url for _, url in started]
        with ThreadPoolExecutor(2) as pool:  # each node lists the project's spiders once
            assert all(pool.map(spiders, nodes))
        yield World(sites, config, node_db, nodes)


def spiders(url: str) -> list[str]:
    """The spiders a node finds in the project (what schedule.json checks a job against)."""
    with urllib.request.urlopen(f"{url}/listspiders.json?project=buzz", timeout=30) as r:
        answer = json.loads(r.read())
    assert answer["status"] == "ok", answer
    return list(answer["spiders"])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End a Scrapyd this test started, and its jobs with it."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def weekly(
    world: World, db_url: str, tmp: Path, *extra: str, week: date = WEEK
) -> subprocess.CompletedProcess[str]:
    """`buzz weekly` of a week on a database, with the test's sources and channels."""
    env = buzz_env(db_url, world.sites["ptt"], tmp)
    env.update(
        {s.base_url_env: world.sites[s.name] for s in all_sources() if s.name in world.sites}
    )
    env["BUZZ_CONFIG"] = str(world.config)
    args = ["weekly", "--week", week.isoformat(), "--now", NOW.isoformat(), "--quiet", *extra]
    return subprocess.run(
        [sys.executable, "-m", "buzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def boards(db_url: str) -> list[tuple[Any, ...]]:
    """The stored leaderboards of the week, without database ids."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = load_leaderboards(conn, week_starting(WEEK).start)
    finally:
        engine.dispose()
    keys = ("scope", "label", "rank", "platform", "channel", "thread_key", "new_replies")
    return sorted(tuple(r[k] for k in keys) for r in rows)


def test_dispatched_weekly_stores_the_boards_of_a_local_run(world: World, tmp_path: Path) -> None:
    nodes = ",".join(world.nodes)
    # The two runs write to two databases, so they run side by side (the test's time).
    with fresh_database(POSTGRESQL, tmp_path) as local_db, ThreadPoolExecutor(2) as pool:
        local_run = pool.submit(weekly, world, local_db, tmp_path / "local")
        dispatched = weekly(world, world.node_db, tmp_path / "dispatched", "--scrapyd", nodes)
        local = local_run.result()
        assert local.returncode == 0, local.stdout + local.stderr
        expected = boards(local_db)
    assert dispatched.returncode == 0, dispatched.stdout + dispatched.stderr
    assert "2 Scrapyd runs" in dispatched.stdout, dispatched.stdout
    assert len(expected) > 20
    assert boards(world.node_db) == expected

    engine = make_engine(world.node_db)
    try:
        with engine.connect() as conn:
            runs = list_runs(conn, 50)
            locks = [lock_holder(conn, f"crawl:{s}") for s in world.sites]
            status = load_week_status(conn, week_starting(WEEK).start)
    finally:
        engine.dispose()
    assert locks == [None] * len(world.sites), "the dispatcher gave its source locks back"
    for source in world.sites:
        shards = sorted(r["args"]["buzz_shard"] for r in runs if r["source"] == source)
        assert shards == ["1/2", "2/2"], source
        mine = [r for r in runs if r["source"] == source]
        assert {r["status"] for r in mine} == {"complete"}, source
        assert len({r["pid"] for r in mine}) == 2, "each shard ran in its own Scrapyd process"
        assert all(
            r["args"]["buzz_job"].endswith(
                f"-{source}-{r['args']['buzz_shard'].replace('/', 'of')}"
            )
            for r in mine
        )
    assert status is not None
    assert {c["status"] for c in status["coverage"]} == {"complete"}


def test_nodes_that_are_down_fail_their_channels_and_the_week(world: World, tmp_path: Path) -> None:
    # No live node: a crawl costs a Scrapyd job (~10 s); a live shard beside a failed one is
    # test_dispatch.py's, and test_dispatched_weekly_... covers live nodes.
    dead = [f"http://127.0.0.1:{free_port()}" for _ in range(2)]
    nodes = ",".join(dead)
    proc = weekly(
        world, world.node_db, tmp_path, "--sources", "ptt", "--scrapyd", nodes, week=EARLIER
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    first, second = CHANNELS["ptt"]
    errors = proc.stderr.splitlines()
    assert f"buzz: ptt 1/2 ({first}): scrapyd node down: {dead[0]}: unreachable: " in proc.stderr
    assert f"buzz: ptt 2/2 ({second}): scrapyd node down: {dead[1]}: unreachable: " in proc.stderr
    assert "is incomplete" in errors[-1] and "(failed)" in errors[-1], errors[-1]
    engine = make_engine(world.node_db)
    try:
        with engine.connect() as conn:
            status = load_week_status(conn, week_starting(EARLIER).start)
            attempt = job_runs.latest_attempt(conn, "weekly", EARLIER.isoformat())
            locks = [lock_holder(conn, f"crawl:{s}") for s in world.sites]
    finally:
        engine.dispose()
    assert status is not None
    coverage = {c["channel"]: c for c in status["coverage"] if c["platform"] == "ptt"}
    for channel, node in zip(CHANNELS["ptt"], dead, strict=True):
        assert coverage[channel]["status"] == "failed"
        assert node in coverage[channel]["reason"]
    assert attempt is not None and attempt.status == "incomplete" and attempt.exit_code == 1
    assert dead[0] in attempt.detail and dead[1] in attempt.detail
    assert locks == [None] * len(world.sites)
