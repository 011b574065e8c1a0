"""End to end: `buzz crawl news` against the news replica (both sites), stored, ranked, vs truth.

Both configured sites (LINE TODAY style: cursor paging, epoch-ms times, deleted comments kept
with a flag; Yahoo style: offset paging, ISO times, deleted comments left out) are crawled by
the same code from `news_sites.toml`, and every article's count equals the truth.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from e2e_helpers import run_buzz, stored_counts, table_sizes
from sqlalchemy import select
from storage_fixtures import SQLITE, database_urls, fresh_database

from buzz.config import load_config
from buzz.jobs import stored_boards
from crawlers.sources import get
from ranking.windows import week_starting
from replica.clock import DEFAULT_NOW
from replica.news.truth import week_truth
from replica.news.world import EARLY
from replica.server import RunningReplica, serve_in_thread
from storage.db import make_engine
from storage.models import Thread
from storage.runs import list_runs

pytestmark = pytest.mark.e2e

WEEK = date(2019, 2, 4)
CHANNELS = list(get("news").default_channels)
LOOKBACK = timedelta(days=14)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def buzz(
    args: list[str], db_url: str, site: RunningReplica, tmp: Path, expect: int = 0
) -> subprocess.CompletedProcess[str]:
    """Run `python -m buzz ARGS` with NEWS_BASE_URL on the replica; fail on another exit."""
    env = {"NEWS_BASE_URL": site.url}
    return run_buzz(args, db_url, site.url, tmp, expect, env)


def crawl(
    db_url: str, site: RunningReplica, tmp: Path, channels: list[str], expect: int = 0
) -> subprocess.CompletedProcess[str]:
    """`buzz crawl news` of some sections for the week, as of the replica's clock."""
    args = ["crawl", "news", "--channels", ",".join(channels), "--since", WEEK.isoformat()]
    return buzz([*args, "--now", site.now.isoformat(), "--quiet"], db_url, site, tmp, expect)


def in_range(t: dict[str, Any]) -> bool:
    """An article the crawl counts: posted since the cutoff."""
    return datetime.fromisoformat(t["posted_at"]) >= week_starting(WEEK).start - LOOKBACK


def check_counts(db_url: str, truth: dict[str, Any], channels: list[str]) -> dict[str, int]:
    """Every article in range that is still there has exactly the truth's count; per site."""
    window = week_starting(WEEK)
    counts = stored_counts(db_url, window.start, window.end)
    checked: dict[str, int] = {}
    for t in truth["threads"]:
        if t["status"] == "ok" and t["channel"] in channels and in_range(t):
            assert counts.get(t["thread_key"], 0) == t["new_replies"], t
            checked[t["site"]] = checked.get(t["site"], 0) + 1
    return checked


