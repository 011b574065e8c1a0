"""Exclusion rules: which threads stay off the leaderboards (閒聊文, 直播文, 贈獎文...) and why.

Keywords, weights, thresholds and per-channel settings come from the rules file
(ranking/rules.toml, ranking.rules_config); docs/RANKING.md explains each rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta

from ranking.models import Exclusion, ThreadCount
from ranking.rules_config import RuleSet, default_rules
from ranking.rules_recurrence import ChannelHistory, history_by_channel, recurrence
from ranking.rules_scoring import Score, giveaway_score, live_score
from ranking.windows import TAIPEI, Window

STALE_AFTER = timedelta(days=14)  # the shipped 閒聊文② age; the rules file may set another

# The shipped rules' patterns (docs/RANKING.md gives examples); a rules file may replace them.
PATTERNS: dict[str, str] = default_rules().patterns
RX: dict[str, re.Pattern[str]] = default_rules().rx

_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|轉)\s*[:：]\s*)+")
_TAG = re.compile(r"^\s*[\[【［]\s*([^\]】］]{1,10}?)\s*[\]】］]")
_NOT_LETTERS = re.compile(r"[\s\W_]+")
_SHORT_TITLE = 8  # an untagged title this short that names a chat thread *is* the chat thread

# Reasons, in the order the rules run (the first match gives the reason), with their short names.
REASONS: dict[str, str] = {
    "deleted": "已刪除",
    "chit_chat_periodic": "閒聊文①",
    "live": "直播文",
    "giveaway": "贈獎文",
    "pinned": "置底文",
    "chit_chat_stale": "閒聊文②",
}
# The names `buzz rules check` and `buzz explain` print (stored reasons keep the old names).
RULE_NAMES: dict[str, str] = {
    "deleted": "deleted",
    "chit_chat_periodic": "chat_periodic",
    "live": "live",
    "giveaway": "giveaway",
    "pinned": "pinned",
    "chit_chat_stale": "chat_stale",
}

History = Mapping[tuple[str, str], ChannelHistory]


class _Text:
    """A thread's title (leading tag and kind found) and body, as the rules read them."""

    __slots__ = (
        "_body",
        "_raw_body",
        "channel",
        "history",
        "kind",
        "row",
        "rules",
        "tag",
        "text",
        "title",
    )

    def __init__(
        self, row: ThreadCount, rules: RuleSet, history: ChannelHistory | None = None
    ) -> None:
        """Lower-case the title, strip Re:/Fw:, find the leading tag and sort it into a kind."""
        self.row = row
        self.rules = rules
        self.channel = rules.channel(row.platform, row.channel)
        self.history = history
        self.title = row.title.lower()
        self.text = _PREFIX.sub("", self.title).strip()
        self._raw_body = row.body
        self._body: str | None = None
        rx = rules.rx
        m = _TAG.match(self.text)
        self.tag = m.group(1).strip() if m else ""
        self.kind = "none"  # or "giveaway", "chat", "admin", "news", "other"
        if m is not None:
            if rx["giveaway_tag"].match(m.group(0).strip()):
                self.kind = "giveaway"
            elif rx["chat_tag"].search(self.tag):
                self.kind = "chat"
            elif rx["admin_tag"].search(self.tag):
                self.kind = "admin"
            elif rx["news_tag"].fullmatch(self.tag):
                self.kind = "news"
            else:
                self.kind = "other"

    @property
    def body(self) -> str:
        """The lower-cased body, computed once and only when a rule needs it."""
        if self._body is None:
            self._body = self._raw_body.lower()
        return self._body

    def found(self, name: str, text: str) -> str | None:
        """The text a named pattern matched, or None."""
        m = self.rules.rx[name].search(text)
        return m.group(0).strip() if m else None


