"""PTT (www.ptt.cc): board indexes and articles; new replies are pushes, exact by their time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crawlers.deletions import retire_marked
from crawlers.identity import reply_keys
from crawlers.items import ListingRow, ReplyData, ThreadItem
from crawlers.pages.ptt import (
    PttArticle,
    PttIndexRow,
    PttParseError,
    article_id_epoch,
    parse_article,
    parse_index,
)
from crawlers.sources.base import Parser, Source

PLATFORM = "ptt"


def thread_key(board: str, article_id: str) -> str:
    """`Gossiping/M.1499790734.A.833`: PTT article ids are unique only within a board."""
    return f"{board}/{article_id}"


def position(key: str) -> int | None:
    """A thread's place in its board's index: the post time in its id."""
    return article_id_epoch(key.rsplit("/", 1)[-1])


def article_item(article: PttArticle, board: str, pinned: bool, crawled_at: datetime) -> ThreadItem:
    """A parsed article as the neutral item; each push keyed by what it says, not where."""
    keys = reply_keys((p.tag, p.user, p.raw_time, p.content) for p in article.pushes)
    return ThreadItem(
        platform=PLATFORM,
        channel=board,
        thread_key=thread_key(board, article.article_id),
        url=article.url,
        title=article.title,
        body=article.body,
        posted_at=article.posted_at,
        crawled_at=crawled_at,
        replies=tuple(
            ReplyData(
                key=key,
                tag=p.tag,
                user=p.user,
                content=p.content,
                ip=p.ip,
                replied_at=p.time,
                time_inferred=p.time_inferred,
            )
            for key, p in zip(keys, article.pushes, strict=True)
        ),
        status=article.status,
        category=article.category,
        author_id=article.author_id,
        author_nickname=article.author_nickname,
        ip=article.ip,
        pinned=pinned,
    )


def listing_row(board: str, row: PttIndexRow) -> ListingRow:
    """An index row as the neutral listing row (a deleted row keeps only its author)."""
    key = thread_key(board, row.article_id) if row.article_id and not row.deleted else None
    epoch = article_id_epoch(row.article_id) if row.article_id else None
    return ListingRow(key, epoch, row.author, row.deleted, row.pinned)


def _article(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_article(data, url=url, crawled_at=crawled_at).to_dict()


def _index(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_index(data, url=url).to_dict()


SOURCE = Source(
    name="ptt",
    platform=PLATFORM,
    label="PTT",
    counting="exact",
    base_url_env="PTT_BASE_URL",
    default_base_url="https://www.ptt.cc",
    default_channels=(
        "Gossiping",
        "Stock",
        "car",
        "NBA",
        "MakeUp",
        "BabyMother",
        "movie",
        "Food",
        "Tech_Job",
        "WomenTalk",
    ),
    channel_word="board",
    spider="crawlers.spiders.ptt.PttSpider",
    parsers=(
        Parser(
            "article",
            "a PTT article page: header, body, pushes with inferred years, counts",
            _article,
            PttParseError,
            "buzz parse ptt-article page.html --crawled-at 2024-05-01T12:00:00+08:00",
        ),
        Parser(
            "index",
            "a PTT board index page: rows (pinned ones flagged) and paging links",
            _index,
            PttParseError,
            "buzz parse ptt-index index.html --url https://www.ptt.cc/bbs/Beauty/index.html",
        ),
    ),
    channel_pattern=r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}",
    retire=retire_marked,
    position=position,
)
