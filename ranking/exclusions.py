"""Exclusion rules: which threads stay off the leaderboards (閒聊文, 直播文, 贈獎文...) and why."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta

from ranking.models import Exclusion, ThreadCount
from ranking.windows import TAIPEI, Window

# ---------------------------------------------------------------------------------------------
# The pattern table: every rule below reads only these; docs/RANKING.md gives examples.
# A "tag" is the bracketed category opening a title, after Re:/Fw: ([閒聊], 【直播】, ［公告］).
# ---------------------------------------------------------------------------------------------

STALE_AFTER = timedelta(days=14)  # 閒聊文②: main post more than this before the window start

PATTERNS: dict[str, str] = {
    # -- tags, matched against the leading tag's text --
    "chat_tag": r"閒聊|聊天|雜談|閒談|閑聊",
    "admin_tag": r"公告|置底|置頂|板務|版務|板規|版規",
    "news_tag": r"新聞|問卦|爆卦|問題|請益|疑問|求助|討論|外電|轉錄|心得|新聞轉錄|轉貼|爆料",
    # -- 閒聊文①: periodic chat threads --
    "chat_noun": r"(?:閒聊|閑聊|聊天|雜談)(?:文|區|串|帖|樓|室|板|版|專區|專串)",
    "chat_word": r"閒聊|閑聊|聊天|雜談",
    "schedule": (
        r"\d{4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,2}"  # 2019/02/05, 2019-02-05
        r"|\d{4}\s*[/.\-]\s*\d{1,2}(?!\s*[/.\-]?\s*\d)"  # 2019/02 (a monthly thread)
        r"|\d{4}\s*年\s*\d{1,2}\s*月"  # 2019年2月
        r"|(?:^|(?<=[\s\]】］)）]))[（(]?(?:週|周|星期|禮拜)[一二三四五六日天][)）]?(?=$|[\s\[【［(（])"
        r"|每日|每天|每週|每周|每星期|每月|本週|本周|這週|這周|本月|置底"
        r"|第\s*[\d一二三四五六七八九十百]+\s*(?:串|帖|篇|期|週|周)"
    ),
    # a bare month/day (02/05, 08/23-08/29) only counts as the last token of the title
    "trailing_day": r"(?:^|(?<=[\s\]】］)）]))\d{1,2}/\d{1,2}(?:\s*[-~～]\s*\d{1,2}/\d{1,2})?\s*$",
    # -- pinned board posts --
    "pinned_title": r"板規|版規|置底|置頂",
    # -- 直播文 --
    "live_tag": r"[\[【［(（]\s*(?:直播|現場直播|直播中|live|實況|實況轉播)\s*[\]】］)）]|#直播",
    "live_word": (
        r"直播(?!主|平台|平臺|產業|業者|圈|界|帶貨|電商|公司|分潤|打賞)"
        r"|(?<![A-Za-z])LIVE(?![A-Za-z])"
    ),
    "live_link": (
        r"youtube\.com/live/"
        r"|youtube\.com/(?:@|c/|channel/|user/)[^\s/]+/live\b"
        r"|youtu\.?be(?:\.com)?/\S*live"
        r"|twitch\.tv/\w"
        r"|facebook\.com/\S*?/live(?:_videos)?\b"
        r"|17\.live|17live|live\.line\.me|linelive"
        r"|直播網址|直播連結|直播傳送門|直播入口"
    ),
    # -- 贈獎文 --
    "giveaway_tag": (
        r"[\[【［]\s*(?:贈獎|抽獎|送獎|贈送|送禮|抽禮物|免費贈送|有獎徵答)\s*[\]】］]"
        r"|#[^\s#]*(?:抽獎|贈獎)"
    ),
    # an ask and a prize in one phrase: 留言抽, 推文送, 按讚+分享抽 3 位
    "ask_prize": (
        r"(?:留言|推文|回文|回覆|分享|按讚|按個讚|點讚|標記|tag|打卡|轉發)"
        r"\s*(?:就|即|並|再|[+＋、&]\s*\S{0,4}?)?\s*(?:抽|送)(?!上|給|暖|走|醫|出門|禮物給)"
    ),
    # the PTT in-thread ask, trusted even in the body of a tagged post
    "push_ask_prize": (
        r"(?:推文|回文|推)\s*(?:就|即)?\s*(?:抽|送)\s*(?:\d|[一二三四五六七八九十兩]|出)"
    ),
    "prize": (
        r"抽獎|抽出|抽中|派獎|送出|贈送|獎品|好禮|大獎|贈品|禮券|禮卷|幸運兒|得獎者|中獎名單"
        r"|抽\s*[\d一二三四五六七八九十兩百]+\s*(?:位|名|人|組|份|個)"
        r"|送\s*[\d一二三四五六七八九十兩百]+\s*(?:位|名|組|份)"
    ),
    "ask": (
        r"留言|推文|回文|回覆本|按讚|按個讚|點讚|讚好|標記|tag|標註|打卡|轉發|轉貼"
        r"|分享(?:此|本|這|貼文|文章|到|至|給|出去|並|\+|＋)|公開分享|追蹤(?:粉專|粉絲|本|我們|ig)"
        r"|訂閱(?:頻道|本)"
    ),
}

# Patterns are matched case-sensitively against lower-cased text (much faster than IGNORECASE),
# so they are written in lower case; "live_word" alone reads the original title (upper-case LIVE).
RX: dict[str, re.Pattern[str]] = {name: re.compile(rx) for name, rx in PATTERNS.items()}
# Substrings every match of a pattern contains: a cheap `in` test that skips most bodies.
HINTS: dict[str, tuple[str, ...]] = {
    "live_link": ("live", "twitch", "直播"),
    "ask_prize": ("抽", "送"),
    "push_ask_prize": ("抽", "送"),
    "prize": ("抽", "送", "獎", "禮", "贈", "幸"),
}

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


class _Text:
    """A thread's title (leading tag and kind found) and body, as the rules read them."""

    __slots__ = ("_body", "_raw_body", "kind", "tag", "text", "title")

    def __init__(self, title: str, body: str) -> None:
        """Lower-case the title, strip Re:/Fw:, find the leading tag and sort it into a kind."""
        self.title = title.lower()
        self.text = _PREFIX.sub("", self.title).strip()
        self._raw_body = body
        self._body: str | None = None
        m = _TAG.match(self.text)
        self.tag = m.group(1).strip() if m else ""
        self.kind = "none"  # or "giveaway", "chat", "admin", "news", "other"
        if m is not None:
            if RX["giveaway_tag"].match(m.group(0).strip()):
                self.kind = "giveaway"
            elif RX["chat_tag"].search(self.tag):
                self.kind = "chat"
            elif RX["admin_tag"].search(self.tag):
                self.kind = "admin"
            elif RX["news_tag"].fullmatch(self.tag):
                self.kind = "news"
            else:
                self.kind = "other"

    @property
    def body(self) -> str:
        """The lower-cased body, computed once and only when a rule needs it."""
        if self._body is None:
            self._body = self._raw_body.lower()
        return self._body


