"""Convert jieba's Simplified dict.txt to a Traditional (Taiwan) dictionary with OpenCC."""

from __future__ import annotations

import argparse
import hashlib
import json
from importlib import metadata
from pathlib import Path

import jieba
import opencc

OUT_DIR = Path(__file__).resolve().parent.parent / "nlp" / "data"


def convert(source: Path) -> dict[str, tuple[int, str]]:
    """Map every word to its Taiwan form (s2twp) and plain Traditional form (s2t), summing freqs."""
    to_tw = opencc.OpenCC("s2twp")
    to_t = opencc.OpenCC("s2t")
    merged: dict[str, tuple[int, str]] = {}
    best: dict[str, int] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) < 2:
            continue
        word, freq, tag = parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""
        for form in {to_tw.convert(word), to_t.convert(word)}:
            if " " in form or not form:
                continue
            old_freq, old_tag = merged.get(form, (0, tag))
            if freq > best.get(form, -1):
                best[form] = freq
                old_tag = tag
            merged[form] = (old_freq + freq, old_tag)
    return merged


def main() -> None:
    """Write nlp/data/dict.zh-tw.txt and its provenance file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=Path(jieba.__file__).parent / "dict.txt")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    merged = convert(args.source)
    out = args.out_dir / "dict.zh-tw.txt"
    lines = [f"{w} {f} {t}".rstrip() for w, (f, t) in sorted(merged.items())]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = {
        "source": "jieba dict.txt",
        "jieba_version": metadata.version("jieba"),
        "source_sha256": hashlib.sha256(args.source.read_bytes()).hexdigest(),
        "converter": f"OpenCC {metadata.version('opencc')} (s2twp + s2t, frequencies summed)",
        "entries": len(lines),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
    }
    (args.out_dir / "dict.zh-tw.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {out} ({len(lines)} entries)")


if __name__ == "__main__":
    main()
