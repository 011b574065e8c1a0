"""Writing crawled threads is idempotent and follows edits, new, removed and restored replies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import storage_fixtures as h
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.models import replies, threads
from storage.queries import thread_reply_count
from storage.writes import WriteResult, mark_thread_status, write_thread, write_threads

db_url = h.db_url
engine = h.engine

SEEN1 = h.utc(2024, 7, 10, 3, 0)
SEEN2 = h.utc(2024, 7, 11, 3, 0)
SEEN3 = h.utc(2024, 7, 12, 3, 0)
WEEK = (h.T0, h.T0 + timedelta(days=7))
VOLATILE_THREAD = {"last_crawled_at"}
VOLATILE_REPLY = {"last_seen_at"}


def _without(row: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def _counted(engine: Engine, key: str = "M.1720000000.A.001") -> int:
    with engine.connect() as conn:
        return thread_reply_count(conn, "ptt", key, *WEEK)


def test_first_write_inserts_the_thread_and_every_reply(engine: Engine) -> None:
    with engine.begin() as conn:
        result = write_thread(conn, h.thread(), [h.reply(1), h.reply(2), h.reply(3)], SEEN1)
    assert result == WriteResult(result.thread_id, 3, 0, 0, 0, False)
    with engine.connect() as conn:
        row = h.thread_row(conn, result.thread_id)
        stored = h.reply_rows(conn, result.thread_id)
    assert row["first_seen_at"] == row["last_crawled_at"] == SEEN1
    assert row["edited_at"] is None and row["status"] == "ok" and len(row["content_hash"]) == 64
    assert [r["reply_key"] for r in stored] == ["k1", "k2", "k3"]
    assert all(r["first_seen_at"] == r["last_seen_at"] == SEEN1 for r in stored)
    assert all(r["removed_at"] is None for r in stored)
    assert stored[0]["replied_at"] == h.T0 + timedelta(minutes=1)
    assert _counted(engine) == 3


def test_recrawling_an_identical_page_changes_nothing_but_seen_times(engine: Engine) -> None:
    page = [h.reply(1), h.reply(2)]
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), page, SEEN1)
    with engine.connect() as conn:
        thread_before = h.thread_row(conn, first.thread_id)
        replies_before = h.reply_rows(conn, first.thread_id)
    with engine.begin() as conn:
        second = write_thread(conn, h.thread(), page, SEEN2)
    assert second == WriteResult(first.thread_id, 0, 0, 0, 0, False)
    with engine.connect() as conn:
        thread_after = h.thread_row(conn, first.thread_id)
        replies_after = h.reply_rows(conn, first.thread_id)
        n_threads = conn.execute(select(func.count()).select_from(threads)).scalar_one()
    assert n_threads == 1
    assert _without(thread_after, VOLATILE_THREAD) == _without(thread_before, VOLATILE_THREAD)
    assert thread_after["last_crawled_at"] == SEEN2
    assert [_without(r, VOLATILE_REPLY) for r in replies_after] == [
        _without(r, VOLATILE_REPLY) for r in replies_before
    ]
    assert all(r["last_seen_at"] == SEEN2 for r in replies_after)
    assert _counted(engine) == 2


def test_an_edited_article_updates_the_thread_and_keeps_its_replies(engine: Engine) -> None:
    page = [h.reply(1), h.reply(2)]
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), page, SEEN1)
    with engine.connect() as conn:
        replies_before = h.reply_rows(conn, first.thread_id)
    edited = h.thread(title="[問卦] 改過的標題", body="內文改了")
    with engine.begin() as conn:
        second = write_thread(conn, edited, page, SEEN2)
        third = write_thread(conn, edited, page, SEEN3)  # same edited text again: no new edit
    assert second == WriteResult(first.thread_id, 0, 0, 0, 0, True)
    assert third == WriteResult(first.thread_id, 0, 0, 0, 0, False)
    with engine.connect() as conn:
        row = h.thread_row(conn, first.thread_id)
        replies_after = h.reply_rows(conn, first.thread_id)
    assert (row["title"], row["body"]) == ("[問卦] 改過的標題", "內文改了")
    assert row["edited_at"] == SEEN2 and row["first_seen_at"] == SEEN1
    assert [_without(r, VOLATILE_REPLY) for r in replies_after] == [
        _without(r, VOLATILE_REPLY) for r in replies_before
    ]


def test_new_pushes_add_only_new_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1), h.reply(2)], SEEN1)
    with engine.connect() as conn:
        ids_before = {r["reply_key"]: r["id"] for r in h.reply_rows(conn, first.thread_id)}
    with engine.begin() as conn:
        second = write_thread(conn, h.thread(), [h.reply(n) for n in (1, 2, 3, 4)], SEEN2)
    assert second == WriteResult(first.thread_id, 2, 0, 0, 0, False)
    with engine.connect() as conn:
        stored = h.reply_rows(conn, first.thread_id)
    assert {r["reply_key"]: r["id"] for r in stored if r["reply_key"] in ids_before} == ids_before
    new = [r for r in stored if r["reply_key"] not in ids_before]
    assert [r["reply_key"] for r in new] == ["k3", "k4"]
    assert all(r["first_seen_at"] == SEEN2 for r in new)
    assert _counted(engine) == 4


def test_a_push_removed_by_a_moderator_stays_stored_but_is_not_counted(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(n) for n in (1, 2, 3)], SEEN1)
        second = write_thread(conn, h.thread(), [h.reply(1), h.reply(3)], SEEN2)
        third = write_thread(conn, h.thread(), [h.reply(1), h.reply(3)], SEEN3)
    assert second == WriteResult(first.thread_id, 0, 0, 1, 0, False)
    assert third == WriteResult(first.thread_id, 0, 0, 0, 0, False)
    with engine.connect() as conn:
        stored = {r["reply_key"]: r for r in h.reply_rows(conn, first.thread_id)}
    assert stored["k2"]["removed_at"] == SEEN2  # the first crawl that missed it
    assert stored["k2"]["last_seen_at"] == SEEN1
    assert stored["k1"]["removed_at"] is None and stored["k1"]["last_seen_at"] == SEEN3
    assert _counted(engine) == 2


def test_a_removed_push_that_reappears_is_restored(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1), h.reply(2)], SEEN1)
        write_thread(conn, h.thread(), [h.reply(1)], SEEN2)
        back = write_thread(conn, h.thread(), [h.reply(1), h.reply(2)], SEEN3)
    assert back == WriteResult(first.thread_id, 0, 0, 0, 1, False)
    with engine.connect() as conn:
        stored = {r["reply_key"]: r for r in h.reply_rows(conn, first.thread_id)}
    assert len(stored) == 2
    assert stored["k2"]["removed_at"] is None and stored["k2"]["last_seen_at"] == SEEN3
    assert stored["k2"]["first_seen_at"] == SEEN1
    assert _counted(engine) == 2


def test_a_404_on_recrawl_marks_the_thread_deleted_and_keeps_replies(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1), h.reply(2)], SEEN1)
        assert mark_thread_status(conn, "ptt", "M.1720000000.A.001", "deleted", SEEN2) is True
        assert mark_thread_status(conn, "ptt", "M.unknown", "deleted", SEEN2) is False
    with engine.connect() as conn:
        row = h.thread_row(conn, first.thread_id)
        stored = h.reply_rows(conn, first.thread_id)
    assert row["status"] == "deleted" and row["last_crawled_at"] == SEEN2
    assert len(stored) == 2 and all(r["removed_at"] is None for r in stored)
    assert _counted(engine) == 2  # its replies were real; ranking decides what to show


def test_mark_thread_status_refuses_unknown_statuses(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="unknown thread status"):
        mark_thread_status(conn, "ptt", "M.1", "gone", SEEN1)


def test_a_reply_without_a_time_is_stored_but_never_counted(engine: Engine) -> None:
    undated = h.reply(9, replied_at=None)
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1), undated], SEEN1)
        again = write_thread(conn, h.thread(), [h.reply(1), undated], SEEN2)
    assert first.replies_inserted == 2
    assert again == WriteResult(first.thread_id, 0, 0, 0, 0, False)
    with engine.connect() as conn:
        stored = {r["reply_key"]: r for r in h.reply_rows(conn, first.thread_id)}
        wide = thread_reply_count(
            conn, "ptt", "M.1720000000.A.001", h.utc(1970, 1, 1), h.utc(2100, 1, 1)
        )
    assert stored["k9"]["replied_at"] is None
    assert wide == 1


def test_a_reply_whose_values_change_is_updated_in_place(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1)], SEEN1)
        fixed = h.reply(1, at=h.T0 + timedelta(days=1), time_inferred=False)
        second = write_thread(conn, h.thread(), [fixed], SEEN2)
    assert second == WriteResult(first.thread_id, 0, 1, 0, 0, False)
    with engine.connect() as conn:
        (row,) = h.reply_rows(conn, first.thread_id)
    assert row["replied_at"] == h.T0 + timedelta(days=1) and row["time_inferred"] is False


def test_a_page_that_is_not_ok_does_not_remove_replies(engine: Engine) -> None:
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), [h.reply(1), h.reply(2)], SEEN1)
        second = write_thread(conn, h.thread(status="deleted", body=""), [], SEEN2)
    assert second.replies_removed == 0 and second.edited is True
    assert _counted(engine) == 2
    assert first.thread_id == second.thread_id


def test_write_threads_writes_a_batch_and_keeps_its_order(engine: Engine) -> None:
    keys = [f"M.17200000{i:02d}.A.{i:03d}" for i in range(30)]
    batch = [(h.thread(k), [h.reply(n) for n in range(i % 5)]) for i, k in enumerate(keys)]
    with engine.begin() as conn:
        results = write_threads(conn, batch, SEEN1)
        again = write_threads(conn, batch, SEEN2)
    assert [r.replies_inserted for r in results] == [i % 5 for i in range(30)]
    assert len({r.thread_id for r in results}) == 30
    assert [r.thread_id for r in again] == [r.thread_id for r in results]
    assert all(r == WriteResult(r.thread_id, 0, 0, 0, 0, False) for r in again)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(replies)).scalar_one()
        ids = dict(conn.execute(select(threads.c.thread_key, threads.c.id)).tuples().all())
    assert n == sum(i % 5 for i in range(30))
    assert [ids[k] for k in keys] == [r.thread_id for r in results]


def test_the_same_thread_twice_in_a_batch_is_written_in_order(engine: Engine) -> None:
    batch = [
        (h.thread(), [h.reply(1), h.reply(2)]),
        (h.thread("M.other"), [h.reply(1)]),
        (h.thread(), [h.reply(1), h.reply(3)]),
    ]
    with engine.begin() as conn:
        first, _, second = write_threads(conn, batch, SEEN1)
    assert first.thread_id == second.thread_id
    assert (second.replies_inserted, second.replies_removed) == (1, 1)
    assert _counted(engine) == 2


def test_duplicate_reply_keys_in_one_page_are_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="duplicate reply_key"):
        write_thread(conn, h.thread(), [h.reply(1), h.reply(1)], SEEN1)


def test_unknown_thread_status_is_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="unknown status"):
        write_thread(conn, h.thread(status="gone"), [], SEEN1)


def test_large_pages_cross_the_in_list_chunks(engine: Engine) -> None:
    page = [h.reply(n, at=h.T0 + timedelta(seconds=n)) for n in range(1300)]
    with engine.begin() as conn:
        first = write_thread(conn, h.thread(), page, SEEN1)
        second = write_thread(conn, h.thread(), page[:-600], SEEN2)
        third = write_thread(conn, h.thread(), page, SEEN3)
    assert first.replies_inserted == 1300
    assert second.replies_removed == 600
    assert third.replies_restored == 600
    assert _counted(engine) == 1300
