"""The Dcard replica: it serves the real answers' structure, and the parsers read its world back.

(a) Every structural feature the real answers in ../shared/fixtures/real/dcard show (key sets
per route and generation, flags, times, order, paging) is checked on the real file that shows
it and on what the replica serves. (b) Everything the replica serves at its default clock is
parsed with `crawlers.pages.dcard` and compared with the world. (c) Routes, faults, the
challenge forum, truth and the CLI.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.dcard import parse_comments, parse_forums, parse_post, parse_posts
from ranking.exclusions import classify
from ranking.models import ThreadCount
from ranking.windows import week_starting
from replica.cli import main
from replica.clock import DATA_END, DATA_START, DEFAULT_NOW, TAIPEI
from replica.dcard.site import API, Site, route_kind
from replica.dcard.truth import week_truth, world_week_truth
from replica.dcard.world import EARLY, LATE, build_world, generate_world
from replica.http import Response
from replica.server import serve_in_thread

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "fixtures" / "real" / "dcard"
WEEK = date(2019, 2, 4)
Json = Any


def real(name: str) -> Json:
    """A real answer, decoded (skip when ../shared/fixtures is absent)."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{REAL} not present: the fidelity checks need ../shared/fixtures/real")
    return json.loads(path.read_bytes().decode("utf-8-sig"))


@pytest.fixture(scope="module")
def site() -> Site:
    """The replica at its default clock, without a socket."""
    return Site(build_world(7), DEFAULT_NOW)


def get(site: Site, path: str, **query: object) -> Response:
    """The replica's answer to a GET."""
    return site.get(path, {k: str(v) for k, v in query.items()}, {})


def body(response: Response) -> Json:
    """A JSON answer's value (a BOM allowed)."""
    return json.loads(response.body.decode("utf-8-sig"))


def walk(site: Site, alias: str, limit: int = 100) -> list[dict[str, Any]]:
    """Every post of a forum's list, page after page with before=."""
    out: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        query: dict[str, object] = {"popular": "false", "limit": limit}
        if before is not None:
            query["before"] = before
        page = body(get(site, f"{API}/forums/{alias}/posts", **query))
        unpinned = [p for p in page if not p["pinned"]]
        out.extend(page)
        if not unpinned:
            return out
        before = min(p["id"] for p in unpinned)


def all_comments(site: Site, post_id: int, limit: int = 100) -> list[dict[str, Any]]:
    """Every comment of a post, page after page with after=."""
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        page = body(get(site, f"{API}/posts/{post_id}/comments", after=after, limit=limit))
        if not page:
            return out
        out.extend(page)
        after = page[-1]["floor"]


@dataclass(frozen=True)
class Served:
    """What the replica serves at the default clock, by route and generation."""

    forums: list[dict[str, Any]]
    lists: dict[str, list[dict[str, Any]]]  # "2016" / "2022": list entries
    singles: dict[str, list[dict[str, Any]]]  # single posts
    comments: list[dict[str, Any]]
    bodies: list[bytes]


@cache
def served() -> Served:
    """Walk every crawlable forum and fetch every post and its comments once."""
    world = build_world(7)
    s = Site(world, DEFAULT_NOW)
    lists: dict[str, list[dict[str, Any]]] = {"2016": [], "2022": []}
    singles: dict[str, list[dict[str, Any]]] = {"2016": [], "2022": []}
    comments: list[dict[str, Any]] = []
    bodies: list[bytes] = []
    for forum in world.forums.values():
        if forum.spec.challenge or not forum.posts:
            continue
        entries = walk(s, forum.alias)
        lists[forum.spec.schema].extend(entries)
        for entry in entries[:40]:
            response = get(s, f"{API}/posts/{entry['id']}")
            bodies.append(response.body)
            singles[forum.spec.schema].append(body(response))
            comments.extend(all_comments(s, entry["id"]))
    forums = body(get(s, f"{API}/forums"))
    return Served(forums, lists, singles, comments, bodies)


