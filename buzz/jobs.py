"""The jobs behind the CLI and the scheduler: crawl, rank, report, weekly."""

from __future__ import annotations

import logging
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from buzz.config import Config, redact_url, sqlite_path
from buzz.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_REFUSED, fail, note, one_line_logs
from ranking.coverage import cutoff_of, week_coverage
from ranking.leaderboard import build_leaderboards, kinds_of
from ranking.models import (
    ChannelCoverage,
    CrawlRecord,
    DailyCount,
    Exclusion,
    Leaderboard,
    LeaderboardEntry,
    PreviousRank,
    ThreadCount,
    WeeklyBoards,
)
from ranking.report import ReportPaths, write_report
from ranking.rules_config import RulesError, RuleSet, default_rules, load_rules, parse_rules
from ranking.rules_recurrence import ChannelHistory, HistoryItem, index_history
from ranking.windows import Window
from storage.db import make_engine, write_transaction
from storage.leaderboards import (
    load_exclusions,
    load_leaderboards,
    load_rule_set,
    load_week_status,
    published_ranks,
    save_leaderboards,
    save_rule_set,
    save_week_status,
)
from storage.migrate import current_revision, head_revision, upgrade
from storage.queries import channel_thread_history, daily_channel_counts, new_reply_counts
from storage.runs import channel_crawls, list_runs

logger = logging.getLogger(__name__)


class NoData(LookupError):
    """Nothing was crawled or published for what was asked; the message says what to run."""


@dataclass(frozen=True, slots=True)
class CrawlRequest:
    """What to crawl: a source's channels, the window start, and how the crawler behaves."""

    source: str
    channels: Sequence[str]
    since: datetime
    now: datetime | None = None
    lookback_days: int | None = None
    jobdir: Path | None = None
    progress_interval: float = 5.0
    local: bool = False


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """How a crawl ended: its run record, per-channel tallies and one line per problem."""

    run_id: int | None
    status: str
    finish_reason: str
    pages: int
    threads: int
    channels: tuple[dict[str, Any], ...] = field(default=())
    source: str = ""

    @property
    def problems(self) -> list[str]:
        """`ptt/Stock: incomplete: 3 failed [...]`, one line per channel that is not complete."""
        return [
            f"{c['platform']}/{c['channel']}: {c['status']}: {c['detail']}"
            for c in self.channels
            if c["status"] != "complete"
        ]


def engine_for(config: Config, write: bool = True) -> Engine:
    """An engine on the configured database: migrated for writers, checked for readers."""
    url = config.database_url
    note(f"database: {redact_url(url)}")
    path = sqlite_path(url)
    if path is not None and not write and not path.exists():
        raise NoData(
            f"no database at {path} yet: crawl first (`buzz crawl --all`) or point "
            "BUZZ_HOME / BUZZ_DATABASE_URL at your data"
        )
    read_only = path is not None and read_only_folder(path.parent)
    if read_only and write:
        raise NoData(
            f"database {path} is on a read-only file system: reading commands work, "
            "this one needs to write"
        )
    if path is not None and write:
        path.parent.mkdir(parents=True, exist_ok=True)
    # A writing command's transactions all take SQLite's write lock up front: one that reads
    # first and writes later would fail with "database is locked" beside a running crawl.
    engine = make_engine(url, read_only=read_only, writer=write)
    if write:
        upgrade(engine)
        return engine
    revision = current_revision(engine)
    if revision != head_revision():
        engine.dispose()
        if revision is None:
            raise NoData(f"database {redact_url(url)} has no schema yet: run `buzz db upgrade`")
        raise NoData(
            f"database {redact_url(url)} is at schema {revision}, this version needs "
            f"{head_revision()}: run `buzz db upgrade`"
        )
    return engine