def _found(name: str, text: str) -> str | None:
    """The text a named pattern matched, or None."""
    hints = HINTS.get(name)
    if hints is not None and not any(h in text for h in hints):
        return None
    m = RX[name].search(text)
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


def _periodic_chat(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """閒聊文①: a chat thread the channel opens on a schedule (daily, weekly, monthly)."""
    if t.kind not in ("chat", "admin", "none"):
        return None
    noun = _found("chat_noun", t.text)
    if t.kind == "none" and noun is None:
        return None
    if t.kind == "admin" and _found("chat_word", t.text) is None:
        return None
    when = _found("schedule", t.text) or _found("trailing_day", t.text)
    hit = when or noun
    if t.kind == "none" and not when and len(_NOT_LETTERS.sub("", t.text)) > _SHORT_TITLE:
        hit = None
    if hit is None:
        return None
    return f"閒聊文①：週期性聊天串 (periodic chat thread; title has 「{_quote(hit)}」)"


def _live(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """直播文: the title marks a live stream, or the post links to one."""
    tag = _found("live_tag", t.title)
    if tag:
        return f"直播文：標題標示直播 (live-stream title 「{_quote(tag)}」)"
    if t.kind == "none":
        word = _found("live_word", _PREFIX.sub("", row.title.strip(), count=1))
        if word:
            return f"直播文：標題提到直播 (live-stream title 「{_quote(word)}」)"
    link = _found("live_link", t.title) or (_found("live_link", t.body) if row.body else None)
    if link:
        return f"直播文：內文含直播連結或資訊 (live-stream link 「{_quote(link)}」)"
    return None


def _giveaway(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """贈獎文: the poster asks for replies / likes / shares / tags in exchange for a prize."""
    if t.kind == "news":
        return None
    tag = _found("giveaway_tag", t.title)
    if t.kind == "giveaway" or tag:
        return f"贈獎文：標題標示抽獎 (giveaway tag 「{_quote(tag or t.tag)}」)"
    phrase = _found("ask_prize", t.text)
    if phrase:
        return f"贈獎文：要求互動換取獎品 (asks for replies for a prize: 「{_quote(phrase)}」)"
    body = ""
    if t.kind == "none":
        if row.body:
            body = t.body
            phrase = _found("ask_prize", body)
            if phrase:
                return (
                    f"贈獎文：要求互動換取獎品 (asks for replies for a prize: 「{_quote(phrase)}」)"
                )
    elif row.body:
        phrase = _found("push_ask_prize", t.body)
        if phrase:
            return f"贈獎文：推文抽獎 (asks for pushes for a prize: 「{_quote(phrase)}」)"
    prize = _found("prize", t.text) or _found("prize", body)
    ask = (_found("ask", t.text) or _found("ask", body)) if prize else None
    if prize and ask:
        return f"贈獎文：獎品＋互動要求 (prize 「{_quote(prize)}」 + ask 「{_quote(ask)}」)"
    return None


def _pinned(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """Pinned board posts (置底/置頂, 板規) collect replies all year round."""
    if row.pinned:
        return "置底/置頂文 (pinned by the board)"
    if t.kind == "admin" and _found("pinned_title", t.text):
        return f"置底/板規文 (board rules or pinned notice: 「{_quote(t.tag)}」)"
    return None


def _stale_chat(row: ThreadCount, t: _Text, window: Window) -> str | None:
    """閒聊文②: the main post is over 14 days older than the window and still draws replies."""
    if row.posted_at is None or row.posted_at.tzinfo is None:
        return None
    age = window.start - row.posted_at
    if age <= STALE_AFTER:
        return None
    return (
        f"閒聊文②：主文發於 {row.posted_at.astimezone(TAIPEI):%Y-%m-%d}，"
        f"早於觀測期間 {age.days} 天仍有回文 (main post more than 14 days before the window)"
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


def classify(row: ThreadCount, window: Window) -> Exclusion | None:
    """The first exclusion rule that matches this thread in this window, or None to keep it."""
    t = _Text(row.title, row.body)
    for reason, rule in RULES:
        detail = rule(row, t, window)
        if detail is not None:
            return exclusion_for(row, reason, detail)
    return None


def apply_exclusions(
    rows: Iterable[ThreadCount], window: Window
) -> tuple[list[ThreadCount], list[Exclusion]]:
    """Split rows into those that may be ranked and the exclusions (with reasons), order kept."""
    kept: list[ThreadCount] = []
    excluded: list[Exclusion] = []
    for row in rows:
        exclusion = classify(row, window)
        if exclusion is None:
            kept.append(row)
        else:
            excluded.append(exclusion)
    return kept, excluded
