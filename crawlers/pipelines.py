"""The storage pipeline: batches crawled threads, writes them off the reactor, records the run.

One writer per source: the pipeline holds the source's lock in the database for the whole run
(the CLI takes it first, so a refusal is one line before Scrapy starts). A write that meets a
busy database is retried; a write that still fails is counted as lost pages of its board, so
the run and the board say incomplete instead of silently missing threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from twisted.internet import task

from crawlers.completeness import CrawlTally
from crawlers.items import GoneItem, ListingItem, ListingRow, ThreadItem
from crawlers.liveness import HEARTBEAT_EVERY, holder_alive, me
from crawlers.sources import Source, StoredThread, get
from storage.db import make_engine, write_transaction
from storage.locks import acquire_lock, attach_run, heartbeat_lock, release_lock
from storage.migrate import current_revision, head_revision
from storage.queries import live_threads
from storage.records import ReplyRecord, ThreadRecord
from storage.runs import close_crashed_runs, finish_run, heartbeat_run, save_channels, start_run
from storage.writes import mark_thread_status, write_threads

logger = logging.getLogger(__name__)

Batch = list[tuple[ThreadRecord, Sequence[ReplyRecord]]]
T = TypeVar("T")

WRITE_ATTEMPTS = 5
"""Tries for one batch against a busy database (waits 1, 2, 4, 8 s between them)."""


class CrawlRefused(RuntimeError):
    """Another live process holds this source's crawl lock."""


def lock_key(source: str, shard: str = "") -> str:
    """The database lock one crawl of a source holds; a shard `i/n` of it has its own."""
    if not shard:
        return f"crawl:{source}"
    index, count = shard.split("/")
    return f"crawl:{source}/{index}of{count}"


def shard_of(crawler: Crawler) -> str:
    """The shard `i/n` a crawl does: its `buzz_shard` spider argument, else BUZZ_SHARD."""
    spider = crawler.spider
    shard = getattr(spider, "buzz_shard", "") if spider is not None else ""
    return str(shard or crawler.settings.get("BUZZ_SHARD") or "")


def records(item: ThreadItem) -> tuple[ThreadRecord, list[ReplyRecord]]:
    """A crawled thread as the storage records (the same for every source)."""
    thread = ThreadRecord(
        platform=item.platform,
        channel=item.channel,
        thread_key=item.thread_key,
        url=item.url,
        title=item.title,
        category=item.category,
        author_id=item.author_id,
        author_nickname=item.author_nickname,
        posted_at=item.posted_at,
        ip=item.ip,
        status=item.status,
        body=item.body,
        pinned=item.pinned,
        replies_complete=item.replies_complete,
        reply_total=item.reply_total,
        reply_total_at=item.crawled_at if item.reply_total is not None else None,
    )
    replies = [
        ReplyRecord(
            reply_key=r.key,
            tag=r.tag,
            user=r.user,
            content=r.content,
            ip=r.ip,
            replied_at=r.replied_at,
            time_inferred=r.time_inferred,
        )
        for r in item.replies
    ]
    return thread, replies


def errors_by_kind(stats: dict[str, Any]) -> dict[str, int]:
    """Summarise a crawl's failures from Scrapy stats, one counter per kind."""
    errors: dict[str, int] = {}
    for key, value in stats.items():
        kind: str | None = None
        if key.startswith("downloader/response_status_count/"):
            code = int(key.rsplit("/", 1)[1])
            kind = f"http_{code}" if code >= 400 else None
        elif key.startswith("downloader/exception_type_count/"):
            kind = "network_" + key.rsplit(".", 1)[-1]
        elif key.startswith("spider_exceptions/"):
            kind = "spider_" + key.rsplit("/", 1)[1]
        elif key == "buzz/errors/parse":
            kind = "parse"
        elif key == "buzz/errors/store":
            kind = "store"
        elif key == "retry/max_reached":
            kind = "gave_up_after_retries"
        elif key == "robotstxt/forbidden":
            kind = "robots_forbidden"
        if kind:
            errors[kind] = errors.get(kind, 0) + int(value)
    return errors


def run_status(channel_statuses: Sequence[str], reason: str) -> str:
    """The run's status from its channels': complete only when every channel is."""
    statuses = set(channel_statuses)
    if statuses == {"complete"} and reason == "finished":
        return "complete"
    if statuses and statuses <= {"failed"}:
        return "failed"
    return "incomplete"


