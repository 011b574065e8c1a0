"""Mutated pages for every parser: seeds (real files under ../shared, replica pages) and mutations.

Shared by tests/test_parsers_property.py (a few hundred cases in the suite) and
bench/bench_fuzz.py (a long run with figures). A parser passes when, for any bytes, it returns
its record or raises its own documented error (a ValueError subclass naming what is wrong).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from crawlers.pages.dcard import (
    DcardParseError,
    parse_comments,
    parse_forums,
    parse_post,
    parse_posts,
)
from crawlers.pages.facebook import FacebookParseError
from crawlers.pages.facebook import parse_comments as parse_fb_comments
from crawlers.pages.facebook import parse_pages as parse_fb_pages
from crawlers.pages.facebook import parse_posts as parse_fb_posts
from crawlers.pages.mobile01 import Mobile01ParseError
from crawlers.pages.mobile01.forums import parse_forums as parse_m01_forums
from crawlers.pages.mobile01.topic import parse_topic
from crawlers.pages.mobile01.topiclist import parse_topic_list
from crawlers.pages.news import NewsParseError
from crawlers.pages.news import parse_article as parse_news_article
from crawlers.pages.news import parse_comments as parse_news_comments
from crawlers.pages.news import parse_section as parse_news_section
from crawlers.pages.ptt import PttParseError, parse_article, parse_index
from crawlers.pages.youtube import (
    YoutubeParseError,
    parse_channels,
    parse_comment_threads,
    parse_playlist_items,
    parse_videos,
)
from crawlers.pages.youtube import parse_comments as parse_yt_comments
from crawlers.sources.news import sites as news_sites
from replica.clock import DEFAULT_NOW
from replica.sources import credential, make_site

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
CRAWLED_AT = datetime.fromisoformat("2021-06-01T12:00:00+08:00")
SEED = 7


@dataclass(frozen=True)
class Parser:
    """A parser under test: how to call it on bytes, the error it documents, its seed pages."""

    name: str
    call: Callable[[bytes], object]
    error: type[Exception]
    real: tuple[str, ...]  # file names under ../shared/fixtures/real
    replica: tuple[tuple[str, str, dict[str, str]], ...]  # (source, path, query)
    is_json: bool = False


def _ptt_article(data: bytes) -> object:
    return parse_article(
        data, url="https://www.ptt.cc/bbs/Test/M.1.A.1.html", crawled_at=CRAWLED_AT
    )


def _ptt_index(data: bytes) -> object:
    return parse_index(data, url="https://www.ptt.cc/bbs/Test/index.html")


def _dcard_post(data: bytes) -> object:
    return parse_post(data, url="https://www.dcard.tw/service/api/v2/posts/1")


def _m01_topic(data: bytes) -> object:
    return parse_topic(data, url="https://www.mobile01.com/topicdetail.php?f=1&t=2")


def _m01_list(data: bytes) -> object:
    return parse_topic_list(data, url="https://www.mobile01.com/topiclist.php?f=1")


def _news_site(site_id: str) -> Any:
    return next(s for s in news_sites({}) if s.id == site_id)


def _news(kind: str, site_id: str) -> Callable[[bytes], object]:
    """A news parser of one configured site, at a URL on the replica's path for it."""

    def call(data: bytes) -> object:
        site = _news_site(site_id)
        url = f"http://127.0.0.1:1/{site_id}/"
        if kind == "section":
            return parse_news_section(data, site, url)
        if kind == "article":
            return parse_news_article(data, site, url + "tw/v2/article/Ab12Cd")
        return parse_news_comments(data, site)

    return call


def _news_parsers() -> tuple[Parser, ...]:
    """Section, article and comments parsers of both shipped sites, seeded from the replica."""
    out = []
    for site_id in ("linetoday", "yahoo"):
        for kind in ("section", "article", "comments"):
            out.append(
                Parser(
                    f"news-{site_id}-{kind}",
                    _news(kind, site_id),
                    NewsParseError,
                    (),
                    (),
                    is_json=kind == "comments",
                )
            )
    return tuple(out)


_PTT_ARTICLES = tuple(
    p
    for p in (
        "ptt/ptt_article_Beauty_M.1499790734.A.833.html",
        "ptt/ptt_article_GO_M.1597603762.A.135_2020-08-17_EDITED-title.html",
        "ptt/ptt_article_Gossiping_M.1119222611.A.7A9.html",
        "ptt/ptt_article_Gossiping_M.1577579359.A.B76.html",
        "ptt/ptt_article_Soft_Job_M.1181801925.A.86E.html",
        "ptt/ptt_article_TFSHS66th321_M.1498563199.A.35C_2017_EDITED-pushdates.html",
        "ptt/ptt_article_WomenTalk_M.1143885175.A.C8D.html",
        "ptt/ptt_404_page_Gossiping.html",
    )
)
_DCARD_API = "/service/api/v2"
_YT_API = "/youtube/v3"
_FB_API = "/v19.0"
_FB_TOKEN = {"access_token": credential("facebook") or ""}
_FB_POSTS = {"fields": "id,message,created_time,permalink_url,comments.summary(true).limit(0)"}

