"""The replica's world: boards, authors, articles and pushes, generated from a seed."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from replica.clock import DATA_END, DATA_START, DEFAULT_SEED, TAIPEI
from replica.plants import Plant, plant
from replica.ptt.phrases import (
    BOARD_SPECS,
    BOO_PUSHES,
    CHAT_PUSHES,
    COMMON_PUSHES,
    DELETE_REASONS,
    EMAIL_BODY_LINES,
    EMAIL_PUSHES,
    GIVEAWAY_PUSHES,
    GIVEAWAY_TITLES,
    LIVE_LINKS,
    LIVE_PUSHES,
    LIVE_TITLES,
    NEWS_SOURCES,
    SIGNATURES,
    SLOTS,
    BoardSpec,
)
from replica.ptt.plants import STYLE

KINDS = ("normal", "chat", "live", "giveaway")
# How an article page is drawn, after the eras of the real pages: "modern" (metalines, 來自: ip
# (臺灣)), "2017" (來自: ip), "from" (metalines, ◆ From: ip), "plain" (a 2007 text header),
# "spans" (a 2005 highlighted header, pushes with a padded IP and a date alone).
LAYOUTS = ("modern", "2017", "from", "plain", "spans")
_OLD_LAYOUTS = ("from", "plain", "spans")
# Weeks the end-to-end tests rank: no impossible push dates there.
RANKED_WEEKS = (
    datetime(2018, 12, 31, tzinfo=TAIPEI),
    datetime(2019, 2, 4, tzinfo=TAIPEI),
)
ROLLOVER_TITLE = "[問卦] 跨年夜大家要去哪裡看煙火？"
_MAIL_DOMAINS = ("gmail.com", "yahoo.com.tw", "hotmail.com", "ms1.hinet.net")
WEEKS = (DATA_END - DATA_START).days // 7
_WEEKDAYS = ("週一", "週二", "週三", "週四", "週五", "週六", "週日")
_HOUR_WEIGHTS = (2, 1, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 4)
_HOUR_CUM = list(accumulate(_HOUR_WEIGHTS))
_NAME_PARTS = (
    "chen", "lin", "wang", "huang", "chang", "li", "wu", "tsai", "yang", "hsu", "kevin", "amy",
    "jack", "yoyo", "mimi", "neo", "tiger", "cat", "ruby", "eric", "judy", "mark", "sky", "moon",
    "rain", "fish", "bear", "panda", "leo", "tony", "jay", "kiki", "momo", "nana", "ken", "sam",
    "ocean", "star", "blue", "green", "happy", "lucky", "cool", "super", "dragon", "apple", "kuo",
)  # fmt: skip
_NICK_PARTS = (
    "路人", "肥宅", "小胖", "吃貨", "鄉民", "阿明", "小美", "大叔", "媽媽", "工程師", "股海",
    "老司機", "球迷", "影迷", "貓奴", "社畜", "學生", "小資", "宅宅", "阿姨", "新手", "老鳥",
)  # fmt: skip
_NICK_SUFFIX = ("", "", "甲", "乙", "一號", "QQ", "^^", "在此", "來了", "日常", "小日子")
_IP_PREFIXES = ("1.160", "1.171", "36.224", "114.32", "111.241", "223.136", "101.12", "42.72")
_PINNED_BODY = (
    "一、發文請選擇正確的標題分類，未分類者刪文。",
    "二、禁止人身攻擊、引戰及不雅字眼，違者水桶。",
    "三、禁止商業廣告與未經許可的團購。",
    "四、推文請勿連續洗版，板主得視情況刪除推文。",
    "五、有任何問題請至置底申訴區反映。",
    "以上規定自公告日起實施，感謝板友配合。",
)
_NEWS_MEDIA = ("聯合新聞網", "中央社", "自由時報", "中時電子報", "ETtoday")
_REPORTERS = ("王小明", "陳怡君", "林志豪", "張雅婷", "李建宏")
_HOT_CHANCE = {"Gossiping": 0.05, "NBA": 0.02, "Stock": 0.015, "movie": 0.01}
_EDIT_SUFFIX = ("（已解決）", "（更新）", "（補充）")
_EDIT_NOTES = (
    "補充：謝謝大家的回覆，已經決定好了。",
    "更新：剛剛又查了一下，資訊有修正。",
    "補充一下，上面的價格是含稅的。",
    "感謝推文提醒，內文錯字已修正。",
)


@dataclass(frozen=True, slots=True)
class Author:
    """A PTT user id with a nickname and the boards (topics) it reads and writes in."""

    user_id: str
    nickname: str
    topics: tuple[str, ...]
    weight: float
    ip: str
    signature: str | None = None
    later_topics: tuple[str, ...] | None = None
    shift_at: datetime | None = None

    def topics_at(self, when: datetime) -> tuple[str, ...]:
        """Return the author's favourite boards at a time (after a shift, the later ones)."""
        if self.shift_at is not None and self.later_topics is not None and when >= self.shift_at:
            return self.later_topics
        return self.topics


