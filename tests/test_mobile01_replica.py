"""Mobile01 replica fidelity: the structure the parsers rely on is served, and parses back exactly.

(a) Every structural feature the parsers read, and every trait the real scraped data shows
    (../shared/fixtures/real/mobile01), is present in the pages the replica serves.
(b) Every page the replica serves parses with `crawlers.pages.mobile01` into exactly its world,
    and counting floors from the parsed pages gives the truth's numbers.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.pages.mobile01 import (
    Mobile01ParseError,
    TopicPage,
    find_forum,
    parse_forums,
    parse_time,
    parse_topic,
    parse_topic_list,
)
from crawlers.pages.mobile01 import selectors as css
from replica.clock import DEFAULT_NOW, TAIPEI
from replica.mobile01.phrases import EMPTY_FORUMS, FORUMS
from replica.mobile01.site import Site, make_site
from replica.mobile01.truth import week_truth
from replica.mobile01.world import FLOORS_PER_PAGE, TOPICS_PER_PAGE, Topic

BASE = "https://www.mobile01.com"
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "mobile01"
WEEK = date(2019, 2, 4)


@pytest.fixture(scope="module")
def site() -> Site:
    """The replica at its default clock, without a socket."""
    return make_site(7, DEFAULT_NOW)


def fetch(site: Site, target: str) -> tuple[int, str]:
    """(status, text) of one served path with its query."""
    path, _, query = target.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    response = site.get(path, params, {})
    return response.status, response.body.decode("utf-8")


@pytest.fixture(scope="module")
def served(site: Site) -> dict[str, str]:
    """Every page that answers 200, by path and query."""
    pages = {}
    for target in site.paths():
        status, text = fetch(site, target)
        assert status == 200, target
        pages[target] = text
    return pages


@pytest.fixture(scope="module")
def parsed(served: dict[str, str]) -> dict[str, TopicPage]:
    """Every served topic page, parsed once."""
    return {k: parse_topic(v, url=BASE + k) for k, v in topics(served).items()}


def lists(served: dict[str, str]) -> dict[str, str]:
    """The topic-list pages."""
    return {k: v for k, v in served.items() if k.startswith("/topiclist.php")}


def topics(served: dict[str, str]) -> dict[str, str]:
    """The topic pages."""
    return {k: v for k, v in served.items() if k.startswith("/topicdetail.php")}


def real_json(name: str) -> object:
    """A real scraper output, or skip when the shared fixtures are absent."""
    if not REAL.is_dir():
        pytest.skip(f"{REAL} not present: the real-data checks need the shared fixtures")
    return json.loads((REAL / name).read_bytes())


# --- (a) the structure the parsers read is served -------------------------------------------


def test_the_home_page_menu_nests_forums_in_sections(served: dict[str, str]) -> None:
    home = served["/"]
    assert 'class="l-menu"' in home and "forumtopic.php?c=" in home
    links = re.findall(r'href="topiclist\.php\?f=(\d+)"', home)
    assert len(links) > len(set(links)), "one forum is linked twice (the 熱門 box)"
    assert "forumtopic.php?c=1&amp;s=" in home, "a section below a section"


def test_topic_lists_have_the_rows_and_quirks_the_parser_reads(served: dict[str, str]) -> None:
    pages = lists(served)
    text = "\n".join(pages.values())
    for marker in (
        'class="l-listTable__thead"',
        'class="l-listTable__tbody"',
        'class="c-listTableTd__title"',
        'class="l-listTable__td l-listTable__td--time"',
        'class="l-listTable__td l-listTable__td--count"',
        '<span class="o-hashtag">置頂</span>',
        'class="l-jumpList"',
        "l-listTable__tr c-listTableAd",  # an ad row between topics
        'class="l-pagination__page is-active"',
        'rel="next"',
        "&nbsp;&nbsp;</div>",  # no-break spaces after a time
    ):
        assert marker in text, marker
    assert re.search(r'o-fSubMini">\d{4}-\d{2}-\d{2} \d:\d{2}<', text), "an unpadded hour"


def test_topic_pages_have_the_floors_and_quirks_the_parser_reads(served: dict[str, str]) -> None:
    text = "\n".join(topics(served).values())
    for marker in (
        '<article class="l-publishArea topic_article" id="article_',
        '<article class="u-gapBottom--max c-articleLimit" id="article_',
        'class="c-authorInfo__id"',
        'class="l-navigation__item"><span class="o-fNotes o-fSubMini">',
        "<blockquote><blockquote>",  # a quote inside a quote
        " wrote:<br>",
        "...(恕刪)</blockquote>",
        'class="l-articlePage__sign"',
        'class="l-articlePage c-adArticle"',  # an ad between floors, with no article
        'class="l-leaveMsg"',
        'class="msgTool l-navigation u-gapNextV"',
        "emoticon",
        'class="l-toolBar__item"',
        " 瀏覽</span>",
        'rel="next"',
        "<!-- reply -->",
    ):
        assert marker in text, marker
    assert re.search(r"<span>\d{4}-\d{2}-\d{2} \d:\d{2}</span>", text), "a comment's short hour"


def test_multi_page_topics_gaps_and_the_page_past_the_last(site: Site) -> None:
    world_topics = [t for t in site.world.topics.values() if not t.forum.challenge]
    long = max(world_topics, key=lambda t: len(t.visible_posts(site.now)))
    pages = -(-len(long.visible_posts(site.now)) // FLOORS_PER_PAGE)
    assert pages >= 6
    _, first = fetch(site, f"/topicdetail.php?f={long.forum.forum_id}&t={long.topic_id}")
    assert max(int(n) for n in re.findall(r'data-page="(\d+)"', first)) < pages
    _, past = fetch(site, f"/topicdetail.php?f={long.forum.forum_id}&t={long.topic_id}&p=99")
    _, last = fetch(site, f"/topicdetail.php?f={long.forum.forum_id}&t={long.topic_id}&p={pages}")
    assert past == last, "a page past the last answers the last page"
    removed = [
        t
        for t in world_topics
        if any(p.removed_at and p.removed_at <= site.now for p in t.posts)
        and not t.deleted_by_time(site.now)
    ]
    assert len(removed) >= 5, "floors removed by a moderator leave gaps in the numbers"


def test_gone_topics_and_the_challenge_forum(site: Site) -> None:
    gone = [t for t in site.world.topics.values() if t.deleted_by_time(site.now)]
    kinds = Counter(t.deleted_by for t in gone)
    assert kinds["moderator"] >= 3 and kinds["author"] >= 3
    for topic in gone:
        status, text = fetch(site, topic.path)
        if topic.forum.challenge:
            assert status == 403
        elif topic.deleted_by == "moderator":
            assert status == 200 and "此主題已被刪除" in text
        else:
            assert status == 404 and 'class="l-notFound"' in text
    challenge = next(s for s in FORUMS if s.challenge)
    for target in (
        f"/topiclist.php?f={challenge.forum_id}&p=1",
        next(t.path for t in site.world.topics.values() if t.forum is challenge),
    ):
        status, text = fetch(site, target)
        assert status == 403 and "/cdn-cgi/challenge-platform" in text and "l-header" not in text
    status, robots = fetch(site, "/robots.txt")
    assert status == 200 and "Disallow: /topic" not in robots


def test_the_real_lists_write_unpadded_hours_as_the_replica_does(served: dict[str, str]) -> None:
    data = real_json("mobile01_scraped_topics_f793_2022_json.json")
    assert isinstance(data, list)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d:\d{2}", t["createdAt"]) for t in data)
    assert re.search(r"\d{4}-\d{2}-\d{2} \d:\d{2}<", "\n".join(lists(served).values()))


def test_the_real_floors_are_ten_a_page_numbered_from_the_main_post(site: Site) -> None:
    data = real_json("mobile01_scraped_topics_f330_2016-06.json")
    assert isinstance(data, dict)
    for topic in data.values():
        floors = len(topic["comments"])
        assert int(topic["reply_amount"]) == floors - 1
        assert int(topic["comment_pages"]) == -(-floors // 10)
    assert FLOORS_PER_PAGE == 10
    sample = next(t for t in site.world.topics.values() if len(t.posts) > 12)
    assert [p.floor for p in sample.posts] == list(range(1, len(sample.posts) + 1))


def test_the_real_quotes_read_user_wrote_and_end_cut_short(served: dict[str, str]) -> None:
    data = real_json("mobile01_scraped_topics_f330_2016-06.json")
    assert isinstance(data, dict)
    texts = [c["content"] for t in data.values() for c in t["comments"].values()]
    assert any(re.search(r" wrote:\r?\n.*\.\.\.\(恕刪\)", t) for t in texts)
    assert re.search(r"</a> wrote:<br>[^<]*\.\.\.\(恕刪\)", "\n".join(topics(served).values()))


def test_the_real_times_carry_trailing_no_break_spaces_as_the_replica_does(
    served: dict[str, str],
) -> None:
    data = real_json("mobile01_scraped_topics_f330_2016-06.json")
    assert isinstance(data, dict)
    times = [c["create_time"] for t in data.values() for c in t["comments"].values()]
    assert all(t.endswith("\u00a0\u00a0") and parse_time(t) for t in times)
    assert "&nbsp;&nbsp;</div>" in "\n".join(lists(served).values())


# --- (b) everything served parses back into the world ---------------------------------------


def test_the_menu_parses_into_every_forum_and_resolves_every_channel(
    served: dict[str, str],
) -> None:
    forums = parse_forums(served["/"])
    expected = {(s.forum_id, s.name, s.sections) for s in FORUMS}
    expected |= {(fid, name, sections) for fid, name, sections in EMPTY_FORUMS}
    assert {(f.forum_id, f.name, f.sections) for f in forums} == expected
    for spec in FORUMS:
        assert find_forum(spec.channel, forums).forum_id == spec.forum_id


def test_every_list_page_parses_into_the_forum_as_listed(
    site: Site, served: dict[str, str]
) -> None:
    checked = 0
    for target, text in lists(served).items():
        page = parse_topic_list(text, url=BASE + target)
        forum = site.world.forums.get(page.forum_id)
        if forum is None:
            assert page.topics == () and page.forum_id in {f for f, _, _ in EMPTY_FORUMS}
            continue
        listed = forum.listed(site.now)
        chunk = listed[(page.page - 1) * TOPICS_PER_PAGE : page.page * TOPICS_PER_PAGE]
        assert f"p={page.page}" in target
        assert [t.topic_id for t in page.topics] == [t.topic_id for t in chunk]
        for row, topic in zip(page.topics, chunk, strict=True):
            shown = topic.visible_posts(site.now)
            last = max(shown, key=lambda p: (p.at, p.floor))
            assert (row.title, row.author, row.posted_at) == (
                topic.title,
                topic.author.name,
                topic.posted_at,
            )
            assert (row.last_reply_by, row.last_reply_at) == (last.author.name, last.at)
            assert row.reply_count == len(shown) - 1 and row.pinned == topic.pinned
            assert row.pages == -(-len(shown) // FLOORS_PER_PAGE)
            checked += 1
        pages = -(-len(listed) // TOPICS_PER_PAGE)
        assert (page.next_url is None) == (page.page == pages)
    assert checked == sum(
        len(f.listed(site.now)) for f in site.world.forums.values() if not f.spec.challenge
    )


def expected_content(topic: Topic, floor: int) -> str:
    """A floor's text as the parser should return it: its lines, without quote or signature."""
    return "\n".join(topic.posts[floor - 1].lines)


