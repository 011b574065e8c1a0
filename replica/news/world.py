"""The news replica's world: two sites, their sections, articles and comments, from a seed.

Each article is posted at a time, draws comments over the following days (some deleted later),
and may be deleted itself. Quirks the crawler must survive are drawn here too: titles with
characters that need HTML entities, articles whose page shows no time, and planted cases the
rules must catch (a 直播文 per site in the reference week).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from replica.clock import DATA_END, DATA_START, TAIPEI

REFERENCE_WEEK = datetime(2019, 2, 4, tzinfo=TAIPEI)
EARLY = datetime(2019, 2, 6, 12, 0, tzinfo=TAIPEI)
"""A clock before the later deletions: a crawl then and one at the default clock see them go."""
LISTED_DAYS = 22
"""A section page lists the articles of this many days before now, newest first."""
LISTED_MAX = 60

_TOPICS: dict[str, tuple[str, ...]] = {
    "國內": ("立法院", "台北市", "高雄", "交通部", "健保", "年金", "機師罷工", "酒駕"),
    "生活": ("寒流", "年菜", "春節連假", "高鐵", "颱風", "房價", "外送", "便利商店"),
    "國際": ("美中貿易", "日本", "南韓", "英國脫歐", "巴黎", "北韓", "印尼", "川普"),
    "娛樂": ("金曲獎", "演唱會", "新劇", "綜藝節目", "電影", "偶像", "主持人", "歌手"),
}
_HEADLINES = (
    "{t}最新消息：各界反應不一",
    "{t}爭議延燒 官方回應了",
    "「{t}」話題發酵 網友熱議",
    "{t}又有新進展？專家這樣說",
    "{t} & 相關議題一次看",
    "快訊／{t}傳出重大變化",
    "{t}背後真相 <獨家>",
    "{t}引發討論 民眾：太扯",
)
_BODIES = (
    "記者綜合報導。{t}的消息傳出後，引發不少討論。",
    "相關單位表示，將持續關注{t}後續發展。",
    "有民眾認為{t}影響很大，也有人不以為然。",
    "專家指出，{t}仍有許多變數。",
)
_SAYS = (
    "推",
    "真的假的",
    "支持",
    "太誇張了吧",
    "記者可以查證一下嗎",
    "笑死",
    "同意樓上",
    "這新聞也太慢",
    "希望越來越好",
    "唉",
    "看不下去",
    "有道理",
)
_NAMES = ("小明", "阿華", "Jenny", "路人甲", "台北人", "Kevin", "美美", "老王", "小雨", "阿德")
_LIVE_SAYS = ("來了", "好看", "卡卡的", "終於開始", "現場好多人", "轉台了", "哈哈哈")


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """A replica site: its id (its path prefix), label and sections (name -> URL slug)."""

    id: str
    label: str
    sections: dict[str, str]
    style: str  # "line" (cursor paging, epoch ms) or "yahoo" (offset paging, ISO times)


SITES = (
    SiteSpec(
        "linetoday",
        "LINE TODAY",
        {"國內": "domestic", "生活": "life", "國際": "global", "娛樂": "entertainment"},
        "line",
    ),
    SiteSpec("yahoo", "yahoo新聞", {"娛樂": "entertainment", "國際": "world"}, "yahoo"),
)


@dataclass(slots=True)
class Comment:
    """One comment: its id, time, text, author and when it was deleted (None: never)."""

    id: str
    at: datetime
    text: str
    author: str
    deleted_at: datetime | None = None
    replies: int = 0

    def visible_at(self, now: datetime) -> bool:
        """Posted by now."""
        return self.at <= now

    def deleted_by(self, now: datetime) -> bool:
        """Deleted by now."""
        return self.deleted_at is not None and self.deleted_at <= now


@dataclass(slots=True)
class Article:
    """One article of a site's section, with its comments in time order."""

    site: SiteSpec
    section: str
    id: str
    slug: str
    title: str
    body: str
    at: datetime
    comments: list[Comment] = field(default_factory=list)
    deleted_at: datetime | None = None
    shows_time: bool = True
    kind: str = "normal"
    case: str = ""

    @property
    def path(self) -> str:
        """The article's path on its site (without the replica's site prefix)."""
        if self.site.style == "line":
            return f"/tw/v2/article/{self.id}"
        return f"/{self.slug}-{self.id}.html"

    def deleted_by(self, now: datetime) -> bool:
        """Deleted by now."""
        return self.deleted_at is not None and self.deleted_at <= now

    def gone_at(self, now: datetime) -> datetime | None:
        """When the article went, if it had by now."""
        return self.deleted_at if self.deleted_by(now) else None

    def comments_at(self, now: datetime) -> list[Comment]:
        """The comments posted by now, in time order (deleted ones included)."""
        return [c for c in self.comments if c.visible_at(now)]