@dataclass(frozen=True, slots=True)
class Push:
    """One push line (推/噓/→) with its minute-precision time and an optional moderator removal."""

    tag: str
    user: str
    content: str
    at: datetime
    ip: str
    removed_at: datetime | None = None
    date_only: bool = False
    shown_date: str | None = None

    def visible_at(self, now: datetime) -> bool:
        """Return whether the push shows on the page at now."""
        return self.at <= now and (self.removed_at is None or self.removed_at > now)

    @property
    def countable(self) -> bool:
        """Return whether a reader can tell when it was pushed (not an impossible `03/32`)."""
        return self.shown_date is None


@dataclass(slots=True)
class Article:
    """One thread: its main post, its history (edit, deletion) and all pushes it will ever get."""

    board: str
    article_id: str
    author: str
    nickname: str
    title: str
    body: str
    posted_at: datetime
    kind: str
    ip: str
    pushes: list[Push] = field(default_factory=list)
    pinned: bool = False
    deleted_at: datetime | None = None
    edited_at: datetime | None = None
    edited_title: str | None = None
    edited_body: str | None = None
    reply_to: str | None = None
    signature: str | None = None
    layout: str = "modern"
    padded_ip: bool = False
    deleter: str | None = None
    delete_reason: str = ""
    case: str = ""  # the planted hard case (replica.plants), "" for the rest

    @property
    def path(self) -> str:
        """Return the article's URL path, /bbs/<Board>/<id>.html."""
        return f"/bbs/{self.board}/{self.article_id}.html"

    def exists_at(self, now: datetime) -> bool:
        """Return whether the article has been posted at now (deleted or not)."""
        return self.posted_at <= now

    def deleted_by(self, now: datetime) -> bool:
        """Return whether the article is deleted at now."""
        return self.deleted_at is not None and self.deleted_at <= now

    def edited_by(self, now: datetime) -> bool:
        """Return whether the edit (if any) has happened at now."""
        return self.edited_at is not None and self.edited_at <= now

    def title_at(self, now: datetime) -> str:
        """Return the title as shown at now."""
        if self.edited_title is not None and self.edited_by(now):
            return self.edited_title
        return self.title

    def body_at(self, now: datetime) -> str:
        """Return the body as shown at now."""
        if self.edited_body is not None and self.edited_by(now):
            return self.edited_body
        return self.body

    def visible_pushes(self, now: datetime) -> list[Push]:
        """Return the pushes shown at now (posted by now, not removed by now), in page order."""
        return [p for p in self.pushes if p.visible_at(now)]

    def score_at(self, now: datetime) -> int:
        """Return 推 minus 噓 among the pushes visible at now (PTT's nrec)."""
        score = 0
        for p in self.pushes:
            if p.visible_at(now):
                if p.tag == "推":
                    score += 1
                elif p.tag == "噓":
                    score -= 1
        return score


@dataclass(slots=True)
class Board:
    """A board: its articles in post order and the ones pinned below the list separator."""

    name: str
    over18: bool
    moderators: tuple[str, ...]
    ip_in_push: bool = False
    index_layout: str = "2019"
    articles: list[Article] = field(default_factory=list)
    pinned: list[Article] = field(default_factory=list)
    by_id: dict[str, Article] = field(default_factory=dict)

    def visible(self, now: datetime) -> list[Article]:
        """Return the articles posted by now, in index order."""
        return [a for a in self.articles if a.posted_at <= now]


@dataclass(slots=True)
class World:
    """Everything the replica serves, independent of the clock."""

    seed: int
    authors: list[Author]
    boards: dict[str, Board]

    def article(self, board: str, article_id: str) -> Article | None:
        """Return an article by board and id, or None."""
        b = self.boards.get(board)
        return None if b is None else b.by_id.get(article_id)

    def articles(self) -> Iterator[Article]:
        """Yield every article of every board."""
        for b in self.boards.values():
            yield from b.articles

    def author(self, user_id: str) -> Author | None:
        """Return an author by user id, or None."""
        for a in self.authors:
            if a.user_id == user_id:
                return a
        return None


