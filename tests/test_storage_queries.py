"""Counting new replies per thread in a window, in SQL, and streaming thread texts."""

from __future__ import annotations

import types
from datetime import UTC, timedelta

import pytest
import storage_fixtures as h
from sqlalchemy.engine import Engine

from ranking.models import ThreadCount
from storage.queries import (
    THREAD_COUNT_FIELDS,
    daily_channel_counts,
    iter_thread_texts,
    new_reply_counts,
)
from storage.records import ReplyRecord, ThreadRecord
from storage.writes import write_thread, write_threads

db_url = h.db_url
engine = h.engine

START = h.T0  # Monday 2024-07-08 00:00 +08:00 == Sunday 2024-07-07 16:00 UTC
END = h.T0 + timedelta(days=7)
SEEN = h.utc(2024, 7, 16)


def _one_thread(engine: Engine, *times: object) -> None:
    page = [h.reply(i, at=t, replied_at=t) for i, t in enumerate(times)]  # type: ignore[arg-type]
    with engine.begin() as conn:
        write_thread(conn, h.thread(), page, SEEN)


def _count(engine: Engine, start: object = START, end: object = END) -> int:
    with engine.connect() as conn:
        rows = new_reply_counts(conn, start, end)  # type: ignore[arg-type]
    return sum(r["new_replies"] for r in rows)


def test_a_reply_exactly_at_the_start_counts_and_one_exactly_at_the_end_does_not(
    engine: Engine,
) -> None:
    _one_thread(engine, START, END, START - timedelta(microseconds=1), END - timedelta(seconds=1))
    assert _count(engine) == 2


def test_taipei_week_boundaries_are_compared_as_instants(engine: Engine) -> None:
    sunday_1559_utc = h.utc(2024, 7, 7, 15, 59, 59)  # Sunday 23:59:59 in Taipei: last week
    sunday_1600_utc = h.utc(2024, 7, 7, 16, 0, 0)  # Monday 00:00 in Taipei: this week
    monday_0000_utc = h.utc(2024, 7, 8, 0, 0, 0)  # Monday 08:00 in Taipei: this week
    _one_thread(engine, sunday_1559_utc, sunday_1600_utc, monday_0000_utc)
    assert _count(engine) == 2
    assert _count(engine, START.astimezone(UTC), END.astimezone(UTC)) == 2
    # A window written as UTC midnights is a different window.
    assert _count(engine, h.utc(2024, 7, 8), h.utc(2024, 7, 15)) == 1


def test_a_naive_or_empty_window_is_refused(engine: Engine) -> None:
    with engine.connect() as conn:
        with pytest.raises(ValueError, match="timezone-aware"):
            new_reply_counts(conn, START.replace(tzinfo=None), END)
        with pytest.raises(ValueError, match="empty window"):
            new_reply_counts(conn, END, START)


def _three_threads(engine: Engine) -> dict[str, int]:
    batch = [
        (h.thread("A"), [h.reply(n) for n in range(5)]),
        (h.thread("B", channel="Stock"), [h.reply(n) for n in range(2)]),
        (h.thread("C"), [h.reply(n, at=START - timedelta(days=1)) for n in range(9)]),
        (h.thread("D", platform="dcard", channel="感情"), [h.reply(n) for n in range(3)]),
    ]
    with engine.begin() as conn:
        results = write_threads(conn, batch, SEEN)
    return {t.thread_key: r.thread_id for (t, _), r in zip(batch, results, strict=True)}


def test_counts_are_grouped_per_thread_and_ordered_by_count(engine: Engine) -> None:
    ids = _three_threads(engine)
    with engine.connect() as conn:
        rows = new_reply_counts(conn, START, END)
    assert [(r["thread_key"], r["new_replies"]) for r in rows] == [("A", 5), ("D", 3), ("B", 2)]
    assert rows[0]["thread_id"] == ids["A"]
    assert rows[2]["channel"] == "Stock"


