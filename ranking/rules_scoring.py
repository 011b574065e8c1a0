"""Weighted evidence for 贈獎文 and 直播文: findings add their weights, recordings subtract."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ranking.models import ThreadCount
from ranking.rules_config import ChannelRules, RuleSet

_GIVEAWAY_HINTS = (
    "抽",
    "送",
    "獎",
    "禮",
    "贈",
    "機會",
    "幸運",
)  # a body without any offers nothing
_TAIL = 120  # the last characters of a body, where giveaways put the ask ("文末推文抽 3 位")


class ThreadText(Protocol):
    """What the scores read of a thread (ranking.exclusions._Text)."""

    row: ThreadCount
    rules: RuleSet
    channel: ChannelRules
    title: str
    text: str
    kind: str

    @property
    def body(self) -> str:
        """The lower-cased body."""
        ...

    def found(self, name: str, text: str) -> str | None:
        """The text a named pattern matched, or None."""
        ...


@dataclass(slots=True)
class Score:
    """A total and the findings behind it, (matched text, weight) each."""

    total: float = 0.0
    evidence: list[tuple[str, float]] = field(default_factory=list)

    def add(self, text: str | None, weight: float) -> bool:
        """Count a finding when there is one; whether there was."""
        if text is None or weight == 0:
            return False
        self.total += weight
        self.evidence.append((text, weight))
        return True


def _all(rx: re.Pattern[str], text: str) -> list[str]:
    """Every distinct match of a pattern, in order."""
    seen: dict[str, None] = {}
    for m in rx.finditer(text):
        seen.setdefault(m.group(0).strip(), None)
    return list(seen)


def giveaway_score(t: ThreadText) -> Score:
    """贈獎文 evidence: a tag, ask+prize phrases, prizes, asks, where the ask sits, minus talk."""
    rules, w, rx = t.rules, t.rules.giveaway_weights, t.rules.rx
    s = Score()
    body = t.body if t.row.body and any(h in t.body for h in _GIVEAWAY_HINTS) else ""
    if s.add(t.found("giveaway_tag", t.title), w["tag"]) and s.total >= rules.giveaway_threshold:
        return s
    phrase = t.found("ask_prize", t.text)
    in_body = t.found("ask_prize", body) if body else None
    if t.kind != "none" and not (in_body and rx["in_thread_ask"].search(in_body)):
        # A tagged post (PTT) often describes a promotion elsewhere; only an ask answered in
        # the thread itself (推文抽, 本文留言送) makes its body count.
        body, in_body = "", None
    phrase = phrase or in_body
    asked = s.add(phrase, w["ask_prize"])
    text = f"{t.text}\n{body}"
    s.add(t.found("winners", text), w["winners"])
    for prize in _all(rx["prize"], text)[:2]:
        s.add(prize, w["prize"])
    if s.total == 0:
        return s  # nothing offered: no ask can make it a giveaway
    asks = [a for a in _all(rx["ask"], text) if phrase is None or a not in phrase]
    for a in asks[:2]:
        s.add(a, w["ask"])
        asked = True
    if not asked:
        return Score()  # a prize without an ask: 免費, 抽中, 買一送一
    if body and phrase and phrase in body[-_TAIL:]:
        s.add(t.found("giveaway_position", body) or "文末", w["position"])
    elif body:
        s.add(t.found("giveaway_position", body), w["position"])
    # Talk about giveaways says so in its title; a giveaway's body may well say 公布得獎者.
    for against in _all(rx["giveaway_against"], t.text)[:1]:
        s.add(against, w["against"])
    if t.kind == "news" and rx["report_tag"].search(t.title[:8]):
        s.add("[新聞]", w["news"])
    return s


def live_score(t: ThreadText) -> Score:
    """直播文 evidence: a tag, the title's words, stream words, links, times, minus recordings."""
    w, rx = t.rules.live_weights, t.rules.rx
    recording_board = t.channel.live_tag_is_recording
    s = Score()
    raw_title = t.row.title
    if not recording_board:
        s.add(t.found("live_tag", t.title), w["tag"])
        if not s.evidence:
            m = rx["live_word"].search(raw_title)
            s.add(m.group(0) if m else None, w["word"])
    lead = s.total > 0
    body = t.body if t.row.body else ""
    link = t.found("live_link", t.title) or (t.found("live_link", body) if body else None)
    s.add(link, w["link"])
    if link is None and body:
        s.add(t.found("live_channel_page", body), w["channel_page"])
    if s.total == 0:
        return s  # no tag, word or link: stream words alone are talk about streams
    text = f"{t.title}\n{body}"
    for stream in _all(rx["live_stream"], text)[:2]:
        s.add(stream, w["stream"])
    if lead or link:
        s.add(t.found("live_time", text), w["time"])
    for recording in _all(rx["live_recording"], text)[:1]:
        s.add(recording, w["recording"])
    s.add(t.found("live_talk", t.title), w["talk"])
    return s
