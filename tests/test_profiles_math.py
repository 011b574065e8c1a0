"""The interest model on arrays: decay, the 0-100 curve, trends, the week step, signals."""

from __future__ import annotations

import math

import numpy as np
import pytest

from interests.model import (
    FLOOR,
    HALF_LIFE_WEEKS,
    LEVEL_CODE,
    MAX_GAP_WEEKS,
    TREND_CODE,
    Profiles,
    Signals,
    WeekActivity,
    carried_gap,
    combine,
    decay,
    member_signals,
    step,
    strengths,
    thread_signals,
    trends,
)
from interests.vocab import TRENDS


def objects(*values: object) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def profiles(*rows: tuple[str, str, float, int, str]) -> Profiles:
    """Last week's (subject, tag, raw, strength, trend) rows at level top."""
    if not rows:
        return Profiles.empty()
    return Profiles(
        objects(*(r[0] for r in rows)),
        objects(*(r[1] for r in rows)),
        np.full(len(rows), LEVEL_CODE["top"], dtype=np.int8),
        np.zeros(len(rows)),
        np.array([r[2] for r in rows]),
        np.array([r[3] for r in rows], dtype=np.int64),
        np.array([TREND_CODE[r[4]] for r in rows], dtype=np.int8),
    )


def rows(p: Profiles) -> list[tuple[str, str, float, float, int, str]]:
    """(subject, tag, signal, raw, strength, trend) of each interest, in order."""
    return [
        (s, t, signal, raw, strength, TRENDS[trend])
        for s, t, signal, raw, strength, trend in zip(
            p.subject.tolist(),
            p.tag.tolist(),
            p.signal.tolist(),
            p.raw.tolist(),
            p.strength.tolist(),
            p.trend.tolist(),
            strict=True,
        )
    ]


def signals(*rows: tuple[str, str, float]) -> Signals:
    return Signals.of((s, t, "top", v) for s, t, v in rows)


def by_key(p: Profiles) -> dict[tuple[str, str], tuple[float, float, int, str]]:
    return {(r[0], r[1]): r[2:] for r in rows(p)}


def test_raw_strength_halves_after_the_half_life() -> None:
    assert HALF_LIFE_WEEKS == 4.0
    assert decay(4) == pytest.approx(0.5)
    assert decay(1) ** 4 == pytest.approx(0.5)
    assert decay(0) == 1.0
    with pytest.raises(ValueError):
        decay(-1)


def test_history_older_than_the_gap_limit_is_not_carried() -> None:
    assert carried_gap(1) == 1
    assert carried_gap(3) == 3
    assert carried_gap(0) == 1
    assert carried_gap(MAX_GAP_WEEKS) == MAX_GAP_WEEKS
    assert carried_gap(MAX_GAP_WEEKS + 1) is None


def test_strength_saturates_between_0_and_100_as_documented() -> None:
    raw = np.array([0.0, -1.0, 3.0, 1000.0, 0.24, 6.0])
    assert strengths(raw).tolist() == [0, 0, 63, 100, 8, 86]
    curve = np.linspace(0, 20, 2001)
    assert strengths(curve).tolist() == [
        round(100 * (1 - math.exp(-r / 3))) if r > 0 else 0 for r in curve.tolist()
    ]
    assert np.all(np.diff(strengths(curve)) >= 0)


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (0, 20, "new"),
        (3, 20, "new"),
        (20, 25, "rising"),
        (20, 24, "stable"),
        (20, 16, "stable"),
        (20, 15, "falling"),
        (20, 4, "faded"),
        (FLOOR, FLOOR - 1, "faded"),
        (0, 4, None),
        (3, 2, None),
    ],
)
def test_trend_against_last_week(before: int, now: int, expected: str | None) -> None:
    code = int(trends(np.array([now]), np.array([before]))[0])
    assert (TRENDS[code] if code >= 0 else None) == expected


def test_a_week_decays_unfed_interests_and_adds_new_signals() -> None:
    previous = profiles(("m1", "運動", 3.0, 63, "new"))
    out = by_key(step(previous, signals(("m1", "電影", 1.5)), decay(1)))
    assert out[("m1", "運動")] == (0.0, 3.0 * decay(1), 57, "falling")
    assert out[("m1", "電影")] == (1.5, 1.5, int(strengths(np.array([1.5]))[0]), "new")


def test_a_fed_interest_adds_its_signal_to_the_decayed_raw() -> None:
    previous = profiles(("m1", "運動", 3.0, 63, "new"))
    out = by_key(step(previous, signals(("m1", "運動", 2.0)), decay(2)))
    raw = 3.0 * decay(2) + 2.0
    assert out[("m1", "運動")] == (2.0, raw, round(100 * (1 - math.exp(-raw / 3))), "rising")


