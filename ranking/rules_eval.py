"""Precision and recall of each rule on a labelled set (tests/data/rules_labelled.jsonl)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from ranking.rules_check import check_lines
from ranking.rules_config import RuleSet

MEASURED = ("giveaway", "live", "chat_periodic", "chat_stale", "pinned")


@dataclass(frozen=True, slots=True)
class RuleFigures:
    """One rule's counts on a labelled set."""

    rule: str
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        """Of the threads the rule caught, the share it should have caught (1.0 if none)."""
        caught = self.true_pos + self.false_pos
        return self.true_pos / caught if caught else 1.0

    @property
    def recall(self) -> float:
        """Of the threads the rule should catch, the share it caught (1.0 if none)."""
        due = self.true_pos + self.false_neg
        return self.true_pos / due if due else 1.0


def evaluate(
    lines: Sequence[str], rules: RuleSet | None = None, keep: int | None = None
) -> tuple[dict[str, RuleFigures], list[tuple[int, str | None, str | None, str]]]:
    """Figures per rule and the misses (line, expected, got, title).

    All lines are judged together (each other's history); keep=0 or 1 scores only the even or
    odd lines (0-based), so the set splits into two halves.
    """
    verdicts = list(check_lines(lines, rules=rules))
    counts = {r: [0, 0, 0] for r in MEASURED}
    misses = []
    for i, (text, got) in enumerate(zip(lines, verdicts, strict=True)):
        if keep is not None and i % 2 != keep:
            continue
        data = json.loads(text)
        expected, rule = data["expected"], got.get("rule")
        if expected == rule:
            if expected in counts:
                counts[expected][0] += 1
            continue
        misses.append((i + 1, expected, rule, data["title"]))
        if rule in counts:
            counts[rule][1] += 1
        if expected in counts:
            counts[expected][2] += 1
    return {r: RuleFigures(r, *c) for r, c in counts.items()}, misses
