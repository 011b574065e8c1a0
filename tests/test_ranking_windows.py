"""Observation windows: Monday 00:00 to Monday 00:00, Asia/Taipei."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ranking.windows import (
    TAIPEI,
    Window,
    last_complete_week,
    parse_week,
    week_containing,
    week_starting,
    weeks_back,
)


def test_week_starting_runs_monday_to_monday_in_taipei() -> None:
    w = week_starting(date(2019, 2, 4))
    assert w.start == datetime(2019, 2, 4, tzinfo=TAIPEI)
    assert w.end == datetime(2019, 2, 11, tzinfo=TAIPEI)
    assert w.start == datetime(2019, 2, 3, 16, tzinfo=UTC)


def test_label_and_week_id_match_the_reference_report() -> None:
    w = week_starting(date(2019, 2, 4))
    assert w.label == "2019.02.04~2019.02.10"
    assert w.week_id == "2019-02-04"


def test_non_monday_is_refused_with_the_monday_to_try() -> None:
    with pytest.raises(ValueError) as err:
        week_starting(date(2019, 2, 5))
    assert str(err.value) == "2019-02-05 is a Tuesday; weeks start on Monday (try 2019-02-04)"


def test_sunday_suggests_the_monday_before() -> None:
    with pytest.raises(ValueError, match=r"is a Sunday; .*try 2019-02-04"):
        week_starting(date(2019, 2, 10))


def test_monday_midnight_taipei_seen_in_utc_starts_the_new_week() -> None:
    t = datetime(2019, 2, 3, 16, 0, tzinfo=UTC)  # Monday 00:00 +08:00
    assert week_containing(t).week_id == "2019-02-04"
    assert week_containing(t - timedelta(microseconds=1)).week_id == "2019-01-28"


def test_sunday_late_evening_taipei_belongs_to_that_week() -> None:
    t = datetime(2019, 2, 10, 23, 59, 59, tzinfo=TAIPEI)
    assert week_containing(t).week_id == "2019-02-04"


def test_year_rollover_week() -> None:
    w = week_starting(date(2018, 12, 31))
    assert w.label == "2018.12.31~2019.01.06"
    assert week_containing(datetime(2019, 1, 1, 12, tzinfo=TAIPEI)) == w
    assert week_containing(datetime(2019, 1, 6, 23, tzinfo=TAIPEI)) == w


def test_last_complete_week_at_exactly_monday_midnight_is_the_week_just_ended() -> None:
    now = datetime(2019, 2, 11, 0, 0, tzinfo=TAIPEI)
    w = last_complete_week(now)
    assert w.week_id == "2019-02-04"
    assert w.end == now


def test_last_complete_week_mid_week_and_just_before_monday() -> None:
    assert last_complete_week(datetime(2019, 2, 13, 9, tzinfo=TAIPEI)).week_id == "2019-02-04"
    almost = datetime(2019, 2, 10, 23, 59, 59, tzinfo=TAIPEI)
    assert last_complete_week(almost).week_id == "2019-01-28"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        week_containing(datetime(2019, 2, 5))
    with pytest.raises(ValueError, match="no time zone"):
        Window(datetime(2019, 2, 4), datetime(2019, 2, 11))


def test_window_must_not_be_empty() -> None:
    t = datetime(2019, 2, 4, tzinfo=TAIPEI)
    with pytest.raises(ValueError, match="not after start"):
        Window(t, t)


def test_parse_week_accepts_a_monday() -> None:
    assert parse_week("2019-02-04") == week_starting(date(2019, 2, 4))
    assert parse_week(" 2019-02-04\n").week_id == "2019-02-04"


@pytest.mark.parametrize("text", ["2019/02/04", "20190204", "last week", "", "2019-2-4"])
def test_parse_week_rejects_other_formats(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_week(text)


def test_parse_week_rejects_impossible_dates_and_non_mondays() -> None:
    with pytest.raises(ValueError, match="not a calendar date"):
        parse_week("2019-02-30")
    with pytest.raises(ValueError, match="weeks start on Monday"):
        parse_week("2019-02-06")


def test_weeks_back_is_oldest_first_and_ends_with_the_window() -> None:
    w = week_starting(date(2019, 1, 7))
    ids = [x.week_id for x in weeks_back(w, 3)]
    assert ids == ["2018-12-24", "2018-12-31", "2019-01-07"]
    assert weeks_back(w, 0) == []
    with pytest.raises(ValueError):
        weeks_back(w, -1)


def test_contains_is_half_open() -> None:
    w = week_starting(date(2019, 2, 4))
    assert w.contains(w.start)
    assert not w.contains(w.end)
    assert w.next().start == w.end and w.previous().end == w.start