def keys_of(items: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(keys every item has, keys some item has)."""
    sets = [set(i) for i in items]
    return set.intersection(*sets), set.union(*sets)


def same_keys(real_items: list[dict[str, Any]], ours: list[dict[str, Any]]) -> None:
    """Every served object has the real objects' common keys and nothing they never have."""
    always, ever = keys_of(real_items)
    assert ours, "the replica serves none"
    for item in ours:
        assert always <= set(item), sorted(always - set(item))
        assert set(item) <= ever, sorted(set(item) - ever)


# --- (a) every feature of the real answers, the replica serves ------------------------------

ZULU_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _visible(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in items if not c["hidden"]]


def _hidden(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in items if c["hidden"]]


def _times(items: list[dict[str, Any]]) -> bool:
    return all(ZULU_MS.match(i["createdAt"]) and ZULU_MS.match(i["updatedAt"]) for i in items)


def _newest_first(items: list[dict[str, Any]]) -> bool:
    by_forum: dict[str, list[int]] = {}
    for i in items:
        if not i["pinned"]:
            by_forum.setdefault(i["forumAlias"], []).append(i["id"])
    return all(ids == sorted(set(ids), reverse=True) for ids in by_forum.values())


def _reply(items: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(i["replyId"], int) and isinstance(i["replyTitle"], str) and i["excerpt"] == ""
        for i in items
    )


def _reactions(items: list[dict[str, Any]]) -> bool:
    return all(
        sum(r["count"] for r in i["reactions"]) == i["likeCount"]
        and all(set(r) == {"id", "count"} for r in i["reactions"])
        for i in items
    )


def _nickname(items: list[dict[str, Any]]) -> bool:
    return any(i["withNickname"] for i in items) and all(
        ("department" in i) == i["withNickname"] for i in items
    )


def _elapsed(items: list[dict[str, Any]]) -> bool:
    seen = {
        datetime.fromisoformat(i["createdAt"]) + timedelta(seconds=i["elapsedTime"]) for i in items
    }
    return max(seen) - min(seen) <= timedelta(seconds=2)


def _media(items: list[dict[str, Any]]) -> bool:
    with_media = [i for i in items if i["media"]]
    return bool(with_media) and all(
        i["mediaMeta"][0]["type"] == "image/thumbnail"
        and {m["type"] for m in i["mediaMeta"][1:]} <= {"image/imgur", "image/sticker"}
        and len(i["mediaMeta"]) == len(i["media"]) + 1
        for i in with_media[:3]
    )


def _counts(items: list[dict[str, Any]]) -> bool:
    return all(i["totalCommentCount"] >= i["commentCount"] for i in items)


def _floors(items: list[dict[str, Any]]) -> bool:
    by_post: dict[int, list[int]] = {}
    for c in items:
        by_post.setdefault(c["postId"], []).append(c["floor"])
    return all(f == list(range(1, len(f) + 1)) for f in by_post.values())


def _department(items: list[dict[str, Any]]) -> bool:
    with_dept = [c for c in _visible(items) if "department" in c]
    return 0 < len(with_dept) < len(_visible(items))


@dataclass(frozen=True)
class Feature:
    """A structure the real answers show: which route, the real file, how to check it."""

    name: str
    route: str  # "forums", "list2016", "single2016", "list2022", "single2022", "comments"
    real: str
    check: Callable[[list[dict[str, Any]]], bool]


def _ours(route: str) -> list[dict[str, Any]]:
    s = served()
    return {
        "forums": s.forums,
        "list2016": s.lists["2016"],
        "single2016": s.singles["2016"],
        "list2022": s.lists["2022"],
        "single2022": s.singles["2022"],
        "comments": s.comments,
    }[route]


def _real(feature: Feature) -> list[dict[str, Any]]:
    value = real(feature.real)
    items = value if isinstance(value, list) else [value]
    if feature.real == "dcard_api_v2_posts_2016.json":
        items = [b["content"] for b in items]
    return items


FEATURES = (
    Feature(
        "forum times are UTC to the millisecond",
        "forums",
        "dcard_api_v2_forums_list_2024-03.json",
        _times,
    ),
    Feature(
        "some forums have heroImage and logo, some not",
        "forums",
        "dcard_api_v2_forums_list_2024-03.json",
        lambda fs: 0 < sum("heroImage" in f and "logo" in f for f in fs) < len(fs),
    ),
    Feature(
        "postCount.last30Days per forum",
        "forums",
        "dcard_api_v2_forums_list_2024-03.json",
        lambda fs: all(isinstance(f["postCount"]["last30Days"], int) for f in fs),
    ),
    Feature(
        "2016 list: newest first", "list2016", "dcard_api_v2_post_metas_2016.json", _newest_first
    ),
    Feature(
        "2016 list: times UTC to the ms", "list2016", "dcard_api_v2_post_metas_2016.json", _times
    ),
    Feature(
        "2016 list: excerpt, no content",
        "list2016",
        "dcard_api_v2_post_metas_2016.json",
        lambda ps: all("excerpt" in p and "content" not in p for p in ps),
    ),
    Feature(
        "2016 list: department only on some",
        "list2016",
        "dcard_api_v2_post_metas_2016.json",
        lambda ps: 0 < sum("department" in p for p in ps) < len(ps),
    ),
    Feature(
        "2016 single post: content and a null deletedAt",
        "single2016",
        "dcard_api_v2_single_post_content_2016.json",
        lambda ps: all(isinstance(p["content"], str) and p["deletedAt"] is None for p in ps),
    ),
    Feature(
        "2022 list: newest first",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _newest_first,
    ),
    Feature(
        "2022 list: times UTC to the ms",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _times,
    ),
    Feature(
        "2022 list: a reply post (replyId, replyTitle, empty excerpt)",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _reply,
    ),
    Feature(
        "2022 list: reactions count the likes",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _reactions,
    ),
    Feature(
        "2022 list: department is a nickname's handle",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _nickname,
    ),
    Feature(
        "2022 list: elapsedTime is seconds since createdAt",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _elapsed,
    ),
    Feature(
        "2022 list: mediaMeta is a thumbnail then the images",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _media,
    ),
    Feature(
        "2022 list: totalCommentCount >= commentCount",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        _counts,
    ),
    Feature(
        "2022 list: hidden is a flag on every post",
        "list2022",
        "dcard_api_v2_forum_photography_posts_2022-06-30.json",
        lambda ps: all(isinstance(p["hidden"], bool) for p in ps),
    ),
    Feature(
        "comments: floors from 1 up, one each",
        "comments",
        "dcard_api_v2_single_post_comments_2016.json",
        _floors,
    ),
    Feature(
        "comments: times UTC to the ms",
        "comments",
        "dcard_api_v2_single_post_comments_2016.json",
        _times,
    ),
    Feature(
        "comments: hidden ones keep floor and times, lose the rest",
        "comments",
        "dcard_api_v2_single_post_comments_2016.json",
        lambda cs: (
            bool(_hidden(cs))
            and all(not {"content", "gender", "school", "likeCount"} & set(c) for c in _hidden(cs))
        ),
    ),
    Feature(
        "comments: department on some",
        "comments",
        "dcard_api_v2_single_post_comments_2016.json",
        _department,
    ),
    Feature(
        "comments: some by the post's author (host)",
        "comments",
        "dcard_api_v2_single_post_comments_2016.json",
        lambda cs: any(c["host"] for c in cs) and not all(c["host"] for c in cs),
    ),
)

KEY_SETS = (
    ("forums", "dcard_api_v2_forums_list_2024-03.json", "forums"),
    ("2016 list entries", "dcard_api_v2_post_metas_2016.json", "list2016"),
    ("2022 list entries", "dcard_api_v2_forum_photography_posts_2022-06-30.json", "list2022"),
    ("visible comments", "dcard_api_v2_single_post_comments_2016.json", "comments"),
)


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_each_feature_of_the_real_answers_is_served(feature: Feature) -> None:
    assert feature.check(_real(feature)), f"the real {feature.real} should show it"
    assert feature.check(_ours(feature.route)), "the replica should serve it"


@pytest.mark.parametrize(("what", "name", "route"), KEY_SETS, ids=[k[0] for k in KEY_SETS])
def test_served_objects_have_the_real_key_sets(what: str, name: str, route: str) -> None:
    items = real(name)
    items = items if isinstance(items, list) else [items]
    ours = _ours(route)
    if route == "comments":
        items, ours = _visible(items), _visible(ours)
    same_keys(items, ours)


def test_hidden_comments_have_the_real_hidden_key_set() -> None:
    same_keys(
        _hidden(real("dcard_api_v2_single_post_comments_2016.json")), _hidden(_ours("comments"))
    )


def test_a_2016_single_post_is_the_list_entry_plus_content_and_deleted_at() -> None:
    single = set(real("dcard_api_v2_single_post_content_2016.json"))
    _, listed = keys_of(real("dcard_api_v2_post_metas_2016.json"))
    assert single - listed == {"content", "deletedAt"}
    for post in _ours("single2016"):
        assert single <= set(post) <= listed | {"content", "deletedAt"}


def test_a_2022_single_post_is_the_list_entry_plus_content() -> None:
    always, ever = keys_of(real("dcard_api_v2_forum_photography_posts_2022-06-30.json"))
    for post in _ours("single2022"):
        assert always <= set(post) and set(post) <= ever | {"content"}
        assert isinstance(post["content"], str)


def test_the_first_comments_page_is_thirty_floors_as_in_the_real_pair() -> None:
    whole = real("dcard_api_v2_single_post_comments_2016.json")
    first = real("dcard_api_v2_single_post_single_comments_2016.json")
    assert first == whole[:30]
    s = Site(build_world(7), DEFAULT_NOW)
    post = max(build_world(7).forums["makeup"].posts, key=lambda p: len(p.comments_at(DEFAULT_NOW)))
    page = body(get(s, f"{API}/posts/{post.id}/comments"))
    assert [c["floor"] for c in page] == list(range(1, 31))
    assert page == all_comments(s, post.id)[:30]


def test_the_real_comment_count_counts_hidden_floors_and_so_does_the_replica() -> None:
    post = real("dcard_api_v2_single_post_content_2016.json")
    comments = real("dcard_api_v2_single_post_comments_2016.json")
    assert post["commentCount"] == len(comments) and _hidden(comments)
    s = Site(build_world(7), DEFAULT_NOW)
    checked = 0
    for entry in served().lists["2022"][:60]:
        floors = all_comments(s, entry["id"])
        assert entry["commentCount"] == len(floors)
        checked += bool(_hidden(floors))
    assert checked


def test_some_answers_start_with_a_bom_and_the_parsers_read_both() -> None:
    bodies = served().bodies
    with_bom = [b for b in bodies if b.startswith(b"\xef\xbb\xbf")]
    assert 0 < len(with_bom) < len(bodies)
    for b in with_bom[:5]:
        assert parse_post(b) == parse_post(b[3:])


# --- paging semantics -----------------------------------------------------------------------


def test_before_pages_cover_the_list_once_newest_first(site: Site) -> None:
    world = build_world(7)
    forum = world.forums["relationship"]
    pages30 = walk(site, "relationship", limit=30)
    pages100 = walk(site, "relationship", limit=100)
    assert [p["id"] for p in pages30] == [p["id"] for p in pages100]
    listed = [p for p in forum.posts if p.exists_at(DEFAULT_NOW) and not p.deleted_by(DEFAULT_NOW)]
    assert sorted(p["id"] for p in pages30) == sorted(p.id for p in listed)
    first = body(get(site, f"{API}/forums/relationship/posts", popular="false"))
    assert len([p for p in first if not p["pinned"]]) == 30  # limit's default
    assert first[0]["pinned"] and not any(p["pinned"] for p in pages30[1:])
    cut = first[10]["id"]
    older = body(get(site, f"{API}/forums/relationship/posts", popular="false", before=cut))
    assert all(p["id"] < cut for p in older) and older[0]["id"] == first[11]["id"]


def test_without_popular_false_the_list_is_by_likes(site: Site) -> None:
    hot = body(get(site, f"{API}/forums/makeup/posts", limit=50))
    likes = [p["likeCount"] for p in hot]
    assert likes == sorted(likes, reverse=True) and not _newest_first(hot)


def test_after_gives_the_floors_above_it(site: Site) -> None:
    post = max(build_world(7).forums["job"].posts, key=lambda p: len(p.comments_at(DEFAULT_NOW)))
    page = body(get(site, f"{API}/posts/{post.id}/comments", after=100, limit=100))
    assert [c["floor"] for c in page] == list(range(101, 101 + len(page))) and len(page) == 100


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"limit": "x"}, {"before": "-1"}])
def test_bad_paging_is_a_400_error_object(site: Site, query: dict[str, object]) -> None:
    response = get(site, f"{API}/forums/mood/posts", **query)
    assert response.status == 400 and set(body(response)) == {"error", "message"}