PARSERS: tuple[Parser, ...] = (
    Parser(
        "ptt-article",
        _ptt_article,
        PttParseError,
        _PTT_ARTICLES,
        (("ptt", "/bbs/Gossiping/index.html", {}),),  # replaced by articles in seeds()
    ),
    Parser(
        "ptt-index",
        _ptt_index,
        PttParseError,
        (
            "ptt/ptt_index_ALLPOST_index3637_2020-08-17.html",
            "ptt/ptt_index_Beauty_index2219_2017-07.html",
            "ptt/ptt_index_LoL_index4381_2016_old-layout_EDITED.html",
            "ptt/ptt_index_MakeUp_index3627_2021-03-22_bs4serialized.html",
        ),
        (("ptt", "/bbs/Gossiping/index.html", {}),),
    ),
    Parser(
        "dcard-forums",
        parse_forums,
        DcardParseError,
        ("dcard/dcard_api_v2_forums_2016.json", "dcard/dcard_api_v2_forums_list_2024-03.json"),
        (("dcard", f"{_DCARD_API}/forums", {}),),
        is_json=True,
    ),
    Parser(
        "dcard-posts",
        parse_posts,
        DcardParseError,
        (
            "dcard/dcard_api_v2_forum_photography_posts_2022-06-30.json",
            "dcard/dcard_api_v2_post_metas_2016.json",
            "dcard/dcard_api_v2_posts_2016.json",
        ),
        (),
        is_json=True,
    ),
    Parser(
        "dcard-post",
        _dcard_post,
        DcardParseError,
        ("dcard/dcard_api_v2_single_post_content_2016.json",),
        (),
        is_json=True,
    ),
    Parser(
        "dcard-comments",
        parse_comments,
        DcardParseError,
        (
            "dcard/dcard_api_v2_single_post_comments_2016.json",
            "dcard/dcard_api_v2_single_post_single_comments_2016.json",
        ),
        (),
        is_json=True,
    ),
    Parser(
        "youtube-channels",
        parse_channels,
        YoutubeParseError,
        (),
        (("youtube", f"{_YT_API}/channels", {"part": "contentDetails", "forHandle": "VITO維特"}),),
        is_json=True,
    ),
    Parser("youtube-playlist-items", parse_playlist_items, YoutubeParseError, (), (), True),
    Parser(
        "youtube-videos",
        parse_videos,
        YoutubeParseError,
        (
            "youtube/youtube_api_v3_videos_chart_paged_1.json",
            "youtube/youtube_api_v3_videos_info_multi.json",
            "youtube/youtube_api_v3_videos_list_with_statistics_single.json",
        ),
        (),
        is_json=True,
    ),
    Parser(
        "youtube-comment-threads",
        parse_comment_threads,
        YoutubeParseError,
        (
            "youtube/youtube_api_v3_commentThreads_by_video_paged_1.json",
            "youtube/youtube_api_v3_commentThreads_multi.json",
            "youtube/youtube_api_v3_commentThreads_single.json",
        ),
        (),
        is_json=True,
    ),
    Parser(
        "youtube-comments",
        parse_yt_comments,
        YoutubeParseError,
        (
            "youtube/youtube_api_v3_comments_by_parent_paged_1.json",
            "youtube/youtube_api_v3_comments_by_parent_paged_2.json",
        ),
        (),
        is_json=True,
    ),
    Parser(
        "facebook-pages",
        parse_fb_pages,
        FacebookParseError,
        (),
        (("facebook", f"{_FB_API}/pages/search", {"q": "GirlStyle", **_FB_TOKEN}),),
        is_json=True,
    ),
    Parser(
        "facebook-posts",
        parse_fb_posts,
        FacebookParseError,
        ("facebook/facebook_graph_api_page_posts_response_2021.json",),
        (
            (
                "facebook",
                f"{_FB_API}/350540028367087/posts",
                {"limit": "5", **_FB_POSTS, **_FB_TOKEN},
            ),
        ),
        is_json=True,
    ),
    Parser(
        "facebook-comments",
        parse_fb_comments,
        FacebookParseError,
        (),
        (),
        is_json=True,
    ),
    Parser("mobile01-forums", parse_m01_forums, Mobile01ParseError, (), (("mobile01", "/", {}),)),
    Parser("mobile01-topics", _m01_list, Mobile01ParseError, (), ()),
    Parser("mobile01-topic", _m01_topic, Mobile01ParseError, (), ()),
    *_news_parsers(),
)


