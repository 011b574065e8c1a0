"""Dcard (www.dcard.tw) through its JSON API v2; new replies are comments, exact by their time.

A forum is a channel under its shown name (`心情`), resolved to its URL alias (`mood`) through
`/service/api/v2/forums`. Posts are keyed by their id (global on Dcard), comments by theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from crawlers.deletions import retire_absent
from crawlers.items import ListingRow, ReplyData, ThreadItem
from crawlers.pages.dcard import (
    DcardComment,
    DcardParseError,
    DcardPost,
    parse_comments,
    parse_forums,
    parse_post,
    parse_posts,
)
from crawlers.sources.base import Parser, Source

PLATFORM = "dcard"
API = "/service/api/v2"


def thread_key(post_id: int) -> str:
    """`230512345`: Dcard post ids are unique across the whole site."""
    return str(post_id)


def position(key: str) -> int | None:
    """A post's place in its forum's list (newest first, `before=` pages by id): its id."""
    return int(key) if key.isdigit() else None


def post_url(base_url: str, alias: str, post_id: int) -> str:
    """The post's page on the site, `<base>/f/<alias>/p/<id>`."""
    return f"{base_url}/f/{alias}/p/{post_id}"


def replies(comments: Iterable[DcardComment]) -> tuple[ReplyData, ...]:
    """The comments there to read, each keyed by its id (stable across crawls), once.

    Hidden and deleted comments keep their floor but no text, and Dcard does not tell one from
    the other in the 2016 answers: neither is a reply a reader can see, so neither is counted;
    one stored earlier is marked removed when a complete walk no longer shows it.
    """
    seen: dict[str, ReplyData] = {}
    for c in comments:
        if c.shown and c.id not in seen:
            seen[c.id] = ReplyData(
                key=c.id,
                tag=f"B{c.floor}",
                user="",
                content=c.content,
                ip=None,
                replied_at=c.created_at,
            )
    return tuple(seen.values())


def post_item(
    post: DcardPost,
    channel: str,
    url: str,
    comments: Iterable[DcardComment],
    crawled_at: datetime,
    complete: bool = True,
) -> ThreadItem:
    """A post and the comments walked so far as the neutral item."""
    return ThreadItem(
        platform=PLATFORM,
        channel=channel,
        thread_key=thread_key(post.id),
        url=url,
        title=post.title,
        body=post.body,
        posted_at=post.created_at,
        crawled_at=crawled_at,
        replies=replies(comments),
        category=post.categories[0] if post.categories else None,
        author_id=post.author,
        author_nickname=post.school if post.author else None,
        pinned=post.pinned,
        replies_complete=complete,
    )


def listing_row(post: DcardPost) -> ListingRow:
    """A post of a forum's list as the neutral listing row (position = id, no author)."""
    return ListingRow(thread_key(post.id), post.id, None, False, post.pinned)


def _forums(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"forums": [f.to_dict() for f in parse_forums(data)]}


def _posts(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"posts": [p.to_dict() for p in parse_posts(data)]}


def _post(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_post(data, url=url).to_dict()


def _comments(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"comments": [c.to_dict() for c in parse_comments(data)]}


SOURCE = Source(
    name="dcard",
    platform=PLATFORM,
    label="Dcard",
    counting="exact",
    base_url_env="DCARD_BASE_URL",
    default_base_url="https://www.dcard.tw",
    default_channels=("心情", "時事", "感情", "美妝", "工作", "美食"),
    channel_word="forum",
    spider="crawlers.spiders.dcard.DcardSpider",
    channel_topics={
        "時事": "新聞時事",
        "感情": "兩性感情",
        "美妝": "美容保健",
        "工作": "職場工作",
        "美食": "美食餐廳",
        "股票": "投資理財",
    },
    parsers=(
        Parser(
            "forums",
            "Dcard's forum list (/service/api/v2/forums): alias, name, subscribers",
            _forums,
            DcardParseError,
            "buzz parse dcard-forums forums.json",
        ),
        Parser(
            "posts",
            "a Dcard forum's posts list (/forums/<alias>/posts): id, title, excerpt, counts",
            _posts,
            DcardParseError,
            "buzz parse dcard-posts posts.json",
        ),
        Parser(
            "post",
            "one Dcard post (/posts/<id>): content, counts, deleted and hidden flags",
            _post,
            DcardParseError,
            "buzz parse dcard-post post.json --url https://www.dcard.tw/service/api/v2/posts/1",
        ),
        Parser(
            "comments",
            "a page of a Dcard post's comments (/posts/<id>/comments): floors, times, hidden",
            _comments,
            DcardParseError,
            "buzz parse dcard-comments comments.json",
        ),
    ),
    # A forum's shown name: CJK, Latin, digits, spaces and punctuation (`3C`, `Nintendo Switch`,
    # `Google/Android`), never a comma (the list separator), quotes or control characters.
    channel_pattern=r"[^\s,\"\\\x00-\x1f](?:[^,\"\\\x00-\x1f]{0,62}[^\s,\"\\\x00-\x1f])?",
    retire=retire_absent,
    position=position,
)
