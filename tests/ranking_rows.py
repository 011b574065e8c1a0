"""Helpers for the ranking tests: a week and ThreadCount rows with sensible defaults."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ranking.models import ThreadCount
from ranking.windows import TAIPEI, week_starting

WEEK = week_starting(date(2019, 2, 4))
_ids = iter(range(1, 10**9))


def row(title: str = "[問卦] 有沒有過年被問薪水的八卦", **kw: Any) -> ThreadCount:
    """A PTT Gossiping thread posted in the week, with 100 new replies, unless told otherwise."""
    thread_id = kw.pop("thread_id", next(_ids))
    fields: dict[str, Any] = {
        "thread_id": thread_id,
        "platform": "ptt",
        "channel": "Gossiping",
        "thread_key": f"ptt:Gossiping/M.{thread_id:010d}.A.000",
        "title": title,
        "url": f"https://www.ptt.cc/bbs/Gossiping/M.{thread_id:010d}.A.000.html",
        "posted_at": datetime(2019, 2, 5, 9, 30, tzinfo=TAIPEI),
        "status": "ok",
        "new_replies": 100,
    }
    fields.update(kw)
    return ThreadCount(**fields)


def days_before_window(days: float) -> datetime:
    """A time this many days before the sample week starts."""
    return WEEK.start - timedelta(days=days)
