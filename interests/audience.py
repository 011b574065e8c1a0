"""Comparing the interests of two audiences (PeopleView): which tags over- or under-index in A.

Per tag, the share of each audience's members with a profile who hold the tag live that week,
the lift (A share / B share) and a two-sided test that the shares differ: a two-proportion
z-test, or Fisher's exact test when an expected count of the 2×2 table is below 5. The test
needs two separate groups, so when the audiences overlap (B = every member) A is tested against
the members of B who are not in A; the lift stays against all of B. A tag is significant when
its p-value is below ALPHA divided by the number of tags compared (Bonferroni).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from interests.tables import Cell, csv_bytes, xlsx_bytes

MIN_MEMBERS = 30
"""An audience needs at least this many members with a profile for shares to mean anything."""
ALPHA = 0.05
MIN_EXPECTED = 5.0
"""Below this expected count in any cell of the 2×2 table, Fisher's exact test replaces z."""
COLUMNS = (
    "index",
    "tag",
    "level",
    "a_members",
    "a_size",
    "a_share",
    "b_members",
    "b_size",
    "b_share",
    "lift",
    "test",
    "p_value",
    "significant",
)
SHEET = "audience"


class AudienceTooSmall(ValueError):
    """An audience has fewer than MIN_MEMBERS members with a profile; the message is one line."""


@dataclass(frozen=True, slots=True)
class TagShare:
    """One tag compared: who holds it in A and B, the lift and the test."""

    tag: str
    level: str
    a_members: int
    a_size: int
    b_members: int
    b_size: int
    test: str
    p_value: float
    significant: bool

    @property
    def a_share(self) -> float:
        """Share of A's profiled members with the tag."""
        return self.a_members / self.a_size

    @property
    def b_share(self) -> float:
        """Share of B's profiled members with the tag."""
        return self.b_members / self.b_size

    @property
    def lift(self) -> float | None:
        """A share / B share; None when nobody in B holds the tag."""
        return self.a_share / self.b_share if self.b_members else None

    @property
    def index(self) -> str:
        """`over` when A holds the tag more than B, `under` when less, `even` when alike."""
        if self.a_share > self.b_share:
            return "over"
        return "under" if self.a_share < self.b_share else "even"

    def cells(self) -> list[Cell]:
        """The row as table cells (shares and lift rounded for reading, p-value as computed)."""
        lift = self.lift
        return [
            self.index,
            self.tag,
            self.level,
            self.a_members,
            self.a_size,
            round(self.a_share, 4),
            self.b_members,
            self.b_size,
            round(self.b_share, 4),
            None if lift is None else round(lift, 3),
            self.test,
            self.p_value,
            "yes" if self.significant else "no",
        ]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Every tag held in A or B, over-indexed first (by lift), then under-indexed, then even."""

    a_size: int
    b_size: int
    tested_against: int
    overlap: int
    tags: list[TagShare]

    def part(self, index: str) -> list[TagShare]:
        """The tags of one index (over, under, even), in table order."""
        return [t for t in self.tags if t.index == index]


def compare(
    a: Set[str],
    b: Set[str],
    holders: Mapping[tuple[str, str], Set[str]],
    profiled: Set[str],
) -> Comparison:
    """Compare audiences A and B (member ids) tag by tag.

    `holders[(tag, level)]` are the members holding the tag live; `profiled` the members with a
    profile that week (shares are of those). Raises AudienceTooSmall naming the audience.
    """
    a_in, b_in = a & profiled, b & profiled
    for name, group in (("A", a_in), ("B", b_in)):
        if len(group) < MIN_MEMBERS:
            raise AudienceTooSmall(
                f"audience {name} has {len(group)} member{'s' if len(group) != 1 else ''} "
                f"with a profile this week; at least {MIN_MEMBERS} are needed"
            )
    overlap = a_in & b_in
    rest = b_in - a_in if overlap else b_in
    seen = [(key, members) for key, members in holders.items() if members & (a_in | b_in)]
    tags = []
    for (tag, level), members in seen:
        x_a, x_b, x_rest = len(members & a_in), len(members & b_in), len(members & rest)
        test, p = two_proportions(x_a, len(a_in), x_rest, len(rest))
        tags.append(
            TagShare(tag, level, x_a, len(a_in), x_b, len(b_in), test, p, p < ALPHA / len(seen))
        )
    order = {"over": 0, "under": 1, "even": 2}

    def key(t: TagShare) -> tuple[int, float, str]:
        lift = t.lift if t.lift is not None else math.inf
        return order[t.index], -lift if t.index == "over" else lift, t.tag

    return Comparison(len(a_in), len(b_in), len(rest), len(overlap), sorted(tags, key=key))


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> tuple[str, float]:
    """("z" or "fisher", two-sided p-value) that x1/n1 and x2/n2 come from one proportion."""
    if n1 == 0 or n2 == 0:
        return "none", 1.0
    total, held = n1 + n2, x1 + x2
    expected = [n * k / total for n in (n1, n2) for k in (held, total - held)]
    if min(expected) < MIN_EXPECTED:
        return "fisher", fisher_exact(x1, n1, x2, n2)
    return "z", z_test(x1, n1, x2, n2)


def z_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def fisher_exact(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test: tables no more likely than the one observed."""
    total, held = n1 + n2, x1 + x2

    def log_p(k: int) -> float:
        return _log_comb(held, k) + _log_comb(total - held, n1 - k) - _log_comb(total, n1)

    observed = log_p(x1)
    low, high = max(0, n1 - (total - held)), min(held, n1)
    p = sum(
        math.exp(lp) for lp in (log_p(k) for k in range(low, high + 1)) if lp <= observed + 1e-7
    )
    return min(1.0, p)


def _log_comb(n: int, k: int) -> float:
    """ln C(n, k)."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def table_rows(comparison: Comparison) -> Iterable[list[Cell]]:
    """The comparison's rows as table cells, in table order."""
    return (t.cells() for t in comparison.tags)


def to_csv(comparison: Comparison) -> bytes:
    """The comparison as CSV (tables.csv_bytes)."""
    return csv_bytes(COLUMNS, table_rows(comparison))


def to_xlsx(comparison: Comparison) -> bytes:
    """The comparison as XLSX (numbers as numbers, text as text)."""
    return xlsx_bytes(SHEET, COLUMNS, table_rows(comparison))


WRITERS = {"csv": to_csv, "xlsx": to_xlsx}
"""The comparison's bytes per format (interests.vocab.TABLE_FORMATS)."""
