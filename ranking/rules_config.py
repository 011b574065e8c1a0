"""The rules' configuration (ranking/rules.toml): patterns, weights, thresholds, channels."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_RULES = "rules.toml"  # shipped with the ranking package

PATTERN_NAMES = (
    "chat_tag",
    "admin_tag",
    "news_tag",
    "report_tag",
    "chat_noun",
    "chat_word",
    "schedule",
    "period_chat",
    "trailing_day",
    "pinned_title",
    "live_tag",
    "live_word",
    "live_link",
    "live_channel_page",
    "live_time",
    "live_stream",
    "live_talk",
    "live_recording",
    "giveaway_tag",
    "ask_prize",
    "winners",
    "prize",
    "ask",
    "giveaway_position",
    "in_thread_ask",
    "giveaway_against",
)
GIVEAWAY_WEIGHTS = ("tag", "ask_prize", "winners", "prize", "ask", "position", "against", "news")
LIVE_WEIGHTS = ("tag", "word", "time", "stream", "link", "channel_page", "recording", "talk")


class RulesError(ValueError):
    """A rules file that cannot be used, naming the file and the key."""


@dataclass(frozen=True, slots=True)
class ChannelRules:
    """One channel's own settings."""

    recurring_titles: tuple[re.Pattern[str], ...] = ()
    live_tag_is_recording: bool = False
    recurrence: bool = True


# The kinds `[board.exclude]` names, by the reasons they cover; other reasons always apply.
REASON_KINDS: dict[str, str] = {
    "chit_chat_periodic": "chat",
    "chit_chat_stale": "chat",
    "live": "live",
    "giveaway": "giveaway",
}


def _board_kinds(board: dict[str, Any], source: str) -> dict[str, frozenset[str]]:
    """`[board.exclude]`: platform = ["giveaway", ...], each a known kind."""
    table = board.get("exclude", {})
    if not isinstance(table, dict):
        raise RulesError(f"{source}: board.exclude: not a table")
    known = sorted(set(REASON_KINDS.values()))
    found: dict[str, frozenset[str]] = {}
    for platform, kinds in table.items():
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise RulesError(f"{source}: board.exclude.{platform}: expected a list of kinds")
        bad = [k for k in kinds if k not in known]
        if bad:
            raise RulesError(
                f"{source}: board.exclude.{platform}: unknown kind {bad[0]!r} "
                f"(known: {', '.join(known)})"
            )
        found[platform] = frozenset(kinds)
    return found


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A parsed rules file: what the rules read, and its version for the published boards."""

    version: str
    digest: str  # sha256 of the file's text, first 16 hex digits
    text: str
    source: str
    patterns: dict[str, str]
    rx: dict[str, re.Pattern[str]]
    giveaway_weights: dict[str, float]
    live_weights: dict[str, float]
    giveaway_threshold: float
    live_threshold: float
    stale_after: timedelta
    min_repeats: int
    history_weeks: int
    schedule_tolerance: float
    activity_platforms: frozenset[str]
    channels: dict[str, ChannelRules] = field(default_factory=dict)
    board_kinds: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per platform, the kinds (chat, live, giveaway) its boards leave out; unlisted: all."""

    @property
    def label(self) -> str:
        """The version as reports print it: 2026.12-1 (sha256:ab12...)."""
        return f"{self.version} (sha256:{self.digest})"

    def leaves_out(self, platform: str, reason: str) -> bool:
        """Whether the platform's boards leave out threads of this reason (deleted, pinned: all)."""
        kinds = self.board_kinds.get(platform)
        return kinds is None or REASON_KINDS.get(reason) is None or REASON_KINDS[reason] in kinds

    def channel(self, platform: str, channel: str) -> ChannelRules:
        """The channel's settings (defaults when it has none)."""
        return self.channels.get(f"{platform}/{channel}", _NO_SETTINGS)


_NO_SETTINGS = ChannelRules()


