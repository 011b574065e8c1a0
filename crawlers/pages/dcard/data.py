"""What the Dcard parsers return: forums, posts and comments as plain records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class DcardParseError(ValueError):
    """The response is not Dcard JSON of the expected kind; the message is a one-line reason."""


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its offset and milliseconds, or None."""
    return value.isoformat(timespec="milliseconds") if value is not None else None


@dataclass(frozen=True, slots=True)
class DcardForum:
    """One forum (看板) of `/service/api/v2/forums`: its alias in URLs and its shown name."""

    id: str
    alias: str
    name: str
    description: str
    subscription_count: int | None
    is_school: bool
    invisible: bool
    nsfw: bool | None
    posts_last_30_days: int | None
    topics: tuple[str, ...]
    created_at: datetime | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse dcard-forums`."""
        return {
            "id": self.id,
            "alias": self.alias,
            "name": self.name,
            "description": self.description,
            "subscription_count": self.subscription_count,
            "is_school": self.is_school,
            "invisible": self.invisible,
            "nsfw": self.nsfw,
            "posts_last_30_days": self.posts_last_30_days,
            "topics": list(self.topics),
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, slots=True)
class DcardPost:
    """One post: from a forum's list (body is the excerpt) or `/posts/{id}` (the full content).

    A post the API answers with `Post not found` (error 1202) is `deleted` with only its id
    (from the URL) and the reason the answer gives.
    """

    id: int
    forum: str
    forum_name: str
    title: str
    body: str
    body_is_excerpt: bool
    created_at: datetime | None
    updated_at: datetime | None
    comment_count: int
    total_comment_count: int | None
    like_count: int
    deleted: bool
    hidden: bool
    pinned: bool
    reply_id: int | None
    author: str | None
    school: str | None
    gender: str | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    schema: str
    removed_reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse dcard-post`."""
        return {
            "id": self.id,
            "forum": self.forum,
            "forum_name": self.forum_name,
            "title": self.title,
            "body": self.body,
            "body_is_excerpt": self.body_is_excerpt,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "comment_count": self.comment_count,
            "total_comment_count": self.total_comment_count,
            "like_count": self.like_count,
            "deleted": self.deleted,
            "hidden": self.hidden,
            "pinned": self.pinned,
            "reply_id": self.reply_id,
            "author": self.author,
            "school": self.school,
            "gender": self.gender,
            "categories": list(self.categories),
            "tags": list(self.tags),
            "schema": self.schema,
            "removed_reason": self.removed_reason,
        }


@dataclass(frozen=True, slots=True)
class DcardComment:
    """One comment (a floor: B1, B2, ...); a hidden one keeps its floor, not its text."""

    id: str
    post_id: int
    floor: int
    content: str
    created_at: datetime
    updated_at: datetime | None
    like_count: int | None
    hidden: bool
    deleted: bool
    host: bool
    anonymous: bool
    school: str | None
    gender: str | None
    report_reason: str

    @property
    def shown(self) -> bool:
        """Whether the comment is there to read (not hidden, not deleted)."""
        return not (self.hidden or self.deleted)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse dcard-comments`."""
        return {
            "id": self.id,
            "post_id": self.post_id,
            "floor": self.floor,
            "content": self.content,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "like_count": self.like_count,
            "hidden": self.hidden,
            "deleted": self.deleted,
            "host": self.host,
            "anonymous": self.anonymous,
            "school": self.school,
            "gender": self.gender,
            "report_reason": self.report_reason,
        }
