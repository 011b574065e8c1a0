"""The SQL week step (storage.interests) agrees with ranking.profiles.step_week on random data."""

from __future__ import annotations

import random

import pytest
import storage_fixtures as h
from profile_helpers import W1, W2
from sqlalchemy.engine import Engine

from ranking.profiles import (
    FLOOR,
    SATURATION,
    TREND_STEP,
    Interest,
    Signals,
    author_subject,
    decay,
    member_signals,
    step_week,
    strength_of,
    trend_of,
)
from storage.interests import (
    SUBJECT_SEP,
    StepParams,
    add_text_signals,
    load_profiles,
    save_profiles,
    stage_member_signals,
    staged_signals,
    step_profiles,
)
from storage.members import import_members

db_url = h.db_url
engine = h.engine
TAGS = (("投資理財", "top"), ("台股", "fine"), ("運動", "top"), ("棒球", "fine"), ("電影", "top"))


def random_week(
    rng: random.Random,
) -> tuple[list[Interest], list[tuple[str, str, str, str, float]]]:
    """Previous rows and this week's signals for 300 authors: some old, some new, some both."""
    previous: list[Interest] = []
    signals: list[tuple[str, str, str, str, float]] = []
    for n in range(300):
        handle = f"u{n:03d}"
        for tag, level in rng.sample(TAGS, rng.randint(1, len(TAGS))):
            kind = rng.random()
            if kind < 0.6:  # an interest last week, possibly below the floor (faded last week)
                raw = rng.choice([rng.uniform(0, 0.2), rng.uniform(0, 8), rng.expovariate(1)])
                strength = strength_of(raw)
                trend = trend_of(None, strength) or "faded"
                previous.append(Interest(author_subject("ptt", handle), tag, level, 0.0, raw,
                                         strength, trend))  # fmt: skip
            if kind > 0.4:  # a signal this week, often tiny
                signal = rng.choice([rng.uniform(0, 0.3), rng.uniform(0, 4)])
                signals.append(("ptt", handle, tag, level, signal))
    return previous, signals


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_step_matches_step_week(engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    previous, signals = random_week(rng)
    gap = rng.randint(1, 3)
    assert author_subject("ptt", "x") == f"ptt{SUBJECT_SEP}x"
    expected = step_week(
        previous, {(author_subject(p, hd), t): (lv, s) for p, hd, t, lv, s in signals}, gap
    )
    assert {i.trend for i in expected} == {"new", "rising", "stable", "falling", "faded"}
    with engine.begin() as conn:
        save_profiles(conn, "author", W1.start, (i.as_row() for i in previous))
        with staged_signals(conn, W2.start, W2.end, 1.0, 0.3):
            add_text_signals(conn, signals)
            written = step_profiles(
                conn,
                "author",
                W2.start,
                W1.start,
                StepParams(decay(gap), SATURATION, FLOOR, TREND_STEP),
            )
        got = list(load_profiles(conn, "author", W2.start))
    assert written == len(expected)
    key = lambda r: (r[0], r[1])  # noqa: E731
    assert sorted(got, key=key) == sorted((i.as_row() for i in expected), key=key)


def test_sql_step_without_history_keeps_only_rows_above_the_floor(engine: Engine) -> None:
    signals = [("ptt", "a", "電影", "top", 0.1), ("ptt", "a", "運動", "top", 2.0)]
    with engine.begin() as conn:
        with staged_signals(conn, W2.start, W2.end, 1.0, 0.3):
            add_text_signals(conn, signals)
            step_profiles(
                conn, "author", W2.start, None, StepParams(1.0, SATURATION, FLOOR, TREND_STEP)
            )
        got = list(load_profiles(conn, "author", W2.start))
    assert got == [("ptt:a", "運動", "top", 2.0, 2.0, strength_of(2.0), "new")]


def test_sql_member_step_matches_member_signals_and_step_week(engine: Engine) -> None:
    rng = random.Random(7)
    authors, signals = random_week(rng)
    handles = sorted({hd for _, hd, *_ in signals} | {a.subject_id[4:] for a in authors})
    links = [(f"M{n % 90:02d}", "ptt", hd) for n, hd in enumerate(rng.sample(handles, 200))]
    accounts: dict[str, list[str]] = {}
    for member, platform, hd in links:
        accounts.setdefault(member, []).append(author_subject(platform, hd))
    by_author: Signals = {(author_subject(p, hd), t): (lv, s) for p, hd, t, lv, s in signals}
    summed = member_signals(by_author, accounts)
    # Last week's member rows: a random history for the same members.
    previous = [
        Interest(member, tag, level, 0.0, raw, strength_of(raw), "stable")
        for member in sorted(accounts)
        for tag, level in TAGS
        if (raw := rng.choice([0.0, rng.uniform(0, 0.2), rng.uniform(0, 6)])) > 0
    ]
    expected = step_week(previous, summed, 2)
    with engine.begin() as conn:
        import_members(conn, links, h.T0)
        save_profiles(conn, "member", W1.start, (i.as_row() for i in previous))
        with staged_signals(conn, W2.start, W2.end, 1.0, 0.3):
            add_text_signals(conn, signals)
            stage_member_signals(conn)
            params = StepParams(decay(2), SATURATION, FLOOR, TREND_STEP)
            step_profiles(conn, "member", W2.start, W1.start, params)
        got = {(r[0], r[1]): r[2:] for r in load_profiles(conn, "member", W2.start)}
    # Sums over several accounts may add in another order: equal up to float rounding.
    assert got == {
        (i.subject_id, i.tag): (
            i.level,
            pytest.approx(i.signal),
            pytest.approx(i.raw),
            i.strength,
            i.trend,
        )
        for i in expected
    }
