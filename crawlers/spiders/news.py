"""News spider: each section's list page, every article it links, each article's comments.

Sites come from configuration (`crawlers.sources.news.sites()`): the spider names none. A
section page is the channel's one listing page; each linked article is fetched (its time is on
its own page), kept when posted since the cutoff or undated, and its comments are walked page
by page (`cursor` paging follows the answer's next cursor, `offset` paging asks from the
comments had so far) until the last page. An article that answers 404 or 410 is gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.items import GoneItem, ThreadItem
from crawlers.pages.news import (
    Article,
    Comment,
    NewsParseError,
    Site,
    article_id_in,
    parse_article,
    parse_comments,
    parse_section,
)
from crawlers.sources import news
from crawlers.spiders.base import TAIPEI, SourceSpider

__all__ = ["MAX_COMMENT_PAGES", "NewsSpider"]

MAX_COMMENT_PAGES = 500
"""A walk stops here (incomplete) rather than follow a site's cursor for ever."""
GONE = (404, 410)


class NewsSpider(SourceSpider):
    """Crawl news sections: `scrapy crawl news -a "channels=LINE TODAY > 國內" -a since=...`."""

    name = "news"
    source = news.SOURCE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config_error = ""
        try:
            self.sites = news.sites()
        except news.SiteConfigError as exc:  # a bad NEWS_SITES file fails every channel, once
            self.sites, self.config_error = (), str(exc)

    def origin(self, site: Site) -> str:
        """Where a site is fetched: its own base URL, or under the NEWS_BASE_URL mirror."""
        return site.origin(self.base_url or None)

    def first_requests(self, channel: str) -> list[Request]:
        """The channel's section page; a channel no site has is not found."""
        if self.config_error:
            tally = self.tally[channel]
            tally.lose("failed", "sites_file", channel)
            tally.root_loss = "failed"
            tally.root_note = f"bad sites file: {self.config_error}"
            if channel == self.channels[0]:
                self.logger.error("%s", self.config_error)
            return []
        found = news.resolve(channel, self.sites)
        if found is None:
            tally = self.tally[channel]
            tally.lose("not_found", "unknown_section", channel)
            tally.root_loss = "not_found"
            tally.root_note = "not found: no configured news site has that section"
            self.logger.info("%s: no configured site and section of that name", channel)
            return []
        site, section = found
        url = self.origin(site) + site.sections[section]
        return [self.request(url, self.parse_section, channel, root=True, cb_kwargs={"site": site})]

    def parse_section(self, response: Response, channel: str, site: Site) -> Iterator[Request]:
        """Ask for every article the section page links."""
        try:
            page = parse_section(response.body, site, response.url)
        except NewsParseError as exc:
            self.refused(response, channel, str(exc))
            return
        self.fetched(response, channel)
        self.tally[channel].walk_done = True  # a section has one list page
        for link in page.links:
            yield self.request(
                link,
                self.parse_article,
                channel,
                meta={"handle_httpstatus_list": list(GONE)},
                cb_kwargs={"site": site},
            )

    def parse_article(
        self, response: Response, channel: str, site: Site
    ) -> Iterator[GoneItem | ThreadItem | Request]:
        """An article: gone, too old, or kept and its comments walked."""
        if response.status in GONE:
            self.fetched(response, channel)
            article_id = article_id_in(site, response.url)
            if article_id is None:
                self.logger.info("%s: %s is gone and has no id in its URL", channel, response.url)
                return
            self.count("deleted_articles")
            key = news.thread_key(site, article_id)
            yield GoneItem(news.PLATFORM, channel, key, response.url, "deleted")
            return
        try:
            article = parse_article(response.body, site, response.url)
        except NewsParseError as exc:
            self.refused(response, channel, str(exc))
            return
        self.fetched(response, channel)
        if article.posted_at is not None and article.posted_at < self.cutoff:
            self.count("older_than_cutoff")
            return
        yield self.comments_request(site, article, channel, (), None, 1)

    def comments_request(
        self,
        site: Site,
        article: Article,
        channel: str,
        got: tuple[Comment, ...],
        cursor: str | None,
        page: int,
    ) -> Request:
        """One page of an article's comments: the first, after a cursor, or from an offset."""
        rules = site.comments
        url = self.origin(site) + rules.url.replace("{id}", quote(article.id, safe=""))
        joiner = "&" if "?" in url else "?"
        if rules.paging == "cursor" and cursor is not None:
            url += f"{joiner}{rules.cursor_param}={quote(cursor, safe='')}"
        elif rules.paging == "offset" and page > 1:
            url += f"{joiner}{rules.offset_param}={len(got)}"
        request = self.request(
            url,
            self.parse_comments_page,
            channel,
            headers={"Accept": "application/json"},
            cb_kwargs={"site": site, "article": article, "got": got, "page": page},
        )
        return request.replace(errback=self.on_comments_error)

    def parse_comments_page(
        self,
        response: Response,
        channel: str,
        site: Site,
        article: Article,
        got: tuple[Comment, ...],
        page: int,
    ) -> Iterator[ThreadItem | Request]:
        """Collect one page; the article is yielded once its last page is had."""
        try:
            answer = parse_comments(response.body, site)
        except NewsParseError as exc:
            self.refused(response, channel, str(exc))
            yield self.item(response, site, article, channel, got, False)
            return
        self.fetched(response, channel)
        rules = site.comments
        got = got + answer.comments
        more = False
        if rules.paging == "cursor":
            more = answer.next is not None and bool(answer.comments)
        elif rules.paging == "offset":
            short = len(answer.comments) < rules.page_size
            counted = answer.count is not None and len(got) >= answer.count
            more = bool(answer.comments) and not short and not counted
        if more and page >= MAX_COMMENT_PAGES:
            self.logger.info("%s: %s: stopped after %d comment pages", channel, article.url, page)
            yield self.item(response, site, article, channel, got, False)
        elif more:
            yield self.comments_request(site, article, channel, got, answer.next, page + 1)
        else:
            yield self.item(response, site, article, channel, got, True)

    def item(
        self,
        response: Response,
        site: Site,
        article: Article,
        channel: str,
        got: tuple[Comment, ...],
        complete: bool,
    ) -> ThreadItem:
        """The article with the comments had so far."""
        when = self.crawled_at(response)
        return news.article_item(site, article, channel, got, when, complete=complete)

    def on_comments_error(self, failure: Failure) -> Iterator[ThreadItem]:
        """A comments page that could not be had: the article with what was had, incomplete."""
        self.on_error(failure)
        kw = failure.request.cb_kwargs  # type: ignore[attr-defined]
        when = self.now or datetime.now(TAIPEI)
        yield news.article_item(kw["site"], kw["article"], kw["channel"], kw["got"], when, False)
