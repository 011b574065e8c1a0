"""Interest tagging: segmented text scored against the taxonomy's weighted keywords."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from nlp import keyscan
from nlp.boards import channel_key, tag_for_channel
from nlp.dictionaries import lexicon
from nlp.idf import IdfTable
from nlp.keyscan import KeywordScanner
from nlp.parallel import can_fork, map_ranges
from nlp.segment import Segmenter, default_segmenter
from nlp.taxonomy import Taxonomy, load_taxonomy

CHANNEL_PRIOR = 2.0
"""Raw score a channel adds to its plain topic: less than one strong keyword seen once."""
SATURATION = 6.0
"""Raw score at which the displayed score reaches 0.5 (score = raw / (raw + SATURATION))."""
MAX_FINE = 3
TITLE_WEIGHT = 3.0
"""A keyword in the title counts this many times one in the body: the title names the topic."""

_ASCII_HEAD = re.compile(r"[a-z]+")
_TITLE_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|轉)\s*[:：]\s*)*(?:[\[【［(（]\s*([^\]】］)）]{1,8}?)\s*[\]】］)）])?",
    re.IGNORECASE,
)
_POST_TYPE_WORDS = (
    "新聞 問題 情報 心得 閒聊 公告 討論 請益 分享 求助 推薦 轉錄 外電 黑特 爆卦 問卦 疑問 發問 "
    "請問 求救 提問 經驗 抱怨 徵求 販售 收購 交換 贈送 售 賣 徵 買 出售 交易 換 送 板務 "
    "活動 資訊 消息 轉貼 翻譯 新增 更新 好文 心情 其他 雜談 廢文 LIVE 直播 整理 懶人包"
)
POST_TYPES = frozenset(_POST_TYPE_WORDS.split())
"""PTT post-type markers ([新聞], [問題], [販售]): they say what kind of post, not its topic."""
_QUOTE_LINE = re.compile(r"^\s*(?:[:：>]|※\s*(?:引述|發信站|文章網址|編輯)|◆\s*From)")
_QUOTE_ANY = re.compile(_QUOTE_LINE.pattern, re.MULTILINE)
_APP_FOOTER = re.compile(r"-*\s*Sent from (?:JPTT|BePTT|PttX?|my) [^\n]*", re.IGNORECASE)
"""`Sent from JPTT on my iPhone`: the reader app's footer names a phone, not the topic."""


@dataclass(frozen=True, slots=True)
class TagScore:
    """One tag for one text: the tag, its score in [0, 1), its level and its top-level tag."""

    tag: str
    score: float
    level: Literal["top", "fine"]
    top: str
    raw: float


class Tagger:
    """Scores texts against a taxonomy: Σ weight × (1 + ln tf) × idf factor, per tag."""

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        idf: IdfTable | None = None,
        segmenter: Segmenter | None = None,
        channel_prior: float = CHANNEL_PRIOR,
        channel_topics: Mapping[str, str] | None = None,
    ) -> None:
        """Index keywords once; `idf` is optional (without it every keyword counts its weight).

        `channel_topics` adds channels (by name) whose plain topic is a top tag to the boards
        nlp knows (nlp/data/board_tags.json); a source plug-in brings its own.
        """
        self.taxonomy = taxonomy or load_taxonomy()
        self.idf = idf
        self.segmenter = segmenter or default_segmenter()
        self.channel_prior = channel_prior
        self.channel_topics = {k.strip().lower(): v for k, v in (channel_topics or {}).items()}
        index: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for tag in self.taxonomy:
            for word, weight in tag.keywords.items():
                index[word.lower()].append((tag.name, weight))
        self._index: Mapping[str, list[tuple[str, float]]] = dict(index)
        self._top_of = {tag.name: tag.top for tag in self.taxonomy}
        # The compiled scanner yields the keyword tokens of the packaged lexicon's segmentation;
        # a caller's own segmenter is used as it is.
        self._scanner = _scanner(self.taxonomy) if segmenter is None else None

    def _tokens(self, text: str) -> Counter[str]:
        """Counts of the tokens of `text` that can be keywords (all tokens without numba)."""
        if self._scanner is not None:
            return Counter(self._scanner.tokens(text))
        return Counter(self.segmenter.raw_cut(text))

    def raw_scores(self, text: str, title: str | None = None) -> dict[str, float]:
        """Raw keyword score per tag (top and fine, each on its own keywords only).

        Quoted lines of `text` are left out; keywords of `title` (its post-type marker dropped)
        count TITLE_WEIGHT times.
        """
        raw: dict[str, float] = defaultdict(float)
        self._add(raw, self._tokens(strip_quotes(text)), 1.0)
        if title:
            self._add(raw, self._tokens(strip_post_type(title)), TITLE_WEIGHT)
        return raw

    def _add(self, raw: dict[str, float], counts: Counter[str], scale: float) -> None:
        """Add Σ weight × (1 + ln tf) × idf factor × scale of the keywords in `counts` to `raw`."""
        index = self._index
        idf = self.idf
        log = math.log
        for token, count in counts.items():
            hits = index.get(token)
            if hits is None and token.isascii():
                token = token.lower()
                hits = index.get(token)
                if hits is None:
                    head = _ASCII_HEAD.match(token)
                    hits = index.get(head.group()) if head and head.group() != token else None
            if not hits:
                continue
            factor = (1.0 + log(count)) * scale if count > 1 else scale
            if idf is not None:
                factor *= idf.factor(token)
            for tag, weight in hits:
                raw[tag] += weight * factor

    def tag(
        self, text: str, channel: str | None = None, top: int = 3, title: str | None = None
    ) -> list[TagScore]:
        """The `top` best top-level tags, each followed by its best fine tags; best first."""
        return self._ranked(self.raw_scores(text, title), channel, top)

    def _ranked(self, raw: dict[str, float], channel: str | None, top: int) -> list[TagScore]:
        """Top-level tags from raw scores (plus the channel prior), each with its fine tags."""
        top_of = self._top_of
        top_raw: dict[str, float] = defaultdict(float)
        fine_by_top: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for name, value in raw.items():
            parent = top_of[name]
            top_raw[parent] += value
            if parent != name:
                fine_by_top[parent].append((value, name))
        prior = None
        if channel:
            prior = self.channel_topics.get(channel_key(channel)) or tag_for_channel(channel)
        if prior is not None and prior in top_of:
            top_raw[prior] += self.channel_prior
        kept = [kv for kv in top_raw.items() if kv[1] > 0]  # negative keywords can cancel a tag
        ranked = sorted(kept, key=lambda kv: (-kv[1], kv[0]))[: max(top, 0)]
        out: list[TagScore] = []
        for name, value in ranked:
            out.append(TagScore(name, _squash(value), "top", name, value))
            for fine_value, fine in sorted(fine_by_top[name], reverse=True)[:MAX_FINE]:
                out.append(TagScore(fine, _squash(fine_value), "fine", name, fine_value))
        return out

    def top_tags(
        self, text: str, channel: str | None = None, top: int = 3, title: str | None = None
    ) -> list[TagScore]:
        """Only the top-level tags of tag(), best first."""
        return [s for s in self.tag(text, channel, top, title) if s.level == "top"]


