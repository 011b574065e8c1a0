"""`/posts/{id}/comments?after=<floor>&limit=`: a page of a post's comments, by floor.

A comment that is hidden (by moderators, or deleted: the 2016 answers do not tell them apart)
keeps its floor and time and loses its text, school, gender and likes. Later answers flag an
author's deletion (`hiddenByAuthor`, or a `deletedAt` time); no real file here shows them.
"""

from __future__ import annotations

from crawlers.pages.dcard.data import DcardComment
from crawlers.pages.dcard.payload import (
    flag,
    listing,
    load,
    obj,
    optional_int,
    optional_str,
    optional_time,
    required,
    time_field,
)


def parse_comments(data: bytes | str) -> tuple[DcardComment, ...]:
    """The comments of one page, in the order given (ascending floors)."""
    comments = []
    for n, raw in enumerate(listing(load(data), "comments"), start=1):
        what = f"comment {n}"
        item = obj(raw, what)
        content = item.get("content")
        comments.append(
            DcardComment(
                id=required(item, "id", str, what),
                post_id=required(item, "postId", int, what),
                floor=required(item, "floor", int, what),
                content=content if isinstance(content, str) else "",
                created_at=time_field(item, "createdAt", what),
                updated_at=optional_time(item, "updatedAt", what),
                like_count=optional_int(item, "likeCount"),
                hidden=flag(item, "hidden"),
                deleted=flag(item, "hiddenByAuthor") or item.get("deletedAt") is not None,
                host=flag(item, "host"),
                anonymous=flag(item, "anonymous"),
                school=optional_str(item, "school"),
                gender=optional_str(item, "gender"),
                report_reason=str(item.get("reportReason") or ""),
            )
        )
    return tuple(comments)
