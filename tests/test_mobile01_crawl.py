"""The Mobile01 registry entry and spider, without a socket: items, routing, losses, retirement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawlers.failures import RetryRefused
from crawlers.items import GoneItem, ListingItem, ListingRow, ThreadItem
from crawlers.pages.mobile01 import TAIPEI, parse_topic, parse_topic_list
from crawlers.pipelines import records
from crawlers.sources import StoredThread, mobile01
from crawlers.spiders.mobile01 import MENU, Mobile01Spider
from replica.clock import DEFAULT_NOW
from replica.mobile01.site import Site, make_site

HOST = "http://replica.test"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mobile01"
KYMCO = "KYMCO (250cc以下)"


@pytest.fixture(scope="module")
def site() -> Site:
    """The replica at its default clock."""
    return make_site(7, DEFAULT_NOW)


def response(site: Site, target: str, meta: dict[str, Any] | None = None) -> HtmlResponse:
    """A Scrapy response holding what the replica answers for a path and query."""
    path, _, query = target.partition("?")
    page = site.get(path, dict(p.split("=", 1) for p in query.split("&") if p), {})
    url = HOST + target
    return HtmlResponse(url, status=page.status, body=page.body, request=Request(url, meta=meta))


def spider_for(since: str = "2019-02-04", channels: str = KYMCO) -> Mobile01Spider:
    """A spider bound to a crawler with the project's settings, its cutoff set."""
    crawler = get_crawler(Mobile01Spider, {"MOBILE01_BASE_URL": HOST})
    spider = Mobile01Spider.from_crawler(
        crawler, channels=channels, since=since, now=DEFAULT_NOW.isoformat()
    )
    spider.cutoff = datetime.fromisoformat(f"{since}T00:00:00+08:00")
    return spider


def requests(out: Iterable[Any], callback: Any) -> list[Request]:
    """The requests among a callback's output that go to a given callback."""
    return [r for r in out if isinstance(r, Request) and r.callback == callback]


# --- the registry entry --------------------------------------------------------------------


def test_listing_rows_carry_a_position_only_when_opened_after_the_oldest_last_reply(
    site: Site,
) -> None:
    page = parse_topic_list((FIXTURES / "topiclist_kymco_p1.html").read_bytes())
    rows = mobile01.listing_rows(page)
    assert [r.thread_key for r in rows] == ["5640306", "5663790", "5662866", "5663912"]
    # The oldest last reply here is 5663912's opening itself: no row is opened after it.
    assert [r.position for r in rows] == [None, None, None, None]
    assert rows[0].pinned and not any(r.pinned for r in rows[1:])
    page = parse_topic_list(response(site, "/topiclist.php?f=638&p=2").body)
    oldest = min(t.last_reply_at for t in page.topics if t.last_reply_at)
    rows = mobile01.listing_rows(page)
    proving = [t.topic_id for t in page.topics if t.posted_at and t.posted_at > oldest]
    assert proving and [r.position for r in rows if r.position] == proving


def row(key: int, position: int | None, pinned: bool = False) -> ListingRow:
    """A listing row."""
    return ListingRow(str(key), position, None, False, pinned)


def stored(*keys: int) -> list[StoredThread]:
    """Stored live threads by topic id."""
    return [StoredThread(str(k), k, None) for k in keys]


def test_a_topic_newer_than_a_proven_row_and_not_listed_is_retired() -> None:
    pages = {1: [row(900, None, pinned=True), row(120, 120), row(110, None)], 2: [row(95, 95)]}
    # 95 proves every topic above it is on pages 1-2: 100 and 130 are gone, 90 may be later.
    assert mobile01.retire_unlisted(pages, stored(90, 100, 110, 120, 130)) == ["100", "130"]


def test_nothing_is_retired_without_page_one_or_a_proving_row() -> None:
    assert mobile01.retire_unlisted({2: [row(95, 95)]}, stored(100)) == []
    assert mobile01.retire_unlisted({1: [row(120, None)]}, stored(130)) == []


def test_pages_after_a_gap_prove_nothing() -> None:
    pages = {1: [row(120, 120)], 2: [row(118, None)], 4: [row(50, 50)]}
    assert mobile01.retire_unlisted(pages, stored(60, 119, 125)) == ["125"]


def test_a_pinned_row_never_proves_and_always_counts_as_listed() -> None:
    pages = {1: [row(10, 10, pinned=True), row(200, 200)]}
    assert mobile01.retire_unlisted(pages, stored(10, 150, 250)) == ["250"]


