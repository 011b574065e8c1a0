"""The records the YouTube Data API v3 parsers return, and their error."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


class YoutubeParseError(ValueError):
    """An answer that is not the YouTube API JSON asked for; the message says what and where."""


def _plain(value: Any) -> Any:
    """JSON-ready: datetimes as ISO text, tuples as lists, nested records as dicts."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class _Record:
    """A record that turns itself into plain JSON data."""

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data."""
        return {k: _plain(v) for k, v in asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class ApiError(_Record):
    """The API's error object: HTTP code, the first error's reason, and its message."""

    code: int
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class YoutubeComment(_Record):
    """One comment: a thread's top-level comment or a reply (`parent_id` set)."""

    id: str
    video_id: str | None
    parent_id: str | None
    author: str
    author_channel_id: str | None
    text: str
    like_count: int
    published_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class CommentThread(_Record):
    """A top-level comment, its reply count and the replies the API embedded (at most five)."""

    id: str
    video_id: str | None
    top: YoutubeComment
    total_reply_count: int
    can_reply: bool
    is_public: bool
    replies: tuple[YoutubeComment, ...]

    @property
    def replies_embedded_all(self) -> bool:
        """Whether the embedded replies are all of them (else page `comments?parentId=`)."""
        return len(self.replies) >= self.total_reply_count


@dataclass(frozen=True, slots=True)
class ThreadPage(_Record):
    """One page of `commentThreads`: threads and the token of the next page."""

    threads: tuple[CommentThread, ...]
    next_page_token: str | None
    total_results: int | None


@dataclass(frozen=True, slots=True)
class CommentPage(_Record):
    """One page of `comments?parentId=`: replies and the token of the next page."""

    comments: tuple[YoutubeComment, ...]
    next_page_token: str | None


@dataclass(frozen=True, slots=True)
class YoutubeVideo(_Record):
    """A video of `videos?part=snippet,statistics`; counts are None where the part is absent."""

    id: str
    channel_id: str
    channel_title: str
    title: str
    description: str
    published_at: datetime
    live: str
    category_id: str | None
    view_count: int | None
    comment_count: int | None


@dataclass(frozen=True, slots=True)
class VideoPage(_Record):
    """One page of `videos`: the videos found (missing ids are deleted or private videos)."""

    videos: tuple[YoutubeVideo, ...]
    next_page_token: str | None
    total_results: int | None


@dataclass(frozen=True, slots=True)
class YoutubeChannel(_Record):
    """A channel of `channels?part=snippet,contentDetails`: its id, title, uploads playlist."""

    id: str
    title: str
    uploads: str


@dataclass(frozen=True, slots=True)
class PlaylistEntry(_Record):
    """One item of a playlist: the video, its place, and when it was published.

    A deleted or private video stays in a playlist as `Deleted video` / `Private video` with
    no `videoPublishedAt`: then `published_at` is None.
    """

    video_id: str
    position: int | None
    title: str
    published_at: datetime | None
    added_at: datetime | None

    @property
    def at(self) -> datetime | None:
        """When the video went up: its publish time, else when it was added (deleted videos)."""
        return self.published_at or self.added_at


@dataclass(frozen=True, slots=True)
class PlaylistPage(_Record):
    """One page of `playlistItems`: entries newest first (uploads) and the next page's token."""

    entries: tuple[PlaylistEntry, ...]
    next_page_token: str | None
    total_results: int | None
