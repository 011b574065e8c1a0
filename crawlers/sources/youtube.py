"""YouTube through the Data API v3; new replies are comments and replies, exact by their time.

A channel is named as the board shows it (`TheKellyYang`) and looked up as a handle
(`channels?forHandle=`), or given as its `UC...` id. Videos are keyed by their id (global on
YouTube), comments by theirs (a reply's id is `<thread id>.<reply id>`). The API key comes
from BUZZ_YOUTUBE_KEY only and is never written anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from crawlers.items import ReplyData, ThreadItem
from crawlers.pages.youtube import (
    YoutubeComment,
    YoutubeParseError,
    YoutubeVideo,
    parse_channels,
    parse_comment_threads,
    parse_comments,
    parse_playlist_items,
    parse_videos,
)
from crawlers.sources.base import Parser, Source

PLATFORM = "youtube"
API = "/youtube/v3"
DEFAULT_BASE_URL = "https://www.googleapis.com"
WATCH_BASE_URL = "https://www.youtube.com"
KEY_ENV = "BUZZ_YOUTUBE_KEY"

UNITS: Mapping[str, int] = {
    "channels": 1,
    "playlistItems": 1,
    "videos": 1,
    "commentThreads": 1,
    "comments": 1,
}
"""Quota units one call of each route costs (list calls: 1; `search` would cost 100)."""


def watch_url(base_url: str, video_id: str) -> str:
    """The video's page: youtube.com's for the real API, the same path on any other base."""
    base = WATCH_BASE_URL if base_url.rstrip("/") == DEFAULT_BASE_URL else base_url.rstrip("/")
    return f"{base}/watch?v={video_id}"


def replies(comments: Iterable[YoutubeComment]) -> tuple[ReplyData, ...]:
    """Top-level comments and replies, each keyed by its comment id, once.

    The user is the author's channel id (stable across renames), else the shown name.
    """
    seen: dict[str, ReplyData] = {}
    for c in comments:
        if c.id not in seen:
            seen[c.id] = ReplyData(
                key=c.id,
                tag="reply" if c.parent_id else "comment",
                user=(c.author_channel_id or c.author)[:128],
                content=c.text,
                ip=None,
                replied_at=c.published_at,
            )
    return tuple(seen.values())


def video_item(
    video: YoutubeVideo,
    channel: str,
    url: str,
    comments: Iterable[YoutubeComment],
    crawled_at: datetime,
    complete: bool = True,
) -> ThreadItem:
    """A video and the comments walked so far as the neutral item."""
    return ThreadItem(
        platform=PLATFORM,
        channel=channel,
        thread_key=video.id,
        url=url,
        title=video.title,
        body=video.description,
        posted_at=video.published_at,
        crawled_at=crawled_at,
        replies=replies(comments),
        category=None if video.live == "none" else video.live,
        author_id=video.channel_id,
        author_nickname=video.channel_title or None,
        replies_complete=complete,
    )


def _channels(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"channels": [c.to_dict() for c in parse_channels(data)]}


def _playlist(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_playlist_items(data).to_dict()


def _videos(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_videos(data).to_dict()


def _threads(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_comment_threads(data).to_dict()


def _comments(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_comments(data).to_dict()


SOURCE = Source(
    name="youtube",
    platform=PLATFORM,
    label="YouTube",
    counting="exact",
    base_url_env="YOUTUBE_BASE_URL",
    default_base_url=DEFAULT_BASE_URL,
    default_channels=("胡子Huzi", "TheKellyYang", "VITO維特"),
    channel_word="channel",
    spider="crawlers.spiders.youtube.YoutubeSpider",
    credential_env=KEY_ENV,
    parsers=(
        Parser(
            "channels",
            "a channels list (channels?part=snippet,contentDetails): id, title, uploads playlist",
            _channels,
            YoutubeParseError,
            "buzz parse youtube-channels channels.json",
        ),
        Parser(
            "playlist-items",
            "a page of a playlist (playlistItems): video ids, positions, publish times",
            _playlist,
            YoutubeParseError,
            "buzz parse youtube-playlist-items uploads.json",
        ),
        Parser(
            "videos",
            "a videos list (videos?part=snippet,statistics): titles, times, counts",
            _videos,
            YoutubeParseError,
            "buzz parse youtube-videos videos.json",
        ),
        Parser(
            "comment-threads",
            "a page of a video's comment threads (commentThreads): comments, embedded replies",
            _threads,
            YoutubeParseError,
            "buzz parse youtube-comment-threads threads.json",
        ),
        Parser(
            "comments",
            "a page of a thread's replies (comments?parentId=): ids, authors, times",
            _comments,
            YoutubeParseError,
            "buzz parse youtube-comments replies.json",
        ),
    ),
    # A channel's shown name or handle (CJK, Latin, digits, `.` `_` `-`), or its UC... id.
    channel_pattern=r"@?[\w][\w.\-·]{0,99}",
)
