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
from datetime import UTC, datetime
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from twisted.internet import task

from crawlers.completeness import CrawlTally
from crawlers.deletions import StoredThread, deleted_threads
from crawlers.identity import reply_keys
from crawlers.items import PttArticleItem, PttIndexItem, ptt_thread_key
from crawlers.liveness import HEARTBEAT_EVERY, holder_alive, me
from crawlers.pages.ptt import PttIndexRow
from storage.db import make_engine, write_transaction
from storage.locks import acquire_lock, attach_run, heartbeat_lock, release_lock
from storage.migrate import current_revision, head_revision
from storage.queries import live_threads_by_authors
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


def lock_key(source: str) -> str:
    """The database lock one crawl of a source holds."""
    return f"crawl:{source}"


def ptt_records(item: PttArticleItem) -> tuple[ThreadRecord, list[ReplyRecord]]:
    """Turn a parsed PTT article into the storage records, keying each push."""
    a = item.article
    thread = ThreadRecord(
        platform="ptt",
        channel=item.board,
        thread_key=item.thread_key,
        url=a.url,
        title=a.title,
        category=a.category,
        author_id=a.author_id,
        author_nickname=a.author_nickname,
        posted_at=a.posted_at,
        ip=a.ip,
        status=a.status,
        body=a.body,
        pinned=item.pinned,
    )
    keys = reply_keys((p.tag, p.user, p.raw_time, p.content) for p in a.pushes)
    replies = [
        ReplyRecord(
            reply_key=key,
            tag=p.tag,
            user=p.user,
            content=p.content,
            ip=p.ip,
            replied_at=p.time,
            time_inferred=p.time_inferred,
        )
        for key, p in zip(keys, a.pushes, strict=True)
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
        self.deleted: list[tuple[str, str, str]] = []
        self.index_pages: dict[str, dict[int, tuple[PttIndexRow, ...]]] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="buzz-db")
        self.run_id: int | None = None
        self.crawler: Crawler | None = None
        self.source = "unknown"
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
        pipeline.source = spider.name if spider is not None else "unknown"
        pipeline.take_lock()
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def take_lock(self) -> None:
        """Hold this source's crawl lock, or refuse with who holds it."""
        now = datetime.now(UTC)
        host, pid = self.holder.host, self.holder.pid
        with write_transaction(self.engine) as conn:
            ok, other = acquire_lock(conn, lock_key(self.source), host, pid, now, holder_alive)
        if not ok and other is not None:
            raise CrawlRefused(
                f"another {self.source} crawl is running (run {other.run_id or '?'}, pid "
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
                self.source,
                self.run_args,
                now,
                host=self.holder.host,
                pid=self.holder.pid,
                covers_from=getattr(spider, "since", None),
                observed_at=getattr(spider, "now", None) or now,
            )
            attach_run(conn, lock_key(self.source), self.holder.host, self.holder.pid, run_id)
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
                heartbeat_lock(conn, lock_key(self.source), self.holder.host, self.holder.pid, now)

        def done(future: Any) -> None:
            if future.exception() is not None:
                logger.warning("heartbeat failed: %s", future.exception())

        self.executor.submit(retry_busy, work).add_done_callback(done)

    async def process_item(self, item: Any) -> Any:
        """Queue the item and write a full batch."""
        if isinstance(item, PttIndexItem):
            self.index_pages.setdefault(item.board, {})[item.page] = item.rows
            return item
        if not isinstance(item, PttArticleItem):
            return item
        if item.article.status == "ok":
            self.batch.append(ptt_records(item))
        else:
            self.deleted.append((item.board, item.thread_key, item.article.url))
        if len(self.batch) >= self.batch_size:
            await self.flush()
        return item

    def _write(self, batch: Batch, deleted: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
        """Write one batch (on the writer thread); return the (board, url) of what was lost."""

        def work() -> None:
            seen_at = datetime.now(UTC)
            with write_transaction(self.engine) as conn:
                if batch:
                    write_threads(conn, batch, seen_at)
                for _board, thread_key, _url in deleted:
                    mark_thread_status(conn, "ptt", thread_key, "deleted", seen_at)

        try:
            retry_busy(work)
        except DBAPIError as exc:
            first = str(exc.orig or exc).splitlines()[0]
            logger.error("could not store %d threads: %s", len(batch) + len(deleted), first)
            return [(t.channel, t.url) for t, _ in batch] + [(b, u) for b, _k, u in deleted]
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
            for board, _key, _url in deleted:
                self.tally[board].deleted += 1

    def _retire_deleted_rows(self) -> dict[str, int | None]:
        """Mark threads deleted whose index rows now read `(本文已被刪除) [author]`.

        Returns, per board, how many were retired (None when the write failed).
        """
        retired: dict[str, int | None] = {}
        for board, pages in self.index_pages.items():
            authors = {r.author for rows in pages.values() for r in rows if r.deleted and r.author}
            if not authors:
                continue

            def work(board: str = board, pages: Any = pages, authors: Any = authors) -> int:
                seen_at = datetime.now(UTC)
                with write_transaction(self.engine) as conn:
                    stored = [
                        StoredThread(key.split("/", 1)[-1], author)
                        for key, author in live_threads_by_authors(conn, "ptt", board, authors)
                    ]
                    gone = deleted_threads(pages, stored)
                    for article_id in gone:
                        key = ptt_thread_key(board, article_id)
                        mark_thread_status(conn, "ptt", key, "deleted", seen_at)
                    return len(gone)

            try:
                retired[board] = retry_busy(work)
            except DBAPIError as exc:
                logger.error("%s: could not retire deleted rows: %s", board, exc.orig or exc)
                retired[board] = None
        return retired

    async def close_spider(self) -> None:
        """Write the remainder and retire threads whose index rows say they were deleted."""
        await self.flush()
        retired = await self.run_in_db_thread(self._retire_deleted_rows)
        if self.tally is None:
            return
        for board, count in retired.items():
            if count is None:
                self.tally[board].lose("failed", "store_error", f"{board} deleted rows")
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
                release_lock(conn, lock_key(self.source), self.holder.host, self.holder.pid)
        except DBAPIError as exc:
            logger.warning("could not release the crawl lock: %s", exc.orig or exc)
        self.engine.dispose()