def retry_busy(fn: Callable[[], T], attempts: int = WRITE_ATTEMPTS, base: float = 1.0) -> T:
    """Call fn, retrying while the database answers busy/locked (SQLite) or a lost connection."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except OperationalError as exc:
            text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
            busy = "locked" in text or "busy" in text or exc.connection_invalidated
            if not busy or attempt == attempts:
                raise
            wait = base * 2 ** (attempt - 1)
            logger.warning("database busy (%s); retrying in %.0f s", text.splitlines()[0], wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


class StoragePipeline:
    """Write threads and replies in bulk, idempotently, and record the crawl run per channel."""

    def __init__(
        self, engine: Engine, batch_size: int = 50, run_args: dict[str, str] | None = None
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.run_args = run_args or {}
        self.batch: Batch = []
        self.deleted: list[GoneItem] = []
        self.listings: dict[str, dict[int, tuple[ListingRow, ...]]] = {}
        self.source: Source | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="buzz-db")
        self.run_id: int | None = None
        self.crawler: Crawler | None = None
        self.source_name = "unknown"
        self.lock = lock_key(self.source_name)
        self.holder = me()
        self.heartbeat: task.LoopingCall | None = None
        self.tally: CrawlTally | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        """Check the schema, take the source's writer lock, and record the run on close."""
        url = str(crawler.settings.get("BUZZ_DATABASE_URL"))
        engine = make_engine(url)
        revision = current_revision(engine)
        if revision is None:
            raise RuntimeError("the database has no schema yet: run `buzz db upgrade` first")
        if revision != head_revision():
            raise RuntimeError(
                f"the database schema is at {revision}, this version needs {head_revision()}:"
                " run `buzz db upgrade`"
            )
        pipeline = cls(engine, crawler.settings.getint("BUZZ_WRITE_BATCH", 50))
        pipeline.crawler = crawler
        spider = crawler.spider
        pipeline.source_name = spider.name if spider is not None else "unknown"
        try:
            pipeline.source = get(pipeline.source_name)
        except KeyError:
            pipeline.source = None
        pipeline.lock = lock_key(pipeline.source_name, shard_of(crawler))
        pipeline.take_lock()
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def take_lock(self) -> None:
        """Hold this source's crawl lock, or refuse with who holds it."""
        now = datetime.now(UTC)
        host, pid = self.holder.host, self.holder.pid
        with write_transaction(self.engine) as conn:
            ok, other = acquire_lock(conn, self.lock, host, pid, now, holder_alive)
        if not ok and other is not None:
            raise CrawlRefused(
                f"another {self.source_name} crawl is running (run {other.run_id or '?'}, pid "
                f"{other.pid} on {other.host}, since {other.acquired_at:%Y-%m-%d %H:%M} UTC)"
            )

    async def run_in_db_thread(self, fn: Any, *args: Any) -> Any:
        """Run blocking database work on the pipeline's single writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def _start_run(self, spider: Any) -> int:
        now = datetime.now(UTC)
        with write_transaction(self.engine) as conn:
            crashed = close_crashed_runs(conn, holder_alive, now)
            if crashed:
                logger.warning("closed crawl runs %s as crashed (their process is gone)", crashed)
            run_id = start_run(
                conn,
                self.source_name,
                self.run_args,
                now,
                host=self.holder.host,
                pid=self.holder.pid,
                covers_from=getattr(spider, "since", None),
                observed_at=getattr(spider, "now", None) or now,
            )
            attach_run(conn, self.lock, self.holder.host, self.holder.pid, run_id)
            return run_id

    async def open_spider(self) -> None:
        """Record the start of the run and start the heartbeat."""
        spider = self.crawler.spider if self.crawler else None
        self.run_args = {**self.run_args, **getattr(spider, "run_args", {})}
        self.tally = getattr(spider, "tally", None)
        self.run_id = await self.run_in_db_thread(self._start_run, spider)
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(HEARTBEAT_EVERY.total_seconds(), now=False)

    def _beat(self) -> None:
        """Tell the database this run and its lock are alive (from the writer thread)."""

        def work() -> None:
            now = datetime.now(UTC)
            with write_transaction(self.engine) as conn:
                if self.run_id is not None:
                    heartbeat_run(conn, self.run_id, now)
                heartbeat_lock(conn, self.lock, self.holder.host, self.holder.pid, now)

        def done(future: Any) -> None:
            if future.exception() is not None:
                logger.warning("heartbeat failed: %s", future.exception())

        self.executor.submit(retry_busy, work).add_done_callback(done)

    async def process_item(self, item: Any) -> Any:
        """Queue the item and write a full batch."""
        if isinstance(item, ListingItem):
            self.listings.setdefault(item.channel, {})[item.page] = item.rows
        elif isinstance(item, GoneItem):
            self.deleted.append(item)
        elif isinstance(item, ThreadItem):
            self.batch.append(records(item))
        if len(self.batch) >= self.batch_size:
            await self.flush()
        return item

    def _write(self, batch: Batch, deleted: list[GoneItem]) -> list[tuple[str, str]]:
        """Write one batch (on the writer thread); return the (board, url) of what was lost."""

        def work() -> None:
            seen_at = datetime.now(UTC)
            with write_transaction(self.engine) as conn:
                if batch:
                    write_threads(conn, batch, seen_at)
                for gone in deleted:
                    mark_thread_status(conn, gone.platform, gone.thread_key, gone.status, seen_at)

        try:
            retry_busy(work)
        except DBAPIError as exc:
            first = str(exc.orig or exc).splitlines()[0]
            logger.error("could not store %d threads: %s", len(batch) + len(deleted), first)
            return [(t.channel, t.url) for t, _ in batch] + [(g.channel, g.url) for g in deleted]
        return []

    async def flush(self) -> None:
        """Write what is queued in one transaction; count it, or its loss, in the tally."""
        batch, self.batch = self.batch, []
        deleted, self.deleted = self.deleted, []
        if not batch and not deleted:
            return
        lost = await self.run_in_db_thread(self._write, batch, deleted)
        if lost:
            if self.crawler is not None and self.crawler.stats is not None:
                self.crawler.stats.inc_value("buzz/errors/store", len(lost))
            if self.tally is not None:
                for board, url in lost:
                    self.tally[board].lose("failed", "store_error", url)
            return
        if self.tally is not None:
            for thread, replies in batch:
                self.tally[thread.channel].threads += 1
                self.tally[thread.channel].replies += len(replies)
            for gone in deleted:
                self.tally[gone.channel].deleted += 1

    def _retire_vanished(self) -> dict[str, int | None]:
        """Mark threads deleted that the channels' listings say are gone (the source's rule).

        Returns, per channel, how many were retired (None when the write failed).
        """
        retired: dict[str, int | None] = {}
        source = self.source
        if source is None or source.retire is None:
            return retired
        rule = source.retire
        cutoff = getattr(self.crawler.spider if self.crawler else None, "cutoff", None)
        since = cutoff - timedelta(days=2) if isinstance(cutoff, datetime) else None
        for channel, pages in self.listings.items():

            def work(channel: str = channel, pages: Any = pages) -> int:
                seen_at = datetime.now(UTC)
                with write_transaction(self.engine) as conn:
                    stored = [
                        StoredThread(key, source.position(key), author)
                        for key, author in live_threads(conn, source.platform, channel, since)
                    ]
                    gone = rule(pages, stored)
                    for key in gone:
                        mark_thread_status(conn, source.platform, key, "deleted", seen_at)
                    return len(gone)

            try:
                retired[channel] = retry_busy(work)
            except DBAPIError as exc:
                logger.error("%s: could not retire vanished threads: %s", channel, exc.orig or exc)
                retired[channel] = None
        return retired

    async def close_spider(self) -> None:
        """Write the remainder and retire threads whose index rows say they were deleted."""
        await self.flush()
        retired = await self.run_in_db_thread(self._retire_vanished)
        if self.tally is None:
            return
        for board, count in retired.items():
            if count is None:
                self.tally[board].lose("failed", "store_error", f"{board} listing")
            else:
                self.tally[board].deleted += count

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Record how the run ended, per channel, and give the lock back."""
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        self.executor.shutdown(wait=True)
        if self.run_id is None or self.crawler is None or self.crawler.stats is None:
            self._release()
            return
        stats = self.crawler.stats.get_stats()
        errors = errors_by_kind(stats)
        channels = self.tally.records(reason) if self.tally is not None else []
        status = run_status([c["status"] for c in channels], reason)
        run_id = self.run_id

        def work() -> None:
            with write_transaction(self.engine) as conn:
                save_channels(conn, run_id, channels)
                finish_run(
                    conn,
                    run_id,
                    datetime.now(UTC),
                    status,
                    int(stats.get("response_received_count", 0)),
                    sum(int(c["threads"]) for c in channels),
                    errors,
                    reason,
                )

        retry_busy(work)
        self.crawler.stats.set_value("buzz/run_id", run_id)
        self.crawler.stats.set_value("buzz/run_status", status)
        logger.info("crawl run %s %s (%s)", run_id, status, reason)
        self._release()

    def _release(self) -> None:
        """Give the source's lock back and close the engine."""
        try:
            with write_transaction(self.engine) as conn:
                release_lock(conn, self.lock, self.holder.host, self.holder.pid)
        except DBAPIError as exc:
            logger.warning("could not release the crawl lock: %s", exc.orig or exc)
        self.engine.dispose()
