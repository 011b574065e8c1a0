"""One weekly run over every source's replica: each source's counts equal its truth exactly.

`buzz weekly` crawls PTT, Dcard and Mobile01 at once (buzz.toml enabling all three, each
at its replica), ranks the week and writes one report with a board per platform in the
reference order and the completeness of every channel at the foot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from e2e_helpers import ROOT, assert_truth_counts, buzz_env, stored_counts
from storage_fixtures import database_urls, fresh_database

from buzz.configfile import FileSettings, SourceSettings, render
from crawlers.sources import all_sources
from ranking.leaderboard import PLATFORM_ORDER, board_title, channel_label
from ranking.windows import TAIPEI, week_starting
from replica import sources as replica_sources
from replica.server import serve_in_thread
from storage.db import make_engine
from storage.leaderboards import load_leaderboards

pytestmark = pytest.mark.e2e

NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
WEEK = date(2019, 2, 4)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_one_weekly_run_matches_every_sources_truth(db_url: str, tmp_path: Path) -> None:
    sources = [s for s in all_sources() if s.name in replica_sources.names()]
    assert {"ptt", "dcard", "mobile01"} <= {s.name for s in sources}
    with ExitStack() as stack:
        sites = {s.name: stack.enter_context(serve_in_thread(s.name, now=NOW)) for s in sources}
        env = buzz_env(db_url, sites["ptt"].url, tmp_path)
        for s in sources:
            env[s.base_url_env] = sites[s.name].url
        config = tmp_path / "all.toml"
        settings = FileSettings(tuple(SourceSettings(s.name, s.default_channels) for s in sources))
        config.write_text(render(settings), encoding="utf-8")
        env["BUZZ_CONFIG"] = str(config)
        args = ["weekly", "--week", WEEK.isoformat(), "--now", NOW.isoformat(), "--quiet"]
        proc = subprocess.run(
            [sys.executable, "-m", "buzz", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    window = week_starting(WEEK)
    counts = stored_counts(db_url, window.start, window.end)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        ranked = {str(r["thread_key"]) for r in load_leaderboards(conn, window.start)}
    engine.dispose()
    for s in sources:
        truth = replica_sources.week_truth(s.name, WEEK, NOW, 7)
        gone = {t["thread_key"] for t in truth["threads"] if t["status"] != "ok"}
        assert gone, f"{s.name}: the replica deletes or hides some threads"
        assert not gone & ranked, f"{s.name}: a deleted or hidden thread is on a board"
        assert assert_truth_counts(counts, s.name, s.default_channels, WEEK, NOW) > 50, s.name
    html = (tmp_path / "reports" / "2019-02-04" / "leaderboard.html").read_text(encoding="utf-8")
    order = [board_title(p) for p in PLATFORM_ORDER if p in {s.platform for s in sources}]
    headings = [html.index(f"<h2>{label} 聲量探索排行榜") for label in order]
    assert headings == sorted(headings), "boards follow the reference order"
    assert "各頻道資料完整性" in html and "本週資料不完整" not in html
    for s in sources:
        for channel in s.default_channels:
            assert f"<td>{escape(channel_label(s.platform, channel))}</td>" in html
    # The other four files, and the daily chart's numbers adding up to the counts checked above.
    report = tmp_path / "reports" / "2019-02-04"
    assert html.count('<figure class="chart"><svg') > 3 and 'id="daily"' in html
    assert (report / "leaderboard.xlsx").read_bytes().startswith(b"PK")
    document = json.loads((report / "leaderboard.json").read_text(encoding="utf-8"))
    platform_boards = [b for b in document["boards"] if b["scope"].startswith("platform:")]
    assert [b["label"] for b in platform_boards] == order
    assert sum(d["new_replies"] for d in document["daily"]) == sum(counts.values())
    days = {d["date"] for d in document["daily"]}
    assert days <= {(WEEK + timedelta(days=n)).isoformat() for n in range(7)} and len(days) == 7
    assert document["has_movement"] is False  # the week before was never published here
