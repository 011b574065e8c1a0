"""Every selector and marker the Mobile01 parsers read, in one place.

The markup is the site's 2018 redesign as open-source Mobile01 scrapers select it (see
docs/sources/MOBILE01.md for which selector is seen where). When the site changes, this is the
file to edit.
"""

from __future__ import annotations

import re

# -- the forum index: the site menu on the home page ------------------------------------------
MENU = ".l-menu"
MENU_FORUM_LINK = 'a[href*="topiclist.php"]'
MENU_SECTION_LINK = 'a[href*="forumtopic.php"]'

# -- a forum's topic list: topiclist.php?f=<forum>&p=<page> -----------------------------------
LIST_TABLE = "div.l-listTable"
LIST_ROW = "div.l-listTable__tbody > div.l-listTable__tr"
ROW_TITLE_LINK = 'div.c-listTableTd__title a[href*="topicdetail.php"]'
ROW_BADGE = "div.c-listTableTd__attach .o-hashtag"
ROW_PAGE_JUMP = "ul.l-jumpList a"
ROW_TIME_CELL = "div.l-listTable__td--time"
ROW_COUNT_CELL = "div.l-listTable__td--count"
CELL_USER = "a.u-username"
CELL_NOTE = ".o-fNotes"
PINNED_BADGE = "置頂"
PINNED_ROW_CLASSES = frozenset({"is-sticky", "is-pinned", "sticky"})

# -- both kinds of page ---------------------------------------------------------------------
HEADING = "h1"
CANONICAL = 'link[rel="canonical"]'
LINK_NEXT = 'link[rel="next"]'
PAGINATION_LINK = "ul.l-pagination a.c-pagination[data-page]"
PAGINATION_ACTIVE = "ul.l-pagination li.is-active a.c-pagination[data-page]"
BREADCRUMB_FORUM = '.c-breadCrumb a[href*="topiclist.php"]'
SITE_MARKERS = (".l-header", ".l-menu", LIST_TABLE, "div.l-articlePage", ".l-notFound")

# -- a topic page: topicdetail.php?f=<forum>&t=<topic>&p=<page> --------------------------------
FLOOR_BLOCK = "div.l-articlePage"
FLOOR_AUTHOR = "div.l-articlePage__author .c-authorInfo__id a"
FLOOR_NOTES = "div.l-articlePage__publish > div.l-navigation span.o-fNotes"
FLOOR_ARTICLE = 'article[id^="article_"]'
MAIN_ARTICLE_CLASS = "l-publishArea"
QUOTE = "blockquote"
NOT_CONTENT = "script, style, noscript, iframe, .c-ad, ins"
COMMENT = "div.l-leaveMsg"
COMMENT_AUTHOR = "a.u-username"
COMMENT_TIME = "div.msgTool span"
COMMENT_TEXT = "div.msgContent"
TOOLBAR_NOTE = "ul.l-toolBar li.l-toolBar__item span.o-fNotes"
VIEWS_WORD = "瀏覽"
NOT_FOUND = ".l-notFound"

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
