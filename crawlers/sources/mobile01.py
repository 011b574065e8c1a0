"""Mobile01 (www.mobile01.com): forum topic lists and topics; new replies are floors, by time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from crawlers.items import ListingRow, ReplyData, ThreadItem
from crawlers.pages.mobile01 import (
    Floor,
    Mobile01ParseError,
    TopicListPage,
    TopicPage,
    parse_forums,
    parse_topic,
    parse_topic_list,
)
from crawlers.sources.base import Parser, Source, StoredThread

PLATFORM = "mobile01"
REPLY_TAG = "回覆"


def thread_key(topic_id: int) -> str:
    """A topic's key: its id (`t=`), which is unique across the site and survives moves."""
    return str(topic_id)


def position(key: str) -> int | None:
    """A topic's place in the order topics were opened: its id."""
    return int(key) if key.isdigit() else None


def topic_item(
    first: TopicPage,
    floors: Iterable[Floor],
    channel: str,
    pinned: bool,
    crawled_at: datetime,
    complete: bool,
) -> ThreadItem:
    """A topic (its first page and every reply floor had) as the neutral item.

    Each floor is keyed by the site's own post id, so removing an earlier floor never shifts
    the identity of the ones after it.
    """
    by_id: dict[str, Floor] = {}
    for floor in floors:
        by_id.setdefault(floor.post_id, floor)
    ordered = sorted(by_id.values(), key=lambda f: (f.floor, f.post_id))
    main = first.main
    return ThreadItem(
        platform=PLATFORM,
        channel=channel,
        thread_key=thread_key(first.topic_id),
        url=first.url,
        title=first.title,
        body=main.content if main else "",
        posted_at=first.posted_at,
        crawled_at=crawled_at,
        replies=tuple(
            ReplyData(
                key=f.post_id,
                tag=REPLY_TAG,
                user=f.author or "",
                content=f.content,
                ip=None,
                replied_at=f.posted_at,
            )
            for f in ordered
        ),
        author_id=first.author,
        pinned=pinned,
        replies_complete=complete,
    )


def listing_rows(page: TopicListPage) -> tuple[ListingRow, ...]:
    """A topic-list page as neutral listing rows, each topic's position set only where it counts.

    The list is sorted by last reply, so a topic's place moves; but a topic opened after the
    oldest last reply on this page must be on this page or before it. Only such rows carry a
    position (their id); the rule below reads nothing else.
    """
    times = [t.last_reply_at for t in page.topics if not t.pinned and t.last_reply_at]
    oldest = min(times, default=None)
    return tuple(
        ListingRow(
            thread_key=thread_key(t.topic_id),
            position=(
                t.topic_id
                if oldest is not None and not t.pinned and t.posted_at and t.posted_at > oldest
                else None
            ),
            author=t.author,
            pinned=t.pinned,
        )
        for t in page.topics
    )


def retire_unlisted(
    pages: Mapping[int, Sequence[ListingRow]], stored: Sequence[StoredThread]
) -> list[str]:
    """Keys of stored topics newer than a topic the walk saw from page 1 on, but not listed.

    Topic ids grow with the time a topic is opened, and a topic's last reply is never older
    than its opening. So when page N of a walk that started at page 1 shows a topic opened
    after that page's oldest last reply, every topic with a higher id has a newer last reply
    and is on pages 1..N. One of those the list no longer shows is gone (deleted or moved
    away). Pages after a gap in the walk are not read: the list may have moved under it.
    """
    run: list[ListingRow] = []
    n = 1
    while n in pages:
        run.extend(pages[n])
        n += 1
    marks = [r.position for r in run if r.position is not None and not r.pinned]
    if not marks:
        return []
    threshold = min(marks)
    live = {r.thread_key for rows in pages.values() for r in rows if r.thread_key}
    return sorted(
        t.thread_key
        for t in stored
        if t.position is not None and t.position > threshold and t.thread_key not in live
    )


def _topics(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_topic_list(data, url=url).to_dict()


def _topic(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return parse_topic(data, url=url).to_dict()


def _forums(data: bytes, url: str | None, crawled_at: datetime | None) -> Mapping[str, Any]:
    return {"forums": [f.to_dict() for f in parse_forums(data)]}


SOURCE = Source(
    name="mobile01",
    platform=PLATFORM,
    label="Mobile01",
    counting="exact",
    base_url_env="MOBILE01_BASE_URL",
    default_base_url="https://www.mobile01.com",
    default_channels=(
        "KYMCO (250cc以下)",
        "新聞與時事 (生活娛樂)",
        "職場甘苦談 (生活娛樂)",
        "投資與理財 (生活娛樂)",
        "兩性與感情 (生活娛樂)",
        "創業夢想家",
        "動研室七嘴八舌區 (小惡魔的動力研究室)",
    ),
    channel_word="forum",
    spider="crawlers.spiders.mobile01.Mobile01Spider",
    channel_topics={
        "KYMCO (250cc以下)": "汽車",
        "SYM (250cc以下)": "汽車",
        "新聞與時事 (生活娛樂)": "新聞時事",
        "職場甘苦談 (生活娛樂)": "職場工作",
        "投資與理財 (生活娛樂)": "投資理財",
        "兩性與感情 (生活娛樂)": "兩性感情",
        "創業夢想家": "職場工作",
        "動研室七嘴八舌區 (小惡魔的動力研究室)": "汽車",
    },
    parsers=(
        Parser(
            "topics",
            "a Mobile01 forum's topic-list page: topics (pinned flagged) and paging",
            _topics,
            Mobile01ParseError,
            "buzz parse mobile01-topics list.html --url 'https://www.mobile01.com/topiclist.php?f=657&p=1'",
        ),
        Parser(
            "topic",
            "a Mobile01 topic page: main post, floors without quoted blocks, paging",
            _topic,
            Mobile01ParseError,
            "buzz parse mobile01-topic topic.html --url 'https://www.mobile01.com/topicdetail.php?f=657&t=5664091'",
        ),
        Parser(
            "forums",
            "the Mobile01 home page's forum menu: forum ids, names and sections",
            _forums,
            Mobile01ParseError,
            "buzz parse mobile01-forums home.html",
        ),
    ),
    channel_pattern=r"[\w(（][\w .()（）/&+、・:：-]{0,63}",
    retire=retire_unlisted,
    position=position,
)
