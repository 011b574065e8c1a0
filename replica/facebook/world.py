"""The Facebook world: a few fan pages, their posts and comments over the replica's span.

Drawn from a seeded generator, so a seed gives the same world. Some posts have no `message`
(a story only, as real cover-photo posts), some are deleted later, some comments are deleted;
one page's comments cannot be read with the replica's token (counts only, as pages without
Page Public Content Access); giveaway posts (留言抽獎, tag 好友, 分享) are planted in the
reference week so the 活動文 board has entries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from replica.clock import DATA_END, DATA_START, DEFAULT_SEED
from replica.plants import REFERENCE_WEEK


@dataclass(frozen=True, slots=True)
class PageSpec:
    """A fan page: id, shown name, its handle for permalinks, how busy, whether readable."""

    id: str
    name: str
    handle: str
    posts_per_day: float
    comments_readable: bool = True
    giveaways: int = 0


PAGES = (
    PageSpec("350540028367087", "GirlStyle 台灣女生日常", "GirlStyle.tw", 1.8, giveaways=2),
    PageSpec("114811848586566", "ETtoday新聞雲", "ETtoday", 2.2, comments_readable=False),
    PageSpec("1396023610679024", "爆料公社", "breakingnews.tw", 1.8),
    PageSpec("1420226118250050", "蝦皮購物 ( Shopee )", "ShopeeTW", 1.4, giveaways=3),
)
LOOKALIKES = (("111111111111111", "GirlStyle 台灣女生日常 粉絲團", "fans.of.girlstyle"),)
"""Pages the search finds beside the real one: a name must match exactly."""

_LINES = {
    "350540028367087": (
        "這款唇膏顏色也太美了吧💄",
        "女生最在意的五件小事，你中了幾個？",
        "冬天保濕一定要做的三件事",
        "週末約會穿搭這樣配就對了",
        "你也是這樣的女孩嗎？留言告訴我們",
    ),
    "114811848586566": (
        "快訊／國道追撞事故 車流回堵5公里",
        "寒流來襲 明早低溫下探8度",
        "立委選舉最新民調出爐",
        "年終獎金平均1.5個月 這行業最好",
        "春節連假交通疏運措施一次看",
    ),
    "1396023610679024": (
        "有人知道這台車為什麼停在這裡三天了嗎？",
        "爆料！路口紅綠燈又壞了",
        "今天在捷運上看到這一幕超暖心",
        "這間店的服務態度大家評評理",
        "求助 遺失錢包在夜市附近",
    ),
    "1420226118250050": (
        "今晚12點 限時免運開跑🛒",
        "這些居家好物你買了嗎？",
        "年貨大街熱銷排行",
        "手機配件一件49元起",
        "蝦皮店到店取貨新據點上線",
    ),
}
_SUBJECTS = (
    "唇膏",
    "寒流",
    "年終",
    "捷運",
    "夜市",
    "高鐵",
    "颱風",
    "手機",
    "咖啡",
    "機車",
    "租屋",
    "便當",
)
_ANGLES = (
    "大家怎麼看",
    "一次看懂",
    "最新消息",
    "你中了嗎",
    "實測心得",
    "懶人包",
    "注意事項",
    "網友熱議",
)
_EXTRAS = ("", "（更新）", "！", "必看", "快分享", "重點整理")
"""A post's first line is drawn from these (576 combinations), so titles rarely repeat."""
_STORIES = ("{name} updated their cover photo.", "{name} updated their profile picture.")
_COMMENTS = ("好看", "推", "真的假的", "+1", "已分享", "哈哈哈哈", "想要", "同意", "太扯了", "讚")
_PRIZES = ("保養組", "精美好禮", "500元購物金", "藍牙耳機", "電影票兩張")


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment: Graph id, time, text, and when it was deleted (if it was)."""

    id: str
    at: datetime
    message: str
    deleted_at: datetime | None = None

    def shown_at(self, when: datetime) -> bool:
        """Whether a reader sees the comment at a time."""
        return self.at <= when and (self.deleted_at is None or self.deleted_at > when)


@dataclass(slots=True)
class Post:
    """One post of a page: Graph id, time, message (or only a story), comments, deletion."""

    page: PageSpec
    n: int
    at: datetime
    message: str | None
    story: str | None
    kind: str = "normal"
    deleted_at: datetime | None = None
    reactions: int = 0
    comments: list[Comment] = field(default_factory=list)

    @property
    def id(self) -> str:
        """`<page id>_<post id>`, as the Graph API names page posts."""
        return f"{self.page.id}_{self.story_id}"

    @property
    def story_id(self) -> str:
        """The post's own number."""
        return str(2200000000000000 + self.n)

    @property
    def permalink(self) -> str:
        """`https://www.facebook.com/<handle>/posts/<id>`."""
        return f"https://www.facebook.com/{self.page.handle}/posts/{self.story_id}"

    def exists_at(self, when: datetime) -> bool:
        """Posted by then."""
        return self.at <= when

    def deleted_by(self, when: datetime) -> bool:
        """Deleted by then."""
        return self.deleted_at is not None and self.deleted_at <= when

    def comments_at(self, when: datetime) -> list[Comment]:
        """The comments a reader sees at a time, oldest first."""
        return [c for c in self.comments if c.shown_at(when)]


