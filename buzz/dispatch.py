"""Crawls spread over Scrapyd nodes: channels sharded round-robin, one job per shard.

The dispatcher holds each source's crawl lock (`crawl:<source>`) while its shards run; a shard
holds its own (`crawl:<source>/<i>of<n>`), so the shards of one source run at once and no plain
crawl of the source can start beside them. Every job carries a `buzz_job` id that its crawl run
records, and that is how the outcome is collected: from the shared database, not from the node.
A node that is down, a job that fails to start, times out or ends without recording its
channels gets a failed crawl run written here for those channels, naming the node, so the week
says failed with the reason instead of "not crawled".

Politeness: n shards of a source are n machines on the same site at once, so each gets the
per-site concurrency divided by n (at least 1) and the delays multiplied by n; the site sees
about the rate one machine would send.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from buzz.config import Config
from buzz.errors import EXIT_BAD_INPUT, fail
from buzz.jobs import (
    CrawlOutcome,
    CrawlRequest,
    crawl_settings,
    engine_for,
    release_crawl_lock,
    take_crawl_lock,
)
from buzz.scrapyd_api import ScrapydError, ScrapydNode
from storage.db import write_transaction
from storage.runs import finish_run, runs_of_job, save_channels, start_run

logger = logging.getLogger(__name__)

POLL_EVERY = 1.0
"""Seconds between two status calls to a node about its running jobs."""
MISSED_POLLS = 10
"""A node that fails this many status calls in a row is no longer waited for."""
STATUS_ORDER = ("complete", "incomplete", "crashed", "failed")
"""Run statuses from best to worst: a source's dispatched outcome is its worst shard's."""


@dataclass(frozen=True, slots=True)
class Shard:
    """One job: a source's share of channels on one node, shard `index` of `count`."""

    source: str
    index: int
    count: int
    node: str
    channels: tuple[str, ...]
    job: str

    @property
    def label(self) -> str:
        """`ptt 1/2`, as messages name a shard."""
        return f"{self.source} {self.index}/{self.count}"