def stored_threads(db_url: str) -> dict[str, tuple[str, str, Any, str]]:
    """thread_key -> (channel, status, posted_at, title) of every stored news article."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Thread.thread_key, Thread.channel, Thread.status, Thread.posted_at, Thread.title
                ).where(Thread.platform == "news")
            ).all()
    finally:
        engine.dispose()
    return {k: (c, s, p, t) for k, c, s, p, t in rows}


def expected_board(truth: dict[str, Any], channel: str | None) -> list[tuple[str, int]]:
    """The board the truth implies: ok, normal, posted since the cutoff, replied."""
    rows = [
        (t["thread_key"], t["new_replies"])
        for t in truth["threads"]
        if t["status"] == "ok"
        and t["kind"] == "normal"
        and in_range(t)
        and t["new_replies"] > 0
        and t["channel"] in CHANNELS
        and (channel is None or t["channel"] == channel)
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:10]


def test_both_sites_crawl_exact_rank_report_and_recrawl_to_nothing_new(
    db_url: str, tmp_path: Path
) -> None:
    with serve_in_thread("news", now=DEFAULT_NOW) as site:
        # faults on every source are tests/test_e2e_faults.py's; here one weekly run, then again
        week = ["weekly", "--sources", "news", "--week", WEEK.isoformat()]
        ranked = buzz([*week, "--now", site.now.isoformat(), "--quiet"], db_url, site, tmp_path)
        truth = week_truth(WEEK, now=site.now, seed=site.seed)
        checked = check_counts(db_url, truth, CHANNELS)
        assert checked["linetoday"] > 40 and checked["yahoo"] > 20, checked
        stored = stored_threads(db_url)
        for t in truth["threads"]:
            if t["status"] == "ok" and in_range(t):
                channel, status, posted, title = stored[t["thread_key"]]
                assert (channel, status, title) == (t["channel"], "ok", t["title"])
                assert (posted is None) == (not t["shows_time"]), t
        assert any("&" in t[3] or "<" in t[3] or "「" in t[3] for t in stored.values())
        gone = [t for t in truth["threads"] if t["status"] == "deleted" and in_range(t)]
        # a 404 article never stored before is not stored (a GoneItem only retires a thread)
        assert gone and all(
            stored.get(t["thread_key"], ("", "deleted", None, ""))[1] == "deleted" for t in gone
        )

        engine = make_engine(db_url)
        try:
            with engine.connect() as conn:
                (run, *_) = list_runs(conn, source="news")
        finally:
            engine.dispose()
        assert run["status"] == "complete", run
        assert {c["channel"] for c in run["channels"]} == set(CHANNELS)

        assert "LINE TODAY > " in ranked.stdout and "新聞 > LINE" not in ranked.stdout
        config = load_config({"BUZZ_DATABASE_URL": db_url, "BUZZ_HOME": str(tmp_path / "home")})
        published = stored_boards(config, week_starting(WEEK))
        assert published is not None
        boards = {
            b.scope: [(e.thread_key, e.new_replies) for e in b.entries] for b in published.boards
        }
        assert boards["platform:news"] == expected_board(truth, None)
        for channel in CHANNELS:
            assert boards.get(f"channel:news/{channel}", []) == expected_board(truth, channel)
        live = {t["thread_key"] for t in truth["threads"] if t["kind"] == "live"}
        excluded = {x.thread_key: x.reason for x in published.exclusions}
        assert len(live) == 2 and all(excluded.get(k) == "live" for k in live), excluded

        report = tmp_path / "reports" / WEEK.isoformat()
        html = (report / "leaderboard.html").read_text(encoding="utf-8")
        assert "<h2>新聞頻道 聲量探索排行榜" in html
        assert "<td>LINE TODAY &gt; 國內</td>" in html and "<td>yahoo新聞 &gt; 娛樂</td>" in html
        assert "新聞 &gt; LINE TODAY" not in html
        document = json.loads((report / "leaderboard.json").read_text(encoding="utf-8"))
        assert document["boards"][0]["label"] == "新聞頻道"
        sources = {e["source_channel"] for b in document["boards"] for e in b["entries"]}
        assert {"LINE TODAY > 國內", "yahoo新聞 > 娛樂"} <= sources
        text = (report / "leaderboard.csv").read_text(encoding="utf-8-sig")
        cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
        assert "LINE TODAY > 生活" in cells
        book = openpyxl.load_workbook(report / "leaderboard.xlsx", read_only=True)
        xlsx = {c for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r}
        assert "yahoo新聞 > 國際" in xlsx

        before = table_sizes(db_url)
        crawl(db_url, site, tmp_path, CHANNELS)
        assert table_sizes(db_url) == before


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
def test_a_later_crawl_sees_a_deleted_article_and_removed_comments_an_unknown_section_fails(
    db_url: str, tmp_path: Path
) -> None:
    channels = ["LINE TODAY > 國內", "yahoo新聞 > 娛樂"]  # where the deleted-later articles are
    with serve_in_thread("news", now=EARLY) as site:
        crawl(db_url, site, tmp_path, channels)
    early = stored_threads(db_url)
    with serve_in_thread("news", now=DEFAULT_NOW) as site:
        out = crawl(db_url, site, tmp_path, [*channels, "LINE TODAY > 體育"], expect=1)
        assert "news/LINE TODAY > 體育: failed: not found" in out.stderr, out.stderr
        truth = week_truth(WEEK, now=site.now, seed=site.seed)
    assert sum(check_counts(db_url, truth, channels).values()) > 20
    later = stored_threads(db_url)
    went = [t["thread_key"] for t in truth["threads"] if t["case"] == "deleted_later"]
    assert len(went) == 2
    for key in went:
        assert early[key][1] == "ok" and later[key][1] == "deleted", key
    removed = [k for k in table_sizes(db_url)["keys"] if k[3] is not None]
    assert removed, "comments deleted between the crawls are marked removed"
