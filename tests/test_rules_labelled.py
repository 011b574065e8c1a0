"""Each exclusion rule keeps >= 0.9 precision and >= 0.8 recall on the labelled set, both halves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ranking.rules_eval import MEASURED, evaluate

LABELLED = Path(__file__).parent / "data" / "rules_labelled.jsonl"
LINES = LABELLED.read_text(encoding="utf-8").splitlines()


def test_the_set_is_big_and_covers_every_source_and_rule() -> None:
    rows = [json.loads(line) for line in LINES]
    assert len(rows) >= 400
    assert {"ptt", "dcard", "mobile01", "facebook", "youtube", "news"} <= {
        r["platform"] for r in rows
    }
    assert set(MEASURED) <= {r["expected"] for r in rows}
    assert sum(r["expected"] is None for r in rows) >= len(rows) / 3  # hard negatives


@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("rule", MEASURED)
def test_each_rule_is_precise_and_finds_most(rule: str, half: int) -> None:
    figures, misses = evaluate(LINES, keep=half)
    f = figures[rule]
    assert f.true_pos > 0
    assert f.precision >= 0.9, [m for m in misses if rule in m[1:3]]
    assert f.recall >= 0.8, [m for m in misses if rule in m[1:3]]
