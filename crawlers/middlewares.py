"""Downloader middlewares: retries that back off and honour Retry-After."""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawlers.failures import RetryRefused

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now_ts: float | None = None) -> float | None:
    """Read a Retry-After header given in seconds or as an HTTP date; None when absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    import time

    return max(0.0, float(when.timestamp()) - (time.time() if now_ts is None else now_ts))


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 429/5xx with exponential backoff, waiting at least what Retry-After asks."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("BUZZ_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("BUZZ_BACKOFF_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build from the crawler's settings."""
        mw = cls(crawler.settings)
        mw.crawler = crawler
        return mw

    def backoff_delay(self, response: Response, attempt: int) -> float:
        """Seconds to wait before retrying: max(Retry-After, base * 2^attempt), capped."""
        exponential: float = self.backoff_base * (2**attempt)
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        return float(min(self.backoff_max, max(exponential, asked or 0.0)))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        """Wait, then hand back a retry request for retryable statuses."""
        owner: Any = spider or self.crawler.spider
        await self._mind_usage(owner, response)
        limited = bool(getattr(owner, "rate_limited", lambda r: False)(response))
        if request.meta.get("dont_retry", False) or (
            response.status not in self.retry_http_codes and not limited
        ):
            return response
        attempt = int(request.meta.get("retry_times", 0))
        delay = self.backoff_delay(response, attempt)
        retry: Any = get_retry_request(
            request,
            spider=owner,
            reason="rate-limit answer" if limited else f"{response.status} response",
            max_retry_times=self.max_retry_times,
            priority_adjust=self.priority_adjust,
        )
        if retry is None:
            return response
        if self.crawler.stats:
            key = "rate_limit" if limited else str(response.status)
            self.crawler.stats.inc_value(f"buzz/backoff/{key}")
        logger.debug("backing off %.1fs before retrying %s", delay, request.url)
        await asyncio.sleep(delay)
        return retry  # type: ignore[no-any-return]

    async def _mind_usage(self, spider: Any, response: Response) -> None:
        """Pause the whole crawl when the site says its quota is nearly used (X-App-Usage...)."""
        asked = float(getattr(spider, "usage_pause", lambda r: 0.0)(response))
        if asked <= 0:
            return
        pause = min(self.backoff_max, asked * self.backoff_base)
        if self.crawler.stats:
            self.crawler.stats.inc_value("buzz/backoff/usage")
        engine = self.crawler.engine
        logger.info("the site's usage quota is nearly spent: pausing %.1fs", pause)
        if engine is not None:
            engine.pause()
        try:
            await asyncio.sleep(pause)
        finally:
            if engine is not None:
                engine.unpause()


class RefusalRetryMiddleware:
    """Spider middleware: a callback's RetryRefused becomes its retry request, and no error."""

    def process_spider_exception(
        self, response: Response, exception: BaseException, spider: Spider | None = None
    ) -> list[Request] | None:
        """Hand back the retry request RetryRefused carries; other exceptions pass on."""
        if isinstance(exception, RetryRefused):
            return [exception.request]
        return None
