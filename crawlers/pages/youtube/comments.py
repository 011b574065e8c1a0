"""`commentThreads` and `comments?parentId=` pages: threads, their replies, the next tokens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.pages.youtube import payload as p
from crawlers.pages.youtube.data import (
    CommentPage,
    CommentThread,
    ThreadPage,
    YoutubeComment,
    YoutubeParseError,
)

THREADS_KIND = "youtube#commentThreadListResponse"
COMMENTS_KIND = "youtube#commentListResponse"


def comment(item: Mapping[str, Any], where: str) -> YoutubeComment:
    """One `youtube#comment` resource."""
    if item.get("kind", "youtube#comment") != "youtube#comment":
        raise YoutubeParseError(f"{where}: kind is {item.get('kind')!r}, not youtube#comment")
    cid = p.text(item, "id", where)
    if not cid:
        raise YoutubeParseError(f"{where}: id is empty")
    snippet = p.obj(item, "snippet", where)
    at = f"{where} ({cid})"
    channel = snippet.get("authorChannelId")
    channel_id = None
    if channel is not None:
        if not isinstance(channel, Mapping):
            raise YoutubeParseError(f"{at}: authorChannelId is not an object")
        channel_id = p.maybe_text(channel, "value", f"{at} authorChannelId")
    original = p.maybe_text(snippet, "textOriginal", at)
    shown = p.text(snippet, "textDisplay", at, default="")
    return YoutubeComment(
        id=cid,
        video_id=p.maybe_text(snippet, "videoId", at),
        parent_id=p.maybe_text(snippet, "parentId", at),
        author=p.text(snippet, "authorDisplayName", at, default=""),
        author_channel_id=channel_id,
        text=original if original is not None else shown,
        like_count=p.count(snippet, "likeCount", at) or 0,
        published_at=p.when(snippet, "publishedAt", at),
        updated_at=p.maybe_when(snippet, "updatedAt", at),
    )


def thread(item: Mapping[str, Any], where: str) -> CommentThread:
    """One `youtube#commentThread` resource with the replies it embeds."""
    if item.get("kind") != "youtube#commentThread":
        raise YoutubeParseError(f"{where}: kind is {item.get('kind')!r}, not youtube#commentThread")
    tid = p.text(item, "id", where)
    snippet = p.obj(item, "snippet", where)
    top = comment(p.obj(snippet, "topLevelComment", where), f"{where} topLevelComment")
    replies: tuple[YoutubeComment, ...] = ()
    embedded = item.get("replies")
    if embedded is not None:
        if not isinstance(embedded, Mapping) or not isinstance(embedded.get("comments"), list):
            raise YoutubeParseError(f"{where}: replies.comments is not a list")
        listed = embedded["comments"]
        for n, r in enumerate(listed):
            if not isinstance(r, Mapping):
                raise YoutubeParseError(f"{where}: replies.comments[{n}] is not an object")
        replies = tuple(comment(r, f"{where} replies[{n}]") for n, r in enumerate(listed))
    return CommentThread(
        id=tid,
        video_id=p.maybe_text(snippet, "videoId", where),
        top=top,
        total_reply_count=p.count(snippet, "totalReplyCount", where) or 0,
        can_reply=p.flag(snippet, "canReply", where, True),
        is_public=p.flag(snippet, "isPublic", where, True),
        replies=replies,
    )


def parse_comment_threads(data: bytes) -> ThreadPage:
    """A page of `commentThreads?part=snippet,replies`."""
    value = p.listing(data, THREADS_KIND)
    threads = tuple(thread(item, f"items[{n}]") for n, item in enumerate(p.items(value)))
    return ThreadPage(threads, p.page_token(value, THREADS_KIND), p.total(value, THREADS_KIND))


def parse_comments(data: bytes) -> CommentPage:
    """A page of `comments?part=snippet&parentId=`: a thread's replies."""
    value = p.listing(data, COMMENTS_KIND)
    found = tuple(comment(item, f"items[{n}]") for n, item in enumerate(p.items(value)))
    return CommentPage(found, p.page_token(value, COMMENTS_KIND))
