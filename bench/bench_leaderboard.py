"""Benchmark the weekly count against a pandas load-and-groupby, and bulk reply inserts.

Run: .venv/bin/python bench/bench_leaderboard.py [--sizes 1000000,10000000]

Synthetic databases are built once per size under var/bench/ (schema from the Alembic
migrations, rows from INSERT ... SELECT over a recursive CTE) and reused by later runs.
Prints a Markdown table and writes it to bench/results/leaderboard.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import publish  # noqa: E402

from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import replies  # noqa: E402
from storage.queries import new_reply_counts  # noqa: E402
from storage.records import ReplyRecord, ThreadRecord  # noqa: E402
from storage.writes import write_threads  # noqa: E402

TPE = timezone(timedelta(hours=8))
BASE = datetime(2024, 1, 1, tzinfo=TPE)  # a Monday 00:00 in Taipei
WEEK_SECONDS = 7 * 86400
SEEN = "2024-03-15 00:00:00.000000"
COUNTED_INDEX = next(ix for ix in replies.indexes if ix.name == "ix_replies_counted")


def machine() -> str:
    """Describe the machine: CPU model, cores, memory, versions."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, nproc={os.cpu_count()}{mem}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, "
        f"pandas {pd.__version__}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def build_database(path: Path, n_replies: int, n_threads: int, weeks: int) -> float:
    """Create a migrated SQLite file filled with synthetic threads and replies; return seconds."""
    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    url = f"sqlite:///{tmp}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        COUNTED_INDEX.drop(conn)
    engine.dispose()

    base = int(BASE.timestamp())
    span = weeks * WEEK_SECONDS
    per_thread = max(1, n_replies // n_threads)
    db = sqlite3.connect(tmp, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    db.execute("BEGIN")
    # Threads 1..T, posted evenly over the weeks; bodies of 200 CJK characters.
    db.execute(
        f"""
        INSERT INTO threads (id, platform, channel, thread_key, url, title, category, author_id,
            author_nickname, posted_at, ip, status, body, pinned, content_hash, first_seen_at,
            last_crawled_at, edited_at)
        WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n_threads})
        SELECT x, 'ptt', 'Board' || (x % 20), 'M.' || x || '.A.000',
            'https://www.ptt.cc/bbs/Board' || (x % 20) || '/M.' || x || '.A.000.html',
            '[問卦] 測試文章 ' || x, '問卦', 'author' || (x % 9973), NULL,
            strftime('%Y-%m-%d %H:%M:%S', {base} + (x - 1) * {span // n_threads}, 'unixepoch')
                || '.000000',
            NULL, 'ok', replace(hex(zeroblob(100)), '00', '內文'), 0, hex(randomblob(32)),
            '{SEEN}', '{SEEN}', NULL
        FROM s
        """
    )
    # Replies in (thread_id, reply_key) order, so the unique index is appended to. Each reply
    # comes 0..7 days after its thread (front-loaded: a product of two uniforms); 1% removed,
    # 0.1% without a time.
    db.execute(
        f"""
        INSERT INTO replies (thread_id, reply_key, tag, user, content, ip, replied_at,
            time_inferred, first_seen_at, last_seen_at, removed_at)
        WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < {n_replies - 1}),
        r(x, t, off) AS (
            SELECT x, min(x / {per_thread}, {n_threads - 1}),
                (abs(random()) % 1000000) * (abs(random()) % 1000000) / 1000000
                    * {WEEK_SECONDS} FROM s
        )
        SELECT t + 1, printf('k%08d', x), '推', 'user' || (x % 50000), '推文內容 ' || x, NULL,
            CASE WHEN x % 1000 = 1 THEN NULL ELSE
                strftime('%Y-%m-%d %H:%M:%S',
                    {base} + t * {span // n_threads} + off / 1000000, 'unixepoch')
                || printf('.%06d', off % 1000000) END,
            1, '{SEEN}', '{SEEN}', CASE WHEN x % 100 = 7 THEN '{SEEN}' END
        FROM r
        """
    )
    db.execute("COMMIT")
    db.close()
    engine = make_engine(url)
    with engine.begin() as conn:
        COUNTED_INDEX.create(conn)
    engine.dispose()
    tmp.rename(path)
    return time.perf_counter() - started


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Run once to warm up, then return the median of runs timings and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench_counts(size: int, n_threads: int, weeks: int, runs: int, cache: Path) -> dict[str, Any]:
    """Time new_reply_counts for the middle week against pandas read_sql + groupby."""
    path = cache / f"leaderboard-{size}r-{n_threads}t-{weeks}w.sqlite3"
    build = None
    if not path.exists():
        print(f"building {path} ...", file=sys.stderr, flush=True)
        build = build_database(path, size, n_threads, weeks)
        print(f"  built in {build:.1f} s", file=sys.stderr, flush=True)
    start = BASE + timedelta(weeks=weeks // 2)
    end = start + timedelta(weeks=1)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        plan = " / ".join(
            str(r[-1])
            for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT thread_id, count(*) FROM replies WHERE replied_at >= ?"
                " AND replied_at < ? AND removed_at IS NULL GROUP BY thread_id",
                ("a", "b"),
            )
        )
        sql_s, rows = timed(lambda: new_reply_counts(conn, start, end), runs)
        lo = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        hi = end.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        query = text(
            "SELECT thread_id, replied_at FROM replies"
            " WHERE replied_at >= :lo AND replied_at < :hi AND removed_at IS NULL"
        )

        def reference() -> pd.Series:
            frame = pd.read_sql(query, conn, params={"lo": lo, "hi": hi})
            return frame.groupby("thread_id").size()

        pandas_s, counts = timed(reference, runs)
        week_replies = int(counts.sum())
    engine.dispose()
    ours = {r["thread_id"]: r["new_replies"] for r in rows}
    if ours != {int(k): int(v) for k, v in counts.items()}:
        raise AssertionError("new_reply_counts disagrees with the pandas reference")
    return {
        "size": size,
        "threads": n_threads,
        "week_replies": week_replies,
        "result_threads": len(rows),
        "sql_s": sql_s,
        "pandas_s": pandas_s,
        "build_s": build,
        "db_mb": path.stat().st_size / 1e6,
        "plan": plan,
    }


def synthetic_pages(
    n_threads: int, per_thread: int
) -> list[tuple[ThreadRecord, list[ReplyRecord]]]:
    """Pages as the Scrapy pipeline hands them over."""
    pages = []
    for t in range(n_threads):
        posted = BASE + timedelta(minutes=t)
        thread = ThreadRecord(
            "ptt",
            "Gossiping",
            f"M.{t}.A.001",
            f"https://www.ptt.cc/bbs/Gossiping/M.{t}.html",
            f"[問卦] 測試 {t}",
            "問卦",
            "author",
            None,
            posted,
            None,
            "ok",
            "內文" * 100,
        )
        pushes = [
            ReplyRecord(
                f"{r:05d}|推|user{r}|推文內容 {r}",
                "推",
                f"user{r}",
                f"推文內容 {r}",
                None,
                posted + timedelta(seconds=30 * r),
                True,
            )
            for r in range(per_thread)
        ]
        pages.append((thread, pushes))
    return pages


def bench_inserts(cache: Path, n_threads: int, per_thread: int, batch: int) -> list[dict[str, Any]]:
    """Reply inserts/s through write_threads against raw sqlite3 executemany of the same rows."""
    pages = synthetic_pages(n_threads, per_thread)
    total = n_threads * per_thread
    seen = datetime(2024, 3, 1, tzinfo=UTC)
    out = []

    path = cache / "inserts-storage.sqlite3"
    for p in cache.glob("inserts-*"):
        p.unlink()
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    t0 = time.perf_counter()
    for i in range(0, len(pages), batch):
        with engine.begin() as conn:
            write_threads(conn, pages[i : i + batch], seen)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(pages), batch):
        with engine.begin() as conn:
            write_threads(conn, pages[i : i + batch], seen + timedelta(hours=1))
    again = time.perf_counter() - t0
    engine.dispose()

    raw_path = cache / "inserts-raw.sqlite3"
    upgrade(f"sqlite:///{raw_path}")
    db = sqlite3.connect(raw_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    s = seen.strftime("%Y-%m-%d %H:%M:%S.%f")

    def ts(d: datetime | None) -> str | None:
        return None if d is None else d.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    t0 = time.perf_counter()
    for i in range(0, len(pages), batch):
        chunk = pages[i : i + batch]
        marks = ",".join("?" * len(chunk))
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO threads (platform, channel, thread_key, url, title, category, author_id,"
            " author_nickname, posted_at, ip, status, body, pinned, content_hash, first_seen_at,"
            " last_crawled_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    t.platform,
                    t.channel,
                    t.thread_key,
                    t.url,
                    t.title,
                    t.category,
                    t.author_id,
                    t.author_nickname,
                    ts(t.posted_at),
                    t.ip,
                    t.status,
                    t.body,
                    t.pinned,
                    "0" * 64,
                    s,
                    s,
                )
                for t, _ in chunk
            ],
        )
        ids = dict(
            db.execute(
                f"SELECT thread_key, id FROM threads WHERE thread_key IN ({marks})",
                [t.thread_key for t, _ in chunk],
            ).fetchall()
        )
        db.executemany(
            "INSERT INTO replies (thread_id, reply_key, tag, user, content, ip, replied_at,"
            " time_inferred, first_seen_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    ids[t.thread_key],
                    r.reply_key,
                    r.tag,
                    r.user,
                    r.content,
                    r.ip,
                    ts(r.replied_at),
                    r.time_inferred,
                    s,
                    s,
                )
                for t, rs in chunk
                for r in rs
            ],
        )
        db.execute("COMMIT")
    raw = time.perf_counter() - t0
    db.close()
    for p in cache.glob("inserts-*"):
        p.unlink()
    out.append({"method": "raw sqlite3 executemany (reference)", "s": raw, "n": total})
    out.append({"method": "write_threads, first crawl (all new)", "s": first, "n": total})
    out.append({"method": "write_threads, identical re-crawl", "s": again, "n": total})
    return out


