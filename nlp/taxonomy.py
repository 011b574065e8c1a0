"""The two-level interest taxonomy: 26 top tags, finer tags under them, keywords and IAB IDs."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.resources import files

TOP_TAGS: tuple[str, ...] = (
    "休閒", "遊戲", "動漫", "運動", "投資理財", "資訊科技", "兩性感情", "結婚", "嬰幼兒",
    "音樂", "影視娛樂", "電影", "美食餐廳", "烹飪", "購物消費", "健康醫療", "教育學習",
    "職場工作", "房地產", "居家生活-電器", "美容保健", "時尚穿搭", "汽車", "旅遊", "寵物",
    "新聞時事",
)  # fmt: skip

DEFAULT_WEIGHT = 1.0


class TaxonomyError(ValueError):
    """The taxonomy file is malformed; the message names the line."""


@dataclass(frozen=True, slots=True)
class Tag:
    """One interest tag: its name, parent (None for a top tag), IAB mapping and keyword weights."""

    name: str
    parent: str | None
    iab_id: str | None
    iab_name: str | None
    keywords: Mapping[str, float] = field(default_factory=dict)

    @property
    def is_top(self) -> bool:
        """True for one of the 26 top-level tags."""
        return self.parent is None

    @property
    def top(self) -> str:
        """The top-level tag this tag belongs to (itself for a top tag)."""
        return self.name if self.parent is None else self.parent


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """All tags by name, in file order."""

    tags: Mapping[str, Tag]

    def __iter__(self) -> Iterator[Tag]:
        """Iterate over the tags in file order."""
        return iter(self.tags.values())

    def __len__(self) -> int:
        """Number of tags, top and fine."""
        return len(self.tags)

    def top_tags(self) -> list[Tag]:
        """The top-level tags."""
        return [t for t in self.tags.values() if t.is_top]

    def fine_tags(self) -> list[Tag]:
        """The finer tags under the top-level ones."""
        return [t for t in self.tags.values() if not t.is_top]

    def keywords(self) -> set[str]:
        """Every keyword of every tag."""
        return {k for t in self.tags.values() for k in t.keywords}


def parse_keywords(text: str, line: int) -> dict[str, float]:
    """Parse `word word:2 word:3` into a word→weight map (the highest weight wins)."""
    out: dict[str, float] = {}
    for item in text.split():
        word, sep, weight = item.rpartition(":")
        if not sep or not word:
            word, value = item, DEFAULT_WEIGHT
        else:
            try:
                value = float(weight)
            except ValueError as exc:
                raise TaxonomyError(f"line {line}: bad keyword weight in {item!r}") from exc
        out[word] = max(value, out.get(word, value))
    return out


def parse_taxonomy(text: str) -> Taxonomy:
    """Parse the tab-separated taxonomy format (see docs/NLP.md) and check its structure."""
    tags: dict[str, Tag] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t")]
        if len(cells) < 5:
            raise TaxonomyError(f"line {number}: expected 6 tab-separated columns")
        cells += [""] * (6 - len(cells))
        level, name, parent, iab_id, iab_name, keywords = cells[:6]
        if level not in ("top", "fine"):
            raise TaxonomyError(f"line {number}: level must be top or fine, not {level!r}")
        if name in tags:
            raise TaxonomyError(f"line {number}: duplicate tag {name!r}")
        if level == "fine" and (not parent or parent not in tags or not tags[parent].is_top):
            raise TaxonomyError(f"line {number}: parent {parent!r} is not a top tag above it")
        tags[name] = Tag(
            name=name,
            parent=parent if level == "fine" else None,
            iab_id=iab_id or None,
            iab_name=iab_name or None,
            keywords=parse_keywords(keywords, number),
        )
    return Taxonomy(tags)


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy (nlp/data/taxonomy.tsv), parsed once per process."""
    text = files("nlp.data").joinpath("taxonomy.tsv").read_text(encoding="utf-8")
    return parse_taxonomy(text)