class _Filler(dict[str, str]):
    """A format mapping that picks a slot value on first use and keeps it for the article."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self._rng = rng

    def __missing__(self, key: str) -> str:
        value = self._rng.choice(SLOTS[key])
        self[key] = value
        return value


@dataclass(slots=True)
class _Slot:
    """A planned thread before its text and pushes exist."""

    posted_at: datetime
    kind: str
    hot: bool = False
    special: str = ""


class _Pools:
    """Weighted author pools per (week, board), honouring favourite-topic shifts."""

    def __init__(self, authors: list[Author]) -> None:
        self.authors = authors
        self.all_cum = list(accumulate(a.weight for a in authors))
        self.pools: dict[tuple[int, str], tuple[list[Author], list[float]]] = {}
        for w in range(WEEKS):
            at = DATA_START + timedelta(days=7 * w, hours=12)
            for spec in BOARD_SPECS:
                members = [a for a in authors if spec.name in a.topics_at(at)]
                self.pools[(w, spec.name)] = (members, list(accumulate(a.weight for a in members)))

    def pick(self, rng: random.Random, board: str, when: datetime) -> Author:
        """Pick an author active on board at when (one in ten from anywhere)."""
        members, cum = self.pools[(_week_index(when), board)]
        if not members or rng.random() < 0.1:
            members, cum = self.authors, self.all_cum
        return members[bisect_right(cum, rng.random() * cum[-1])]


def _week_index(when: datetime) -> int:
    """Return the world week a time falls in, clamped to the span."""
    return min(max((when - DATA_START).days // 7, 0), WEEKS - 1)


def _floor_minute(when: datetime) -> datetime:
    """Drop seconds and microseconds."""
    return when.replace(second=0, microsecond=0)


def _make_authors(rng: random.Random) -> list[Author]:
    """Create ~300 authors with 1-3 favourite boards; some move to other boards mid-span."""
    names = [s.name for s in BOARD_SPECS]
    popularity = [s.weekly for s in BOARD_SPECS]
    seen: set[str] = set()
    authors: list[Author] = []
    shift_dates = [DATA_START + timedelta(days=7 * w) for w in range(5, 9)]
    while len(authors) < 300:
        user = rng.choice(_NAME_PARTS)
        if rng.random() < 0.5:
            user += rng.choice(_NAME_PARTS)
        if rng.random() < 0.3:
            user = user.capitalize()
        if rng.random() < 0.75:
            user += str(rng.randrange(1, 10000))
        user = user[:12]
        if len(user) < 4 or user.lower() in seen:
            continue
        seen.add(user.lower())
        k = rng.choice((1, 1, 2, 2, 2, 3))
        topics: list[str] = []
        while len(topics) < k:
            t = rng.choices(names, weights=popularity)[0]
            if t not in topics:
                topics.append(t)
        nick = rng.choice(_NICK_PARTS) + rng.choice(_NICK_SUFFIX)
        ip = f"{rng.choice(_IP_PREFIXES)}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}"
        sig = rng.choice(SIGNATURES) if rng.random() < 0.12 else None
        weight = round(rng.lognormvariate(0.0, 0.8), 3)
        later: tuple[str, ...] | None = None
        shift_at: datetime | None = None
        n = len(authors)
        if n % 25 == 3:  # the showcase: a car person who becomes a parent
            topics = ["car"] if n % 50 == 3 else ["car", "Stock"]
            later = ("BabyMother",) if n % 50 == 3 else ("BabyMother", "Food")
            shift_at = rng.choice(shift_dates)
            weight = max(weight, 1.5)
        elif rng.random() < 0.08:
            others = [t for t in names if t not in topics]
            later = (topics[0], rng.choice(others)) if len(topics) > 1 else (rng.choice(others),)
            shift_at = rng.choice(shift_dates)
        authors.append(
            Author(user, nick, tuple(topics), weight, ip, sig, later, shift_at),
        )
    return authors


def _random_time(rng: random.Random, day: datetime) -> datetime:
    """Return a time on a day, weighted toward evenings."""
    hour = bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
    return day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))


def _plan(rng: random.Random, spec: BoardSpec) -> list[_Slot]:
    """Plan a board's threads over the span: normal, periodic chat, live and giveaway."""
    slots: list[_Slot] = []
    for w in range(WEEKS):
        monday = DATA_START + timedelta(days=7 * w)
        count = rng.randint(round(spec.weekly * 0.8), round(spec.weekly * 1.2))
        slots.extend(
            _Slot(_random_time(rng, monday + timedelta(days=rng.randrange(7))), "normal")
            for _ in range(count)
        )
        if spec.chat == "daily":
            days = 5 if spec.name == "Stock" else 7
            for d in range(days):
                hour = 8 if spec.name == "Stock" else 0
                t = monday + timedelta(days=d, hours=hour, minutes=rng.randrange(5, 30))
                slots.append(_Slot(t, "chat"))
        else:
            t = monday + timedelta(minutes=rng.randrange(5, 480), seconds=rng.randrange(60))
            slots.append(_Slot(t, "chat"))
        for kind, rate in (("live", spec.live_per_week), ("giveaway", spec.giveaway_per_week)):
            n = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
            for _ in range(n):
                day = monday + timedelta(days=rng.randrange(7))
                if kind == "live":
                    hour = 8 if spec.name == "NBA" else rng.choice((14, 19, 20))
                    t = day + timedelta(hours=hour, minutes=rng.randrange(60), seconds=7)
                else:
                    t = _random_time(rng, day)
                slots.append(_Slot(t, kind))
    if spec.name == "Gossiping":
        slots.append(
            _Slot(datetime(2018, 12, 29, 22, 17, 5, tzinfo=TAIPEI), "normal", True, "rollover")
        )
    slots.sort(key=lambda s: s.posted_at)
    return slots


