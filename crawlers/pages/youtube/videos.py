"""`videos?part=snippet,statistics&id=...` pages: each video's snippet and counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.pages.youtube import payload as p
from crawlers.pages.youtube.data import VideoPage, YoutubeParseError, YoutubeVideo

VIDEOS_KIND = "youtube#videoListResponse"


def video(item: Mapping[str, Any], where: str) -> YoutubeVideo:
    """One `youtube#video` resource (statistics may be absent: counts are then None)."""
    if item.get("kind") != "youtube#video":
        raise YoutubeParseError(f"{where}: kind is {item.get('kind')!r}, not youtube#video")
    vid = p.text(item, "id", where)
    at = f"{where} ({vid})"
    snippet = p.obj(item, "snippet", at)
    stats = item.get("statistics", {})
    if not isinstance(stats, Mapping):
        raise YoutubeParseError(f"{at}: statistics is not an object")
    return YoutubeVideo(
        id=vid,
        channel_id=p.text(snippet, "channelId", at),
        channel_title=p.text(snippet, "channelTitle", at, default=""),
        title=p.text(snippet, "title", at),
        description=p.text(snippet, "description", at, default=""),
        published_at=p.when(snippet, "publishedAt", at),
        live=p.text(snippet, "liveBroadcastContent", at, default="none"),
        category_id=p.maybe_text(snippet, "categoryId", at),
        view_count=p.count(stats, "viewCount", f"{at} statistics"),
        comment_count=p.count(stats, "commentCount", f"{at} statistics"),
    )


def parse_videos(data: bytes) -> VideoPage:
    """A page of `videos` (by ids or a chart)."""
    value = p.listing(data, VIDEOS_KIND)
    found = tuple(video(item, f"items[{n}]") for n, item in enumerate(p.items(value)))
    return VideoPage(found, p.page_token(value, VIDEOS_KIND), p.total(value, VIDEOS_KIND))
