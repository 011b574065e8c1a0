"""The Mobile01 records against the real scraped data in ../shared/fixtures/real/mobile01.

No real Mobile01 HTML is available, only scraper outputs (2016 and 2022) and a cp950 list of
forum ids. These tests prove the records can hold every field those outputs have, that every
time they show parses, that the site's own ids fit the patterns the parsers read, and that the
forum names of the real list resolve the way channel names are written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.mobile01 import (
    Comment,
    Floor,
    Forum,
    ForumNotFound,
    TopicRow,
    decode_page,
    find_forum,
    parse_time,
)
from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.html import number, query_int
from crawlers.sources import mobile01

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "mobile01"
TOPICS_2016 = "mobile01_scraped_topics_f330_2016-06.json"
TOPICS_2022 = "mobile01_scraped_topics_f793_2022_json.json"
FORUM_LIST = "mobile01_forum_id_to_category_list_cp950.txt"


def real(name: str) -> bytes:
    """A real file's bytes, or skip when ../shared/fixtures is absent."""
    if not REAL.is_dir():
        pytest.skip(f"{REAL} not present: the real-data tests need the shared fixtures")
    return (REAL / name).read_bytes()


def topics_2016() -> dict[str, Any]:
    """The 2016 scraper output: topics of forum 330 keyed by their URL, comments by `ct<id>`."""
    data: dict[str, Any] = json.loads(real(TOPICS_2016))
    return data


def topics_2022() -> list[dict[str, Any]]:
    """The 2022 scraper output: topics of forum 793 with floors and comments (留言)."""
    data: list[dict[str, Any]] = json.loads(real(TOPICS_2022))
    return data


