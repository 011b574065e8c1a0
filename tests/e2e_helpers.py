"""Helpers for end-to-end tests: crawl the replica with the real CLI and read what was stored."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage.db import make_engine
from storage.models import Reply, Thread
from storage.queries import new_reply_counts

ROOT = Path(__file__).resolve().parents[1]
LOOKBACK = timedelta(days=14)
TAIPEI = ZoneInfo("Asia/Taipei")


def buzz_env(db_url: str, base_url: str, tmp: Path) -> dict[str, str]:
    """The environment a test runs `buzz` in: its own database, site and data folder.

    Only PTT is configured (a buzz.toml in the test's home), and every other source's site is
    a dead loopback port unless the test set its variable, so nothing can reach the internet.
    A source whose API needs a key gets the one its replica accepts.
    """
    from crawlers.sources import all_sources
    from replica import sources as replica_sources

    env = dict(os.environ)
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "buzz.toml").write_text("[sources.ptt]\n", encoding="utf-8")
    for source in all_sources():
        env.setdefault(source.base_url_env, "http://127.0.0.1:9")
        if source.credential_env and source.name in replica_sources.names():
            secret = replica_sources.credential(source.name)  # the key its replica accepts
            if secret is not None:
                env.setdefault(source.credential_env, secret)
    env.update(
        BUZZ_DATABASE_URL=db_url,
        PTT_BASE_URL=base_url,
        BUZZ_CRAWL_PROFILE="local",
        BUZZ_HOME=str(tmp / "home"),
        BUZZ_REPORTS_DIR=str(tmp / "reports"),
        BUZZ_LOG_LEVEL="WARNING",
    )
    return env


def run_buzz(
    args: list[str],
    db_url: str,
    base_url: str,
    tmp: Path,
    expect: int = 0,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m buzz ARGS` against a database and a site (env: variables on top); fail
    loudly on another exit."""
    proc = subprocess.run(
        [sys.executable, "-m", "buzz", *args],
        cwd=ROOT,
        env={**buzz_env(db_url, base_url, tmp), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == expect, (
        f"buzz {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr[-4000:]}"
    )
    return proc


def crawl(
    db_url: str, base_url: str, tmp: Path, boards: list[str], week: date, now: datetime
) -> str:
    """Crawl the given boards for the week (with the default 14-day lookback) as of `now`."""
    proc = run_buzz(
        [
            "crawl",
            "ptt",
            "--boards",
            ",".join(boards),
            "--since",
            week.isoformat(),
            "--now",
            now.isoformat(),
            "--quiet",
        ],
        db_url,
        base_url,
        tmp,
    )
    return proc.stdout + proc.stderr


def key(board: str, article_id: str) -> str:
    """A PTT thread's stored key: board and article id."""
    return f"{board}/{article_id}"


def stored_counts(db_url: str, start: datetime, end: datetime) -> dict[str, int]:
    """The stored exact new-reply count per thread key (`board/article id`) for a window.

    Estimated rows (threads known only by dated totals) are left out: they are checked against
    their source's documented bound by its own end-to-end test.
    """
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return {
                r["thread_key"]: r["new_replies"]
                for r in new_reply_counts(conn, start, end)
                if not r["estimate"]
            }
    finally:
        engine.dispose()


def table_sizes(db_url: str) -> dict[str, Any]:
    """Rows per table plus a digest of reply identities, to prove a re-crawl changed nothing."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            threads = conn.execute(select(func.count()).select_from(Thread)).scalar_one()
            replies = conn.execute(select(func.count()).select_from(Reply)).scalar_one()
            keys = conn.execute(
                select(Reply.id, Reply.thread_id, Reply.reply_key, Reply.removed_at).order_by(
                    Reply.id
                )
            ).all()
            return {"threads": threads, "replies": replies, "keys": [tuple(k) for k in keys]}
    finally:
        engine.dispose()


def expected_board(
    truth: dict[str, Any], week_start: datetime, board: str | None, top: int = 10
) -> list[tuple[str, int]]:
    """The leaderboard the truth implies: visible, normal, not stale, not pinned threads."""
    cutoff = week_start - LOOKBACK
    rows = [
        (key(t["board"], t["article_id"]), t["new_replies"])
        for t in truth["threads"]
        if t["status"] == "ok"
        and t["kind"] == "normal"
        and not t["pinned"]
        and datetime.fromisoformat(t["posted_at"]) >= cutoff
        and t["new_replies"] > 0
        and (board is None or t["board"] == board)
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:top]


def assert_truth_counts(
    counts: dict[str, int], source: str, channels: Sequence[str], week: date, now: datetime
) -> int:
    """Every visible thread of the source's channels in range has its truth's count; how many.

    Threads the truth marks `"counting": "estimate"` (replies unreadable, only totals) are
    skipped: no exact count is stored for them.
    """
    from replica import sources as replica_sources

    truth = replica_sources.week_truth(source, week, now, 7)
    cutoff = datetime.combine(week, datetime.min.time(), tzinfo=TAIPEI) - LOOKBACK
    checked = 0
    for t in truth["threads"]:
        in_range = datetime.fromisoformat(t["posted_at"]) >= cutoff
        if t["status"] != "ok" or t["channel"] not in channels or not in_range:
            continue
        if t.get("counting") == "estimate":
            continue
        assert counts.get(t["thread_key"], 0) == t["new_replies"], (source, t)
        checked += 1
    return checked