@cache
def _site(source: str) -> Any:
    return make_site(source, SEED, DEFAULT_NOW)


def _get(source: str, path: str, query: dict[str, str] | None = None) -> bytes | None:
    key = credential(source)
    query = {**(query or {}), **({"key": key} if key else {})}
    response = _site(source).get(path, query, {"over18": "1"})
    return bytes(response.body) if response.status == 200 else None


def _replica_extra(name: str) -> list[bytes]:
    """A few served pages per parser, found by walking the replica's own routes."""
    found: list[bytes] = []
    if name in ("ptt-article", "mobile01-topics", "mobile01-topic"):
        prefix = {
            "ptt-article": "/bbs/",
            "mobile01-topics": "/topiclist.php",
            "mobile01-topic": "/topicdetail.php",
        }[name]
        source = "ptt" if name.startswith("ptt") else "mobile01"
        paths = [p for p in _site(source).paths() if p.startswith(prefix)]
        if name == "ptt-article":
            paths = [p for p in paths if "/M." in p]
        for target in paths[:: max(1, len(paths) // 4)][:4]:
            path, _, query = target.partition("?")
            params = dict(kv.split("=", 1) for kv in query.split("&") if kv)
            if (page := _get(source, path, params)) is not None:
                found.append(page)
    elif name.startswith("dcard-") and name != "dcard-forums":
        site = _site("dcard")
        forum = next(f for f in site.world.forums.values() if site.listed(f))
        posts = _get("dcard", f"{_DCARD_API}/forums/{forum.alias}/posts", {"limit": "30"})
        if name == "dcard-posts" and posts is not None:
            found.append(posts)
        post = site.listed(forum)[0]
        if name == "dcard-post":
            found.append(_get("dcard", f"{_DCARD_API}/posts/{post.id}") or b"")
        if name == "dcard-comments":
            found.append(_get("dcard", f"{_DCARD_API}/posts/{post.id}/comments") or b"")
    elif name.startswith("youtube-") and name != "youtube-channels":
        found.extend(_youtube_pages(name))
    elif name.startswith("news-"):
        found.extend(_news_seeds(name))
    elif name == "facebook-comments":
        listed = _get("facebook", f"{_FB_API}/1420226118250050/posts", {**_FB_POSTS, **_FB_TOKEN})
        posts = json.loads(listed or b"{}").get("data", [])
        busy = [
            p["id"] for p in posts if p.get("comments", {}).get("summary", {}).get("total_count")
        ]
        for post_id in busy[:2]:
            query = {"summary": "true", "limit": "5", **_FB_TOKEN}
            found.append(_get("facebook", f"{_FB_API}/{post_id}/comments", query) or b"")
    return [f for f in found if f]


def _youtube_pages(name: str) -> list[bytes]:
    """A served page of the route a YouTube parser reads: the busiest channel's newest."""
    site = _site("youtube")
    channel = max(site.world.channels.values(), key=lambda c: len(c.videos))
    videos = [v for v in reversed(channel.videos) if v.exists_at(site.now) and v.threads]
    video = videos[3]
    thread = max(video.threads, key=lambda t: len(t.replies))
    query = {
        "youtube-playlist-items": ("playlistItems", {"playlistId": channel.uploads}),
        "youtube-videos": ("videos", {"id": ",".join(v.id for v in videos[:5])}),
        "youtube-comment-threads": ("commentThreads", {"videoId": video.id}),
        "youtube-comments": ("comments", {"parentId": thread.top.id}),
    }[name]
    parts = {"part": "snippet,contentDetails,statistics,replies", "maxResults": "5"}
    page = _get("youtube", f"{_YT_API}/{query[0]}", {**parts, **query[1]})
    return [page] if page else []


def _news_seeds(name: str) -> list[bytes]:
    """A section page, two listed articles and two comment pages of the site."""
    _, site_id, kind = name.split("-")
    site = _site("news")
    spec = next(s for s in site.world.articles if s.site.id == site_id).site
    section, slug = next(iter(spec.sections.items()))
    inner = f"/tw/v2/tab/{slug}" if spec.style == "line" else f"/{slug}/"
    if kind == "section":
        return [p for p in [_get("news", f"/{site_id}{inner}")] if p]
    listed = [a for a in site.listed(site_id, section) if not a.deleted_by(site.now)][:2]
    if kind == "article":
        return [p for a in listed if (p := _get("news", f"/{site_id}{a.path}"))]
    endpoint = "/webapi/comment/list" if spec.style == "line" else "/_td/api/comments"
    busy = sorted(listed + site.listed(site_id, section)[:10], key=lambda a: -len(a.comments))
    return [
        p
        for a in busy[:2]
        if (p := _get("news", f"/{site_id}{endpoint}", {"articleId": a.id, "contextId": a.id}))
    ]


@cache
def seeds(name: str) -> tuple[bytes, ...]:
    """The seed pages of a parser: its real files that are present, then replica pages."""
    parser = next(p for p in PARSERS if p.name == name)
    pages = [
        (SHARED_REAL / rel).read_bytes() for rel in parser.real if (SHARED_REAL / rel).is_file()
    ]
    if name != "ptt-article":
        for source, path, query in parser.replica:
            if (page := _get(source, path, query)) is not None:
                pages.append(page)
    pages.extend(_replica_extra(name))
    return tuple(pages)


# --- mutations --------------------------------------------------------------------------------

_TOKENS: tuple[bytes, ...] = (
    b"<",
    b">",
    b"</div>",
    b"<div>",
    b'<div class="push">',
    b'<span class="push-ipdatetime">',
    b"<!--",
    b"]]>",
    b'"',
    b"'",
    b"&",
    b"&#0;",
    b"&#xD800;",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xa4\xa4",  # Big5 中
    "推".encode(),
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"-1",
    b"1e309",
    b"9" * 30,
    b'"2019-02-30T25:61:00.000Z"',
    b'<meta charset="big5">',
    b"\xe6\x8e",  # a cut UTF-8 sequence
)

_JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(
        ["2019-02-04T00:00:00.000Z", "", "not a time", "1970-01-01", "9999-12-31T23:59:59Z"]
    )
)
JSON_VALUES = st.recursive(
    _JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One byte-level change: truncate, delete, insert, duplicate, flip or re-encode a slice."""
    n = len(data)
    kind = draw(st.sampled_from(["truncate", "delete", "insert", "dup", "flip", "reencode"]))
    i = draw(st.integers(0, max(0, n)))
    j = draw(st.integers(i, min(n, i + draw(st.sampled_from([1, 8, 64, 4096, n or 1])))))
    if kind == "truncate":
        return data[:i]
    if kind == "delete":
        return data[:i] + data[j:]
    if kind == "insert":
        token = draw(st.sampled_from(_TOKENS) | st.binary(min_size=1, max_size=16))
        return data[:i] + token + data[i:]
    if kind == "dup":
        return data[:j] + data[i:j] + data[j:]
    if kind == "flip":
        return data[:i] + bytes(b ^ 0xFF for b in data[i:j]) + data[j:]
    # re-encode: the page's text in the other encoding (Big5 declared as UTF-8 and the reverse)
    text = data.decode("utf-8", "replace")
    return text.encode("cp950", "replace")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a node of a JSON value."""
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for k, v in enumerate(value[:5]):
            found.extend(_paths(v, (*prefix, k)))
    return found


def _replace(value: Any, path: Sequence[Any], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        copy[head] = _replace(value[head], rest, new)
        return copy
    copy_list = list(value)
    copy_list[head] = _replace(value[head], rest, new)
    return copy_list


@st.composite
def json_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One structural change: a node replaced by any JSON value, or a key dropped."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return draw(byte_mutation(data))
    path = draw(st.sampled_from(_paths(value)))
    if path and draw(st.booleans()):
        node = value
        for step in path[:-1]:
            node = node[step]
        if isinstance(node, dict):
            trimmed = {k: v for k, v in node.items() if k != path[-1]}
            value = _replace(value, path[:-1], trimmed)
            return json.dumps(value, ensure_ascii=False).encode()
    value = _replace(value, path, draw(JSON_VALUES))
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode()


@st.composite
def mutated(draw: st.DrawFn, parser: Parser) -> bytes:
    """A seed page of the parser after one to three mutations."""
    pages = seeds(parser.name)
    data = draw(st.sampled_from(pages))
    for _ in range(draw(st.integers(1, 3))):
        if parser.is_json and draw(st.booleans()):
            data = draw(json_mutation(data))
        else:
            data = draw(byte_mutation(data))
    return data


def outcome(parser: Parser, data: bytes) -> str:
    """'ok' or 'refused' (its documented error); anything else propagates."""
    try:
        parser.call(data)
    except parser.error:
        return "refused"
    return "ok"