def test_2016_topics_fit_a_list_row_and_their_comments_fit_floors() -> None:
    topics = topics_2016()
    assert len(topics) == 30
    for key, topic in topics.items():
        assert set(topic) == {
            "status", "reply_amount", "title", "url", "author", "comments", "popularity",
            "time", "comment_pages", "id",
        }  # fmt: skip
        row = TopicRow(
            topic_id=query_int(css.TOPIC_ID, topic["url"]) or 0,
            forum_id=query_int(css.FORUM_ID, topic["url"]) or 0,
            title=topic["title"],
            url=topic["url"],
            author=topic["author"],
            posted_at=parse_time(topic["time"]),
            last_reply_by=None,
            last_reply_at=None,
            reply_count=number(topic["reply_amount"]),
            pages=int(topic["comment_pages"]),
            pinned=False,
        )
        assert (row.topic_id, row.forum_id) == (int(topic["id"]), 330) and row.posted_at
        floors = []
        for comment_id, comment in topic["comments"].items():
            assert set(comment) == {"content", "create_time", "number", "id", "author"}
            found = css.POST_ID.match(comment_id)
            assert found is not None and comment["id"] == comment_id
            floors.append(
                Floor(
                    post_id=found.group(1),
                    floor=int(comment["number"]),
                    author=comment["author"],
                    author_uid=None,
                    posted_at=parse_time(comment["create_time"]),
                    content=comment["content"].strip(),
                    quoted=(),
                )
            )
        assert all(f.posted_at is not None for f in floors), key
        numbers = sorted(f.floor for f in floors)
        assert numbers == list(range(1, len(floors) + 1))
        # The list's reply count is the floors after the main post: exactly what Buzz counts.
        assert row.reply_count == len(floors) - 1
        # Floors are 10 a page, as the replica's are.
        assert row.pages == -(-len(floors) // 10)
        # The main post is floor 1, by the topic's author, at the topic's time.
        main = next(f for f in floors if f.floor == 1)
        assert (main.author, main.posted_at) == (row.author, row.posted_at)
        # Post ids grow with the floor number: they are the order posts were made.
        by_floor = [int(f.post_id) for f in sorted(floors, key=lambda f: f.floor)]
        assert by_floor == sorted(by_floor)


def test_2016_quoted_replies_have_the_shape_the_quote_remover_reads() -> None:
    quoted = [
        c["content"]
        for t in topics_2016().values()
        for c in t["comments"].values()
        if "(恕刪)" in c["content"]
    ]
    assert len(quoted) > 10
    for text in quoted:
        found = css.WROTE.search(text.replace("\r", ""))
        assert found is not None, text[:60]
        assert "wrote" not in found.group(1)


def test_2022_topics_floors_and_comments_fit_the_records() -> None:
    topics = topics_2022()
    assert len(topics) == 31
    keys: Counter[str] = Counter()
    hours: Counter[bool] = Counter()
    for topic in topics:
        keys.update(topic)
        assert query_int(css.FORUM_ID, topic["url"]) == 793
        assert query_int(css.TOPIC_ID, topic["url"])
        assert parse_time(topic["createdAt"]) is not None, topic["createdAt"]
        hours[bool(re.search(r" \d:", topic["createdAt"]))] += 1
        for floor in topic["comment"]:
            assert set(floor) == {"comment_time", "comment_content"}
            assert parse_time(floor["comment_time"]) is not None
        for sub in topic["subComment"]:
            assert set(sub) == {"subComment_time", "subComment_content"}
            when = parse_time(sub["subComment_time"])
            assert when is not None, sub["subComment_time"]
            Comment(author=None, posted_at=when, content=sub["subComment_content"].strip())
    assert set(keys) == {"createdAt", "title", "url", "content", "comment", "subComment"}
    assert hours[True] > 0, "the real lists write some hours without a leading zero"


def test_2022_floor_times_never_precede_their_topic() -> None:
    for topic in topics_2022():
        opened = parse_time(topic["createdAt"])
        assert opened is not None
        times = [parse_time(f["comment_time"]) for f in topic["comment"]]
        assert all(t is not None and t >= opened for t in times), topic["url"]


def forum_list() -> list[Forum]:
    """The real forum-id list: `<n> topiclist.php?f=<id> section>...>forum`, Big5-encoded."""
    text = decode_page(real(FORUM_LIST))
    forums = []
    for line in text.splitlines():
        _, link, path = line.split(" ", 2)
        *sections, name = path.split(">")
        forum_id = query_int(css.FORUM_ID, link)
        assert forum_id is not None
        forums.append(Forum(forum_id, name, tuple(sections)))
    return forums


def test_the_cp950_forum_list_decodes() -> None:
    data = real(FORUM_LIST)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    forums = forum_list()
    assert len(forums) == 559 and len({f.forum_id for f in forums}) == 552
    names = {f.forum_id: f.name for f in forums}
    assert names[657] == "KYMCO(250cc以下)" and names[330] == "健康與養生"


@pytest.mark.parametrize(
    ("channel", "forum_id"),
    [
        ("KYMCO (250cc以下)", 657),
        ("SYM (250cc以下)", 660),
        ("KYMCO(電動機車)", 752),
        ("創業夢想家", 747),
        ("兩性與感情 (閒聊)", 292),
        ("職場甘苦談", 651),
        ("健康與養生 (生活)", 330),
        ("Gogoro (電動機車)", 751),
    ],
)
def test_channel_names_as_the_report_writes_them_find_the_real_forum(
    channel: str, forum_id: int
) -> None:
    assert find_forum(channel, forum_list()).forum_id == forum_id


def test_a_name_several_real_forums_share_needs_its_section() -> None:
    with pytest.raises(ForumNotFound, match="names"):
        find_forum("BlackBerry", [f for f in forum_list() if f.name == "BlackBerry"] * 2)
    with pytest.raises(ForumNotFound, match="no forum named"):
        find_forum("KYMCO", forum_list())


def test_every_real_forum_name_fits_the_channel_pattern() -> None:
    pattern = re.compile(mobile01.SOURCE.channel_pattern)
    misfits = [f.name for f in forum_list() if not pattern.fullmatch(f.name)]
    assert misfits == []
