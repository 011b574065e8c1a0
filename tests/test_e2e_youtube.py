"""End to end: `buzz crawl youtube` against the Data API replica, stored, counted, ranked, vs truth.

Also: the API key never reaches a log, a run record, the database or a report; a spent quota
stops the crawl and every channel it left says incomplete in the run record and the report; a
missing or refused key fails the channels in one line naming BUZZ_YOUTUBE_KEY.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import run_buzz, stored_counts, table_sizes
from sqlalchemy import MetaData, select
from storage_fixtures import SQLITE, database_urls, fresh_database

from buzz.config import load_config
from buzz.jobs import stored_boards
from crawlers.secrets import MASK
from crawlers.sources import get
from ranking.windows import week_starting
from replica.clock import DEFAULT_NOW, DEFAULT_SEED, TAIPEI
from replica.server import ReplicaServer, RunningReplica, serve_in_thread
from replica.youtube.site import CREDENTIAL, make_site
from replica.youtube.truth import week_truth
from storage.db import make_engine
from storage.models import Reply, Thread
from storage.runs import list_runs

pytestmark = pytest.mark.e2e

WEEK = date(2019, 2, 4)
EARLY = datetime(2019, 2, 7, 12, 0, tzinfo=TAIPEI)
CHANNELS = list(get("youtube").default_channels)
LOOKBACK = timedelta(days=14)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def buzz(
    args: list[str], db_url: str, site: RunningReplica, tmp: Path, expect: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `python -m buzz ARGS` with YOUTUBE_BASE_URL on the replica; fail on another exit."""
    full = {"YOUTUBE_BASE_URL": site.url, **env}
    return run_buzz(args, db_url, site.url, tmp, expect, full)


def crawl(
    db_url: str, site: RunningReplica, tmp: Path, expect: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """`buzz crawl youtube` of every default channel for the week, as of the replica's clock."""
    args = ["crawl", "youtube", "--channels", ",".join(CHANNELS), "--since", WEEK.isoformat()]
    return buzz([*args, "--now", site.now.isoformat()], db_url, site, tmp, expect, **env)


def runs(db_url: str) -> list[dict[str, Any]]:
    """The crawl runs `buzz crawl runs --json` lists, newest first, read in-process."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list_runs(conn)
    finally:
        engine.dispose()


def in_range(t: dict[str, Any]) -> bool:
    """A video the crawl reaches: posted since the cutoff."""
    return datetime.fromisoformat(t["posted_at"]) >= week_starting(WEEK).start - LOOKBACK


def stored(db_url: str) -> dict[str, tuple[str, str, str]]:
    """thread_key -> (channel, status, url) of every stored video."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Thread.thread_key, Thread.channel, Thread.status, Thread.url)
            ).all()
    finally:
        engine.dispose()
    return {k: (c, s, u) for k, c, s, u in rows}


def removed_replies(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Reply.id).where(Reply.removed_at.is_not(None))).all()
    finally:
        engine.dispose()
    return len(rows)


def expected_board(truth: dict[str, Any]) -> list[tuple[str, int]]:
    """The platform board the truth implies: ok, normal, posted since the cutoff, replied."""
    rows = [
        (t["thread_key"], t["new_replies"])
        for t in truth["threads"]
        if t["status"] == "ok" and t["kind"] == "normal" and in_range(t) and t["new_replies"] > 0
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:10]


def test_a_crawl_matches_truth_spends_the_units_charged_and_recrawls_to_nothing_new(
    db_url: str, tmp_path: Path
) -> None:
    with serve_in_thread("youtube", now=DEFAULT_NOW) as site:
        crawl(db_url, site, tmp_path)
        spent = site.server.site.units_spent()  # type: ignore[attr-defined]
        (run,) = runs(db_url)
        truth = week_truth(WEEK, site.now, site.seed)
        window = week_starting(WEEK)
        counts = stored_counts(db_url, window.start, window.end)
        checked = 0
        videos = stored(db_url)
        for t in truth["threads"]:
            if t["status"] == "ok" and in_range(t):
                assert counts.get(t["thread_key"], 0) == t["new_replies"], t
                channel, status, url = videos[t["thread_key"]]
                assert (channel, status) == (t["channel"], "ok")
                assert url == f"{site.url}{t['url']}"  # the watch page, never an API URL
                checked += 1
        assert checked > 50
        assert run["status"] == "complete"
        units = [int(c["detail"].split("spent ")[1].split()[0]) for c in run["channels"]]
        assert sum(units) == spent > 3 * len(CHANNELS)  # what the replica charged, exactly

        sizes = table_sizes(db_url)
        crawl(db_url, site, tmp_path)
        assert table_sizes(db_url) == sizes, "crawling again counts nothing twice"


def _db_text(db_url: str) -> str:
    """Every value of every table, as text."""
    engine = make_engine(db_url)
    meta = MetaData()
    meta.reflect(engine)
    parts: list[str] = []
    try:
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                parts += [repr(tuple(row)) for row in conn.execute(select(table))]
    finally:
        engine.dispose()
    return "\n".join(parts)


