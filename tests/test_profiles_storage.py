"""Thread tags, SQL signal aggregation and weekly profile history, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import storage_fixtures as h
from profile_helpers import W1, W2, W3, FakeTagger, config_for, day, post
from sqlalchemy import update
from sqlalchemy.engine import Engine

from buzz.interests import build_profiles_range, tag_threads, tag_threads_conn
from storage.interests import author_thread_signals, load_profiles, profile_weeks
from storage.members import import_members
from storage.models import threads
from storage.tags import load_thread_tags, thread_ids_needing_tags

db_url = h.db_url
engine = h.engine
TAGGER = FakeTagger()


def signals(engine: Engine, window: object) -> dict[tuple[str, str], float]:
    with engine.connect() as conn:
        rows = author_thread_signals(conn, window.start, window.end, 1.0, 0.3)  # type: ignore[attr-defined]
        return {(handle, tag): round(s, 6) for _, handle, tag, level, s in rows if level == "top"}


def test_threads_are_tagged_once_and_again_only_when_edited(engine: Engine) -> None:
    post(engine, "A.1", "alice", "股票 大漲", day(W1))
    post(engine, "A.2", "bob", "球賽 心得", day(W1), board="Baseball")
    with engine.begin() as conn:
        first = tag_threads_conn(conn, h.T0, TAGGER)
        again = tag_threads_conn(conn, h.T0, TAGGER)
        assert (first.threads, first.tags, again.threads) == (2, 4, 0)
        conn.execute(
            update(threads).where(threads.c.thread_key == "A.1").values(content_hash="edited")
        )
        assert len(thread_ids_needing_tags(conn)) == 1
        assert tag_threads_conn(conn, h.T0, TAGGER).threads == 1
        tags = load_thread_tags(conn, 1)
    assert tags == [("投資理財", "top", 0.8), ("台股", "fine", 0.5)]


def test_signals_weigh_started_threads_over_distinct_replied_threads(engine: Engine) -> None:
    post(engine, "A.1", "alice", "股票 大漲", day(W1), repliers=("carol", "carol", "alice"))
    post(engine, "A.2", "alice", "股票 崩盤", day(W1, 2), repliers=("carol",))
    post(engine, "A.3", "bob", "電影 好看", day(W2), repliers=("carol",))
    with engine.begin() as conn:
        tag_threads_conn(conn, h.T0, TAGGER)
    week1 = signals(engine, W1)
    assert week1 == {
        ("alice", "投資理財"): pytest.approx(1.6),  # two started threads, own pushes not counted
        ("carol", "投資理財"): pytest.approx(0.48),  # two distinct threads × 0.3 × 0.8
    }
    assert signals(engine, W2) == {("bob", "電影"): 0.8, ("carol", "電影"): pytest.approx(0.24)}


def test_removed_and_out_of_window_replies_do_not_count(engine: Engine) -> None:
    post(engine, "A.1", "alice", "股票", day(W1), repliers=("dave",))
    late = h.reply(9, at=W2.start + timedelta(hours=1), user="erin", reply_key="late")
    thread = h.thread("A.1", channel="Stock", author_id="alice", title="股票", body="股票",
                      posted_at=day(W1))  # fmt: skip
    from storage.writes import write_thread

    with engine.begin() as conn:
        # Re-crawl without dave's push (a moderator removed it) and with a push in the next week.
        write_thread(conn, thread, [late], day(W2, 2))
        tag_threads_conn(conn, h.T0, TAGGER)
    assert ("dave", "投資理財") not in signals(engine, W1)
    assert ("erin", "投資理財") in signals(engine, W2)


def test_three_weeks_give_new_rising_falling_and_member_history(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    post(engine, "S.1", "alice", "股票 一", day(W1), repliers=("carol",))
    for n in range(3):
        post(engine, f"S.2{n}", "alice", "股票 二", day(W2, n + 1))
    post(engine, "B.3", "bob", "球賽 三", day(W3), board="Baseball")
    with engine.begin() as conn:
        import_members(conn, [("M1", "ptt", "alice"), ("M2", "ptt", "bob")], h.T0)
    config = config_for(db_url, tmp_path)
    assert tag_threads(config, h.T0, TAGGER).threads == 5
    built = build_profiles_range(config, [W3, W1, W2], TAGGER, reply_text="none")
    assert [b.week for b in built] == [W1.week_id, W2.week_id, W3.week_id]

    with engine.connect() as conn:
        assert profile_weeks(conn, "member") == [W1.start, W2.start, W3.start]
        weeks = {
            w.week_id: {(r[0], r[1]): (r[5], r[6]) for r in load_profiles(conn, "member", w.start)}
            for w in (W1, W2, W3)
        }
        authors_w1 = {(r[0], r[1]) for r in load_profiles(conn, "author", W1.start)}
    assert weeks[W1.week_id][("M1", "投資理財")] == (23, "new")
    assert weeks[W2.week_id][("M1", "投資理財")] == (64, "rising")
    assert weeks[W3.week_id][("M1", "投資理財")] == (58, "falling")
    assert weeks[W3.week_id][("M2", "運動")][1] == "new"
    assert ("M2", "運動") not in weeks[W2.week_id]
    assert ("ptt:carol", "投資理財") in authors_w1

    # Rebuilding a week replaces it: same rows, no duplicates.
    again = build_profiles_range(config, [W3], TAGGER, reply_text="none")
    assert again[0].member_rows == built[2].member_rows


def test_own_reply_text_adds_signal_for_member_accounts(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    post(engine, "A.1", "alice", "閒聊", day(W1), repliers=("carol", "dave"), board="Gossiping")
    with engine.begin() as conn:
        # carol's push text is `閒聊 推`: no keyword; give dave a movie push.
        import_members(conn, [("M1", "ptt", "dave")], h.T0)
    post(engine, "A.2", "alice", "閒聊二", day(W1, 2), repliers=("dave",), board="Gossiping")
    from storage.writes import write_thread

    thread = h.thread("A.3", channel="Gossiping", author_id="alice", title="x", body="x",
                      posted_at=day(W1, 3))  # fmt: skip
    push = h.reply(1, at=day(W1, 3), user="dave", content="那部電影超好看")
    with engine.begin() as conn:
        write_thread(conn, thread, [push], day(W1, 4))
    config = config_for(db_url, tmp_path)
    tag_threads(config, h.T0, TAGGER)
    build_profiles_range(config, [W1], TAGGER, reply_text="members")
    with engine.connect() as conn:
        members = {(r[0], r[1]): r[3] for r in load_profiles(conn, "member", W1.start)}
        authors = {r[0] for r in load_profiles(conn, "author", W1.start)}
    assert members[("M1", "電影")] == pytest.approx(0.5 * 0.8)
    assert "ptt:carol" not in authors  # no tag in carol's threads or (unread) text


def test_the_FakeTagger_tags_with_the_channel_prior(tmp_path: Path) -> None:
    with h.fresh_database(h.SQLITE, tmp_path) as url:
        from storage.db import make_engine

        eng = make_engine(url)
        try:
            post(eng, "R.1", "alice", "台積電 除息 存股 心得", day(W1))
            with eng.begin() as conn:
                tag_threads_conn(conn, h.T0)
                tags = load_thread_tags(conn, 1)
        finally:
            eng.dispose()
    assert tags[0][:2] == ("投資理財", "top")
    assert ("台股", "fine") in [t[:2] for t in tags]