def test_a_topic_becomes_one_item_keyed_by_post_ids(site: Site) -> None:
    topic = next(
        t
        for t in site.world.forums[657].listed(site.now)
        if 20 < len(t.visible_posts(site.now)) <= 30
    )
    pages = [
        parse_topic(response(site, f"{topic.path}&p={n}").body, url=f"{HOST}{topic.path}&p={n}")
        for n in (1, 2, 3)
    ]
    floors = [f for p in pages for f in p.floors] + list(pages[1].floors)  # one page twice
    item = mobile01.topic_item(pages[0], floors, KYMCO, False, DEFAULT_NOW, complete=True)
    thread, replies = records(item)
    assert (thread.platform, thread.channel, thread.thread_key) == (
        "mobile01",
        KYMCO,
        str(topic.topic_id),
    )
    assert thread.url == f"https://www.mobile01.com{topic.path}" and thread.replies_complete
    shown = topic.visible_posts(site.now)[1:]
    assert [r.reply_key for r in replies] == [str(p.post_id) for p in shown]
    assert [r.replied_at for r in replies] == [p.at for p in shown]
    assert item.body == "\n".join(topic.main.lines) and item.author_id == topic.author.name


# --- the spider: the menu, the walk, topics --------------------------------------------------


def test_the_menu_leads_to_the_forums_first_list_page(site: Site) -> None:
    spider = spider_for()
    (first,) = spider.first_requests(KYMCO)
    assert first.url == f"{HOST}/" and first.dont_filter and first.meta[MENU]
    out = list(spider.parse_menu(response(site, "/", {MENU: True}), KYMCO))
    (start,) = requests(out, spider.parse_list)
    assert start.url == f"{HOST}/topiclist.php?f=657&p=1" and start.meta["buzz_root"]
    assert spider.tally[KYMCO].pages == 1 and not spider.tally[KYMCO].root_fetched


def test_a_forum_the_menu_does_not_have_fails_as_not_found(site: Site) -> None:
    spider = spider_for(channels="不存在的版")
    assert list(spider.parse_menu(response(site, "/", {MENU: True}), "不存在的版")) == []
    tally = spider.tally["不存在的版"]
    assert tally.not_found == 1 and tally.kinds == {"unknown_forum": 1}
    status, reason = tally.status("finished")
    assert status == "failed" and reason.startswith("not found")


def test_the_walk_queues_topics_in_range_and_reads_on_until_the_cutoff(site: Site) -> None:
    spider = spider_for(since="2019-01-14")
    out = list(spider.parse_list(response(site, "/topiclist.php?f=657&p=1"), KYMCO, 657, 1, False))
    (listing,) = [o for o in out if isinstance(o, ListingItem)]
    assert listing.page == 1 and listing.rows
    topics = requests(out, spider.parse_topic_page)
    assert len(topics) == len(listing.rows)  # every topic on the page has replies in range
    assert all(r.meta["handle_httpstatus_list"] == [404] for r in topics)
    (more,) = requests(out, spider.parse_list)
    assert more.url.endswith("f=657&p=2") and not spider.tally[KYMCO].walk_done
    late = spider_for(since="2019-02-11")
    out = list(late.parse_list(response(site, "/topiclist.php?f=657&p=1"), KYMCO, 657, 1, False))
    assert requests(out, late.parse_list) == [] and late.tally[KYMCO].walk_done
    page = parse_topic_list(response(site, "/topiclist.php?f=657&p=1").body)
    fresh = [t for t in page.topics if t.last_reply_at and t.last_reply_at >= late.cutoff]
    assert 0 < len(requests(out, late.parse_topic_page)) == len(fresh) < len(page.topics)


def test_the_end_of_a_walk_reads_page_one_again_and_merges_it(site: Site) -> None:
    spider = spider_for(since="2018-12-03")
    pages = 1
    out = list(spider.parse_list(response(site, "/topiclist.php?f=657&p=1"), KYMCO, 657, 1, False))
    while nxt := requests(out, spider.parse_list):
        pages += 1
        (req,) = nxt
        target = req.url.removeprefix(HOST)
        again = bool(req.cb_kwargs["again"])
        out = list(
            spider.parse_list(response(site, target), KYMCO, 657, req.cb_kwargs["page"], again)
        )
        if again:
            (merged,) = [o for o in out if isinstance(o, ListingItem)]
            assert merged.page == 1 and len(merged.rows) == len(spider.first_rows[KYMCO])
            break
    assert pages >= 3 and spider.tally[KYMCO].walk_done


def test_a_list_page_past_the_last_ends_the_walk(site: Site) -> None:
    spider = spider_for(since="2018-12-03")
    out = list(
        spider.parse_list(response(site, "/topiclist.php?f=657&p=99"), KYMCO, 657, 99, False)
    )
    assert out == [] and spider.tally[KYMCO].walk_done


