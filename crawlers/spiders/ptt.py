"""PTT spider: walks board indexes newest to oldest and fetches every article in range."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import FormRequest, Response, TextResponse

from crawlers.items import GoneItem, ListingItem, ThreadItem
from crawlers.pages.ptt import PttParseError, article_id_epoch, parse_article, parse_index
from crawlers.sources import ptt
from crawlers.spiders.base import CHANNEL, ROOT, SourceSpider, parse_since

__all__ = ["PttSpider", "page_number", "parse_since"]

OVER18_COOKIE: dict[str | bytes, str | bytes | bool | float | int] = {"over18": "1"}
_PAGE_NO = re.compile(r"/index(\d+)\.html$")


def page_number(url: str | None) -> int | None:
    """The N of `/bbs/<board>/index<N>.html`, None for other URLs."""
    if not url:
        return None
    found = _PAGE_NO.search(urlsplit(url).path)
    return int(found[1]) if found else None


class PttSpider(SourceSpider):
    """Crawl PTT boards: `scrapy crawl ptt -a channels=Gossiping,Stock -a since=2019-02-04`."""

    name = "ptt"
    source = ptt.SOURCE

    def first_requests(self, channel: str) -> list[Request]:
        """A board's newest index page."""
        url = f"{self.base_url}/bbs/{channel}/index.html"
        return [self.request(url, self.parse_index_page, channel, root=True)]

    def request(
        self, url: str, callback: Any, channel: str, root: bool = False, **kw: Any
    ) -> Request:
        """Every PTT request carries the over-18 cookie."""
        return super().request(url, callback, channel, root, cookies=OVER18_COOKIE, **kw)

    def over18_gate(self, response: Response) -> Iterator[Request]:
        """Answer PTT's age gate the way a person would, then continue where we were going."""
        self.count("over18_gate")
        if not isinstance(response, TextResponse) or response.request is None:
            return
        yield FormRequest.from_response(
            response,
            formdata={"yes": "yes"},
            clickdata={"name": "yes"},
            callback=response.request.callback,
            errback=self.on_error,
            cb_kwargs=response.request.cb_kwargs,
            meta={CHANNEL: response.meta.get(CHANNEL), ROOT: response.meta.get(ROOT)},
            dont_filter=True,
        )

    def parse_index_page(self, response: Response, channel: str) -> Iterator[Any]:
        """Queue the articles on one index page and decide whether to go one page older."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        try:
            page = parse_index(response.body, url=response.url)
        except PttParseError as exc:
            self.refused(response, channel, str(exc))
            return
        self.fetched(response, channel)
        number = page_number(response.url)
        if number is None:
            previous = page_number(page.prev_url)
            number = previous + 1 if previous is not None else 1
        rows = tuple(ptt.listing_row(channel, row) for row in page.rows)
        yield ListingItem(ptt.PLATFORM, channel, number, rows)
        oldest: int | None = None
        cutoff = self.cutoff.timestamp()
        for row in page.rows:
            if row.deleted or not row.article_id or not row.url:
                self.count("deleted_rows")
                continue
            epoch = article_id_epoch(row.article_id)
            if epoch is not None and not row.pinned:
                oldest = epoch if oldest is None else min(oldest, epoch)
            if row.pinned or (epoch is not None and epoch >= cutoff):
                yield self.request(
                    response.urljoin(row.url),
                    self.parse_article_page,
                    channel,
                    cb_kwargs={"pinned": row.pinned},
                    meta={"handle_httpstatus_list": [404]},
                )
        if page.prev_url and (oldest is None or oldest >= cutoff):
            yield self.request(response.urljoin(page.prev_url), self.parse_index_page, channel)
        else:
            self.tally[channel].walk_done = True

    def parse_article_page(
        self, response: Response, channel: str, pinned: bool
    ) -> Iterator[ThreadItem | GoneItem | Request]:
        """Parse one article (a 404 becomes a deleted article) into an item."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        crawled_at = self.crawled_at(response)
        try:
            article = parse_article(response.body, url=response.url, crawled_at=crawled_at)
        except PttParseError as exc:
            self.refused(response, channel, str(exc))
            return
        self.fetched(response, channel)
        if article.status != "ok":
            self.count("deleted_articles")
            key = ptt.thread_key(channel, article.article_id)
            yield GoneItem(ptt.PLATFORM, channel, key, response.url, article.status)
            return
        yield ptt.article_item(article, channel, pinned, crawled_at)
