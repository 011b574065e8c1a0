"""Benchmark weekly profile recomputation: 1M replies and 100k authors in the week.

Run: .venv/bin/python bench/bench_profiles.py [--replies 1000000 --authors 100000]

Builds (once per schema revision, under var/bench/) a migrated SQLite file holding two weeks of
synthetic activity (threads with tags, replies spread over each week, members linked to some
authors), builds the first week's profiles as history, then times
`buzz.interests.build_week_conn` for the second week in a fresh subprocess per mode (so
ru_maxrss is that run's peak), against a reference that loads the week's distinct (user, thread)
pairs into pandas and groups them. Writes a Markdown table to bench/results/profiles.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _machine import machine_line  # noqa: E402

from ranking.windows import week_starting  # noqa: E402
from storage.migrate import head_revision, upgrade  # noqa: E402

W1 = week_starting(datetime(2024, 1, 1).date())
W2 = W1.next()
SEEN = "2024-03-15 00:00:00.000000"
TOP_TAGS = ("投資理財", "運動", "電影", "遊戲", "美食餐廳", "旅遊", "汽車", "音樂")
FINE_TAGS = ("台股", "棒球", "好萊塢電影", "手機遊戲", "日式料理", "日本旅遊", "電動車", "流行音樂")
PHRASES = (
    "台積電大漲存股",
    "昨晚的球賽好精彩",
    "這部電影好看",
    "手遊抽卡又歪了",
    "拉麵好吃",
    "日本旅遊行程",
)


BEFORE = (
    "Before the model moved to interests/ (same machine and sizes, 2026-12-02; schema 0004, "
    "the week stepped in SQL and 1.4M author rows written to interest_profiles): `reference` "
    "6.4 s / 522 MiB; `none` 17.3 s (2.7x) / 378 MiB; `members` 23.7 s (3.7x) / 539 MiB. "
    "Earlier (0002 schema, decay in Python objects): `none` 54.9 s, `members` 63.3 s."
)


def utc_text(t: datetime) -> str:
    """SQLite's stored form of an aware time."""
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, n_replies: int, n_authors: int, n_threads: int, n_members: int) -> float:
    """Create the synthetic two-week database; return seconds."""
    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    upgrade(f"sqlite:///{tmp}")
    db = sqlite3.connect(tmp, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    for week_no, window in enumerate((W1, W2)):
        base = int(window.start.timestamp())
        first = week_no * n_threads
        db.execute(
            f"""
            INSERT INTO threads (id, platform, channel, thread_key, url, title, category,
                author_id, author_nickname, posted_at, ip, status, body, pinned, content_hash,
                first_seen_at, last_crawled_at, edited_at)
            WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n_threads})
            SELECT {first} + x, 'ptt', 'Board' || (x % 20), 'M.' || ({first} + x), 'u', 't',
                NULL, 'a' || (abs(random()) % {n_authors}), NULL,
                strftime('%Y-%m-%d %H:%M:%S', {base} + abs(random()) % 604800, 'unixepoch')
                    || '.000000', NULL, 'ok', 'b', 0, 'h', '{SEEN}', '{SEEN}', NULL
            FROM s
            """
        )
        for level, names in (("top", TOP_TAGS), ("fine", FINE_TAGS)):
            cases = " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(names))
            db.execute(
                f"""
                INSERT INTO thread_tags (thread_id, tag, level, score)
                SELECT id, CASE id % {len(names)} {cases} END, '{level}',
                    0.3 + (id % 7) / 10.0 FROM threads WHERE id > {first}
                """
            )
        phrases = " ".join(f"WHEN {i} THEN '{p}'" for i, p in enumerate(PHRASES))
        db.execute(
            f"""
            INSERT INTO replies (thread_id, reply_key, tag, user, content, ip, replied_at,
                time_inferred, first_seen_at, last_seen_at, removed_at)
            WITH RECURSIVE s(x) AS (
                SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < {n_replies - 1}
            )
            SELECT {first} + 1 + x % {n_threads}, 'k' || x, '推',
                'a' || (abs(random()) % {n_authors}),
                CASE x % {len(PHRASES)} {phrases} END, NULL,
                strftime('%Y-%m-%d %H:%M:%S', {base} + abs(random()) % 604800, 'unixepoch')
                    || '.000000', 1, '{SEEN}', '{SEEN}', NULL
            FROM s
            """
        )
    db.execute(
        f"""
        INSERT INTO members (member_id, first_seen_at, updated_at)
        WITH RECURSIVE s(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < {n_members - 1})
        SELECT 'M' || x, '{SEEN}', '{SEEN}' FROM s
        """
    )
    db.execute(
        f"""
        INSERT INTO member_accounts (member_id, platform, handle, updated_at)
        SELECT member_id, 'ptt', 'a' || (CAST(substr(member_id, 2) AS INTEGER) * 10), '{SEEN}'
        FROM members
        """
    )
    db.execute("COMMIT")
    db.close()
    tmp.rename(path)
    from buzz.interests import build_week_conn
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        build_week_conn(conn, W1, reply_text="none")
    engine.dispose()
    return time.perf_counter() - started


def run_mode(path: Path, mode: str, trace: bool) -> dict[str, Any]:
    """Time one week's build (or the pandas reference) in this process."""
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    if mode != "reference" and mode != "none":
        from nlp.tagger import default_tagger

        default_tagger().tag("暖身")  # load jieba outside the timing
    import pandas as pd

    from buzz.interests import build_week_conn

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if mode == "reference":
        with engine.connect() as conn:
            pairs = pd.read_sql(
                "SELECT DISTINCT r.user, r.thread_id FROM replies r WHERE r.replied_at >= ? "
                "AND r.replied_at < ? AND r.removed_at IS NULL",
                conn.connection.driver_connection,  # type: ignore[arg-type]
                params=(utc_text(W2.start), utc_text(W2.end)),
            )
            tags = pd.read_sql(
                "SELECT thread_id, tag, score FROM thread_tags",
                conn.connection.driver_connection,  # type: ignore[arg-type]
            )
        joined = pairs.merge(tags, on="thread_id")
        rows = len(joined.groupby(["user", "tag"])["score"].sum())
        detail = f"{rows:,} (author, tag) sums"
    else:
        with engine.begin() as conn:
            built = build_week_conn(conn, W2, reply_text=mode)
        detail = (
            f"{built.authors:,} authors, {built.author_rows:,} author rows, "
            f"{built.member_rows:,} member rows"
        )
    seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if trace else 0
    engine.dispose()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"mode": mode, "seconds": seconds, "rss_mib": peak_kib / 1024,
            "traced_mib": traced / 2**20, "detail": detail}  # fmt: skip


