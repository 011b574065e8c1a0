"""Accuracy regression: text-only tagging of real PTT posts whose board has one plain topic."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlp.boards import board_tags
from nlp.tagger import default_tagger

DEV = Path(__file__).resolve().parents[2] / "shared/fixtures/real/corpus/ptt_boards_dev.csv"


@pytest.mark.skipif(not DEV.exists(), reason="dev corpus (../shared/fixtures) not present")
def test_hit_at_3_on_the_dev_corpus_is_at_least_085() -> None:
    mapping = board_tags()
    with DEV.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["看板"] in mapping]
    tagger = default_tagger()
    hit3 = sum(
        mapping[r["看板"]] in [s.tag for s in tagger.top_tags(f"{r['標題']}\n{r['內容']}", top=3)]
        for r in rows
    )
    assert len(rows) >= 500
    assert hit3 / len(rows) >= 0.85