@dataclass(frozen=True, slots=True)
class Politeness:
    """The per-site pace of one machine: requests in flight, delays, AutoThrottle's target."""

    concurrency: int
    delay: float
    start_delay: float
    max_delay: float
    target: float

    def divided(self, n: int) -> Politeness:
        """The pace of each of n machines on the same site, so together they send one's rate."""
        n = max(1, n)
        return Politeness(
            concurrency=max(1, self.concurrency // n),
            delay=self.delay * n,
            start_delay=self.start_delay * n,
            max_delay=self.max_delay * n,
            target=self.target / n,
        )

    def settings(self) -> dict[str, str]:
        """As Scrapy settings, in the `KEY=value` text Scrapyd's `setting=` takes."""
        return {
            "CONCURRENT_REQUESTS_PER_DOMAIN": str(self.concurrency),
            "DOWNLOAD_DELAY": f"{self.delay:g}",
            "AUTOTHROTTLE_START_DELAY": f"{self.start_delay:g}",
            "AUTOTHROTTLE_MAX_DELAY": f"{self.max_delay:g}",
            "AUTOTHROTTLE_TARGET_CONCURRENCY": f"{self.target:g}",
        }


@dataclass(frozen=True, slots=True)
class Dispatched:
    """What the dispatched crawls did: one outcome per source and one line per failed shard."""

    outcomes: list[CrawlOutcome]
    problems: list[str]


def shard_channels(channels: Sequence[str], nodes: int) -> list[tuple[str, ...]]:
    """Channels dealt round-robin into min(nodes, channels) shards, none empty."""
    count = max(1, min(nodes, len(channels)))
    return [tuple(channels[i::count]) for i in range(count)]


def plan(requests: Sequence[CrawlRequest], nodes: Sequence[str], tag: str) -> list[Shard]:
    """The shards of every source; source k starts on node k, so small sources spread too."""
    if not nodes:
        raise ValueError("no Scrapyd node to dispatch to")
    shards: list[Shard] = []
    for k, request in enumerate(requests):
        groups = shard_channels(request.channels, len(nodes))
        for i, channels in enumerate(groups):
            index, count = i + 1, len(groups)
            shards.append(
                Shard(
                    request.source,
                    index,
                    count,
                    nodes[(k + i) % len(nodes)],
                    channels,
                    f"{tag}-{request.source}-{index}of{count}",
                )
            )
    return shards


def politeness_of(settings: Any) -> Politeness:
    """One machine's pace as a Scrapy Settings object (project settings plus buzz.toml) says."""
    return Politeness(
        concurrency=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
        delay=settings.getfloat("DOWNLOAD_DELAY"),
        start_delay=settings.getfloat("AUTOTHROTTLE_START_DELAY"),
        max_delay=settings.getfloat("AUTOTHROTTLE_MAX_DELAY"),
        target=settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY"),
    )


def shard_settings(config: Config, request: CrawlRequest, count: int) -> dict[str, str]:
    """The Scrapy settings each of a source's `count` jobs gets; never the database URL.

    The node's own environment says where the database is (BUZZ_DATABASE_URL): a URL with a
    password would otherwise sit in Scrapyd's job list and logs.
    """
    from scrapy.settings import Settings

    from crawlers.sources import get

    layered = crawl_settings(config, request)
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.setdict(layered, priority="cmdline")
    env = get(request.source).base_url_env
    return {
        env: str(layered[env]),
        "BUZZ_LOOKBACK_DAYS": str(layered["BUZZ_LOOKBACK_DAYS"]),
        "LOG_LEVEL": str(layered["LOG_LEVEL"]),
        **politeness_of(settings).divided(count).settings(),
    }


def spider_args(request: CrawlRequest, shard: Shard) -> dict[str, str]:
    """The spider arguments of a shard's job."""
    args = {
        "channels": ",".join(shard.channels),
        "since": request.since.isoformat(),
        "buzz_job": shard.job,
        "buzz_shard": f"{shard.index}/{shard.count}",
    }
    if request.now is not None:
        args["now"] = request.now.isoformat()
    if request.lookback_days is not None:
        args["lookback_days"] = str(request.lookback_days)
    return args


def spider_name(source: str) -> str:
    """The Scrapy spider a source's jobs run, by the name Scrapyd lists it under."""
    from scrapy.utils.misc import load_object

    from crawlers.sources import get

    return str(load_object(get(source).spider).name)


def check_requests(config: Config, requests: Sequence[CrawlRequest]) -> None:
    """Refuse what dispatching cannot do, in one line, before anything starts."""
    for request in requests:
        if config.source(request.source).browser:
            fail(
                f"{request.source}: browser = true is not dispatched to Scrapyd nodes (the "
                "Chromium path is the node's); crawl it here without --scrapyd",
                code=EXIT_BAD_INPUT,
            )
        if request.jobdir is not None:
            fail("--jobdir does not combine with --scrapyd; drop one", code=EXIT_BAD_INPUT)


def dispatch_crawls(
    config: Config,
    requests: Sequence[CrawlRequest],
    nodes: Sequence[str],
    project: str = "buzz",
    timeout: float = 21600.0,
) -> Dispatched:
    """Run the crawls as Scrapyd jobs on the nodes, wait for them, and collect their runs."""
    check_requests(config, requests)
    engine = engine_for(config)
    taken: list[str] = []
    try:
        for request in requests:
            take_crawl_lock(engine, request.source)
            taken.append(request.source)
        tag = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        shards = plan(requests, nodes, tag)
        by_source = {r.source: r for r in requests}
        failed = _start(config, shards, by_source, project)
        try:
            _wait(shards, failed, project, timeout)
        except BaseException:  # stopped (SIGTERM from the scheduler, Ctrl-C): stop the jobs too
            _cancel([s for s in shards if s.job not in failed], project)
            raise
        return collect(engine, shards, by_source, failed)
    finally:
        for source in taken:
            release_crawl_lock(engine, source)
        engine.dispose()


def _start(
    config: Config,
    shards: Sequence[Shard],
    requests: Mapping[str, CrawlRequest],
    project: str,
) -> dict[str, str]:
    """Schedule every shard on its node; the reason for each shard that could not start."""
    failed: dict[str, str] = {}
    down: dict[str, str] = {}
    for url in dict.fromkeys(s.node for s in shards):
        try:
            ScrapydNode(url).daemon_status()
        except ScrapydError as exc:
            down[url] = f"scrapyd node down: {exc}"
    for shard in shards:
        if shard.node in down:
            failed[shard.job] = down[shard.node]
            continue
        request = requests[shard.source]
        try:
            ScrapydNode(shard.node).schedule(
                project,
                spider_name(shard.source),
                shard.job,
                spider_args(request, shard),
                shard_settings(config, request, shard.count),
            )
        except ScrapydError as exc:
            failed[shard.job] = f"scrapyd could not start the job: {exc}"
        else:
            logger.info("%s: job %s on %s", shard.label, shard.job, shard.node)
    return failed


def _wait(shards: Sequence[Shard], failed: dict[str, str], project: str, timeout: float) -> None:
    """Poll the started jobs until each is finished, gone, unreachable or out of time."""
    deadline = time.monotonic() + timeout
    waiting = {s.job: s for s in shards if s.job not in failed}
    missed: dict[str, int] = {}
    while waiting:
        for job, shard in list(waiting.items()):
            try:
                state = ScrapydNode(shard.node).job_state(project, job)
            except ScrapydError as exc:
                missed[job] = missed.get(job, 0) + 1
                if missed[job] >= MISSED_POLLS:
                    failed[job] = f"scrapyd node stopped answering: {exc}"
                    del waiting[job]
                continue
            missed.pop(job, None)
            if state == "finished":
                del waiting[job]
            elif state is None:
                failed[job] = f"scrapyd node {shard.node} no longer knows job {job}"
                del waiting[job]
        if not waiting:
            break
        if time.monotonic() > deadline:
            for job, shard in waiting.items():
                failed[job] = f"timed out after {timeout:g} s on {shard.node}; cancelled"
            _cancel(list(waiting.values()), project)
            break
        time.sleep(POLL_EVERY)


def _cancel(shards: Sequence[Shard], project: str) -> None:
    """Ask the nodes to stop some jobs; a node that does not answer is one warning."""
    for shard in shards:
        try:
            ScrapydNode(shard.node).cancel(project, shard.job)
        except ScrapydError as exc:
            logger.warning("%s: could not cancel job %s: %s", shard.label, shard.job, exc)


def collect(
    engine: Engine,
    shards: Sequence[Shard],
    requests: Mapping[str, CrawlRequest],
    failed: Mapping[str, str],
) -> Dispatched:
    """Each shard's recorded runs; a failed run written for channels no finished run recorded."""
    from crawlers.sources import get

    problems: list[str] = []
    runs_by_source: dict[str, list[dict[str, Any]]] = {}
    for shard in shards:
        with engine.connect() as conn:
            runs = [r for r in runs_of_job(conn, shard.job) if r["status"] != "running"]
        recorded = {c["channel"] for r in runs for c in r["channels"]}
        missing = [c for c in shard.channels if c not in recorded]
        if missing:
            why = failed.get(shard.job) or (
                f"job {shard.job} on {shard.node} ended without recording its crawl"
            )
            request = requests[shard.source]
            platform = get(shard.source).platform
            runs.append(_record_failure(engine, shard, request, platform, missing, why))
            problems.append(
                f"{shard.label} on {shard.node} ({', '.join(missing)}): {why}"
                if shard.node not in why
                else f"{shard.label} ({', '.join(missing)}): {why}"
            )
        runs_by_source.setdefault(shard.source, []).extend(runs)
    outcomes = [_outcome(source, runs_by_source.get(source, [])) for source in requests]
    return Dispatched(outcomes, problems)


def _record_failure(
    engine: Engine,
    shard: Shard,
    request: CrawlRequest,
    platform: str,
    channels: Sequence[str],
    why: str,
) -> dict[str, Any]:
    """Write a failed crawl run for a shard's missing channels, so the week says why."""
    from crawlers.liveness import me

    holder, now = me(), datetime.now(UTC)
    args = {
        "channels": ",".join(channels),
        "since": request.since.isoformat(),
        "now": request.now.isoformat() if request.now else "",
        "buzz_job": shard.job,
        "buzz_shard": f"{shard.index}/{shard.count}",
        "scrapyd_node": shard.node,
    }
    with write_transaction(engine) as conn:
        run_id = start_run(
            conn,
            shard.source,
            args,
            now,
            host=holder.host,
            pid=holder.pid,
            covers_from=request.since,
            observed_at=request.now or now,
        )
        tallies = [
            {"platform": platform, "channel": c, "status": "failed", "detail": why}
            for c in channels
        ]
        save_channels(conn, run_id, tallies)
        finish_run(conn, run_id, now, "failed", 0, 0, {"scrapyd": 1}, "scrapyd")
    with engine.connect() as conn:
        (run,) = [r for r in runs_of_job(conn, shard.job) if r["id"] == run_id]
    return run


def _outcome(source: str, runs: Sequence[dict[str, Any]]) -> CrawlOutcome:
    """One source's outcome from its shards' runs: summed counters, the worst status."""
    if not runs:
        return CrawlOutcome(None, "failed", "no shard ran", 0, 0, source=source)
    statuses = [str(r["status"]) for r in runs]
    worst = max(statuses, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else 3)
    reasons = sorted({str(r["finish_reason"] or "?") for r in runs})
    channels = sorted(
        (c for r in runs for c in r["channels"]), key=lambda c: (c["platform"], c["channel"])
    )
    return CrawlOutcome(
        int(runs[0]["id"]),
        worst,
        f"{len(runs)} Scrapyd runs: {', '.join(reasons)}",
        sum(int(r["pages"]) for r in runs),
        sum(int(r["items"]) for r in runs),
        tuple(channels),
        source=source,
    )