@dataclass(slots=True)
class World:
    """Every site's articles, by site id and id."""

    seed: int
    articles: list[Article]
    by_path: dict[tuple[str, str], Article]

    def section(self, site: str, section: str) -> list[Article]:
        """A section's articles in time order."""
        return [a for a in self.articles if a.site.id == site and a.section == section]


def _line_id(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=6))


def _comments(rng: random.Random, article: Article, n: int, spread_hours: float) -> None:
    """n comments after the article, most soon after it; a few deleted a while later."""
    says = _LIVE_SAYS if article.kind == "live" else _SAYS
    for _ in range(n):
        at = article.at + timedelta(minutes=1 + rng.expovariate(1 / (spread_hours * 60)))
        at = at.replace(microsecond=0)
        if at >= DATA_END:
            continue
        deleted = at + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.06 else None
        article.comments.append(
            Comment("", at, rng.choice(says), rng.choice(_NAMES), deleted, rng.choice((0, 0, 1, 3)))
        )
    article.comments.sort(key=lambda c: c.at)
    for n_, c in enumerate(article.comments, start=1):
        c.id = (
            f"{article.id}-{n_:04d}"
            if article.site.style == "line"
            else f"{article.id}_{rng.randrange(10**8):08d}{n_:03d}"
        )


def _article(
    rng: random.Random, spec: SiteSpec, section: str, at: datetime, taken: set[str]
) -> Article:
    topic = rng.choice(_TOPICS[section])
    article_id = _line_id(rng) if spec.style == "line" else str(rng.randrange(10**8, 10**9))
    while article_id in taken:
        article_id = _line_id(rng) if spec.style == "line" else str(rng.randrange(10**8, 10**9))
    taken.add(article_id)
    body = "\n".join(rng.sample(_BODIES, 3)).format(t=topic)
    title = rng.choice(_HEADLINES).format(t=topic)
    slug = f"{spec.sections[section]}-news"
    return Article(spec, section, article_id, slug, title, body, at)


@cache
def build_world(seed: int) -> World:
    """The world of a seed (the same seed gives the same world)."""
    rng = random.Random(f"replica-news:{seed}")
    articles: list[Article] = []
    for spec in SITES:
        taken: set[str] = set()
        for section in spec.sections:
            day = DATA_START
            while day < DATA_END - timedelta(days=1):
                for _ in range(rng.choice((0, 1, 1))):
                    at = day + timedelta(hours=rng.uniform(6, 23))
                    a = _article(rng, spec, section, at.replace(microsecond=0), taken)
                    a.shows_time = rng.random() > 0.05
                    if rng.random() < 0.05:
                        a.deleted_at = a.at + timedelta(days=rng.uniform(1, 6))
                    _comments(rng, a, rng.choice((0, 3, 8, 15, 25, 45)), 30)
                    articles.append(a)
                day += timedelta(days=1)
        # a 直播文: a live-stream article drawing its comments within a few hours
        section = next(iter(spec.sections))
        at = REFERENCE_WEEK + timedelta(days=2, hours=20)
        live = _article(rng, spec, section, at, taken)
        live.title = "【直播】春節特別節目 今晚8點現場直播"
        live.body = "直播連結：https://www.youtube.com/live/replica123\n邊看邊聊，歡迎留言。"
        live.kind, live.case = "live", "live_stream"
        _comments(rng, live, 60, 2)
        articles.append(live)
        # an article deleted between the early and the default clock, after drawing comments
        early = _article(rng, spec, section, REFERENCE_WEEK + timedelta(hours=9), taken)
        early.deleted_at = EARLY + timedelta(days=2)
        early.case = "deleted_later"
        _comments(rng, early, 20, 10)
        articles.append(early)
    articles.sort(key=lambda a: (a.at, a.site.id, a.id))
    return World(seed, articles, {(a.site.id, a.id): a for a in articles})
