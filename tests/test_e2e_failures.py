"""End to end, when things go wrong: a site that dies, a misspelt board, two crawls at once,
a crawl killed and rerun or resumed, threads deleted between crawls, an unfinished week.

Every case runs the real `buzz` command against the local replica and checks what a user
would see (exit code, one-line messages, marked reports) and what was stored (against truth).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from e2e_helpers import ROOT, buzz_env, crawl, key, run_buzz, stored_counts
from sqlalchemy import select
from storage_fixtures import database_urls, fresh_database

from crawlers.sources import get
from ranking.windows import TAIPEI, week_starting
from replica.members import write_members
from replica.ptt.truth import week_truth
from replica.server import RunningReplica, serve_in_thread
from storage.db import make_engine
from storage.models import Thread

pytestmark = pytest.mark.e2e

NOW = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)
WEEK = date(2019, 2, 4)
FEW = ["Stock", "Gossiping", "car"]
ALL = list(get("ptt").default_channels)


@pytest.fixture(params=database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh migrated database per backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def start_buzz(
    args: list[str], db_url: str, site: RunningReplica, tmp: Path
) -> subprocess.Popen[str]:
    """Start `python -m buzz ARGS` in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "buzz", *args],
        cwd=ROOT,
        env=buzz_env(db_url, site.url, tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_requests(site: RunningReplica, n: int, proc: subprocess.Popen[str]) -> None:
    """Wait until the replica has answered n requests (the crawl is under way)."""
    deadline = time.monotonic() + 120
    while site.stats()["requests"] < n:
        assert proc.poll() is None, f"the crawl ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "the crawl did not get going"
        time.sleep(0.02)


def crawl_args(boards: list[str], *extra: str) -> list[str]:
    """`buzz crawl ptt` for the reference week at the replica's clock."""
    return [
        "crawl",
        "ptt",
        "--boards",
        ",".join(boards),
        "--since",
        WEEK.isoformat(),
        "--now",
        NOW.isoformat(),
        "--quiet",
        *extra,
    ]


def assert_exact(db_url: str, boards: list[str]) -> int:
    """Every thread of these boards in range has exactly the truth's count; returns how many."""
    window = week_starting(WEEK)
    truth = week_truth(WEEK, now=NOW)
    counts = stored_counts(db_url, window.start, window.end)
    cutoff = window.start.timestamp() - 14 * 86400
    checked = 0
    for t in truth["threads"]:
        if t["board"] not in boards or t["status"] != "ok":
            continue
        if datetime.fromisoformat(t["posted_at"]).timestamp() < cutoff:
            continue
        assert counts.get(key(t["board"], t["article_id"]), 0) == t["new_replies"], t
        checked += 1
    assert checked > 20
    return checked


def runs_json(db_url: str, site_url: str, tmp: Path) -> list[dict[str, object]]:
    """`buzz crawl runs --json`, newest first."""
    out = run_buzz(["crawl", "runs", "--json", "--limit", "20"], db_url, site_url, tmp).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_a_site_that_dies_mid_crawl_gives_a_marked_report_and_exit_1(
    db_url: str, tmp_path: Path
) -> None:
    """The weekly job exits 1 naming the channels, and every report format marks them."""
    with serve_in_thread("ptt", now=NOW) as site:
        args = ["weekly", "--week", WEEK.isoformat(), "--now", NOW.isoformat(), "--quiet"]
        proc = start_buzz(args, db_url, site, tmp_path)
        wait_for_requests(site, 250, proc)
        site.kill()
        out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, (out, err)
    last = err.strip().splitlines()[-1]
    assert last.startswith("buzz: week 2019-02-04 is incomplete: ptt/"), last
    assert "Traceback" not in err
    assert "[INCOMPLETE]" in out
    report = tmp_path / "reports" / "2019-02-04"
    html = (report / "leaderboard.html").read_text(encoding="utf-8")
    assert "本週資料不完整" in html and "資料不完整" in html and "各頻道資料完整性" in html
    markdown = (report / "leaderboard.md").read_text(encoding="utf-8")
    assert "**⚠ 資料不完整**" in markdown and "（資料不完整）" in markdown
    rows = (report / "leaderboard.csv").read_text(encoding="utf-8-sig").splitlines()
    coverage = [r for r in rows if ",coverage:ptt/" in r]
    assert len(coverage) == 10 and any(",incomplete," in r for r in coverage)
    assert any(",incomplete," in r for r in rows if ",platform:ptt," in r)
    (run,) = runs_json(db_url, "http://127.0.0.1:9", tmp_path)
    assert run["status"] == "incomplete"
    lost = sum(int(c["failed"]) for c in run["channels"])  # type: ignore[attr-defined]
    assert lost > 0


def test_a_misspelt_board_is_reported_as_not_found(db_url: str, tmp_path: Path) -> None:
    with serve_in_thread("ptt", now=NOW) as site:
        proc = run_buzz(crawl_args(["Stock", "Gosiping"]), db_url, site.url, tmp_path, expect=1)
    assert "ptt/Gosiping: failed: not found: its first page answered 404" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "buzz: crawl run 1 incomplete: ptt/Gosiping"
    (run,) = runs_json(db_url, "http://127.0.0.1:9", tmp_path)
    by_channel = {c["channel"]: c for c in run["channels"]}  # type: ignore[attr-defined]
    assert by_channel["Gosiping"]["status"] == "failed" and by_channel["Gosiping"]["not_found"] == 1
    assert by_channel["Stock"]["status"] == "complete"


def test_a_second_crawl_is_refused_while_the_first_stays_exact(db_url: str, tmp_path: Path) -> None:
    """One writer per source: the second crawl says who holds it; ranking meanwhile is safe."""
    with serve_in_thread("ptt", now=NOW) as site:
        # The first crawl takes every board (some seconds), so it is still running when the
        # second one starts.
        first = start_buzz(crawl_args(ALL), db_url, site, tmp_path)
        wait_for_requests(site, 40, first)
        second = run_buzz(crawl_args(FEW), db_url, site.url, tmp_path, expect=3)
        # Another writer on the same database while the crawl writes: never "database is locked".
        members = write_members(tmp_path / "members.csv")
        for _ in range(3):
            run_buzz(["members", "import", str(members)], db_url, site.url, tmp_path)
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, (out, err)
    (line,) = second.stderr.strip().splitlines()
    assert line.startswith("buzz: another ptt crawl is running (run 1, pid ")
    assert "locked" not in err
    assert_exact(db_url, ALL)


@pytest.mark.parametrize("after", [15, 120])
@pytest.mark.parametrize("how", ["rerun", "resume"])
def test_a_crawl_killed_then_rerun_or_resumed_is_exact(
    db_url: str, tmp_path: Path, after: int, how: str
) -> None:
    """SIGKILL at several points: a plain rerun and a --jobdir resume both end exact."""
    jobdir = tmp_path / "job"
    with serve_in_thread("ptt", now=NOW) as site:
        killed = start_buzz(crawl_args(FEW, "--jobdir", str(jobdir)), db_url, site, tmp_path)
        wait_for_requests(site, after, killed)
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        extra = ("--jobdir", str(jobdir)) if how == "resume" else ()
        again = run_buzz(crawl_args(FEW, *extra), db_url, site.url, tmp_path, expect=0)
    if how == "resume":
        assert "was killed" in again.stderr and "starts over" in again.stderr
    assert_exact(db_url, FEW)
    runs = runs_json(db_url, "http://127.0.0.1:9", tmp_path)
    assert [r["status"] for r in runs] == ["complete", "crashed"]


def test_a_crawl_stopped_with_sigint_resumes_exactly_from_its_jobdir(
    db_url: str, tmp_path: Path
) -> None:
    jobdir = tmp_path / "job"
    with serve_in_thread("ptt", now=NOW) as site:
        stopped = start_buzz(crawl_args(FEW, "--jobdir", str(jobdir)), db_url, site, tmp_path)
        wait_for_requests(site, 120, stopped)
        stopped.send_signal(signal.SIGINT)
        _, err = stopped.communicate(timeout=120)
        assert stopped.returncode == 1, err
        assert "crawl did not finish: shutdown (run again with the same --jobdir" in err
        resumed = run_buzz(
            crawl_args(FEW, "--jobdir", str(jobdir)), db_url, site.url, tmp_path, expect=0
        )
    assert "resuming" in resumed.stderr
    assert_exact(db_url, FEW)
    runs = runs_json(db_url, "http://127.0.0.1:9", tmp_path)
    assert [r["status"] for r in runs] == ["complete", "incomplete"]
    assert all(c["status"] == "complete" for c in runs[0]["channels"])  # type: ignore[union-attr]


def test_threads_deleted_between_two_crawls_leave_the_board(db_url: str, tmp_path: Path) -> None:
    """A deleted index row has no link; its thread is matched by author and position."""
    early = datetime(2019, 2, 9, 12, 0, tzinfo=TAIPEI)
    with serve_in_thread("ptt", now=early) as site:
        crawl(db_url, site.url, tmp_path, ["BabyMother", "Gossiping"], WEEK, early)
    first = {t["article_id"] for t in week_truth(WEEK, now=early)["threads"] if t["status"] == "ok"}
    with serve_in_thread("ptt", now=NOW) as site:
        crawl(db_url, site.url, tmp_path, ["BabyMother", "Gossiping"], WEEK, NOW)
    truth = week_truth(WEEK, now=NOW)
    gone = [
        key(t["board"], t["article_id"])
        for t in truth["threads"]
        if t["status"] == "deleted"
        and t["article_id"] in first
        and t["board"] in ("BabyMother", "Gossiping")
    ]
    assert gone, "the replica deletes some threads between the two clocks"
    engine = make_engine(db_url)
    with engine.connect() as conn:
        status = dict(list(conn.execute(select(Thread.thread_key, Thread.status)).tuples()))
    engine.dispose()
    assert {k: status[k] for k in gone} == {k: "deleted" for k in gone}
    week = run_buzz(
        ["rank", "--week", WEEK.isoformat(), "--now", NOW.isoformat()],
        db_url,
        "http://127.0.0.1:9",
        tmp_path,
    )
    assert week.returncode == 0
    assert_exact(db_url, ["BabyMother", "Gossiping"])


def test_an_unfinished_week_is_refused_or_marked_provisional(db_url: str, tmp_path: Path) -> None:
    midweek = datetime(2019, 2, 13, 12, 0, tzinfo=TAIPEI)
    args = ["weekly", "--week", "2019-02-11", "--now", midweek.isoformat(), "--boards", "Stock"]
    with serve_in_thread("ptt", now=midweek) as site:
        refused = run_buzz([*args, "--quiet"], db_url, site.url, tmp_path, expect=2)
        assert "is not over until 2019-02-18 00:00" in refused.stderr
        done = run_buzz([*args, "--quiet", "--provisional"], db_url, site.url, tmp_path)
    assert "暫定，資料截至 2019-02-13 12:00" in done.stdout
    report = tmp_path / "reports" / "2019-02-11"
    for name in ("leaderboard.html", "leaderboard.md"):
        assert "暫定，資料截至 2019-02-13 12:00" in (report / name).read_text(encoding="utf-8")
    csv = (report / "leaderboard.csv").read_text(encoding="utf-8-sig")
    assert "（暫定，資料截至 2019-02-13 12:00）" in csv and ",provisional," in csv
