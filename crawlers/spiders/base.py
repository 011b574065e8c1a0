"""What every source's spider shares: channels and window arguments, per-channel tallies.

A spider subclasses SourceSpider, names its `source` entry, and yields requests made with
`self.request(url, callback, channel)`, so every page fetched or lost lands in its channel's
tally. Its own code is routing: which URLs, which parser, what to follow.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.completeness import CrawlTally
from crawlers.failures import RetryRefused, classify_failure
from crawlers.secrets import install_log_redaction, protect, redact
from crawlers.sources.base import Source

logger = logging.getLogger(__name__)

TAIPEI = ZoneInfo("Asia/Taipei")
CHANNEL = "buzz_channel"
ROOT = "buzz_root"
_STATE_KEY = "buzz_tally"


def parse_since(text: str) -> datetime:
    """Read `since` as a date (midnight Asia/Taipei) or a full ISO datetime."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=TAIPEI)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"since={text!r} is not a date like 2019-02-04") from None
    return value if value.tzinfo else value.replace(tzinfo=TAIPEI)


def parse_shard(text: str) -> str:
    """Check a `buzz_shard` argument: `i/n` with 1 <= i <= n, or empty for a whole crawl."""
    text = text.strip()
    if not text:
        return ""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"buzz_shard={text!r} is not a shard like 1/2 (i of n, 1 <= i <= n)")
    return f"{int(index)}/{int(count)}"


def challenge_reason(message: str) -> bool:
    """Whether a parse refusal means the site answered with a challenge or gate, not a page."""
    return "challenge" in message or "over-18" in message


