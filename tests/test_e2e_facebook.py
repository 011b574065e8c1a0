"""End to end: `buzz crawl facebook` / `buzz weekly` against the Graph API replica.

Two crawls, one just after each bound of the week (as a daily schedule gives): comments of
readable pages count exactly; the counts-only page (error 10) is estimated from its dated
totals within the bound docs/sources/FACEBOOK.md states; giveaways make the 活動文 board; a
post crawled at both ends counts once. The token never shows in the logs, the run records, the
database or any report file; an expired token ends every channel failed, saying which variable.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import run_buzz, stored_counts
from sqlalchemy import String, Text, inspect, select
from storage_fixtures import SQLITE, database_urls, fresh_database

from buzz.configfile import FileSettings, SourceSettings, render
from crawlers.sources import get
from ranking.windows import TAIPEI, week_starting
from replica.facebook.site import CREDENTIAL, EXPIRED_CREDENTIAL
from replica.facebook.truth import week_truth
from replica.server import RunningReplica, serve_in_thread
from storage.db import make_engine
from storage.models import Base, Thread
from storage.queries import new_reply_counts
from storage.runs import list_runs

pytestmark = pytest.mark.e2e

WEEK = date(2019, 2, 4)
START = datetime(2019, 2, 4, tzinfo=TAIPEI)
FIRST = START + timedelta(hours=1)
LAST = START + timedelta(days=7, hours=1)
PAGES = list(get("facebook").default_channels)
COUNTS_ONLY = "ETtoday新聞雲"
LOOKBACK = timedelta(days=14)


def estimate_bound(true: int) -> int:
    """docs/sources/FACEBOOK.md: |estimate - truth| <= max(3, 10% of truth) per post."""
    return max(3, true // 10)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def buzz(
    args: list[str],
    db_url: str,
    site: RunningReplica,
    tmp: Path,
    expect: int = 0,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m buzz ARGS` with only Facebook configured, at the replica."""
    full = {"FACEBOOK_BASE_URL": site.url, **env}
    config = tmp / "facebook.toml"
    config.write_text(render(FileSettings((SourceSettings("facebook", tuple(PAGES)),))))
    full["BUZZ_CONFIG"] = str(config)
    return run_buzz(args, db_url, site.url, tmp, expect, full)


def crawl(db_url: str, site: RunningReplica, tmp: Path, **env: str) -> str:
    """`buzz crawl facebook` of the default pages for the week, at the replica's clock."""
    args = ["crawl", "facebook", "--since", WEEK.isoformat(), "--now", site.now.isoformat()]
    proc = buzz([*args, "--quiet"], db_url, site, tmp, **env)
    return proc.stdout + proc.stderr


def in_range(t: dict[str, Any]) -> bool:
    """Shown, and posted since the cutoff of a crawl for the week."""
    return t["status"] == "ok" and datetime.fromisoformat(t["posted_at"]) >= START - LOOKBACK


