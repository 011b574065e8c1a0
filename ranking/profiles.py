"""Interest profiles: weekly signals decayed into 0-100 strengths with trends, and CRM rows."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

HALF_LIFE_WEEKS = 4.0
"""An interest nobody feeds loses half its raw strength in four weeks."""
SATURATION = 3.0
"""Raw strength at which the 0-100 strength reaches 63 (100 × (1 − e⁻¹))."""
FLOOR = 5
"""Strengths below this are noise: not stored, except once as `faded` after being above it."""
TREND_STEP = 5
"""A change of at least this many points in a week is rising or falling, less is stable."""
TRENDS = ("new", "rising", "stable", "falling", "faded")
LEVELS = ("top", "fine")

# (subject_id, tag) → (level, signal)
Signals = dict[tuple[str, str], tuple[str, float]]


@dataclass(frozen=True, slots=True)
class SignalWeights:
    """How much one unit of tag score counts, per way an author showed interest."""

    started: float = 1.0
    replied: float = 0.3
    reply_text: float = 0.5


WEIGHTS = SignalWeights()


@dataclass(frozen=True, slots=True)
class Interest:
    """One week's interest of a subject in a tag: signal, decayed raw, strength 0-100, trend."""

    subject_id: str
    tag: str
    level: str
    signal: float
    raw: float
    strength: int
    trend: str

    def as_row(self) -> tuple[str, str, str, float, float, int, str]:
        """The storage row (subject_id, tag, level, signal, raw, strength, trend)."""
        return (
            self.subject_id,
            self.tag,
            self.level,
            self.signal,
            self.raw,
            self.strength,
            self.trend,
        )


def decay(weeks: int = 1, half_life: float = HALF_LIFE_WEEKS) -> float:
    """The factor raw strength keeps after `weeks` weeks: 0.5 ** (weeks / half_life)."""
    if weeks < 0:
        raise ValueError(f"weeks must be 0 or more, got {weeks}")
    return float(0.5 ** (weeks / half_life))


def strength_of(raw: float, saturation: float = SATURATION) -> int:
    """Map raw strength onto 0-100 with a saturating curve: round(100 × (1 − e^(−raw/K)))."""
    if raw <= 0:
        return 0
    return max(0, min(100, round(100.0 * (1.0 - math.exp(-raw / saturation)))))


def trend_of(previous: Interest | None, strength: int) -> str | None:
    """Trend against last week's row; None means the row is not kept (noise, or long faded)."""
    before = previous.strength if previous is not None else 0
    if strength >= FLOOR:
        if before < FLOOR:
            return "new"
        delta = strength - before
        if delta >= TREND_STEP:
            return "rising"
        if delta <= -TREND_STEP:
            return "falling"
        return "stable"
    if before >= FLOOR:
        return "faded"
    return None


def step_week(
    previous: Iterable[Interest],
    signals: Mapping[tuple[str, str], tuple[str, float]],
    gap_weeks: int = 1,
    half_life: float = HALF_LIFE_WEEKS,
) -> list[Interest]:
    """This week's interests: raw = previous raw × decay(gap) + signal, then strength and trend."""
    factor = decay(gap_weeks, half_life)
    before: dict[tuple[str, str], Interest] = {(p.subject_id, p.tag): p for p in previous}
    out: list[Interest] = []
    for key in before.keys() | signals.keys():
        prev = before.get(key)
        level, signal = signals.get(key, (prev.level if prev else "top", 0.0))
        raw = (prev.raw * factor if prev is not None else 0.0) + signal
        strength = strength_of(raw)
        trend = trend_of(prev, strength)
        if trend is not None:
            out.append(Interest(key[0], key[1], level, signal, raw, strength, trend))
    out.sort(key=lambda i: (i.subject_id, -i.strength, i.tag))
    return out


def add_signals(
    into: Signals, rows: Iterable[tuple[str, str, str, float]], weight: float = 1.0
) -> Signals:
    """Add (subject_id, tag, level, signal × weight) rows into a signal map; returns it."""
    for subject_id, tag, level, signal in rows:
        key = (subject_id, tag)
        old = into.get(key)
        into[key] = (level, (old[1] if old else 0.0) + signal * weight)
    return into


def member_signals(
    author_signals: Mapping[tuple[str, str], tuple[str, float]],
    accounts: Mapping[str, Sequence[str]],
) -> Signals:
    """A member's signal per tag: the sum over the member's linked author subjects."""
    by_author: dict[str, list[tuple[str, str, float]]] = {}
    for (subject, tag), (level, signal) in author_signals.items():
        by_author.setdefault(subject, []).append((tag, level, signal))
    out: Signals = {}
    for member_id, subjects in accounts.items():
        add_signals(
            out,
            (
                (member_id, tag, level, signal)
                for subject in subjects
                for tag, level, signal in by_author.get(subject, ())
            ),
        )
    return out


def author_subject(platform: str, handle: str) -> str:
    """The subject id of a community account: `platform:handle` (handles are per platform)."""
    return f"{platform}:{handle}"


@dataclass(frozen=True, slots=True)
class CrmRow:
    """One member's row of a CRM export: aligned tags, strengths, trends and IAB ids."""

    member_id: str
    week: str
    tags: tuple[str, ...]
    strengths: tuple[int, ...]
    trends: tuple[str, ...]
    iab_ids: tuple[str, ...]

    @property
    def top_tag(self) -> str:
        """The strongest tag that has not faded, or empty."""
        for tag, trend in zip(self.tags, self.trends, strict=True):
            if trend != "faded":
                return tag
        return ""

    def digest(self) -> str:
        """SHA-256 of the profile content (not the week), to tell whether a member changed."""
        payload = [self.member_id, self.tags, self.strengths, self.trends, self.iab_ids]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def crm_rows(
    member_ids: Sequence[str],
    interests: Iterable[Interest],
    week: str,
    iab_ids: Mapping[str, str | None],
    top: int = 5,
    levels: Sequence[str] = ("top",),
) -> list[CrmRow]:
    """One row per member: the `top` strongest live tags, then the tags that faded this week."""
    by_member: dict[str, list[Interest]] = {m: [] for m in member_ids}
    for item in interests:
        if item.level in levels and item.subject_id in by_member:
            by_member[item.subject_id].append(item)
    rows: list[CrmRow] = []
    for member_id in member_ids:
        items = by_member[member_id]
        live = sorted((i for i in items if i.trend != "faded"), key=lambda i: (-i.strength, i.tag))
        faded = sorted((i for i in items if i.trend == "faded"), key=lambda i: i.tag)
        chosen = live[: max(top, 0)] + faded
        rows.append(
            CrmRow(
                member_id=member_id,
                week=week,
                tags=tuple(i.tag for i in chosen),
                strengths=tuple(i.strength for i in chosen),
                trends=tuple(i.trend for i in chosen),
                iab_ids=tuple(iab_ids.get(i.tag) or "" for i in chosen),
            )
        )
    return rows
