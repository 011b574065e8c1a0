"""PTT web pages (www.ptt.cc) parsed into plain data: articles with their pushes, board indexes.

One module per page kind (`article`, `index`), the parsed records (`data`), shared HTML helpers
(`html`) and PTT's times (`times`). Pure functions: page text in, records out.
"""

from crawlers.pages.ptt.article import parse_article
from crawlers.pages.ptt.data import PttArticle, PttIndexPage, PttIndexRow, PttParseError, PttPush
from crawlers.pages.ptt.html import article_id_epoch, decode_html
from crawlers.pages.ptt.index import parse_index
from crawlers.pages.ptt.times import TAIPEI

__all__ = [
    "TAIPEI",
    "PttArticle",
    "PttIndexPage",
    "PttIndexRow",
    "PttParseError",
    "PttPush",
    "article_id_epoch",
    "decode_html",
    "parse_article",
    "parse_index",
]
