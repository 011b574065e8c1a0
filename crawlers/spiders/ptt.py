"""PTT spider: walks board indexes newest to oldest and fetches every article in range."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import FormRequest, Response, TextResponse

from crawlers.items import PttArticleItem
from crawlers.pages.ptt import TAIPEI, PttParseError, article_id_epoch, parse_article, parse_index

logger = logging.getLogger(__name__)

OVER18_COOKIE: dict[str | bytes, str | bytes | bool | float | int] = {"over18": "1"}


def parse_since(text: str) -> datetime:
    """Read `since` as a date (midnight Asia/Taipei) or a full ISO datetime."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=TAIPEI)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"since={text!r} is not a date like 2019-02-04") from None
    return value if value.tzinfo else value.replace(tzinfo=TAIPEI)


class PttSpider(Spider):
    """Crawl PTT boards: `scrapy crawl ptt -a boards=Gossiping,Stock -a since=2019-02-04`."""

    name = "ptt"

    def __init__(
        self,
        boards: str = "",
        since: str = "",
        lookback_days: str | int | None = None,
        now: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.boards = [b.strip() for b in boards.split(",") if b.strip()]
        if not self.boards:
            raise ValueError("ptt spider needs -a boards=Board1,Board2")
        if not since:
            raise ValueError("ptt spider needs -a since=YYYY-MM-DD (the window start)")
        self.since = parse_since(since)
        self.lookback_arg = lookback_days
        self.now = datetime.fromisoformat(now) if now else None
        if self.now is not None and self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=TAIPEI)
        self.cutoff = self.since

    @property
    def run_args(self) -> dict[str, str]:
        """What this run was asked to do, recorded with the crawl run."""
        return {
            "boards": ",".join(self.boards),
            "since": self.since.isoformat(),
            "lookback_days": "" if self.lookback_arg is None else str(self.lookback_arg),
            "now": self.now.isoformat() if self.now else "",
            "base_url": self.base_url,
        }

    @property
    def base_url(self) -> str:
        """The site's base URL (PTT_BASE_URL), so the same spider crawls ptt.cc or the replica."""
        assert self.crawler is not None
        return str(self.crawler.settings.get("PTT_BASE_URL")).rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        """One index request per board, newest page first."""
        assert self.crawler is not None
        lookback = self.lookback_arg
        if lookback is None:
            lookback = self.crawler.settings.getint("BUZZ_LOOKBACK_DAYS", 14)
        self.cutoff = self.since - timedelta(days=int(lookback))
        logger.info(
            "ptt: boards=%s cutoff=%s base=%s", ",".join(self.boards), self.cutoff, self.base_url
        )
        for board in self.boards:
            yield Request(
                f"{self.base_url}/bbs/{board}/index.html",
                callback=self.parse_index_page,
                cookies=OVER18_COOKIE,
                cb_kwargs={"board": board},
            )

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

    def over18_gate(self, response: Response) -> Iterator[Request]:
        """Answer PTT's age gate the way a person would, then continue where we were going."""
        self.count("over18_gate")
        if not isinstance(response, TextResponse):
            return
        yield FormRequest.from_response(
            response,
            formdata={"yes": "yes"},
            clickdata={"name": "yes"},
            callback=response.request.callback if response.request else None,
            cb_kwargs=response.request.cb_kwargs if response.request else {},
            dont_filter=True,
        )

    def count(self, key: str) -> None:
        """Bump a buzz/ stats counter."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"buzz/{key}")

    def parse_index_page(self, response: Response, board: str) -> Iterator[Any]:
        """Queue the articles on one index page and decide whether to go one page older."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        try:
            page = parse_index(response.body, url=response.url)
        except PttParseError as exc:
            self.count("errors/parse")
            logger.error("ptt: %s: %s", response.url, exc)
            return
        oldest: int | None = None
        for row in page.rows:
            if row.deleted or not row.article_id or not row.url:
                self.count("deleted_rows")
                continue
            epoch = article_id_epoch(row.article_id)
            if epoch is not None and not row.pinned:
                oldest = epoch if oldest is None else min(oldest, epoch)
            in_range = epoch is not None and epoch >= self.cutoff.timestamp()
            if row.pinned or in_range:
                yield response.follow(
                    row.url,
                    callback=self.parse_article_page,
                    cookies=OVER18_COOKIE,
                    cb_kwargs={"board": board, "pinned": row.pinned},
                    meta={"handle_httpstatus_list": [404]},
                )
        if page.prev_url and (oldest is None or oldest >= self.cutoff.timestamp()):
            yield response.follow(
                page.prev_url,
                callback=self.parse_index_page,
                cookies=OVER18_COOKIE,
                cb_kwargs={"board": board},
            )

    def parse_article_page(
        self, response: Response, board: str, pinned: bool
    ) -> Iterator[PttArticleItem | Request]:
        """Parse one article (a 404 becomes a deleted article) into an item."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        try:
            article = parse_article(
                response.body, url=response.url, crawled_at=self.crawled_at(response)
            )
        except PttParseError as exc:
            self.count("errors/parse")
            logger.error("ptt: %s: %s", response.url, exc)
            return
        if article.status != "ok":
            self.count("deleted_articles")
        yield PttArticleItem(article=article, pinned=pinned, crawled_at=self.crawled_at(response))
