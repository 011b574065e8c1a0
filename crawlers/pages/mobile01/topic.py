"""A topic page (`topicdetail.php?f=&t=&p=`): the main post on page 1, then floors, paging."""

from __future__ import annotations

from lxml.html import HtmlElement

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Comment, Floor, Mobile01ParseError, TopicPage
from crawlers.pages.mobile01.html import (
    attr,
    block_text,
    body_soup,
    canonical_url,
    first,
    inline_text,
    is_site_page,
    make_tree,
    next_link,
    number,
    page_numbers,
    page_title,
    parse_time,
    query_int,
    refuse,
    squash,
)


def parse_topic(data: str | bytes, url: str | None = None) -> TopicPage:
    """Parse one topic page; a page saying the topic is gone has status "deleted"."""
    root = make_tree(data, "topic")
    address = canonical_url(root, url)
    topic_id = query_int(css.TOPIC_ID, address) or query_int(css.TOPIC_ID, url)
    floors = _floors(root)
    if not floors:
        if _says_gone(root) and topic_id is not None:
            return _gone(root, topic_id, address or url or "", url)
        raise refuse(root, "topic", "floors (div.l-articlePage with an article_<id>)")
    if topic_id is None:
        raise Mobile01ParseError("not a Mobile01 topic page: no topic id (t=) in its address")
    main = next((f for f in floors if f.floor == 1), None)
    replies = tuple(f for f in floors if f is not main)
    current, shown_last = page_numbers(root)
    page = current or query_int(css.PAGE_NO, url) or 1
    following = next_link(root)
    toolbar = [inline_text(s) for s in css.TOOLBAR_NOTE(root)]
    posted_at = main.posted_at if main else next(filter(None, map(parse_time, toolbar)), None)
    return TopicPage(
        topic_id=topic_id,
        forum_id=_forum_id(root, address, url),
        forum_name=_forum_name(root),
        title=_title(root),
        url=address or url or "",
        page=page,
        last_page=max(shown_last, page + 1 if following else page),
        next_url=following,
        status="ok",
        posted_at=posted_at,
        author=main.author if main else _meta(root, "dable:author"),
        views=next((number(t) for t in toolbar if css.VIEWS_WORD in t), None),
        main=main,
        floors=replies,
    )


def _floors(root: HtmlElement) -> list[Floor]:
    """Every floor on the page once, in page order (ads between floors have no article)."""
    seen: set[str] = set()
    out: list[Floor] = []
    for block in css.FLOOR_BLOCK(root):
        floor = _floor(block)
        if floor is not None and floor.post_id not in seen:
            seen.add(floor.post_id)
            out.append(floor)
    return out


def _floor(block: HtmlElement) -> Floor | None:
    """One `div.l-articlePage`: who, when, which floor, and the text without quoted blocks."""
    article = first(css.FLOOR_ARTICLE(block))
    if article is None:
        return None
    found = css.POST_ID.match(attr(article, "id"))
    if found is None:
        return None
    notes = [inline_text(n) for n in css.FLOOR_NOTES(block)]
    numbers = [int(m.group(1)) for n in notes if (m := css.FLOOR_NO.search(n))]
    author = first(css.FLOOR_AUTHOR(block))
    uid = css.AUTHOR_UID.search(attr(author, "href"))
    is_main = css.MAIN_ARTICLE_CLASS in attr(article, "class").split()
    content, quoted = _content(article)
    return Floor(
        post_id=found.group(1),
        floor=numbers[0] if numbers else (1 if is_main else 0),
        author=inline_text(author) or None,
        author_uid=uid.group(1) if uid else None,
        posted_at=next(filter(None, map(parse_time, notes)), None),
        content=content,
        quoted=quoted,
        comments=tuple(_comment(c) for c in css.COMMENT(block)),
    )


def _content(article: HtmlElement) -> tuple[str, tuple[str, ...]]:
    """A post's text without scripts, ads and quoted blocks, and whom those blocks quoted.

    A quote may hold a quote: the outer one's `user wrote:` names whom this post quotes, and
    the nested ones go with it.
    """
    body = body_soup(article)
    for element in body.select(css.BODY_NOT_CONTENT):
        element.decompose()
    quoted: list[str] = []
    for quote in body.select(css.BODY_QUOTE):
        if quote.find_parent(css.BODY_QUOTE) is not None:
            continue
        for nested in quote.select(css.BODY_QUOTE):
            nested.decompose()
        m = css.WROTE.search(block_text(quote))
        if m:
            quoted.append(squash(m.group(1)))
        quote.decompose()
    return block_text(body), tuple(quoted)


def _comment(block: HtmlElement) -> Comment:
    """One comment (留言) under a floor."""
    text = first(css.COMMENT_TEXT(block))
    return Comment(
        author=inline_text(first(css.COMMENT_AUTHOR(block))) or None,
        posted_at=parse_time(inline_text(first(css.COMMENT_TIME(block)))),
        content=block_text(body_soup(text)) if text is not None else "",
    )


def _says_gone(root: HtmlElement) -> bool:
    """The site's own page saying the topic was deleted or does not exist."""
    if not is_site_page(root):
        return False
    notice = first(css.NOT_FOUND(root))
    text = (notice if notice is not None else root).text_content()
    return css.DELETED_NOTICE.search(text) is not None


def _gone(root: HtmlElement, topic_id: int, address: str, url: str | None) -> TopicPage:
    """The record of a topic the site says is gone."""
    return TopicPage(
        topic_id=topic_id,
        forum_id=_forum_id(root, address, url),
        forum_name=_forum_name(root),
        title=_title(root),
        url=address,
        page=query_int(css.PAGE_NO, url) or 1,
        last_page=1,
        next_url=None,
        status="deleted",
        posted_at=None,
        author=None,
        views=None,
        main=None,
        floors=(),
    )


def _forum_id(root: HtmlElement, address: str | None, url: str | None) -> int | None:
    """The forum the topic is in: its address, else its breadcrumb."""
    found = query_int(css.FORUM_ID, address) or query_int(css.FORUM_ID, url)
    if found is None:
        crumbs = css.BREADCRUMB_FORUM(root)
        found = query_int(css.FORUM_ID, attr(crumbs[-1], "href")) if crumbs else None
    return found


def _forum_name(root: HtmlElement) -> str | None:
    """The forum's name as the breadcrumb shows it."""
    crumbs = css.BREADCRUMB_FORUM(root)
    return inline_text(crumbs[-1]) or None if crumbs else None


def _title(root: HtmlElement) -> str:
    """The topic's title: its heading, else og:title or <title> without ` - Mobile01`."""
    heading = inline_text(first(css.HEADING(root)))
    if heading:
        return heading
    return css.TITLE_SUFFIX.sub("", _meta(root, "og:title") or page_title(root))


def _meta(root: HtmlElement, name: str) -> str | None:
    """A `<meta property=...>` value."""
    values = root.xpath(css.META_PROPERTY, name=name)
    value = squash(str(values[0])) if values else ""
    return value or None