# --- (b) the parsers read the replica's world back -------------------------------------------


def test_parsed_forums_are_the_worlds(site: Site) -> None:
    world = build_world(7)
    forums = parse_forums(get(site, f"{API}/forums").body)
    assert [(f.alias, f.name) for f in forums] == [(f.alias, f.name) for f in world.forums.values()]
    assert {f.name for f in forums} >= {"心情", "時事", "感情", "美妝", "工作", "美食", "股票"}


def test_parsed_lists_posts_and_comments_are_the_worlds(site: Site) -> None:
    world = build_world(7)
    now = DEFAULT_NOW
    posts_checked = comments_checked = 0
    for forum in world.forums.values():
        if forum.spec.challenge or not forum.posts:
            continue
        listed = []
        before = None
        while True:
            query = {"popular": "false", "limit": 100, **({"before": before} if before else {})}
            page = parse_posts(get(site, f"{API}/forums/{forum.alias}/posts", **query).body)
            listed.extend(page)
            older = [p for p in page if not p.pinned]
            if not older:
                break
            before = min(p.id for p in older)
        expected = [p for p in forum.posts if p.exists_at(now) and not p.deleted_by(now)]
        assert sorted(p.id for p in listed) == sorted(p.id for p in expected)
        for parsed in listed:
            post = world.by_id[parsed.id]
            assert (parsed.forum, parsed.forum_name, parsed.title) == (
                forum.alias,
                forum.name,
                post.title,
            )
            assert parsed.created_at == post.at.replace(
                microsecond=post.at.microsecond // 1000 * 1000
            )
            assert (parsed.hidden, parsed.pinned) == (post.hidden_by(now), post.pinned)
            assert parsed.comment_count == len(post.comments_at(now))
            assert parsed.schema == forum.spec.schema and parsed.body_is_excerpt
            full = parse_post(get(site, f"{API}/posts/{post.id}").body)
            assert full.body == post.body_at(now) and not full.body_is_excerpt
            assert full.author == (post.department if post.nickname else None)
            comments = []
            after = 0
            while True:
                page = parse_comments(
                    get(site, f"{API}/posts/{post.id}/comments", after=after, limit=100).body
                )
                if not page:
                    break
                comments.extend(page)
                after = page[-1].floor
            world_comments = post.comments_at(now)
            assert [c.id for c in comments] == [c.id for c in world_comments]
            for got, want in zip(comments, world_comments, strict=True):
                assert got.shown == want.shown_at(now)
                assert got.content == (want.content if want.shown_at(now) else "")
                assert abs(got.created_at - want.at) < timedelta(milliseconds=1)
                assert got.host == want.host
            posts_checked += 1
            comments_checked += len(comments)
    assert posts_checked > 1000 and comments_checked > 15000


