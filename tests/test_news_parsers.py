"""News parsers driven by site configuration: pages written here in each shipped site's shape.

No real news pages are under ../shared/fixtures/real yet (docs/sources/NEWS.md lists the shapes
assumed); these pages are the project's own, in the structure the replica serves.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from crawlers.pages.news import (
    NewsParseError,
    Site,
    article_id_in,
    parse_article,
    parse_comments,
    parse_section,
    parse_sites,
)
from crawlers.sources.news import resolve, sites

TAIPEI_8 = "+08:00"
SITES = {s.id: s for s in sites({})}
LINE, YAHOO = SITES["linetoday"], SITES["yahoo"]
LINE_BASE = "https://today.line.me"
YAHOO_BASE = "https://tw.news.yahoo.com"


def page(body: str, head: str = "") -> bytes:
    """A whole HTML page."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    ).encode()


LINE_SECTION = page(
    '<ul><li><a class="articleCard" href="/tw/v2/article/Ab12Cd?utm_source=line&amp;utm_medium=tab'
    '#top">一</a></li><li><a class="articleCard" href="https://today.line.me/tw/v2/article/Zz99Yy">'
    '二</a></li><li><a class="articleCard" href="/tw/v2/article/Ab12Cd">一again</a></li>'
    '<li><a class="articleCard-ad" href="https://ad.line.me/x">廣告</a></li></ul>'
)
YAHOO_SECTION = page(
    '<ul class="stream-items"><li class="js-stream-content"><h3>'
    '<a href="../star-news-123456789.html">甲</a></h3></li><li class="native-ad"><h3><a href="https://beap.gemini.yahoo.com/x">ad</a>'
    '</h3></li><li class="js-stream-content Pos(r)"><div><h3><a href="./sub/x-987654321.html">乙'
    "</a></h3></div></li></ul>"
)


def line_article(time_attr: str = ' data-publish-ms="1549436640000"') -> bytes:
    return page(
        '<header><h1 class="entityTitle">華航&amp;機師 &#12300;罷工&#x300D; &lt;獨家&gt;</h1>'
        f'<div class="entityPublishInfo"><time class="entityPublishInfo-time"{time_attr}>'
        "2019/02/06 15:04</time></div></header>"
        '<article class="newsContent"><p>第一段 <b>重點</b>。</p><p> </p><p>第二段。</p></article>'
    )


def yahoo_article(meta: str = '<meta name="yahoo:content-id" content="123456789">') -> bytes:
    return page(
        '<header><h1 data-test-locator="headline">金曲獎 &amp; 頒獎</h1></header>'
        '<div class="caas-attr-meta"><time datetime="2019-02-05T07:04:00.000Z">x</time></div>'
        '<div class="caas-body"><p>內文一</p><p>內文二</p></div>',
        meta,
    )


def line_comments(comments: list[dict[str, object]], pivot: str | None = "c24x") -> bytes:
    body = {"status": "0", "result": {"comments": comments, "count": 2, "nextPivot": pivot}}
    return json.dumps(body, ensure_ascii=False).encode()


LINE_COMMENT = {
    "commentSn": "Ab12Cd-0001",
    "createdDate": 1549436700000,
    "status": "NORMAL",
    "contents": [{"type": "TEXT", "extData": {"content": "支持"}}],
    "userName": "小明",
    "replyCount": 3,
}
LINE_DELETED = {
    "commentSn": "Ab12Cd-0002",
    "createdDate": 1549436760000,
    "status": "DELETED",
    "contents": [],
    "userName": "",
    "replyCount": 0,
}


def test_a_line_section_page_gives_absolute_clean_links_once_without_ads() -> None:
    got = parse_section(LINE_SECTION, LINE, f"{LINE_BASE}/tw/v2/tab/domestic")
    assert got.links == (
        f"{LINE_BASE}/tw/v2/article/Ab12Cd",
        f"{LINE_BASE}/tw/v2/article/Zz99Yy",
    )


def test_a_yahoo_section_page_resolves_relative_links_by_xpath() -> None:
    got = parse_section(YAHOO_SECTION, YAHOO, f"{YAHOO_BASE}/entertainment/")
    assert got.links == (
        f"{YAHOO_BASE}/star-news-123456789.html",
        f"{YAHOO_BASE}/entertainment/sub/x-987654321.html",
    )


def test_a_line_article_reads_entities_epoch_ms_time_and_the_id_from_its_url() -> None:
    url = f"{LINE_BASE}/tw/v2/article/Ab12Cd"
    got = parse_article(line_article(), LINE, url)
    assert (got.id, got.title) == ("Ab12Cd", "華航&機師 「罷工」 <獨家>")
    assert got.posted_at == datetime.fromisoformat("2019-02-06T15:04:00" + TAIPEI_8)
    assert got.body == "第一段 重點。\n第二段。"
    assert article_id_in(LINE, url) == "Ab12Cd"


def test_an_article_without_a_time_is_kept_undated() -> None:
    got = parse_article(line_article(""), LINE, f"{LINE_BASE}/tw/v2/article/Ab12Cd")
    assert got.posted_at is None and got.title.startswith("華航")
    url = f"{LINE_BASE}/tw/v2/article/Q1"
    bad = parse_article(line_article(' data-publish-ms="soon"'), LINE, url)
    assert bad.posted_at is None


