"""Facebook spider parts without a crawl: token in URLs and masked out, rate limits, errors."""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawlers.items import GoneItem, ThreadItem
from crawlers.middlewares import BackoffRetryMiddleware
from crawlers.secrets import redact
from crawlers.spiders.facebook import FacebookSpider, app_usage
from replica.clock import DEFAULT_NOW
from replica.facebook.site import CREDENTIAL, make_site

BASE = "http://replica.test"


@pytest.fixture
def spider(monkeypatch: pytest.MonkeyPatch) -> FacebookSpider:
    monkeypatch.setenv("BUZZ_FACEBOOK_TOKEN", CREDENTIAL)
    crawler = get_crawler(FacebookSpider, {"FACEBOOK_BASE_URL": BASE, "BUZZ_BACKOFF_BASE": 0.01})
    made = FacebookSpider.from_crawler(
        crawler, channels="ETtoday新聞雲", since="2019-02-04", now=DEFAULT_NOW.isoformat()
    )
    assert isinstance(made, FacebookSpider)
    made.cutoff = made.since
    return made


def answer(
    url: str, status: int, body: bytes, headers: dict[str, str] | None = None
) -> TextResponse:
    return TextResponse(
        url, status=status, body=body, headers=headers or {}, request=Request(url), encoding="utf-8"
    )


def replica_answer(url: str) -> TextResponse:
    parts = urlsplit(url)
    site = make_site(7, DEFAULT_NOW)
    got = site.get(parts.path, dict(parse_qsl(parts.query)), {})
    return answer(url, got.status, got.body, dict(got.headers))


def test_the_token_goes_as_access_token_and_is_masked_wherever_written(
    spider: FacebookSpider, caplog: pytest.LogCaptureFixture
) -> None:
    url = spider.api("/pages/search", q="ETtoday新聞雲")
    assert dict(parse_qsl(urlsplit(url).query))["access_token"] == CREDENTIAL
    assert CREDENTIAL not in spider.shown(url) and "access_token=***" in spider.shown(url)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("scrapy.core.engine").debug("Crawled (200) <GET %s>", url)
    assert CREDENTIAL not in caplog.text and "access_token=***" in caplog.text
    assert redact(f"token {CREDENTIAL} here") == "token *** here"
    assert redact("/a?monkey=1&key=abc") == "/a?monkey=1&key=***"


def test_a_next_url_is_followed_on_our_base_with_our_token(spider: FacebookSpider) -> None:
    followed = spider.follow(
        "https://graph.facebook.com/v19.0/1_2/comments?access_token=OTHER&after=QQ&limit=100"
    )
    parts = urlsplit(followed)
    query = dict(parse_qsl(parts.query))
    assert followed.startswith(f"{BASE}/v19.0/1_2/comments?")
    assert query["access_token"] == CREDENTIAL and query["after"] == "QQ"


def test_rate_limit_answers_and_usage_are_read(spider: FacebookSpider) -> None:
    site = make_site(7, DEFAULT_NOW)
    site.throttle(1)
    limited = site.get("/v19.0/114811848586566/posts", {"access_token": CREDENTIAL}, {})
    response = answer(
        f"{BASE}/v19.0/114811848586566/posts", 400, limited.body, dict(limited.headers)
    )
    assert spider.rate_limited(response) and app_usage(response) == 100
    assert spider.usage_pause(response) == 4.0
    fine = replica_answer(spider.api("/114811848586566/posts"))
    assert not spider.rate_limited(fine) and spider.usage_pause(fine) == 0.0


def test_the_shared_backoff_retries_a_rate_limit_answer(spider: FacebookSpider) -> None:
    assert spider.crawler is not None
    mw = BackoffRetryMiddleware.from_crawler(spider.crawler)
    body = json.dumps(
        {
            "error": {
                "message": "(#4) Application request limit reached",
                "type": "OAuthException",
                "code": 4,
                "fbtrace_id": "x",
            }
        }
    )
    url = spider.api("/1/posts")
    response = answer(url, 400, body.encode(), {"X-App-Usage": '{"call_count": 50}'})
    got = asyncio.run(mw.process_response(Request(url), response, spider))
    assert isinstance(got, Request) and got.meta["retry_times"] == 1
    assert spider.crawler.stats is not None
    assert spider.crawler.stats.get_value("buzz/backoff/rate_limit") == 1


def test_a_page_without_content_access_becomes_counts_only(spider: FacebookSpider) -> None:
    listing = replica_answer(
        spider.api(
            "/114811848586566/posts",
            fields="id,created_time,comments.summary(true).limit(0)",
            limit="5",
        )
    )
    out = list(spider.parse_posts(listing, "ETtoday新聞雲", page=1))
    requests = [r for r in out if isinstance(r, Request) and r.callback == spider.parse_comments]
    first = requests[0]
    post = first.cb_kwargs["post"]
    refused = replica_answer(first.url)
    (item,) = list(spider.parse_comments(refused, "ETtoday新聞雲", post, ()))
    assert isinstance(item, ThreadItem) and item.reply_total == post.comment_total
    assert item.replies == () and not item.replies_complete
    assert "ETtoday新聞雲" in spider.counts_only


def test_an_expired_token_refuses_every_channel_in_one_line(spider: FacebookSpider) -> None:
    body = (
        b'{"error":{"message":"Error validating access token: Session has expired",'
        b'"type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"x"}}'
    )
    url = spider.api("/pages/search", q="ETtoday新聞雲")
    response = answer(url, 400, body)
    response.meta["buzz_root"] = True
    assert list(spider.parse_search(response, "ETtoday新聞雲")) == []
    status, reason = spider.tally["ETtoday新聞雲"].status("finished")
    assert status == "failed" and "BUZZ_FACEBOOK_TOKEN" in reason and "expired" in reason
    assert CREDENTIAL not in json.dumps(spider.tally["ETtoday新聞雲"].to_state())


def test_a_post_gone_before_its_comments_is_marked_deleted(spider: FacebookSpider) -> None:
    listing = replica_answer(
        spider.api(
            "/350540028367087/posts",
            fields="id,created_time,comments.summary(true).limit(0)",
            limit="5",
        )
    )
    out = list(spider.parse_posts(listing, "GirlStyle 台灣女生日常", page=1))
    first = next(r for r in out if isinstance(r, Request) and r.callback == spider.parse_comments)
    gone = replica_answer(spider.api("/350540028367087_1/comments"))
    (item,) = list(
        spider.parse_comments(gone, "GirlStyle 台灣女生日常", first.cb_kwargs["post"], ())
    )
    assert isinstance(item, GoneItem) and item.status == "deleted"
    assert item.url.startswith("https://www.facebook.com/") and "access_token" not in item.url


def test_a_page_id_as_the_channel_needs_no_search(spider: FacebookSpider) -> None:
    (first,) = spider.first_requests("114811848586566")
    assert urlsplit(first.url).path == "/v19.0/114811848586566/posts"
    assert first.callback == spider.parse_posts and first.meta["buzz_root"]
