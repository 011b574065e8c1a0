"""Crawl runs, and weekly leaderboards and exclusions saved, read back and republished."""

from __future__ import annotations

from datetime import timedelta

import pytest
import storage_fixtures as h
from sqlalchemy.engine import Engine

from ranking.models import Exclusion, LeaderboardEntry
from storage.leaderboards import (
    load_exclusions,
    load_leaderboards,
    published_ranks,
    save_leaderboards,
    save_week_status,
)
from storage.records import ReplyRecord, ThreadRecord
from storage.runs import finish_run, list_runs, start_run
from storage.writes import write_threads

db_url = h.db_url
engine = h.engine

WEEK = h.T0
PUBLISHED = h.utc(2024, 7, 15, 1)


def test_a_run_is_started_finished_and_listed_latest_first(engine: Engine) -> None:
    t = h.utc(2024, 7, 15, 2)
    with engine.begin() as conn:
        first = start_run(conn, "ptt", {"boards": "Gossiping,Stock"}, t)
        second = start_run(conn, "ptt", {}, t + timedelta(hours=1))
        finish_run(conn, first, t + timedelta(minutes=5), "incomplete", 120, 3400, {"http_503": 2})
    with engine.connect() as conn:
        runs = list_runs(conn)
        only_one = list_runs(conn, limit=1)
    assert [r["id"] for r in runs] == [second, first]
    assert [r["id"] for r in only_one] == [second]
    done = runs[1]
    assert done["source"] == "ptt" and done["args"] == {"boards": "Gossiping,Stock"}
    assert done["status"] == "incomplete" and (done["pages"], done["items"]) == (120, 3400)
    assert done["errors"] == {"http_503": 2}
    assert done["started_at"] == t and done["finished_at"] == t + timedelta(minutes=5)
    assert runs[0]["status"] == "running" and runs[0]["finished_at"] is None
    assert runs[0]["errors"] == {}


def test_finish_run_refuses_unknown_status_and_unknown_runs(engine: Engine) -> None:
    t = h.utc(2024, 7, 15, 2)
    with engine.begin() as conn:
        run = start_run(conn, "ptt", {}, t)
        with pytest.raises(ValueError, match="unknown run status"):
            finish_run(conn, run, t, "done", 0, 0, {})
        with pytest.raises(LookupError):
            finish_run(conn, run + 100, t, "complete", 0, 0, {})


def _threads(engine: Engine) -> list[int]:
    batch: list[tuple[ThreadRecord, list[ReplyRecord]]] = [
        (h.thread(k, title=f"title {k}"), []) for k in ("A", "B", "C")
    ]
    with engine.begin() as conn:
        return [r.thread_id for r in write_threads(conn, batch, PUBLISHED)]


def _boards(a: int, b: int) -> list[dict[str, object]]:
    return [
        {
            "scope": "platform:ptt",
            "label": "PTT",
            "entries": [
                {"rank": 2, "thread_id": b, "new_replies": 40, "estimate": False},
                {"rank": 1, "thread_id": a, "new_replies": 90, "estimate": False},
            ],
        },
        {
            "scope": "channel:ptt/Gossiping",
            "label": "PTT > Gossiping",
            "entries": [{"rank": 1, "thread_id": a, "new_replies": 90, "estimate": True}],
        },
    ]


def test_leaderboards_are_saved_and_loaded_by_scope_and_rank(engine: Engine) -> None:
    a, b, c = _threads(engine)
    with engine.begin() as conn:
        save_leaderboards(
            conn,
            WEEK,
            _boards(a, b),
            [{"thread_id": c, "reason": "live", "detail": "直播"}],
            PUBLISHED,
        )
    with engine.connect() as conn:
        rows = load_leaderboards(conn, WEEK)
        excluded = load_exclusions(conn, WEEK)
        other_week = load_leaderboards(conn, WEEK + timedelta(days=7))
    assert [(r["scope"], r["rank"], r["thread_id"]) for r in rows] == [
        ("channel:ptt/Gossiping", 1, a),
        ("platform:ptt", 1, a),
        ("platform:ptt", 2, b),
    ]
    assert rows[0]["label"] == "PTT > Gossiping" and rows[0]["estimate"] is True
    assert rows[1]["title"] == "title A" and rows[1]["url"].endswith("/A.html")
    entry = LeaderboardEntry(**{k: v for k, v in rows[2].items() if k not in ("scope", "label")})
    assert (entry.new_replies, entry.thread_key, entry.channel) == (40, "B", "Gossiping")
    assert [Exclusion(**x) for x in excluded] == [
        Exclusion(
            c,
            "live",
            "直播",
            "ptt",
            "Gossiping",
            "C",
            "title C",
            "https://www.ptt.cc/bbs/Gossiping/C.html",
        )
    ]
    assert other_week == []


def test_republishing_a_week_replaces_it_and_is_idempotent(engine: Engine) -> None:
    a, b, c = _threads(engine)
    other = WEEK - timedelta(days=7)
    with engine.begin() as conn:
        save_leaderboards(conn, other, _boards(a, b), [], PUBLISHED)
        save_leaderboards(
            conn, WEEK, _boards(a, b), [{"thread_id": c, "reason": "x", "detail": ""}], PUBLISHED
        )
        new_boards = [
            {
                "scope": "platform:ptt",
                "label": "PTT",
                "entries": [{"rank": 1, "thread_id": c, "new_replies": 7, "estimate": False}],
            }
        ]
        save_leaderboards(conn, WEEK, new_boards, [], PUBLISHED + timedelta(hours=1))
    with engine.connect() as conn:
        first = load_leaderboards(conn, WEEK)
    with engine.begin() as conn:
        save_leaderboards(conn, WEEK, new_boards, [], PUBLISHED + timedelta(hours=1))
    with engine.connect() as conn:
        again = load_leaderboards(conn, WEEK)
        assert load_exclusions(conn, WEEK) == []
        assert len(load_leaderboards(conn, other)) == 3
    assert [(r["scope"], r["rank"], r["thread_id"]) for r in first] == [("platform:ptt", 1, c)]
    assert again == first


def test_published_ranks_are_none_until_the_week_is_published(engine: Engine) -> None:
    a, b, _ = _threads(engine)
    with engine.begin() as conn:
        assert published_ranks(conn, WEEK) is None
        save_leaderboards(conn, WEEK, _boards(a, b), [], PUBLISHED)
        save_week_status(conn, WEEK, PUBLISHED, [])
        assert published_ranks(conn, WEEK) == [
            {"scope": "channel:ptt/Gossiping", "thread_id": a, "rank": 1},
            {"scope": "platform:ptt", "thread_id": a, "rank": 1},
            {"scope": "platform:ptt", "thread_id": b, "rank": 2},
        ]
        # A published week whose boards were all empty has no ranks, which is not None.
        save_week_status(conn, WEEK + timedelta(days=7), PUBLISHED, [])
        assert published_ranks(conn, WEEK + timedelta(days=7)) == []
