"""What the news parsers return: a section's article links, an article, a page of comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class NewsParseError(ValueError):
    """The page is not the configured site's page of the expected kind; a one-line reason."""


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return value.isoformat() if value is not None else None


@dataclass(frozen=True, slots=True)
class SectionPage:
    """A section's list page (國內, 娛樂, ...): the article links it shows, absolute, in order."""

    links: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse news-<site>-section`."""
        return {"links": list(self.links)}


@dataclass(frozen=True, slots=True)
class Article:
    """One article page: its id on the site, title, publish time (None when the page has none)."""

    id: str
    url: str
    title: str
    posted_at: datetime | None
    body: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse news-<site>-article`."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "posted_at": _iso(self.posted_at),
            "body": self.body,
        }


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment under an article; a deleted one keeps its id and time, not its text."""

    id: str
    at: datetime
    text: str
    author: str
    deleted: bool
    replies: int | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "at": _iso(self.at),
            "text": self.text,
            "author": self.author,
            "deleted": self.deleted,
            "replies": self.replies,
        }


@dataclass(frozen=True, slots=True)
class CommentPage:
    """One page of an article's comments, the cursor of the next page and the site's count."""

    comments: tuple[Comment, ...]
    next: str | None
    count: int | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse news-<site>-comments`."""
        return {
            "comments": [c.to_dict() for c in self.comments],
            "next": self.next,
            "count": self.count,
        }
