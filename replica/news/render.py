"""The news replica's pages and answers, in each site's own markup and JSON shapes.

LINE TODAY style: section cards `a.articleCard` with absolute paths and share-tracking
parameters, the publish time as epoch ms on `time[data-publish-ms]`, comments as
`{"status": "0", "result": {"comments": [...], "count", "nextPivot"}}` with `commentSn`,
`createdDate` (epoch ms), `contents[].extData.content`, `userName`, `replyCount`, and a deleted
comment kept with `status: "DELETED"` and no contents. Yahoo style: `ul.stream-items` with
links relative to the section (`../slug-id.html`), the id in a `yahoo:content-id` meta, ISO
times, comments as `{"canvassMessages": [...], "total"}` with `messageId`, `createdAt`,
`details.userText`, `meta.author.nickname`; a deleted comment is left out.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from replica.news.world import Article, Comment, SiteSpec

ROBOTS_TXT = "User-agent: *\nDisallow: /login\nDisallow: /account/\n"


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON as the sites send it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def title_html(title: str) -> str:
    """A title escaped as the sites write it: `&amp;`, `&lt;`, and 「 」 as numeric entities."""
    return escape(title, quote=False).replace("「", "&#12300;").replace("」", "&#x300D;")


def _zulu(at: datetime, spec: str) -> str:
    """UTC ISO 8601 with a Z, as Yahoo writes times."""
    return at.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def pivot(comment: Comment) -> str:
    """LINE TODAY's opaque cursor: the last comment's serial, base64."""
    return base64.urlsafe_b64encode(f"sn:{comment.id}".encode()).decode().rstrip("=")


def unpivot(text: str) -> str | None:
    """The comment serial a cursor names, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return raw[3:] if raw.startswith("sn:") else None


def section_page(spec: SiteSpec, section: str, articles: list[Article], prefix: str) -> bytes:
    """A section's list page, newest first."""
    if spec.style == "line":
        cards = "\n".join(
            f'<li><a class="articleCard" href="{prefix}{a.path}?utm_source=line&amp;'
            f'utm_medium=tab"><span class="articleCard-title">{title_html(a.title)}</span>'
            "</a></li>"
            for a in articles
        )
        return (
            '<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8">'
            f"<title>{section} | LINE TODAY</title></head><body>"
            '<header class="header">LINE TODAY</header>'
            f'<main><h2 class="tabTitle">{section}</h2><ul class="list">\n{cards}\n</ul>'
            '<a class="articleCard-ad" href="https://ad.line.me/x">廣告</a></main>'
            "</body></html>"
        ).encode()
    items = "\n".join(
        f'<li class="js-stream-content Pos(r)"><div><h3 class="Mb(5px)">'
        f'<a href="../{a.slug}-{a.id}.html" class="js-content-viewer">{title_html(a.title)}</a>'
        "</h3></div></li>"
        for a in articles
    )
    return (
        '<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="utf-8">'
        f'<title>{section} - Yahoo奇摩新聞</title></head><body><div id="YDC-Stream">'
        f'<ul class="stream-items">\n{items}\n'
        '<li class="native-ad"><h3><a href="https://beap.gemini.yahoo.com/x">贊助</a></h3></li>'
        "</ul></div></body></html>"
    ).encode()


def article_page(a: Article) -> bytes:
    """An article page; one whose time is missing shows no `<time>` at all."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in a.body.split("\n"))
    if a.site.style == "line":
        when = (
            f'<time class="entityPublishInfo-time" data-publish-ms="{_ms(a.at)}">'
            f"{a.at:%Y/%m/%d %H:%M}</time>"
            if a.shows_time
            else ""
        )
        return (
            '<!DOCTYPE html><html lang="zh-Hant"><head><meta charset="utf-8">'
            f"<title>{title_html(a.title)} | LINE TODAY</title></head><body>"
            f'<header><h1 class="entityTitle">{title_html(a.title)}</h1>'
            f'<div class="entityPublishInfo">{when}</div></header>'
            f'<article class="newsContent">{paragraphs}</article>'
            '<section class="commentList" data-count="0"></section></body></html>'
        ).encode()
    when = (
        f'<time datetime="{_zulu(a.at, "milliseconds")}">{a.at:%Y年%m月%d日 %H:%M}</time>'
        if a.shows_time
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="utf-8">'
        f'<meta name="yahoo:content-id" content="{a.id}">'
        f"<title>{title_html(a.title)}</title></head><body>"
        f'<header><h1 data-test-locator="headline">{title_html(a.title)}</h1></header>'
        f'<div class="caas-attr-meta">{when}</div>'
        f'<div class="caas-body">{paragraphs}</div></body></html>'
    ).encode()


def line_comments(shown: list[Comment], now: datetime, count: int, nxt: str | None) -> bytes:
    """A LINE TODAY comment list answer."""
    objects = []
    for c in shown:
        gone = c.deleted_by(now)
        objects.append(
            {
                "commentSn": c.id,
                "createdDate": _ms(c.at),
                "status": "DELETED" if gone else "NORMAL",
                "contents": [] if gone else [{"type": "TEXT", "extData": {"content": c.text}}],
                "userName": "" if gone else c.author,
                "replyCount": c.replies,
                "likeCount": 0,
            }
        )
    return dumps({"status": "0", "result": {"comments": objects, "count": count, "nextPivot": nxt}})


def yahoo_comments(shown: list[Comment], total: int) -> bytes:
    """A Yahoo comment list answer (deleted comments already left out)."""
    objects = [
        {
            "messageId": c.id,
            "createdAt": _zulu(c.at, "seconds"),
            "details": {"userText": c.text},
            "meta": {"author": {"nickname": c.author}},
            "reactionStats": {"replyCount": c.replies, "upVoteCount": 0},
        }
        for c in shown
    ]
    return dumps({"canvassMessages": objects, "total": total})


def not_found() -> bytes:
    """The sites' 404 page."""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>404</title></head>'
        "<body><p>找不到這篇文章</p></body></html>".encode()
    )