def _sentences(rng: random.Random, spec: BoardSpec, fill: _Filler, lo: int, hi: int) -> list[str]:
    """Draw a few of the board's sentences, filled in."""
    picked = rng.sample(spec.sentences, min(len(spec.sentences), rng.randint(lo, hi)))
    if spec.name in ("Gossiping", "WomenTalk") and len(picked) > 3 and rng.random() < 0.3:
        other = rng.choice(BOARD_SPECS)
        picked[-2:] = rng.sample(other.sentences, 2)
    return [s.format_map(fill) for s in picked]


def _paragraphs(rng: random.Random, lines: list[str]) -> str:
    """Group sentences into short paragraphs, one sentence per line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        n = rng.randint(1, 3)
        out.append("\n".join(lines[i : i + n]))
        i += n
    return "\n\n".join(out)


def _news_body(rng: random.Random, spec: BoardSpec, fill: _Filler, headline: str) -> str:
    """Write a news-format body with a source link."""
    url = rng.choice(NEWS_SOURCES) + str(rng.randrange(3_000_000, 3_700_000))
    text = _paragraphs(rng, _sentences(rng, spec, fill, 4, 7))
    if spec.name == "Gossiping":
        return (
            f"1.媒體來源:\n{rng.choice(_NEWS_MEDIA)}\n\n"
            f"2.記者署名:\n記者{rng.choice(_REPORTERS)}／{fill['city']}報導\n\n"
            f"3.完整新聞標題:\n{headline}\n\n4.完整新聞內文:\n{text}\n\n"
            f"5.完整新聞連結 (或短網址):\n{url}\n\n6.備註:\n{_sentences(rng, spec, fill, 1, 1)[0]}"
        )
    return f"{text}\n\n新聞來源：\n{url}"


def _push_bank(kind: str, spec: BoardSpec) -> tuple[tuple[str, ...], float]:
    """Return the special phrase bank for a kind and how often it is used."""
    if kind == "chat":
        return CHAT_PUSHES, 0.6
    if kind == "live":
        return LIVE_PUSHES, 0.6
    if kind == "giveaway":
        return GIVEAWAY_PUSHES, 0.8
    return spec.pushes, 0.45


class _Generator:
    """Builds a World from a seed; all randomness flows from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"replica-world:{seed}")
        self.authors = _make_authors(self.rng)
        self.by_user = {a.user_id: a for a in self.authors}
        self.pools = _Pools(self.authors)

    def build(self) -> World:
        """Generate every board."""
        boards = {spec.name: self._board(spec) for spec in BOARD_SPECS}
        self._force_late_deletion(boards["Gossiping"])
        # The real pages' shapes come from a second generator, so adding one leaves the rest
        # of the world (ids, texts, push times) as it was.
        self.rng = random.Random(f"replica-shapes:{self.seed}")
        _Shapes(self.rng).apply(boards)
        self._share_an_id(boards["Stock"], boards["Food"])
        # The planted hard cases come last, from their own generator, for the same reason.
        self.rng = random.Random(f"replica-plants:ptt:{self.seed}")
        self._plant(boards, plant("ptt", self.seed, STYLE))
        return World(self.seed, self.authors, boards)

    def _plant(self, boards: dict[str, Board], plants: list[Plant]) -> None:
        """Post the planted threads, a series' threads all by one account, with their pushes."""
        rng = self.rng
        series: dict[str, Author] = {}
        for p in plants:
            board = boards[p.channel]
            if p.series:
                if p.series not in series:
                    series[p.series] = self.pools.pick(rng, p.channel, p.at)
                author = series[p.series]
            else:
                author = self.pools.pick(rng, p.channel, p.at)
            taken = {int(a.split(".")[1]) for a in board.by_id}
            epoch = int(p.at.timestamp())
            while epoch in taken:
                epoch += 1
            art = Article(
                board=p.channel,
                article_id=f"M.{epoch}.A.{rng.randrange(4096):03X}",
                author=author.user_id,
                nickname=author.nickname,
                title=p.title,
                body=p.body,
                posted_at=datetime.fromtimestamp(epoch, TAIPEI),
                kind=p.kind,
                ip=author.ip,
                signature=author.signature,
                case=p.case,
            )
            spec = next(s for s in BOARD_SPECS if s.name == p.channel)
            pushes = []
            for at in p.replies:
                user = self._pick_pusher(spec, art, at)
                tag = rng.choices(("推", "噓", "→"), weights=(0.6, 0.08, 0.32))[0]
                pushes.append(Push(tag, user.user_id, rng.choice(p.bank), at, user.ip))
            art.pushes = pushes
            board.articles.append(art)
            board.by_id[art.article_id] = art
        for board in boards.values():
            board.articles.sort(key=lambda a: (a.posted_at, a.article_id))

    def _moderators(self, spec: BoardSpec) -> tuple[str, ...]:
        """Pick one or two moderators among the board's regulars."""
        members, _ = self.pools.pools[(0, spec.name)]
        ranked = sorted(members, key=lambda a: (-a.weight, a.user_id))
        return tuple(a.user_id for a in ranked[: self.rng.choice((1, 2))])

    def _board(self, spec: BoardSpec) -> Board:
        """Generate one board: pinned posts, then every planned thread in time order."""
        rng = self.rng
        board = Board(
            spec.name, spec.over18, self._moderators(spec), spec.ip_in_push, spec.index_layout
        )
        used: set[int] = set()
        articles: list[Article] = []
        for text in spec.pinned:
            posted = datetime(2018, 3, 1, tzinfo=TAIPEI) + timedelta(
                days=rng.randrange(260), seconds=rng.randrange(86400)
            )
            art = self._article(spec, board, used, posted, "normal", "")
            moderator = self.by_user[rng.choice(board.moderators)]
            art.author, art.nickname, art.ip = moderator.user_id, moderator.nickname, moderator.ip
            art.title = text.format(board=spec.name)
            art.body = "\n".join(_PINNED_BODY)
            art.pinned = True
            art.pushes = self._pinned_pushes(spec, art)
            articles.append(art)
            board.pinned.append(art)
        recent: list[Article] = []
        hot_weeks: set[int] = set()
        for slot in _plan(rng, spec):
            art = self._article(spec, board, used, slot.posted_at, slot.kind, slot.special)
            week = _week_index(slot.posted_at)
            hot = slot.hot or (
                slot.kind == "normal"
                and week not in hot_weeks
                and rng.random() < _HOT_CHANCE.get(spec.name, 0.0)
            )
            if hot and not slot.special:
                hot_weeks.add(week)
            if slot.kind == "normal" and not hot:
                self._maybe_reply(spec, art, recent)
            art.pushes = self._pushes(spec, art, hot, slot.special)
            if slot.kind == "normal" and not hot and not slot.special:
                self._maybe_delete_or_edit(spec, art)
            articles.append(art)
            if slot.kind == "normal":
                recent.append(art)
        articles.sort(key=lambda a: (a.posted_at, a.article_id))
        board.articles = articles
        board.by_id = {a.article_id: a for a in articles}
        return board

    def _article(
        self,
        spec: BoardSpec,
        board: Board,
        used: set[int],
        posted: datetime,
        kind: str,
        special: str,
    ) -> Article:
        """Create an article's post: id, author, title and body for its kind."""
        rng = self.rng
        epoch = int(posted.timestamp())
        while epoch in used:
            epoch += 1
        used.add(epoch)
        posted = datetime.fromtimestamp(epoch, TAIPEI)
        article_id = f"M.{epoch}.A.{rng.randrange(4096):03X}"
        fill = _Filler(rng)
        if kind == "chat":
            author = self.by_user[board.moderators[0]]
        else:
            author = self.pools.pick(rng, spec.name, posted)
        title, body = self._text(spec, kind, special, posted, fill)
        return Article(
            board=spec.name,
            article_id=article_id,
            author=author.user_id,
            nickname=author.nickname,
            title=title,
            body=body,
            posted_at=posted,
            kind=kind,
            ip=author.ip,
            signature=author.signature,
        )

    def _text(
        self, spec: BoardSpec, kind: str, special: str, posted: datetime, fill: _Filler
    ) -> tuple[str, str]:
        """Write the title and body of a thread."""
        rng = self.rng
        if special == "rollover":
            title = ROLLOVER_TITLE
            body = (
                "如題，今年跨年想去看101煙火。\n但是聽說捷運會擠爆，大家都怎麼去？\n\n有沒有八卦？"
            )
            return title, body
        if kind == "chat":
            md = posted.strftime("%m/%d")
            if spec.chat == "weekly" and "{md}" in spec.chat_title:
                md += "-" + (posted + timedelta(days=6)).strftime("%m/%d")
            title = spec.chat_title.format(
                ymd=posted.strftime("%Y/%m/%d"), wd=_WEEKDAYS[posted.weekday()], md=md
            )
            body = "閒聊文，歡迎大家在這裡聊天。\n請遵守板規，勿人身攻擊。\n\n" + _paragraphs(
                rng, _sentences(rng, spec, fill, 2, 3)
            )
            return title, body
        if kind == "live":
            titles = LIVE_TITLES.get(spec.name, ("[直播] {topic} 直播",))
            title = rng.choice(titles).format_map(fill)
            base = rng.choice(LIVE_LINKS)
            if "youtube" in base:
                alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
                link = base + "".join(rng.choice(alphabet) for _ in range(11))
            else:
                link = base + rng.choice(("ptt_live", "nba_tw", "newslive_tw", "stock_talk"))
            body = f"直播連結：\n{link}\n\n直播時間：{posted:%m/%d %H:%M} 開始\n\n" + _paragraphs(
                rng, _sentences(rng, spec, fill, 2, 4)
            )
            return title, body
        if kind == "giveaway":
            titles = GIVEAWAY_TITLES.get(spec.name, ("[贈獎] 留言抽 {n} 位送 {prize}",))
            title = rng.choice(titles).format_map(fill)
            deadline = posted + timedelta(days=7)
            body = (
                f"感謝板友一直以來的支持，這次要送出{fill['prize']}。\n\n"
                "參加方式：在本文推文留言即可參加抽獎，一人限推一次。\n"
                f"截止時間：{deadline:%m/%d} 23:59\n得獎名單會在截止後三天內公布。\n\n"
                + _paragraphs(rng, _sentences(rng, spec, fill, 2, 4))
            )
            return title, body
        cats, weights = zip(*spec.categories, strict=True)
        cat = rng.choices(cats, weights=weights)[0]
        headline = rng.choice(spec.titles[cat]).format_map(fill)
        title = f"[{cat}] {headline}"
        if cat == "新聞":
            return title, _news_body(rng, spec, fill, headline)
        return title, _paragraphs(rng, _sentences(rng, spec, fill, 4, 9))

    def _maybe_reply(self, spec: BoardSpec, art: Article, recent: list[Article]) -> None:
        """Turn about one normal thread in eight into a Re: of a recent thread on the board."""
        rng = self.rng
        if rng.random() >= 0.12:
            return
        cutoff = art.posted_at - timedelta(days=3)
        candidates = [
            a
            for a in recent[-40:]
            if a.posted_at >= cutoff and not a.title.startswith("Re: ") and a.deleted_at is None
        ]
        if not candidates:
            return
        orig = rng.choice(candidates)
        quoted = [line for line in orig.body.split("\n") if line][:3]
        quote = "\n".join(f": {line}" for line in quoted)
        art.title = f"Re: {orig.title}"
        art.body = f"※ 引述《{orig.author} ({orig.nickname})》之銘言：\n{quote}\n\n{art.body}"
        art.reply_to = orig.article_id

    def _pick_pusher(self, spec: BoardSpec, art: Article, when: datetime) -> Author:
        """Pick who pushes: a board regular, rarely the poster himself."""
        for _ in range(4):
            user = self.pools.pick(self.rng, spec.name, when)
            if user.user_id != art.author:
                return user
        return user

    def _pushes(self, spec: BoardSpec, art: Article, hot: bool, special: str) -> list[Push]:
        """Generate all pushes a thread will ever get, in page order."""
        rng = self.rng
        kind = art.kind
        hour = 3600.0
        day = 86400.0
        times: list[float] = []
        if special == "rollover":
            end = datetime(2019, 1, 2, 12, 0, tzinfo=TAIPEI)
            span = (end - art.posted_at).total_seconds()
            times = [rng.uniform(60, span) for _ in range(rng.randint(60, 90))]
            fixed = (
                datetime(2018, 12, 31, 23, 58, tzinfo=TAIPEI),
                datetime(2019, 1, 1, 0, 3, tzinfo=TAIPEI),
            )
            times += [(t - art.posted_at).total_seconds() - 60 for t in fixed]
        elif hot:
            times = [
                min(rng.expovariate(1 / (4 * hour)), rng.uniform(0, 2 * day))
                for _ in range(rng.randint(150, 400))
            ]
        elif kind == "chat":
            if spec.chat == "daily":
                times = [rng.uniform(0, 16 * hour) for _ in range(rng.randint(40, 120))]
            else:
                times = [rng.uniform(0, 7 * day) for _ in range(rng.randint(80, 200))]
        elif kind == "live":
            times = [rng.uniform(0, 3 * hour) for _ in range(rng.randint(40, 150))]
        elif kind == "giveaway":
            times = [
                min(rng.expovariate(1 / day), rng.uniform(0, 7 * day))
                for _ in range(rng.randint(60, 200))
            ]
        else:
            n = (
                0
                if rng.random() < 0.08
                else int(rng.lognormvariate(math.log(7 * spec.push_scale), 0.9))
            )
            n = min(n, 120)
            tail = rng.random()
            for _ in range(n):
                t = rng.expovariate(1 / (6 * hour))
                if t > 3 * day:
                    t = rng.uniform(0, 3 * day)
                if tail > 0.65 and rng.random() < 0.15:
                    t = rng.uniform(3 * day, 13 * day)
                times.append(t)
            if tail > 0.92:
                times += [rng.uniform(20 * day, 45 * day) for _ in range(rng.randint(1, 4))]
        boo = kind == "normal" and not hot and spec.name == "Gossiping" and rng.random() < 0.05
        return self._push_lines(spec, art, times, hot, boo)

    def _push_lines(
        self, spec: BoardSpec, art: Article, times: list[float], hot: bool, boo: bool
    ) -> list[Push]:
        """Turn push delays into push lines with tags, users, text and removals."""
        rng = self.rng
        fill = _Filler(rng)
        bank, bank_p = _push_bank(art.kind, spec)
        if hot:
            tags, weights = ("推", "噓", "→"), (0.82, 0.04, 0.14)
        elif boo:
            tags, weights = ("推", "噓", "→"), (0.12, 0.68, 0.2)
        elif spec.name == "Gossiping":
            tags, weights = ("推", "噓", "→"), (0.5, 0.18, 0.32)
        else:
            tags, weights = ("推", "噓", "→"), (0.6, 0.08, 0.32)
        pushes: list[Push] = []
        for delay in times:
            at = _floor_minute(art.posted_at + timedelta(seconds=60 + delay))
            if at >= DATA_END:
                continue
            tag = rng.choices(tags, weights=weights)[0]
            own = rng.random() < 0.04
            user = self.by_user[art.author] if own else self._pick_pusher(spec, art, at)
            if own:
                tag = "→"
            if tag == "噓" and rng.random() < 0.5:
                content = rng.choice(BOO_PUSHES)
            elif rng.random() < bank_p:
                content = rng.choice(bank).format_map(fill)
            else:
                content = rng.choice(COMMON_PUSHES)
            removed = None
            if art.kind == "normal" and rng.random() < 0.012:
                removed = at + timedelta(minutes=rng.randrange(10, 2 * 24 * 60))
            pushes.append(Push(tag, user.user_id, content, at, user.ip, removed))
            if rng.random() < 0.08:
                more = rng.choice(COMMON_PUSHES + spec.pushes).format_map(fill)
                pushes.append(Push("→", user.user_id, more, at, user.ip))
        pushes.sort(key=lambda p: p.at)
        return pushes

    def _pinned_pushes(self, spec: BoardSpec, art: Article) -> list[Push]:
        """A pinned post: a few pushes just after posting and a handful during the span."""
        rng = self.rng
        times = [rng.uniform(0, 10 * 86400) for _ in range(rng.randint(3, 12))]
        span_start = (DATA_START - art.posted_at).total_seconds()
        span_len = (DATA_END - DATA_START).total_seconds()
        times += [span_start + rng.uniform(0, span_len) for _ in range(rng.randint(0, 3))]
        return self._push_lines(spec, art, times, False, False)

    def _maybe_delete_or_edit(self, spec: BoardSpec, art: Article) -> None:
        """Delete about 3% of normal threads and edit about 5% of the rest."""
        rng = self.rng
        r = rng.random()
        if r < 0.03:
            deleted = art.posted_at + timedelta(seconds=rng.uniform(1200, 3 * 86400))
            self._delete(art, deleted)
        elif r < 0.08:
            edited = art.posted_at + timedelta(seconds=rng.uniform(300, 2 * 86400))
            art.edited_at = edited.replace(microsecond=0)
            art.edited_body = art.body + "\n\n" + rng.choice(_EDIT_NOTES)
            if rng.random() < 0.4:
                art.edited_title = art.title + rng.choice(_EDIT_SUFFIX)

    @staticmethod
    def _delete(art: Article, when: datetime) -> None:
        """Delete an article at a time: it gets no pushes after that."""
        art.deleted_at = when.replace(microsecond=0)
        art.pushes = [p for p in art.pushes if p.at < art.deleted_at]
        art.edited_at = art.edited_title = art.edited_body = None

    def _force_late_deletion(self, board: Board) -> None:
        """Make sure one thread visible at the default clock is deleted the next day."""
        lo = datetime(2019, 2, 10, 12, 0, tzinfo=TAIPEI)
        hi = datetime(2019, 2, 11, 8, 0, tzinfo=TAIPEI)
        for art in board.articles:
            if (
                lo <= art.posted_at < hi
                and art.kind == "normal"
                and art.deleted_at is None
                and 0 < len(art.pushes) < 100
            ):
                self._delete(art, datetime(2019, 2, 12, 10, 0, tzinfo=TAIPEI))
                return

    def _share_an_id(self, first: Board, second: Board) -> None:
        """Post a thread on `second` under the id of one on `first` (ids are unique per board)."""
        week_start, week_end = RANKED_WEEKS[1], RANKED_WEEKS[1] + timedelta(days=7)
        spec = next(s for s in BOARD_SPECS if s.name == second.name)
        for model in first.articles:
            if not (
                week_start + timedelta(days=1) <= model.posted_at < week_end - timedelta(days=2)
                and model.kind == "normal"
                and model.layout == "modern"
                and model.deleted_at is None
                and model.edited_at is None
                and model.reply_to is None
                and len(model.pushes) >= 5
                and model.article_id not in second.by_id
            ):
                continue
            twin = self._article(spec, second, set(), model.posted_at, "normal", "")
            twin.posted_at, twin.article_id = model.posted_at, model.article_id
            twin.pushes = self._pushes(spec, twin, False, "")
            in_week = sum(week_start <= p.at < week_end for p in twin.pushes)
            if in_week < 3 or len(twin.pushes) == len(model.pushes):
                continue
            second.articles.append(twin)
            second.articles.sort(key=lambda a: (a.posted_at, a.article_id))
            second.by_id[twin.article_id] = twin
            return
        raise AssertionError("no thread to share an id with")  # pragma: no cover


