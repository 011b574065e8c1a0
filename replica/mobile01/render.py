"""HTML of the Mobile01 replica: the home menu, topic lists, topic pages, gone and challenge pages.

The markup follows the site's 2018 redesign as open-source scrapers select it (see
docs/sources/MOBILE01.md): `div.l-listTable__tr` rows, `div.l-articlePage` floors with
`article_<id>`, `blockquote` quotes, `ul.l-pagination`, and the messiness of a real forum:
whitespace and no-break spaces around names, unpadded hours in lists, ads between floors,
signatures, emoticons, comments under floors, a pagination that shows only nearby pages.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from replica.mobile01.phrases import EMPTY_FORUMS, FORUMS, QUOTE_TAIL
from replica.mobile01.world import Comment, Post, Topic

BASE = "https://www.mobile01.com"
ROBOTS_TXT = """User-agent: *
Disallow: /login.php
Disallow: /member/
Disallow: /search.php
Allow: /

Sitemap: https://www.mobile01.com/sitemap.xml
"""
_AUTHOR = "c-link c-link--gn u-ellipsis"
_WINDOW = 2  # the pagination shows this many pages either side of the current one


def list_time(when: datetime) -> str:
    """A time as the lists show it: the hour without a leading zero (`2019-02-05 3:29`)."""
    return f"{when:%Y-%m-%d} {when.hour}:{when:%M}"


def floor_time(when: datetime) -> str:
    """A time as floors show it (`2019-02-05 03:29`)."""
    return f"{when:%Y-%m-%d %H:%M}"


def _head(title: str, canonical: str, extra: str = "") -> str:
    """The document head."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hant-TW">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)} - Mobile01</title>\n"
        f'<meta property="og:title" content="{escape(title)} - Mobile01">\n'
        f'<link rel="canonical" href="{escape(BASE + canonical)}">\n{extra}'
        '<link rel="stylesheet" href="https://www.mobile01.com/static/css/style.css">\n'
        "</head>\n"
    )


def _header() -> str:
    """The site header every page has."""
    return (
        '<div class="l-header"><div class="l-header__main"><div class="l-header__logo">'
        '<a href="/"><img src="/static/img/logo.svg" alt="Mobile01"></a></div>'
        '<div class="l-header__tools"><div class="l-headerTools__login">'
        '<a href="/login.php">登入</a></div></div></div></div>\n'
    )


def _footer() -> str:
    """The site footer."""
    return (
        '<div class="l-footer"><p>Copyright © Mobile01 All rights reserved.</p></div>\n'
        '<script src="/static/js/app.js"></script>\n</body>\n</html>\n'
    )


def home_page() -> str:
    """The home page: the menu of every forum, nested in its sections (the forum index)."""
    groups: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for spec in FORUMS:
        groups.setdefault(spec.sections, []).append((spec.forum_id, spec.name))
    for forum_id, name, sections in EMPTY_FORUMS:
        groups.setdefault(sections, []).append((forum_id, name))
    tops: dict[str, dict[tuple[str, ...], list[tuple[int, str]]]] = {}
    for sections, forums in groups.items():
        tops.setdefault(sections[0], {})[sections] = forums
    out = [_head("Mobile01", "/"), "<body>\n", _header(), '<nav class="l-menu">\n']
    out.append('  <ul class="l-menu__list">\n')
    for c, (top, subs) in enumerate(tops.items(), start=1):
        out.append(
            f'    <li class="l-menu__item">\n      <a class="l-menu__link" '
            f'href="forumtopic.php?c={c}">{escape(top)}</a>\n'
            '      <div class="l-menu__sub"><ul class="l-menu__subList">\n'
        )
        for s, (sections, forums) in enumerate(subs.items(), start=1):
            links = "".join(
                f'<li class="l-menu__forum"><a href="topiclist.php?f={fid}">\n'
                f"            {escape(name)}\n          </a></li>"
                for fid, name in forums
            )
            if len(sections) > 1:
                out.append(
                    f'        <li class="l-menu__subItem"><a href="forumtopic.php?c={c}&amp;s={s}">'
                    f'{escape(sections[-1])}</a>\n          <ul class="l-menu__forums">{links}</ul>'
                    "</li>\n"
                )
            else:
                out.append(f"        {links}\n")
        out.append("      </ul></div>\n    </li>\n")
    # The menu's "熱門" box lists a forum a second time; the first place is its home.
    out.append(
        '    <li class="l-menu__item"><a class="l-menu__link" href="forumtopic.php?c=99">熱門</a>'
        f'<ul><li><a href="topiclist.php?f={FORUMS[1].forum_id}">{escape(FORUMS[1].name)}</a>'
        "</li></ul></li>\n"
    )
    out.append("  </ul>\n</nav>\n")
    out.append('<div class="l-content"><h2>今日熱門</h2></div>\n')
    out.append(_footer())
    return "".join(out)