def rows(db_url: str) -> dict[str, dict[str, Any]]:
    """The week's counted rows (exact and estimated) by thread key."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            window = week_starting(WEEK)
            return {
                r["thread_key"]: r
                for r in new_reply_counts(conn, window.start, window.end, min_replies=0)
            }
    finally:
        engine.dispose()


def check_counts(db_url: str) -> None:
    """Exact posts equal the truth; estimated ones are marked and within the documented bound."""
    truth = week_truth(WEEK, LAST, 7)
    counted = rows(db_url)
    exact = estimated = 0
    errors = []
    for t in truth["threads"]:
        if not in_range(t):
            continue
        row = counted.get(t["thread_key"])
        if t["counting"] == "exact":
            assert (row["new_replies"] if row else 0) == t["new_replies"], t
            assert row is None or row["estimate"] is False
            exact += 1
        elif row is None:  # no comments at either crawl: a total of 0, nothing to estimate
            assert t["new_replies"] == 0, t
        else:
            assert row["estimate"] is True, t
            error = abs(row["new_replies"] - t["new_replies"])
            assert error <= estimate_bound(t["new_replies"]), (t, row["new_replies"])
            errors.append(error)
            estimated += 1
    # Posts crawled at both ends count once: every exact count equals the truth.
    assert exact > 80 and estimated > 30 and max(errors) >= 1  # estimates are not exact
    engine = make_engine(db_url)
    with engine.connect() as conn:
        status = dict(conn.execute(select(Thread.thread_key, Thread.status)).tuples().all())
    engine.dispose()
    went = [t["thread_key"] for t in truth["threads"] if t["status"] == "deleted"]
    assert any(status.get(k) == "deleted" for k in went), "a post deleted mid-week is retired"


def test_a_crawl_at_each_end_of_the_week_counts_right_and_the_token_stays_secret(
    db_url: str, tmp_path: Path
) -> None:
    """Crawl after the week starts, then `buzz weekly` after it ends, at DEBUG, rate-limited."""
    with serve_in_thread("facebook", now=FIRST) as site:
        crawl(db_url, site, tmp_path)
    with serve_in_thread("facebook", now=LAST) as site:
        site.server.site.throttle(3)  # type: ignore[attr-defined]  # rate-limit answers first
        proc = buzz(
            ["weekly", "--week", WEEK.isoformat(), "--now", LAST.isoformat()],
            db_url,
            site,
            tmp_path,
            BUZZ_LOG_LEVEL="DEBUG",
            BUZZ_FACEBOOK_TOKEN=CREDENTIAL,
        )
    check_counts(db_url)
    logs = proc.stdout + proc.stderr
    assert "access_token=***" in logs, "the debug log shows request URLs, masked"
    assert "buzz/backoff/rate_limit" in logs
    assert CREDENTIAL not in logs
    assert _text_columns_hold(db_url, CREDENTIAL) == []
    assert _text_columns_hold(db_url, "access_token") == []
    report = tmp_path / "reports" / WEEK.isoformat()
    files = sorted(report.iterdir())
    assert {f.suffix for f in files} >= {".html", ".csv", ".xlsx", ".json", ".md"}
    for f in files:
        data = f.read_bytes()
        assert CREDENTIAL.encode() not in data and b"access_token" not in data, f.name
    document = json.loads((report / "leaderboard.json").read_text(encoding="utf-8"))
    boards = [b for b in document["boards"] if b["label"].startswith("Facebook")]
    activity = [b for b in boards if "活動" in json.dumps(b, ensure_ascii=False)]
    assert activity and any(b["entries"] for b in activity), [b["label"] for b in boards]
    entries = [e for b in boards for e in b["entries"]]
    assert any(e["estimate"] for e in entries), "the counts-only page's posts are marked ≈"
    assert "≈" in (report / "leaderboard.html").read_text(encoding="utf-8")


def _runs(db_url: str) -> list[dict[str, Any]]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list_runs(conn)
    finally:
        engine.dispose()


def _text_columns_hold(db_url: str, secret: str) -> list[str]:
    """Every (table.column) of text type whose stored values contain the secret."""
    engine = make_engine(db_url)
    found = []
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name not in names:
                    continue
                for column in table.columns:
                    if isinstance(column.type, String | Text):
                        hit = conn.execute(
                            select(column).where(column.contains(secret)).limit(1)
                        ).first()
                        if hit is not None:
                            found.append(f"{table.name}.{column.name}")
    finally:
        engine.dispose()
    return found


@pytest.mark.parametrize("db_url", [SQLITE], indirect=True)
def test_an_expired_token_fails_every_page_in_one_line_naming_its_variable(
    db_url: str, tmp_path: Path
) -> None:
    with serve_in_thread("facebook", now=LAST) as site:
        proc = buzz(
            ["weekly", "--week", WEEK.isoformat(), "--now", LAST.isoformat(), "--quiet"],
            db_url,
            site,
            tmp_path,
            expect=1,
            BUZZ_FACEBOOK_TOKEN=EXPIRED_CREDENTIAL,
        )
        (run,) = [
            json.loads(line)
            for line in buzz(
                ["crawl", "runs", "--json"], db_url, site, tmp_path
            ).stdout.splitlines()
        ]
        requests = site.stats()["requests"]
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "BUZZ_FACEBOOK_TOKEN" in ln]
    assert lines and all("expired" in ln for ln in lines), lines
    assert EXPIRED_CREDENTIAL not in proc.stdout + proc.stderr
    assert run["status"] == "failed"
    assert {c["status"] for c in run["channels"]} == {"failed"}
    assert all("BUZZ_FACEBOOK_TOKEN" in c["detail"] for c in run["channels"])
    assert requests <= len(PAGES) + 1  # robots.txt and one refused search a page, no more
    html = (tmp_path / "reports" / WEEK.isoformat() / "leaderboard.html").read_text("utf-8")
    assert "本週資料不完整" in html and "BUZZ_FACEBOOK_TOKEN" in html
    assert stored_counts(db_url, START, START + timedelta(days=7)) == {}
