"""Random worlds built week by week store exactly what the model, written out per row, says.

The oracle here is the documented definition in plain loops, no arrays: started threads count
1.0 × score, distinct threads replied to 0.3 × score (not one's own), a member sums its accounts,
raw = last raw × 0.5^(gap/4) + signal, strength = round(100 × (1 − e^(−raw/3))), the trend
table. The build reads the world through SQL, steps it with interests.model and stores authors
packed and members as rows; every stored row must equal the oracle's, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
import storage_fixtures as h
from profile_helpers import W1
from sqlalchemy import select
from sqlalchemy.engine import Engine

from buzz.interests import build_week_conn
from ranking.windows import Window
from storage.interests import load_profiles
from storage.members import import_members
from storage.models import threads
from storage.tags import TaggedThread, save_thread_tags
from storage.writes import write_thread

db_url = h.db_url
engine = h.engine

TAGS = (("投資理財", "top"), ("台股", "fine"), ("運動", "top"), ("棒球", "fine"), ("電影", "top"))
USERS = tuple(f"u{n:02d}" for n in range(14))
# W1, W2, then W4: the build of W4 decays W2 over a gap of two weeks.
WEEKS = (W1, W1.next(), W1.next().next().next())


@dataclass
class World:
    """Threads (key → author, posted, tags) and replies (user, thread key, at)."""

    threads: dict[str, tuple[str | None, datetime, list[tuple[str, str, float]]]] = field(
        default_factory=dict
    )
    replies: list[tuple[str, str, datetime]] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)


def moment(rng: random.Random, window: Window) -> datetime:
    return window.start + timedelta(seconds=rng.randrange(7 * 86400))


def random_world(rng: random.Random) -> World:
    world = World()
    for n in range(36):
        when = moment(rng, rng.choice([*WEEKS, W1.previous()]))
        author = rng.choice([*USERS, None])
        picked = rng.sample(TAGS, rng.randint(0, 3))
        scored = [
            (t, lv, rng.choice([rng.uniform(0.02, 0.2), rng.uniform(0.1, 0.99)]))
            for t, lv in picked
        ]
        world.threads[f"T.{n}"] = (author, when, scored)
    for _ in range(420):
        key = rng.choice(list(world.threads))
        user = rng.choice(USERS)
        posted = world.threads[key][1]
        later = [w for w in WEEKS if w.end > posted]
        at = max(moment(rng, rng.choice(later)), posted + timedelta(minutes=1))
        if any(w.start <= at < w.end for w in WEEKS):
            world.replies.append((user, key, at))
    accounts = [*rng.sample(USERS, 9), "nobody"]
    world.links = [(f"M{n % 6}", "ptt", handle) for n, handle in enumerate(accounts)]
    return world


def store(engine: Engine, world: World) -> None:
    with engine.begin() as conn:
        for key, (author, posted, scored) in world.threads.items():
            pushes = [
                h.reply(i, at=at, user=user, reply_key=f"{key}-{i}")
                for i, (user, k, at) in enumerate(world.replies)
                if k == key
            ]
            thread = h.thread(key, author_id=author, posted_at=posted, title=key, body=key)
            result = write_thread(conn, thread, pushes, WEEKS[-1].end + timedelta(days=1))
            digest = conn.execute(
                select(threads.c.content_hash).where(threads.c.id == result.thread_id)
            ).scalar_one()
            save_thread_tags(conn, [TaggedThread(result.thread_id, digest, scored)], h.T0)
        import_members(conn, world.links, h.T0)


Key = tuple[str, str]


def oracle_signals(world: World, window: Window) -> dict[Key, tuple[str, float]]:
    """Per (author subject, tag): level and signal, as docs/PROFILES.md defines them."""
    out: dict[Key, tuple[str, float]] = {}

    def add(subject: str, scored: list[tuple[str, str, float]], weight: float) -> None:
        for tag, level, score in scored:
            out[(subject, tag)] = (level, out.get((subject, tag), (level, 0.0))[1] + weight * score)

    for author, posted, scored in world.threads.values():
        if author is not None and window.start <= posted < window.end:
            add(f"ptt:{author}", scored, 1.0)
    pairs = {(u, k) for u, k, at in world.replies if window.start <= at < window.end}
    for user, key in sorted(pairs):
        author, _, scored = world.threads[key]
        if user != author:
            add(f"ptt:{user}", scored, 0.3)
    return out


def oracle_members(
    signals: dict[Key, tuple[str, float]], links: list[tuple[str, str, str]]
) -> dict[Key, tuple[str, float]]:
    out: dict[Key, tuple[str, float]] = {}
    for member, platform, handle in links:
        for (subject, tag), (level, value) in signals.items():
            if subject == f"{platform}:{handle}":
                out[(member, tag)] = (level, out.get((member, tag), (level, 0.0))[1] + value)
    return out


Row = tuple[str, float, float, int, str]


def oracle_step(
    previous: dict[Key, Row], signals: dict[Key, tuple[str, float]], gap: int
) -> dict[Key, Row]:
    """One week of the model, one (subject, tag) at a time."""
    factor = 0.5 ** (gap / 4)
    out: dict[Key, Row] = {}
    for key in previous.keys() | signals.keys():
        last = previous.get(key)
        level, signal = signals.get(key, (last[0] if last else "top", 0.0))
        raw = (last[2] * factor if last else 0.0) + signal
        strength = round(100 * (1 - math.exp(-raw / 3))) if raw > 0 else 0
        before = last[3] if last else 0
        if strength >= 5:
            delta = strength - before
            trend = (
                "new"
                if before < 5
                else "rising"
                if delta >= 5
                else "falling"
                if delta <= -5
                else "stable"
            )
        elif before >= 5:
            trend = "faded"
        else:
            continue
        out[key] = (level, signal, raw, strength, trend)
    return out


def stored(engine: Engine, kind: str, window: Window) -> dict[Key, Row]:
    with engine.connect() as conn:
        return {(r[0], r[1]): r[2:] for r in load_profiles(conn, kind, window.start)}


def close(rows: dict[Key, Row]) -> Iterator[tuple[Key, tuple[object, ...]]]:
    for key, (level, signal, raw, strength, trend) in rows.items():
        yield (
            key,
            (
                level,
                pytest.approx(signal, rel=1e-12),
                pytest.approx(raw, rel=1e-12),
                strength,
                trend,
            ),
        )


@pytest.mark.parametrize("seed", [3, 6, 8])
def test_stored_weeks_equal_the_model_row_by_row(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    world = random_world(rng)
    store(engine, world)
    authors: dict[Key, Row] = {}
    members: dict[Key, Row] = {}
    seen_trends: set[str] = set()
    for n, window in enumerate(WEEKS):
        gap = 1 if n < 2 else 2
        with engine.begin() as conn:
            built = build_week_conn(conn, window, reply_text="none")
        signals = oracle_signals(world, window)
        authors = oracle_step(authors, signals, gap)
        members = oracle_step(members, oracle_members(signals, world.links), gap)
        assert stored(engine, "author", window) == dict(close(authors))
        assert stored(engine, "member", window) == dict(close(members))
        assert (built.author_rows, built.member_rows) == (len(authors), len(members))
        seen_trends |= {r[4] for r in (*authors.values(), *members.values())}
    assert seen_trends == {"new", "rising", "stable", "falling", "faded"}


def test_a_rebuilt_week_is_replaced_not_added(engine: Engine) -> None:
    world = random_world(random.Random(11))
    store(engine, world)
    with engine.begin() as conn:
        build_week_conn(conn, WEEKS[0], reply_text="none")
    first = stored(engine, "author", WEEKS[0]), stored(engine, "member", WEEKS[0])
    with engine.begin() as conn:
        build_week_conn(conn, WEEKS[0], reply_text="none")
    assert (stored(engine, "author", WEEKS[0]), stored(engine, "member", WEEKS[0])) == first
    assert first[0] and first[1]