def read_only_folder(folder: Path) -> bool:
    """Whether an existing folder is on a read-only file system (or cannot be written)."""
    if not folder.is_dir():
        return False
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def crawl_settings(config: Config, request: CrawlRequest) -> dict[str, object]:
    """Scrapy settings for one source's crawl, layered over crawlers.settings."""
    from crawlers.sources import all_sources

    settings: dict[str, object] = {
        "BUZZ_DATABASE_URL": config.database_url,
        "BUZZ_PROGRESS_INTERVAL": request.progress_interval,
        "LOG_LEVEL": config.log_level,
        "BUZZ_LOOKBACK_DAYS": config.lookback_days,
    }
    for source in all_sources():
        settings[source.base_url_env] = config.base_url(source.name)
    if request.jobdir is not None:
        settings["JOBDIR"] = str(request.jobdir)
    polite = config.source(request.source)
    if polite.delay is not None:
        settings["DOWNLOAD_DELAY"] = polite.delay
        settings["AUTOTHROTTLE_START_DELAY"] = polite.delay
    if polite.concurrency is not None:
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = polite.concurrency
    if polite.browser:
        if request.jobdir is not None:  # the browser hooks in each request cannot be pickled
            fail(f"{request.source}: browser = true does not combine with --jobdir; drop one")
        settings.update(browser_settings(request.source))
    if request.local:
        settings.update(
            DOWNLOAD_DELAY=0.0,
            AUTOTHROTTLE_START_DELAY=0.0,
            AUTOTHROTTLE_MAX_DELAY=2.0,
            AUTOTHROTTLE_TARGET_CONCURRENCY=16.0,
            CONCURRENT_REQUESTS_PER_DOMAIN=16,
            BUZZ_BACKOFF_BASE=0.2,
        )
    return settings


def browser_settings(source: str) -> dict[str, object]:
    """Scrapy settings that load a source's pages in Debian's headless Chromium."""
    from crawlers.browser import HANDLER

    path = os.environ.get("BUZZ_CHROMIUM") or shutil.which("chromium")
    path = path or shutil.which("chromium-browser")
    if not path or not os.access(path, os.X_OK):
        fail(
            f"{source}: browser = true in buzz.toml, but no Chromium was found; install Debian's "
            "chromium (apt-get install chromium) or set BUZZ_CHROMIUM to its path",
            code=EXIT_BAD_INPUT,
        )
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return {
        "BUZZ_BROWSER": True,
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": path, "headless": True, "args": args},
    }


def take_crawl_lock(engine: Engine, source: str) -> None:
    """Hold the source's crawl lock before Scrapy starts; exit 3 with one line when refused."""
    from crawlers.liveness import holder_alive, me
    from crawlers.pipelines import lock_key
    from storage.locks import acquire_lock

    holder = me()
    with write_transaction(engine) as conn:
        ok, other = acquire_lock(
            conn, lock_key(source), holder.host, holder.pid, datetime.now(UTC), holder_alive
        )
    if not ok and other is not None:
        fail(
            f"another {source} crawl is running (run {other.run_id or '?'}, pid {other.pid} on "
            f"{other.host}, started {other.acquired_at:%Y-%m-%d %H:%M} UTC); wait for it to end",
            code=EXIT_REFUSED,
        )
    if other is not None:
        logger.warning("took over the %s crawl lock of dead pid %s", source, other.pid)


def release_crawl_lock(engine: Engine, source: str) -> None:
    """Give the lock back if this process still holds it (the pipeline normally has)."""
    from crawlers.liveness import me
    from crawlers.pipelines import lock_key
    from storage.locks import release_lock

    holder = me()
    with write_transaction(engine) as conn:
        release_lock(conn, lock_key(source), holder.host, holder.pid)


def run_crawl(config: Config, request: CrawlRequest) -> CrawlOutcome:
    """Crawl one source in this process and report how it went."""
    return run_crawls(config, [request])[0]


def run_crawls(config: Config, requests: Sequence[CrawlRequest]) -> list[CrawlOutcome]:
    """Crawl several sources at once in this process (Twisted cannot restart: once per process).

    Each source gets its own settings (politeness, JOBDIR) and its own writer lock; all locks
    are taken before anything starts, so a refusal costs nothing.
    """
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.utils.misc import load_object

    from crawlers.jobdir import check_jobdir
    from crawlers.sources import get

    for request in requests:
        if request.jobdir is not None:
            check_jobdir(request.jobdir)
    engine = engine_for(config)
    taken: list[str] = []
    try:
        for request in requests:
            take_crawl_lock(engine, request.source)
            taken.append(request.source)
        base = Settings()
        base.setmodule("crawlers.settings", priority="project")
        base.setdict(crawl_settings(config, requests[0]), priority="cmdline")
        process = CrawlerProcess(base)
        crawlers = []
        for n, request in enumerate(requests):
            settings = Settings()
            settings.setmodule("crawlers.settings", priority="project")
            settings.setdict(crawl_settings(config, request), priority="cmdline")
            kwargs: dict[str, object] = {
                "channels": ",".join(request.channels),
                "since": request.since.isoformat(),
            }
            if request.now is not None:
                kwargs["now"] = request.now.isoformat()
            if request.lookback_days is not None:
                kwargs["lookback_days"] = request.lookback_days
            # Each crawler has its own settings; the first installs the reactor for all.
            spider = load_object(get(request.source).spider)
            crawler = Crawler(spider, settings, init_reactor=n == 0)
            process.crawl(crawler, **kwargs)
            crawlers.append((request, crawler))
        one_line_logs()  # after crawl(): Scrapy installs its root log handler there
        process.start()
        return [_outcome(engine, r.source, c) for r, c in crawlers]
    finally:
        for source in taken:
            release_crawl_lock(engine, source)
        engine.dispose()


