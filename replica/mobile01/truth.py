"""Ground truth: per topic, keyed as Buzz stores it (the topic id), the new floors a week drew."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.mobile01.world import Topic, World, build_world


def new_replies(topic: Topic, start: datetime, end: datetime, now: datetime) -> int:
    """Reply floors (#2 on) posted in [start, end) and shown at now (at deletion if deleted).

    Comments (留言) under a floor are not floors and are not counted; neither is the main post.
    """
    horizon = now
    if topic.deleted_at is not None and topic.deleted_at <= now:
        horizon = topic.deleted_at
    return sum(1 for p in topic.posts[1:] if start <= p.at < end and p.visible_at(horizon))


def thread_truth(topic: Topic, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Describe one topic for the truth file."""
    spec = topic.forum
    return {
        "channel": spec.channel,
        "forum_id": spec.forum_id,
        "thread_key": str(topic.topic_id),
        "url": topic.path,
        "title": topic.title,
        "author": topic.author.name,
        "posted_at": topic.posted_at.isoformat(),
        "kind": topic.kind,
        "case": topic.case,
        "status": "deleted" if topic.deleted_by_time(now) else "ok",
        "new_replies": new_replies(topic, start, end, now),
        "pinned": topic.pinned,
        "blocked": spec.challenge,
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = (
        (topic.posted_at, thread_truth(topic, start, end, now))
        for topic in world.all_topics()
        if topic.exists_at(now)
    )
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["channel"], int(r["thread_key"]))
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
