"""Ground truth: per post, keyed as Buzz stores it (the Graph post id), the week's new replies.

For a page whose comments cannot be read, `counting` is `estimate`: Buzz can only estimate
from comment totals, and the truth's `new_replies` is the exact count it is measured against.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.facebook.world import Post, World, build_world


def new_replies(post: Post, start: datetime, end: datetime, now: datetime) -> int:
    """Comments made in [start, end) that a reader still sees at now (or at the post's deletion)."""
    horizon = post.deleted_at if post.deleted_by(now) and post.deleted_at else now
    return sum(1 for c in post.comments if start <= c.at < end and c.shown_at(horizon))


def thread_truth(post: Post, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Describe one post for the truth file."""
    return {
        "channel": post.page.name,
        "page_id": post.page.id,
        "thread_key": post.id,
        "url": post.permalink,
        "title": (post.message or post.story or "").split("\n", 1)[0][:80],
        "posted_at": post.at.isoformat(timespec="milliseconds"),
        "kind": post.kind,
        "status": "deleted" if post.deleted_by(now) else "ok",
        "pinned": False,
        "counting": "exact" if post.page.comments_readable else "estimate",
        "new_replies": new_replies(post, start, end, now),
        "comments": len(post.comments_at(now)),
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = (
        (post.at, thread_truth(post, start, end, now))
        for posts in world.posts.values()
        for post in posts
        if post.exists_at(now)
    )
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["channel"], r["thread_key"])
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Return the ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