def _pagination(base: str, page: int, pages: int) -> str:
    """`ul.l-pagination` with the pages near the current one (not always the last one)."""
    if pages <= 1:
        return ""
    lo, hi = max(1, page - _WINDOW), min(pages, page + _WINDOW)
    items = []
    for n in range(lo, hi + 1):
        active = " is-active" if n == page else ""
        items.append(
            f'<li class="l-pagination__page{active}"><a class="c-pagination{active}" '
            f'data-page="{n}" href="{base}&amp;p={n}">{n}</a></li>'
        )
    if page < pages:
        items.append(
            f'<li class="l-pagination__next"><a class="c-pagination c-pagination--next" '
            f'href="{base}&amp;p={page + 1}">下一頁</a></li>'
        )
    return f'<div class="l-pagination__wrap"><ul class="l-pagination">{"".join(items)}</ul></div>\n'


def _links(base: str, page: int, pages: int) -> str:
    """`link rel=prev/next` in the head."""
    out = ""
    if page > 1:
        out += f'<link rel="prev" href="{escape(BASE + base)}&amp;p={page - 1}">\n'
    if page < pages:
        out += f'<link rel="next" href="{escape(BASE + base)}&amp;p={page + 1}">\n'
    return out


def _user(name: str, uid: int, cls: str = "c-link u-ellipsis u-username") -> str:
    """A member link, with the whitespace the site leaves around names."""
    return f'<a class="{cls}" href="userinfo.php?id={uid}">\n    {escape(name)}&nbsp;\n  </a>'


def topic_list_page(
    forum_id: int, name: str, sections: tuple[str, ...], rows: list[Topic], page: int, pages: int,
    now: datetime,
) -> str:  # fmt: skip
    """One page of a forum's topic list, rows given newest last reply first."""
    base = f"topiclist.php?f={forum_id}"
    crumbs = "".join(f'<a href="forumtopic.php?c=1">{escape(s)}</a> &gt; ' for s in sections)
    out = [
        _head(name, f"/{base}&p={page}", _links(f"/{base}", page, pages)),
        "<body>\n",
        _header(),
        f'<div class="c-breadCrumb">{crumbs}<a href="{base}">{escape(name)}</a></div>\n',
        f'<div class="l-heading"><h1 class="t2">\n  {escape(name)}\n</h1></div>\n',
        '<div class="l-listTable">\n<div class="l-listTable__thead"><div class="l-listTable__tr">'
        '<div class="l-listTable__th">主題</div><div class="l-listTable__th">作者</div>'
        '<div class="l-listTable__th">最新回覆</div><div class="l-listTable__th">回覆</div>'
        "</div></div>\n",
        '<div class="l-listTable__tbody">\n',
    ]
    for n, topic in enumerate(rows):
        if n == 5:
            out.append(
                '<div class="l-listTable__tr c-listTableAd"><div class="l-listTable__td">'
                '<span class="o-hashtag">贊助</span><a href="https://ad.example.com/c?id=9">'
                "年終大促銷 全館免運</a></div></div>\n"
            )
        out.append(_row(forum_id, topic, now))
    out.append("</div>\n</div>\n")
    out.append(_pagination(base, page, pages))
    out.append(_footer())
    return "".join(out)


