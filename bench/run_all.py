"""`make bench`: run every benchmark and write their tables to docs/PERFORMANCE.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

# (script, arguments, result file); each script also prints its table.
BENCHES: list[tuple[str, list[str], str]] = [
    ("bench_crawl.py", [], "crawl.md"),
    ("bench_leaderboard.py", ["--sizes", "1000000,10000000"], "leaderboard.md"),
    ("bench_segmentation.py", [], "segmentation.md"),
    ("bench_tagging.py", [], "tagging.md"),
    ("bench_profiles.py", [], "profiles.md"),
    ("bench_rules.py", [], "rules.md"),
    ("bench_ingest_pg.py", [], "ingest_pg.md"),
    ("bench_sources.py", [], "sources.md"),
    ("bench_weekly.py", [], "weekly.md"),
    ("bench_fuzz.py", ["--cases", "3000"], "fuzz.md"),
]

HEADER = """# Performance

Measured by `make bench` (`bench/run_all.py`), never asserted in tests. Every figure is a ratio
against a reference run in the same invocation on the same machine, because these machines are
noisy: crawl pages/s against `scrapy bench`; the weekly count against a pandas load-and-groupby;
reply inserts against the raw driver; segmentation against plain jieba on the same dictionary.
Each section below is the table its script wrote to `bench/results/`.

"""


def main() -> int:
    """Run each benchmark that exists, then assemble the document from their tables."""
    only = set(sys.argv[1:])
    failed: list[str] = []
    for script, args, _ in BENCHES:
        path = ROOT / "bench" / script
        if not path.exists() or (only and script not in only):
            continue
        print(f"== {script}", file=sys.stderr, flush=True)
        if subprocess.call([sys.executable, str(path), *args], cwd=ROOT) != 0:
            failed.append(script)
    sections = [HEADER, f"Last assembled on: {machine_line()}\n"]
    for script, _, result in BENCHES:
        file = RESULTS / result
        if file.exists():
            sections.append(f"## {script}\n\n{file.read_text(encoding='utf-8').strip()}\n")
    (ROOT / "docs" / "PERFORMANCE.md").write_text("\n".join(sections), encoding="utf-8")
    print("wrote docs/PERFORMANCE.md", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
