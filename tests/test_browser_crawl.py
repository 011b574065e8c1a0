"""A site behind a JavaScript challenge: blocked for a plain crawl, crawled through Chromium.

For every source, the replica answers every page or API answer with a Cloudflare-style 403
whose script sets a cookie and reloads. A plain `buzz crawl` records the channel as blocked;
with `browser = true` in buzz.toml the pages load in Debian's headless Chromium
(scrapy-playwright) and the counts equal the truth, with the same reply keys a plain crawl
stores (JSON answers included: the spider gets the document's bytes, not the browser's view).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from e2e_helpers import ROOT, buzz_env, stored_counts, table_sizes
from sqlalchemy import select
from storage_fixtures import SQLITE, fresh_database

from crawlers.sources import Source, all_sources
from ranking.windows import TAIPEI, week_starting
from replica import sources as replica_sources
from replica.server import serve_in_thread
from storage.db import make_engine
from storage.models import Reply, Thread

pytestmark = pytest.mark.e2e

# Chromium loads every page: the crawl runs mid-week with no lookback, so it covers the week's
# first two and a half days only, which still walks listings, threads and their reply pages.
NOW = datetime(2019, 2, 6, 12, 0, tzinfo=TAIPEI)
WEEK = date(2019, 2, 4)
SOURCES = {s.name: s for s in all_sources() if s.name in replica_sources.names()}
CHROMIUM = os.environ.get("BUZZ_CHROMIUM") or shutil.which("chromium")

if CHROMIUM is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser crawl test (.ci/run)")
    pytest.skip("no chromium here: apt-get install chromium", allow_module_level=True)


def _crawl(
    source: Source, db_url: str, tmp: Path, url: str, browser: bool
) -> subprocess.CompletedProcess[str]:
    env = buzz_env(db_url, url, tmp)
    env[source.base_url_env] = url
    config = tmp / f"buzz-{browser}.toml"
    channel = source.default_channels[0]
    lines = [
        "lookback_days = 0",
        f"[sources.{source.name}]",
        f'channels = ["{channel}"]',
        f'base_url = "{url}"',
    ]
    config.write_text("\n".join([*lines, "browser = true" if browser else ""]) + "\n")
    env["BUZZ_CONFIG"] = str(config)
    since, now = WEEK.isoformat(), NOW.isoformat()
    args = ["crawl", source.name, "--since", since, "--now", now, "--quiet"]
    return subprocess.run(
        [sys.executable, "-m", "buzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _runs(db_url: str, tmp: Path, url: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "buzz", "crawl", "runs", "--json"],
        cwd=ROOT,
        env=buzz_env(db_url, url, tmp),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_javascript_challenge_blocks_a_plain_crawl_and_the_browser_gets_through(
    name: str, tmp_path: Path
) -> None:
    source = SOURCES[name]
    channel = source.default_channels[0]
    with (
        fresh_database(SQLITE, tmp_path) as db_url,
        serve_in_thread(name, now=NOW, js_challenge=True) as site,
    ):
        plain = _crawl(source, db_url, tmp_path, site.url, browser=False)
        assert plain.returncode == 1, plain.stdout + plain.stderr
        (run,) = _runs(db_url, tmp_path, site.url)
        assert run["status"] == "failed", run
        assert f"{name}/{channel}" in plain.stderr and "blocked" in plain.stderr, plain.stderr
        assert table_sizes(db_url)["threads"] == 0

        browsed = _crawl(source, db_url, tmp_path, site.url, browser=True)
        assert browsed.returncode == 0, browsed.stdout + browsed.stderr[-3000:]
        assert site.stats()["by_status"].get("403", 0) >= 2  # plain attempts + the first browse

    window = week_starting(WEEK)
    counts = stored_counts(db_url, window.start, window.end)
    truth = replica_sources.week_truth(name, WEEK, NOW, 7)
    cutoff = window.start
    checked = 0
    for t in truth["threads"]:
        if t["channel"] != channel or t["status"] != "ok":
            continue
        if datetime.fromisoformat(t["posted_at"]) < cutoff:
            continue
        assert counts.get(t["thread_key"], 0) == t["new_replies"], t
        checked += 1
    assert checked >= 2, checked

    # the same pages crawled plainly store the same reply keys: nothing is counted twice
    browsed_keys = _reply_keys(db_url)
    assert len(browsed_keys) >= 10
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    with (
        fresh_database(SQLITE, plain_dir) as plain_url,
        serve_in_thread(name, now=NOW) as open_site,
    ):
        again = _crawl(source, plain_url, plain_dir, open_site.url, browser=False)
        assert again.returncode == 0, again.stderr[-3000:]
        assert _reply_keys(plain_url) == browsed_keys


def _reply_keys(db_url: str) -> set[tuple[str, str]]:
    """Every stored reply as (thread key, reply key)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Thread.thread_key, Reply.reply_key).join(Reply, Reply.thread_id == Thread.id)
            ).all()
            return {(str(a), str(b)) for a, b in rows}
    finally:
        engine.dispose()
