"""`/{page-id}/posts`: a page's posts, newest first, `paging.next` to older ones.

Real answers carry `id` (`<page id>_<post id>`) and `created_time` on every post; `message` is
missing on posts that only have a `story` (a cover photo changed); `permalink_url` and the
`comments`/`reactions` summaries are there only when the `fields` parameter asks for them.
"""

from __future__ import annotations

from crawlers.pages.facebook.data import FacebookPost, PostsPage
from crawlers.pages.facebook.graph import envelope, graph_time, obj, paging, summary_total, text


def parse_posts(data: bytes | str) -> PostsPage:
    """The posts of one page of the edge, in the order given, and where the next page is."""
    value, items = envelope(data, "page posts")
    posts = []
    for n, raw in enumerate(items, start=1):
        what = f"post {n}"
        item = obj(raw, what)
        post_id = text(item, "id", what, required=True)
        assert post_id is not None
        posts.append(
            FacebookPost(
                id=post_id,
                created_at=graph_time(item, "created_time", f"post {post_id}"),
                message=text(item, "message", f"post {post_id}") or "",
                story=text(item, "story", f"post {post_id}"),
                permalink_url=text(item, "permalink_url", f"post {post_id}"),
                comment_total=summary_total(item, "comments", f"post {post_id}"),
                reaction_total=summary_total(item, "reactions", f"post {post_id}"),
            )
        )
    return PostsPage(tuple(posts), paging(value, "page posts"))
