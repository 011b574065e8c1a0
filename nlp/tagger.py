"""Interest tagging: segmented text scored against the taxonomy's weighted keywords."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from nlp.boards import tag_for_channel
from nlp.idf import IdfTable
from nlp.parallel import can_fork, map_ranges
from nlp.segment import Segmenter, default_segmenter
from nlp.taxonomy import Taxonomy, load_taxonomy

CHANNEL_PRIOR = 2.0
"""Raw score a channel adds to its plain topic: less than one strong keyword seen once."""
SATURATION = 6.0
"""Raw score at which the displayed score reaches 0.5 (score = raw / (raw + SATURATION))."""
MAX_FINE = 3

_ASCII_HEAD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class TagScore:
    """One tag for one text: the tag, its score in [0, 1), its level and its top-level tag."""

    tag: str
    score: float
    level: Literal["top", "fine"]
    top: str
    raw: float


class Tagger:
    """Scores texts against a taxonomy: Σ weight × (1 + ln tf) × idf factor, per tag."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        idf: IdfTable | None = None,
        segmenter: Segmenter | None = None,
        channel_prior: float = CHANNEL_PRIOR,
    ) -> None:
        """Index keywords once; `idf` is optional (without it every keyword counts its weight)."""
        self.taxonomy = taxonomy or load_taxonomy()
        self.idf = idf
        self.segmenter = segmenter or default_segmenter()
        self.channel_prior = channel_prior
        index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for tag in self.taxonomy:
            for word, weight in tag.keywords.items():
                index[word.lower()].append((tag.name, weight))
        self._index: Mapping[str, list[tuple[str, float]]] = dict(index)

    def raw_scores(self, text: str) -> dict[str, float]:
        """Raw keyword score per tag (top and fine, each on its own keywords only)."""
        counts = Counter(self.segmenter.raw_cut(text))
        raw: dict[str, float] = defaultdict(float)
        index = self._index
        for token, count in counts.items():
            hits = index.get(token)
            if hits is None and token.isascii():
                token = token.lower()
                hits = index.get(token)
                if hits is None:
                    head = _ASCII_HEAD.match(token)
                    hits = index.get(head.group()) if head and head.group() != token else None
            if not hits:
                continue
            factor = (1.0 + math.log(count)) * (self.idf.factor(token) if self.idf else 1.0)
            for tag, weight in hits:
                raw[tag] += weight * factor
        return raw

    def tag(self, text: str, channel: str | None = None, top: int = 3) -> list[TagScore]:
        """The `top` best top-level tags, each followed by its best fine tags; best first."""
        raw = self.raw_scores(text)
        tags = self.taxonomy.tags
        top_raw: dict[str, float] = defaultdict(float)
        fine_by_top: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for name, value in raw.items():
            info = tags[name]
            top_raw[info.top] += value
            if not info.is_top:
                fine_by_top[info.top].append((value, name))
        prior = tag_for_channel(channel)
        if prior is not None and prior in tags:
            top_raw[prior] += self.channel_prior
        ranked = sorted(top_raw.items(), key=lambda kv: (-kv[1], kv[0]))[: max(top, 0)]
        out: list[TagScore] = []
        for name, value in ranked:
            out.append(TagScore(name, _squash(value), "top", name, value))
            for fine_value, fine in sorted(fine_by_top[name], reverse=True)[:MAX_FINE]:
                out.append(TagScore(fine, _squash(fine_value), "fine", name, fine_value))
        return out

    def top_tags(self, text: str, channel: str | None = None, top: int = 3) -> list[TagScore]:
        """Only the top-level tags of tag(), best first."""
        return [s for s in self.tag(text, channel, top) if s.level == "top"]


def _squash(raw: float) -> float:
    """Map a raw score onto [0, 1): raw / (raw + SATURATION)."""
    return raw / (raw + SATURATION) if raw > 0 else 0.0


@functools.cache
def default_tagger() -> Tagger:
    """A process-wide tagger on the packaged taxonomy, without an IDF table."""
    return Tagger()


def format_tags(scores: list[TagScore]) -> str:
    """`tag:score;tag:score` with two decimals, top-level tags only."""
    return ";".join(f"{s.tag}:{s.score:.2f}" for s in scores if s.level == "top")


_BATCH: tuple[Sequence[str], Sequence[str | None], int] = ((), (), 3)


def _tag_range(bounds: tuple[int, int]) -> list[list[TagScore]]:
    """Worker body for tag_many: tag a slice of the batch the forked process inherited."""
    texts, channels, top = _BATCH
    tagger = default_tagger()
    return [tagger.tag(texts[i], channels[i], top) for i in range(*bounds)]


def tag_many(
    texts: Sequence[str],
    channels: Sequence[str | None] | None = None,
    top: int = 3,
    workers: int = 1,
) -> list[list[TagScore]]:
    """Tag many texts with the default tagger, split across `workers` forked processes if asked."""
    global _BATCH
    tagger = default_tagger()
    chans: Sequence[str | None] = channels if channels is not None else [None] * len(texts)
    if not can_fork(workers, len(texts)):
        return [tagger.tag(t, c, top) for t, c in zip(texts, chans, strict=True)]
    _BATCH = (texts, chans, top)
    try:
        return map_ranges(_tag_range, len(texts), workers)
    finally:
        _BATCH = ((), (), 3)
