"""`buzz explain`: why one thread is where it is on a week's boards, from the stored data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from buzz.config import Config
from buzz.errors import fail
from buzz.jobs import channel_history, engine_for, week_rules
from ranking.exclusions import RULE_NAMES, classify, every_exclusion
from ranking.leaderboard import channel_label, platform_label
from ranking.models import ThreadCount
from ranking.windows import TAIPEI, Window
from storage.leaderboards import load_leaderboards, load_week_status
from storage.queries import new_reply_counts
from storage.thread_lookup import channel_runs, find_thread


def _when(t: datetime | None) -> str:
    """A time in Taipei, or a dash."""
    return "-" if t is None else f"{t.astimezone(TAIPEI):%Y-%m-%d %H:%M}"


def _row_key(r: ThreadCount) -> tuple[int, str, int]:
    """The boards' order: most new replies first, then thread_key, then id."""
    return (-r.new_replies, r.thread_key, r.thread_id)


def _position(row: ThreadCount, kept: Sequence[ThreadCount]) -> int:
    """Where the row stands among the kept rows (1-based), as if it were kept itself."""
    ahead = [r for r in kept if r.thread_id != row.thread_id and _row_key(r) < _row_key(row)]
    return len(ahead) + 1


def explain_thread(
    config: Config, url: str, window: Window, *, rules_path: Path | None = None, top: int = 10
) -> list[str]:
    """The lines `buzz explain` prints for a thread and a week."""
    engine = engine_for(config, write=False)
    try:
        with engine.connect() as conn:
            found = find_thread(conn, url)
            if found is None:
                fail(
                    f"{url}: no stored thread has this URL "
                    "(tried it with and without a trailing slash, over http and https)"
                )
            counts = [ThreadCount(**r) for r in new_reply_counts(conn, window.start, window.end)]
            rules = week_rules(conn, config, window, rules_path)
            status = load_week_status(conn, window.start)
            board_rows = load_leaderboards(conn, window.start)
            runs = channel_runs(conn, found["platform"], found["channel"])
            row = next((r for r in counts if r.thread_id == found["thread_id"]), None)
            history = channel_history(conn, rules, window, counts or [_as_row(found)])
    finally:
        engine.dispose()
    this = row or _as_row(found)
    out = [
        f"thread: {found['title']}",
        f"url: {found['url']}",
        f"channel: {channel_label(found['platform'], found['channel'])}"
        f" · posted {_when(found['posted_at'])} · status {found['status']}",
        f"week: {window.label} ({window.week_id})",
        f"rules: {rules.label}",
        f"新增回文數: {this.new_replies}" + (" (estimate)" if this.estimate else " (counted)"),
    ]
    fired = every_exclusion(this, window, config=rules, history=history)
    out.append("rules fired:" if fired else "rules fired: none")
    out += [f"  {RULE_NAMES.get(x.reason, x.reason)}: {x.detail}" for x in fired]
    out += _ranks(this, counts, board_rows, status, fired, window, rules, history, top)
    out += _crawl_history(found, runs)
    return out


def _as_row(found: dict[str, Any]) -> ThreadCount:
    """The thread as a ranking row with no replies in the week."""
    return ThreadCount(
        thread_id=found["thread_id"],
        platform=found["platform"],
        channel=found["channel"],
        thread_key=found["thread_key"],
        title=found["title"],
        url=found["url"],
        posted_at=found["posted_at"],
        status=found["status"],
        new_replies=0,
        body=found["body"],
        pinned=bool(found["pinned"]),
        author=found["author_id"] or "",
    )


def _ranks(
    this: ThreadCount,
    counts: Sequence[ThreadCount],
    board_rows: Sequence[dict[str, Any]],
    status: dict[str, Any] | None,
    fired: Sequence[Any],
    window: Window,
    rules: Any,
    history: Any,
    top: int,
) -> list[str]:
    """Its rank on each published board, or why it has none."""
    out = []
    if status is None:
        out.append("boards: the week is not published yet (positions below are as ranked now)")
    on = [r for r in board_rows if r["thread_id"] == this.thread_id]
    for r in on:
        out.append(f"  rank {r['rank']} on {r['label']} ({r['scope']})")
    cover = next(
        (
            c
            for c in (status or {}).get("coverage", [])
            if (c["platform"], c["channel"]) == (this.platform, this.channel)
        ),
        None,
    )
    if cover is not None and cover["status"] != "complete":
        out.append(f"  channel {cover['status']}: {cover['reason'] or 'counts are not whole'}")
    if on:
        return ["boards:", *out] if status is not None else out
    if this.new_replies == 0:
        out.append("  no rank: no replies in the week")
        return ["boards:", *out]
    if fired:
        first = fired[0]
        out.append(f"  no rank: excluded as {RULE_NAMES.get(first.reason, first.reason)}")
    peers = [r for r in counts if r.platform == this.platform]
    kept = [r for r in peers if classify(r, window, config=rules, history=history) is None]
    in_channel = _position(this, [r for r in kept if r.channel == this.channel])
    in_platform = _position(this, kept)
    label = channel_label(this.platform, this.channel)
    would = "would have been" if fired else "is"
    out.append(
        f"  {would} #{in_channel} on {label} and #{in_platform} on {platform_label(this.platform)}"
    )
    if not fired and in_channel > top:
        out.append(f"  no rank: below the top {top} of {label}")
    return ["boards:", *out]


def _crawl_history(found: dict[str, Any], runs: Sequence[dict[str, Any]]) -> list[str]:
    """When the crawls saw it and the runs of its channel while it was stored."""
    first, last = found["first_seen_at"], found["last_crawled_at"]
    out = [
        "crawl history:",
        f"  first seen {_when(first)}; last crawled {_when(last)}"
        + (f"; edited {_when(found['edited_at'])}" if found["edited_at"] else ""),
    ]
    seen = [
        r
        for r in runs
        if r["started_at"] <= last and (r["finished_at"] is None or r["finished_at"] >= first)
    ]
    for r in seen:
        out.append(
            f"  run {r['run_id']} {_when(r['started_at'])}: channel {r['status']}"
            f" (run {r['run_status']})"
        )
    if found["status"] != "ok":
        out.append(f"  status now {found['status']}: so found by the crawl of {_when(last)}")
    return out