def test_every_topic_page_parses_into_its_floors(site: Site, parsed: dict[str, TopicPage]) -> None:
    pages: dict[int, list[TopicPage]] = {}
    for page in parsed.values():
        topic = site.world.topics[page.topic_id]
        if topic.deleted_by_time(site.now):
            assert page.status == "deleted" and topic.deleted_by == "moderator"
            continue
        assert (page.status, page.title, page.forum_id) == ("ok", topic.title, topic.forum.forum_id)
        assert (page.posted_at, page.views) == (topic.posted_at, topic.views)
        pages.setdefault(page.topic_id, []).append(page)
    assert len(pages) > 400
    for topic_id, parts in pages.items():
        topic = site.world.topics[topic_id]
        shown = topic.visible_posts(site.now)
        parts.sort(key=lambda p: p.page)
        assert [p.page for p in parts] == list(range(1, len(parts) + 1))
        assert parts[0].main is not None and all(p.main is None for p in parts[1:])
        main = parts[0].main
        assert (main.post_id, main.author, main.posted_at) == (
            str(topic.main.post_id),
            topic.author.name,
            topic.posted_at,
        )
        assert main.content == expected_content(topic, 1)
        floors = [f for p in parts for f in p.floors]
        assert [f.post_id for f in floors] == [str(p.post_id) for p in shown[1:]]
        for parsed, post in zip(floors, shown[1:], strict=True):
            assert (parsed.floor, parsed.author, parsed.posted_at) == (
                post.floor,
                post.author.name,
                post.at,
            )
            assert parsed.author_uid == str(post.author.uid)
            assert parsed.content == expected_content(topic, post.floor)
            assert parsed.quoted == tuple(q.author.name for q in post.quote)
            assert [(c.author, c.posted_at, c.content) for c in parsed.comments] == [
                (c.author.name, c.at, c.text) for c in post.comments if c.at <= site.now
            ]
        assert parts[-1].next_url is None and all(p.next_url for p in parts[:-1])


