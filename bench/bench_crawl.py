"""Crawl throughput: `scrapy bench` against a crawl of the replica with parsing and storage.

Both run in the same invocation, one after the other, on this machine: stock Scrapy's own
benchmark (a link-following spider on its local server, no parsing, no storage) is the
reference, and the figure that matters is our pages/s as a share of it.
Prints a Markdown table and writes it to bench/results/crawl.md.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BOARDS = "Gossiping,Stock,car,NBA,MakeUp,BabyMother,movie,Food,Tech_Job,WomenTalk"


def stats_from_log(text: str) -> tuple[int, float]:
    """Pages received and elapsed seconds from a Scrapy stats dump."""
    pages = re.search(r"'response_received_count': (\d+)", text)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", text)
    if not pages or not elapsed:
        raise RuntimeError(f"no Scrapy stats in the output:\n{text[-2000:]}")
    return int(pages.group(1)), float(elapsed.group(1))


def scrapy_bench(seconds: int) -> tuple[int, float]:
    """Run stock `scrapy bench` outside the project (so none of our settings apply)."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [str(BIN / "scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    return stats_from_log(proc.stderr + proc.stdout)


def replica_crawl(since: str, now: str) -> tuple[int, float, int]:
    """Crawl every replica board into a fresh SQLite file; pages, seconds, threads stored."""
    sys.path.insert(0, str(ROOT))
    from replica.server import serve_in_thread
    from storage.db import make_engine
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.sqlite3"
        upgrade(db)
        from datetime import datetime

        with serve_in_thread("ptt", now=datetime.fromisoformat(now)) as site:
            env = dict(os.environ)
            env.update(
                BUZZ_DATABASE_URL=db,
                PTT_BASE_URL=site.url,
                BUZZ_CRAWL_PROFILE="local",
                BUZZ_LOG_LEVEL="INFO",
            )
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "buzz",
                    "crawl",
                    "ptt",
                    "--boards",
                    BOARDS,
                    "--since",
                    since,
                    "--now",
                    now,
                    "--quiet",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-3000:])
        pages, elapsed = stats_from_log(proc.stderr + proc.stdout)
        engine = make_engine(db)
        with engine.connect() as conn:
            from sqlalchemy import text

            threads = int(conn.execute(text("select count(*) from threads")).scalar_one())
        engine.dispose()
    return pages, elapsed, threads


def main(argv: Sequence[str] | None = None) -> None:
    """Run both crawls `--rounds` times, interleaved, and report medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench-seconds", type=int, default=10)
    parser.add_argument("--since", default="2018-12-17", help="window start for the replica crawl")
    parser.add_argument("--now", default="2019-02-18T09:00:00+08:00")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "crawl.md")
    args = parser.parse_args(argv)

    ref_rates: list[float] = []
    our_rates: list[float] = []
    pages_seen = threads_seen = 0
    for i in range(args.rounds):
        pages, elapsed = scrapy_bench(args.bench_seconds)
        ref_rates.append(pages / elapsed)
        t0 = time.monotonic()
        pages_seen, elapsed, threads_seen = replica_crawl(args.since, args.now)
        our_rates.append(pages_seen / elapsed)
        print(
            f"round {i + 1}: scrapy bench {ref_rates[-1]:.0f} pages/s, "
            f"replica crawl {our_rates[-1]:.0f} pages/s ({time.monotonic() - t0:.0f}s)",
            file=sys.stderr,
        )
    ref, ours = statistics.median(ref_rates), statistics.median(our_rates)
    table = "\n".join(
        [
            f"### Crawl throughput (pages/s, median of {args.rounds} interleaved rounds)",
            "",
            machine_line(),
            "",
            "| crawl | pages/s | share of scrapy bench |",
            "|---|---:|---:|",
            "| `scrapy bench` (stock Scrapy, no parsing, no storage; reference) "
            f"| {ref:.0f} | 100% |",
            f"| replica crawl: {pages_seen} pages, {threads_seen} threads parsed and stored in "
            f"SQLite | {ours:.0f} | {ours / ref:.0%} |",
            "",
            "Rounds: scrapy bench "
            + ", ".join(f"{r:.0f}" for r in ref_rates)
            + "; replica crawl "
            + ", ".join(f"{r:.0f}" for r in our_rates)
            + ". Both crawls use 16 concurrent requests; ours keeps AutoThrottle, robots.txt "
            "and the retry middleware on (profile `local`: no start delay).",
            "",
        ]
    )
    publish(table, args.out)


if __name__ == "__main__":
    main()
