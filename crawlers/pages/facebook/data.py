"""The records the Graph API answers are read into, and the parsers' error types."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


class FacebookParseError(ValueError):
    """A Graph API answer that is not the JSON asked for: says what and where, in one line."""


class GraphApiError(FacebookParseError):
    """The Graph API's own `{"error": {...}}` answer: its code says what went wrong."""

    def __init__(self, code: int, subcode: int | None, kind: str, message: str) -> None:
        super().__init__(f"Graph API error {code} ({kind}): {message}")
        self.code = code
        self.subcode = subcode
        self.kind = kind
        self.graph_message = message

    @property
    def token_refused(self) -> bool:
        """Code 190: the access token is missing, invalid or expired."""
        return self.code == 190 or (self.kind == "OAuthException" and self.code in (102, 2500))

    @property
    def rate_limited(self) -> bool:
        """Codes 4, 17, 32, 613 (app, user, page, API limits) and the 80000s business limits."""
        return self.code in (4, 17, 32, 613) or 80000 <= self.code < 80100

    @property
    def permission(self) -> bool:
        """Codes 10 and 200-299: the token may not read this (no Page Public Content Access)."""
        return self.code == 10 or 200 <= self.code < 300

    @property
    def missing(self) -> bool:
        """Code 100 (subcode 33): the object does not exist (a deleted post) or cannot be loaded."""
        return self.code == 100


def _dict(record: Any) -> dict[str, Any]:
    """A record as JSON-ready data (times in ISO 8601)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(record).items()}


@dataclass(frozen=True, slots=True)
class FacebookPage:
    """A page the pages search found: its id and shown name."""

    id: str
    name: str
    link: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _dict(self)


@dataclass(frozen=True, slots=True)
class FacebookPost:
    """One post of a page's `/posts` edge; totals are None where the fields were not asked for."""

    id: str
    created_at: datetime
    message: str
    story: str | None
    permalink_url: str | None
    comment_total: int | None
    reaction_total: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _dict(self)


@dataclass(frozen=True, slots=True)
class FacebookComment:
    """One comment of a post's `/comments` edge."""

    id: str
    created_at: datetime
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return _dict(self)


@dataclass(frozen=True, slots=True)
class Paging:
    """Where the next page is: the `paging.next` URL and the `after` cursor (None at the end)."""

    next_url: str | None
    after: str | None
    before: str | None


@dataclass(frozen=True, slots=True)
class PostsPage:
    """One page of a page's posts."""

    posts: tuple[FacebookPost, ...]
    paging: Paging

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "posts": [p.to_dict() for p in self.posts],
            "next": self.paging.next_url,
            "after": self.paging.after,
        }


@dataclass(frozen=True, slots=True)
class CommentsPage:
    """One page of a post's comments, with the summary's total when it was asked for."""

    comments: tuple[FacebookComment, ...]
    paging: Paging
    total: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "comments": [c.to_dict() for c in self.comments],
            "total": self.total,
            "next": self.paging.next_url,
            "after": self.paging.after,
        }
