"""Dcard spider: forum names to aliases, each forum's posts newest first, every post's comments.

`/forums` once for all channels; then per forum `/forums/{alias}/posts?popular=false` pages
going older with `before=<oldest id>` until the posts are older than the cutoff; each post in
range through `/posts/{id}`, then its comments `after=<last floor>` until the last floor.
A 403 or challenge page stops the forum's walk: it is counted as blocked, never parsed as data,
and nothing more of that forum is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.failures import classify_failure
from crawlers.items import GoneItem, ListingItem, ThreadItem
from crawlers.pages.dcard import (
    TAIPEI,
    DcardComment,
    DcardParseError,
    DcardPost,
    aliases_by_name,
    parse_comments,
    parse_forums,
    parse_post,
    parse_posts,
    refusal,
)
from crawlers.sources import dcard
from crawlers.spiders.base import CHANNEL, SourceSpider

__all__ = ["PAGE_SIZE", "DcardSpider"]

PAGE_SIZE = 100
"""Posts or comments asked for per page: the most Dcard's API gives."""
WAITING = "buzz_dcard_channels"
"""Meta of the one `/forums` request: the channels waiting for their alias."""
REFUSED = (401, 403, 451)
"""Statuses handed to the callbacks, so the body is checked for a challenge, not stored."""
T = TypeVar("T")


