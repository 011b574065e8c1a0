"""The weekly job at volume: rank, report, profiles and the CRM export over 10M stored replies.

Run: .venv/bin/python bench/bench_weekly.py [--replies 10000000]

Builds (once, under var/bench/) a migrated SQLite file with 100k threads over 20 PTT boards and
10 weeks of replies (bench_leaderboard's generator: 50k repliers, 1% removed), a complete crawl
run covering every board, and 10,000 CRM members linked to repliers. Then each step of the weekly
job runs as its own `buzz` process on the middle week, timed, with its peak RSS; the reference is
a pandas read_sql + groupby of the same week's replies in the same run. Target: every step's
peak memory under 1 GB. Writes bench/results/weekly.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import machine_line, publish  # noqa: E402
from bench_leaderboard import BASE, WEEK_SECONDS, build_database  # noqa: E402

from storage.db import make_engine, write_transaction  # noqa: E402
from storage.migrate import head_revision  # noqa: E402
from storage.runs import finish_run, save_channels, start_run  # noqa: E402

BIN = Path(sys.executable).parent
BOARDS = [f"Board{n}" for n in range(20)]
TOPICS = (
    "[心得] 台積電存股五年的殖利率與ETF配息",
    "[問題] 新手想買第一台電動車 特斯拉還是國產休旅",
    "[食記] 台北東區拉麵 湯頭濃郁的日式料理",
    "[情報] 任天堂Switch新遊戲 手遊抽卡活動",
    "[討論] 這部好萊塢電影的劇情和演員",
    "[心得] 日本自由行 京都大阪住宿和行程",
    "[問題] 寶寶副食品和嬰兒推車怎麼選",
    "[分享] 演唱會門票 流行音樂新專輯",
)
RSS_WRAPPER = (
    "import resource, subprocess, sys;"
    "code = subprocess.run(sys.argv[1:]).returncode;"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr);"
    "sys.exit(code)"
)


def build(path: Path, replies: int, threads: int, weeks: int, members: int) -> float:
    """The synthetic database with its crawl run and members; seconds it took."""
    started = time.perf_counter()
    build_database(path, replies, threads, weeks)
    url = f"sqlite:///{path}"
    # Topical titles and bodies, so tagging finds interests (the generator writes filler).
    cases = " ".join(f"WHEN {n} THEN '{title}'" for n, title in enumerate(TOPICS))
    with sqlalchemy.create_engine(url).begin() as conn:
        conn.execute(
            sqlalchemy.text(
                f"UPDATE threads SET title = CASE id % {len(TOPICS)} {cases} END || ' ' || id,"
                f" body = CASE id % {len(TOPICS)} {cases} END || '。' || body"
            )
        )
    engine = make_engine(url)
    end = BASE + timedelta(seconds=weeks * WEEK_SECONDS)
    with write_transaction(engine) as conn:
        run = start_run(
            conn,
            "ptt",
            {"channels": ",".join(BOARDS)},
            end + timedelta(hours=1),
            covers_from=BASE - timedelta(days=14),
            observed_at=end + timedelta(hours=1),
        )
        channels = [
            {"platform": "ptt", "channel": b, "status": "complete", "pages": 100} for b in BOARDS
        ]
        save_channels(conn, run, channels)
        finish_run(conn, run, end + timedelta(hours=2), "complete", 2000, threads, {}, "finished")
    engine.dispose()
    members_csv = path.with_suffix(".members.csv")
    with members_csv.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["member_id", "platform", "handle"])
        for n in range(members):
            out.writerow([f"M{n:06d}", "ptt", f"user{n * 5}"])
    step(["members", "import", str(members_csv)], url, path.parent)
    return time.perf_counter() - started


def step(args: list[str], url: str, home: Path) -> tuple[float, float]:
    """Run one buzz command in a fresh process: (seconds, peak RSS in MiB)."""
    env = dict(os.environ)
    env.update(BUZZ_DATABASE_URL=url, BUZZ_HOME=str(home), BUZZ_REPORTS_DIR=str(home / "reports"))
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", RSS_WRAPPER, str(BIN / "buzz"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(
            f"buzz {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
        )
    return seconds, int(proc.stderr.strip().splitlines()[-1]) / 1024


def reference(url: str, start: datetime, end: datetime) -> tuple[float, float]:
    """pandas: load the week's counted replies and group them per thread; seconds, peak MiB."""
    code = (
        "import sys, time, resource, pandas as pd, sqlalchemy;"
        "e = sqlalchemy.create_engine(sys.argv[1]); t = time.perf_counter();"
        "df = pd.read_sql(sqlalchemy.text('select thread_id from replies where replied_at >= :s"
        " and replied_at < :e and removed_at is null'), e, params={'s': sys.argv[2],"
        " 'e': sys.argv[3]});"
        "n = df.groupby('thread_id').size().sort_values(ascending=False).head(10);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    proc = subprocess.run(
        [sys.executable, "-c", code, url, start.astimezone(UTC).strftime(fmt),
         end.astimezone(UTC).strftime(fmt)],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    seconds, rss = proc.stdout.split()
    return float(seconds), int(rss) / 1024


def main() -> int:
    """Build once, then time each weekly step; print and publish the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--replies", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = args.cache / f"weekly-{args.replies}-{head_revision()}.sqlite3"
    built = "reused"
    if not path.exists():
        built = (
            f"built in {build(path, args.replies, args.threads, args.weeks, args.members):.0f} s"
        )
    week_start = BASE + timedelta(weeks=args.weeks // 2)
    week = week_start.date().isoformat()
    now = (BASE + timedelta(weeks=args.weeks, days=1)).isoformat()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "db.sqlite3"
        shutil.copy(path, work)  # each run starts from the same unranked database
        url = f"sqlite:///{work}"
        home = Path(tmp)
        steps = [
            ("rank (count, exclusions, boards, coverage)", ["rank", "--week", week, "--now", now]),
            ("report (HTML, CSV, Markdown, ...)", ["report", "--week", week]),
            ("profiles build (tag threads, build the week)",
             ["profiles", "build", "--week", week, "--now", now]),
            ("profiles export (CRM CSV)", ["profiles", "export", "--week", week, "--now", now]),
        ]  # fmt: skip
        rows = []
        for name, cmd in steps:
            seconds, rss = step(cmd, url, home)
            rows.append((name, seconds, rss))
            print(f"{name}: {seconds:.1f} s, {rss:.0f} MiB", file=sys.stderr, flush=True)
        ref_s, ref_rss = reference(url, week_start, week_start + timedelta(days=7))
        with sqlalchemy.create_engine(url).connect() as conn:
            week_replies = conn.execute(
                sqlalchemy.text(
                    "select count(*) from replies where replied_at >= :s and replied_at < :e"
                ),
                {
                    "s": week_start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    "e": (week_start + timedelta(days=7))
                    .astimezone(UTC)
                    .strftime("%Y-%m-%d %H:%M:%S"),
                },
            ).scalar_one()  # fmt: skip
    total = sum(s for _, s, _ in rows)
    peak = max(r for _, _, r in rows)
    lines = [
        f"## The weekly job at {args.replies / 1e6:.0f}M stored replies (SQLite)",
        "",
        machine_line(),
        "",
        f"{args.replies:,} replies stored over {args.weeks} weeks, {args.threads:,} threads on "
        f"{len(BOARDS)} boards, {args.members:,} CRM members; the week {week} holds "
        f"{week_replies:,} replies. Database {built}. Each step is its own `buzz` process (wall "
        "time including start-up, and its peak RSS); pandas loading and grouping the same week "
        "is the reference. Target: peak under 1 GB.",
        "",
        "| step | seconds | peak RSS |",
        "|---|---:|---:|",
        *[f"| `buzz {name}` | {s:.1f} | {r:,.0f} MiB |" for name, s, r in rows],
        f"| **the four steps** | **{total:.1f}** | **{peak:,.0f} MiB** |",
        f"| pandas read_sql + groupby of the week (reference) | {ref_s:.1f} | {ref_rss:,.0f} MiB |",
    ]
    publish("\n".join(lines) + "\n", ROOT / "bench" / "results" / "weekly.md")
    return 0 if peak < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
