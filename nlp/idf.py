"""Inverse document frequencies over our own crawl, saved as JSON (or TSV) beside the data."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nlp.segment import default_segmenter

FORMAT_VERSION = 1
REFERENCE_SHARE = 0.01
"""A token found in 1% of documents gets an IDF factor of 1 in the tagger."""


@dataclass(frozen=True, slots=True)
class IdfTable:
    """Document frequencies of tokens over `documents` texts."""

    documents: int
    df: Mapping[str, int] = field(default_factory=dict)

    def idf(self, token: str) -> float:
        """Smoothed IDF: ln((1 + N) / (1 + df)) + 1; unseen tokens get the highest value."""
        return math.log((1 + self.documents) / (1 + self.df.get(token, 0))) + 1.0

    def reference(self) -> float:
        """The IDF of a token found in 1% of the documents."""
        return math.log((1 + self.documents) / (1 + self.documents * REFERENCE_SHARE)) + 1.0

    def factor(self, token: str, low: float = 0.25, high: float = 2.0) -> float:
        """IDF over the reference, clipped to [low, high] so one rare word cannot dominate."""
        if self.documents == 0:
            return 1.0
        return min(high, max(low, self.idf(token) / self.reference()))

    def save(self, path: str | Path) -> None:
        """Write the table as JSON, or as TSV when the file name ends in .tsv."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        items = sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0]))
        if path.suffix == ".tsv":
            lines = [f"#documents\t{self.documents}"] + [f"{t}\t{n}" for t, n in items]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return
        payload = {"version": FORMAT_VERSION, "documents": self.documents, "df": dict(items)}
        path.write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> IdfTable:
        """Read a table written by save(); raises ValueError when the file is not one."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".tsv":
            documents, df = 0, {}
            for number, line in enumerate(text.splitlines(), start=1):
                token, sep, count = line.rpartition("\t")
                if not sep or not count.isdigit():
                    raise ValueError(f"{path}:{number}: expected token<TAB>count")
                if token == "#documents":
                    documents = int(count)
                else:
                    df[token] = int(count)
            return cls(documents, df)
        try:
            payload = json.loads(text)
            return cls(
                int(payload["documents"]), {str(k): int(v) for k, v in payload["df"].items()}
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not an IDF table ({exc})") from exc


def build_idf(texts: Iterable[str], min_df: int = 1) -> IdfTable:
    """Count in how many texts each token (stop words dropped) occurs."""
    seg = default_segmenter()
    df: Counter[str] = Counter()
    documents = 0
    for text in texts:
        documents += 1
        df.update({t.lower() for t in seg.cut(text, drop_stopwords=True)})
    return IdfTable(documents, {t: n for t, n in df.items() if n >= min_df})