def _outcome(engine: Engine, source: str, crawler: Any) -> CrawlOutcome:
    """What a finished crawler's run record says."""
    stats = crawler.stats.get_stats() if crawler.stats else {}
    run_id = stats.get("buzz/run_id")
    reason = str(stats.get("finish_reason", "not started"))
    if run_id is None:
        return CrawlOutcome(None, "failed", reason, 0, 0, source=source)
    with engine.connect() as conn:
        (run,) = [r for r in list_runs(conn, 50, source) if r["id"] == run_id]
    return CrawlOutcome(
        int(run_id),
        str(run["status"]),
        reason,
        int(run["pages"]),
        int(run["items"]),
        tuple(run["channels"]),
        source=source,
    )


def crawl_records(conn: Any, platform: str | None = None) -> list[CrawlRecord]:
    """Every run's channel tallies as ranking's CrawlRecord rows, newest first."""
    return [
        CrawlRecord(
            run_id=int(c["run_id"]),
            platform=str(c["platform"]),
            channel=str(c["channel"]),
            status=str(c["status"]),
            detail=str(c["detail"]),
            covers_from=c["covers_from"],
            observed_at=c["observed_at"],
        )
        for c in channel_crawls(conn, platform)
    ]


def configured_rules(config: Config, path: Path | None = None) -> RuleSet:
    """The rules file given (--rules), else buzz.toml's `rules`, else the shipped rules."""
    chosen = path or config.rules_path
    if chosen is None:
        return default_rules()
    try:
        return load_rules(chosen)
    except RulesError as e:
        fail(f"{'--rules' if path else 'buzz.toml rules'}: {e}")


def week_rules(conn: Any, config: Config, window: Window, path: Path | None) -> RuleSet:
    """--rules when given; else the rules a past week was published with; else the configured."""
    if path is None:
        status = load_week_status(conn, window.start)
        digest = status and status.get("rules_digest")
        stored = load_rule_set(conn, digest) if digest else None
        if stored is not None:
            try:
                return parse_rules(
                    stored["text"], f"rules {stored['version']} stored with the week"
                )
            except RulesError as e:
                fail(f"{e} (pass --rules FILE to rank the week with another file)")
    return configured_rules(config, path)


def channel_history(
    conn: Any, rules: RuleSet, window: Window, rows: Sequence[ThreadCount]
) -> dict[tuple[str, str], ChannelHistory]:
    """The channels' threads of the previous weeks and this one, for the recurrence rule."""
    start = window.start - timedelta(weeks=rules.history_weeks)
    found = channel_thread_history(conn, start, window.end, {(r.platform, r.channel) for r in rows})
    return index_history(HistoryItem(**h) for h in found)


def rank_week(
    config: Config,
    window: Window,
    top: int = 10,
    *,
    provisional: bool = False,
    channels: Iterable[tuple[str, str]] | None = None,
    rules_path: Path | None = None,
) -> WeeklyBoards:
    """Count the week's new replies in SQL, rank them, and store the boards with their coverage.

    `channels` are the (platform, channel) pairs the caller crawled (a weekly run): they and
    the channels with replies in the week are judged. Without it, every channel a crawl
    looked at is judged too. Raises NoData when no crawl covers the week at all.
    """
    engine = engine_for(config)
    try:
        with write_transaction(engine) as conn:
            rows = [ThreadCount(**r) for r in new_reply_counts(conn, window.start, window.end)]
            expected = set(channels or ()) | {(r.platform, r.channel) for r in rows}
            coverage = week_coverage(
                window,
                crawl_records(conn),
                expected,
                provisional=provisional,
                observed=channels is None,
            )
            if not any(c.status != "not_crawled" for c in coverage):
                raise NoData(
                    f"no crawl covers the week {window.week_id}: crawl it first "
                    f"(`buzz crawl --all --since {window.week_id}` or `buzz weekly --week "
                    f"{window.week_id}`)"
                )
            rules = week_rules(conn, config, window, rules_path)
            history = channel_history(conn, rules, window, rows)
            boards = build_leaderboards(
                rows,
                window,
                top=top,
                giveaway_board=rules.activity_platforms,
                config=rules,
                history=history,
            )
            daily, previous = report_extras(conn, window)
            boards = WeeklyBoards(
                boards.week_start,
                boards.week_end,
                boards.boards,
                boards.exclusions,
                coverage,
                provisional,
                cutoff_of(coverage) if provisional else None,
                daily,
                previous,
                rules.label,
            )
            published = datetime.now(UTC)
            save_rule_set(conn, rules.digest, rules.version, rules.text, published)
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
                published,
            )
            save_week_status(
                conn,
                window.start,
                published,
                [coverage_row(c) for c in coverage],
                provisional=provisional,
                cutoff=boards.cutoff,
                rules_digest=rules.digest,
            )
    finally:
        engine.dispose()
    return boards


