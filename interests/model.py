"""The interest model: weekly signals, decay, 0-100 strengths and trends, for many subjects at once.

A subject is an author (`platform:handle`) or a CRM member. Each week, per (subject, tag):

    signal   = 1.0 × Σ scores of threads started + 0.3 × Σ scores of distinct threads replied to
               + 0.5 × scores of the subject's own reply text          (members: Σ over accounts)
    raw      = raw of the week before × decay(gap) + signal
    strength = round(100 × (1 − e^(−raw / SATURATION)))
    trend    = new / rising / stable / falling / faded against the week before

Everything works on aligned numpy arrays, one element per (subject, tag), so a week of a million
replies is a few array operations. This is the only implementation: authors and members are
both stepped here, and the database only stores what it returns (docs/PROFILES.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from interests.vocab import TAG_LEVELS, TRENDS

HALF_LIFE_WEEKS = 4.0
"""An interest nobody feeds loses half its raw strength in four weeks."""
SATURATION = 3.0
"""Raw strength at which the 0-100 strength reaches 63 (100 × (1 − e⁻¹))."""
FLOOR = 5
"""Strengths below this are noise: not kept, except once as `faded` after being above it."""
TREND_STEP = 5
"""A change of at least this many points in a week is rising or falling, less is stable."""
MAX_GAP_WEEKS = 8
"""History older than this many weeks is not carried forward: the subject starts afresh."""
REPLY_TEXT_CAP = 200
"""Replies per author and week whose text is tagged (the rest still count as replied threads)."""

Objects = npt.NDArray[np.object_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
Flags = npt.NDArray[np.bool_]

TREND_CODE = {word: code for code, word in enumerate(TRENDS)}
"""A trend's code in Profiles.trend: its position in TRENDS."""
LEVEL_CODE = {word: code for code, word in enumerate(TAG_LEVELS)}
"""A tag level's code in Signals.level and Profiles.level: its position in TAG_LEVELS."""
_NEW, _RISING, _STABLE, _FALLING, _FADED = (TREND_CODE[t] for t in TRENDS)
_DROPPED = -1


@dataclass(frozen=True, slots=True)
class SignalWeights:
    """How much one unit of tag score counts, per way an author showed interest."""

    started: float = 1.0
    replied: float = 0.3
    reply_text: float = 0.5


WEIGHTS = SignalWeights()


class Interest(NamedTuple):
    """One stored interest of one week: subject, tag, level, signal, raw, 0-100 and trend."""

    subject_id: str
    tag: str
    level: str
    signal: float
    raw: float
    strength: int
    trend: str

    @property
    def active(self) -> bool:
        """Live this week: not faded (and so at or above the floor)."""
        return is_active(self.strength, self.trend)


def decay(weeks: int = 1, half_life: float = HALF_LIFE_WEEKS) -> float:
    """The factor raw strength keeps after `weeks` weeks: 0.5 ** (weeks / half_life)."""
    if weeks < 0:
        raise ValueError(f"weeks must be 0 or more, got {weeks}")
    return float(0.5 ** (weeks / half_life))


def carried_gap(weeks_since: int) -> int | None:
    """Weeks to decay the last stored week over, or None when it is too old to carry."""
    if weeks_since > MAX_GAP_WEEKS:
        return None
    return max(weeks_since, 1)


def author_subject(platform: str, handle: str) -> str:
    """The subject id of a community account: `platform:handle` (handles are per platform)."""
    return f"{platform}:{handle}"


def is_active(strength: int, trend: str) -> bool:
    """Whether a stored interest is live (not faded, at or above the floor)."""
    return trend != "faded" and strength >= FLOOR


def strengths(raw: Floats) -> Ints:
    """round(100 × (1 − e^(−raw / SATURATION))) for raw > 0, else 0 (ties round to even)."""
    curve = 100.0 * (1.0 - np.exp(-raw / SATURATION))
    return np.where(raw > 0, np.rint(curve), 0.0).astype(np.int64)


def trends(strength: Ints, before: Ints) -> Codes:
    """Each row's trend code against last week's strength; -1 where the row is not kept."""
    delta = strength - before
    live = np.select(
        [before < FLOOR, delta >= TREND_STEP, delta <= -TREND_STEP],
        [_NEW, _RISING, _FALLING],
        _STABLE,
    )
    kept = np.where(before >= FLOOR, _FADED, _DROPPED)
    return np.where(strength >= FLOOR, live, kept).astype(np.int8)


