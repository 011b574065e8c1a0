"""A forum's topic list (`topiclist.php?f=<forum>&p=<page>`): rows newest last reply first."""

from __future__ import annotations

from datetime import datetime

from lxml.html import HtmlElement

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Mobile01ParseError, TopicListPage, TopicRow
from crawlers.pages.mobile01.html import (
    attr,
    canonical_url,
    first,
    inline_text,
    make_tree,
    next_link,
    number,
    page_numbers,
    parse_time,
    query_int,
    refuse,
)


def parse_topic_list(data: str | bytes, url: str | None = None) -> TopicListPage:
    """Parse one topic-list page: its rows (pinned ones flagged, ads skipped) and paging."""
    root = make_tree(data, "topic list")
    if not css.LIST_TABLE(root):
        raise refuse(root, "topic list", "topic table (div.l-listTable)")
    address = canonical_url(root, url)
    forum_id = query_int(css.FORUM_ID, address) or query_int(css.FORUM_ID, url)
    rows = [row for tr in css.LIST_ROW(root) if (row := _row(tr)) is not None]
    if forum_id is None:
        forum_id = rows[0].forum_id if rows else None
    if forum_id is None:
        raise Mobile01ParseError("not a Mobile01 topic list page: no forum id (f=) in its address")
    current, shown_last = page_numbers(root)
    page = current or query_int(css.PAGE_NO, url) or query_int(css.PAGE_NO, address) or 1
    following = next_link(root)
    return TopicListPage(
        forum_id=forum_id,
        forum_name=_forum_name(root),
        page=page,
        last_page=max(shown_last, page + 1 if following else page),
        next_url=following,
        topics=tuple(rows),
    )


def _forum_name(root: HtmlElement) -> str | None:
    """The forum's name as its heading (else its breadcrumb) shows it."""
    heading = inline_text(first(css.HEADING(root)))
    if heading:
        return heading
    crumbs = css.BREADCRUMB_FORUM(root)
    return inline_text(crumbs[-1]) or None if crumbs else None


def _row(tr: HtmlElement) -> TopicRow | None:
    """One row; None for the header row, ads and anything without a topic link."""
    link = first(css.ROW_TITLE_LINK(tr))
    if link is None:
        return None
    href = attr(link, "href")
    topic_id = query_int(css.TOPIC_ID, href)
    forum_id = query_int(css.FORUM_ID, href)
    if topic_id is None or forum_id is None:
        return None
    people = [_cell(cell) for cell in css.ROW_TIME_CELL(tr)]
    author, posted_at = people[0] if people else (None, None)
    last_by, last_at = people[1] if len(people) > 1 else (author, posted_at)
    count_cell = first(css.ROW_COUNT_CELL(tr))
    jumps = [number(inline_text(a)) for a in css.ROW_PAGE_JUMP(tr)]
    badges = {inline_text(b) for b in css.ROW_BADGE(tr)}
    classes = set(attr(tr, "class").split())
    return TopicRow(
        topic_id=topic_id,
        forum_id=forum_id,
        title=inline_text(link),
        url=href,
        author=author,
        posted_at=posted_at,
        last_reply_by=last_by,
        last_reply_at=last_at,
        reply_count=number(inline_text(count_cell)) if count_cell is not None else None,
        pages=max((n for n in jumps if n is not None), default=1),
        pinned=css.PINNED_BADGE in badges or bool(classes & css.PINNED_ROW_CLASSES),
    )


def _cell(cell: HtmlElement) -> tuple[str | None, datetime | None]:
    """(who, when) of a time cell: the poster and post time, or the last replier and time."""
    who = inline_text(first(css.CELL_USER(cell)))
    return who or None, parse_time(inline_text(first(css.CELL_NOTE(cell))))
