"""Ground truth: per post, keyed as Buzz stores it (the post id), the new replies a week drew."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.dcard.world import Post, World, build_world


def new_replies(post: Post, start: datetime, end: datetime, now: datetime) -> int:
    """Comments created in [start, end) that a reader sees at now (at the post's going, if gone).

    Hidden and deleted comments show no text, so they are not replies anyone can read.
    """
    horizon = post.gone_at(now) or now
    return sum(1 for c in post.comments if start <= c.at < end and c.shown_at(horizon))


def thread_truth(
    world: World, post: Post, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    """Describe one post for the truth file."""
    forum = world.forum_of(post)
    return {
        "channel": forum.name,
        "forum": forum.alias,
        "thread_key": str(post.id),
        "url": post.path,
        "title": post.title,
        "posted_at": post.at.isoformat(timespec="milliseconds"),
        "kind": post.kind,
        "case": post.case,
        "status": post.status_at(now),
        "pinned": post.pinned,
        "blocked": forum.spec.challenge,
        "new_replies": new_replies(post, start, end, now),
        "comments": len(post.comments_at(post.gone_at(now) or now)),
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = (
        (post.at, thread_truth(world, post, start, end, now))
        for post in world.posts()
        if post.exists_at(now)
    )
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["channel"], int(r["thread_key"]))
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Return the ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