@dataclass(frozen=True, slots=True)
class Signals:
    """One week's signal per (subject, tag), as aligned arrays (each pair once)."""

    subject: Objects
    tag: Objects
    level: Codes
    signal: Floats

    def __len__(self) -> int:
        """Pairs held."""
        return len(self.subject)

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str, float]]) -> Signals:
        """From (subject, tag, level word, signal) rows; pairs repeated are summed."""
        items = list(rows)
        return _summed(
            _objects([r[0] for r in items]),
            _objects([r[1] for r in items]),
            np.array([LEVEL_CODE[r[2]] for r in items], dtype=np.int8),
            np.array([r[3] for r in items], dtype=np.float64),
        )


@dataclass(frozen=True, slots=True)
class Profiles:
    """One week's interests per (subject, tag), sorted by subject then tag."""

    subject: Objects
    tag: Objects
    level: Codes
    signal: Floats
    raw: Floats
    strength: Ints
    trend: Codes

    def __len__(self) -> int:
        """Interests held."""
        return len(self.subject)

    def subjects(self) -> int:
        """How many distinct subjects have an interest."""
        return len(pd.unique(self.subject)) if len(self.subject) else 0

    def trend_counts(self, level: str = "top") -> dict[str, int]:
        """How many interests of a level have each trend."""
        codes = self.trend[self.level == LEVEL_CODE[level]]
        counts = np.bincount(codes, minlength=len(TRENDS))
        return {TRENDS[c]: int(n) for c, n in enumerate(counts) if n}

    @classmethod
    def empty(cls) -> Profiles:
        """No interest at all (a first week, or history too old to carry)."""
        return cls(*_no_profiles())


@dataclass(frozen=True, slots=True)
class WeekActivity:
    """What one week's thread signals are computed from, as arrays.

    `reply_*`: the week's shown replies (who, in which thread). `thread_*`: every thread those
    replies or the week's started threads belong to, sorted by id: platform, author (None when
    unknown) and whether it was posted in the week. `tag_*`: those threads' tags and scores.
    """

    reply_user: Objects
    reply_thread: Ints
    thread_id: Ints
    thread_platform: Objects
    thread_author: Objects
    thread_started: Flags
    tag_thread: Ints
    tag: Objects
    tag_level: Codes
    tag_score: Floats


