"""Estimated new replies from dated reply totals: the interpolation and the weekly query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from storage_fixtures import database_urls, fresh_database

from storage.db import make_engine
from storage.estimates import estimate, total_at
from storage.models import reply_snapshots
from storage.queries import new_reply_counts
from storage.records import ReplyRecord, ThreadRecord
from storage.writes import write_threads

T0 = datetime(2019, 2, 4, tzinfo=datetime.fromisoformat("2019-02-04T00:00:00+08:00").tzinfo)
WEEK = timedelta(days=7)


def test_total_at_interpolates_between_the_nearest_points() -> None:
    points = [(T0, 10), (T0 + timedelta(hours=10), 30)]
    assert total_at(points, T0 + timedelta(hours=5), False) == 20
    assert total_at(points, T0 - timedelta(hours=1), False) == 10
    assert total_at(points, T0 - timedelta(hours=1), True) == 0
    assert total_at(points, T0 + timedelta(days=3), False) == 30


def test_estimate_is_the_difference_across_the_window() -> None:
    snaps = [(T0 + timedelta(hours=1), 40), (T0 + WEEK + timedelta(hours=1), 100)]
    # posted a day before: 0 then, 40 at +1h, so 38.4 at the start; 99.64 at the end
    assert estimate(T0 - timedelta(days=1), snaps, T0, T0 + WEEK) == 61
    # posted inside the window: everything up to the end counts
    inside = [(T0 + WEEK + timedelta(hours=1), 50)]
    assert estimate(T0 + WEEK - timedelta(hours=1), inside, T0, T0 + WEEK) == 25
    # totals that drop (deleted comments) never give a negative count
    assert estimate(None, [(T0, 10), (T0 + WEEK, 5)], T0, T0 + WEEK) == 0


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _thread(key: str, total: int | None, at: datetime) -> ThreadRecord:
    return ThreadRecord(
        platform="src",
        channel="ch",
        thread_key=key,
        url=f"https://example.invalid/{key}",
        title=key,
        category=None,
        author_id=None,
        author_nickname=None,
        posted_at=T0 - timedelta(days=1),
        ip=None,
        status="ok",
        body="",
        replies_complete=total is None,
        reply_total=total,
        reply_total_at=at if total is not None else None,
    )


def test_snapshots_are_stored_once_and_estimated_beside_exact_counts(db_url: str) -> None:
    engine = make_engine(db_url)
    first, last = T0 + timedelta(hours=1), T0 + WEEK + timedelta(hours=1)
    reply = ReplyRecord("r1", "c", "", "hi", None, T0 + timedelta(days=2), False)
    try:
        for at, total in ((first, 40), (last, 100), (last, 100)):  # the last crawl twice
            with engine.begin() as conn:
                write_threads(
                    conn,
                    [(_thread("est", total, at), []), (_thread("exact", None, at), [reply])],
                    at,
                )
        with engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(reply_snapshots)).scalar_one()
            rows = {r["thread_key"]: r for r in new_reply_counts(conn, T0, T0 + WEEK)}
    finally:
        engine.dispose()
    assert n == 2
    assert rows["est"]["estimate"] is True and rows["est"]["new_replies"] == 61
    assert rows["exact"]["estimate"] is False and rows["exact"]["new_replies"] == 1
    assert list(rows) == ["est", "exact"]  # ordered by count


def test_a_negative_total_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(ValueError, match="negative reply_total"), engine.begin() as conn:
            write_threads(conn, [(_thread("bad", -1, T0), [])], T0)
    finally:
        engine.dispose()
