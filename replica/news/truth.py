"""Ground truth: per article, keyed as Buzz stores it (`<site id>/<article id>`), a week's count."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from replica.clock import DEFAULT_SEED, as_taipei, truth_document, week_bounds
from replica.news.world import Article, World, build_world


def new_replies(article: Article, start: datetime, end: datetime, now: datetime) -> int:
    """Comments posted in [start, end) and not deleted at now (at the article's going, if gone)."""
    horizon = article.gone_at(now) or now
    return sum(
        1
        for c in article.comments
        if start <= c.at < end and c.at <= horizon and not c.deleted_by(horizon)
    )


def thread_truth(article: Article, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Describe one article for the truth file."""
    return {
        "channel": f"{article.site.label} > {article.section}",
        "site": article.site.id,
        "thread_key": f"{article.site.id}/{article.id}",
        "url": f"/{article.site.id}{article.path}",
        "title": article.title,
        "posted_at": article.at.isoformat(),
        "shows_time": article.shows_time,
        "kind": article.kind,
        "case": article.case,
        "status": "deleted" if article.deleted_by(now) else "ok",
        "pinned": False,
        "new_replies": new_replies(article, start, end, now),
    }


def world_week_truth(world: World, week_start: date, now: datetime) -> dict[str, Any]:
    """Build the truth for a week of a given world at now."""
    start, end = week_bounds(week_start)
    now = as_taipei(now)
    rows = ((a.at, thread_truth(a, start, end, now)) for a in world.articles if a.at <= now)
    return truth_document(
        world.seed, week_start, now, rows, lambda r: (r["channel"], r["posted_at"], r["thread_key"])
    )


def week_truth(
    week_start: date, now: datetime | None = None, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """Return the ground truth for the week starting on Monday week_start, as seen at now."""
    return world_week_truth(build_world(seed), week_start, as_taipei(now))
