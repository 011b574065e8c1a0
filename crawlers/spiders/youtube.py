"""YouTube spider: channel -> uploads playlist -> videos -> every comment thread and reply.

Per channel: `channels?forHandle=` (or `id=` for a UC... id) for the uploads playlist; its
`playlistItems` pages newest first until the videos are older than the cutoff; one `videos`
call per page for the ids in range (a deleted video is left out of the answer: gone); per video
every `commentThreads` page (order=time, 100 a page), then, for each thread with more replies
than the five embedded, every `comments?parentId=` page. The walk of a video is sequential, so
its state travels in the request (a --jobdir resume works). Every answered call counts its
quota units in the channel's tally; `quotaExceeded` ends the crawl at once (finish reason
`quota_exceeded`), so every channel not walked to the end says incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.items import GoneItem, ThreadItem
from crawlers.pages.youtube import (
    TAIPEI,
    ApiError,
    CommentThread,
    PlaylistPage,
    YoutubeComment,
    YoutubeParseError,
    YoutubeVideo,
    parse_channels,
    parse_comment_threads,
    parse_comments,
    parse_error,
    parse_playlist_items,
    parse_videos,
    refusal,
)
from crawlers.sources import youtube
from crawlers.spiders.base import ROOT, SourceSpider

__all__ = ["PAGE_SIZE", "YoutubeSpider"]

PAGE_SIZE = 100
"""Comment threads or replies asked for per page: the most the API gives."""
PLAYLIST_PAGE = 50
"""Playlist items per page, and ids per `videos` call: the most the API takes."""
STATUSES = (400, 401, 403, 404, 451)
"""Statuses handed to the callbacks: the API's error object says what they mean."""
QUOTA = "quota_exceeded"
KEY_REFUSED = ("keyInvalid", "keyExpired", "forbidden", "accessNotConfigured", "ipRefererBlocked")
UNIT = "quota units"


