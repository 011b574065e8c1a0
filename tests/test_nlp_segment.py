"""Segmentation on the zh-TW lexicon: examples, one load per process, fast path = plain jieba."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from nlp import dictionaries
from nlp.dictionaries import lexicon, stopwords, user_dictionary
from nlp.segment import Segmenter, _rjieba_available, cut, cut_many, default_segmenter

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("台積電外資連續買超", ["台積電", "外資", "連續", "買超"]),
        ("半糖少冰", ["半糖", "少冰"]),
        ("鄉民都在問卦", ["鄉民", "都", "在", "問卦"]),
        ("魯蛇的小確幸", ["魯蛇", "的", "小確幸"]),
    ],
)
def test_cut_keeps_taiwanese_words_whole(text: str, tokens: list[str]) -> None:
    assert cut(text) == tokens


def test_cut_drops_whitespace_and_optionally_stopwords() -> None:
    assert " " not in cut("我 要 珍奶")
    assert cut("我們的珍奶，好喝嗎？", drop_stopwords=True) == ["珍奶", "好喝"]


def test_dictionaries_load_once_per_process() -> None:
    default_segmenter()
    before = dict(dictionaries.LOADS)
    for _ in range(3):
        lexicon()
        stopwords()
        user_dictionary()
        default_segmenter()
        cut("台積電")
    assert dict(dictionaries.LOADS) == before
    assert all(count == 1 for count in before.values())
    assert lexicon.cache_info().currsize == 1


def test_lexicon_is_traditional_and_holds_user_words() -> None:
    lx = lexicon()
    assert "軟體" in lx and "資訊" in lx
    assert lx["台積電"][0] >= 5000
    assert "半糖" in lx and "鄉民" in lx


def _sample_texts() -> list[str]:
    """A large deterministic sample: real posts when ../shared is present, else made-up text."""
    texts: list[str] = []
    dev = SHARED / "corpus" / "ptt_boards_dev.csv"
    if dev.exists():
        with dev.open(encoding="utf-8", newline="") as fh:
            texts += [f"{r['標題']}\n{r['內容']}" for r in csv.DictReader(fh)]
    rng = random.Random(42)
    words = sorted(lexicon())
    pool = (
        words
        + ["，", "。", " ", "iPhone13", "PS5", "2021年", "100%", "?", "\n", "ABC", "＆"] * 2000
    )
    for _ in range(5000):
        texts.append("".join(rng.choice(pool) for _ in range(rng.randint(3, 40))))
    return texts


@pytest.mark.skipif(not _rjieba_available(), reason="rjieba (the fast path) is not installed")
def test_fast_path_gives_the_same_tokens_as_plain_jieba() -> None:
    fast = default_segmenter("rjieba")
    plain = Segmenter(lexicon(), "jieba")
    texts = _sample_texts()
    assert sum(len(t) for t in texts) > 200_000
    for text in texts:
        assert fast.cut(text) == plain.cut(text), text[:80]


def test_cut_many_in_two_processes_equals_serial() -> None:
    texts = ["台積電外資連續買超", "半糖少冰", "鄉民問卦"] * 20
    assert cut_many(texts, workers=2) == [cut(t) for t in texts]
