"""Every selector and marker the Mobile01 parsers read, in one place.

The markup is the site's 2018 redesign as open-source Mobile01 scrapers select it (see
docs/sources/MOBILE01.md for which selector is seen where). The page's structure is walked with
lxml (compiled CSS below: fast on every page); a post's body, the messy part, is cleaned with
BeautifulSoup (the `BODY_*` selectors). When the site changes, this is the file to edit.
"""

from __future__ import annotations

import re
from typing import cast

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement


class Css:
    """A CSS selector compiled once for lxml; calling it on an element gives the matches."""

    __slots__ = ("_compiled", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._compiled = CSSSelector(text)

    def __call__(self, el: HtmlElement) -> list[HtmlElement]:
        """The elements under el that match, in document order."""
        return cast(list[HtmlElement], self._compiled(el))


_css = Css


# -- the forum index: the site menu on the home page ------------------------------------------
MENU = _css(".l-menu")
MENU_FORUM_LINK = _css('a[href*="topiclist.php"]')

# -- a forum's topic list: topiclist.php?f=<forum>&p=<page> -----------------------------------
LIST_TABLE = _css("div.l-listTable")
LIST_ROW = _css("div.l-listTable__tbody > div.l-listTable__tr")
ROW_TITLE_LINK = _css('div.c-listTableTd__title a[href*="topicdetail.php"]')
ROW_BADGE = _css("div.c-listTableTd__attach .o-hashtag")
ROW_PAGE_JUMP = _css("ul.l-jumpList a")
ROW_TIME_CELL = _css("div.l-listTable__td--time")
ROW_COUNT_CELL = _css("div.l-listTable__td--count")
CELL_USER = _css("a.u-username")
CELL_NOTE = _css(".o-fNotes")
PINNED_BADGE = "置頂"
PINNED_ROW_CLASSES = frozenset({"is-sticky", "is-pinned", "sticky"})

# -- both kinds of page ---------------------------------------------------------------------
HEADING = _css("h1")
CANONICAL = _css('link[rel="canonical"]')
LINK_NEXT = _css('link[rel="next"]')
PAGINATION_LINK = _css("ul.l-pagination a.c-pagination[data-page]")
PAGINATION_ACTIVE = _css("ul.l-pagination li.is-active a.c-pagination[data-page]")
BREADCRUMB_FORUM = _css('.c-breadCrumb a[href*="topiclist.php"]')
SITE_MARKERS = _css(".l-header, .l-menu, div.l-listTable, div.l-articlePage, .l-notFound")
META_PROPERTY = "//meta[@property=$name]/@content"

# -- a topic page: topicdetail.php?f=<forum>&t=<topic>&p=<page> --------------------------------
FLOOR_BLOCK = _css("div.l-articlePage")
FLOOR_AUTHOR = _css("div.l-articlePage__author .c-authorInfo__id a")
FLOOR_NOTES = _css("div.l-articlePage__publish > div.l-navigation span.o-fNotes")
FLOOR_ARTICLE = _css('article[id^="article_"]')
MAIN_ARTICLE_CLASS = "l-publishArea"
COMMENT = _css("div.l-leaveMsg")
COMMENT_AUTHOR = _css("a.u-username")
COMMENT_TIME = _css("div.msgTool span")
COMMENT_TEXT = _css("div.msgContent")
TOOLBAR_NOTE = _css("ul.l-toolBar li.l-toolBar__item span.o-fNotes")
VIEWS_WORD = "瀏覽"
NOT_FOUND = _css(".l-notFound")

# -- inside a post's body (BeautifulSoup) -----------------------------------------------------
BODY_QUOTE = "blockquote"
BODY_NOT_CONTENT = "script, style, noscript, iframe, .c-ad, ins"

# -- what text and attributes say -------------------------------------------------------------
FORUM_ID = re.compile(r"[?&;]f=(\d+)")
TOPIC_ID = re.compile(r"[?&;]t=(\d+)")
PAGE_NO = re.compile(r"[?&;]p=(\d+)")
POST_ID = re.compile(r"^(?:article_|ct)(\d+)$")
AUTHOR_UID = re.compile(r"userinfo\.php\?(?:.*&)?id=(\d+)")
FLOOR_NO = re.compile(r"#\s*(\d+)")
TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})")
COUNT = re.compile(r"\d[\d,]*")
WROTE = re.compile(r"^\s*(.+?)\s+wrote\s*[:：]", re.MULTILINE)
DELETED_NOTICE = re.compile(r"已被?刪除|不存在|找不到")
TITLE_SUFFIX = re.compile(r"\s*[-|]\s*Mobile01\s*$", re.IGNORECASE)

# -- refusals: a challenge or a block page instead of the site -------------------------------
CHALLENGE_MARKERS = (
    "/cdn-cgi/challenge-platform",
    "cf-browser-verification",
    "cf_chl_",
    "cf-challenge",
    "challenges.cloudflare.com",
    "Just a moment...",
    "Attention Required! | Cloudflare",
    "Checking your browser",
    "cf-error-details",
    "Sorry, you have been blocked",
    "Access denied | ",
    "403 Forbidden",
    "Error 403",
)
