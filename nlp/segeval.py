"""Word segmentation scored against gold segmentations: precision, recall and F1 of word spans."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SegScore:
    """Word counts and the scores derived from them (a word is right when both its ends are)."""

    gold: int
    predicted: int
    correct: int
    gold_long: int
    correct_long: int

    @property
    def precision(self) -> float:
        """Share of predicted words that are gold words."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of gold words that were predicted."""
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def long_recall(self) -> float:
        """Recall of gold words of two or more characters (the ones that carry topics)."""
        return self.correct_long / self.gold_long if self.gold_long else 0.0


def read_gold(path: str | Path) -> list[list[str]]:
    """Sentences of a gold file: one per line, words split by spaces, `#` lines are notes."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split() for line in lines if line.strip() and not line.startswith("#")]


def _spans(words: Iterable[str]) -> set[tuple[int, int]]:
    """Character (start, end) of each word, whitespace tokens dropped."""
    out: set[tuple[int, int]] = set()
    at = 0
    for word in words:
        if word.isspace():
            at += len(word)
            continue
        out.add((at, at + len(word)))
        at += len(word)
    return out


def score(gold: Sequence[Sequence[str]], cut: Callable[[str], list[str]]) -> SegScore:
    """Segment each gold sentence's text with `cut` and count the words whose span matches."""
    n_gold = n_pred = n_ok = n_long = n_long_ok = 0
    for words in gold:
        text = "".join(words)
        predicted = cut(text)
        if "".join(predicted) != text:
            raise ValueError(f"the segmenter changed the text of {text[:40]!r}")
        want, got = _spans(words), _spans(predicted)
        hit = want & got
        n_gold += len(want)
        n_pred += len(got)
        n_ok += len(hit)
        long = {s for s in want if s[1] - s[0] > 1}
        n_long += len(long)
        n_long_ok += len(long & hit)
    return SegScore(n_gold, n_pred, n_ok, n_long, n_long_ok)
