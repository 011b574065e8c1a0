"""Traditional Chinese segmentation: jieba's algorithm on the zh-TW lexicon, rjieba if present."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

from nlp.dictionaries import Entry, lexicon, stopwords
from nlp.parallel import can_fork, map_ranges

Backend = Literal["rjieba", "jieba"]
HMM = False
"""jieba's HMM guesses unknown words from Simplified-Chinese statistics, so it stays off."""

# jieba's own block rules (jieba/__init__.py re_han_default, re_skip_default). jieba-rs counts
# more code points as Han (CJK extensions, compatibility ideographs); text holding any of them
# is cut block by block with jieba's rules so both backends give the same tokens.
_RE_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_RE_SKIP = re.compile("(\r\n|\\s)")
_RE_RARE_HAN = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def _rjieba_available() -> bool:
    """True when the Rust fast path (rjieba) can be imported."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def _jieba_cutter(entries: Mapping[str, Entry]) -> Callable[[str], list[str]]:
    """A plain jieba Tokenizer whose prefix dictionary is built from `entries` in memory."""
    import jieba

    freq: dict[str, int] = {}
    total = 0
    for word, (count, _tag) in entries.items():
        freq[word] = count
        total += count
        for end in range(1, len(word)):
            freq.setdefault(word[:end], 0)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True

    def cut(text: str) -> list[str]:
        return list(tokenizer.cut(text, HMM=HMM))

    return cut


def _rjieba_cutter(entries: Mapping[str, Entry]) -> Callable[[str], list[str]]:
    """An rjieba (jieba-rs) instance holding exactly `entries`."""
    import rjieba

    engine = rjieba.Jieba.empty()  # type: ignore[no-untyped-call]
    add = engine.add_word
    for word, (count, tag) in entries.items():
        add(word, count, tag or None)

    def cut_blocks(text: str) -> list[str]:
        out: list[str] = []
        for block in _RE_HAN.split(text):
            if not block:
                continue
            if _RE_HAN.fullmatch(block):
                out.extend(engine.cut(block, HMM))
                continue
            for piece in _RE_SKIP.split(block):
                if _RE_SKIP.fullmatch(piece):
                    out.append(piece)
                else:
                    out.extend(piece)
        return out

    def cut(text: str) -> list[str]:
        if _RE_RARE_HAN.search(text):
            return cut_blocks(text)
        return list(engine.cut(text, HMM))

    return cut


class Segmenter:
    """Cuts text into tokens with one lexicon; `backend` picks rjieba (fast) or plain jieba."""

    def __init__(self, entries: Mapping[str, Entry], backend: Backend | None = None) -> None:
        """Build the prefix dictionary once; the backend defaults to rjieba when installed."""
        self.backend: Backend = backend or ("rjieba" if _rjieba_available() else "jieba")
        build = _rjieba_cutter if self.backend == "rjieba" else _jieba_cutter
        self._cut = build(entries)
        self._stop = stopwords()

    def raw_cut(self, text: str) -> list[str]:
        """Tokens exactly as jieba yields them, whitespace included."""
        return self._cut(text)

    def cut(self, text: str, drop_stopwords: bool = False) -> list[str]:
        """Tokens of `text` without whitespace tokens; optionally without stop words/punctuation."""
        tokens = [t for t in self._cut(text) if not t.isspace()]
        if drop_stopwords:
            return [t for t in tokens if t not in self._stop and _is_wordlike(t)]
        return tokens


def _is_wordlike(token: str) -> bool:
    """True when the token has at least one letter, digit or Han character."""
    return any(ch.isalnum() for ch in token)


@functools.cache
def default_segmenter(backend: Backend | None = None) -> Segmenter:
    """The process-wide segmenter on the packaged lexicon, built on first use."""
    return Segmenter(lexicon(), backend)


def cut(text: str, drop_stopwords: bool = False) -> list[str]:
    """Segment one text with the default segmenter."""
    return default_segmenter().cut(text, drop_stopwords)


_BATCH: Sequence[str] = ()


def _cut_range(bounds: tuple[int, int]) -> list[list[str]]:
    """Worker body for cut_many: segment a slice of the batch the forked process inherited."""
    seg = default_segmenter()
    return [seg.cut(_BATCH[i]) for i in range(*bounds)]


def cut_many(texts: Sequence[str], workers: int = 1) -> list[list[str]]:
    """Segment many texts, split across `workers` forked processes when more than one is asked."""
    global _BATCH
    seg = default_segmenter()
    if not can_fork(workers, len(texts)):
        return [seg.cut(t) for t in texts]
    _BATCH = texts
    try:
        return map_ranges(_cut_range, len(texts), workers)
    finally:
        _BATCH = ()


def iter_cut(texts: Iterable[str], drop_stopwords: bool = False) -> Iterable[list[str]]:
    """Segment texts lazily, one list of tokens per text."""
    seg = default_segmenter()
    for text in texts:
        yield seg.cut(text, drop_stopwords)
