"""The Dcard spider's routing, driven in-process over the replica's answers (no sockets).

`drive` plays Scrapy's part: it answers each request from the replica's Site, calls the
callback (or the errback, for a status the request does not handle or an injected failure)
and queues what comes back, so a whole crawl of a forum runs in a fraction of a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from crawlers.failures import RetryRefused
from crawlers.items import GoneItem, ListingItem, ThreadItem
from crawlers.pipelines import records
from crawlers.spiders.dcard import PAGE_SIZE, DcardSpider
from ranking.windows import week_starting
from replica.clock import DEFAULT_NOW, TAIPEI
from replica.dcard.site import Site
from replica.dcard.truth import world_week_truth
from replica.dcard.world import build_world

BASE = "http://replica.test"
WEEK = date(2019, 2, 4)


@pytest.fixture(scope="module")
def site() -> Site:
    """The replica at its default clock, without a socket."""
    return Site(build_world(7), DEFAULT_NOW)


def spider_for(channels: str, since: str = "2019-02-04") -> DcardSpider:
    """A spider bound to a crawler with the project's settings, cutoff set as start() does."""
    crawler = get_crawler(DcardSpider, {"DCARD_BASE_URL": BASE})
    spider = DcardSpider.from_crawler(
        crawler, channels=channels, since=since, now=DEFAULT_NOW.isoformat()
    )
    spider.cutoff = spider.since - timedelta(days=14)
    return spider


def answer(site: Site, request: Request) -> Response:
    """The replica's answer to a request, as a Scrapy response."""
    parts = urlsplit(request.url)
    page = site.get(parts.path, dict(parse_qsl(parts.query)), {})
    headers = {"Content-Type": page.content_type, **dict(page.headers)}
    return TextResponse(
        request.url, status=page.status, body=page.body, headers=headers, request=request
    )


Fault = Callable[[Request], Exception | Response | None]


def drive(
    spider: DcardSpider, site: Site, fault: Fault = lambda r: None
) -> tuple[list[Any], list[Request]]:
    """Run a crawl: (items, every request made, in order)."""
    queue: deque[Request] = deque(r for c in spider.channels for r in spider.first_requests(c))
    items: list[Any] = []
    made: list[Request] = []
    while queue:
        request = queue.popleft()
        made.append(request)
        injected = fault(request)
        response = injected if isinstance(injected, Response) else answer(site, request)
        handled = response.status < 400 or response.status in request.meta.get(
            "handle_httpstatus_list", ()
        )
        out: Iterable[Any] | None
        if isinstance(injected, Exception) or not handled:
            failure = Failure(injected if isinstance(injected, Exception) else HttpError(response))
            failure.request = request  # type: ignore[attr-defined]
            out = request.errback(failure)
        else:
            out = request.callback(response, **request.cb_kwargs)
        try:
            for result in out or ():
                (queue.append if isinstance(result, Request) else items.append)(result)
        except RetryRefused as retry:  # what RefusalRetryMiddleware does
            queue.append(retry.request)
    return items, made


def threads(items: list[Any]) -> dict[str, ThreadItem]:
    """The thread items by key."""
    return {i.thread_key: i for i in items if isinstance(i, ThreadItem)}


def test_one_forums_request_serves_every_channel_and_an_unknown_name_is_not_found(
    site: Site,
) -> None:
    spider = spider_for("美妝,沒有這個板,工作")
    first = [r for c in spider.channels for r in spider.first_requests(c)]
    assert [r.url for r in first] == [f"{BASE}/service/api/v2/forums"]
    _, made = drive(spider, site)
    listings = {urlsplit(r.url).path for r in made if r.callback == spider.parse_listing}
    assert listings == {"/service/api/v2/forums/makeup/posts", "/service/api/v2/forums/job/posts"}
    lost = spider.tally["沒有這個板"]
    assert (lost.not_found, lost.root_loss, lost.kinds) == (1, "not_found", {"unknown_forum": 1})
    assert lost.status("finished")[0] == "failed"
    for name in ("美妝", "工作"):
        assert spider.tally[name].status("finished") == ("complete", "")


