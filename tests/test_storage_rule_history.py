"""The recurrence rule's history, threads found by URL, and rule sets kept by digest."""

from __future__ import annotations

from datetime import timedelta

import storage_fixtures as h
from sqlalchemy.engine import Engine

from storage.leaderboards import load_rule_set, load_week_status, save_rule_set, save_week_status
from storage.queries import channel_thread_history, new_reply_counts
from storage.thread_lookup import find_thread, url_variants
from storage.writes import write_threads

db_url = h.db_url
engine = h.engine


def test_history_lists_the_channels_threads_in_the_span_oldest_first(engine: Engine) -> None:
    batch = [
        (h.thread("M.1", title="[閒聊] 茶館 #1", posted_at=h.T0 - timedelta(days=14)), []),
        (h.thread("M.2", title="[閒聊] 茶館 #2", posted_at=h.T0 - timedelta(days=7)), []),
        (h.thread("M.3", channel="Stock", posted_at=h.T0 - timedelta(days=7)), []),
        (h.thread("M.4", posted_at=h.T0 - timedelta(days=60)), []),
    ]
    with engine.begin() as conn:
        write_threads(conn, batch, h.T0)
    with engine.connect() as conn:
        found = channel_thread_history(
            conn, h.T0 - timedelta(days=28), h.T0, [("ptt", "Gossiping")]
        )
        none = channel_thread_history(conn, h.T0 - timedelta(days=28), h.T0, [])
    assert [r["thread_key"] for r in found] == ["M.1", "M.2"]
    assert found[0]["author"] == "tester" and found[0]["posted_at"].tzinfo is not None
    assert none == []


def test_reply_counts_carry_the_author(engine: Engine) -> None:
    with engine.begin() as conn:
        write_threads(conn, [(h.thread("M.9"), [h.reply(1)])], h.T0)
    with engine.connect() as conn:
        (row,) = new_reply_counts(conn, h.T0, h.T0 + timedelta(days=7))
    assert row["author"] == "tester"


def test_a_thread_is_found_by_its_url_or_a_tolerant_variant(engine: Engine) -> None:
    with engine.begin() as conn:
        write_threads(conn, [(h.thread("M.5"), [])], h.T0)
    url = "https://www.ptt.cc/bbs/Gossiping/M.5.html"
    assert "http://www.ptt.cc/bbs/Gossiping/M.5.html/" in url_variants(url)
    with engine.connect() as conn:
        assert find_thread(conn, url)["thread_key"] == "M.5"  # type: ignore[index]
        assert find_thread(conn, "http://www.ptt.cc/bbs/Gossiping/M.5.html/") is not None
        assert find_thread(conn, "https://www.ptt.cc/bbs/Gossiping/M.6.html") is None


def test_rule_sets_are_kept_once_by_digest_and_named_by_the_week(engine: Engine) -> None:
    with engine.begin() as conn:
        save_rule_set(conn, "abc", "v1", "version = 'v1'", h.T0)
        save_rule_set(conn, "abc", "v1", "version = 'v1'", h.T0 + timedelta(days=7))
        save_week_status(conn, h.T0, h.T0 + timedelta(days=8), [], rules_digest="abc")
    with engine.connect() as conn:
        stored = load_rule_set(conn, "abc")
        status = load_week_status(conn, h.T0)
        assert load_rule_set(conn, "nope") is None
    assert stored is not None and stored["first_used_at"] == h.T0 and stored["version"] == "v1"
    assert status is not None and status["rules_digest"] == "abc"
