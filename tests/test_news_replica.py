"""The news replica: both sites' routes, paging, deletions and quirks, and a truth that adds up."""

from __future__ import annotations

import json
from datetime import date

from replica.clock import DEFAULT_NOW, DEFAULT_SEED
from replica.news import render
from replica.news.site import Site, make_site
from replica.news.truth import new_replies, week_truth
from replica.news.world import EARLY, Article, build_world
from replica.sources import make_site as shared_make_site
from replica.sources import names

WEEK = date(2019, 2, 4)


def site() -> Site:
    return make_site(DEFAULT_SEED, DEFAULT_NOW)


def busy(s: Site, site_id: str, deleted_comments: bool = False) -> Article:
    """A listed, live article of a site with the most comments (with a deleted one if asked)."""
    found = [
        a
        for section in next(a.site for a in s.world.articles if a.site.id == site_id).sections
        for a in s.listed(site_id, section)
        if not a.deleted_by(s.now)
        and (not deleted_comments or any(c.deleted_by(s.now) for c in a.comments_at(s.now)))
    ]
    return max(found, key=lambda a: len(a.comments_at(s.now)))


def test_the_replica_serves_news_through_the_shared_registry() -> None:
    assert "news" in names()
    assert shared_make_site("news", DEFAULT_SEED, DEFAULT_NOW).route_kind("/yahoo/world/") == (
        "section"
    )
    s = site()
    assert s.route_kind("/linetoday/tw/v2/tab/domestic") == "section"
    assert s.route_kind("/linetoday/tw/v2/article/Ab12Cd") == "article"
    assert s.route_kind("/linetoday/webapi/comment/list") == "comments"
    assert s.route_kind("/yahoo/some-news-123456789.html") == "article"
    assert s.route_kind("/yahoo/_td/api/comments") == "comments"
    assert s.route_kind("/robots.txt") == "other" and s.route_kind("/elsewhere/") == "other"
    assert s.get("/robots.txt", {}, {}).status == 200


def test_section_pages_list_recent_articles_newest_first_deleted_ones_included() -> None:
    s = site()
    listed = s.listed("linetoday", "國內")
    assert 8 < len(listed) <= 60
    assert [a.at for a in listed] == sorted((a.at for a in listed), reverse=True)
    page = s.get("/linetoday/tw/v2/tab/domestic", {}, {}).body.decode()
    assert page.count('class="articleCard"') == len(listed) and "utm_source=line" in page
    gone = [a for a in s.world.articles if a.deleted_by(s.now) and a.at <= s.now]
    assert gone and all(s.get(f"/{a.site.id}{a.path}", {}, {}).status == 404 for a in gone)
    linked = [a for sec in ("國內", "生活", "國際", "娛樂") for a in s.listed("linetoday", sec)]
    assert any(a.deleted_by(s.now) for a in linked), "a deleted article is still linked"
    yahoo = s.get("/yahoo/entertainment/", {}, {}).body.decode()
    assert 'href="../entertainment-news-' in yahoo and "native-ad" in yahoo


def test_line_cursor_paging_walks_every_comment_once_and_flags_deleted_ones() -> None:
    s = site()
    a = busy(s, "linetoday", deleted_comments=True)
    seen: list[str] = []
    statuses: set[str] = set()
    pivot = None
    for _ in range(50):
        query = {"articleId": a.id, "limit": "20", **({"pivot": pivot} if pivot else {})}
        answer = json.loads(s.get("/linetoday/webapi/comment/list", query, {}).body)
        seen += [c["commentSn"] for c in answer["result"]["comments"]]
        statuses |= {c["status"] for c in answer["result"]["comments"]}
        pivot = answer["result"]["nextPivot"]
        if pivot is None:
            break
    assert seen == [c.id for c in a.comments_at(s.now)]
    assert statuses == {"NORMAL", "DELETED"}
    bad = s.get("/linetoday/webapi/comment/list", {"articleId": a.id, "pivot": "zz"}, {})
    assert bad.status == 400
    assert render.unpivot(render.pivot(a.comments[0])) == a.comments[0].id


def test_yahoo_offset_paging_leaves_deleted_comments_out() -> None:
    s = site()
    a = busy(s, "yahoo", deleted_comments=True)
    shown = [c.id for c in a.comments_at(s.now) if not c.deleted_by(s.now)]
    seen: list[str] = []
    while True:
        query = {"contextId": a.id, "count": "15", "offset": str(len(seen))}
        answer = json.loads(s.get("/yahoo/_td/api/comments", query, {}).body)
        assert answer["total"] == len(shown)
        seen += [c["messageId"] for c in answer["canvassMessages"]]
        if len(answer["canvassMessages"]) < 15:
            break
    assert seen == shown and len(shown) < len(a.comments_at(s.now))
    assert answer["canvassMessages"] == [] or answer["canvassMessages"][0]["createdAt"].endswith(
        "Z"
    )


def test_the_world_carries_the_quirks_and_plants() -> None:
    world = build_world(DEFAULT_SEED)
    assert any(not a.shows_time for a in world.articles)
    assert any("&" in a.title or "<" in a.title or "「" in a.title for a in world.articles)
    assert "&amp;" in render.title_html("A & B") and "&#12300;" in render.title_html("「x」")
    live = [a for a in world.articles if a.kind == "live"]
    assert {a.site.id for a in live} == {"linetoday", "yahoo"}
    assert all("【直播】" in a.title for a in live)
    later = [a for a in world.articles if a.case == "deleted_later"]
    assert later and all(not a.deleted_by(EARLY) and a.deleted_by(DEFAULT_NOW) for a in later)
    page = render.article_page(next(a for a in world.articles if not a.shows_time))
    assert b"<time" not in page and page.endswith(b"</html>")


def test_the_truth_counts_visible_comments_in_the_week_keyed_as_stored() -> None:
    truth = week_truth(WEEK, DEFAULT_NOW, DEFAULT_SEED)
    assert truth == week_truth(WEEK, DEFAULT_NOW, DEFAULT_SEED)
    rows = {t["thread_key"]: t for t in truth["threads"]}
    world = build_world(DEFAULT_SEED)
    for a in world.articles:
        key = f"{a.site.id}/{a.id}"
        if key in rows:
            assert rows[key]["channel"] == f"{a.site.label} > {a.section}"
    assert sum(t["new_replies"] for t in truth["threads"]) > 500
    assert {t["status"] for t in truth["threads"]} == {"ok", "deleted"}
    a = next(
        a
        for a in world.articles
        if not a.deleted_at and any(c.deleted_by(DEFAULT_NOW) for c in a.comments)
    )
    start, end = a.at, DEFAULT_NOW
    every = [c for c in a.comments if c.at < end]
    kept = [c for c in every if not c.deleted_by(DEFAULT_NOW)]
    assert new_replies(a, start, end, DEFAULT_NOW) == len(kept) < len(every)
