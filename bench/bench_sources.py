"""Crawl cost per source: CPU milliseconds per page, and the pages one week of it needs.

For each source the replica runs in its own process (its CPU is not counted) and `buzz crawl
<source>` crawls the source's default channels for the reference week (window plus the 14-day
lookback) into a fresh SQLite file; the crawl process's user+system CPU over the pages it
fetched is the figure. The reference is stock `scrapy bench` (spider and its local server,
no parsing, no storage) measured the same way in the same run. The pages a week needs, and the
time that takes at polite rates, let an operator size the crawl.
Writes bench/results/sources.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish  # noqa: E402

from crawlers.sources import all_sources  # noqa: E402
from replica import sources as replica_sources  # noqa: E402

BIN = Path(sys.executable).parent
WEEK = "2019-02-04"
NOW = "2019-02-11T09:00:00+08:00"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scrapy_bench(seconds: int) -> tuple[int, float]:
    """(pages, CPU seconds) of stock `scrapy bench`, spider and server together."""
    before = _children_cpu()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [str(BIN / "scrapy"), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    pages = re.search(r"'response_received_count': (\d+)", proc.stderr + proc.stdout)
    if pages is None:
        raise RuntimeError(proc.stderr[-2000:])
    return int(pages.group(1)), _children_cpu() - before


def crawl(source: str) -> tuple[int, float, float, int]:
    """(pages, crawl CPU seconds, wall seconds, threads) for one source's default channels."""
    replica = subprocess.Popen(
        [sys.executable, "-m", "replica", "serve", "--source", source, "--now", NOW],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert replica.stdout is not None
        line = replica.stdout.readline()
        url = re.search(r"at (http://\S+)", line)
        if url is None:
            raise RuntimeError(f"the replica did not start: {line!r}")
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ)
            env.update(
                BUZZ_HOME=tmp,
                BUZZ_DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
                BUZZ_CRAWL_PROFILE="local",
                BUZZ_LOG_LEVEL="WARNING",
            )
            entry = next(s for s in all_sources() if s.name == source)
            env[entry.base_url_env] = url.group(1)
            secret = replica_sources.credential(source)
            if entry.credential_env and secret is not None:  # the replica's token, as the demo
                env[entry.credential_env] = secret
            before, t0 = _children_cpu(), time.perf_counter()
            proc = subprocess.run(
                [str(BIN / "buzz"), "crawl", source, "--since", WEEK, "--now", NOW, "--quiet"],
                env=env,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            wall, cpu = time.perf_counter() - t0, _children_cpu() - before
            if proc.returncode not in (0, 1):
                raise RuntimeError(proc.stderr[-2000:])
            runs = subprocess.run(
                [str(BIN / "buzz"), "crawl", "runs", "--json"],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            (run,) = [json.loads(x) for x in runs.stdout.splitlines()]
            return int(run["pages"]), cpu, wall, int(run["items"])
    finally:
        replica.terminate()
        replica.wait(timeout=30)


def main() -> int:
    """Measure every source with a replica, print and publish the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args()
    ref_pages, ref_cpu = scrapy_bench(args.bench_seconds)
    ref_ms = 1000 * ref_cpu / ref_pages
    rows = [
        "| source | default channels | pages for one week | items stored | CPU ms per page "
        "| vs scrapy bench | hours at 1 page/s | hours at 0.2 page/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| `scrapy bench` (reference: spider + its server, no parsing, no storage) | – | "
        f"{ref_pages} | – | {ref_ms:.2f} | 1.0x | – | – |",
    ]
    for source in all_sources():
        if source.name not in replica_sources.names():
            continue
        pages, cpu, wall, threads = crawl(source.name)
        ms = 1000 * cpu / pages
        rows.append(
            f"| {source.name} | {len(source.default_channels)} | {pages:,} | {threads:,} | "
            f"{ms:.2f} | {ms / ref_ms:.1f}x | {pages / 3600:.2f} | {pages / 0.2 / 3600:.2f} |"
        )
        print(rows[-1], f"({wall:.0f} s wall)", file=sys.stderr, flush=True)
    lines = [
        "## Crawl cost per source",
        "",
        machine_line(),
        "",
        f"One week ({WEEK}, with the 14-day lookback) of each source's default channels on its "
        "replica, crawled into SQLite; the crawl process's CPU (user+system) per page fetched, "
        "parsing, storage and start-up included. The replica runs in its own process and is not "
        "counted. The replicas' channels are smaller than the live sites' busiest boards: scale "
        "the pages by the real boards' volume. At the default politeness (AutoThrottle aiming at 2 "
        "requests in flight per site, 1 s start delay) a site answering in 0.5 s is crawled at "
        "about 1–4 pages/s; the last columns give the time a week takes at 1 and at 0.2 pages/s.",
        "",
        *rows,
    ]
    publish("\n".join(lines) + "\n", ROOT / "bench" / "results" / "sources.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