def digest_of(text: str) -> str:
    """The content digest stored with each board: sha256 of the text, 16 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _table(data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    """A required sub-table."""
    value = data.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{source}: {key}: missing or not a table")
    return value


def _number(table: dict[str, Any], key: str, where: str, source: str) -> float:
    """A required number."""
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RulesError(f"{source}: {where}.{key}: missing or not a number (got {value!r})")
    return float(value)


def _weights(
    table: dict[str, Any], names: tuple[str, ...], where: str, source: str
) -> dict[str, float]:
    """Named weights, each required, no unknown ones."""
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise RulesError(
            f"{source}: {where}.{unknown[0]}: unknown weight (known: {', '.join(names)})"
        )
    return {n: _number(table, n, where, source) for n in names}


def _compile(rx: str, where: str, source: str) -> re.Pattern[str]:
    """A compiled pattern, or a one-line error naming it."""
    if not isinstance(rx, str):
        raise RulesError(f"{source}: {where}: not a string")
    try:
        return re.compile(rx)
    except re.error as e:
        raise RulesError(f"{source}: {where}: bad regular expression: {e}") from None


def _channel(key: str, table: Any, source: str) -> ChannelRules:
    """One [channels."platform/channel"] table."""
    where = f'channels."{key}"'
    if "/" not in key or not isinstance(table, dict):
        raise RulesError(f"{source}: {where}: expected a table keyed platform/channel")
    unknown = sorted(set(table) - {"recurring_titles", "live_tag_is_recording", "recurrence"})
    if unknown:
        raise RulesError(f"{source}: {where}.{unknown[0]}: unknown setting")
    titles = table.get("recurring_titles", [])
    if not isinstance(titles, list):
        raise RulesError(f"{source}: {where}.recurring_titles: expected a list of patterns")
    flags = {}
    for name in ("live_tag_is_recording", "recurrence"):
        value = table.get(name, name == "recurrence")
        if not isinstance(value, bool):
            raise RulesError(f"{source}: {where}.{name}: expected true or false")
        flags[name] = value
    return ChannelRules(
        tuple(_compile(t, f"{where}.recurring_titles", source) for t in titles),
        flags["live_tag_is_recording"],
        flags["recurrence"],
    )


def parse_rules(text: str, source: str = DEFAULT_RULES) -> RuleSet:
    """Parse a rules file's text; RulesError names the file and the key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"{source}: not valid TOML: {e}") from None
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise RulesError(f"{source}: version: missing or not a string")
    patterns = _table(data, "patterns", source)
    missing = [n for n in PATTERN_NAMES if n not in patterns]
    if missing:
        raise RulesError(f"{source}: patterns.{missing[0]}: missing")
    unknown = sorted(set(patterns) - set(PATTERN_NAMES))
    if unknown:
        raise RulesError(f"{source}: patterns.{unknown[0]}: unknown pattern")
    rx = {n: _compile(patterns[n], f"patterns.{n}", source) for n in PATTERN_NAMES}
    thresholds = _table(data, "thresholds", source)
    giveaway = _table(_table(data, "giveaway", source), "weights", source)
    live = _table(_table(data, "live", source), "weights", source)
    chat = _table(data, "chat", source)
    board = data.get("board", {})
    platforms = board.get("activity_platforms", []) if isinstance(board, dict) else None
    if not isinstance(platforms, list) or not all(isinstance(p, str) for p in platforms):
        raise RulesError(f"{source}: board.activity_platforms: expected a list of platform names")
    channels = data.get("channels", {})
    if not isinstance(channels, dict):
        raise RulesError(f"{source}: channels: not a table")
    min_repeats = int(_number(chat, "min_repeats", "chat", source))
    if min_repeats < 2:
        raise RulesError(f"{source}: chat.min_repeats: must be 2 or more, got {min_repeats}")
    return RuleSet(
        version=version.strip(),
        digest=digest_of(text),
        text=text,
        source=source,
        patterns={n: str(patterns[n]) for n in PATTERN_NAMES},
        rx=rx,
        giveaway_weights=_weights(giveaway, GIVEAWAY_WEIGHTS, "giveaway.weights", source),
        live_weights=_weights(live, LIVE_WEIGHTS, "live.weights", source),
        giveaway_threshold=_number(thresholds, "giveaway", "thresholds", source),
        live_threshold=_number(thresholds, "live", "thresholds", source),
        stale_after=timedelta(days=_number(chat, "stale_after_days", "chat", source)),
        min_repeats=min_repeats,
        history_weeks=int(_number(chat, "history_weeks", "chat", source)),
        schedule_tolerance=_number(chat, "schedule_tolerance", "chat", source),
        activity_platforms=frozenset(platforms),
        channels={k: _channel(k, v, source) for k, v in channels.items()},
        board_kinds=_board_kinds(board, source),
    )


@cache
def default_rules() -> RuleSet:
    """The rules shipped with Buzz (ranking/rules.toml)."""
    text = resources.files("ranking").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")
    return parse_rules(text, f"ranking/{DEFAULT_RULES}")


def load_rules(path: Path) -> RuleSet:
    """Read and parse a rules file; RulesError (one line) when missing or bad."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"{path}: rules file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(f"{path}: cannot read the rules file: {e}") from None
    return parse_rules(text, str(path))