def _report_text(folder: Path) -> str:
    """Every report file's text (XLSX members unzipped)."""
    parts: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                parts += [book.read(n).decode("utf-8", "replace") for n in book.namelist()]
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
def test_the_weekly_job_sees_deletions_drops_giveaways_and_writes_the_key_nowhere(
    db_url: str, tmp_path: Path
) -> None:
    """A crawl at an earlier clock, then `buzz weekly` (crawl, rank, report) at DEBUG level."""
    with serve_in_thread("youtube", now=EARLY) as early:
        crawl(db_url, early, tmp_path)
    before = stored(db_url)
    with serve_in_thread("youtube", now=DEFAULT_NOW) as site:
        args = ["weekly", "--week", WEEK.isoformat(), "--now", site.now.isoformat()]
        proc = buzz(
            [*args, "--sources", "youtube"],
            db_url,
            site,
            tmp_path,
            BUZZ_LOG_LEVEL="DEBUG",
            BUZZ_YOUTUBE_KEY=CREDENTIAL,
        )
        truth = week_truth(WEEK, site.now, site.seed)
    videos = stored(db_url)
    went = [t["thread_key"] for t in truth["threads"] if t["status"] == "deleted"]
    seen_went = [k for k in went if k in before]
    assert seen_went and all(videos[k][1] == "deleted" for k in seen_went)
    assert removed_replies(db_url) > 0, "comments deleted between the crawls are marked"

    config = load_config({"BUZZ_DATABASE_URL": db_url, "BUZZ_HOME": str(tmp_path / "home")})
    published = stored_boards(config, week_starting(WEEK))
    assert published is not None
    boards = {b.scope: [(e.thread_key, e.new_replies) for e in b.entries] for b in published.boards}
    assert boards["platform:youtube"] == expected_board(truth)
    giveaways = {t["thread_key"] for t in truth["threads"] if t["kind"] == "giveaway"}
    excluded = {x.thread_key for x in published.exclusions if x.reason == "giveaway"}
    assert giveaways and giveaways <= excluded

    logs = proc.stdout + proc.stderr + json.dumps(runs(db_url), default=str, ensure_ascii=False)
    assert "youtube/v3/commentThreads?" in logs and MASK in logs  # URLs were logged
    reports = _report_text(tmp_path / "reports")
    assert "YouTube" in reports and "贈獎文" in reports
    for where, text in (("logs", logs), ("database", _db_text(db_url)), ("reports", reports)):
        assert CREDENTIAL not in text, f"the API key is in the {where}"


def _limited(quota: int) -> RunningReplica:
    """The replica with a small daily quota for its key."""
    site = make_site(DEFAULT_SEED, DEFAULT_NOW, daily_quota=quota)
    return RunningReplica(ReplicaServer(("127.0.0.1", 0), site, DEFAULT_SEED))


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
def test_a_spent_quota_stops_the_crawl_and_leaves_every_channel_incomplete(
    db_url: str, tmp_path: Path
) -> None:
    with _limited(60) as site:
        args = ["weekly", "--week", WEEK.isoformat(), "--now", site.now.isoformat()]
        proc = buzz([*args, "--sources", "youtube"], db_url, site, tmp_path, expect=1)
        (run,) = runs(db_url)
        listed = buzz(["crawl", "runs"], db_url, site, tmp_path).stdout
        assert site.server.site.units_spent() == 60  # type: ignore[attr-defined]
    assert listed.count("crawl ended early: quota_exceeded") == len(CHANNELS)
    assert listed.count(" quota units") == len(CHANNELS)
    assert run["status"] == "incomplete" and run["finish_reason"] == "quota_exceeded"
    assert {c["status"] for c in run["channels"]} == {"incomplete"}
    assert all("quota_exceeded" in c["detail"] for c in run["channels"])
    spent = sum(int(c["detail"].split("spent ")[1].split()[0]) for c in run["channels"])
    assert spent == 60
    out = proc.stdout + proc.stderr + listed
    assert "quota" in out
    assert CREDENTIAL not in out + _db_text(db_url) + _report_text(tmp_path / "reports")
    html = (tmp_path / "reports" / WEEK.isoformat() / "leaderboard.html").read_text("utf-8")
    assert "本週資料不完整" in html and "quota_exceeded" in html
    for channel in CHANNELS:
        assert f"YouTube &gt; {channel}" in html


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("", "no API key: set BUZZ_YOUTUBE_KEY"),
        ("AIzaSyWrongKey-000000000000000000000000", "refused the key in BUZZ_YOUTUBE_KEY"),
    ],
)
def test_a_missing_or_refused_key_fails_each_channel_in_one_line(
    db_url: str, tmp_path: Path, key: str, words: str
) -> None:
    with serve_in_thread("youtube", now=DEFAULT_NOW) as site:
        proc = crawl(db_url, site, tmp_path, expect=1, BUZZ_YOUTUBE_KEY=key)
    lines = [line.strip() for line in proc.stderr.splitlines() if words in line]
    assert len(lines) == len(CHANNELS), proc.stderr
    assert all(line.startswith("youtube/") and ": failed: " in line for line in lines)
    assert "Traceback" not in proc.stderr
