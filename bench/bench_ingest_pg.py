"""Reply ingest into PostgreSQL through write_threads, against psycopg's COPY of the same rows.

Run: .venv/bin/python bench/bench_ingest_pg.py [--url postgresql+psycopg://...]

Uses its own database (`buzz_bench`, created on the server of --url when missing, its tables
dropped afterwards). The reference writes the same threads and replies with two COPYs per batch
and a key lookup, the fastest way psycopg offers, with no upsert or change detection. Writes
bench/results/ingest_pg.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish  # noqa: E402
from bench_leaderboard import synthetic_pages  # noqa: E402

from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.writes import write_threads  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DB = "buzz_bench"


def bench_database(url: str) -> str:
    """The URL of the bench database on url's server, created when missing."""
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(
            text("select 1 from pg_database where datname = :n"), {"n": BENCH_DB}
        ).first():
            conn.execute(text(f"create database {BENCH_DB}"))
    admin.dispose()
    return make_url(url).set(database=BENCH_DB).render_as_string(hide_password=False)


def reset(url: str) -> None:
    """Drop every table of the bench database, then migrate it afresh."""
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("drop schema public cascade; create schema public"))
    engine.dispose()
    upgrade(url)


def main() -> int:
    """Time both ways of writing the same rows, print and publish the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--threads", type=int, default=500)
    parser.add_argument("--per-thread", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    url = bench_database(args.url)
    pages = synthetic_pages(args.threads, args.per_thread)
    total = args.threads * args.per_thread
    seen = datetime(2024, 3, 1, tzinfo=UTC)

    reset(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    for i in range(0, len(pages), args.batch):
        with engine.begin() as conn:
            write_threads(conn, pages[i : i + args.batch], seen)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(0, len(pages), args.batch):
        with engine.begin() as conn:
            write_threads(conn, pages[i : i + args.batch], seen + timedelta(hours=1))
    again = time.perf_counter() - t0
    engine.dispose()

    reset(url)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as db:
        t0 = time.perf_counter()
        for i in range(0, len(pages), args.batch):
            chunk = pages[i : i + args.batch]
            with db.transaction(), db.cursor() as cur:
                with cur.copy(
                    "COPY threads (platform, channel, thread_key, url, title, category, author_id,"
                    " author_nickname, posted_at, ip, status, body, pinned, content_hash,"
                    " first_seen_at, last_crawled_at) FROM STDIN"
                ) as copy:
                    for t, _ in chunk:
                        copy.write_row(
                            (
                                t.platform,
                                t.channel,
                                t.thread_key,
                                t.url,
                                t.title,
                                t.category,
                                t.author_id,
                                t.author_nickname,
                                t.posted_at,
                                t.ip,
                                t.status,
                                t.body,
                                t.pinned,
                                "0" * 64,
                                seen,
                                seen,
                            )
                        )
                cur.execute(
                    "SELECT thread_key, id FROM threads WHERE thread_key = ANY(%s)",
                    ([t.thread_key for t, _ in chunk],),
                )
                ids = dict(cur.fetchall())
                with cur.copy(
                    'COPY replies (thread_id, reply_key, tag, "user", content, ip, replied_at,'
                    " time_inferred, first_seen_at, last_seen_at) FROM STDIN"
                ) as copy:
                    for t, rs in chunk:
                        for r in rs:
                            copy.write_row(
                                (
                                    ids[t.thread_key],
                                    r.reply_key,
                                    r.tag,
                                    r.user,
                                    r.content,
                                    r.ip,
                                    r.replied_at,
                                    r.time_inferred,
                                    seen,
                                    seen,
                                )
                            )
        raw = time.perf_counter() - t0
    reset(url)

    rows = [
        ("psycopg COPY, no upsert (reference)", raw),
        ("write_threads, first crawl (all new)", first),
        ("write_threads, identical re-crawl", again),
    ]
    lines = [
        "## Reply ingest into PostgreSQL",
        "",
        machine_line() + f"; PostgreSQL at {make_url(args.url).host}",
        "",
        f"{args.threads} threads x {args.per_thread} replies, {args.batch} threads per "
        "transaction, fresh migrated database. Rate relative to the reference: higher is better.",
        "",
        "| method | replies | seconds | replies/s | rate vs COPY |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, seconds in rows:
        lines.append(
            f"| {name} | {total:,} | {seconds:.2f} | {total / seconds:,.0f} | {raw / seconds:.2f} |"
        )
    publish("\n".join(lines) + "\n", ROOT / "bench" / "results" / "ingest_pg.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
