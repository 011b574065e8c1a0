"""Mobile01 spider: finds each forum on the site menu, walks its topic list, fetches topics."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.failures import classify_failure
from crawlers.items import GoneItem, ListingItem, ListingRow, ThreadItem
from crawlers.pages.mobile01 import (
    Floor,
    ForumNotFound,
    Mobile01ParseError,
    TopicPage,
    find_forum,
    parse_forums,
    parse_topic,
    parse_topic_list,
)
from crawlers.sources import mobile01
from crawlers.spiders.base import CHANNEL, TAIPEI, SourceSpider, challenge_reason

logger = logging.getLogger(__name__)

MENU = "m01_menu"
"""Meta flag of a channel's forum-index request: losing it means the channel has no first page."""


class Mobile01Spider(SourceSpider):
    """Crawl Mobile01 forums: `scrapy crawl mobile01 -a 'channels=KYMCO (250cc以下)' -a since=...`.

    Per forum: the home page's menu gives the forum's id; its topic list (newest last reply
    first) is walked until a page's oldest last reply is older than the cutoff, then page 1
    is read once more to catch topics that moved up meanwhile; every topic in range is
    fetched with all its pages. A channel that meets a challenge is not asked for more.
    """

    name = "mobile01"
    source = mobile01.SOURCE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocked: set[str] = set()
        self.first_rows: dict[str, tuple[ListingRow, ...]] = {}

    # -- addresses --------------------------------------------------------------------------

    def list_url(self, forum_id: int, page: int) -> str:
        """A forum's topic-list page on the configured site."""
        return f"{self.base_url}/topiclist.php?f={forum_id}&p={page}"

    def topic_url(self, forum_id: int, topic_id: int, page: int = 1) -> str:
        """A topic's page on the configured site (page 1 without `p`, as the site links it)."""
        url = f"{self.base_url}/topicdetail.php?f={forum_id}&t={topic_id}"
        return url if page == 1 else f"{url}&p={page}"

    # -- losses -----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Count the loss; a blocked channel is asked for nothing more; a lost menu fails it."""
        super().on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        channel = str(request.meta.get(CHANNEL, "?"))
        loss, _ = classify_failure(failure)
        if loss == "blocked":
            self.blocked.add(channel)
        if request.meta.get(MENU):
            self.tally[channel].root_loss = loss

    def refuse(self, response: Response, channel: str, exc: Exception) -> None:
        """A page that is not what was asked for (a challenge blocks the channel)."""
        message = str(exc)
        self.refused(response, channel, message)
        if challenge_reason(message):
            self.blocked.add(channel)
        if response.meta.get(MENU):
            self.tally[channel].root_loss = "blocked" if challenge_reason(message) else "failed"

    # -- the forum index --------------------------------------------------------------------

    def first_requests(self, channel: str) -> list[Request]:
        """The home page, whose menu names every forum with its id."""
        url = f"{self.base_url}/"
        return [self.request(url, self.parse_menu, channel, dont_filter=True, meta={MENU: True})]

    def parse_menu(self, response: Response, channel: str) -> Iterator[Request]:
        """Find the channel's forum on the menu and start its topic list."""
        try:
            forums = parse_forums(response.body)
        except Mobile01ParseError as exc:
            self.refuse(response, channel, exc)
            return
        self.fetched(response, channel)
        try:
            forum = find_forum(channel, forums)
        except ForumNotFound as exc:
            tally = self.tally[channel]
            tally.lose("not_found", "unknown_forum", response.url)
            tally.root_loss = "not_found"
            tally.root_note = "not found: the site's forum menu has no forum of that name"
            logger.info("%s: %s", self.name, exc)
            return
        yield self.list_request(channel, forum.forum_id, 1, root=True)

    # -- the topic list ---------------------------------------------------------------------

    def list_request(
        self, channel: str, forum_id: int, page: int, root: bool = False, again: bool = False
    ) -> Request:
        """A topic-list page; `again` is the second look at page 1 after the walk."""
        return self.request(
            self.list_url(forum_id, page),
            self.parse_list,
            channel,
            root=root,
            dont_filter=again,
            cb_kwargs={"forum_id": forum_id, "page": page, "again": again},
        )

    def parse_list(
        self, response: Response, channel: str, forum_id: int, page: int, again: bool
    ) -> Iterator[Any]:
        """Queue the topics in range on one list page and decide whether to read on."""
        if channel in self.blocked:
            return
        try:
            listing = parse_topic_list(response.body, url=response.url)
        except Mobile01ParseError as exc:
            self.refuse(response, channel, exc)
            return
        self.fetched(response, channel)
        if listing.page != page:  # past the last page the site shows the last page again
            self.tally[channel].walk_done = True
            return
        rows = mobile01.listing_rows(listing)
        if again:
            seen = {r.thread_key for r in self.first_rows.get(channel, ())}
            moved = tuple(
                ListingRow(r.thread_key, None, r.author, r.deleted, r.pinned)
                for r in rows
                if r.thread_key not in seen
            )
            first = self.first_rows.get(channel, ())
            yield ListingItem(mobile01.PLATFORM, channel, 1, first + moved)
        else:
            if page == 1:
                self.first_rows[channel] = rows
            yield ListingItem(mobile01.PLATFORM, channel, page, rows)
        cutoff = self.cutoff
        for topic in listing.topics:
            if topic.last_reply_at is None or topic.last_reply_at >= cutoff:
                yield self.topic_request(channel, topic.forum_id, topic.topic_id, topic.pinned)
        if again:
            return
        times = [t.last_reply_at for t in listing.topics if not t.pinned and t.last_reply_at]
        oldest = min(times, default=None)
        if listing.next_url and (oldest is None or oldest >= cutoff):
            yield self.list_request(channel, forum_id, page + 1)
            return
        self.tally[channel].walk_done = True
        if page > 1:
            yield self.list_request(channel, forum_id, 1, again=True)

    # -- topics -----------------------------------------------------------------------------

    def topic_request(self, channel: str, forum_id: int, topic_id: int, pinned: bool) -> Request:
        """A topic's first page; its 404 is data (the topic is gone), not a loss."""
        return self.request(
            self.topic_url(forum_id, topic_id),
            self.parse_topic_page,
            channel,
            cb_kwargs={"forum_id": forum_id, "topic_id": topic_id, "pinned": pinned},
            meta={"handle_httpstatus_list": [404]},
        )

    def parse_topic_page(
        self,
        response: Response,
        channel: str,
        forum_id: int,
        topic_id: int,
        pinned: bool,
        first: TopicPage | None = None,
        floors: tuple[Floor, ...] = (),
        page: int = 1,
    ) -> Iterator[ThreadItem | GoneItem | Request]:
        """One page of a topic: gone, or its floors, then the next page or the whole topic."""
        key = mobile01.thread_key(topic_id)
        if response.status == 404 and first is None:
            self.fetched(response, channel)
            yield GoneItem(mobile01.PLATFORM, channel, key, response.url)
            return
        try:
            parsed = parse_topic(response.body, url=response.url)
        except Mobile01ParseError as exc:
            self.refuse(response, channel, exc)
            if first is not None:
                yield self.whole(response, channel, first, floors, pinned, complete=False)
            return
        self.fetched(response, channel)
        if parsed.status != "ok":
            self.count("deleted_topics")
            yield GoneItem(mobile01.PLATFORM, channel, key, response.url, parsed.status)
            return
        if first is None:
            first = parsed
        if parsed.page != page:  # the site answered another page: there is no page `page`
            yield self.whole(response, channel, first, floors, pinned, complete=True)
            return
        floors = floors + parsed.floors
        if parsed.next_url is None:
            yield self.whole(response, channel, first, floors, pinned, complete=True)
        elif channel in self.blocked:
            yield self.whole(response, channel, first, floors, pinned, complete=False)
        else:
            yield self.request(
                self.topic_url(forum_id, topic_id, page + 1),
                self.parse_topic_page,
                channel,
                cb_kwargs={
                    "forum_id": forum_id,
                    "topic_id": topic_id,
                    "pinned": pinned,
                    "first": first,
                    "floors": floors,
                    "page": page + 1,
                },
            ).replace(errback=self.on_topic_page_lost)

    def on_topic_page_lost(self, failure: Failure) -> Iterator[ThreadItem]:
        """A later page of a topic could not be had: store what was, marked incomplete."""
        self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        kw = request.cb_kwargs
        yield mobile01.topic_item(
            kw["first"],
            kw["floors"],
            str(kw["channel"]),
            bool(kw["pinned"]),
            self.now or datetime.now(TAIPEI),
            complete=False,
        )

    def whole(
        self,
        response: Response,
        channel: str,
        first: TopicPage,
        floors: tuple[Floor, ...],
        pinned: bool,
        complete: bool,
    ) -> ThreadItem:
        """The topic as one item, with every floor its pages showed."""
        return mobile01.topic_item(
            first, floors, channel, pinned, self.crawled_at(response), complete
        )