def test_the_walk_pages_newest_first_to_the_cutoff_and_fetches_only_posts_in_range(
    site: Site,
) -> None:
    spider = spider_for("感情", since="2019-01-07")  # seven weeks: more than one page
    items, made = drive(spider, site)
    pages = [r for r in made if r.callback == spider.parse_listing]
    assert "popular=false" in pages[0].url and f"limit={PAGE_SIZE}" in pages[0].url
    assert "before=" not in pages[0].url
    befores = [int(dict(parse_qsl(urlsplit(r.url).query))["before"]) for r in pages[1:]]
    assert befores and befores == sorted(befores, reverse=True)
    assert spider.tally["感情"].walk_done
    listed = [i for i in items if isinstance(i, ListingItem)]
    assert [p.page for p in listed] == list(range(1, len(pages) + 1))
    posts = [r for r in made if r.callback == spider.parse_post_page]
    forum = build_world(7).forums["relationship"]
    fetched = {int(r.url.rsplit("/", 1)[1]) for r in posts}
    expected = {
        p.id
        for p in forum.posts
        if p.exists_at(DEFAULT_NOW)
        and not p.deleted_by(DEFAULT_NOW)
        and not p.hidden_by(DEFAULT_NOW)
        and (p.pinned or p.at >= spider.cutoff)
    }
    assert fetched == expected
    assert any(forum.posts[0].id == i for i in fetched), "the pinned rules post is fetched too"


def test_an_in_process_crawl_counts_each_week_reply_exactly_once(site: Site) -> None:
    spider = spider_for("心情,時事,感情,美妝,工作,美食")
    items, _ = drive(spider, site)
    got = threads(items)
    window = week_starting(WEEK)
    truth = world_week_truth(build_world(7), WEEK, DEFAULT_NOW)
    checked = 0
    for t in truth["threads"]:
        if t["status"] != "ok" or t["blocked"]:
            continue
        if datetime.fromisoformat(t["posted_at"]) < spider.cutoff and not t["pinned"]:
            continue
        item = got[t["thread_key"]]
        shown = [
            r for r in item.replies if r.replied_at and window.start <= r.replied_at < window.end
        ]
        assert len(shown) == t["new_replies"], t
        checked += 1
    assert checked > 300
    for item in got.values():
        _, replies = records(item)
        assert len({r.reply_key for r in replies}) == len(replies)
        assert item.replies_complete and item.url.startswith(f"{BASE}/f/")


def test_comments_are_walked_after_the_last_floor_and_a_quiet_post_asks_for_none(
    site: Site,
) -> None:
    spider = spider_for("美妝")
    items, made = drive(spider, site)
    world = build_world(7)
    comments = [r for r in made if r.callback == spider.parse_comments_page]
    by_post: dict[int, list[str]] = {}
    for r in comments:
        by_post.setdefault(int(urlsplit(r.url).path.split("/")[-2]), []).append(r.url)
    long = [pid for pid, urls in by_post.items() if len(urls) > 1]
    assert long, "some post has more than one page of comments"
    for pid in long:
        afters = [dict(parse_qsl(urlsplit(u).query)).get("after") for u in by_post[pid]]
        assert afters[0] is None and afters[1:] == [
            str(PAGE_SIZE * n) for n in range(1, len(afters))
        ]
        item = threads(items)[str(pid)]
        floors = len(world.by_id[pid].comments_at(DEFAULT_NOW))
        assert floors > PAGE_SIZE and len(item.replies) <= floors
    quiet = [
        key
        for key, item in threads(items).items()
        if not world.by_id[int(key)].comments_at(DEFAULT_NOW)
    ]
    assert quiet and not set(quiet) & {str(p) for p in by_post}


def test_hidden_and_deleted_comments_are_not_replies(site: Site) -> None:
    spider = spider_for("美妝,感情")
    got = threads(drive(spider, site)[0])
    world = build_world(7)
    gone = 0
    for key, item in got.items():
        post = world.by_id[int(key)]
        keys = {r.key for r in item.replies}
        for c in post.comments_at(DEFAULT_NOW):
            assert (c.id in keys) == c.shown_at(DEFAULT_NOW)
            gone += not c.shown_at(DEFAULT_NOW)
    assert gone > 10


