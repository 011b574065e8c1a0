"""Dcard's JSON API v2 (www.dcard.tw/service/api/v2) parsed into plain records.

One module per route: `forums`, `posts` (a forum's list and one post), `comments`; the records
(`data`) and how an answer is read (`payload`: BOM, challenge pages, typed fields). Pure
functions: response bytes in, records out.
"""

from crawlers.pages.dcard.comments import parse_comments
from crawlers.pages.dcard.data import DcardComment, DcardForum, DcardParseError, DcardPost
from crawlers.pages.dcard.forums import aliases_by_name, parse_forums
from crawlers.pages.dcard.payload import TAIPEI, refusal
from crawlers.pages.dcard.posts import POST_NOT_FOUND, parse_post, parse_posts, post_id_in

__all__ = [
    "POST_NOT_FOUND",
    "TAIPEI",
    "DcardComment",
    "DcardForum",
    "DcardParseError",
    "DcardPost",
    "aliases_by_name",
    "parse_comments",
    "parse_forums",
    "parse_post",
    "parse_posts",
    "post_id_in",
    "refusal",
]
