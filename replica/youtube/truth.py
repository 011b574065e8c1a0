"""Ground truth: per video, keyed as Buzz stores it (the video id), the new replies a week drew."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.youtube.world import Video, World, build_world


def new_replies(video: Video, start: datetime, end: datetime, now: datetime) -> int:
    """Comments and replies posted in [start, end) that a reader sees at now.

    A deleted comment is not counted, nor are the replies under a deleted top-level comment
    (they go with it); for a deleted video, what it showed when it went.
    """
    horizon = video.deleted_at if video.deleted_by(now) and video.deleted_at else now
    total = 0
    for t in video.threads:
        if t.top.shown_at(horizon):
            total += start <= t.top.at < end
            total += sum(1 for r in t.shown_replies(horizon) if start <= r.at < end)
    return total


def video_truth(video: Video, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Describe one video for the truth file."""
    return {
        "channel": video.channel.name,
        "thread_key": video.id,
        "url": f"/watch?v={video.id}",
        "title": video.title,
        "posted_at": video.at.isoformat(),
        "kind": video.kind,
        "status": video.status_at(now),
        "comments_disabled": video.comments_disabled,
        "pinned": False,
        "blocked": False,
        "new_replies": new_replies(video, start, end, now),
        "comments": video.comment_count(now),
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = ((v.at, video_truth(v, start, end, now)) for v in world.videos() if v.exists_at(now))
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["channel"], r["posted_at"], r["thread_key"])
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Return the ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