class SourceSpider(Spider):
    """Shared arguments (`channels`, `since`, `lookback_days`, `now`) and loss accounting."""

    source: ClassVar[Source]

    def __init__(
        self,
        channels: str = "",
        since: str = "",
        lookback_days: str | int | None = None,
        now: str | None = None,
        buzz_job: str = "",
        buzz_shard: str = "",
        **kwargs: Any,
    ) -> None:
        legacy = kwargs.pop("boards", "")  # `-a boards=` predates `channels` for PTT
        super().__init__(**kwargs)
        word = self.source.channel_word
        self.channels = [c.strip() for c in (channels or legacy).split(",") if c.strip()]
        if not self.channels:
            raise ValueError(f"{self.name} spider needs -a channels=<{word}>,<{word}>")
        if not since:
            raise ValueError(f"{self.name} spider needs -a since=YYYY-MM-DD (the window start)")
        self.since = parse_since(since)
        self.lookback_arg = lookback_days
        self.now = datetime.fromisoformat(now) if now else None
        if self.now is not None and self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=TAIPEI)
        self.cutoff = self.since
        self.buzz_job = buzz_job.strip()
        self.buzz_shard = parse_shard(buzz_shard)
        self.tally = CrawlTally(self.source.platform, self.channels)
        env = self.source.credential_env
        self.credential = (os.environ.get(env, "").strip() or None) if env else None
        protect(self.credential)  # its value never reaches a log line from here on

    @property
    def run_args(self) -> dict[str, str]:
        """What this run was asked to do, recorded with the crawl run (and a dispatched job id)."""
        args = {
            "channels": ",".join(self.channels),
            "since": self.since.isoformat(),
            "lookback_days": "" if self.lookback_arg is None else str(self.lookback_arg),
            "now": self.now.isoformat() if self.now else "",
            "base_url": self.base_url,
        }
        if self.buzz_job:
            args["buzz_job"] = self.buzz_job
        if self.buzz_shard:
            args["buzz_shard"] = self.buzz_shard
        return args

    @property
    def base_url(self) -> str:
        """The site's base URL from its setting, so one spider crawls the site or its replica."""
        assert self.crawler is not None
        setting = self.crawler.settings.get(self.source.base_url_env)
        return str(setting or self.source.default_base_url).rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        """Resume the tally when resuming, then the first request of every channel."""
        assert self.crawler is not None
        install_log_redaction()  # Scrapy's log handler is in place by now
        lookback = self.lookback_arg
        if lookback is None:
            lookback = self.crawler.settings.getint("BUZZ_LOOKBACK_DAYS", 14)
        self.cutoff = self.since - timedelta(days=int(lookback))
        saved = getattr(self, "state", {}).get(_STATE_KEY)
        if saved:
            self.tally.restore(saved)
        logger.info(
            "%s: channels=%s cutoff=%s base=%s",
            self.name,
            ",".join(self.channels),
            self.cutoff,
            self.base_url,
        )
        for channel in self.channels:
            for request in self.first_requests(channel):
                yield request

    def shown(self, url: str) -> str:
        """A URL as it may be written down: the source's credential masked."""
        return redact(url, (self.credential,) if self.credential else ())

    def rate_limited(self, response: Response) -> bool:
        """Whether an answer is the site's own rate-limit refusal (beyond a 429): retried later."""
        return False

    def usage_pause(self, response: Response) -> float:
        """Seconds (at BUZZ_BACKOFF_BASE 1) to pause the crawl: the site says its quota is near."""
        return 0.0

    def first_requests(self, channel: str) -> list[Request]:
        """The requests a channel's crawl starts from (made with request(..., root=True))."""
        raise NotImplementedError

    def request(
        self, url: str, callback: Any, channel: str, root: bool = False, **kw: Any
    ) -> Request:
        """A request attributed to a channel, so every outcome lands in that channel's tally."""
        meta = {CHANNEL: channel, ROOT: root, **kw.pop("meta", {})}
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            cb_kwargs={"channel": channel, **kw.pop("cb_kwargs", {})},
            meta=meta,
            **kw,
        )

    def closed(self, reason: str) -> None:
        """Keep the tally in the spider state, so a crawl resumed from JOBDIR continues it."""
        state = getattr(self, "state", None)
        if isinstance(state, dict):
            state[_STATE_KEY] = self.tally.to_state()

    def on_error(self, failure: Failure) -> None:
        """Count a page that could not be had in its channel's tally (no traceback)."""
        request = failure.request  # type: ignore[attr-defined]
        channel = str(request.meta.get(CHANNEL, "?"))
        loss, kind = classify_failure(failure)
        self.tally[channel].lose(loss, kind, self.shown(request.url))
        if request.meta.get(ROOT):
            self.tally[channel].root_loss = loss
        self.count(f"lost/{loss}")
        logger.debug("%s: %s: %s (%s)", self.name, self.shown(request.url), loss, kind)

    def refused(self, response: Response, channel: str, message: str) -> None:
        """A page that is not what was asked for: a challenge is blocked, anything else failed.

        A 200 answer that is refused (cut off, mis-encoded, a challenge now and then) is asked
        again first, up to BUZZ_REFUSAL_RETRIES times: RetryRefused carries the request to
        crawlers.middlewares.RefusalRetryMiddleware, and nothing of the page is kept.
        """
        retry = self.refusal_retry(response, message)
        if retry is not None:
            raise RetryRefused(retry, message)
        loss = "blocked" if challenge_reason(message) else "failed"
        kind = "challenge" if loss == "blocked" else "parse"
        self.tally[channel].lose(loss, kind, self.shown(response.url))
        if response.meta.get(ROOT):
            self.tally[channel].root_loss = loss
        self.count("errors/parse")
        logger.debug("%s: %s: %s", self.name, self.shown(response.url), message)

    def refusal_retry(self, response: Response, message: str) -> Request | None:
        """The same request once more for a refused 200 answer, or None when retries are spent."""
        if response.status != 200 or response.request is None or self.crawler is None:
            return None
        limit = self.crawler.settings.getint("BUZZ_REFUSAL_RETRIES", 2)
        retry: Request | None = get_retry_request(
            response.request,
            spider=self,
            reason="refused page",
            max_retry_times=limit,
        )
        if retry is not None:
            self.count("retried_refusals")
            logger.debug("%s: retrying %s: %s", self.name, response.url, message)
        return retry

    def fetched(self, response: Response, channel: str) -> None:
        """Count a page that was had and parsed."""
        tally = self.tally[channel]
        tally.pages += 1
        if response.meta.get(ROOT):
            tally.root_fetched = True

    def crawled_at(self, response: Response) -> datetime:
        """When the page was seen: the -a now override, else the server's Date header."""
        if self.now is not None:
            return self.now
        header = response.headers.get(b"Date")
        if header:
            try:
                return parsedate_to_datetime(header.decode("latin-1")).astimezone(TAIPEI)
            except (TypeError, ValueError):
                pass
        return datetime.now(TAIPEI)

    def count(self, key: str) -> None:
        """Bump a buzz/ stats counter."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"buzz/{key}")
