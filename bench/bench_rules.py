"""Precision and recall of each exclusion rule on the labelled set, and the rules' cost.

Run: .venv/bin/python bench/bench_rules.py
Reads tests/data/rules_labelled.jsonl, prints a Markdown table and writes it to
bench/results/rules.md (run_all.py puts it in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish  # noqa: E402

from ranking.exclusions import classify  # noqa: E402
from ranking.rules_check import parse_line  # noqa: E402
from ranking.rules_config import default_rules  # noqa: E402
from ranking.rules_eval import MEASURED, evaluate  # noqa: E402
from ranking.rules_recurrence import HistoryItem, index_history  # noqa: E402
from ranking.windows import week_containing  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "rules_labelled.jsonl"
# The rules as they stood before this set was written (commit f913eda), halves
# even/odd: (precision, recall) each.
BEFORE = {
    "giveaway": ((0.96, 0.73), (0.96, 0.84)),
    "live": ((0.69, 0.95), (0.69, 0.90)),
    "chat_periodic": ((0.95, 0.55), (1.00, 0.46)),
    "chat_stale": ((1.00, 1.00), (1.00, 1.00)),
    "pinned": ((1.00, 1.00), (1.00, 1.00)),
}


def _cost(lines: list[str], n: int = 10_000, rounds: int = 5) -> tuple[float, float]:
    """Median µs per thread of classify over n threads, without and with a channel history."""
    parsed = [parse_line(text, i) for i, text in enumerate(lines, 1)]
    rows = [parsed[i % len(parsed)].row for i in range(n)]
    windows = [week_containing(r.posted_at) for r in rows]  # type: ignore[arg-type]
    history = index_history(
        HistoryItem(r.platform, r.channel, r.title, r.author, r.posted_at, r.thread_key)  # type: ignore[arg-type]
        for r in (p.row for p in parsed)
    )
    rules = default_rules()
    out = []
    for hist in (None, history):
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for r, w in zip(rows, windows, strict=True):
                classify(r, w, config=rules, history=hist)
            times.append((time.perf_counter() - t0) / n * 1e6)
        out.append(statistics.median(times))
    return out[0], out[1]


def main() -> int:
    """Measure and publish."""
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    expected = [json.loads(text)["expected"] for text in lines]
    halves = [evaluate(lines, keep=k)[0] for k in (0, 1)]
    _, misses = evaluate(lines)
    rules = default_rules()
    plain, with_history = _cost(lines)
    out = [
        "## Exclusion rules: precision and recall on the labelled set",
        "",
        machine_line(),
        "",
        f"Set: `tests/data/rules_labelled.jsonl`, {len(lines)} threads written for the purpose "
        f"({sum(e is None for e in expected)} to keep, hard negatives above all); rules "
        f"`ranking/rules.toml` version {rules.label}. Halves: even and odd lines (0-based). "
        "Before: the rules as they stood when the set was written, before any tuning.",
        "",
        "| rule | threads | precision even / odd | recall even / odd | before: P even / odd | "
        "before: R even / odd |",
        "|---|---|---|---|---|---|",
    ]
    for rule in MEASURED:
        a, b = halves[0][rule], halves[1][rule]
        (pa, ra), (pb, rb) = BEFORE[rule]
        out.append(
            f"| {rule} | {expected.count(rule)} | {a.precision:.2f} / {b.precision:.2f} | "
            f"{a.recall:.2f} / {b.recall:.2f} | {pa:.2f} / {pb:.2f} | {ra:.2f} / {rb:.2f} |"
        )
    out += [
        "",
        f"Misses on the whole set: {len(misses)}"
        + "".join(f"; line {i}: expected {e}, got {g} ({t})" for i, e, g, t in misses[:10]),
        "",
        "The set was written before tuning, but the scores and patterns were then shaped on "
        "it: expect lower figures on threads it does not hold.",
        "",
        "| cost of `classify` | µs per thread | s per 10k threads |",
        "|---|---|---|",
        f"| no history | {plain:.1f} | {plain / 100:.3f} |",
        f"| with the channels' history (recurrence) | {with_history:.1f} | "
        f"{with_history / 100:.3f} |",
        "",
    ]
    publish("\n".join(out), ROOT / "bench" / "results" / "rules.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
