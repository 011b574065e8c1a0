"""`/{post-id}/comments?filter=stream&order=chronological`: a post's comments, oldest first.

A deleted comment is simply not listed any more; `summary.total_count` (with `summary=true`)
is the post's count of comments as the API shows it.
"""

from __future__ import annotations

from crawlers.pages.facebook.data import CommentsPage, FacebookComment, FacebookParseError
from crawlers.pages.facebook.graph import envelope, graph_time, obj, paging, text


def parse_comments(data: bytes | str) -> CommentsPage:
    """The comments of one page of the edge, its summary's total and where the next page is."""
    value, items = envelope(data, "post comments")
    comments = []
    for n, raw in enumerate(items, start=1):
        what = f"comment {n}"
        item = obj(raw, what)
        comment_id = text(item, "id", what, required=True)
        assert comment_id is not None
        comments.append(
            FacebookComment(
                id=comment_id,
                created_at=graph_time(item, "created_time", f"comment {comment_id}"),
                message=text(item, "message", f"comment {comment_id}") or "",
            )
        )
    total: int | None = None
    summary = value.get("summary")
    if summary is not None:
        count = obj(summary, "post comments: `summary`").get("total_count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise FacebookParseError(
                f"post comments: `summary.total_count` is not a count: {count!r}"
            )
        total = count
    return CommentsPage(tuple(comments), paging(value, "post comments"), total)
