"""Facebook's Graph API (graph.facebook.com) parsed into plain records.

One module per edge: `posts` (a page's posts), `comments` (a post's comments), `pages` (the
pages search, to find a page's id by its shown name); `graph` reads an answer (JSON, the error
object, times, summaries, paging); `data` holds the records and error types. Pure functions:
response bytes in, records out.
"""

from crawlers.pages.facebook.comments import parse_comments
from crawlers.pages.facebook.data import (
    CommentsPage,
    FacebookComment,
    FacebookPage,
    FacebookParseError,
    FacebookPost,
    GraphApiError,
    Paging,
    PostsPage,
)
from crawlers.pages.facebook.graph import TAIPEI, graph_error, load
from crawlers.pages.facebook.pages import page_id_named, parse_pages
from crawlers.pages.facebook.posts import parse_posts

__all__ = [
    "TAIPEI",
    "CommentsPage",
    "FacebookComment",
    "FacebookPage",
    "FacebookParseError",
    "FacebookPost",
    "GraphApiError",
    "Paging",
    "PostsPage",
    "graph_error",
    "load",
    "page_id_named",
    "parse_comments",
    "parse_pages",
    "parse_posts",
]