def test_a_deleted_post_is_gone_from_the_list_and_its_routes_say_post_not_found(
    site: Site,
) -> None:
    world = build_world(7)
    deleted = [
        p
        for p in world.posts()
        if p.deleted_by(DEFAULT_NOW) and not world.forum_of(p).spec.challenge
    ]
    assert len(deleted) > 20 and any(p.removal[0] for p in deleted)
    for post in deleted:
        answer = get(site, f"{API}/posts/{post.id}")
        assert answer.status == 404 and parse_post(answer.body).deleted
    wash = next(p for p in deleted if p.removal[0])
    assert (
        parse_post(get(site, f"{API}/posts/{wash.id}").body).removed_reason
        == "wash: 惡意洗板、重複張貼"
    )
    comments = get(site, f"{API}/posts/{wash.id}/comments")
    assert comments.status == 404 and body(comments)["error"] == 1202


# --- (c) routes, the challenge forum, the server ----------------------------------------------


def test_routes_robots_and_misses(site: Site) -> None:
    assert route_kind(f"{API}/forums") == "forums"
    assert route_kind(f"{API}/forums/mood/posts") == "listing"
    assert route_kind(f"{API}/posts/1") == "post"
    assert route_kind(f"{API}/posts/1/comments") == "comments"
    assert route_kind("/robots.txt") == "other"
    robots = get(site, "/robots.txt")
    assert robots.status == 200 and b"Allow: /service/api/v2/" in robots.body
    assert get(site, f"{API}/forums/nope/posts").status == 404
    assert get(site, f"{API}/posts/1").status == 404
    assert get(site, f"{API}/nothing").status == 404
    assert get(site, "/f/mood").status == 404
    assert site.post("/x", {}).status == 405
    empty = get(site, f"{API}/forums/talk/posts", popular="false")
    assert empty.status == 200 and body(empty) == []