def main() -> None:
    """Build once, run each mode in a subprocess, write the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=1_000_000)
    parser.add_argument("--authors", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=30_000)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--modes", default="reference,none,members,all")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument(
        "--trace", action="store_true", help="Also measure tracemalloc peaks (slow: ~3x time)."
    )
    args = parser.parse_args()
    sizes = f"{args.replies}-{args.authors}-{args.threads}-{args.members}"
    name = f"profiles-{sizes}-r{head_revision()}.sqlite3"
    path = ROOT / "var" / "bench" / name
    if args.run:
        print(json.dumps(run_mode(path, args.run, args.trace)))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    built = "cached"
    if not path.exists():
        built = f"{build(path, args.replies, args.authors, args.threads, args.members):.0f} s"
    results = []
    for mode in args.modes.split(","):
        out = {}
        for trace in (False, True) if args.trace else (False,):
            base = [a for a in sys.argv[1:] if a != "--trace"]
            proc = subprocess.run(
                [sys.executable, __file__, *base, "--run", mode] + (["--trace"] if trace else []),
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            data = json.loads(proc.stdout.strip().splitlines()[-1])
            out = data if not trace else {**out, "traced_mib": data["traced_mib"]}
        results.append(out)
        print(out, flush=True)
    lines = [
        "## Weekly profile recomputation (SQLite)",
        "",
        machine_line() + ".",
        "",
        f"Synthetic week: {args.replies:,} replies by {args.authors:,} authors to {args.threads:,} "
        f"threads posted that week (2 tags each), the week before built as history, "
        f"{args.members:,} members with one linked account each. Database build: {built}.",
        "Each row is one fresh process: wall time of one week's build (the week's replies, "
        "threads and tags read in bulk, signals, decay and trends in interests.model on arrays, "
        "authors saved packed and members as rows, committed); peak RSS of that process "
        "(ru_maxrss: includes Python, numpy, pandas, SQLAlchemy and for text modes jieba's "
        "dictionary) and, with --trace, the peak of Python allocations (tracemalloc, separate "
        "run).",
        "",
        "| mode | what | seconds | time vs reference | peak RSS | peak traced | result |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    what = {
        "reference": "pandas: read the week's distinct (user, thread) + all thread tags, "
        "merge, groupby (no decay, no save)",
        "none": "thread signals only (started + replied)",
        "members": "+ own reply text of member accounts (default)",
        "all": "+ own reply text of every author",
    }
    ref = next((r["seconds"] for r in results if r["mode"] == "reference"), None)
    for r in results:
        ratio = f"{r['seconds'] / ref:.1f}x" if ref else "-"
        traced = f"{r['traced_mib']:.0f} MiB" if args.trace else "not run"
        lines.append(
            f"| `{r['mode']}` | {what.get(r['mode'], '')} | {r['seconds']:.1f} | {ratio} | "
            f"{r['rss_mib']:.0f} MiB | {traced} | {r['detail']} |"
        )
    lines += ["", BEFORE]
    out_path = ROOT / "bench" / "results" / "profiles.md"
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