def strip_post_type(title: str) -> str:
    """The title without `Re:`/`Fw:` and a leading post-type marker like [新聞] or [販售]."""
    match = _TITLE_PREFIX.match(title)
    if match is None or not match.group(0):
        return title
    kind = match.group(1)
    if kind is not None and kind.strip().upper() not in POST_TYPES:
        return title
    return title[match.end() :]


def strip_quotes(text: str) -> str:
    """The text without quoted lines (`: `, `> `, `※ 引述《…》之銘言`), footers and app footers."""
    if "Sent from" in text or "sent from" in text:
        text = _APP_FOOTER.sub("", text)
    if not _QUOTE_ANY.search(text):
        return text
    return "\n".join(line for line in text.split("\n") if not _QUOTE_LINE.match(line))


@functools.cache
def _default_scanner() -> KeywordScanner | None:
    """The scanner for the packaged lexicon and taxonomy, built once (None without numba)."""
    return _build_scanner(load_taxonomy())


def _scanner(taxonomy: Taxonomy) -> KeywordScanner | None:
    """A keyword scanner for `taxonomy` on the packaged lexicon, or None without numba."""
    if not keyscan.available():
        return None
    if taxonomy is load_taxonomy():
        return _default_scanner()
    return _build_scanner(taxonomy)


def _build_scanner(taxonomy: Taxonomy) -> KeywordScanner | None:
    """Build the compiled trie of the lexicon, flagging `taxonomy`'s keywords (lower-cased)."""
    if not keyscan.available():
        return None
    return KeywordScanner(lexicon(), {w.lower() for t in taxonomy for w in t.keywords})


def _squash(raw: float) -> float:
    """Map a raw score onto [0, 1): raw / (raw + SATURATION)."""
    return raw / (raw + SATURATION) if raw > 0 else 0.0


@functools.cache
def default_tagger() -> Tagger:
    """A process-wide tagger on the packaged taxonomy, without an IDF table."""
    return Tagger()


def format_tags(scores: list[TagScore]) -> str:
    """`tag:score;tag:score` with two decimals, top-level tags only."""
    return ";".join(f"{s.tag}:{s.score:.2f}" for s in scores if s.level == "top")


_Batch = tuple[Sequence[str], Sequence[str | None], int, Sequence[str | None]]
_BATCH: _Batch = ((), (), 3, ())


def _tag_range(bounds: tuple[int, int]) -> list[list[TagScore]]:
    """Worker body for tag_many: tag a slice of the batch the forked process inherited."""
    texts, channels, top, titles = _BATCH
    tagger = default_tagger()
    return [tagger.tag(texts[i], channels[i], top, titles[i]) for i in range(*bounds)]


def tag_many(
    texts: Sequence[str],
    channels: Sequence[str | None] | None = None,
    top: int = 3,
    workers: int = 1,
    titles: Sequence[str | None] | None = None,
) -> list[list[TagScore]]:
    """Tag many texts with the default tagger, split across `workers` forked processes if asked."""
    global _BATCH
    tagger = default_tagger()
    chans: Sequence[str | None] = channels if channels is not None else [None] * len(texts)
    heads: Sequence[str | None] = titles if titles is not None else [None] * len(texts)
    if not can_fork(workers, len(texts)):
        return [tagger.tag(t, c, top, h) for t, c, h in zip(texts, chans, heads, strict=True)]
    _BATCH = (texts, chans, top, heads)
    try:
        return map_ranges(_tag_range, len(texts), workers)
    finally:
        _BATCH = ((), (), 3, ())