def test_the_challenge_forum_answers_403_on_every_route(site: Site) -> None:
    world = build_world(7)
    stock = world.forums["stock"]
    assert stock.spec.challenge and stock.posts
    post = [p for p in stock.posts if p.exists_at(DEFAULT_NOW)][-1]
    for path in (
        f"{API}/forums/stock/posts",
        f"{API}/posts/{post.id}",
        f"{API}/posts/{post.id}/comments",
    ):
        answer = get(site, path, popular="false")
        assert answer.status == 403 and b"Just a moment" in answer.body
        assert ("cf-mitigated", "challenge") in answer.headers
        with pytest.raises(ValueError, match="challenge"):
            parse_posts(answer.body)
    assert any(f.name == "股票" for f in parse_forums(get(site, f"{API}/forums").body))


def test_serve_in_thread_reaches_the_challenge_and_counts_routes() -> None:
    with serve_in_thread("dcard", now=DEFAULT_NOW, fault_rate=0.5) as replica:
        with pytest.raises(urllib.error.HTTPError) as info:
            for _ in range(3):  # a first attempt may be faulted (429/503): the next is not
                try:
                    urllib.request.urlopen(f"{replica.url}{API}/forums/stock/posts", timeout=10)
                except urllib.error.HTTPError as exc:
                    if exc.code == 403:
                        raise
        assert info.value.code == 403
        with urllib.request.urlopen(f"{replica.url}/robots.txt", timeout=10) as r:
            assert r.status == 200
        stats = replica.stats()
    assert stats["by_route"]["listing"] >= 1 and stats["by_status"]["403"] == 1