def test_a_hidden_post_leaves_with_its_status_and_a_removed_one_is_deleted(site: Site) -> None:
    spider = spider_for("感情")
    items, made = drive(spider, site)
    hidden = [i for i in items if isinstance(i, GoneItem)]
    world = build_world(7)
    assert hidden and {i.status for i in hidden} == {"hidden"}
    for gone in hidden:
        assert world.by_id[int(gone.thread_key)].hidden_by(DEFAULT_NOW)
        assert not any(r.url.endswith(f"/posts/{gone.thread_key}") for r in made)
    deleted = next(p for p in world.posts() if p.deleted_by(DEFAULT_NOW) and p.removal[0])
    url = f"{BASE}/service/api/v2/posts/{deleted.id}"
    request = spider.dcard_request(
        url, spider.parse_post_page, "感情", statuses=(404,), cb_kwargs={"alias": deleted.forum}
    )
    (item,) = list(spider.parse_post_page(answer(site, request), "感情", deleted.forum))
    assert isinstance(item, GoneItem) and (item.status, item.thread_key) == (
        "deleted",
        str(deleted.id),
    )


def test_a_challenge_forum_is_blocked_on_its_first_page_and_asked_nothing_more(
    site: Site,
) -> None:
    spider = spider_for("股票,工作")
    items, made = drive(spider, site)
    stock = [r for r in made if r.meta.get("buzz_channel") == "股票" and "/forums/" in r.url]
    assert len(stock) == 1 and "/forums/stock/posts" in stock[0].url
    tally = spider.tally["股票"]
    assert (tally.blocked, tally.kinds, tally.root_loss) == (1, {"challenge": 1}, "blocked")
    assert tally.status("finished")[1].startswith("blocked:")
    assert not [i for i in items if getattr(i, "channel", None) == "股票"]
    assert spider.tally["工作"].status("finished") == ("complete", "")


def test_a_challenge_mid_walk_stops_the_forum_and_keeps_what_was_had_incomplete(
    site: Site,
) -> None:
    spider = spider_for("美妝")
    challenge = site._challenge()
    hit: list[str] = []

    def fault(request: Request) -> Response | None:
        # the challenge stays: asking again (BUZZ_REFUSAL_RETRIES) gets it too
        if request.callback == spider.parse_comments_page and (not hit or request.url == hit[0]):
            hit.append(request.url)
            return TextResponse(
                request.url, status=200, body=challenge.body, request=request,
                headers={"Content-Type": "text/html"},
            )  # fmt: skip
        return None

    items, made = drive(spider, site, fault)
    tally = spider.tally["美妝"]
    assert tally.blocked == 1 and "美妝" in spider.blocked
    post_id = urlsplit(hit[0]).path.split("/")[-2]
    incomplete = threads(items)[post_id]
    assert not incomplete.replies_complete and incomplete.replies == ()
    assert len(hit) == 3, "asked twice more before giving up"
    after = made[made.index(next(r for r in reversed(made) if r.url == hit[0])) + 1 :]
    assert not [r for r in after if r.callback == spider.parse_listing]
    assert tally.status("finished")[0] == "incomplete"


def test_a_comments_page_lost_after_retries_keeps_the_post_with_replies_incomplete(
    site: Site,
) -> None:
    spider = spider_for("美妝")
    lost: list[str] = []

    def fault(request: Request) -> Exception | None:
        query = dict(parse_qsl(urlsplit(request.url).query))
        if request.callback == spider.parse_comments_page and query.get("after") and not lost:
            lost.append(request.url)
            return ConnectionRefusedError()
        return None

    items, _ = drive(spider, site, fault)
    post_id = urlsplit(lost[0]).path.split("/")[-2]
    item = threads(items)[post_id]
    assert not item.replies_complete and len(item.replies) > 0
    tally = spider.tally["美妝"]
    assert tally.failed == 1 and tally.kinds == {"connection_refused": 1}
    assert tally.status("finished")[0] == "incomplete"


def test_a_forums_list_that_cannot_be_had_fails_every_channel(site: Site) -> None:
    spider = spider_for("美妝,工作")

    def fault(request: Request) -> Response | None:
        if request.url.endswith("/forums"):
            return TextResponse(
                request.url, status=403, body=b"<html>403 Forbidden</html>", request=request
            )
        return None

    items, made = drive(spider, site, fault)
    assert len(made) == 1 and items == []
    for name in ("美妝", "工作"):
        tally = spider.tally[name]
        assert (tally.blocked, tally.root_loss) == (1, "blocked")
        assert tally.status("finished")[0] == "failed"

    spider = spider_for("美妝,工作")
    _, made = drive(spider, site, lambda r: ConnectionRefusedError())
    assert len(made) == 1
    assert {spider.tally[n].root_loss for n in ("美妝", "工作")} == {"failed"}


def test_crawl_time_is_the_clock_override() -> None:
    spider = spider_for("美妝")
    assert spider.now == DEFAULT_NOW.astimezone(TAIPEI)
