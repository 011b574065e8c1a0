"""Facebook fan pages through the Graph API; new replies are comments, exact by their time.

A page is a channel under its shown name (`ETtoday新聞雲`), resolved to its id through the
pages search. Posts are keyed by their Graph id (`<page id>_<post id>`), comments by theirs.
Where a page's comments cannot be read (the token lacks Page Public Content Access: error 10),
the post's `comments.summary.total_count` is kept as a dated snapshot (`reply_total`) and the
week's new replies are estimated from the snapshots (docs/RANKING.md, docs/sources/FACEBOOK.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from crawlers.deletions import retire_absent
from crawlers.items import ListingRow, ReplyData, ThreadItem
from crawlers.pages.facebook import (
    FacebookComment,
    FacebookParseError,
    FacebookPost,
    parse_comments,
    parse_pages,
    parse_posts,
)
from crawlers.sources.base import Parser, Source

PLATFORM = "facebook"
API = "/v19.0"
TOKEN_ENV = "BUZZ_FACEBOOK_TOKEN"
SITE = "https://www.facebook.com"


def thread_key(post: FacebookPost) -> str:
    """`101569698587025_144173444326650`: Graph post ids are unique across Facebook."""
    return post.id


def position(key: str) -> int | None:
    """A post's place in its page's list (newest first): its own id, which grows with time."""
    story = key.partition("_")[2]
    return int(story) if story.isdigit() else None


def listing_row(post: FacebookPost) -> ListingRow:
    """A post of a page's list as the neutral listing row (position = its own id)."""
    return ListingRow(thread_key(post), position(thread_key(post)), None, False, False)


def post_url(post: FacebookPost) -> str:
    """The post's page for a reader: its `permalink_url`, else built from its id (no token)."""
    if post.permalink_url:
        return post.permalink_url
    page, _, story = post.id.partition("_")
    return f"{SITE}/{page}/posts/{story or page}"


def title(post: FacebookPost) -> str:
    """A post has no title: its message's first line (or its story line), cut at 80."""
    first = (post.message or post.story or "").strip().split("\n", 1)[0]
    return first[:80]


def replies(comments: Iterable[FacebookComment]) -> tuple[ReplyData, ...]:
    """The comments listed, each keyed by its Graph id (stable across crawls), once."""
    seen: dict[str, ReplyData] = {}
    for c in comments:
        if c.id not in seen:
            seen[c.id] = ReplyData(
                key=c.id, tag="留言", user="", content=c.message, ip=None, replied_at=c.created_at
            )
    return tuple(seen.values())


def post_item(
    post: FacebookPost,
    channel: str,
    comments: Iterable[FacebookComment],
    crawled_at: datetime,
    complete: bool = True,
    counts_only: bool = False,
) -> ThreadItem:
    """A post as the neutral item: with its comments, or (counts only) its comment total."""
    return ThreadItem(
        platform=PLATFORM,
        channel=channel,
        thread_key=thread_key(post),
        url=post_url(post),
        title=title(post),
        body=post.message or post.story or "",
        posted_at=post.created_at,
        crawled_at=crawled_at,
        replies=() if counts_only else replies(comments),
        author_id=post.id.partition("_")[0] or None,
        replies_complete=complete and not counts_only,
        reply_total=post.comment_total if counts_only else None,
    )


def _pages(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"pages": [p.to_dict() for p in parse_pages(data)]}


def _posts(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_posts(data).to_dict()


def _comments(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_comments(data).to_dict()


SOURCE = Source(
    name="facebook",
    platform=PLATFORM,
    label="Facebook",
    counting="exact",
    base_url_env="FACEBOOK_BASE_URL",
    default_base_url="https://graph.facebook.com",
    # The smallest page first: the browser test crawls the first channel through Chromium.
    default_channels=("蝦皮購物 ( Shopee )", "GirlStyle 台灣女生日常", "ETtoday新聞雲", "爆料公社"),
    channel_word="page",
    spider="crawlers.spiders.facebook.FacebookSpider",
    channel_topics={"ETtoday新聞雲": "新聞時事", "GirlStyle 台灣女生日常": "美容保健"},
    parsers=(
        Parser(
            "pages",
            "the Graph API pages search (/pages/search?q=): page ids and shown names",
            _pages,
            FacebookParseError,
            "buzz parse facebook-pages pages.json",
        ),
        Parser(
            "posts",
            "a page's posts (/{page-id}/posts): id, message, created_time, comment totals, paging",
            _posts,
            FacebookParseError,
            "buzz parse facebook-posts posts.json",
        ),
        Parser(
            "comments",
            "a post's comments (/{post-id}/comments): id, created_time, message, total, paging",
            _comments,
            FacebookParseError,
            "buzz parse facebook-comments comments.json",
        ),
    ),
    # A page's shown name: CJK, Latin, digits, spaces and punctuation (`蝦皮購物 ( Shopee )`),
    # never a comma (the list separator), quotes or control characters.
    channel_pattern=r"[^\s,\"\\\x00-\x1f](?:[^,\"\\\x00-\x1f]{0,62}[^\s,\"\\\x00-\x1f])?",
    credential_env=TOKEN_ENV,
    retire=retire_absent,
    position=position,
)