def _row(forum_id: int, topic: Topic, now: datetime) -> str:
    """One `div.l-listTable__tr`."""
    posts = topic.visible_posts(now)
    last = max(posts, key=lambda p: (p.at, p.floor))
    pages = -(-len(posts) // 10)
    href = f"topicdetail.php?f={forum_id}&amp;t={topic.topic_id}"
    jump = ""
    if pages > 1:
        jump = (
            '<ul class="l-jumpList">'
            + "".join(f'<li><a href="{href}&amp;p={n}">{n}</a></li>' for n in range(2, pages + 1))
            + "</ul>"
        )
    badge = '<div class="c-listTableTd__attach"><span class="o-hashtag">置頂</span></div>'
    return (
        '<div class="l-listTable__tr">\n'
        '  <div class="l-listTable__td l-listTable__td--title"><div class="c-listTableTd">'
        f'<div class="c-listTableTd__title"><a class="c-link u-ellipsis" href="{href}">\n'
        f"      {escape(topic.title)}\n    </a></div>"
        f"{badge if topic.pinned else ''}{jump}</div></div>\n"
        f'  <div class="l-listTable__td l-listTable__td--time"><div>'
        f"{_user(topic.author.name, topic.author.uid)}</div>"
        f'<div class="o-fNotes o-fSubMini">{list_time(topic.posted_at)}&nbsp;&nbsp;</div></div>\n'
        f'  <div class="l-listTable__td l-listTable__td--time"><div>'
        f"{_user(last.author.name, last.author.uid)}</div>"
        f'<div class="o-fNotes o-fSubMini">{list_time(last.at)}</div></div>\n'
        f'  <div class="l-listTable__td l-listTable__td--count"><div class="o-fMini">'
        f"{len(posts) - 1:,}</div></div>\n</div>\n"
    )


def _quote(post: Post, depth: int = 0) -> str:
    """A quoted floor: `user wrote:` and the start of its text; its own quote nested inside."""
    inner = _quote(post.quote[0], depth + 1) if post.quote and depth < 1 else ""
    start = post.lines[0][:10] if post.lines else ""
    return (
        f'<blockquote>{inner}<a href="userinfo.php?id={post.author.uid}">'
        f"{escape(post.author.name)}</a> wrote:<br>{escape(start)}{QUOTE_TAIL}</blockquote>"
    )


def _comments(comments: tuple[Comment, ...], now: datetime) -> str:
    """The comments (留言) under a floor that show at now."""
    shown = [c for c in comments if c.at <= now]
    if not shown:
        return ""
    return "".join(
        '<div class="l-leaveMsg"><div class="l-leaveMsg__author">'
        f'<a class="u-username" href="userinfo.php?id={c.author.uid}">{escape(c.author.name)}'
        f'</a></div><div class="msgContent c-summary__desc">\n  {escape(c.text)}\n</div>'
        '<div class="msgTool l-navigation u-gapNextV"><div class="l-navigation__item">'
        f"<span>{list_time(c.at)}</span></div></div></div>"
        for c in shown
    )


def _floor(post: Post, now: datetime, op: int) -> str:
    """One `div.l-articlePage`: the main post (`l-publishArea`) or a reply."""
    main = post.floor == 1
    body = "".join(
        f"<div>{escape(line)}</div>\n" if main else f"{escape(line)}<br>\n" for line in post.lines
    )
    if post.emoticon:
        body += '<img src="https://attach.mobile01.com/images/emoticon/smile.gif" alt="">\n'
    quote = _quote(post.quote[0]) if post.quote else ""
    if main:
        article = (
            f'<div itemprop="articleBody"><article class="l-publishArea topic_article" '
            f'id="article_{post.post_id}">\n{body}</article></div>'
        )
    else:
        article = (
            '<div class="u-gapBottom--max c-articleLimit"><article class="u-gapBottom--max '
            f'c-articleLimit" id="article_{post.post_id}">\n{quote}\n<!-- reply -->\n{body}'
            "</article></div>"
        )
    sign = post.author.signature
    signature = f'<div class="l-articlePage__sign">{escape(sign)}</div>' if sign else ""
    status = '<div class="c-authorInfo__status">樓主</div>' if post.author.uid == op else ""
    return (
        '<div class="l-articlePage">\n'
        '  <div class="l-articlePage__author"><div class="l-author">'
        f'<div class="c-authorInfo__id">{_user(post.author.name, post.author.uid, _AUTHOR)}'
        f"</div>{status}</div></div>\n"
        '  <div class="l-articlePage__publish">\n'
        '    <div class="l-navigation"><div class="l-navigation__item">'
        f'<span class="o-fNotes o-fSubMini">{floor_time(post.at)}</span>'
        f'<span class="o-fNotes o-fSubMini">#{post.floor}</span></div></div>\n'
        f"    {article}\n    {signature}{_comments(post.comments, now)}\n"
        "  </div>\n</div>\n"
    )


def topic_page(topic: Topic, posts: list[Post], page: int, pages: int, now: datetime) -> str:
    """One page of a topic: the header, its floors (ads between some), the pagination."""
    f = topic.forum
    base = f"topicdetail.php?f={f.forum_id}&amp;t={topic.topic_id}"
    canonical = f"/topicdetail.php?f={f.forum_id}&t={topic.topic_id}"
    if page > 1:
        canonical += f"&p={page}"
    extra = (
        f'<meta property="article:published_time" content="{topic.posted_at.isoformat()}">\n'
        f'<meta property="dable:author" content="{escape(topic.author.name)}">\n'
        + _links(f"/topicdetail.php?f={f.forum_id}&t={topic.topic_id}", page, pages)
    )
    crumbs = "".join(f'<a href="forumtopic.php?c=1">{escape(s)}</a> &gt; ' for s in f.sections)
    out = [
        _head(topic.title, canonical, extra),
        "<body>\n",
        _header(),
        f'<div class="c-breadCrumb">{crumbs}<a href="topiclist.php?f={f.forum_id}">'
        f"{escape(f.name)}</a></div>\n",
        f'<div class="l-heading"><h1 class="t2">\n  {escape(topic.title)}\n</h1>\n',
        '<ul class="l-toolBar"><li class="l-toolBar__item"><span class="o-fNotes o-fSubMini">'
        f"{floor_time(topic.posted_at)}</span></li>"
        '<li class="l-toolBar__item"><span class="o-fNotes o-fSubMini">'
        f"{topic.views:,} 瀏覽</span></li></ul></div>\n",
    ]
    for n, post in enumerate(posts):
        if n == 3:
            out.append(
                '<div class="l-articlePage c-adArticle"><div class="l-articlePage__publish">'
                '<div class="c-ad"><ins class="adsbygoogle"></ins>廣告</div></div></div>\n'
            )
        out.append(_floor(post, now, topic.author.uid))
    out.append(_pagination(base, page, pages))
    out.append(_footer())
    return "".join(out)


def gone_page(topic: Topic) -> str:
    """What a topic a moderator deleted answers (200, the site's own notice)."""
    f = topic.forum
    return (
        _head("文章已刪除", f"/topicdetail.php?f={f.forum_id}&t={topic.topic_id}")
        + "<body>\n"
        + _header()
        + f'<div class="c-breadCrumb"><a href="topiclist.php?f={f.forum_id}">{escape(f.name)}'
        "</a></div>\n"
        '<div class="l-notFound"><p class="l-notFound__text">此主題已被刪除</p>'
        '<a href="/">回首頁</a></div>\n' + _footer()
    )


def not_found_page() -> str:
    """The site's 404 page (a topic its author deleted, or that never was)."""
    return (
        _head("找不到網頁", "/404")
        + "<body>\n"
        + _header()
        + '<div class="l-notFound"><p class="l-notFound__text">您要找的主題不存在</p></div>\n'
        + _footer()
    )


def challenge_page(ray: str) -> str:
    """The Cloudflare challenge a forum answers with when the client is not trusted (403)."""
    return (
        '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
        '<meta http-equiv="refresh" content="390"><meta name="robots" content="noindex,nofollow">'
        '</head><body><div class="main-wrapper" role="main"><div class="main-content">'
        "<h1>www.mobile01.com</h1><h2>Checking if the site connection is secure</h2>"
        "<noscript><div>Enable JavaScript and cookies to continue</div></noscript></div></div>"
        f'<script>window._cf_chl_opt={{cRay: "{ray}",cType: "managed"}};</script>'
        '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray='
        f'{ray}"></script></body></html>'
    )
