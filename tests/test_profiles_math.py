"""Pure profile math: decay with a four-week half-life, the 0-100 curve, trends, CRM rows."""

from __future__ import annotations

import pytest

from ranking.profiles import (
    FLOOR,
    HALF_LIFE_WEEKS,
    CrmRow,
    Interest,
    crm_rows,
    decay,
    member_signals,
    step_week,
    strength_of,
    trend_of,
)


def interest(strength: int, raw: float = 1.0, trend: str = "stable", tag: str = "運動") -> Interest:
    return Interest("m1", tag, "top", 0.0, raw, strength, trend)


def test_raw_strength_halves_after_the_half_life() -> None:
    assert HALF_LIFE_WEEKS == 4.0
    assert decay(4) == pytest.approx(0.5)
    assert decay(1) ** 4 == pytest.approx(0.5)
    assert decay(0) == 1.0
    with pytest.raises(ValueError):
        decay(-1)


def test_strength_saturates_between_0_and_100() -> None:
    assert strength_of(0.0) == 0
    assert strength_of(-1.0) == 0
    assert strength_of(3.0) == 63
    assert strength_of(1000.0) == 100
    values = [strength_of(r / 10) for r in range(0, 200)]
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (None, 20, "new"),
        (3, 20, "new"),
        (20, 25, "rising"),
        (20, 24, "stable"),
        (20, 16, "stable"),
        (20, 15, "falling"),
        (20, 4, "faded"),
        (FLOOR, FLOOR - 1, "faded"),
        (None, 4, None),
        (3, 2, None),
    ],
)
def test_trend_against_last_week(before: int | None, now: int, expected: str | None) -> None:
    previous = None if before is None else interest(before)
    assert trend_of(previous, now) == expected


def test_a_week_decays_unfed_interests_and_adds_new_signals() -> None:
    previous = [interest(strength_of(3.0), raw=3.0)]
    out = step_week(previous, {("m1", "電影"): ("top", 1.5)})
    by_tag = {i.tag: i for i in out}
    assert by_tag["運動"].raw == pytest.approx(3.0 * decay(1))
    assert by_tag["運動"].trend == "falling"
    assert by_tag["電影"].trend == "new"
    assert by_tag["電影"].strength == strength_of(1.5)


def test_a_faded_row_is_kept_one_week_then_dropped() -> None:
    week1 = step_week([interest(6, raw=strength_raw(6))], {}, gap_weeks=2)
    assert [i.trend for i in week1] == ["faded"]
    assert step_week(week1, {}) == []


def strength_raw(strength: int) -> float:
    import math

    return -3.0 * math.log(1 - strength / 100)


def test_gap_weeks_decay_more() -> None:
    out = step_week([interest(63, raw=3.0)], {}, gap_weeks=4)
    assert out[0].raw == pytest.approx(1.5)


def test_member_signal_sums_its_accounts_before_decay() -> None:
    authors = {("ptt:a", "運動"): ("top", 1.0), ("ptt:b", "運動"): ("top", 0.5)}
    out = member_signals(authors, {"M1": ["ptt:a", "ptt:b"], "M2": ["ptt:c"]})
    assert out == {("M1", "運動"): ("top", 1.5)}


def test_crm_rows_keep_top_tags_then_faded_with_aligned_iab_ids() -> None:
    items = [
        Interest("M1", "運動", "top", 1, 1, 50, "rising"),
        Interest("M1", "電影", "top", 1, 1, 70, "new"),
        Interest("M1", "棒球", "fine", 1, 1, 90, "new"),
        Interest("M1", "旅遊", "top", 0, 0.1, 3, "faded"),
        Interest("M1", "寵物", "top", 0, 0.1, 30, "stable"),
    ]
    rows = crm_rows(["M1", "M2"], items, "2024-07-08", {"電影": "324", "運動": "607"}, top=2)
    assert rows[0] == CrmRow(
        "M1", "2024-07-08", ("電影", "運動", "旅遊"), (70, 50, 3), ("new", "rising", "faded"),
        ("324", "607", ""),
    )  # fmt: skip
    assert rows[0].top_tag == "電影"
    assert rows[1].tags == () and rows[1].top_tag == ""
    assert rows[0].digest() != rows[1].digest()
    assert crm_rows(["M1"], items, "x", {}, top=1, levels=("fine",))[0].tags == ("棒球",)


def test_digest_ignores_the_week() -> None:
    a = CrmRow("M1", "2024-07-08", ("電影",), (70,), ("new",), ("324",))
    b = CrmRow("M1", "2024-07-15", ("電影",), (70,), ("new",), ("324",))
    assert a.digest() == b.digest()
