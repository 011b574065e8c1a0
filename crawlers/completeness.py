"""Per-channel tallies of a crawl and the completeness status derived from them (plain data)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

LOSSES = ("blocked", "rate_limited", "failed", "not_found")
"""Ways a page can be lost: a 403 or challenge, a 429 given up on, errors, a 404 where one
should not be (a board's index). A deleted article's 404 is data, not a loss."""

FINISHED = "finished"

ROOT_LOSSES = {
    "not_found": "not found: its first page answered 404 (is the name spelt right?)",
    "blocked": "blocked: its first page was refused (403, challenge page or robots.txt)",
    "rate_limited": "rate-limited: its first page kept answering 429",
    "failed": "unreachable: its first page could not be fetched",
}

_WORDS = {
    "blocked": "blocked",
    "rate_limited": "rate-limited",
    "failed": "failed",
    "not_found": "not found",
}


@dataclass
class ChannelTally:
    """What one crawl fetched, lost and stored for one channel."""

    platform: str
    channel: str
    pages: int = 0
    blocked: int = 0
    rate_limited: int = 0
    failed: int = 0
    not_found: int = 0
    threads: int = 0
    replies: int = 0
    deleted: int = 0
    root_fetched: bool = False
    root_loss: str = ""
    root_note: str = ""  # a spider's own words for why the channel failed
    walk_done: bool = False
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    usage: Counter[str] = field(default_factory=Counter)
    """What the crawl spent of a metered API, by unit (`quota units`), for sites with a quota."""

    def lose(self, loss: str, kind: str, url: str) -> None:
        """Count one lost page under a loss (blocked, ...) and a finer kind (http_503, ...)."""
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {LOSSES}")
        setattr(self, loss, getattr(self, loss) + 1)
        self.kinds[kind] += 1
        self.examples.setdefault(kind, url)

    @property
    def lost(self) -> int:
        """Pages that could not be had."""
        return self.blocked + self.rate_limited + self.failed + self.not_found

    def status(self, finish_reason: str | None) -> tuple[str, str]:
        """(complete | incomplete | failed, a one-line reason; empty when complete)."""
        problems = [f"{n} {_WORDS[loss]}" for loss in LOSSES if (n := getattr(self, loss))]
        if not self.root_fetched:
            why = self.root_note or ROOT_LOSSES.get(self.root_loss) or ", ".join(problems)
            why = why or "its first page was never fetched"
            if finish_reason not in (None, FINISHED):
                why += f"; crawl ended: {finish_reason}"
            known = self.root_note or self.root_loss in ROOT_LOSSES
            return "failed", why if known else f"nothing crawled ({why})"
        if finish_reason not in (None, FINISHED):
            problems.append(f"crawl ended early: {finish_reason}")
        elif not self.walk_done:
            problems.append("index walk did not reach the window start")
        if problems:
            return "incomplete", "; ".join(problems)
        return "complete", ""

    def usage_line(self) -> str:
        """`spent 37 quota units`: what the crawl spent of a metered API."""
        return "spent " + ", ".join(f"{n} {unit}" for unit, n in sorted(self.usage.items()))

    def kinds_line(self) -> str:
        """`http_503 12, connection_refused 3` in descending order, for one summary line."""
        return ", ".join(f"{k} {n}" for k, n in self.kinds.most_common())

    def to_record(self, finish_reason: str | None) -> dict[str, Any]:
        """The row storage keeps for this channel of the run."""
        status, reason = self.status(finish_reason)
        detail = reason
        if self.kinds:
            detail = f"{reason} [{self.kinds_line()}]" if reason else f"[{self.kinds_line()}]"
        if self.usage:
            detail = f"{detail}; {self.usage_line()}" if detail else self.usage_line()
        return {
            "platform": self.platform,
            "channel": self.channel,
            "status": status,
            "pages": self.pages,
            "blocked": self.blocked,
            "rate_limited": self.rate_limited,
            "failed": self.failed,
            "not_found": self.not_found,
            "threads": self.threads,
            "replies": self.replies,
            "deleted": self.deleted,
            "detail": detail,
        }

    def to_state(self) -> dict[str, Any]:
        """Plain data for a resumable crawl's saved state."""
        return {
            "platform": self.platform,
            "channel": self.channel,
            **{name: getattr(self, name) for name in _STATE_INTS},
            "root_fetched": self.root_fetched,
            "root_loss": self.root_loss,
            "root_note": self.root_note,
            "walk_done": self.walk_done,
            "kinds": dict(self.kinds),
            "examples": dict(self.examples),
            "usage": dict(self.usage),
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> ChannelTally:
        """Rebuild a tally saved by to_state."""
        tally = cls(str(data["platform"]), str(data["channel"]))
        for name in _STATE_INTS:
            setattr(tally, name, int(data.get(name, 0)))
        tally.root_fetched = bool(data.get("root_fetched"))
        tally.root_loss = str(data.get("root_loss", ""))
        tally.root_note = str(data.get("root_note", ""))
        tally.walk_done = bool(data.get("walk_done"))
        tally.kinds = Counter({str(k): int(v) for k, v in data.get("kinds", {}).items()})
        tally.examples = {str(k): str(v) for k, v in data.get("examples", {}).items()}
        tally.usage = Counter({str(k): int(v) for k, v in data.get("usage", {}).items()})
        return tally


_STATE_INTS = ("pages", *LOSSES, "threads", "replies", "deleted")


class CrawlTally:
    """Every channel's tally for one crawl, in the order the channels were named."""

    def __init__(self, platform: str, channels: list[str]) -> None:
        self.platform = platform
        self.channels: dict[str, ChannelTally] = {c: ChannelTally(platform, c) for c in channels}

    def __getitem__(self, channel: str) -> ChannelTally:
        """The tally of a channel (created on first use for channels found on the way)."""
        tally = self.channels.get(channel)
        if tally is None:
            tally = self.channels[channel] = ChannelTally(self.platform, channel)
        return tally

    def records(self, finish_reason: str | None) -> list[dict[str, Any]]:
        """One storage row per channel."""
        return [t.to_record(finish_reason) for t in self.channels.values()]

    def to_state(self) -> list[dict[str, Any]]:
        """Plain data for the resumable crawl's state."""
        return [t.to_state() for t in self.channels.values()]

    def restore(self, state: list[dict[str, Any]]) -> None:
        """Continue from a saved state (a crawl resumed from its JOBDIR)."""
        for data in state:
            tally = ChannelTally.from_state(data)
            self.channels[tally.channel] = tally

    def summary_lines(self, finish_reason: str | None) -> list[str]:
        """One line per channel that is not complete, for the console."""
        lines = []
        for t in self.channels.values():
            status, reason = t.status(finish_reason)
            if status != "complete":
                example = next(iter(t.examples.values()), "")
                kinds = f" [{t.kinds_line()}]" if t.kinds else ""
                more = f" e.g. {example}" if example else ""
                lines.append(f"{t.platform}/{t.channel}: {status}: {reason}{kinds}{more}")
        return lines
