"""The compiled keyword scan: exactly plain jieba's keyword tokens, so exactly the same tags."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from nlp import keyscan
from nlp.dictionaries import lexicon
from nlp.segment import Segmenter
from nlp.tagger import Tagger, default_tagger

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
_HEAD = re.compile(r"[a-z]+")

pytestmark = pytest.mark.skipif(not keyscan.available(), reason="numba is not installed")


@pytest.fixture(scope="module")
def plain() -> Segmenter:
    """Plain jieba (the Python implementation) on the packaged lexicon."""
    return Segmenter(lexicon(), "jieba")


def _texts() -> list[str]:
    """Real posts when ../shared is present, plus made-up text full of edge cases."""
    texts: list[str] = []
    dev = SHARED / "corpus" / "ptt_boards_dev.csv"
    if dev.exists():
        with dev.open(encoding="utf-8", newline="") as fh:
            texts += [f"{r['標題']}\n{r['內容']}" for r in csv.DictReader(fh)]
    rng = random.Random(7)
    keys = sorted(default_tagger()._index)
    pool = sorted(lexicon())[::7] + keys * 3
    odd = ["，", " ", "iPhone13", "PS5", "PS", "2021年", "100%", "\n", "ABC", "＆", "𠮷", "\u9fd6"]
    pool += odd * 300
    pool += ["A咖", "7-11", "CR-V", "C++", "e.g.", "ｉＰｈｏｎｅ", "Sent from JPTT on my PC"] * 100
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    return texts


def _matches(token: str, index: dict[str, object]) -> bool:
    """The tagger's lookup: the token, or for ASCII its lower case or its leading letters."""
    if token in index:
        return True
    if not token.isascii():
        return False
    lower = token.lower()
    head = _HEAD.match(lower)
    return lower in index or bool(head and head.group() != lower and head.group() in index)


def test_scan_keeps_exactly_the_matching_tokens_of_plain_jieba(plain: Segmenter) -> None:
    tagger = default_tagger()
    assert tagger._scanner is not None
    index = dict(tagger._index)
    texts = _texts()
    assert sum(len(t) for t in texts) > 100_000
    for text in texts:
        want = [t for t in plain.raw_cut(text) if _matches(t, index)]
        assert tagger._scanner.tokens(text) == want, text[:80]


def test_fast_tags_equal_tags_over_plain_jieba(plain: Segmenter) -> None:
    slow = Tagger(segmenter=plain)
    fast = default_tagger()
    texts = _texts()[:1500]
    titles = [t[:12] if i % 2 else None for i, t in enumerate(texts)]
    for text, title in zip(texts, titles, strict=True):
        assert fast.raw_scores(text, title) == slow.raw_scores(text, title)
        assert fast.tag(text, None, 3, title) == slow.tag(text, None, 3, title)


def test_without_numba_the_tagger_segments_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyscan, "numba", None)
    tagger = Tagger()
    assert tagger._scanner is None
    text = "湖人昨天靠詹姆斯的三分球逆轉勇士"
    assert tagger.tag(text) == default_tagger().tag(text)
