"""A topic page (`topicdetail.php?f=&t=&p=`): the main post on page 1, then floors, paging."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Comment, Floor, Mobile01ParseError, TopicPage
from crawlers.pages.mobile01.html import (
    block_text,
    canonical_url,
    is_site_page,
    make_soup,
    next_link,
    number,
    page_numbers,
    parse_time,
    query_int,
    refuse,
    squash,
)


def parse_topic(data: str | bytes, url: str | None = None) -> TopicPage:
    """Parse one topic page; a page saying the topic is gone has status "deleted"."""
    soup = make_soup(data, "topic")
    address = canonical_url(soup, url)
    topic_id = query_int(css.TOPIC_ID, address) or query_int(css.TOPIC_ID, url)
    floors = _floors(soup)
    if not floors:
        if _says_gone(soup) and topic_id is not None:
            return _gone(soup, topic_id, address or url or "", url)
        raise refuse(soup, "topic", "floors (div.l-articlePage with an article_<id>)")
    if topic_id is None:
        raise Mobile01ParseError("not a Mobile01 topic page: no topic id (t=) in its address")
    main = next((f for f in floors if f.floor == 1), None)
    replies = tuple(f for f in floors if f is not main)
    current, shown_last = page_numbers(soup)
    page = current or query_int(css.PAGE_NO, url) or 1
    following = next_link(soup)
    toolbar = [squash(s.get_text()) for s in soup.select(css.TOOLBAR_NOTE)]
    posted_at = main.posted_at if main else next(filter(None, map(parse_time, toolbar)), None)
    return TopicPage(
        topic_id=topic_id,
        forum_id=_forum_id(soup, address, url),
        forum_name=_forum_name(soup),
        title=_title(soup),
        url=address or url or "",
        page=page,
        last_page=max(shown_last, page + 1 if following else page),
        next_url=following,
        status="ok",
        posted_at=posted_at,
        author=main.author if main else _meta(soup, "dable:author"),
        views=next((number(t) for t in toolbar if css.VIEWS_WORD in t), None),
        main=main,
        floors=replies,
    )


def _floors(soup: BeautifulSoup) -> list[Floor]:
    """Every floor on the page once, in page order (ads between floors have no article)."""
    seen: set[str] = set()
    out: list[Floor] = []
    for block in soup.select(css.FLOOR_BLOCK):
        floor = _floor(block)
        if floor is not None and floor.post_id not in seen:
            seen.add(floor.post_id)
            out.append(floor)
    return out


def _floor(block: Tag) -> Floor | None:
    """One `div.l-articlePage`: who, when, which floor, and the text without quoted blocks."""
    article = block.select_one(css.FLOOR_ARTICLE)
    if article is None:
        return None
    found = css.POST_ID.match(str(article.get("id") or ""))
    if found is None:
        return None
    notes = [squash(n.get_text()) for n in block.select(css.FLOOR_NOTES)]
    numbers = [int(m.group(1)) for n in notes if (m := css.FLOOR_NO.search(n))]
    author = block.select_one(css.FLOOR_AUTHOR)
    uid = css.AUTHOR_UID.search(str(author.get("href") or "")) if author is not None else None
    classes = set(article.get("class") or ())
    is_main = css.MAIN_ARTICLE_CLASS in classes
    comments = tuple(_comment(c) for c in block.select(css.COMMENT))
    for element in article.select(css.NOT_CONTENT):
        element.decompose()
    quoted = _drop_quotes(article)
    return Floor(
        post_id=found.group(1),
        floor=numbers[0] if numbers else (1 if is_main else 0),
        author=(squash(author.get_text()) or None) if author is not None else None,
        author_uid=uid.group(1) if uid else None,
        posted_at=next(filter(None, map(parse_time, notes)), None),
        content=block_text(article),
        quoted=quoted,
        comments=comments,
    )


def _drop_quotes(article: Tag) -> tuple[str, ...]:
    """Remove the quoted blocks (nested ones with them); return whom they quoted."""
    outer = [q for q in article.select(css.QUOTE) if q.find_parent(css.QUOTE) is None]
    quoted: list[str] = []
    for quote in outer:
        for nested in quote.select(css.QUOTE):
            nested.decompose()
        m = css.WROTE.search(block_text(quote))
        if m:
            quoted.append(squash(m.group(1)))
        quote.decompose()
    return tuple(quoted)


def _comment(block: Tag) -> Comment:
    """One comment (留言) under a floor."""
    author = block.select_one(css.COMMENT_AUTHOR)
    when = block.select_one(css.COMMENT_TIME)
    text = block.select_one(css.COMMENT_TEXT)
    return Comment(
        author=(squash(author.get_text()) or None) if author is not None else None,
        posted_at=parse_time(when.get_text()) if when is not None else None,
        content=block_text(text) if text is not None else "",
    )


def _says_gone(soup: BeautifulSoup) -> bool:
    """The site's own page saying the topic was deleted or does not exist."""
    if not is_site_page(soup):
        return False
    notice = soup.select_one(css.NOT_FOUND)
    text = notice.get_text() if notice is not None else soup.get_text()
    return css.DELETED_NOTICE.search(text) is not None


def _gone(soup: BeautifulSoup, topic_id: int, address: str, url: str | None) -> TopicPage:
    """The record of a topic the site says is gone."""
    return TopicPage(
        topic_id=topic_id,
        forum_id=_forum_id(soup, address, url),
        forum_name=_forum_name(soup),
        title=_title(soup),
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


def _forum_id(soup: BeautifulSoup, address: str | None, url: str | None) -> int | None:
    """The forum the topic is in: its address, else its breadcrumb."""
    found = query_int(css.FORUM_ID, address) or query_int(css.FORUM_ID, url)
    if found is None:
        crumbs = soup.select(css.BREADCRUMB_FORUM)
        found = query_int(css.FORUM_ID, str(crumbs[-1].get("href") or "")) if crumbs else None
    return found


def _forum_name(soup: BeautifulSoup) -> str | None:
    """The forum's name as the breadcrumb shows it."""
    crumbs = soup.select(css.BREADCRUMB_FORUM)
    return squash(crumbs[-1].get_text()) or None if crumbs else None


def _title(soup: BeautifulSoup) -> str:
    """The topic's title: its heading, else og:title or <title> without ` - Mobile01`."""
    heading = soup.select_one(css.HEADING)
    if heading is not None and squash(heading.get_text()):
        return squash(heading.get_text())
    text = _meta(soup, "og:title") or (soup.title.get_text() if soup.title else "")
    return css.TITLE_SUFFIX.sub("", squash(text or ""))


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    """A `<meta property=...>` value."""
    tag = soup.find("meta", attrs={"property": name})
    value = tag.get("content") if isinstance(tag, Tag) else None
    return squash(value) if isinstance(value, str) and value.strip() else None