def render(counts: Sequence[dict[str, Any]], inserts: Sequence[dict[str, Any]], args: Any) -> str:
    """Render the figures as Markdown."""
    lines = [
        "## Leaderboard count and reply inserts (SQLite)",
        "",
        f"Machine: {machine()}.",
        "",
        f"Weekly count: `storage.queries.new_reply_counts` for one Taipei week (the middle of "
        f"{args.weeks}), joined with threads (title, url, body), against the pandas reference "
        "`pd.read_sql` of that week's (thread_id, replied_at) + `groupby('thread_id').size()`, "
        f"median of {args.runs} warm runs; both give identical counts.",
        "",
        "| replies stored | threads | week's replies | threads counted | new_reply_counts "
        "| pandas read_sql + groupby | pandas / SQL | DB size | build |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in counts:
        build = "cached" if c["build_s"] is None else f"{c['build_s']:.0f} s"
        lines.append(
            f"| {c['size']:,} | {c['threads']:,} | {c['week_replies']:,} | "
            f"{c['result_threads']:,} | {c['sql_s'] * 1000:.0f} ms | "
            f"{c['pandas_s'] * 1000:.0f} ms | {c['pandas_s'] / c['sql_s']:.1f}x | "
            f"{c['db_mb']:,.0f} MB | {build} |"
        )
    if counts:
        lines += ["", f"Query plan of the count: `{counts[0]['plan']}`."]
    if inserts:
        ref = inserts[0]["s"]
        lines += [
            "",
            f"Bulk reply inserts: {args.insert_threads} threads x {args.insert_per_thread} "
            f"replies, {args.insert_batch} threads per transaction, fresh migrated file, WAL.",
            "",
            "| method | replies | seconds | replies/s | time vs raw driver |",
            "|---|---:|---:|---:|---:|",
        ]
        for i in inserts:
            lines.append(
                f"| {i['method']} | {i['n']:,} | {i['s']:.2f} | {i['n'] / i['s']:,.0f} | "
                f"{i['s'] / ref:.2f}x |"
            )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Parse arguments, run the benchmarks, print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000000", help="reply counts, comma separated")
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "leaderboard.md")
    parser.add_argument("--insert-threads", type=int, default=500)
    parser.add_argument("--insert-per-thread", type=int, default=200)
    parser.add_argument("--insert-batch", type=int, default=50)
    parser.add_argument("--skip-inserts", action="store_true")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    counts = [bench_counts(n, args.threads, args.weeks, args.runs, args.cache) for n in sizes]
    inserts = (
        []
        if args.skip_inserts
        else bench_inserts(
            args.cache, args.insert_threads, args.insert_per_thread, args.insert_batch
        )
    )
    table = render(counts, inserts, args)
    publish(table, args.out)


if __name__ == "__main__":
    main()