def test_a_faded_row_is_kept_one_week_then_dropped() -> None:
    raw = -3.0 * math.log(1 - 6 / 100)  # strength 6
    week1 = step(profiles(("m1", "運動", raw, 6, "new")), signals(), decay(2))
    assert [r[5] for r in rows(week1)] == ["faded"]
    assert len(step(week1, signals(), decay(1))) == 0


def test_noise_below_the_floor_is_not_kept() -> None:
    out = step(Profiles.empty(), signals(("a", "x", 0.1), ("a", "y", 2.0)), 1.0)
    assert list(by_key(out)) == [("a", "y")]


def test_gap_weeks_decay_more() -> None:
    out = step(profiles(("m1", "運動", 3.0, 63, "new")), signals(), decay(4))
    assert by_key(out)[("m1", "運動")][1] == pytest.approx(1.5)


def test_rows_come_out_sorted_by_subject_then_tag() -> None:
    out = step(Profiles.empty(), signals(("b", "y", 2.0), ("a", "z", 2.0), ("a", "x", 2.0)), 1.0)
    assert [(r[0], r[1]) for r in rows(out)] == [("a", "x"), ("a", "z"), ("b", "y")]
    assert out.subjects() == 2
    assert out.trend_counts() == {"new": 3}


def test_member_signal_sums_its_accounts_before_decay() -> None:
    authors = signals(("ptt:a", "運動", 1.0), ("ptt:b", "運動", 0.5), ("ptt:c", "電影", 2.0))
    out = member_signals(authors, objects("M1", "M1", "M2"), objects("ptt:a", "ptt:b", "ptt:x"))
    assert {(s, t): v for s, t, v in zip(out.subject, out.tag, out.signal, strict=True)} == {
        ("M1", "運動"): 1.5
    }


def test_combined_signals_sum_per_subject_and_tag() -> None:
    out = combine(signals(("a", "x", 1.0), ("b", "x", 1.0)), signals(("a", "x", 0.25)))
    assert sorted(zip(out.subject, out.tag, out.signal, strict=True)) == [
        ("a", "x", 1.25),
        ("b", "x", 1.0),
    ]


def week(
    replies: list[tuple[str, int]],
    threads: list[tuple[int, str | None, bool]],
    tags: list[tuple[int, str, float]],
) -> WeekActivity:
    """A week from (user, thread) replies, (id, author, started) threads, (thread, tag, score)."""
    return WeekActivity(
        reply_user=objects(*(u for u, _ in replies)),
        reply_thread=np.array([t for _, t in replies], dtype=np.int64),
        thread_id=np.array([i for i, _, _ in threads], dtype=np.int64),
        thread_platform=objects(*("ptt" for _ in threads)),
        thread_author=objects(*(a for _, a, _ in threads)),
        thread_started=np.array([s for _, _, s in threads]),
        tag_thread=np.array([t for t, _, _ in tags], dtype=np.int64),
        tag=objects(*(g for _, g, _ in tags)),
        tag_level=np.zeros(len(tags), dtype=np.int8),
        tag_score=np.array([s for _, _, s in tags]),
    )


def test_thread_signals_weigh_started_over_distinct_replied_threads() -> None:
    got = thread_signals(
        week(
            # carol replies twice in thread 1 (counted once), alice in her own thread (not counted)
            [("carol", 1), ("carol", 1), ("alice", 1), ("carol", 2), ("bob", 3)],
            [(1, "alice", True), (2, "alice", True), (3, None, False)],
            [(1, "投資理財", 0.8), (2, "投資理財", 0.5), (2, "台股", 0.4), (3, "電影", 0.6)],
        )
    )
    assert {(s, t): v for s, t, v in zip(got.subject, got.tag, got.signal, strict=True)} == {
        ("ptt:alice", "投資理財"): pytest.approx(1.3),
        ("ptt:alice", "台股"): pytest.approx(0.4),
        ("ptt:carol", "投資理財"): pytest.approx(0.3 * 0.8 + 0.3 * 0.5),
        ("ptt:carol", "台股"): pytest.approx(0.3 * 0.4),
        ("ptt:bob", "電影"): pytest.approx(0.3 * 0.6),
    }


def test_a_reply_to_a_thread_missing_from_the_week_is_an_error() -> None:
    with pytest.raises(ValueError, match="missing"):
        thread_signals(week([("carol", 9)], [(1, "alice", True)], []))


def test_trend_codes_are_positions_in_the_vocabulary() -> None:
    assert [TREND_CODE[t] for t in TRENDS] == list(range(len(TRENDS)))