def _quote(fragment: str, limit: int = 40) -> str:
    """A matched fragment for a human detail, shortened."""
    one_line = " ".join(fragment.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


_GONE = {"deleted": "已刪除", "hidden": "已被隱藏", "missing": "已不在列表上"}


def _deleted(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """The thread is gone or unreadable (status other than "ok")."""
    if row.status != "ok":
        return f"{_GONE.get(row.status, '無法讀取')} (thread status {row.status!r})"
    return None


def _periodic_title(t: _Text) -> str | None:
    """The part of the title naming a periodic chat thread, or None."""
    for rx in t.channel.recurring_titles:
        m = rx.search(t.text)
        if m is not None and t.kind in ("chat", "admin", "none"):
            return m.group(0).strip() or t.text
    if t.kind not in ("chat", "admin", "none"):
        return None
    noun = t.found("chat_noun", t.text)
    chat = t.found("chat_word", t.text)
    if t.kind == "admin" and chat is None:
        return None
    period = t.found("period_chat", t.text) if chat else None
    if (
        t.kind == "none"
        and noun is None
        and period is None
        and (chat is None or t.found("schedule", t.text) is None)
    ):
        return None
    when = period or t.found("schedule", t.text) or t.found("trailing_day", t.text)
    if t.kind == "none" and not when and len(_NOT_LETTERS.sub("", t.text)) > _SHORT_TITLE:
        return None
    return when or noun


def _periodic_chat(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """閒聊文①: a chat thread the channel opens on a schedule, by its title or its history."""
    hit = _periodic_title(t)
    if hit is not None:
        return f"閒聊文①：週期性聊天串 (periodic chat thread; title has 「{_quote(hit)}」)"
    if t.kind not in ("chat", "admin", "none"):
        return None
    if not t.channel.recurrence:
        return None
    return recurrence(
        row.title,
        row.author,
        row.posted_at,
        row.thread_key,
        t.history,
        min_repeats=t.rules.min_repeats,
        tolerance=t.rules.schedule_tolerance,
    )


def _evidence(score: Score) -> str:
    """A score's evidence for a reason: 「推文抽」+2, 「1000p」+1 = 3."""
    parts = ", ".join(f"「{_quote(text, 24)}」{w:+g}" for text, w in score.evidence)
    return f"{parts} = {score.total:g}"


def _live(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """直播文: the live-stream evidence (tag, words, links, times, minus recordings) scores high."""
    score = live_score(t)
    if score.total >= t.rules.live_threshold:
        limit = t.rules.live_threshold
        return f"直播文：直播證據 {_evidence(score)} (live-stream evidence ≥ {limit:g})"
    return None


def _giveaway(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """贈獎文: the poster asks for replies / likes / shares / tags in exchange for a prize."""
    score = giveaway_score(t)
    if score.total >= t.rules.giveaway_threshold:
        return (
            f"贈獎文：要求互動換取獎品 {_evidence(score)} "
            f"(giveaway evidence ≥ {t.rules.giveaway_threshold:g})"
        )
    return None


def _pinned(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """Pinned board posts (置底/置頂, 板規) collect replies all year round."""
    if row.pinned:
        return "置底/置頂文 (pinned by the board)"
    if t.kind == "admin" and t.found("pinned_title", t.text):
        return f"置底/板規文 (board rules or pinned notice: 「{_quote(t.tag)}」)"
    return None


def _stale_chat(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """閒聊文②: the main post is long before the window (14 days by default), still replied to."""
    if row.posted_at is None or row.posted_at.tzinfo is None:
        return None
    age = window.start - row.posted_at
    limit = t.rules.stale_after
    if age <= limit:
        return None
    return (
        f"閒聊文②：主文發於 {row.posted_at.astimezone(TAIPEI):%Y-%m-%d}，"
        f"早於觀測期間 {age.days} 天仍有回文 "
        f"(main post more than {limit.days} days before the window)"
    )


Rule = Callable[[ThreadCount, _Text, Window], str | None]

RULES: tuple[tuple[str, Rule], ...] = (
    ("deleted", _deleted),
    ("chit_chat_periodic", _periodic_chat),
    ("live", _live),
    ("giveaway", _giveaway),
    ("pinned", _pinned),
    ("chit_chat_stale", _stale_chat),
)


def exclusion_for(row: ThreadCount, reason: str, detail: str) -> Exclusion:
    """An Exclusion carrying the thread's context so a report can show what was left off."""
    return Exclusion(
        thread_id=row.thread_id,
        reason=reason,
        detail=detail,
        platform=row.platform,
        channel=row.channel,
        thread_key=row.thread_key,
        title=row.title,
        url=row.url,
        new_replies=row.new_replies,
        estimate=row.estimate,
    )


def _text(row: ThreadCount, rules: RuleSet | None, history: History | None) -> _Text:
    """The thread as the rules read it, with its channel's history."""
    return _Text(
        row, rules or default_rules(), history_by_channel(history, row.platform, row.channel)
    )


def classify(
    row: ThreadCount,
    window: Window,
    *,
    config: RuleSet | None = None,
    history: History | None = None,
) -> Exclusion | None:
    """The first exclusion rule that matches this thread in this window, or None to keep it."""
    t = _text(row, config, history)
    for reason, rule in RULES:
        if not t.rules.leaves_out(row.platform, reason):
            continue
        detail = rule(row, t, window)
        if detail is not None:
            return exclusion_for(row, reason, detail)
    return None


def every_exclusion(
    row: ThreadCount,
    window: Window,
    *,
    config: RuleSet | None = None,
    history: History | None = None,
) -> list[Exclusion]:
    """Every rule that fires for the thread, in rule order (`buzz explain`)."""
    t = _text(row, config, history)
    found = []
    for reason, rule in RULES:
        if not t.rules.leaves_out(row.platform, reason):
            continue
        detail = rule(row, t, window)
        if detail is not None:
            found.append(exclusion_for(row, reason, detail))
    return found


def apply_exclusions(
    rows: Iterable[ThreadCount],
    window: Window,
    *,
    config: RuleSet | None = None,
    history: History | None = None,
) -> tuple[list[ThreadCount], list[Exclusion]]:
    """Split rows into those that may be ranked and the exclusions (with reasons), order kept."""
    kept: list[ThreadCount] = []
    excluded: list[Exclusion] = []
    for row in rows:
        exclusion = classify(row, window, config=config, history=history)
        if exclusion is None:
            kept.append(row)
        else:
            excluded.append(exclusion)
    return kept, excluded