def test_a_topic_is_walked_page_by_page_into_one_item(site: Site) -> None:
    topic = max(site.world.forums[657].listed(site.now), key=lambda t: len(t.posts))
    spider = spider_for()
    kwargs: dict[str, Any] = {"forum_id": 657, "topic_id": topic.topic_id, "pinned": False}
    target = topic.path
    for _ in range(40):
        out = list(spider.parse_topic_page(response(site, target), KYMCO, **kwargs))
        nxt = requests(out, spider.parse_topic_page)
        if not nxt:
            break
        (req,) = nxt
        assert req.errback == spider.on_topic_page_lost
        kwargs = {k: v for k, v in req.cb_kwargs.items() if k != "channel"}
        target = req.url.removeprefix(HOST)
    (item,) = out
    assert isinstance(item, ThreadItem) and item.replies_complete
    assert len(item.replies) == len(topic.visible_posts(site.now)) - 1 > 30


@pytest.mark.parametrize("deleted_by", ["moderator", "author"])
def test_a_gone_topic_is_a_gone_item(site: Site, deleted_by: str) -> None:
    topic = next(
        t
        for t in site.world.topics.values()
        if t.deleted_by == deleted_by and t.deleted_by_time(site.now) and not t.forum.challenge
    )
    spider = spider_for()
    resp = response(site, topic.path)
    assert resp.status == (200 if deleted_by == "moderator" else 404)
    kwargs = {"forum_id": topic.forum.forum_id, "topic_id": topic.topic_id, "pinned": False}
    (item,) = list(spider.parse_topic_page(resp, topic.forum.channel, **kwargs))
    assert isinstance(item, GoneItem) and item.thread_key == str(topic.topic_id)
    assert item.status == "deleted" and spider.tally[topic.forum.channel].pages == 1


def test_a_challenge_blocks_the_channel_and_stops_its_walk(site: Site) -> None:
    spider = spider_for()
    url = f"{HOST}/topicdetail.php?f=657&t=1"
    body = (FIXTURES / "challenge_403.html").read_bytes()
    kwargs = {"forum_id": 657, "topic_id": 1, "pinned": False}
    first = HtmlResponse(url, body=body, request=Request(url))
    with pytest.raises(RetryRefused) as retry:  # a challenge now and then: asked again first
        list(spider.parse_topic_page(first, KYMCO, **kwargs))
    assert retry.value.request.url == url and retry.value.request.meta["retry_times"] == 1
    assert spider.tally[KYMCO].blocked == 0
    spent = Request(url, meta={"retry_times": 2})  # BUZZ_REFUSAL_RETRIES
    resp = HtmlResponse(url, body=body, request=spent)
    assert list(spider.parse_topic_page(resp, KYMCO, **kwargs)) == []
    assert spider.tally[KYMCO].blocked == 1 and KYMCO in spider.blocked
    assert (
        list(spider.parse_list(response(site, "/topiclist.php?f=657&p=2"), KYMCO, 657, 2, False))
        == []
    )


def test_a_403_on_the_first_list_page_fails_the_channel_as_blocked(site: Site) -> None:
    spider = spider_for(channels="SYM (250cc以下)")
    resp = response(site, "/topiclist.php?f=660&p=1")
    assert resp.status == 403
    request = spider.list_request("SYM (250cc以下)", 660, 1, root=True)
    failure = Failure(HttpError(resp.replace(request=request)))
    failure.request = request  # type: ignore[attr-defined]
    spider.on_error(failure)
    tally = spider.tally["SYM (250cc以下)"]
    assert tally.blocked == 1 and "SYM (250cc以下)" in spider.blocked
    assert tally.status("finished")[0] == "failed"


def test_a_lost_later_page_stores_the_topic_marked_incomplete(site: Site) -> None:
    topic = max(site.world.forums[657].listed(site.now), key=lambda t: len(t.posts))
    spider = spider_for()
    kwargs = {"forum_id": 657, "topic_id": topic.topic_id, "pinned": False}
    out = list(spider.parse_topic_page(response(site, topic.path), KYMCO, **kwargs))
    (follow,) = requests(out, spider.parse_topic_page)
    failure = Failure(ConnectionRefusedError())
    failure.request = follow  # type: ignore[attr-defined]
    (item,) = list(spider.on_topic_page_lost(failure))
    assert isinstance(item, ThreadItem) and not item.replies_complete
    assert len(item.replies) == 9  # page 1: the main post and nine floors
    assert spider.tally[KYMCO].failed == 1


def test_times_are_taipei_and_exact_to_the_minute(site: Site) -> None:
    topic = next(t for t in site.world.forums[638].listed(site.now) if len(t.posts) > 3)
    page = parse_topic(response(site, topic.path).body)
    assert all(f.posted_at and f.posted_at.tzinfo == TAIPEI for f in page.floors)