def test_the_serve_command_prints_its_url() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "replica", "serve", "--source", "dcard", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        m = re.fullmatch(r"replica serving dcard at (http://127\.0\.0\.1:\d+) now=\S+ seed=7", line)
        assert m, line
        with urllib.request.urlopen(f"{m[1]}{API}/forums", timeout=10) as r:
            assert any(f["name"] == "心情" for f in json.load(r))
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


# --- the world and the truth ------------------------------------------------------------------


def test_the_world_is_deterministic_and_inside_its_span() -> None:
    a, b = generate_world(7), generate_world(7)
    assert [(p.id, p.title, len(p.comments)) for p in a.posts()] == [
        (p.id, p.title, len(p.comments)) for p in b.posts()
    ]
    assert [(p.id, p.title) for p in generate_world(8).posts()] != [
        (p.id, p.title) for p in a.posts()
    ]
    for post in a.posts():
        assert post.pinned or DATA_START <= post.at < DATA_END
        assert all(c.at < DATA_END and c.at >= post.at for c in post.comments)
    ids = sorted(a.by_id)
    by_time = sorted(a.by_id.values(), key=lambda p: p.at)
    assert [p.id for p in by_time] == ids  # ids grow with time across the whole site


def test_truth_lists_the_weeks_threads_with_their_kinds_and_states() -> None:
    truth = week_truth(WEEK)
    assert truth["week_start"] == "2019-02-04T00:00:00+08:00" and truth["seed"] == 7
    rows = truth["threads"]
    assert {
        "channel",
        "thread_key",
        "new_replies",
        "status",
        "kind",
        "pinned",
        "posted_at",
        "title",
        "url",
    } <= set(rows[0])
    assert {r["status"] for r in rows} == {"ok", "deleted", "hidden"}
    assert {r["kind"] for r in rows} >= {"normal", "chat", "giveaway", "live"}
    assert any(r["pinned"] for r in rows) and any(r["blocked"] for r in rows)
    assert rows == sorted(rows, key=lambda r: (r["channel"], int(r["thread_key"])))
    window = week_starting(WEEK)
    world = build_world(7)
    for r in rows[:50]:
        post = world.by_id[int(r["thread_key"])]
        assert (
            r["new_replies"]
            == sum(
                1
                for c in post.comments
                if window.start <= c.at < window.end and c.shown_at(DEFAULT_NOW)
            )
            or r["status"] != "ok"
        )