@dataclass(frozen=True, slots=True)
class World:
    """Every page and post of one seed."""

    seed: int
    pages: tuple[PageSpec, ...]
    posts: dict[str, list[Post]]
    by_id: dict[str, Post]

    def page_posts(self, page_id: str) -> list[Post]:
        """A page's posts, oldest first."""
        return self.posts.get(page_id, [])


def _comments(rng: random.Random, post: Post, n: int, spread_hours: float) -> list[Comment]:
    """n comments drawn after the post, most within the first day or two."""
    found = []
    for k in range(n):
        at = post.at + timedelta(seconds=int(rng.expovariate(1 / (spread_hours * 3600))) + 30)
        if at >= DATA_END:
            continue
        deleted = None
        if rng.random() < 0.04:
            deleted = at + timedelta(hours=rng.uniform(1, 48))
        text = rng.choice(_COMMENTS)
        found.append(Comment(f"{post.story_id}_{3000000 + post.n * 1000 + k}", at, text, deleted))
    found.sort(key=lambda c: (c.at, c.id))
    return found


def _giveaway(rng: random.Random, page: PageSpec, k: int) -> Post:
    """A giveaway post in the reference week, drawing a flood of comments that week."""
    at = REFERENCE_WEEK + timedelta(days=1 + k, hours=12, minutes=rng.randrange(60))
    prize = rng.choice(_PRIZES)
    message = (
        f"【抽獎】{prize}送給你！\n"
        f"留言+tag兩位好友抽 {rng.randint(2, 5)} 位送{prize}，分享此貼文就有機會獲得🎁\n"
        "活動辦法：活動至本週日止"
    )
    return Post(page, 0, at, message, None, kind="giveaway", reactions=rng.randint(500, 3000))


@cache
def build_world(seed: int = DEFAULT_SEED) -> World:
    """The world of a seed (cached: the same seed is the same world).

    Post ids grow with post time, as Facebook's roughly do, so a listing's ids span its times.
    """
    rng = random.Random(f"facebook:{seed}")
    posts: dict[str, list[Post]] = {}
    n = 0
    for page in PAGES:
        found: list[Post] = []
        at = DATA_START + timedelta(minutes=rng.randrange(600))
        while at < DATA_END:
            head = rng.choice(_SUBJECTS) + rng.choice(_ANGLES) + rng.choice(_EXTRAS)
            message: str | None = head + "\n" + rng.choice(_LINES[page.id])
            story = None
            if rng.random() < 0.08:
                message, story = None, rng.choice(_STORIES).format(name=page.name)
            post = Post(page, 0, at, message, story, reactions=rng.randint(0, 900))
            if rng.random() < 0.04:
                post.deleted_at = at + timedelta(hours=rng.uniform(2, 120))
            found.append(post)
            at += timedelta(seconds=int(rng.expovariate(page.posts_per_day / 86400)) + 600)
        found.extend(_giveaway(rng, page, k) for k in range(page.giveaways))
        found.sort(key=lambda p: p.at)
        for post in found:
            n += 1
            post.n = n
            if post.kind == "giveaway":
                post.comments = _comments(rng, post, rng.randint(150, 260), 30)
            else:
                size = max(0, min(240, int(rng.paretovariate(1.2) * 4) - 2))
                post.comments = _comments(rng, post, size, rng.uniform(6, 40))
        # One post of the days before the reference week is deleted in its middle, so a crawl
        # at each end of the week sees it listed, then gone.
        early = [
            p
            for p in found
            if p.kind == "normal"
            and p.deleted_at is None
            and REFERENCE_WEEK - timedelta(days=5) <= p.at < REFERENCE_WEEK - timedelta(days=1)
        ]
        if early:
            early[len(early) // 2].deleted_at = REFERENCE_WEEK + timedelta(days=2, hours=15)
        posts[page.id] = found
    by_id = {p.id: p for ps in posts.values() for p in ps}
    return World(seed, PAGES, posts, by_id)