class YoutubeSpider(SourceSpider):
    """Crawl YouTube channels: `scrapy crawl youtube -a channels=TheKellyYang -a since=...`."""

    name = "youtube"
    source = youtube.SOURCE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.blocked: set[str] = set()

    def api(self, route: str, **params: str | int) -> str:
        """An API URL with the key (redact before showing it anywhere)."""
        query = urlencode({**params, "key": self.credential or ""})
        return f"{self.base_url}{youtube.API}/{route}?{query}"

    def call(self, url: str, callback: Any, channel: str, **kw: Any) -> Request:
        """An API request whose error answers reach the callback."""
        meta = {"handle_httpstatus_list": STATUSES, **kw.pop("meta", {})}
        return self.request(
            url, callback, channel, meta=meta, headers={"Accept": "application/json"}, **kw
        )

    def first_requests(self, channel: str) -> list[Request]:
        """The channel's lookup, or nothing (the channel failed) when no key is set."""
        if not self.credential:
            tally = self.tally[channel]
            tally.root_loss = "failed"
            tally.root_note = f"no API key: set {youtube.KEY_ENV} to a YouTube Data API v3 key"
            self.logger.debug("%s: %s is not set; nothing asked", channel, youtube.KEY_ENV)
            return []
        name = channel.removeprefix("@")
        by = {"id": name} if name.startswith("UC") and len(name) == 24 else {"forHandle": name}
        url = self.api("channels", part="snippet,contentDetails", **by)
        return [self.call(url, self.parse_channel, channel, root=True, dont_filter=True)]

    # --- reading answers ------------------------------------------------------------------

    def spend(self, response: Response, channel: str) -> None:
        """Count the units of an answered call (the API charges calls it answered)."""
        route = response.url.split("?", 1)[0].rsplit("/", 1)[-1]
        units = youtube.UNITS.get(route)
        if units:
            self.tally[channel].usage[UNIT] += units
            self.count("quota_units")

    def api_error(self, response: Response, channel: str) -> ApiError | None:
        """The API's error object of a non-200 answer; a quota or key refusal is handled here.

        quotaExceeded ends the crawl; a refused key fails the channel with one line naming
        BUZZ_YOUTUBE_KEY. Anything else is for the caller to judge.
        """
        error = parse_error(response.body)
        if error is None:
            return None
        if error.reason == "quotaExceeded":
            self.tally[channel].lose("rate_limited", QUOTA, self.shown(response.url))
            self.logger.warning("%s: the API key's daily quota is spent; the crawl stops", channel)
            raise CloseSpider(QUOTA)
        if error.reason in KEY_REFUSED:
            tally = self.tally[channel]
            tally.lose("blocked", f"api_{error.reason}", self.shown(response.url))
            if response.meta.get(ROOT):
                tally.root_loss = "blocked"
                tally.root_note = (
                    f"the API refused the key in {youtube.KEY_ENV}: {error.code} {error.reason}"
                )
            self.stop(channel, response.url)
            return None
        self.spend(response, channel)
        return error

    def read(self, response: Response, channel: str, parse: Any) -> Any:
        """Parse a 200 answer; a refusal, challenge or broken answer is counted and None."""
        if response.status != 200:
            message = refusal(response.body[:8000].decode("utf-8", "replace"))
            message = message or f"challenge or refusal: HTTP {response.status}, not API JSON"
        else:
            try:
                page = parse(response.body)
            except YoutubeParseError as exc:
                message = str(exc)
            else:
                self.spend(response, channel)
                self.fetched(response, channel)
                return page
        self.refused(response, channel, self.shown(message))
        if "challenge" in message:
            self.stop(channel, response.url)
        return None

    def stop(self, channel: str, url: str) -> None:
        """Ask nothing more for a channel that answered a challenge or refused the key."""
        if channel not in self.blocked:
            self.blocked.add(channel)
            self.count("blocked_channels")
            self.logger.info("%s: %s refused; its walk stops", channel, self.shown(url))

    def unexpected(self, response: Response, channel: str, error: ApiError) -> None:
        """An API error the walk has no use for: the page is lost."""
        loss = "not_found" if error.code == 404 else "failed"
        self.tally[channel].lose(
            loss, f"api_{error.reason or error.code}", self.shown(response.url)
        )
        if response.meta.get(ROOT):
            self.tally[channel].root_loss = loss
        self.logger.info(
            "%s: %s: %s %s", channel, self.shown(response.url), error.code, error.reason
        )

    # --- channel and uploads ----------------------------------------------------------------

    def parse_channel(self, response: Response, channel: str) -> Iterator[Request]:
        """The channel's uploads playlist; a name no channel has is not found."""
        if response.status != 200 and (error := self.api_error(response, channel)) is not None:
            self.unexpected(response, channel, error)
            return
        if channel in self.blocked:
            return
        found = self.read(response, channel, parse_channels)
        if found is None:
            return
        if not found:
            tally = self.tally[channel]
            tally.root_fetched = False
            tally.lose("not_found", "unknown_channel", self.shown(response.url))
            tally.root_loss = "not_found"
            tally.root_note = "not found: YouTube has no channel of that handle or id"
            return
        yield self.playlist_request(channel, found[0].uploads, None)

    def playlist_request(self, channel: str, playlist: str, token: str | None) -> Request:
        """One page of the uploads playlist, newest first."""
        params: dict[str, str | int] = {
            "part": "snippet,contentDetails",
            "playlistId": playlist,
            "maxResults": PLAYLIST_PAGE,
        }
        if token:
            params["pageToken"] = token
        url = self.api("playlistItems", **params)
        return self.call(url, self.parse_playlist, channel, cb_kwargs={"playlist": playlist})

    def parse_playlist(self, response: Response, channel: str, playlist: str) -> Iterator[Request]:
        """Ask for the page's videos in range; go one page older while they are in range."""
        if response.status != 200 and (error := self.api_error(response, channel)) is not None:
            self.unexpected(response, channel, error)
            return
        page: PlaylistPage | None = self.read(response, channel, parse_playlist_items)
        if page is None or channel in self.blocked:
            return
        wanted = [e.video_id for e in page.entries if e.at is None or e.at >= self.cutoff]
        if wanted:
            url = self.api("videos", part="snippet,statistics", id=",".join(dict.fromkeys(wanted)))
            yield self.call(url, self.parse_videos, channel, cb_kwargs={"asked": tuple(wanted)})
        dated = [e.at for e in page.entries if e.at is not None]
        if page.next_page_token and dated and min(dated) >= self.cutoff:
            yield self.playlist_request(channel, playlist, page.next_page_token)
        else:
            self.tally[channel].walk_done = True

    def parse_videos(
        self, response: Response, channel: str, asked: tuple[str, ...]
    ) -> Iterator[GoneItem | Request | ThreadItem]:
        """Each video found starts its comment walk; an id left out is a deleted video."""
        if response.status != 200 and (error := self.api_error(response, channel)) is not None:
            self.unexpected(response, channel, error)
            return
        page = self.read(response, channel, parse_videos)
        if page is None:
            return
        found = {v.id for v in page.videos}
        for video_id in dict.fromkeys(asked):
            if video_id not in found:
                yield self.gone(channel, video_id)
        for video in page.videos:
            if video.published_at >= self.cutoff:
                yield from self.next_threads(response, channel, video, (), None)

    def gone(self, channel: str, video_id: str) -> GoneItem:
        """A video the API no longer gives (deleted, or made private)."""
        self.count("deleted_videos")
        url = youtube.watch_url(self.base_url, video_id)
        return GoneItem(youtube.PLATFORM, channel, video_id, url, "deleted")

    # --- comments ------------------------------------------------------------------------

    def item(
        self,
        video: YoutubeVideo,
        channel: str,
        got: tuple[YoutubeComment, ...],
        complete: bool,
        response: Response | None = None,
    ) -> ThreadItem:
        """The video with the comments had so far."""
        when = (
            self.crawled_at(response) if response is not None else self.now or datetime.now(TAIPEI)
        )
        url = youtube.watch_url(self.base_url, video.id)
        return youtube.video_item(video, channel, url, got, when, complete=complete)

    def next_threads(
        self,
        response: Response,
        channel: str,
        video: YoutubeVideo,
        got: tuple[YoutubeComment, ...],
        token: str | None,
        parents: tuple[str, ...] = (),
    ) -> Iterator[ThreadItem | Request]:
        """Ask for a page of the video's comment threads (or stop a blocked channel's walk)."""
        if channel in self.blocked:
            yield self.item(video, channel, got, False, response)
            return
        params: dict[str, str | int] = {
            "part": "snippet,replies",
            "videoId": video.id,
            "order": "time",
            "maxResults": PAGE_SIZE,
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        request = self.call(
            self.api("commentThreads", **params),
            self.parse_threads,
            channel,
            cb_kwargs={"video": video, "got": got, "parents": parents},
        )
        yield request.replace(errback=self.on_comments_error)

    def parse_threads(
        self,
        response: Response,
        channel: str,
        video: YoutubeVideo,
        got: tuple[YoutubeComment, ...],
        parents: tuple[str, ...],
    ) -> Iterator[ThreadItem | GoneItem | Request]:
        """Collect a page of threads; then the replies the threads did not embed."""
        if response.status != 200 and (error := self.api_error(response, channel)) is not None:
            if error.reason == "commentsDisabled":
                self.count("comments_disabled")
                yield self.item(video, channel, (), True, response)
            elif error.reason == "videoNotFound":
                yield self.gone(channel, video.id)
            else:
                self.unexpected(response, channel, error)
                yield self.item(video, channel, got, False, response)
            return
        page = self.read(response, channel, parse_comment_threads)
        if page is None:
            yield self.item(video, channel, got, False, response)
            return
        threads: tuple[CommentThread, ...] = page.threads
        for t in threads:
            got = (*got, t.top, *t.replies)
        parents = parents + tuple(t.id for t in threads if not t.replies_embedded_all)
        if page.next_page_token:
            yield from self.next_threads(
                response, channel, video, got, page.next_page_token, parents
            )
        else:
            yield from self.next_replies(response, channel, video, got, parents, None)

    def next_replies(
        self,
        response: Response,
        channel: str,
        video: YoutubeVideo,
        got: tuple[YoutubeComment, ...],
        parents: tuple[str, ...],
        token: str | None,
    ) -> Iterator[ThreadItem | Request]:
        """Ask for a page of the first waiting thread's replies; the video once none wait."""
        if not parents:
            yield self.item(video, channel, got, True, response)
            return
        if channel in self.blocked:
            yield self.item(video, channel, got, False, response)
            return
        params: dict[str, str | int] = {
            "part": "snippet",
            "parentId": parents[0],
            "maxResults": PAGE_SIZE,
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        request = self.call(
            self.api("comments", **params),
            self.parse_replies,
            channel,
            cb_kwargs={"video": video, "got": got, "parents": parents},
        )
        yield request.replace(errback=self.on_comments_error)

    def parse_replies(
        self,
        response: Response,
        channel: str,
        video: YoutubeVideo,
        got: tuple[YoutubeComment, ...],
        parents: tuple[str, ...],
    ) -> Iterator[ThreadItem | Request]:
        """Collect a page of one thread's replies; its next page, or the next thread's."""
        if response.status != 200 and (error := self.api_error(response, channel)) is not None:
            if error.code == 404:  # the thread went away meanwhile: nothing to add
                yield from self.next_replies(response, channel, video, got, parents[1:], None)
            else:
                self.unexpected(response, channel, error)
                yield self.item(video, channel, got, False, response)
            return
        page = self.read(response, channel, parse_comments)
        if page is None:
            yield self.item(video, channel, got, False, response)
            return
        got = got + page.comments
        if page.next_page_token:
            yield from self.next_replies(
                response, channel, video, got, parents, page.next_page_token
            )
        else:
            yield from self.next_replies(response, channel, video, got, parents[1:], None)

    def on_comments_error(self, failure: Failure) -> Iterator[ThreadItem]:
        """A comments page that could not be had: keep the video with what was had, incomplete.

        Incomplete, so comments missing from this crawl are not taken as removed.
        """
        self.on_error(failure)
        kw = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield self.item(kw["video"], kw["channel"], kw["got"], False)