def test_the_two_test_clocks_see_a_post_deleted_one_hidden_and_comments_removed() -> None:
    world = build_world(7)
    posts = list(world.posts())
    assert any(
        not p.deleted_by(EARLY) and p.deleted_by(LATE) and p.at >= EARLY - timedelta(days=3)
        for p in posts
    )
    assert any(not p.hidden_by(EARLY) and p.hidden_by(LATE) for p in posts)
    changed = [
        c
        for p in posts
        for c in p.comments
        if c.shown_at(EARLY) and not c.shown_at(LATE) and p.status_at(LATE) == "ok"
    ]
    assert len(changed) >= 2


def test_exclusion_rules_keep_normal_posts_and_catch_chat_giveaway_live() -> None:
    world = build_world(7)
    window = week_starting(WEEK)
    reasons: dict[str, set[str | None]] = {}
    for post in world.posts():
        if post.case:
            continue  # the planted hard cases have their own test (test_replica_plants)
        row = ThreadCount(
            thread_id=post.id,
            platform="dcard",
            channel=world.forum_of(post).name,
            thread_key=str(post.id),
            title=post.title,
            url=post.path,
            posted_at=max(post.at, window.start - timedelta(days=1)),
            status="ok",
            new_replies=1,
            estimate=False,
            body=post.body,
            pinned=post.pinned,
        )
        found = classify(row, window)
        reasons.setdefault("pinned" if post.pinned else post.kind, set()).add(
            found.reason if found else None
        )
    assert reasons["normal"] == {None}
    assert reasons["chat"] == {"chit_chat_periodic"}
    assert reasons["giveaway"] == {"giveaway"}
    assert reasons["live"] == {"live"}
    assert reasons["pinned"] == {"pinned"}


def test_the_truth_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["truth", "--source", "dcard", "--week", "2019-02-04"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == week_truth(WEEK)
    early = world_week_truth(build_world(7), WEEK, EARLY)
    assert all(datetime.fromisoformat(r["posted_at"]) <= EARLY for r in early["threads"])
    assert early["now"] == EARLY.isoformat() and EARLY.tzinfo == TAIPEI
    assert main(["truth", "--source", "dcard", "--week", "2019-02-05"]) == 2
