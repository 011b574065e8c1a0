"""Facebook spider: page names to ids, each page's posts newest first, every post's comments.

Per page `/pages/search?q=<name>` (the id of the page of exactly that name); then
`/{page-id}/posts` with the comment and reaction summaries, following `paging.next` until the
posts are older than the cutoff; each post in range through `/{post-id}/comments`
(chronological, 100 a page, `paging.next` to the end). Where the comments may not be read
(error 10) the page is counts only: each post keeps its summary's total as a dated snapshot.
The token goes as `access_token` on every request and is masked wherever a URL is written
down; a refused token (error 190) stops the crawl with one line naming its variable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.items import GoneItem, ListingItem, ThreadItem
from crawlers.pages.facebook import (
    TAIPEI,
    FacebookComment,
    FacebookParseError,
    FacebookPost,
    GraphApiError,
    graph_error,
    load,
    page_id_named,
    parse_comments,
    parse_pages,
    parse_posts,
)
from crawlers.sources import facebook
from crawlers.spiders.base import ROOT, SourceSpider

__all__ = ["PAGE_SIZE", "FacebookSpider"]

PAGE_SIZE = 100
"""Comments asked for per page (the Graph API's most); posts come POSTS_PAGE at a time."""
POSTS_PAGE = 25
POST_FIELDS = (
    "id,message,story,created_time,permalink_url,"
    "comments.summary(true).limit(0),reactions.summary(true).limit(0)"
)
COMMENT_FIELDS = "id,created_time,message"
ANSWERED = (400, 401, 403, 404)
"""Statuses handed to the callbacks: the Graph API answers errors with its error object."""
LIMITED = (4, 17, 32, 613)
T = TypeVar("T")


def app_usage(response: Response) -> int:
    """The highest percentage `X-App-Usage` (or `X-Page-Usage`) reports, 0 when absent."""
    highest = 0
    for header in (b"X-App-Usage", b"X-Page-Usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            usage = json.loads(raw.decode("latin-1"))
        except ValueError:
            continue
        if isinstance(usage, dict):
            for value in usage.values():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    highest = max(highest, int(value))
    return highest


class FacebookSpider(SourceSpider):
    """Crawl fan pages: `scrapy crawl facebook -a channels=ETtoday新聞雲 -a since=2019-02-04`."""

    name = "facebook"
    source = facebook.SOURCE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counts_only: set[str] = set()
        self.token_refused = ""

    # --- the Graph API's rate limits, for the shared backoff middleware -----------------------

    def rate_limited(self, response: Response) -> bool:
        """An error answer with a rate-limit code (4, 17, 32, 613)."""
        if response.status not in ANSWERED or b'"error"' not in response.body[:200]:
            return False
        try:
            error = graph_error(load(response.body))
        except FacebookParseError:
            return False
        return error is not None and error.rate_limited

    def usage_pause(self, response: Response) -> float:
        """Pause when `X-App-Usage` says 85% of a quota is spent (the API throttles at 100%)."""
        used = app_usage(response)
        return 4.0 if used >= 95 else 1.0 if used >= 85 else 0.0

    # --- requests ------------------------------------------------------------------------------

    def api(self, path: str, **params: str) -> str:
        """An API URL on the configured site, with the token as `access_token`."""
        query = urlencode({**params, "access_token": self.credential or ""})
        return f"{self.base_url}{facebook.API}{path}?{query}"

    def follow(self, next_url: str) -> str:
        """A `paging.next` URL on the configured site, carrying this crawl's token."""
        parts = urlsplit(next_url)
        params = [(k, v) for k, v in parse_qsl(parts.query) if k != "access_token"]
        params.append(("access_token", self.credential or ""))
        return f"{self.base_url}{parts.path}?{urlencode(params)}"

    def graph_request(self, url: str, callback: Any, channel: str, **kw: Any) -> Request:
        """A request whose Graph error answers reach the callback (to be read, not stored)."""
        meta = {"handle_httpstatus_list": ANSWERED, **kw.pop("meta", {})}
        return self.request(
            url, callback, channel, meta=meta, headers={"Accept": "application/json"}, **kw
        )

    def first_requests(self, channel: str) -> list[Request]:
        """The page search for the channel's name; nothing at all without a token."""
        if not self.credential:
            env = self.source.credential_env
            note = f"failed: no access token: set {env} to a Graph API token"
            self.tally[channel].root_note = note
            if channel == self.channels[0]:
                self.logger.error("facebook: no access token: set %s to a Graph API token", env)
            return []
        if channel.isdigit():  # a page id given as the channel: no search needed
            return [self.posts_request(channel, channel, root=True)]
        url = self.api("/pages/search", q=channel, fields="id,name,link")
        return [self.graph_request(url, self.parse_search, channel, root=True)]

    def posts_request(self, channel: str, page_id: str, root: bool = False) -> Request:
        """The first page of a page's posts, newest first, with the summaries."""
        url = self.api(f"/{page_id}/posts", fields=POST_FIELDS, limit=str(POSTS_PAGE))
        return self.graph_request(url, self.parse_posts, channel, root=root, cb_kwargs={"page": 1})

    # --- reading answers -------------------------------------------------------------------------

    def read(self, response: Response, channel: str, parse: Callable[[bytes], T]) -> T | None:
        """Parse an answer; a Graph error or a page that is not data is counted, and None."""
        try:
            return parse(response.body)
        except GraphApiError as exc:
            self.graph_refused(response, channel, exc)
        except FacebookParseError as exc:
            message = str(exc)
            if response.status in (401, 403) and "challenge" not in message:
                message = f"challenge or refusal: HTTP {response.status}, {message}"
            self.refused(response, channel, message)
        return None

    def graph_refused(self, response: Response, channel: str, exc: GraphApiError) -> None:
        """Count a Graph error in the channel's tally by what it means."""
        tally = self.tally[channel]
        url = self.shown(response.url)
        if exc.token_refused or exc.code == 104:
            self.refuse_token(exc)
            tally.lose("blocked", f"graph_{exc.code}", url)
            if response.meta.get(ROOT):
                tally.root_loss = "blocked"
            tally.root_note = tally.root_note or self.token_note(exc)
        elif exc.rate_limited:
            tally.lose("rate_limited", f"graph_{exc.code}", url)
            if response.meta.get(ROOT):
                tally.root_loss = "rate_limited"
        else:
            tally.lose("failed", f"graph_{exc.code}", url)
            if response.meta.get(ROOT):
                tally.root_loss = "failed"
        self.count(f"graph_errors/{exc.code}")

    def token_note(self, exc: GraphApiError) -> str:
        """The one line a refused token gets: its variable and the API's words."""
        env = self.source.credential_env
        return f"failed: the Graph API refused the token in {env} ({exc.code}: {exc.graph_message})"

    def refuse_token(self, exc: GraphApiError) -> None:
        """Ask nothing more: every further request would be refused the same way."""
        if not self.token_refused:
            self.token_refused = self.token_note(exc)
            self.logger.error("facebook: %s", self.token_refused)
            for tally in self.tally.channels.values():
                if not tally.root_fetched:
                    tally.root_note = tally.root_note or self.token_refused

    def parse_search(self, response: Response, channel: str) -> Iterator[Request]:
        """Map the channel's shown name to its page id and start its posts walk."""
        pages = self.read(response, channel, parse_pages)
        if pages is None:
            return
        self.fetched(response, channel)
        page_id = page_id_named(pages, channel)
        if page_id is None:
            tally = self.tally[channel]
            tally.lose("not_found", "unknown_page", self.shown(response.url))
            tally.root_loss = "not_found"
            tally.root_note = "not found: the pages search finds no page of that name"
            self.logger.info("%s: no page of that name", channel)
            return
        yield self.posts_request(channel, page_id)

    def parse_posts(self, response: Response, channel: str, page: int) -> Iterator[Any]:
        """Queue the posts in range on one page and decide whether to follow `paging.next`."""
        found = self.read(response, channel, parse_posts)
        if found is None:
            return
        self.fetched(response, channel)
        if self.token_refused:
            return
        rows = tuple(map(facebook.listing_row, found.posts))
        yield ListingItem(facebook.PLATFORM, channel, page, rows)
        for post in found.posts:
            if post.created_at < self.cutoff:
                continue
            if post.comment_total == 0 or channel in self.counts_only:
                yield self.item(response, post, channel, (), True)
                continue
            yield self.comments_request(post, channel, None, ())
        oldest = min((p.created_at for p in found.posts), default=None)
        if found.paging.next_url is None or oldest is None or oldest < self.cutoff:
            self.tally[channel].walk_done = True
            return
        yield self.graph_request(
            self.follow(found.paging.next_url),
            self.parse_posts,
            channel,
            cb_kwargs={"page": page + 1},
        )

    def item(
        self,
        response: Response | None,
        post: FacebookPost,
        channel: str,
        comments: tuple[FacebookComment, ...],
        complete: bool,
    ) -> ThreadItem:
        """The post with its comments had so far, or its total where the page is counts only."""
        when = self.crawled_at(response) if response is not None else self.now
        return facebook.post_item(
            post,
            channel,
            comments,
            when or datetime.now(TAIPEI),
            complete=complete,
            counts_only=channel in self.counts_only,
        )

    def comments_request(
        self,
        post: FacebookPost,
        channel: str,
        next_url: str | None,
        got: tuple[FacebookComment, ...],
    ) -> Request:
        """The first (or a next) page of a post's comments."""
        url = (
            self.follow(next_url)
            if next_url
            else self.api(
                f"/{post.id}/comments",
                filter="stream",
                order="chronological",
                summary="true",
                limit=str(PAGE_SIZE),
                fields=COMMENT_FIELDS,
            )
        )
        request = self.graph_request(
            url, self.parse_comments, channel, cb_kwargs={"post": post, "got": got}
        )
        return request.replace(errback=self.on_comments_error)

    def parse_comments(
        self,
        response: Response,
        channel: str,
        post: FacebookPost,
        got: tuple[FacebookComment, ...],
    ) -> Iterator[ThreadItem | GoneItem | Request]:
        """Collect a page of comments; a refusal says what the post is (gone, counts only)."""
        try:
            page = parse_comments(response.body)
        except GraphApiError as exc:
            yield from self.comments_refused(response, channel, post, got, exc)
            return
        except FacebookParseError as exc:
            self.refused(response, channel, str(exc))
            yield self.item(response, post, channel, got, False)
            return
        self.fetched(response, channel)
        got = got + page.comments
        if page.paging.next_url and page.comments and not self.token_refused:
            yield self.comments_request(post, channel, page.paging.next_url, got)
        else:
            yield self.item(response, post, channel, got, not self.token_refused)

    def comments_refused(
        self,
        response: Response,
        channel: str,
        post: FacebookPost,
        got: tuple[FacebookComment, ...],
        exc: GraphApiError,
    ) -> Iterator[ThreadItem | GoneItem]:
        """Error 100: the post is gone; 10: the page is counts only; else the post is partial."""
        if exc.missing:
            self.fetched(response, channel)
            self.count("deleted_posts")
            url = facebook.post_url(post)
            yield GoneItem(facebook.PLATFORM, channel, facebook.thread_key(post), url, "deleted")
            return
        if exc.permission and not got:
            self.fetched(response, channel)
            if channel not in self.counts_only:
                self.counts_only.add(channel)
                self.count("counts_only_channels")
                self.logger.info("%s: comments unreadable (%s); counting totals", channel, exc.code)
            if post.comment_total is not None:
                yield self.item(response, post, channel, (), False)
            return
        self.graph_refused(response, channel, exc)
        yield self.item(response, post, channel, got, False)

    def on_comments_error(self, failure: Failure) -> Iterator[ThreadItem]:
        """A comments page that could not be had: keep the post with what was had, incomplete."""
        self.on_error(failure)
        kw = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield self.item(None, kw["post"], kw["channel"], kw["got"], False)