def report_extras(
    conn: Any, window: Window
) -> tuple[tuple[DailyCount, ...], tuple[PreviousRank, ...] | None]:
    """What the report adds to a week: new replies per channel and day, last week's ranks."""
    daily = tuple(DailyCount(**r) for r in daily_channel_counts(conn, window.start, window.end))
    ranks = published_ranks(conn, window.previous().start)
    previous = None if ranks is None else tuple(PreviousRank(**r) for r in ranks)
    return daily, previous


def coverage_row(c: ChannelCoverage) -> dict[str, Any]:
    """A coverage row as storage keeps it."""
    return {
        "platform": c.platform,
        "channel": c.channel,
        "status": c.status,
        "reason": c.reason,
        "run_id": c.run_id,
        "observed_at": c.observed_at,
    }


def stored_boards(config: Config, window: Window) -> WeeklyBoards | None:
    """Read a published week back from the database; None when it was never ranked."""
    engine = engine_for(config, write=False)
    try:
        with engine.connect() as conn:
            status = load_week_status(conn, window.start)
            rows = load_leaderboards(conn, window.start)
            excluded = load_exclusions(conn, window.start, window.end)
            daily, previous = report_extras(conn, window) if status is not None else ((), None)
            digest = status.get("rules_digest") if status else None
            stored_rules = load_rule_set(conn, digest) if digest else None
    finally:
        engine.dispose()
    if status is None:
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
    coverage = tuple(ChannelCoverage(**c) for c in status["coverage"])
    return WeeklyBoards(
        window.start,
        window.end,
        boards,
        exclusions,
        coverage,
        status["provisional"],
        status["cutoff"],
        daily,
        previous,
        f"{stored_rules['version']} (sha256:{digest})" if stored_rules else "",
        kinds_of(_stored_rules(stored_rules)),
    )


def _stored_rules(stored: Mapping[str, Any] | None) -> RuleSet:
    """The rules a week was published with (the shipped ones when none or unreadable)."""
    if stored is not None:
        try:
            return parse_rules(str(stored["text"]), f"rules {stored['version']}")
        except RulesError:
            pass
    return default_rules()


def report_week(
    config: Config, window: Window, out_dir: Path | None = None, *, provisional: bool = False
) -> tuple[ReportPaths, WeeklyBoards]:
    """Write the week's report from what was published, ranking first if it never was."""
    try:
        boards = stored_boards(config, window)
    except NoData:
        boards = None
    if boards is None:
        logger.info("week %s was not ranked yet: ranking it now", window.week_id)
        boards = rank_week(config, window, provisional=provisional)
    target = out_dir or config.reports_dir / window.week_id
    return write_report(boards, target, datetime.now(UTC)), boards


def top_entries(boards: WeeklyBoards, n: int = 3) -> list[LeaderboardEntry]:
    """The overall top N across platform boards, for a console summary."""
    entries = [e for b in boards.boards if b.scope.startswith("platform:") for e in b.entries]
    entries.sort(key=lambda e: (-e.new_replies, e.thread_key, e.thread_id))
    return entries[:n]


def exit_for_incomplete(boards: WeeklyBoards, allow: bool) -> None:
    """Exit 1 with one line naming the incomplete channels, unless allowed (then just warn)."""
    gaps = [c for c in boards.incomplete if c.status != "provisional"]
    if not gaps:
        return
    names = ", ".join(f"{c.platform}/{c.channel} ({c.status})" for c in gaps)
    if allow:
        logger.warning("published with incomplete channels: %s", names)
        return
    fail(
        f"week {Window(boards.week_start, boards.week_end).week_id} is incomplete: {names}; "
        "the report is marked so (pass --allow-incomplete to accept it)",
        code=EXIT_FAILED,
    )
