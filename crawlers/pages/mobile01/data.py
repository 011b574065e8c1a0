"""What the Mobile01 parsers return: forums, topic-list rows, topics with their floors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class Mobile01ParseError(ValueError):
    """The page is not a Mobile01 page of the expected kind; the message is a one-line reason."""


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class Forum:
    """One forum of the site's menu: its id, its own name and the sections it sits in."""

    forum_id: int
    name: str
    sections: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse mobile01-forums`."""
        return {"forum_id": self.forum_id, "name": self.name, "sections": list(self.sections)}


@dataclass(frozen=True, slots=True)
class TopicRow:
    """One row of a forum's topic list (`topiclist.php?f=&p=`)."""

    topic_id: int
    forum_id: int
    title: str
    url: str
    author: str | None
    posted_at: datetime | None
    last_reply_by: str | None
    last_reply_at: datetime | None
    reply_count: int | None
    pages: int
    pinned: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, one entry of `buzz parse mobile01-topics`."""
        return {
            "topic_id": self.topic_id,
            "forum_id": self.forum_id,
            "title": self.title,
            "url": self.url,
            "author": self.author,
            "posted_at": _iso(self.posted_at),
            "last_reply_by": self.last_reply_by,
            "last_reply_at": _iso(self.last_reply_at),
            "reply_count": self.reply_count,
            "pages": self.pages,
            "pinned": self.pinned,
        }


@dataclass(frozen=True, slots=True)
class TopicListPage:
    """A page of a forum's topic list, newest last reply first, with its paging."""

    forum_id: int
    forum_name: str | None
    page: int
    last_page: int
    next_url: str | None
    topics: tuple[TopicRow, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse mobile01-topics`."""
        return {
            "forum_id": self.forum_id,
            "forum_name": self.forum_name,
            "page": self.page,
            "last_page": self.last_page,
            "next_url": self.next_url,
            "topics": [t.to_dict() for t in self.topics],
        }


@dataclass(frozen=True, slots=True)
class Comment:
    """A short comment (留言) left under a floor; shown beneath it, not a floor of its own."""

    author: str | None
    posted_at: datetime | None
    content: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"author": self.author, "posted_at": _iso(self.posted_at), "content": self.content}


@dataclass(frozen=True, slots=True)
class Floor:
    """One floor of a topic: #1 is the main post, #2 on are the replies.

    `post_id` is the site's own id of the post (`article_<id>`, the older `ct<id>`): it stays
    with the floor when earlier floors are removed, so it is the reply's identity.
    """

    post_id: str
    floor: int
    author: str | None
    author_uid: str | None
    posted_at: datetime | None
    content: str
    quoted: tuple[str, ...]
    comments: tuple[Comment, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "post_id": self.post_id,
            "floor": self.floor,
            "author": self.author,
            "author_uid": self.author_uid,
            "posted_at": _iso(self.posted_at),
            "content": self.content,
            "quoted": list(self.quoted),
            "comments": [c.to_dict() for c in self.comments],
        }


@dataclass(frozen=True, slots=True)
class TopicPage:
    """One page of a topic (`topicdetail.php?f=&t=&p=`): the main post on page 1, its floors.

    `status` is "deleted" when the site says the topic is gone; then there are no floors.
    """

    topic_id: int
    forum_id: int | None
    forum_name: str | None
    title: str
    url: str
    page: int
    last_page: int
    next_url: str | None
    status: str
    posted_at: datetime | None
    author: str | None
    views: int | None
    main: Floor | None
    floors: tuple[Floor, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse mobile01-topic`."""
        return {
            "topic_id": self.topic_id,
            "forum_id": self.forum_id,
            "forum_name": self.forum_name,
            "title": self.title,
            "url": self.url,
            "page": self.page,
            "last_page": self.last_page,
            "next_url": self.next_url,
            "status": self.status,
            "posted_at": _iso(self.posted_at),
            "author": self.author,
            "views": self.views,
            "main": self.main.to_dict() if self.main else None,
            "floors": [f.to_dict() for f in self.floors],
        }