class _Shapes:
    """Dress the world in the shapes of the real pages: eras, stamps, deletions, e-mails."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def apply(self, boards: dict[str, Board]) -> None:
        """Give every board's articles and pushes their shapes, deterministically."""
        for board in boards.values():
            for art in board.articles:
                self._emails(art)
                self._layout(art)
                self._impossible_dates(art)
                if art.deleted_at is not None:
                    self._deleter(board, art)

    def _layout(self, art: Article) -> None:
        """Pick the era a page is drawn in; the 2005 one only where date-only pushes stay apart."""
        if art.title == ROLLOVER_TITLE or len(art.pushes) >= 150:
            return  # the rollover thread and the long threads keep today's shape
        r = self.rng.random()
        if art.pinned:
            r *= 0.5  # old posts, more often in old shapes
        layout = (
            "spans"
            if r < 0.05
            else "plain"
            if r < 0.11
            else "from"
            if r < 0.21
            else "2017"
            if r < 0.31
            else "modern"
        )
        if layout == "spans" and not _distinct_by_day(art.pushes):
            layout = "from"
        art.layout = layout
        art.padded_ip = layout in ("from", "spans")
        if layout == "spans":
            art.pushes = [replace(p, date_only=True) for p in art.pushes]

    @staticmethod
    def _impossible_dates(art: Article) -> None:
        """Show a push on the 1st of a month in an old thread as the day after the month's end.

        PTT once showed 04/01 as `03/32`; such a push has no readable time, so it stays out of
        the weeks the tests rank and the truth does not count it.
        """
        pushes = []
        for p in art.pushes:
            ranked = any(s <= p.at < s + timedelta(days=7) for s in RANKED_WEEKS)
            old = art.posted_at < DATA_START or p.at - art.posted_at >= timedelta(days=14)
            if p.at.day == 1 and old and not ranked:
                before = p.at - timedelta(days=1)
                p = replace(p, shown_date=f"{before.month:02d}/{before.day + 1:02d}")
            pushes.append(p)
        art.pushes = pushes

    def _emails(self, art: Article) -> None:
        """Put an e-mail address (which Cloudflare will hide) in a few pushes and bodies."""
        rng = self.rng
        if art.kind == "normal" and not art.pinned and rng.random() < 0.03:
            line = rng.choice(EMAIL_BODY_LINES).format(email=self._email(art.author))
            body = f"{art.body}\n\n{line}"
            if art.edited_body is not None:
                art.edited_body = body + art.edited_body[len(art.body) :]
            art.body = body
        pushes = []
        for p in art.pushes:
            if rng.random() < 0.012:
                text = rng.choice(EMAIL_PUSHES).format(email=self._email(p.user))
                p = replace(p, content=text)
            pushes.append(p)
        art.pushes = pushes

    def _email(self, user: str) -> str:
        """An address for a user."""
        return f"{user.lower()}@{self.rng.choice(_MAIL_DOMAINS)}"

    def _deleter(self, board: Board, art: Article) -> None:
        """Let a moderator delete some threads: `(已被mod刪除) <author>reason` on the index."""
        moderators = [m for m in board.moderators if m != art.author]
        if moderators and self.rng.random() < 0.4:
            art.deleter = self.rng.choice(moderators)
            art.delete_reason = self.rng.choice(DELETE_REASONS)


def _distinct_by_day(pushes: list[Push]) -> bool:
    """Whether no two pushes say the same thing on the same day (date-only keys stay apart)."""
    seen = {(p.tag, p.user, p.at.date(), p.content) for p in pushes}
    return len(seen) == len(pushes)


def generate_world(seed: int = DEFAULT_SEED) -> World:
    """Generate a fresh world from a seed (same seed, same world)."""
    return _Generator(seed).build()


@lru_cache(maxsize=4)
def build_world(seed: int = DEFAULT_SEED) -> World:
    """Return the world for a seed, generated once per process."""
    return generate_world(seed)
