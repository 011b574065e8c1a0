"""The YouTube replica's JSON: resources and list answers in the real API's shapes."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from replica.youtube.world import Channel, Comment, Thread, Video

ETAG_PREFIX = "j6xRRd8dTPVVptg711_CSPADRfg"
ROBOTS_TXT = "User-agent: *\nAllow: /\n"


def dumps(value: Any) -> bytes:
    """JSON as the API sends it: indented UTF-8, text as it is (markup in comments escaped)."""
    return json.dumps(value, indent=2, ensure_ascii=False).encode()


def etag(*parts: object) -> str:
    """An etag in the 2019 answers' form, fixed by what it tags."""
    digest = hashlib.sha1(repr(parts).encode()).digest()
    tail = base64.urlsafe_b64encode(digest).decode().rstrip("=")[:27]
    return f'"{ETAG_PREFIX}/{tail}"'


def stamp(at: datetime) -> str:
    """`2019-04-20T01:03:39.000Z`: UTC with milliseconds, as the API writes times."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def page_token(kind: str, scope: str, offset: int) -> str:
    """An opaque next-page token (base64 of where the page starts)."""
    return base64.b64encode(f"{kind}:{scope}:{offset}".encode()).decode()


def read_token(token: str, kind: str, scope: str) -> int | None:
    """The offset a token stands for, or None when it is not one of this list's tokens."""
    try:
        text = base64.b64decode(token.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    head, _, offset = text.rpartition(":")
    if head != f"{kind}:{scope}" or not offset.isdigit():
        return None
    return int(offset)


def error(code: int, reason: str, message: str, domain: str = "global", **extra: str) -> bytes:
    """The API's error object (the v3 shape: code, message, errors[], status)."""
    status = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}.get(code, "")
    detail = {"message": message, "domain": domain, "reason": reason, **extra}
    body: dict[str, Any] = {"code": code, "message": message, "errors": [detail]}
    if status:
        body["status"] = status
    return dumps({"error": body})


def listing(
    kind: str,
    items: list[dict[str, Any]],
    next_token: str | None,
    total: int | None,
    per_page: int,
) -> bytes:
    """A `<kind>ListResponse`: kind, etag, nextPageToken, pageInfo, items."""
    body: dict[str, Any] = {"kind": f"youtube#{kind}ListResponse", "etag": etag(kind, items)}
    if next_token:
        body["nextPageToken"] = next_token
    info: dict[str, int] = {"resultsPerPage": per_page}
    if total is not None:
        info = {"totalResults": total, **info}
    body["pageInfo"] = info
    if items or kind != "channel":
        body["items"] = items
    return dumps(body)


def comment(c: Comment, video_id: str, html: bool) -> dict[str, Any]:
    """A `youtube#comment` (a reply carries parentId and no videoId, as the 2019 answers)."""
    shown = c.text.replace("&", "&amp;").replace("<", "&lt;").replace("\n", "<br />")
    snippet: dict[str, Any] = {
        "authorDisplayName": c.author,
        "authorProfileImageUrl": f"https://yt3.ggpht.com/a/{c.author_channel[2:14]}=s48-c-k-no-mo",
        "authorChannelUrl": f"http://www.youtube.com/channel/{c.author_channel}",
        "authorChannelId": {"value": c.author_channel},
    }
    if c.parent is None:
        snippet["videoId"] = video_id
    snippet["textDisplay"] = shown if html else c.text
    snippet["textOriginal"] = c.text
    if c.parent is not None:
        snippet["parentId"] = c.parent
    snippet.update(
        canRate=True,
        viewerRating="none",
        likeCount=c.likes,
        publishedAt=stamp(c.at),
        updatedAt=stamp(c.edited_at or c.at),
    )
    return {"kind": "youtube#comment", "etag": etag("c", c.id), "id": c.id, "snippet": snippet}


def thread(
    t: Thread, video: Video, now: datetime, with_replies: bool, html: bool
) -> dict[str, Any]:
    """A `youtube#commentThread`; part=replies embeds up to five replies (newest first)."""
    shown = t.shown_replies(now)
    body: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": etag("t", t.top.id, len(shown)),
        "id": t.top.id,
        "snippet": {
            "videoId": video.id,
            "topLevelComment": comment(t.top, video.id, html),
            "canReply": True,
            "totalReplyCount": len(shown),
            "isPublic": True,
        },
    }
    if with_replies and shown:
        newest = sorted(shown, key=lambda r: r.at, reverse=True)[:5]
        body["replies"] = {"comments": [comment(r, video.id, html) for r in newest]}
    return body


def video_object(v: Video, now: datetime) -> dict[str, Any]:
    """A `youtube#video` with snippet and statistics (no commentCount where comments are off)."""
    stats: dict[str, str] = {
        "viewCount": str(v.views),
        "likeCount": str(v.likes),
        "dislikeCount": str(v.likes // 30),
        "favoriteCount": "0",
    }
    if not v.comments_disabled:
        stats["commentCount"] = str(v.comment_count(now))
    thumbs = {
        size: {"url": f"https://i.ytimg.com/vi/{v.id}/{name}.jpg", "width": w, "height": h}
        for size, name, w, h in (
            ("default", "default", 120, 90),
            ("medium", "mqdefault", 320, 180),
            ("high", "hqdefault", 480, 360),
        )
    }
    return {
        "kind": "youtube#video",
        "etag": etag("v", v.id),
        "id": v.id,
        "snippet": {
            "publishedAt": stamp(v.at),
            "channelId": v.channel.id,
            "title": v.title,
            "description": v.description,
            "thumbnails": thumbs,
            "channelTitle": v.channel.name,
            "categoryId": "22",
            "liveBroadcastContent": "none",
            "localized": {"title": v.title, "description": v.description},
            "defaultAudioLanguage": "zh-TW",
        },
        "statistics": stats,
    }


def channel_object(c: Channel) -> dict[str, Any]:
    """A `youtube#channel` with snippet and contentDetails."""
    return {
        "kind": "youtube#channel",
        "etag": etag("ch", c.id),
        "id": c.id,
        "snippet": {
            "title": c.name,
            "description": "",
            "customUrl": "@" + c.name.lower(),
            "publishedAt": "2014-03-01T08:00:00Z",
        },
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": c.uploads}},
    }


def playlist_item(v: Video, position: int, now: datetime) -> dict[str, Any]:
    """A `youtube#playlistItem`; a deleted video stays as `Deleted video`, no videoPublishedAt."""
    gone = v.deleted_by(now)
    snippet: dict[str, Any] = {
        "publishedAt": stamp(v.at),
        "channelId": v.channel.id,
        "title": "Deleted video" if gone else v.title,
        "description": "This video is unavailable." if gone else v.description,
        "thumbnails": {}
        if gone
        else {
            "default": {
                "url": f"https://i.ytimg.com/vi/{v.id}/default.jpg",
                "width": 120,
                "height": 90,
            }
        },
        "channelTitle": v.channel.name,
        "playlistId": v.channel.uploads,
        "position": position,
        "resourceId": {"kind": "youtube#video", "videoId": v.id},
    }
    details: dict[str, str] = {"videoId": v.id}
    if not gone:
        snippet["videoOwnerChannelTitle"] = v.channel.name
        snippet["videoOwnerChannelId"] = v.channel.id
        details["videoPublishedAt"] = stamp(v.at)
    return {
        "kind": "youtube#playlistItem",
        "etag": etag("pi", v.id, gone),
        "id": base64.b64encode(f"{v.channel.uploads}.{v.id}".encode()).decode(),
        "snippet": snippet,
        "contentDetails": details,
    }