def test_a_yahoo_article_takes_its_id_from_the_meta_else_from_the_url() -> None:
    url = f"{YAHOO_BASE}/star-news-555.html"
    got = parse_article(yahoo_article(), YAHOO, url)
    assert (got.id, got.title, got.body) == ("123456789", "金曲獎 & 頒獎", "內文一\n內文二")
    assert got.posted_at == datetime.fromisoformat("2019-02-05T15:04:00" + TAIPEI_8)
    assert parse_article(yahoo_article(""), YAHOO, url).id == "555"
    with pytest.raises(NewsParseError, match="no article id"):
        parse_article(yahoo_article(""), YAHOO, f"{YAHOO_BASE}/nothing.html")


def test_line_comments_read_cursor_count_replies_and_deleted_flags() -> None:
    got = parse_comments(line_comments([LINE_COMMENT, LINE_DELETED]), LINE)
    assert (got.next, got.count) == ("c24x", 2)
    first, gone = got.comments
    assert (first.id, first.text, first.author, first.replies) == ("Ab12Cd-0001", "支持", "小明", 3)
    assert first.at == datetime.fromisoformat("2019-02-06T15:05:00" + TAIPEI_8)
    assert gone.deleted and gone.text == "" and not first.deleted
    assert parse_comments(line_comments([], None), LINE).next is None


def test_yahoo_comments_read_iso_times_and_nested_fields() -> None:
    answer = {
        "canvassMessages": [
            {
                "messageId": "m1",
                "createdAt": "2019-02-05T08:00:00Z",
                "details": {"userText": "好看"},
                "meta": {"author": {"nickname": "阿華"}},
                "reactionStats": {"replyCount": 1},
            }
        ],
        "total": 1,
    }
    got = parse_comments(json.dumps(answer).encode(), YAHOO)
    (c,) = got.comments
    assert (c.id, c.text, c.author, c.replies, got.count, got.next) == (
        "m1",
        "好看",
        "阿華",
        1,
        1,
        None,
    )
    assert c.at == datetime.fromisoformat("2019-02-05T16:00:00" + TAIPEI_8)


@pytest.mark.parametrize(
    ("data", "site", "reason"),
    [
        (LINE_SECTION[:-20], LINE, "truncated"),
        (line_article()[:-9], LINE, "truncated"),
        (b"", LINE, "empty"),
        (b"<html><title>Just a moment...</title></html>", LINE, "challenge"),
        (
            line_article().replace(b"\xe8", b"\xa4"),
            LINE,
            "UTF-8",
        ),
        (page("<p>nothing</p>"), LINE, "no article links"),
    ],
)
def test_section_and_article_pages_are_refused_in_one_line(
    data: bytes, site: Site, reason: str
) -> None:
    with pytest.raises(NewsParseError, match=reason) as caught:
        if b"entityTitle" in data or reason == "UTF-8":
            parse_article(data, site, f"{LINE_BASE}/tw/v2/article/Ab12Cd")
        else:
            parse_section(data, site, f"{LINE_BASE}/tw/v2/tab/domestic")
    assert "\n" not in str(caught.value)


def test_an_article_without_a_title_is_refused() -> None:
    with pytest.raises(NewsParseError, match="no title"):
        parse_article(page("<p>x</p>"), LINE, f"{LINE_BASE}/tw/v2/article/Ab12Cd")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (line_comments([LINE_COMMENT])[:-10], "not JSON"),
        (b"<!DOCTYPE html><html><title>Just a moment...</title></html>", "challenge"),
        (b"<html><body>oops</body></html>", "not JSON"),
        (b'{"status": "0", "result": {}}', "result.comments is missing"),
        (line_comments([{**LINE_COMMENT, "commentSn": None}]), "commentSn is missing"),
        (line_comments([{**LINE_COMMENT, "createdDate": "soon"}]), "not a epoch_ms time"),
        (line_comments(["x"]), "comment 1 is a JSON str"),
        ("[]".encode("utf-16"), "not UTF-8"),
    ],
)
def test_comment_pages_are_refused_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(NewsParseError, match=reason) as caught:
        parse_comments(data, LINE)
    assert "\n" not in str(caught.value)


def test_a_json_section_page_is_read_by_a_json_path() -> None:
    text = LINE_TOML.replace(
        'links = "css:a.articleCard::attr(href)"', 'links = "json:data.items[].url"'
    )
    (site,) = parse_sites(text, "x.toml")
    answer = {"data": {"items": [{"url": "/tw/v2/article/A1"}, {"url": "/tw/v2/article/B2"}]}}
    got = parse_section(json.dumps(answer).encode(), site, f"{LINE_BASE}/api/tab")
    assert got.links == (f"{LINE_BASE}/tw/v2/article/A1", f"{LINE_BASE}/tw/v2/article/B2")


def test_channels_resolve_to_a_site_and_section() -> None:
    known = tuple(SITES.values())
    assert resolve("LINE TODAY > 國內", known) == (LINE, "國內")
    assert resolve("yahoo新聞 > 娛樂", known) == (YAHOO, "娛樂")
    assert resolve("LINE TODAY > 體育", known) is None
    assert resolve("LINE TODAY 國內", known) is None


LINE_TOML = """
[linetoday]
label = "LINE TODAY"
base_url = "https://today.line.me"
[linetoday.sections]
"國內" = "/tw/v2/tab/domestic"
[linetoday.section]
links = "css:a.articleCard::attr(href)"
[linetoday.article]
id = "url:/article/([A-Za-z0-9]+)"
title = "css:h1.entityTitle::text"
[linetoday.comments]
url = "/webapi/comment/list?articleId={id}"
paging = "cursor"
next = "result.nextPivot"
list = "result.comments"
id = "commentSn"
time = "createdDate"
time_format = "epoch_ms"
text = "contents[0].extData.content"
"""