def test_a_gone_topic_parses_as_deleted_and_a_challenge_is_refused(site: Site) -> None:
    gone = [
        t
        for t in site.world.topics.values()
        if t.deleted_by_time(site.now) and not t.forum.challenge
    ]
    for topic in gone:
        _, text = fetch(site, topic.path)
        assert parse_topic(text, url=BASE + topic.path).status == "deleted"
    challenge = next(s for s in FORUMS if s.challenge)
    _, text = fetch(site, f"/topiclist.php?f={challenge.forum_id}&p=1")
    with pytest.raises(Mobile01ParseError, match="challenge"):
        parse_topic_list(text)


def test_floors_counted_from_the_parsed_pages_equal_the_truth(
    site: Site, parsed: dict[str, TopicPage]
) -> None:
    start = datetime(2019, 2, 4, tzinfo=TAIPEI)
    end = start + timedelta(days=7)
    counted: Counter[str] = Counter()
    for page in parsed.values():
        counted[str(page.topic_id)] += sum(
            1 for f in page.floors if f.posted_at and start <= f.posted_at < end
        )
    truth = week_truth(WEEK, now=site.now)
    rows = [t for t in truth["threads"] if t["status"] == "ok" and not t["blocked"]]
    assert len(rows) > 100 and sum(t["new_replies"] for t in rows) > 700
    assert {t["thread_key"]: counted[t["thread_key"]] for t in rows} == {
        t["thread_key"]: t["new_replies"] for t in rows
    }


