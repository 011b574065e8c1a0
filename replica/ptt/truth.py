"""Ground truth: per thread, keyed by (board, article_id), the new replies a week drew."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.ptt.world import Article, World, build_world


def new_replies(art: Article, start: datetime, end: datetime, now: datetime) -> int:
    """Count pushes in [start, end) visible at now (at deletion time for a deleted thread).

    A push shown with an impossible date (`03/32`) has no time a reader can know, so it is not
    counted; a date-only one counts in the week of its day, which a reader can tell.
    """
    horizon = now
    if art.deleted_at is not None and art.deleted_at <= now:
        horizon = art.deleted_at
    return sum(
        1 for p in art.pushes if start <= p.at < end and p.countable and p.visible_at(horizon)
    )


def thread_truth(art: Article, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Describe one thread for the truth file."""
    deleted = art.deleted_by(now)
    return {
        "board": art.board,
        "article_id": art.article_id,
        # The fields every source's truth has: the channel and the key Buzz stores.
        "channel": art.board,
        "thread_key": f"{art.board}/{art.article_id}",
        "url": art.path,
        "title": art.title_at(art.deleted_at if deleted and art.deleted_at else now),
        "author": art.author,
        "posted_at": art.posted_at.isoformat(),
        "kind": art.kind,
        "case": art.case,
        "status": "deleted" if deleted else "ok",
        "new_replies": new_replies(art, start, end, now),
        "pinned": art.pinned,
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = (
        (art.posted_at, thread_truth(art, start, end, now))
        for art in world.articles()
        if art.exists_at(now)
    )
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["board"], r["article_id"])
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Return the ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
