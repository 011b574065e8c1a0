"""Fuzz every parser at volume: mutated real and replica pages, outcomes and crashes counted.

The same seeds and mutations as tests/test_parsers_property.py, many more cases, random each run.
A crash is any exception other than the parser's documented error; one example of each kind is
kept under bench/results/fuzz_crashes/ for a regression test. The reference is parsing the
unmutated seeds in the same run (cases/s), so the mutated rate reads as a ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from parser_fuzz import PARSERS, Parser, mutated, seeds  # noqa: E402

RESULT = ROOT / "bench" / "results" / "fuzz.md"
CRASHES = ROOT / "bench" / "results" / "fuzz_crashes"


def run(parser: Parser, cases: int) -> tuple[Counter[str], dict[str, bytes], float, float]:
    """(outcomes, one crashing input per crash kind, mutated cases/s, seed parses/s)."""
    pages = seeds(parser.name)
    start = time.perf_counter()
    rounds = max(1, 200 // len(pages))
    for _ in range(rounds):
        for page in pages:
            parser.call(page)
    seed_rate = rounds * len(pages) / (time.perf_counter() - start)

    outcomes: Counter[str] = Counter()
    crashes: dict[str, bytes] = {}
    spent = [0.0]

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutated(parser))
    def one(data: bytes) -> None:
        t0 = time.perf_counter()
        try:
            parser.call(data)
            outcomes["ok"] += 1
        except parser.error:
            outcomes["refused"] += 1
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            kind = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            outcomes["crash"] += 1
            crashes.setdefault(kind, data)
        finally:
            spent[0] += time.perf_counter() - t0

    one()
    total = sum(outcomes.values())
    return outcomes, crashes, total / spent[0] if spent[0] else 0.0, seed_rate


def main() -> int:
    """Fuzz each parser, print and publish the table; exit 1 when anything crashed."""
    parser_arg = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser_arg.add_argument("--cases", type=int, default=3000, help="cases per parser")
    args = parser_arg.parse_args()
    rows = [
        "| parser | seeds | cases | parsed | refused (documented error) | crashes | "
        "mutated cases/s | seed pages/s (reference) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    found: dict[str, dict[str, bytes]] = {}
    started = time.perf_counter()
    for p in PARSERS:
        outcomes, crashes, rate, seed_rate = run(p, args.cases)
        found[p.name] = crashes
        rows.append(
            f"| {p.name} | {len(seeds(p.name))} | {sum(outcomes.values())} | {outcomes['ok']} | "
            f"{outcomes['refused']} | {outcomes['crash']} | {rate:,.0f} | {seed_rate:,.0f} |"
        )
        print(rows[-1], flush=True)
    elapsed = time.perf_counter() - started
    lines = [
        "## Parser fuzzing (hypothesis, mutated real and replica pages)",
        "",
        machine_line(),
        "",
        f"{args.cases} cases per parser, one to three mutations each (truncation, deleted or "
        "duplicated slices, inserted markup and bytes, the other encoding, JSON nodes replaced or "
        f"dropped), {elapsed:.0f} s in all. A crash is any exception but the parser's documented "
        "error.",
        "",
        *rows,
    ]
    kinds = [(name, kind) for name, crashes in found.items() for kind in crashes]
    if kinds:
        CRASHES.mkdir(parents=True, exist_ok=True)
        lines += ["", "Crash kinds found:", ""]
        for n, (name, kind) in enumerate(kinds):
            (CRASHES / f"{name}-{n}.bin").write_bytes(found[name][kind])
            lines.append(f"- {name}: {kind}")
    publish("\n".join(lines) + "\n", RESULT)
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
