"""Thread tags, the week's signals read from storage, profile history, on SQLite and PostgreSQL.

The real tagger tags the threads; each expectation is the documented formula applied to the
scores it gives the same texts, so the arithmetic stays pinned without a stub.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import storage_fixtures as h
from profile_helpers import (
    BASEBALL,
    HALF_LIFE_FACTOR,
    MOVIE,
    STOCK,
    STOCK_2,
    W1,
    W2,
    W3,
    config_for,
    day,
    post,
    strength,
    text_scores,
    thread_scores,
)
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from buzz.interests import build_profiles_range, tag_threads, tag_threads_conn, week_signals
from interests.model import LEVEL_CODE, SignalWeights
from ranking.windows import Window
from storage.db import make_engine
from storage.interests import load_profiles, profile_weeks
from storage.members import import_members
from storage.migrate import downgrade, upgrade
from storage.models import interest_profiles, threads
from storage.tags import load_thread_tags, thread_ids_needing_tags
from storage.writes import write_thread

db_url = h.db_url
engine = h.engine


def signals(engine: Engine, window: Window) -> dict[tuple[str, str], float]:
    """Top-level (handle, tag) → signal of the window read from storage, weights 1.0 / 0.3."""
    with engine.connect() as conn:
        _, found = week_signals(conn, window, SignalWeights(1.0, 0.3, 0.5))
    top = LEVEL_CODE["top"]
    return {
        (subject.removeprefix("ptt:"), tag): value
        for subject, tag, level, value in zip(
            found.subject, found.tag, found.level, found.signal, strict=True
        )
        if level == top
    }


def expected(*parts: tuple[str, float, str, str]) -> dict[tuple[str, str], float]:
    """Σ weight × top-level score per (handle, tag) over (handle, weight, text, board) threads."""
    out: dict[tuple[str, str], float] = {}
    for handle, weight, text, board in parts:
        for tag, (level, score) in thread_scores(text, board).items():
            if level == "top":
                out[(handle, tag)] = out.get((handle, tag), 0.0) + weight * score
    return out


def test_threads_are_tagged_once_and_again_only_when_edited(engine: Engine) -> None:
    post(engine, "A.1", "alice", STOCK, day(W1))
    post(engine, "A.2", "bob", BASEBALL, day(W1), board="Baseball")
    stock, baseball = thread_scores(STOCK, "Stock"), thread_scores(BASEBALL, "Baseball")
    assert stock["投資理財"][0] == "top" and stock["台股"][0] == "fine"
    assert max(baseball, key=lambda t: baseball[t][1]) == "運動" and "棒球" in baseball
    with engine.begin() as conn:
        first = tag_threads_conn(conn, h.T0)
        again = tag_threads_conn(conn, h.T0)
        assert (first.threads, first.tags, again.threads) == (2, len(stock) + len(baseball), 0)
        assert load_thread_tags(conn, 1) == sorted(
            ((t, lv, s) for t, (lv, s) in stock.items()), key=lambda x: (-x[2], x[0])
        )
        conn.execute(
            update(threads)
            .where(threads.c.thread_key == "A.1")
            .values(title=STOCK_2, body=STOCK_2, content_hash="edited")
        )
        assert len(thread_ids_needing_tags(conn)) == 1
        assert tag_threads_conn(conn, h.T0).threads == 1
        tags = load_thread_tags(conn, 1)
    edited = thread_scores(STOCK_2, "Stock")
    assert edited != stock
    assert tags == sorted(
        ((t, lv, s) for t, (lv, s) in edited.items()), key=lambda x: (-x[2], x[0])
    )


def test_signals_weigh_started_threads_over_distinct_replied_threads(engine: Engine) -> None:
    post(engine, "A.1", "alice", STOCK, day(W1), repliers=("carol", "carol", "alice"))
    post(engine, "A.2", "alice", STOCK_2, day(W1, 2), repliers=("carol",))
    post(engine, "A.3", "bob", MOVIE, day(W2), repliers=("carol",), board="movie")
    with engine.begin() as conn:
        tag_threads_conn(conn, h.T0)
    # Two started threads (own pushes not counted); carol: two distinct threads × 0.3.
    week1 = expected(
        ("alice", 1.0, STOCK, "Stock"),
        ("alice", 1.0, STOCK_2, "Stock"),
        ("carol", 0.3, STOCK, "Stock"),
        ("carol", 0.3, STOCK_2, "Stock"),
    )
    assert set(week1) == {("alice", "投資理財"), ("carol", "投資理財")}
    assert signals(engine, W1) == pytest.approx(week1)
    week2 = expected(("bob", 1.0, MOVIE, "movie"), ("carol", 0.3, MOVIE, "movie"))
    assert ("carol", "電影") in week2
    assert signals(engine, W2) == pytest.approx(week2)


def test_removed_and_out_of_window_replies_do_not_count(engine: Engine) -> None:
    post(engine, "A.1", "alice", STOCK, day(W1), repliers=("dave",))
    late = h.reply(9, at=W2.start + timedelta(hours=1), user="erin", reply_key="late")
    thread = h.thread("A.1", channel="Stock", author_id="alice", title=STOCK, body=STOCK,
                      posted_at=day(W1))  # fmt: skip
    with engine.begin() as conn:
        # Re-crawl without dave's push (a moderator removed it) and with a push in the next week.
        write_thread(conn, thread, [late], day(W2, 2))
        tag_threads_conn(conn, h.T0)
    assert ("dave", "投資理財") not in signals(engine, W1)
    assert signals(engine, W2)[("erin", "投資理財")] == pytest.approx(
        0.3 * thread_scores(STOCK, "Stock")["投資理財"][1]
    )


def test_three_weeks_give_new_rising_falling_and_member_history(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    post(engine, "S.1", "alice", STOCK, day(W1), repliers=("carol",))
    for n in range(3):
        post(engine, f"S.2{n}", "alice", STOCK_2, day(W2, n + 1))
    post(engine, "B.3", "bob", BASEBALL, day(W3), board="Baseball")
    with engine.begin() as conn:
        import_members(conn, [("M1", "ptt", "alice"), ("M2", "ptt", "bob")], h.T0)
    config = config_for(db_url, tmp_path)
    assert tag_threads(config, h.T0).threads == 5
    built = build_profiles_range(config, [W3, W1, W2], reply_text="none")
    assert [b.week for b in built] == [W1.week_id, W2.week_id, W3.week_id]

    with engine.connect() as conn:
        assert profile_weeks(conn, "member") == [W1.start, W2.start, W3.start]
        weeks = {
            w.week_id: {(r[0], r[1]): r[3:] for r in load_profiles(conn, "member", w.start)}
            for w in (W1, W2, W3)
        }
        authors_w1 = {(r[0], r[1]): r[3:] for r in load_profiles(conn, "author", W1.start)}
    a = thread_scores(STOCK, "Stock")["投資理財"][1]
    b = thread_scores(STOCK_2, "Stock")["投資理財"][1]
    raw1 = a
    raw2 = raw1 * HALF_LIFE_FACTOR + (b + b + b)
    raw3 = raw2 * HALF_LIFE_FACTOR
    # (signal, raw, strength, trend) of member M1 (alice) in 投資理財, week by week.
    m1 = [weeks[w.week_id][("M1", "投資理財")] for w in (W1, W2, W3)]
    assert m1 == [
        (pytest.approx(a), pytest.approx(raw1), strength(raw1), "new"),
        (pytest.approx(3 * b), pytest.approx(raw2), strength(raw2), "rising"),
        (0.0, pytest.approx(raw3), strength(raw3), "falling"),
    ]
    assert strength(raw2) - strength(raw1) >= 5 and strength(raw2) - strength(raw3) >= 5
    sport = thread_scores(BASEBALL, "Baseball")["運動"][1]
    assert weeks[W3.week_id][("M2", "運動")] == (
        pytest.approx(sport),
        pytest.approx(sport),
        strength(sport),
        "new",
    )
    assert ("M2", "運動") not in weeks[W2.week_id]
    carol = 0.3 * a
    assert authors_w1[("ptt:carol", "投資理財")] == (
        pytest.approx(carol),
        pytest.approx(carol),
        strength(carol),
        "new",
    )

    # Rebuilding a week replaces it: same rows, no duplicates.
    again = build_profiles_range(config, [W3], reply_text="none")
    assert again[0].member_rows == built[2].member_rows


def test_own_reply_text_adds_signal_for_member_accounts(
    db_url: str, engine: Engine, tmp_path: Path
) -> None:
    post(engine, "A.1", "alice", "閒聊", day(W1), repliers=("carol", "dave"), board="Gossiping")
    with engine.begin() as conn:
        import_members(conn, [("M1", "ptt", "dave")], h.T0)
    post(engine, "A.2", "alice", "閒聊二", day(W1, 2), repliers=("dave",), board="Gossiping")
    movie_push = "昨天看了諾蘭的電影 IMAX 超好看"
    thread = h.thread("A.3", channel="Gossiping", author_id="alice", title="x", body="x",
                      posted_at=day(W1, 3))  # fmt: skip
    push = h.reply(1, at=day(W1, 3), user="dave", content=movie_push)
    with engine.begin() as conn:
        write_thread(conn, thread, [push], day(W1, 4))
    for title in ("閒聊", "閒聊二", "x"):
        assert thread_scores(title, "Gossiping") == {}  # the threads themselves say nothing
    config = config_for(db_url, tmp_path)
    tag_threads(config, h.T0)
    build_profiles_range(config, [W1], reply_text="members")
    with engine.connect() as conn:
        members = {(r[0], r[1]): r[3] for r in load_profiles(conn, "member", W1.start)}
        authors = {r[0] for r in load_profiles(conn, "author", W1.start)}
    # dave's pushes of the week, oldest first, tagged as one text without a channel prior, × 0.5.
    text = text_scores(f"閒聊 推\n閒聊二 推\n{movie_push}")
    assert text["電影"][0] == "top"
    assert members == pytest.approx(
        {("M1", tag): 0.5 * score for tag, (_, score) in text.items() if strength(0.5 * score) >= 5}
    )
    assert ("M1", "電影") in members
    assert "ptt:carol" not in authors  # no tag in carol's threads or (unread) text


def test_the_default_tagger_tags_with_the_channel_prior(tmp_path: Path) -> None:
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


def test_migration_0006_packs_author_rows_and_downgrade_unpacks_them(db_url: str) -> None:
    """Author history survives the move to packed rows, bit for bit, and back."""
    week = W1.start
    authors = [
        ("ptt:alice", "投資理財", "top", 0.8, 1.0 / 3.0, 28, "new"),
        ("ptt:alice", "台股", "fine", 0.0, 0.1 + 0.2, 10, "faded"),
        ("ptt:bob", "電影", "top", 2.5, 2.5, 57, "rising"),
    ]
    member = ("M1", "電影", "top", 2.5, 2.5, 57, "rising")
    downgrade(db_url, "0005")
    eng = make_engine(db_url)
    try:
        with eng.begin() as conn:
            for subject_kind, row in [*(("author", r) for r in authors), ("member", member)]:
                conn.execute(
                    insert(interest_profiles).values(
                        subject_kind=subject_kind,
                        week_start=week,
                        **dict(zip(PROFILE_COLUMNS, row, strict=True)),
                    )
                )
        upgrade(db_url)
        with eng.connect() as conn:
            assert load_profiles(conn, "author", week) == sorted(
                authors, key=lambda r: (r[0], -r[5], r[1])
            )
            assert load_profiles(conn, "member", week) == [member]
            left = conn.execute(select(interest_profiles.c.subject_kind)).scalars().all()
            assert left == ["member"]
        downgrade(db_url, "0005")
        with eng.connect() as conn:
            back = conn.execute(
                select(interest_profiles.c.subject_kind, *PROFILE_FIELDS).order_by(
                    interest_profiles.c.subject_kind, *PROFILE_FIELDS[:2]
                )
            ).tuples()
            assert sorted(back) == sorted([("author", *r) for r in authors] + [("member", *member)])
    finally:
        eng.dispose()
        upgrade(db_url)


PROFILE_COLUMNS = ("subject_id", "tag", "level", "signal", "raw", "strength", "trend")
PROFILE_FIELDS = [interest_profiles.c[name] for name in PROFILE_COLUMNS]