class DcardSpider(SourceSpider):
    """Crawl Dcard forums: `scrapy crawl dcard -a channels=心情,時事 -a since=2019-02-04`."""

    name = "dcard"
    source = dcard.SOURCE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocked: set[str] = set()

    def api(self, path: str) -> str:
        """An API URL on the configured site."""
        return f"{self.base_url}{dcard.API}{path}"

    def first_requests(self, channel: str) -> list[Request]:
        """One `/forums` request for every channel (the first channel carries it)."""
        if channel != self.channels[0]:
            return []
        return [
            self.request(
                self.api("/forums"),
                self.parse_forums,
                channel,
                meta={
                    WAITING: list(dict.fromkeys(self.channels)),
                    "handle_httpstatus_list": REFUSED,
                },
                dont_filter=True,
            )
        ]

    def dcard_request(self, url: str, callback: Any, channel: str, **kw: Any) -> Request:
        """A request of a channel whose refusals reach the callback (to be told from data)."""
        meta = {"handle_httpstatus_list": [*REFUSED, *kw.pop("statuses", ())], **kw.pop("meta", {})}
        return self.request(
            url, callback, channel, meta=meta, headers={"Accept": "application/json"}, **kw
        )

    def read(
        self,
        response: Response,
        channels: list[str],
        parse: Callable[[bytes], T],
        first: bool = False,
    ) -> T | None:
        """Parse a response for its channels; a refusal or a page that is not data is counted.

        `first`: the page every channel needs before anything else (`/forums`), so losing it
        is losing their first page.
        """
        message: str | None = None
        if response.status in REFUSED:
            text = response.body[:8000].decode("utf-8", "replace")
            message = refusal(text) or f"challenge or refusal: HTTP {response.status}"
            if "challenge" not in message:
                message = f"challenge: HTTP {response.status}, {message}"
        else:
            try:
                return parse(response.body)
            except DcardParseError as exc:
                message = str(exc)
        challenge = "challenge" in message
        for channel in channels:
            self.refused(response, channel, message)
            if first:
                self.tally[channel].root_loss = "blocked" if challenge else "failed"
            if challenge:
                self.stop(channel, response.url)
        return None

    def stop(self, channel: str, url: str) -> None:
        """Ask nothing more of a forum that answered with a challenge: do not hammer it."""
        if channel not in self.blocked:
            self.blocked.add(channel)
            self.count("blocked_channels")
            self.logger.info("%s: %s answered a challenge; its walk stops", channel, url)

    def on_error(self, failure: Failure) -> None:
        """Count a lost page; a lost `/forums` is the first page every channel was waiting on."""
        super().on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        loss, kind = classify_failure(failure)
        for channel in request.meta.get(WAITING, ()):
            if channel != request.meta.get(CHANNEL):
                self.tally[channel].lose(loss, kind, request.url)
            self.tally[channel].root_loss = loss

    def parse_forums(self, response: Response, channel: str) -> Iterator[Request]:
        """Resolve every channel's forum name to its alias and start its walk."""
        waiting: list[str] = list(response.meta.get(WAITING, [channel]))
        forums = self.read(response, waiting, parse_forums, first=True)
        if forums is None:
            return
        self.fetched(response, channel)
        aliases = aliases_by_name(forums)
        for name in waiting:
            alias = aliases.get(name)
            if alias is None:
                self.tally[name].lose("not_found", "unknown_forum", response.url)
                self.tally[name].root_loss = "not_found"
                self.tally[name].root_note = "not found: the site lists no forum of that name"
                self.logger.info("%s: no forum of that name on %s", name, self.base_url)
                continue
            yield self.listing_request(name, alias, None, 1)

    def listing_request(self, channel: str, alias: str, before: int | None, page: int) -> Request:
        """One page of a forum's posts, newest first."""
        url = self.api(f"/forums/{alias}/posts?popular=false&limit={PAGE_SIZE}")
        if before is not None:
            url += f"&before={before}"
        return self.dcard_request(
            url,
            self.parse_listing,
            channel,
            root=page == 1,
            cb_kwargs={"alias": alias, "page": page},
        )

    def parse_listing(
        self, response: Response, channel: str, alias: str, page: int
    ) -> Iterator[Any]:
        """Queue the posts in range on one list page and decide whether to go one page older."""
        posts = self.read(response, [channel], parse_posts)
        if posts is None:
            return
        self.fetched(response, channel)
        yield ListingItem(dcard.PLATFORM, channel, page, tuple(map(dcard.listing_row, posts)))
        if channel in self.blocked:
            return
        for post in posts:
            recent = post.created_at is not None and post.created_at >= self.cutoff
            if not (recent or post.pinned):
                continue
            if post.deleted or post.hidden:
                yield self.gone(post, channel, alias)
                continue
            yield self.dcard_request(
                self.api(f"/posts/{post.id}"),
                self.parse_post_page,
                channel,
                statuses=(404,),
                cb_kwargs={"alias": alias},
            )
        older = [p for p in posts if not p.pinned]
        oldest = min(older, key=lambda p: p.id) if older else None
        if oldest is None or oldest.created_at is None or oldest.created_at < self.cutoff:
            self.tally[channel].walk_done = True  # the forum's end, or older than the cutoff
        else:
            yield self.listing_request(channel, alias, oldest.id, page + 1)

    def gone(self, post: DcardPost, channel: str, alias: str) -> GoneItem:
        """A post the site says is deleted or hidden: it leaves the board with that status."""
        status = "deleted" if post.deleted else "hidden"
        self.count(f"{status}_posts")
        url = dcard.post_url(self.base_url, alias, post.id)
        return GoneItem(dcard.PLATFORM, channel, dcard.thread_key(post.id), url, status)

    def parse_post_page(
        self, response: Response, channel: str, alias: str
    ) -> Iterator[ThreadItem | GoneItem | Request]:
        """One post: gone, or kept and its comments walked (none asked for when it has none)."""
        post = self.read(response, [channel], lambda body: parse_post(body, url=response.url))
        if post is None:
            return
        self.fetched(response, channel)
        if post.deleted or post.hidden:
            yield self.gone(post, channel, alias)
            return
        if post.comment_count == 0:
            yield self.item(response, post, channel, alias, (), True)
            return
        yield from self.next_comments(response, post, channel, alias, ())

    def item(
        self,
        response: Response,
        post: DcardPost,
        channel: str,
        alias: str,
        comments: tuple[DcardComment, ...],
        complete: bool,
    ) -> ThreadItem:
        """The post with the comments had so far."""
        url = dcard.post_url(self.base_url, alias, post.id)
        return dcard.post_item(
            post, channel, url, comments, self.crawled_at(response), complete=complete
        )

    def next_comments(
        self,
        response: Response,
        post: DcardPost,
        channel: str,
        alias: str,
        got: tuple[DcardComment, ...],
    ) -> Iterator[ThreadItem | Request]:
        """Ask for the comments after the last floor had, or stop a blocked forum's walk."""
        if channel in self.blocked:
            yield self.item(response, post, channel, alias, got, False)
            return
        url = self.api(f"/posts/{post.id}/comments?limit={PAGE_SIZE}")
        if got:
            url += f"&after={got[-1].floor}"
        request = self.dcard_request(
            url,
            self.parse_comments_page,
            channel,
            cb_kwargs={"post": post, "alias": alias, "got": got},
        )
        yield request.replace(errback=self.on_comments_error)

    def parse_comments_page(
        self,
        response: Response,
        channel: str,
        post: DcardPost,
        alias: str,
        got: tuple[DcardComment, ...],
    ) -> Iterator[ThreadItem | Request]:
        """Collect one page of comments; the post is yielded once its last floor is had."""
        page = self.read(response, [channel], parse_comments)
        if page is None:
            yield self.item(response, post, channel, alias, got, False)
            return
        self.fetched(response, channel)
        got = got + page
        last = got[-1].floor if got else 0
        if page and (len(page) >= PAGE_SIZE or last < post.comment_count):
            yield from self.next_comments(response, post, channel, alias, got)
        else:
            yield self.item(response, post, channel, alias, got, True)

    def on_comments_error(self, failure: Failure) -> Iterator[ThreadItem]:
        """A comments page that could not be had: keep the post with what was had, incomplete.

        Incomplete, so comments missing from this crawl are not taken as removed.
        """
        self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        kw = request.cb_kwargs
        post: DcardPost = kw["post"]
        url = dcard.post_url(self.base_url, kw["alias"], post.id)
        when = self.now or datetime.now(TAIPEI)
        yield dcard.post_item(post, kw["channel"], url, kw["got"], when, complete=False)