def test_the_truth_lists_the_cases_the_rules_and_the_crawler_must_meet() -> None:
    truth = week_truth(WEEK)
    kinds = Counter(t["kind"] for t in truth["threads"] if t["new_replies"] > 0)
    assert kinds["chat"] >= 2 and kinds["live"] >= 1 and kinds["giveaway"] >= 1
    assert any(t["pinned"] and t["new_replies"] for t in truth["threads"])
    stale = [
        t
        for t in truth["threads"]
        if datetime.fromisoformat(t["posted_at"]) < datetime(2019, 1, 21, tzinfo=TAIPEI)
        and t["new_replies"]
    ]
    assert stale, "a topic opened long before the week that still draws replies"
    assert any(t["status"] == "deleted" for t in truth["threads"])
    assert any(t["blocked"] for t in truth["threads"])
    assert {t["channel"] for t in truth["threads"]} == {s.channel for s in FORUMS}
    later = week_truth(WEEK, now=datetime(2019, 2, 7, 12, 0, tzinfo=TAIPEI))
    key = {t["thread_key"]: t["status"] for t in later["threads"]}
    assert any(
        key.get(t["thread_key"]) == "ok" for t in truth["threads"] if t["status"] == "deleted"
    )


def test_the_truth_keys_threads_as_buzz_stores_them() -> None:
    from crawlers.sources import mobile01

    truth = week_truth(WEEK)
    for row in truth["threads"][:50]:
        topic_id = int(row["thread_key"])
        assert mobile01.thread_key(topic_id) == row["thread_key"]
        assert row["url"] == f"/topicdetail.php?f={row['forum_id']}&t={topic_id}"
    assert list(truth) == ["week_start", "week_end", "now", "seed", "threads"]
    assert css.TOPIC_ID.search(truth["threads"][0]["url"])
