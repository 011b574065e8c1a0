"""What the PTT parsers return: articles with their pushes, index pages with their rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class PttParseError(ValueError):
    """The page is not a PTT page of the expected kind; the message is a one-line reason."""


@dataclass(frozen=True, slots=True)
class PttPush:
    """One push (推文): a 推 / 噓 / → line under an article."""

    tag: str
    user: str
    content: str
    ip: str | None
    time: datetime | None
    time_inferred: bool
    raw_time: str
    date_only: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-article`."""
        return {
            "tag": self.tag,
            "user": self.user,
            "content": self.content,
            "ip": self.ip,
            "time": _iso(self.time),
            "time_inferred": self.time_inferred,
            "date_only": self.date_only,
        }


@dataclass(frozen=True, slots=True)
class PttArticle:
    """An article page: header, body text without header and footer, and its pushes."""

    board: str
    article_id: str
    url: str
    title: str
    category: str | None
    author_id: str | None
    author_nickname: str | None
    posted_at: datetime | None
    ip: str | None
    status: str
    body: str
    pushes: tuple[PttPush, ...]

    def counts(self) -> dict[str, int]:
        """Pushes by kind: all, push (推), boo (噓), neutral (→)."""
        push = boo = 0
        for p in self.pushes:
            if p.tag == "推":
                push += 1
            elif p.tag == "噓":
                boo += 1
        total = len(self.pushes)
        return {"all": total, "push": push, "boo": boo, "neutral": total - push - boo}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-article`."""
        return {
            "board": self.board,
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "category": self.category,
            "author_id": self.author_id,
            "author_nickname": self.author_nickname,
            "posted_at": _iso(self.posted_at),
            "ip": self.ip,
            "status": self.status,
            "body": self.body,
            "pushes": [p.to_dict() for p in self.pushes],
            "counts": self.counts(),
        }


@dataclass(frozen=True, slots=True)
class PttIndexRow:
    """One row (`div.r-ent`) of a board index page, with the values as the page shows them."""

    article_id: str | None
    url: str | None
    title: str
    author: str | None
    date: str
    nrec: str
    deleted: bool
    pinned: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-index`."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "nrec": self.nrec,
            "deleted": self.deleted,
            "pinned": self.pinned,
        }


@dataclass(frozen=True, slots=True)
class PttIndexPage:
    """A board index page (`/bbs/<board>/index<N>.html`): its rows and paging links."""

    board: str | None
    rows: tuple[PttIndexRow, ...]
    prev_url: str | None
    next_url: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-index`."""
        return {
            "board": self.board,
            "rows": [r.to_dict() for r in self.rows],
            "prev_url": self.prev_url,
            "next_url": self.next_url,
        }


def _iso(when: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return when.isoformat() if when is not None else None
