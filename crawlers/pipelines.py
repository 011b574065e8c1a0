"""The storage pipeline: batches crawled threads and writes them off the reactor thread."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine

from crawlers.identity import reply_keys
from crawlers.items import PttArticleItem
from storage.db import make_engine
from storage.migrate import current_revision
from storage.records import ReplyRecord, ThreadRecord
from storage.runs import finish_run, start_run
from storage.writes import mark_thread_status, write_threads

logger = logging.getLogger(__name__)

Batch = list[tuple[ThreadRecord, Sequence[ReplyRecord]]]


def ptt_records(item: PttArticleItem) -> tuple[ThreadRecord, list[ReplyRecord]]:
    """Turn a parsed PTT article into the storage records, keying each push."""
    a = item.article
    thread = ThreadRecord(
        platform="ptt",
        channel=a.board,
        thread_key=a.article_id,
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
        elif key == "retry/max_reached":
            kind = "gave_up_after_retries"
        elif key == "robotstxt/forbidden":
            kind = "robots_forbidden"
        if kind:
            errors[kind] = errors.get(kind, 0) + int(value)
    return errors


class StoragePipeline:
    """Write threads and replies in bulk, idempotently, and record the crawl run."""

    def __init__(
        self, engine: Engine, batch_size: int = 50, run_args: dict[str, str] | None = None
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.run_args = run_args or {}
        self.batch: Batch = []
        self.deleted: list[tuple[str, datetime]] = []
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="buzz-db")
        self.run_id: int | None = None
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        """Read the database URL and batch size from settings; record the run on close."""
        url = crawler.settings.get("BUZZ_DATABASE_URL")
        engine = make_engine(str(url))
        if current_revision(engine) is None:
            raise RuntimeError("the database has no schema yet: run `buzz db upgrade` first")
        pipeline = cls(engine, crawler.settings.getint("BUZZ_WRITE_BATCH", 50))
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    async def run_in_db_thread(self, fn: Any, *args: Any) -> Any:
        """Run blocking database work on the pipeline's single writer thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def _start_run(self, source: str) -> int:
        with self.engine.begin() as conn:
            return start_run(conn, source, self.run_args, datetime.now(UTC))

    async def open_spider(self) -> None:
        """Record the start of the run."""
        spider = self.crawler.spider if self.crawler else None
        name = spider.name if spider else "unknown"
        self.run_args = {**self.run_args, **getattr(spider, "run_args", {})}
        self.run_id = await self.run_in_db_thread(self._start_run, name)

    async def process_item(self, item: Any) -> Any:
        """Queue the item and write a full batch."""
        if not isinstance(item, PttArticleItem):
            return item
        if item.article.status == "ok":
            self.batch.append(ptt_records(item))
        else:
            self.deleted.append((item.article.article_id, item.crawled_at))
        if len(self.batch) >= self.batch_size:
            await self.flush()
        return item

    def _write(self, batch: Batch, deleted: list[tuple[str, datetime]]) -> None:
        seen_at = datetime.now(UTC)
        with self.engine.begin() as conn:
            if batch:
                write_threads(conn, batch, seen_at)
            for thread_key, _crawled in deleted:
                mark_thread_status(conn, "ptt", thread_key, "deleted", seen_at)

    async def flush(self) -> None:
        """Write what is queued in one transaction."""
        batch, self.batch = self.batch, []
        deleted, self.deleted = self.deleted, []
        if batch or deleted:
            await self.run_in_db_thread(self._write, batch, deleted)

    async def close_spider(self) -> None:
        """Write the remainder."""
        await self.flush()

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Record how the run ended, with pages, items and errors by kind."""
        if self.run_id is None or self.crawler is None or self.crawler.stats is None:
            return
        stats = self.crawler.stats.get_stats()
        errors = errors_by_kind(stats)
        # Retried-then-fetched statuses are recorded but do not make a run partial.
        hard = [k for k in errors if k in ("parse", "gave_up_after_retries") or "_" in k[:7]]
        hard = [k for k in hard if not k.startswith("http_")]
        status = "ok" if reason == "finished" and not hard else "partial"
        if reason == "shutdown":
            status = "partial"  # interrupted; resumable when run with JOBDIR
        elif reason not in ("finished", "closespider_timeout", "closespider_itemcount"):
            status = "failed"
        with self.engine.begin() as conn:
            finish_run(
                conn,
                self.run_id,
                datetime.now(UTC),
                status,
                int(stats.get("response_received_count", 0)),
                int(stats.get("item_scraped_count", 0)),
                errors,
            )
        logger.info("crawl run %s %s: %s", self.run_id, status, json.dumps(errors))
        self.executor.shutdown(wait=True)
        self.engine.dispose()
