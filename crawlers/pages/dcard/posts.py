"""Posts: a forum's list (`/forums/{alias}/posts`) and one post (`/posts/{id}`).

Two schema generations are read. 2016: `excerpt` in lists, `content` and `deletedAt` on the
single post, no `hidden` flag. 2022: lists add `hidden`, `totalCommentCount` (with nested
replies), `reactions`, `topics`, `categories`, `elapsedTime` and the nickname (`withNickname`:
`department` is the persona's handle, `school` its display name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crawlers.pages.dcard.data import DcardParseError, DcardPost
from crawlers.pages.dcard.payload import (
    api_error,
    flag,
    listing,
    load,
    obj,
    optional_int,
    optional_str,
    optional_time,
    required,
    strings,
    time_field,
)

POST_NOT_FOUND = 1202
"""Dcard's error code for a post that was removed (`{"error":1202,"message":"Post not found"}`)."""
_GEN_2022 = ("totalCommentCount", "reactions", "elapsedTime", "excerptComments", "topics")
_POST_ID = re.compile(r"/posts/(\d+)")


def schema_of(item: Mapping[str, Any]) -> str:
    """Which generation a post object is: "2022" when it has that era's keys, else "2016"."""
    return "2022" if any(k in item for k in _GEN_2022) else "2016"


def post_from(raw: Any, what: str) -> DcardPost:
    """One post object (or a saved `{content, comments, links}` bundle's content) as a record."""
    item = obj(raw, what)
    if "content" in item and isinstance(item["content"], Mapping):
        item = item["content"]  # dcard-spider's saved bundles keep the post under "content"
    content = item.get("content")
    has_content = isinstance(content, str)
    body = content if isinstance(content, str) else str(item.get("excerpt") or "")
    nickname = flag(item, "withNickname")
    return DcardPost(
        id=required(item, "id", int, what),
        forum=required(item, "forumAlias", str, what),
        forum_name=str(item.get("forumName") or ""),
        title=required(item, "title", str, what),
        body=body,
        body_is_excerpt=not has_content,
        created_at=time_field(item, "createdAt", what),
        updated_at=optional_time(item, "updatedAt", what),
        comment_count=optional_int(item, "commentCount") or 0,
        total_comment_count=optional_int(item, "totalCommentCount"),
        like_count=optional_int(item, "likeCount") or 0,
        deleted=item.get("deletedAt") is not None,
        hidden=flag(item, "hidden"),
        pinned=flag(item, "pinned"),
        reply_id=optional_int(item, "replyId"),
        author=optional_str(item, "department") if nickname else None,
        school=optional_str(item, "school"),
        gender=optional_str(item, "gender"),
        categories=strings(item, "categories"),
        tags=tuple(dict.fromkeys(strings(item, "tags") + strings(item, "topics"))),
        schema=schema_of(item),
    )


def parse_posts(data: bytes | str) -> tuple[DcardPost, ...]:
    """The posts of a forum list, in the order given (newest first for `popular=false`)."""
    return tuple(
        post_from(raw, f"post {n}") for n, raw in enumerate(listing(load(data), "posts"), start=1)
    )


def post_id_in(url: str | None) -> int | None:
    """The id in a `/posts/{id}` URL."""
    found = _POST_ID.search(url or "")
    return int(found[1]) if found else None


def parse_post(data: bytes | str, url: str | None = None) -> DcardPost:
    """One post; Dcard's `Post not found` answer gives a deleted post (its id from the URL)."""
    value = load(data)
    found = api_error(value)
    if found is not None:
        code, message, body = found
        if code != POST_NOT_FOUND:
            raise DcardParseError(f"Dcard answered error {code}: {message or 'no message'}")
        reason = ": ".join(
            str(body[k]) for k in ("reason", "reasonText") if isinstance(body.get(k), str)
        )
        return DcardPost(
            id=post_id_in(url) or 0,
            forum="",
            forum_name="",
            title="",
            body="",
            body_is_excerpt=False,
            created_at=None,
            updated_at=None,
            comment_count=0,
            total_comment_count=None,
            like_count=0,
            deleted=True,
            hidden=False,
            pinned=False,
            reply_id=None,
            author=None,
            school=None,
            gender=None,
            categories=(),
            tags=(),
            schema="error",
            removed_reason=reason or message or "Post not found",
        )
    if isinstance(value, list):
        raise DcardParseError("a list, not one post (is this a forum's posts list?)")
    return post_from(value, "post")
