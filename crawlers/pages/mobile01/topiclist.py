"""A forum's topic list (`topiclist.php?f=<forum>&p=<page>`): rows newest last reply first."""

from __future__ import annotations

from datetime import datetime

from bs4 import BeautifulSoup, Tag

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Mobile01ParseError, TopicListPage, TopicRow
from crawlers.pages.mobile01.html import (
    canonical_url,
    make_soup,
    next_link,
    number,
    page_numbers,
    parse_time,
    query_int,
    refuse,
    squash,
)


def parse_topic_list(data: str | bytes, url: str | None = None) -> TopicListPage:
    """Parse one topic-list page: its rows (pinned ones flagged, ads skipped) and paging."""
    soup = make_soup(data, "topic list")
    if soup.select_one(css.LIST_TABLE) is None:
        raise refuse(soup, "topic list", "topic table (div.l-listTable)")
    address = canonical_url(soup, url)
    forum_id = query_int(css.FORUM_ID, address) or query_int(css.FORUM_ID, url)
    rows = [row for tr in soup.select(css.LIST_ROW) if (row := _row(tr)) is not None]
    if forum_id is None:
        forum_id = rows[0].forum_id if rows else None
    if forum_id is None:
        raise Mobile01ParseError("not a Mobile01 topic list page: no forum id (f=) in its address")
    current, shown_last = page_numbers(soup)
    page = current or query_int(css.PAGE_NO, url) or query_int(css.PAGE_NO, address) or 1
    following = next_link(soup)
    last = max(shown_last, page + 1 if following else page)
    return TopicListPage(
        forum_id=forum_id,
        forum_name=_forum_name(soup),
        page=page,
        last_page=last,
        next_url=following,
        topics=tuple(rows),
    )


def _forum_name(soup: BeautifulSoup) -> str | None:
    """The forum's name as its heading (else its breadcrumb) shows it."""
    heading = soup.select_one(css.HEADING)
    if heading is not None and squash(heading.get_text()):
        return squash(heading.get_text())
    crumbs = soup.select(css.BREADCRUMB_FORUM)
    return squash(crumbs[-1].get_text()) if crumbs else None


def _row(tr: Tag) -> TopicRow | None:
    """One row; None for the header row, ads and anything without a topic link."""
    link = tr.select_one(css.ROW_TITLE_LINK)
    if link is None:
        return None
    href = str(link.get("href") or "")
    topic_id = query_int(css.TOPIC_ID, href)
    forum_id = query_int(css.FORUM_ID, href)
    if topic_id is None or forum_id is None:
        return None
    cells = tr.select(css.ROW_TIME_CELL)
    people = [_cell(cell) for cell in cells]
    author, posted_at = people[0] if people else (None, None)
    last_by, last_at = people[1] if len(people) > 1 else (author, posted_at)
    count_cell = tr.select_one(css.ROW_COUNT_CELL)
    jumps = [number(a.get_text()) for a in tr.select(css.ROW_PAGE_JUMP)]
    badges = {squash(b.get_text()) for b in tr.select(css.ROW_BADGE)}
    classes = set(tr.get("class") or ())
    return TopicRow(
        topic_id=topic_id,
        forum_id=forum_id,
        title=squash(link.get_text()),
        url=href,
        author=author,
        posted_at=posted_at,
        last_reply_by=last_by,
        last_reply_at=last_at,
        reply_count=number(count_cell.get_text()) if count_cell is not None else None,
        pages=max((n for n in jumps if n is not None), default=1),
        pinned=css.PINNED_BADGE in badges or bool(classes & css.PINNED_ROW_CLASSES),
    )


def _cell(cell: Tag) -> tuple[str | None, datetime | None]:
    """(who, when) of a time cell: the poster and post time, or the last replier and time."""
    user = cell.select_one(css.CELL_USER)
    note = cell.select_one(css.CELL_NOTE)
    who = squash(user.get_text()) if user is not None else None
    return who or None, parse_time(note.get_text() if note is not None else None)
