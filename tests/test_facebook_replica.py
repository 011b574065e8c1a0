"""The Facebook replica: Graph API answers in the real shapes, token checks, errors, truth."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from crawlers.pages.facebook import GraphApiError, parse_comments, parse_pages, parse_posts
from replica.clock import DEFAULT_NOW, TAIPEI
from replica.facebook.site import CREDENTIAL, EXPIRED_CREDENTIAL, Site, make_site
from replica.facebook.truth import week_truth
from replica.facebook.world import PAGES, build_world

API = "/v19.0"
FIELDS = "id,message,created_time,permalink_url,comments.summary(true).limit(0)"
READABLE = PAGES[0]
COUNTS_ONLY = next(p for p in PAGES if not p.comments_readable)


def _get(site: Site, path: str, **query: str) -> tuple[int, bytes, dict[str, str]]:
    response = site.get(f"{API}{path}", {"access_token": CREDENTIAL, **query}, {})
    return response.status, response.body, dict(response.headers)


def test_pages_search_finds_the_page_and_its_lookalike() -> None:
    site = make_site(7, DEFAULT_NOW)
    status, body, _ = _get(site, "/pages/search", q=READABLE.name, fields="id,name,link")
    pages = parse_pages(body)
    assert status == 200 and [p.id for p in pages if p.name == READABLE.name] == [READABLE.id]
    assert len(pages) == 2  # the look-alike name is found too: the spider matches exactly


def test_posts_page_newest_first_with_cursors_and_a_next_url_on_the_replica() -> None:
    site = make_site(7, DEFAULT_NOW)
    site.origin = "http://127.0.0.1:5555"
    status, body, headers = _get(site, f"/{READABLE.id}/posts", fields=FIELDS, limit="10")
    page = parse_posts(body)
    assert status == 200 and len(page.posts) == 10
    times = [p.created_at for p in page.posts]
    assert times == sorted(times, reverse=True) and times[0] <= DEFAULT_NOW
    assert page.paging.after and page.paging.before
    assert page.paging.next_url and page.paging.next_url.startswith("http://127.0.0.1:5555/v19.0/")
    assert all(p.permalink_url and p.comment_total is not None for p in page.posts)
    assert "call_count" in json.loads(headers["X-App-Usage"])
    raw = json.loads(body)["data"][0]
    assert raw["created_time"].endswith("+0000") and raw["id"].startswith(READABLE.id + "_")
    query = dict(parse_qsl(urlsplit(page.paging.next_url).query))
    assert query["access_token"] == CREDENTIAL  # as the real API writes its next URLs
    _, older, _ = _get(
        site, f"/{READABLE.id}/posts", fields=FIELDS, limit="10", after=query["after"]
    )
    assert parse_posts(older).posts[0].created_at < times[-1]


def test_some_posts_have_no_message_only_a_story() -> None:
    site = make_site(7, DEFAULT_NOW)
    _, body, _ = _get(site, f"/{READABLE.id}/posts", fields=FIELDS, limit="100")
    raw = json.loads(body)["data"]
    stories = [p for p in raw if "message" not in p]
    assert stories and all(p["story"] for p in stories)


def _listed(site: Site) -> set[str]:
    return {p.id for p in parse_posts(_get(site, f"/{READABLE.id}/posts", limit="100")[1]).posts}


def test_a_deleted_post_leaves_the_list_and_answers_error_100() -> None:
    world = build_world(7)
    post = next(
        p
        for p in world.page_posts(READABLE.id)
        if p.deleted_at and p.at > datetime(2019, 1, 1, tzinfo=TAIPEI)
    )
    assert post.deleted_at is not None
    before = make_site(7, post.at + timedelta(minutes=1))
    after = make_site(7, post.deleted_at + timedelta(minutes=1))
    assert post.id in _listed(before) and post.id not in _listed(after)
    status, body, _ = _get(after, f"/{post.id}/comments", summary="true")
    with pytest.raises(GraphApiError) as info:
        parse_comments(body)
    assert status == 400 and info.value.code == 100 and info.value.subcode == 33


def test_comments_are_chronological_paged_and_deleted_ones_are_gone() -> None:
    world = build_world(7)
    post = next(
        p
        for p in world.page_posts(READABLE.id)
        if len(p.comments) > 150
        and any(c.deleted_at and c.deleted_at < DEFAULT_NOW for c in p.comments)
        and not p.deleted_by(DEFAULT_NOW)
    )
    site = make_site(7, DEFAULT_NOW)
    got, after = [], ""
    while True:
        extra = {"after": after} if after else {}
        _, body, _ = _get(site, f"/{post.id}/comments", summary="true", limit="100", **extra)
        page = parse_comments(body)
        got.extend(page.comments)
        if not page.paging.next_url:
            break
        after = page.paging.after or ""
    shown = post.comments_at(DEFAULT_NOW)
    assert [c.id for c in got] == [c.id for c in shown] and page.total == len(shown)
    assert len(shown) < len([c for c in post.comments if c.at <= DEFAULT_NOW])
    assert [c.created_at for c in got] == sorted(c.created_at for c in got)


def test_a_page_without_content_access_answers_error_10_but_keeps_totals() -> None:
    site = make_site(7, DEFAULT_NOW)
    _, body, _ = _get(site, f"/{COUNTS_ONLY.id}/posts", fields=FIELDS, limit="5")
    post = parse_posts(body).posts[0]
    assert post.comment_total is not None
    status, refused, _ = _get(site, f"/{post.id}/comments", summary="true")
    with pytest.raises(GraphApiError) as info:
        parse_comments(refused)
    assert status == 400 and info.value.code == 10 and info.value.permission


@pytest.mark.parametrize(
    ("token", "code", "subcode"),
    [(None, 104, None), ("EAAwrong", 190, None), (EXPIRED_CREDENTIAL, 190, 463)],
)
def test_tokens_are_checked_on_every_route(
    token: str | None, code: int, subcode: int | None
) -> None:
    site = make_site(7, DEFAULT_NOW)
    query = {"access_token": token} if token else {}
    for path in ("/pages/search?q=x", f"/{READABLE.id}/posts", f"/{READABLE.id}_1/comments"):
        response = site.get(f"{API}{path.split('?')[0]}", {"q": "x", **query}, {})
        error = json.loads(response.body)["error"]
        assert (
            response.status == 400 and error["code"] == code and error["type"] == "OAuthException"
        )
        assert error.get("error_subcode") == subcode and error["fbtrace_id"]


def test_throttle_answers_each_rate_limit_code_at_full_usage() -> None:
    site = make_site(7, DEFAULT_NOW)
    site.throttle(4)
    codes = []
    for _ in range(4):
        status, body, headers = _get(site, f"/{READABLE.id}/posts")
        codes.append(json.loads(body)["error"]["code"])
        assert status == 400 and json.loads(headers["X-App-Usage"])["call_count"] == 100
    assert codes == [17, 4, 32, 613]
    assert _get(site, f"/{READABLE.id}/posts")[0] == 200


def test_truth_counts_the_comments_shown_in_the_week_and_marks_estimates() -> None:
    truth = week_truth(date(2019, 2, 4), DEFAULT_NOW, 7)
    rows = truth["threads"]
    assert {r["counting"] for r in rows if r["channel"] == COUNTS_ONLY.name} == {"estimate"}
    assert {r["counting"] for r in rows if r["channel"] == READABLE.name} == {"exact"}
    giveaways = [r for r in rows if r["kind"] == "giveaway"]
    assert len(giveaways) >= 4 and all(r["new_replies"] > 100 for r in giveaways)
    assert any(r["status"] == "deleted" for r in rows)
    world = build_world(7)
    start = datetime(2019, 2, 4, tzinfo=TAIPEI)
    row = max(rows, key=lambda r: r["new_replies"])
    post = world.by_id[row["thread_key"]]
    expected = sum(
        1
        for c in post.comments
        if start <= c.at < start + timedelta(days=7) and c.shown_at(DEFAULT_NOW)
    )
    assert row["new_replies"] == expected
