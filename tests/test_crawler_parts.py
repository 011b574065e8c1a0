"""The crawler's parts: reply identity, backoff, error summaries, spider routing on real HTML."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawlers.failures import RetryRefused
from crawlers.identity import reply_keys
from crawlers.items import GoneItem, ListingItem, ThreadItem
from crawlers.middlewares import BackoffRetryMiddleware, retry_after_seconds
from crawlers.pipelines import errors_by_kind, records
from crawlers.spiders.ptt import PttSpider, parse_since
from ranking.windows import TAIPEI
from replica.ptt.site import Site
from replica.ptt.world import build_world

NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)


def test_reply_keys_survive_the_removal_of_an_earlier_reply() -> None:
    """Removing the first push must not change the identity of the ones after it."""
    pushes = [
        ("推", "a", "01/02 10:00", "x"),
        ("→", "b", "01/02 10:01", "y"),
        ("推", "c", "01/02 10:02", "z"),
    ]
    full = reply_keys(pushes)
    assert reply_keys(pushes[1:]) == full[1:]


def test_identical_replies_get_distinct_keys_in_order() -> None:
    """Two pushes saying the same thing at the same minute are two replies, not one."""
    same = ("推", "a", "01/02 10:00", "+1")
    keys = reply_keys([same, same])
    assert len(set(keys)) == 2 and keys[0].endswith(".0") and keys[1].endswith(".1")


def test_retry_after_reads_seconds_and_http_dates() -> None:
    """Retry-After may be seconds or an HTTP date; junk is ignored."""
    assert retry_after_seconds(b"7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now_ts=1445412480.0) == 10.0
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def test_backoff_waits_at_least_retry_after_and_grows_exponentially() -> None:
    """The wait is max(Retry-After, base·2^attempt), capped by BUZZ_BACKOFF_MAX."""
    mw = BackoffRetryMiddleware(Settings({"BUZZ_BACKOFF_BASE": 1.0, "BUZZ_BACKOFF_MAX": 30.0}))
    plain = Response("http://x/", status=503)
    asked = Response("http://x/", status=429, headers={"Retry-After": "20"})
    assert [mw.backoff_delay(plain, n) for n in range(3)] == [1.0, 2.0, 4.0]
    assert mw.backoff_delay(asked, 0) == 20.0
    assert mw.backoff_delay(plain, 10) == 30.0


def test_errors_are_summarised_by_kind() -> None:
    """Scrapy stats become one counter per kind of failure."""
    stats = {
        "downloader/response_status_count/200": 10,
        "downloader/response_status_count/429": 2,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 1,
        "buzz/errors/parse": 3,
        "retry/max_reached": 1,
    }
    assert errors_by_kind(stats) == {
        "http_429": 2,
        "network_TimeoutError": 1,
        "parse": 3,
        "gave_up_after_retries": 1,
    }


def replica_response(site: Site, path: str) -> HtmlResponse:
    """A real Scrapy response holding a page the replica rendered."""
    page = site.get(path, {}, {"over18": "1"})
    url = f"http://replica.test{path}"
    return HtmlResponse(url, status=page.status, body=page.body, request=Request(url))


@pytest.fixture(scope="module")
def site() -> Site:
    """The replica's pages at its default clock, without a socket."""
    return Site(build_world(7), NOW)


def spider_for(since: str) -> PttSpider:
    """A spider bound to a crawler with the project's settings."""
    crawler = get_crawler(PttSpider, {"PTT_BASE_URL": "http://replica.test"})
    spider = PttSpider.from_crawler(crawler, channels="Stock", since=since, now=NOW.isoformat())
    spider.cutoff = spider.since
    return spider


def test_index_page_queues_articles_in_range_and_pinned_ones(site: Site) -> None:
    """Articles on or after the cutoff and every pinned row are fetched; older ones are not."""
    spider = spider_for("2019-02-04")
    out = list(spider.parse_index_page(replica_response(site, "/bbs/Stock/index.html"), "Stock"))
    articles = [
        r for r in out if isinstance(r, Request) and r.callback == spider.parse_article_page
    ]
    pinned = [r for r in articles if r.cb_kwargs["pinned"]]
    assert pinned, "pinned rows below r-list-sep must be crawled too"
    for r in articles:
        if not r.cb_kwargs["pinned"]:
            epoch = int(r.url.rsplit("/M.", 1)[1].split(".")[0])
            assert epoch >= spider.cutoff.timestamp()