def test_rows_carry_exactly_the_thread_count_fields(engine: Engine) -> None:
    _three_threads(engine)
    with engine.connect() as conn:
        rows = new_reply_counts(conn, START, END)
    assert tuple(rows[0]) == THREAD_COUNT_FIELDS
    counts = [ThreadCount(**row) for row in rows]
    assert counts[0].estimate is False and counts[0].pinned is False
    assert counts[0].posted_at == START - timedelta(days=1)
    assert counts[0].posted_at is not None and counts[0].posted_at.utcoffset() == timedelta(0)
    assert counts[0].body == "內文\n第二行" and counts[0].status == "ok"


def test_platform_filter_and_min_replies(engine: Engine) -> None:
    _three_threads(engine)
    with engine.connect() as conn:
        ptt = new_reply_counts(conn, START, END, platform="ptt")
        dcard = new_reply_counts(conn, START, END, platform="dcard")
        busy = new_reply_counts(conn, START, END, min_replies=3)
        last_week = new_reply_counts(conn, START - timedelta(days=7), START)
    assert [r["thread_key"] for r in ptt] == ["A", "B"]
    assert [r["thread_key"] for r in dcard] == ["D"]
    assert [r["thread_key"] for r in busy] == ["A", "D"]
    assert [(r["thread_key"], r["new_replies"]) for r in last_week] == [("C", 9)]


def test_removed_replies_are_not_counted(engine: Engine) -> None:
    with engine.begin() as conn:
        write_thread(conn, h.thread(), [h.reply(n) for n in range(4)], SEEN)
        write_thread(conn, h.thread(), [h.reply(n) for n in range(2)], SEEN + timedelta(hours=1))
    assert _count(engine) == 2


def test_iter_thread_texts_streams_every_thread_in_id_order(engine: Engine) -> None:
    batch: list[tuple[ThreadRecord, list[ReplyRecord]]] = [
        (h.thread(f"T{i:04d}", title=f"標題{i}", body=f"內文{i}"), []) for i in range(2500)
    ]
    late = h.utc(2024, 8, 1)
    with engine.begin() as conn:
        write_threads(conn, batch[:2000], SEEN)
        write_threads(conn, batch[2000:], late)
    with engine.connect() as conn:
        stream = iter_thread_texts(conn, batch_size=300)
        assert isinstance(stream, types.GeneratorType)
        first = next(stream)
        rest = list(stream)
        recent = list(iter_thread_texts(conn, since=late))
    assert first[1:] == ("Gossiping", "標題0", "內文0")
    everything = [first, *rest]
    assert len(everything) == 2500
    assert [t[0] for t in everything] == sorted(t[0] for t in everything)
    assert [t[2] for t in recent] == [f"標題{i}" for i in range(2000, 2500)]


def test_daily_channel_counts_split_the_week_into_taipei_days(engine: Engine) -> None:
    day = timedelta(days=1)
    times = [
        START,  # Monday 00:00 Taipei: day 0
        START + day - timedelta(microseconds=1),  # Monday 23:59:59.999999: still day 0
        START + day,  # Tuesday 00:00: day 1
        START + 6 * day + timedelta(hours=23),  # Sunday 23:00: day 6
        END,  # next Monday: outside
        START - timedelta(seconds=1),  # last Sunday: outside
    ]
    batch = [
        (h.thread("A"), [h.reply(n, at=t, replied_at=t) for n, t in enumerate(times)]),
        (h.thread("B"), [h.reply(n, at=START + day, replied_at=START + day) for n in range(3)]),
        (h.thread("C", channel="Stock"), [h.reply(0, at=START, replied_at=START)]),
    ]
    with engine.begin() as conn:
        write_threads(conn, batch, SEEN)
        # A reply removed later is not shown, so it is not counted on its day either.
        write_thread(conn, h.thread("C", channel="Stock"), [], SEEN + timedelta(hours=1))
        rows = daily_channel_counts(conn, START, END)
    assert [(r["channel"], r["day"], r["new_replies"]) for r in rows] == [
        ("Gossiping", 0, 2),
        ("Gossiping", 1, 4),
        ("Gossiping", 6, 1),
    ]
    assert {r["platform"] for r in rows} == {"ptt"}
    with engine.connect() as conn, pytest.raises(ValueError, match="empty window"):
        daily_channel_counts(conn, END, START)
