"""End to end: real Scrapy crawls of the replica, stored, counted and ranked, against truth."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import crawl, expected_board, key, run_buzz, stored_counts, table_sizes
from storage_fixtures import database_urls, fresh_database

from buzz.config import load_config
from buzz.jobs import rank_week, stored_boards
from crawlers.sources import get
from ranking.windows import TAIPEI, week_starting
from replica.ptt.truth import week_truth
from replica.server import RunningReplica, serve_in_thread

pytestmark = pytest.mark.e2e

BOARDS = list(get("ptt").default_channels)  # the replica serves the same ten boards


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def check_week(db_url: str, site: RunningReplica, tmp: Path, week: date, now: datetime) -> None:
    """Every crawled thread's count equals the truth, and so does every stored leaderboard."""
    window = week_starting(week)
    truth = week_truth(week, now=now, seed=site.seed)
    counts = stored_counts(db_url, window.start, window.end)
    cutoff = window.start - timedelta(days=14)
    checked = 0
    for t in truth["threads"]:
        if t["status"] != "ok" or datetime.fromisoformat(t["posted_at"]) < cutoff:
            continue
        assert counts.get(key(t["board"], t["article_id"]), 0) == t["new_replies"], t
        checked += 1
    assert checked > 50

    config = load_config(
        {
            "BUZZ_DATABASE_URL": db_url,
            "BUZZ_HOME": str(tmp / "home"),
            "BUZZ_REPORTS_DIR": str(tmp / "reports"),
        }
    )
    rank_week(config, window, channels=[("ptt", b) for b in BOARDS])
    published = stored_boards(config, window)
    assert published is not None
    by_scope = {
        b.scope: [(e.thread_key, e.new_replies) for e in b.entries] for b in published.boards
    }
    assert by_scope["platform:ptt"] == expected_board(truth, window.start, None)
    for board in BOARDS:
        assert by_scope.get(f"channel:ptt/{board}", []) == expected_board(
            truth, window.start, board
        )
    assert published.complete, published.incomplete
    reasons = {x.reason for x in published.exclusions}
    assert {"chit_chat_periodic", "live", "giveaway"} <= reasons


def check_shared_ids(db_url: str, week: date, now: datetime) -> None:
    """PTT ids are unique only within a board: two boards' threads with one id stay two."""
    window = week_starting(week)
    counts = stored_counts(db_url, window.start, window.end)
    ids: dict[str, list[dict[str, Any]]] = {}
    for t in week_truth(week, now=now)["threads"]:
        ids.setdefault(t["article_id"], []).append(t)
    shared = [rows for rows in ids.values() if len(rows) > 1]
    assert shared, "the replica should serve one article id on two boards"
    for rows in shared:
        stored = [counts.get(key(t["board"], t["article_id"])) for t in rows]
        assert stored == [t["new_replies"] for t in rows] and len(set(stored)) == len(rows)


# The replica plants hard cases today's rules misjudge (tests/test_replica_plants.py):
# the boards differ from the truth's until the rules rewrite lands.
def test_crawl_matches_truth_for_the_reference_week_and_recrawl_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    """Week 2019-02-04 is counted exactly; crawling it again leaves the same rows."""
    now = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
    with serve_in_thread("ptt", now=now, fault_rate=0.05) as site:
        crawl(db_url, site.url, tmp_path, BOARDS, date(2019, 2, 4), now)
        check_week(db_url, site, tmp_path, date(2019, 2, 4), now)
        check_shared_ids(db_url, date(2019, 2, 4), now)
        before = table_sizes(db_url)
        crawl(db_url, site.url, tmp_path, BOARDS, date(2019, 2, 4), now)
        assert table_sizes(db_url) == before
        assert site.stats()["faults"] > 0


# The replica plants hard cases today's rules misjudge (tests/test_replica_plants.py):
# the boards differ from the truth's until the rules rewrite lands.
def test_year_rollover_week_matches_truth(db_url: str, tmp_path: Path) -> None:
    """A week running from 2018-12-31 into January counts pushes whose year had to be inferred."""
    now = datetime(2019, 1, 8, 12, 0, tzinfo=TAIPEI)
    with serve_in_thread("ptt", now=now) as site:
        crawl(db_url, site.url, tmp_path, BOARDS, date(2018, 12, 31), now)
        check_week(db_url, site, tmp_path, date(2018, 12, 31), now)


# The replica plants hard cases today's rules misjudge (tests/test_replica_plants.py):
# the boards differ from the truth's until the rules rewrite lands.
def test_recrawl_later_sees_edits_new_pushes_and_removals_without_double_counting(
    db_url: str, tmp_path: Path
) -> None:
    """Crawl mid-week, then after edits, removals and deletions: counts equal the later truth."""
    early = datetime(2019, 2, 7, 12, 0, tzinfo=TAIPEI)
    late = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
    with serve_in_thread("ptt", now=early) as site:
        crawl(db_url, site.url, tmp_path, BOARDS, date(2019, 2, 4), early)
    with serve_in_thread("ptt", now=late) as site:
        crawl(db_url, site.url, tmp_path, BOARDS, date(2019, 2, 4), late)
        check_week(db_url, site, tmp_path, date(2019, 2, 4), late)
    sizes = table_sizes(db_url)
    assert any(k[3] is not None for k in sizes["keys"]), "a moderator-removed push should be marked"


def test_weekly_command_writes_the_report(db_url: str, tmp_path: Path) -> None:
    """`buzz weekly` crawls, ranks and writes the three report files."""
    now = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
    with serve_in_thread("ptt", now=now) as site:
        proc = run_buzz(
            [
                "weekly",
                "--week",
                "2019-02-04",
                "--boards",
                "Stock,car",
                "--now",
                now.isoformat(),
                "--quiet",
            ],
            db_url,
            site.url,
            tmp_path,
        )
    assert "report:" in proc.stdout
    out = tmp_path / "reports" / "2019-02-04"
    html = (out / "leaderboard.html").read_text(encoding="utf-8")
    assert "2019.02.04~2019.02.10" in html
    assert "PTT &gt; Stock" in html or "PTT > Stock" in html
    assert (out / "leaderboard.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "leaderboard.md").exists()
