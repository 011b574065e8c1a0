"""The replica's generated world: deterministic, modest, and holding every special case."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest

from replica.clock import DATA_END, DATA_START, TAIPEI
from replica.members import members, members_csv
from replica.ptt.world import WEEKS, World, build_world, generate_world

WEEK = datetime(2019, 2, 4, tzinfo=TAIPEI)


def _digest(world: World) -> str:
    """Hash everything observable about a world."""
    h = hashlib.sha256()
    for a in world.articles():
        h.update(repr((a.board, a.article_id, a.author, a.title, a.body, a.kind)).encode())
        h.update(repr((a.deleted_at, a.edited_at, a.edited_title, a.pinned)).encode())
        for p in a.pushes:
            h.update(repr((p.tag, p.user, p.content, p.at, p.removed_at)).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(7)


def test_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    assert _digest(generate_world(7)) == _digest(generate_world(7))
    assert _digest(generate_world(8)) != _digest(build_world(7))


def test_world_is_modest_and_spans_the_weeks(world: World) -> None:
    articles = list(world.articles())
    assert 1500 <= len(articles) <= 2600
    assert len(world.boards) >= 10
    per_week = Counter(min((a.posted_at - DATA_START).days // 7, WEEKS) for a in articles)
    for w in range(WEEKS):
        assert 150 <= per_week[w] <= 300
    assert all(a.posted_at < DATA_END for a in articles)


def test_ids_match_post_time_and_authors_look_like_ptt_ids(world: World) -> None:
    for a in world.articles():
        m = re.fullmatch(r"M\.(\d+)\.A\.[0-9A-F]{3}", a.article_id)
        assert m and int(m.group(1)) == int(a.posted_at.timestamp())
    assert 250 <= len(world.authors) <= 350
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{3,11}", x.user_id) for x in world.authors)
    assert all(1 <= len(x.topics) <= 3 for x in world.authors)


def test_special_threads_exist_with_their_kinds(world: World) -> None:
    arts = list(world.articles())
    kinds = Counter(a.kind for a in arts)
    assert kinds["chat"] >= 50 and kinds["live"] >= 5 and kinds["giveaway"] >= 5
    for a in arts:
        if a.case:
            continue  # the planted hard cases look otherwise on purpose (test_replica_plants)
        if a.kind == "chat":
            assert a.title.startswith("[閒聊]")
        if a.kind == "live":
            assert a.title.startswith("[直播]")
            assert "youtube.com/watch?v=" in a.body or "twitch.tv/" in a.body
        if a.kind == "giveaway":
            assert a.title.startswith("[贈獎]") and "推文" in a.body
    assert any(a.title.startswith("Re: [") and a.reply_to for a in arts)
    assert sum(a.deleted_at is not None for a in arts) >= 10
    assert sum(a.edited_at is not None for a in arts) >= 10
    assert sum(p.removed_at is not None for a in arts for p in a.pushes) >= 50


def test_every_board_has_old_pinned_posts(world: World) -> None:
    for board in world.boards.values():
        assert 1 <= len(board.pinned) <= 3
        assert all(a.pinned and a.posted_at < DATA_START for a in board.pinned)


def test_each_week_has_a_hot_thread(world: World) -> None:
    end = datetime(2100, 1, 1, tzinfo=TAIPEI)
    hot_weeks = {
        (a.posted_at - DATA_START).days // 7
        for a in world.articles()
        if a.kind == "normal" and len(a.pushes) >= 150 and a.score_at(end) >= 100
    }
    assert len(hot_weeks) >= WEEKS - 2


def test_a_late_december_thread_collects_pushes_into_january(world: World) -> None:
    rolled = [
        a
        for a in world.articles()
        if datetime(2018, 12, 28, tzinfo=TAIPEI)
        <= a.posted_at
        < datetime(2018, 12, 31, tzinfo=TAIPEI)
        and any(p.at.year == 2018 for p in a.pushes)
        and any(p.at.year == 2019 for p in a.pushes)
    ]
    assert rolled
    shown = {p.at.strftime("%m/%d %H:%M") for a in rolled for p in a.pushes}
    assert {"12/31 23:58", "01/01 00:03"} <= shown


def test_old_threads_still_collect_pushes_in_the_week(world: World) -> None:
    end = WEEK + timedelta(days=7)
    ages = [
        (WEEK - a.posted_at).days
        for a in world.articles()
        if not a.pinned and a.posted_at < WEEK and any(WEEK <= p.at < end for p in a.pushes)
    ]
    assert sum(3 <= d <= 13 for d in ages) >= 5
    assert sum(d >= 20 for d in ages) >= 2


def test_some_authors_move_from_car_to_babymother(world: World) -> None:
    movers = [
        x
        for x in world.authors
        if "car" in x.topics and x.later_topics and "BabyMother" in x.later_topics
    ]
    assert movers
    mover = movers[0]
    assert mover.shift_at is not None
    before: Counter[str] = Counter()
    after: Counter[str] = Counter()
    for a in world.articles():
        for user, at in [(a.author, a.posted_at)] + [(p.user, p.at) for p in a.pushes]:
            if user == mover.user_id:
                (before if at < mover.shift_at else after)[a.board] += 1
    assert before["car"] > before["BabyMother"]
    assert after["BabyMother"] > after["car"]


def test_members_link_to_authors_deterministically(world: World) -> None:
    rows = members(7)
    assert rows == members(7)
    ids = {m for m, _, _ in rows}
    assert 35 <= len(ids) <= 45
    handles = {x.user_id for x in world.authors}
    assert all(platform == "ptt" and handle in handles for _, platform, handle in rows)
    per_member = Counter(m for m, _, _ in rows)
    assert any(n == 2 for n in per_member.values())
    assert members_csv(7).splitlines()[0] == "member_id,platform,handle"