def thread_signals(week: WeekActivity, weights: SignalWeights = WEIGHTS) -> Signals:
    """Σ weight × tag score per (author, tag): threads started, distinct threads replied to.

    A replier counts each thread once however often they replied; replies in their own thread
    do not count (the thread already counts as started), nor do anonymous replies.
    """
    n_threads, n_replies = len(week.thread_id), len(week.reply_user)
    at = _positions(week.thread_id, week.reply_thread, "reply")
    # Repliers and thread authors numbered together, so "not their own thread" compares numbers.
    person, user_names = _factorize(np.concatenate([week.reply_user, week.thread_author]))
    replier, author = person[:n_replies], person[n_replies:]
    # An anonymous reply (Dcard comments name no account) is nobody's signal.
    other = (author[at] != replier) & (week.reply_user != "")
    started = np.flatnonzero(week.thread_started & pd.notna(week.thread_author))
    user_code = np.concatenate([replier[other], author[started]])
    where = np.concatenate([at[other], started])
    weight = np.concatenate(
        [np.full(int(other.sum()), weights.replied), np.full(len(started), weights.started)]
    )
    if not len(user_code):
        return _no_signals()
    platform_code, platform_names = _factorize(week.thread_platform)
    account = platform_code[where] * len(user_names) + user_code
    subject_code, accounts = _factorize(account)
    subjects = _objects(
        [
            author_subject(platform_names[a // len(user_names)], user_names[a % len(user_names)])
            for a in accounts.tolist()
        ]
    )
    once = ~pd.Series(subject_code * n_threads + where).duplicated().to_numpy()
    subject_code, where, weight = subject_code[once], where[once], weight[once]
    # Every (subject, thread) contributes one row per tag of its thread.
    tag_at = _positions(week.thread_id, week.tag_thread, "tag")
    by_thread = np.argsort(tag_at, kind="stable")
    per_thread = np.bincount(tag_at, minlength=n_threads)
    offsets = np.concatenate([[0], np.cumsum(per_thread)[:-1]]).astype(np.int64)
    count = per_thread[where]
    ends = np.cumsum(count)
    step_in = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - count, count)
    rows = by_thread[np.repeat(offsets[where], count) + step_in]
    tag_code, tags = _factorize(week.tag)
    return _sum_pairs(
        np.repeat(subject_code, count),
        subjects,
        tag_code[rows],
        tags,
        week.tag_level[rows],
        week.tag_score[rows] * np.repeat(weight, count),
    )


def combine(*parts: Signals) -> Signals:
    """Several signal sets summed per (subject, tag)."""
    return _summed(
        np.concatenate([p.subject for p in parts]),
        np.concatenate([p.tag for p in parts]),
        np.concatenate([p.level for p in parts]),
        np.concatenate([p.signal for p in parts]),
    )


def member_signals(authors: Signals, account_member: Objects, account_subject: Objects) -> Signals:
    """A member's signal per tag: the sum over its linked accounts' signals, before any decay.

    `account_member[i]` owns the author subject `account_subject[i]`; an account belongs to one
    member.
    """
    found = pd.Index(account_subject).get_indexer(pd.Index(authors.subject))
    linked = found >= 0
    return _summed(
        account_member[found[linked]],
        authors.tag[linked],
        authors.level[linked],
        authors.signal[linked],
    )


def step(previous: Profiles, signals: Signals, factor: float) -> Profiles:
    """This week's interests: raw = last week's raw × factor + signal, then strength and trend.

    `factor` is decay(gap) for the weeks since `previous`; rows neither at or above the floor
    now nor last week are dropped, so a faded row lives one week.
    """
    n_prev = len(previous)
    subject_code, subjects = _factorize(
        np.concatenate([previous.subject, signals.subject]), sort=True
    )
    tag_code, tags = _factorize(np.concatenate([previous.tag, signals.tag]), sort=True)
    width = max(len(tags), 1)
    pair_code, keys = _factorize(subject_code * width + tag_code, sort=True)
    was, fed = pair_code[:n_prev], pair_code[n_prev:]
    last_raw = np.zeros(len(keys))
    last_raw[was] = previous.raw
    before = np.zeros(len(keys), dtype=np.int64)
    before[was] = previous.strength
    signal = np.zeros(len(keys))
    signal[fed] = signals.signal
    level = np.zeros(len(keys), dtype=np.int8)
    level[was] = previous.level
    level[fed] = signals.level
    raw = last_raw * factor + signal
    strength = strengths(raw)
    trend = trends(strength, before)
    kept = trend != _DROPPED
    keys = keys[kept]
    return Profiles(
        subjects[keys // width],
        tags[keys % width],
        level[kept],
        signal[kept],
        raw[kept],
        strength[kept],
        trend[kept],
    )


def _objects(values: list[Any]) -> Objects:
    """A 1-d object array of the values (never a 2-d array of characters)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _factorize(values: npt.NDArray[Any], sort: bool = False) -> tuple[Ints, npt.NDArray[Any]]:
    """Codes 0..n-1 and the distinct values (hash-based; `sort` numbers them in order)."""
    codes, uniques = pd.factorize(values, sort=sort)
    return codes.astype(np.int64), np.asarray(uniques, dtype=values.dtype)


def _positions(ids: Ints, wanted: Ints, what: str) -> Ints:
    """Where each wanted id sits in the sorted `ids`; every one must be there."""
    at = np.searchsorted(ids, wanted)
    if len(wanted) and (at.max() >= len(ids) or not np.array_equal(ids[at], wanted)):
        raise ValueError(f"a {what} names a thread missing from the week's threads")
    return at.astype(np.int64)


def _summed(subject: Objects, tag: Objects, level: Codes, value: Floats) -> Signals:
    """Values summed per (subject, tag), in the order pairs first appear."""
    subject_code, subjects = _factorize(subject)
    tag_code, tags = _factorize(tag)
    return _sum_pairs(subject_code, subjects, tag_code, tags, level, value)


def _sum_pairs(
    subject_code: Ints,
    subjects: Objects,
    tag_code: Ints,
    tags: Objects,
    level: Codes,
    value: Floats,
) -> Signals:
    """Values summed per (subject code, tag code); a pair's level is its first row's."""
    if not len(subject_code):
        return _no_signals()
    pair_code, pairs = _factorize(subject_code * len(tags) + tag_code)
    sums = np.bincount(pair_code, weights=value, minlength=len(pairs)).astype(np.float64)
    first = np.empty(len(pairs), dtype=np.int64)
    first[pair_code[::-1]] = np.arange(len(pair_code) - 1, -1, -1)
    return Signals(subjects[pairs // len(tags)], tags[pairs % len(tags)], level[first], sums)


def _no_signals() -> Signals:
    """An empty signal set."""
    return Signals(_objects([]), _objects([]), np.zeros(0, np.int8), np.zeros(0))


def _no_profiles() -> tuple[Objects, Objects, Codes, Floats, Floats, Ints, Codes]:
    """The fields of an empty Profiles."""
    return (
        _objects([]),
        _objects([]),
        np.zeros(0, np.int8),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0, np.int64),
        np.zeros(0, np.int8),
    )
