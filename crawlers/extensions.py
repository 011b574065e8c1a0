"""Scrapy extensions: a progress line for long crawls, and the JOBDIR guard."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawlers.jobdir import mark_closed, mark_running, prepare_jobdir
from crawlers.liveness import me

logger = logging.getLogger(__name__)


class ProgressExtension:
    """Print pages and items crawled so far every BUZZ_PROGRESS_INTERVAL seconds to stderr."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        """Enable only when an interval is set (the CLI sets one)."""
        interval = crawler.settings.getfloat("BUZZ_PROGRESS_INTERVAL", 0.0)
        if interval <= 0:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        """Start the periodic report."""
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self, final: bool = False) -> None:
        """Write one progress line."""
        stats = self.crawler.stats
        assert stats is not None
        pages = stats.get_value("response_received_count", 0)
        tally = getattr(self.crawler.spider, "tally", None)
        items = (
            sum(t.threads for t in tally.channels.values())
            if tally is not None
            else stats.get_value("item_scraped_count", 0)
        )
        errors = stats.get_value("log_count/ERROR", 0)
        elapsed = time.monotonic() - self.started
        rate = pages / elapsed if elapsed > 0 else 0.0
        word = "crawled" if final else "crawling"
        name = self.crawler.spider.name if self.crawler.spider is not None else "?"
        sys.stderr.write(
            f"{name} {word}: {pages} pages, {items} threads, {errors} errors, "
            f"{elapsed:.0f}s ({rate:.0f} pages/s)\n"
        )
        sys.stderr.flush()

    def spider_closed(self) -> None:
        """Stop the loop and print the final line."""
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.report(final=True)


class JobdirGuard:
    """Resume from JOBDIR only when exact; start over after a killed crawl (crawlers.jobdir)."""

    def __init__(self, crawler: Crawler, path: Path, args: dict[str, str]) -> None:
        self.crawler = crawler
        self.path = path
        self.args = args

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirGuard:
        """Check the JOBDIR before Scrapy's scheduler opens its queue there."""
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        path = Path(str(jobdir))
        args = dict(getattr(crawler.spider, "run_args", {}))
        plan = prepare_jobdir(path, args, me())
        if plan.note:
            logger.warning("jobdir: %s", plan.note)
        if crawler.stats is not None:
            crawler.stats.set_value("buzz/jobdir_resumed", plan.resume)
        mark_running(path, args, me())
        guard = cls(crawler, path, args)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_closed(self, reason: str) -> None:
        """Record how the crawl ended, so the next start knows whether it may resume."""
        mark_closed(self.path, self.args, reason)
