"""The jobs behind the CLI and the scheduler: crawl, rank, report, weekly."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from buzz.config import Config
from ranking.leaderboard import build_leaderboards
from ranking.models import Exclusion, Leaderboard, LeaderboardEntry, ThreadCount, WeeklyBoards
from ranking.report import ReportPaths, write_report
from ranking.windows import Window
from storage.db import make_engine
from storage.leaderboards import load_exclusions, load_leaderboards, save_leaderboards
from storage.migrate import upgrade
from storage.queries import new_reply_counts

logger = logging.getLogger(__name__)

DEFAULT_PTT_BOARDS = (
    "Gossiping",
    "Stock",
    "car",
    "NBA",
    "MakeUp",
    "BabyMother",
    "movie",
    "Food",
    "Tech_Job",
    "WomenTalk",
)


@dataclass(frozen=True, slots=True)
class CrawlRequest:
    """What to crawl: the boards, the window start, and how the crawler should behave."""

    boards: Sequence[str]
    since: datetime
    now: datetime | None = None
    lookback_days: int | None = None
    jobdir: Path | None = None
    progress_interval: float = 5.0
    local: bool = False


def engine_for(config: Config) -> Engine:
    """An engine on the configured database, migrated to the latest schema."""
    engine = make_engine(config.database_url)
    upgrade(engine)
    return engine


def crawl_settings(config: Config, request: CrawlRequest) -> dict[str, object]:
    """Scrapy settings for one crawl, layered over crawlers.settings."""
    settings: dict[str, object] = {
        "BUZZ_DATABASE_URL": config.database_url,
        "PTT_BASE_URL": config.ptt_base_url,
        "BUZZ_PROGRESS_INTERVAL": request.progress_interval,
        "LOG_LEVEL": config.log_level,
    }
    if request.jobdir is not None:
        settings["JOBDIR"] = str(request.jobdir)
    if request.local:
        settings.update(
            AUTOTHROTTLE_START_DELAY=0.0,
            AUTOTHROTTLE_MAX_DELAY=2.0,
            AUTOTHROTTLE_TARGET_CONCURRENCY=16.0,
            CONCURRENT_REQUESTS_PER_DOMAIN=16,
            BUZZ_BACKOFF_BASE=0.2,
        )
    return settings


def run_crawl(config: Config, request: CrawlRequest) -> dict[str, object]:
    """Run the PTT spider in this process (once per process: Twisted cannot restart)."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    engine_for(config).dispose()
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.setdict(crawl_settings(config, request), priority="cmdline")
    process = CrawlerProcess(settings)
    kwargs: dict[str, object] = {
        "boards": ",".join(request.boards),
        "since": request.since.isoformat(),
    }
    if request.now is not None:
        kwargs["now"] = request.now.isoformat()
    if request.lookback_days is not None:
        kwargs["lookback_days"] = request.lookback_days
    crawler = process.create_crawler("ptt")
    process.crawl(crawler, **kwargs)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return dict(stats)


def rank_week(config: Config, window: Window, top: int = 10) -> WeeklyBoards:
    """Count the week's new replies in SQL, rank them, and store the published boards."""
    engine = engine_for(config)
    try:
        with engine.begin() as conn:
            rows = [ThreadCount(**r) for r in new_reply_counts(conn, window.start, window.end)]
            boards = build_leaderboards(rows, window, top=top)
            save_leaderboards(
                conn,
                window.start,
                [
                    {
                        "scope": b.scope,
                        "label": b.label,
                        "entries": [
                            {
                                "rank": e.rank,
                                "thread_id": e.thread_id,
                                "new_replies": e.new_replies,
                                "estimate": e.estimate,
                            }
                            for e in b.entries
                        ],
                    }
                    for b in boards.boards
                ],
                [
                    {"thread_id": x.thread_id, "reason": x.reason, "detail": x.detail}
                    for x in boards.exclusions
                ],
                datetime.now(UTC),
            )
    finally:
        engine.dispose()
    return boards


def stored_boards(config: Config, window: Window) -> WeeklyBoards | None:
    """Read a published week back from the database; None when it was never ranked."""
    engine = engine_for(config)
    try:
        with engine.connect() as conn:
            rows = load_leaderboards(conn, window.start)
            excluded = load_exclusions(conn, window.start, window.end)
    finally:
        engine.dispose()
    if not rows:
        return None
    grouped: dict[str, list[dict[str, object]]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in rows:
        grouped[str(row["scope"])].append(row)
        labels[str(row["scope"])] = str(row["label"])
    boards = tuple(
        Leaderboard(
            scope=scope,
            label=labels[scope],
            entries=tuple(
                LeaderboardEntry(
                    rank=int(r["rank"]),  # type: ignore[call-overload]
                    thread_id=int(r["thread_id"]),  # type: ignore[call-overload]
                    new_replies=int(r["new_replies"]),  # type: ignore[call-overload]
                    estimate=bool(r["estimate"]),
                    platform=str(r["platform"]),
                    channel=str(r["channel"]),
                    thread_key=str(r["thread_key"]),
                    title=str(r["title"]),
                    url=str(r["url"]),
                )
                for r in entries
            ),
        )
        for scope, entries in grouped.items()
    )
    exclusions = tuple(Exclusion(**x) for x in excluded)
    return WeeklyBoards(window.start, window.end, boards, exclusions)


def report_week(config: Config, window: Window, out_dir: Path | None = None) -> ReportPaths:
    """Write the week's report from what was published, ranking first if it never was."""
    boards = stored_boards(config, window)
    if boards is None:
        logger.info("week %s was not ranked yet: ranking it now", window.week_id)
        boards = rank_week(config, window)
    target = out_dir or config.reports_dir / window.week_id
    return write_report(boards, target, datetime.now(UTC))


def top_entries(boards: WeeklyBoards, n: int = 3) -> list[LeaderboardEntry]:
    """The overall top N across platform boards, for a console summary."""
    entries = [e for b in boards.boards if b.scope.startswith("platform:") for e in b.entries]
    entries.sort(key=lambda e: (-e.new_replies, e.thread_key, e.thread_id))
    return entries[:n]
