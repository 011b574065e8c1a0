"""Resuming from a JOBDIR only when it is exact: after a clean stop with the same arguments.

Scrapy keeps a paused crawl's queue and seen-request fingerprints in JOBDIR. After a graceful
stop (SIGINT) they agree and a resume is exact. After SIGKILL the fingerprints are on disk but
the queue is not, so a resume would skip every page it had only queued. Buzz leaves a marker in
the JOBDIR: `running` while a crawl uses it, `closed` with the finish reason afterwards. A
marker still saying `running` whose process is gone means the crawl was killed: the JOBDIR is
cleared and the crawl starts over (re-crawling is idempotent, so that is exact).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawlers.liveness import Holder, pid_alive

MARKER = "buzz-crawl.json"
SCRAPY_STATE = ("requests.queue", "requests.seen", "spider.state")


class JobdirError(ValueError):
    """The JOBDIR cannot be used for this crawl; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class JobdirPlan:
    """What a crawl does with its JOBDIR: resume it, or start afresh and why."""

    resume: bool
    note: str


def _read_marker(path: Path) -> dict[str, Any] | None:
    """The marker's content, None when there is none; an unreadable marker counts as none."""
    try:
        data = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _has_scrapy_state(path: Path) -> bool:
    """Whether Scrapy left a queue, fingerprints or spider state here."""
    return any((path / name).exists() for name in SCRAPY_STATE)


def _clear(path: Path) -> None:
    """Remove Scrapy's state so the next crawl starts afresh."""
    for name in SCRAPY_STATE:
        target = path / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def check_jobdir(path: Path) -> None:
    """Refuse a JOBDIR that is a file or cannot be created/written."""
    if path.exists() and not path.is_dir():
        raise JobdirError(f"--jobdir {path}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".buzz-write-test"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise JobdirError(f"--jobdir {path}: cannot write there: {exc.strerror or exc}") from None


def prepare_jobdir(path: Path, args: dict[str, str], holder: Holder) -> JobdirPlan:
    """Decide whether to resume, start afresh (clearing what cannot be trusted) or refuse."""
    check_jobdir(path)
    marker = _read_marker(path)
    if marker is None:
        if not _has_scrapy_state(path):
            return JobdirPlan(False, "")
        _clear(path)
        return JobdirPlan(False, f"{path} held crawl state Buzz did not write: starting over")
    state = marker.get("state")
    if state == "running":
        host, pid = str(marker.get("host", "")), int(marker.get("pid", 0) or 0)
        if host == holder.host and pid != holder.pid and pid_alive(pid):
            raise JobdirError(f"--jobdir {path}: in use by another crawl (pid {pid})")
        _clear(path)
        return JobdirPlan(
            False,
            f"the crawl that used {path} was killed (pid {pid}): its queue cannot be trusted, "
            "so the crawl starts over",
        )
    if state == "closed" and marker.get("reason") not in (None, "finished"):
        if marker.get("args") != args:
            raise JobdirError(
                f"--jobdir {path}: holds an unfinished crawl with other arguments "
                f"({_describe(marker.get('args'))}); repeat them to resume, or use another --jobdir"
            )
        return JobdirPlan(True, f"resuming the crawl stopped by {marker.get('reason')}")
    _clear(path)
    return JobdirPlan(False, "")


def _describe(args: object) -> str:
    """`boards=Stock since=2019-02-04...` for a one-line message."""
    if not isinstance(args, dict):
        return "unknown"
    return " ".join(f"{k}={v}" for k, v in sorted(args.items()) if v)


def mark_running(path: Path, args: dict[str, str], holder: Holder) -> None:
    """Say in the JOBDIR that a crawl is using it."""
    _write(path, {"state": "running", "host": holder.host, "pid": holder.pid, "args": args})


def mark_closed(path: Path, args: dict[str, str], reason: str) -> None:
    """Say in the JOBDIR how the crawl ended (a `finished` crawl is not resumed)."""
    _write(path, {"state": "closed", "reason": reason, "args": args})


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write the marker atomically."""
    data = {**data, "at": datetime.now(UTC).isoformat()}
    tmp = path / f".{MARKER}.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp.replace(path / MARKER)