def test_index_walk_stops_once_rows_are_older_than_the_cutoff(site: Site) -> None:
    """A page whose oldest row predates the cutoff does not lead to an older page."""
    newest = replica_response(site, "/bbs/Stock/index.html").text
    previous = max(int(n) for n in re.findall(r"/bbs/Stock/index(\d+)\.html", newest))
    spider = spider_for("2019-02-09")  # the page before the newest one opens on 02/07
    page = replica_response(site, f"/bbs/Stock/index{previous}.html")
    out = list(spider.parse_index_page(page, "Stock"))
    assert not [r for r in out if isinstance(r, Request) and r.callback == spider.parse_index_page]
    assert spider.tally["Stock"].walk_done


def test_article_page_becomes_an_item_with_stable_reply_keys(site: Site) -> None:
    """An article parses into an item whose storage records key every push."""
    spider = spider_for("2019-02-04")
    index = list(spider.parse_index_page(replica_response(site, "/bbs/Stock/index.html"), "Stock"))
    path = next(
        r.url for r in index if isinstance(r, Request) and r.callback == spider.parse_article_page
    ).split(".test", 1)[1]
    (item,) = list(spider.parse_article_page(replica_response(site, path), "Stock", False))
    assert isinstance(item, ThreadItem) and item.status == "ok"
    thread, replies = records(item)
    article_id = path.rsplit("/", 1)[1].removesuffix(".html")
    assert thread.channel == "Stock" and thread.thread_key == f"Stock/{article_id}"
    assert len({r.reply_key for r in replies}) == len(replies) == len(item.replies) > 0


def test_a_404_article_becomes_a_deleted_item(site: Site) -> None:
    """A vanished article is reported as deleted, not dropped silently."""
    spider = spider_for("2019-02-04")
    resp = replica_response(site, "/bbs/Stock/M.1549000000.A.ABC.html")
    assert resp.status == 404
    (item,) = list(spider.parse_article_page(resp, "Stock", False))
    assert isinstance(item, GoneItem) and item.status == "deleted"
    assert item.thread_key == "Stock/M.1549000000.A.ABC"


def test_a_challenge_page_is_counted_as_blocked_not_an_item() -> None:
    """A challenge page yields nothing, bumps buzz/errors/parse and counts the board blocked."""
    spider = spider_for("2019-02-04")
    url = "http://replica.test/bbs/Stock/index.html"
    body = (Path(__file__).parent / "fixtures" / "ptt" / "cloudflare_challenge.html").read_bytes()
    with pytest.raises(RetryRefused) as retry:  # asked again before it counts as lost
        list(spider.parse_index_page(HtmlResponse(url, body=body, request=Request(url)), "Stock"))
    assert retry.value.request.url == url and spider.tally["Stock"].blocked == 0
    spent = Request(url, meta={"retry_times": 2})
    resp = HtmlResponse(url, body=body, request=spent)
    assert list(spider.parse_index_page(resp, "Stock")) == []
    assert spider.crawler.stats is not None
    assert spider.crawler.stats.get_value("buzz/errors/parse") == 1
    assert spider.tally["Stock"].blocked == 1 and spider.tally["Stock"].kinds == {"challenge": 1}


def test_an_index_page_yields_its_rows_for_deletion_matching(site: Site) -> None:
    """Every index page goes to the pipeline with its number, so deleted rows can be matched."""
    spider = spider_for("2019-02-04")
    out = list(spider.parse_index_page(replica_response(site, "/bbs/Stock/index.html"), "Stock"))
    (page,) = [r for r in out if isinstance(r, ListingItem)]
    assert page.channel == "Stock" and page.page == site.pages("Stock") and page.rows
    assert all(r.thread_key and r.thread_key.startswith("Stock/M.") for r in page.rows)
    assert spider.tally["Stock"].pages == 1


def test_since_must_be_a_date() -> None:
    """A bad since is a one-line error naming the value."""
    with pytest.raises(ValueError, match="not a date"):
        parse_since("last monday")
    assert parse_since("2019-02-04") == datetime(2019, 2, 4, tzinfo=TAIPEI)
