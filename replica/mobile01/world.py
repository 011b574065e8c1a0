"""The Mobile01 replica's world: forums, topics and their floors, generated from a seed."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from replica.clock import DATA_END, DATA_START, DEFAULT_SEED, TAIPEI
from replica.mobile01.phrases import (
    CHAT_LINES,
    CHAT_REPLIES,
    CHAT_TITLE,
    CHINESE_HANDLES,
    COMMENT_LINES,
    FORUMS,
    GIVEAWAY_LINES,
    GIVEAWAY_PRIZES,
    GIVEAWAY_REPLIES,
    GIVEAWAY_TITLE,
    HANDLE_PARTS,
    LIVE_LINES,
    LIVE_REPLIES,
    LIVE_TITLE,
    LIVE_WHAT,
    PINNED_LINES,
    PINNED_TITLE,
    SIGNATURES,
    SLOTS,
    STALE_LINES,
    STALE_TITLE,
    ForumSpec,
)
from replica.mobile01.plants import STYLE
from replica.plants import plant

KINDS = ("normal", "chat", "live", "giveaway")
FLOORS_PER_PAGE = 10
TOPICS_PER_PAGE = 30
WEEKS = (DATA_END - DATA_START).days // 7
_HOUR_WEIGHTS = (2, 1, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 5, 4)
_HOUR_CUM = list(accumulate(_HOUR_WEIGHTS))
_FIRST_TOPIC_ID = 5_640_000
_FIRST_POST_ID = 70_100_000
# A topic deleted between the mid-week and the after-week clocks the end-to-end test crawls at,
# so a second crawl has a stored topic to find gone.
LATE_DELETION = datetime(2019, 2, 9, 10, 0, tzinfo=TAIPEI)


@dataclass(frozen=True, slots=True)
class Author:
    """A member: the handle shown, the uid in `userinfo.php?id=`, and an optional signature."""

    name: str
    uid: int
    weight: float
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    """A short comment (留言) under a floor: not a floor, never counted as a reply."""

    author: Author
    at: datetime
    text: str


@dataclass(slots=True)
class Post:
    """One floor: #1 is the main post. A moderator may remove it (`removed_at`)."""

    post_id: int
    floor: int
    author: Author
    at: datetime
    lines: tuple[str, ...]
    quote: tuple[Post, ...] = ()
    removed_at: datetime | None = None
    comments: tuple[Comment, ...] = ()
    emoticon: bool = False

    def visible_at(self, now: datetime) -> bool:
        """Whether the floor shows at now: posted by then and not removed by then."""
        return self.at <= now and (self.removed_at is None or self.removed_at > now)


@dataclass(slots=True)
class Topic:
    """One topic: its main post (floor #1), its reply floors, and its deletion if any.

    `deleted_by` is "moderator" (the page says the topic was deleted) or "author" (the page
    answers 404); either way the topic leaves the forum's list at `deleted_at`.
    """

    topic_id: int
    forum: ForumSpec
    title: str
    kind: str
    posts: list[Post]
    views: int
    pinned: bool = False
    deleted_at: datetime | None = None
    deleted_by: str = ""
    case: str = ""  # the planted hard case (replica.plants), "" for the rest

    @property
    def main(self) -> Post:
        """The main post, floor #1."""
        return self.posts[0]

    @property
    def posted_at(self) -> datetime:
        """When the main post was made."""
        return self.main.at

    @property
    def author(self) -> Author:
        """Who opened the topic."""
        return self.main.author

    @property
    def path(self) -> str:
        """The topic's address on the site, page 1."""
        return f"/topicdetail.php?f={self.forum.forum_id}&t={self.topic_id}"

    def exists_at(self, now: datetime) -> bool:
        """Whether the topic has been posted at now (deleted or not)."""
        return self.posted_at <= now

    def deleted_by_time(self, now: datetime) -> bool:
        """Whether the topic is deleted at now."""
        return self.deleted_at is not None and self.deleted_at <= now

    def visible_posts(self, now: datetime) -> list[Post]:
        """The floors shown at now, main post first, in floor order."""
        return [p for p in self.posts if p.visible_at(now)]

    def last_reply_at(self, now: datetime) -> datetime:
        """The time of the newest floor shown at now (the main post's when there is none)."""
        return max(p.at for p in self.visible_posts(now))


@dataclass(slots=True)
class Forum:
    """A forum and its topics, in topic-id order."""

    spec: ForumSpec
    topics: list[Topic] = field(default_factory=list)

    def listed(self, now: datetime) -> list[Topic]:
        """The topic list at now: pinned first, then newest last reply first; deleted ones gone."""
        shown = [t for t in self.topics if t.exists_at(now) and not t.deleted_by_time(now)]
        pinned = sorted((t for t in shown if t.pinned), key=lambda t: -t.topic_id)
        rest = sorted(
            (t for t in shown if not t.pinned),
            key=lambda t: (t.last_reply_at(now), t.topic_id),
            reverse=True,
        )
        return pinned + rest


@dataclass(slots=True)
class World:
    """Everything the replica serves, independent of the clock."""

    seed: int
    authors: list[Author]
    forums: dict[int, Forum]
    topics: dict[int, Topic]

    def all_topics(self) -> Iterator[Topic]:
        """Every topic of every forum, in topic-id order."""
        return iter(sorted(self.topics.values(), key=lambda t: t.topic_id))


class _Filler(dict[str, str]):
    """A format mapping that picks a slot value on first use and keeps it for the title."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self._rng = rng

    def __missing__(self, key: str) -> str:
        value = self._rng.choice(SLOTS[key])
        self[key] = value
        return value


@dataclass(slots=True)
class _Plan:
    """A topic before ids are handed out (ids follow post times across the site)."""

    forum: ForumSpec
    title: str
    kind: str
    author: Author
    at: datetime
    lines: tuple[str, ...]
    replies: list[tuple[datetime, Author, tuple[str, ...]]]
    pinned: bool = False
    deleted_at: datetime | None = None
    deleted_by: str = ""
    case: str = ""


def _minute(when: datetime) -> datetime:
    """Drop seconds: Mobile01 shows minutes."""
    return when.replace(second=0, microsecond=0)


def _day_time(rng: random.Random, day: datetime) -> datetime:
    """A time on a day, busier in the evening."""
    hour = bisect_right(_HOUR_CUM, rng.random() * _HOUR_CUM[-1])
    return day.replace(hour=min(hour, 23), minute=rng.randrange(60))


def _make_authors(rng: random.Random) -> list[Author]:
    """About 240 members: ascii handles like `gn00448694`, and Chinese nicknames."""
    seen: set[str] = set()
    authors: list[Author] = []
    uid = 1_200_000
    names = list(CHINESE_HANDLES)
    while len(names) < 240:
        name = rng.choice(HANDLE_PARTS) + rng.choice((*HANDLE_PARTS[:10], ""))
        name += str(rng.randrange(1, 100000)).zfill(rng.choice((0, 3, 5)))
        names.append(name)
    for name in names:
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        uid += rng.randrange(1, 4000)
        sig = rng.choice(SIGNATURES) if rng.random() < 0.12 else None
        authors.append(Author(name, uid, round(rng.lognormvariate(0.0, 0.8), 3), sig))
    return authors


class _Pick:
    """Weighted choice of members."""

    def __init__(self, authors: list[Author]) -> None:
        self.authors = authors
        self.cum = list(accumulate(a.weight for a in authors))

    def __call__(self, rng: random.Random) -> Author:
        return self.authors[bisect_right(self.cum, rng.random() * self.cum[-1])]


def _reply_times(
    rng: random.Random, start: datetime, n: int, spread_hours: float, revive: bool
) -> list[datetime]:
    """n reply times after start, most within spread_hours, some days later when revived."""
    times = []
    for _ in range(n):
        delay = rng.expovariate(1 / spread_hours)
        if revive and rng.random() < 0.25:
            delay += rng.uniform(3 * 24, 13 * 24)
        times.append(_minute(start + timedelta(hours=delay, minutes=rng.randrange(1, 30))))
    return sorted(t for t in times if t < DATA_END)


def _reply_count(rng: random.Random) -> int:
    """How many replies a normal topic gets: most a few, some dozens, a few over a hundred."""
    roll = rng.random()
    if roll < 0.12:
        return 0
    if roll < 0.72:
        return rng.randrange(1, 10)
    if roll < 0.95:
        return rng.randrange(10, 40)
    return rng.randrange(60, 150)


def _plans(rng: random.Random, authors: list[Author]) -> list[_Plan]:
    """Every topic of every forum, with its replies' times, authors and texts."""
    pick = _Pick(authors)
    mods = authors[:6]
    plans: list[_Plan] = []

    def replies(
        spec: ForumSpec, at: datetime, n: int, spread: float, revive: bool, bank: tuple[str, ...]
    ) -> list[tuple[datetime, Author, tuple[str, ...]]]:
        out = []
        for when in _reply_times(rng, at, n, spread, revive):
            k = 1 if rng.random() < 0.6 else 2
            out.append((when, pick(rng), tuple(rng.sample(bank, k))))
        return out

    def steady(n: int, bank: tuple[str, ...]) -> list[tuple[datetime, Author, tuple[str, ...]]]:
        span = (DATA_END - DATA_START).total_seconds()
        times = sorted(
            _minute(DATA_START + timedelta(seconds=rng.uniform(0, span))) for _ in range(n)
        )
        return [(when, pick(rng), (rng.choice(bank),)) for when in times]

    for spec in FORUMS:
        pinned_at = _minute(datetime(2018, rng.randrange(3, 12), rng.randrange(1, 28), 10, 0))
        pinned_at = pinned_at.replace(tzinfo=TAIPEI)
        plans.append(
            _Plan(
                spec,
                PINNED_TITLE.format(forum=spec.name),
                "normal",
                mods[0],
                pinned_at,
                PINNED_LINES,
                steady(rng.randrange(4, 10), spec.replies),
                pinned=True,
            )
        )
        for week in range(WEEKS):
            monday = DATA_START + timedelta(days=7 * week)
            for _ in range(max(1, spec.weekly + rng.randrange(-3, 4))):
                at = _day_time(rng, monday + timedelta(days=rng.randrange(7)))
                n = _reply_count(rng)
                title = rng.choice(spec.titles).format_map(_Filler(rng))
                lines = tuple(rng.sample(spec.lines, rng.randrange(2, 4)))
                spread = 6.0 if n < 40 else 30.0
                plans.append(
                    _Plan(
                        spec,
                        title,
                        "normal",
                        pick(rng),
                        at,
                        lines,
                        replies(spec, at, n, spread, rng.random() < 0.3, spec.replies),
                    )
                )
            if spec.forum_id in (292, 651):  # weekly chat threads, opened on Monday
                at = monday.replace(hour=0, minute=rng.randrange(1, 20))
                end = monday + timedelta(days=6)
                plans.append(
                    _Plan(
                        spec,
                        CHAT_TITLE.format(start=monday, end=end),
                        "chat",
                        mods[1],
                        at,
                        CHAT_LINES,
                        replies(spec, at, rng.randrange(30, 80), 60.0, False, CHAT_REPLIES),
                    )
                )
            if spec.forum_id == 638 and week % 2 == 1:  # a live stream every other week
                at = _day_time(rng, monday + timedelta(days=rng.randrange(5))).replace(hour=13)
                code = "".join(rng.choice("abcdefghijkLMNOPQ0123456789") for _ in range(11))
                live = (LIVE_LINES[0].format(code=code), LIVE_LINES[1])
                plans.append(
                    _Plan(
                        spec,
                        LIVE_TITLE.format(what=rng.choice(LIVE_WHAT)),
                        "live",
                        pick(rng),
                        at,
                        live,
                        replies(spec, at, rng.randrange(25, 60), 1.0, False, LIVE_REPLIES),
                    )
                )
            if spec.forum_id == 657 and week % 3 == 0:  # a giveaway every third week
                at = _day_time(rng, monday + timedelta(days=rng.randrange(3)))
                plans.append(
                    _Plan(
                        spec,
                        GIVEAWAY_TITLE.format(prize=rng.choice(GIVEAWAY_PRIZES)),
                        "giveaway",
                        mods[2],
                        at,
                        GIVEAWAY_LINES,
                        replies(spec, at, rng.randrange(50, 110), 60.0, False, GIVEAWAY_REPLIES),
                    )
                )
        if spec.forum_id == 291:  # a long-running topic from before the span, still going
            at = datetime(2018, 9, 3, 21, 15, tzinfo=TAIPEI)
            plans.append(
                _Plan(
                    spec,
                    STALE_TITLE,
                    "normal",
                    pick(rng),
                    at,
                    STALE_LINES,
                    steady(70, spec.replies),
                )
            )
    return plans


def _delete(rng: random.Random, plans: list[_Plan]) -> None:
    """About one topic in thirty is deleted a few days after posting; one just before the clock."""
    for plan in plans:
        if plan.pinned or plan.kind != "normal" or plan.at < DATA_START:
            continue
        if rng.random() < 1 / 30:
            plan.deleted_at = _minute(plan.at + timedelta(hours=rng.uniform(2, 24 * 5)))
            plan.deleted_by = "moderator" if rng.random() < 0.5 else "author"
    late = [
        p
        for p in plans
        if p.forum.forum_id == 638
        and p.kind == "normal"
        and p.deleted_at is None
        and datetime(2019, 2, 4, tzinfo=TAIPEI) <= p.at < datetime(2019, 2, 6, tzinfo=TAIPEI)
        and len(p.replies) >= 3
    ]
    if late:
        chosen = late[0]
        chosen.deleted_at, chosen.deleted_by = LATE_DELETION, "moderator"


def generate_world(seed: int = DEFAULT_SEED) -> World:
    """Build a fresh world from a seed (deterministic)."""
    rng = random.Random(f"mobile01:{seed}")
    authors = _make_authors(rng)
    plans = _plans(rng, authors)
    _delete(rng, plans)
    # Planted topics draw from their own stream, so the rest of the world stays as it was.
    planted = random.Random(f"mobile01-plants:{seed}")
    plans += _planted(planted, authors, seed)
    plans.sort(key=lambda p: (p.at, p.forum.forum_id, p.title))
    topics: dict[int, Topic] = {}
    forums = {spec.forum_id: Forum(spec) for spec in FORUMS}
    floors: list[tuple[datetime, int, Post]] = []
    topic_id = _FIRST_TOPIC_ID
    for plan in plans:
        own = planted if plan.case else rng
        topic_id += own.randrange(3, 60)
        main = Post(0, 1, plan.author, plan.at, plan.lines)
        posts = [main]
        for n, (when, who, lines) in enumerate(plan.replies, start=2):
            posts.append(Post(0, n, who, max(when, plan.at), lines))
        topic = Topic(
            topic_id,
            plan.forum,
            plan.title,
            plan.kind,
            posts,
            views=own.randrange(80, 400) + 35 * len(posts),
            pinned=plan.pinned,
            deleted_at=plan.deleted_at,
            deleted_by=plan.deleted_by,
            case=plan.case,
        )
        _decorate(own, topic)
        topics[topic_id] = topic
        forums[plan.forum.forum_id].topics.append(topic)
        floors.extend((p.at, topic_id, p) for p in posts)
    post_id = _FIRST_POST_ID
    cases = {t.topic_id for t in topics.values() if t.case}
    for _, tid, post in sorted(floors, key=lambda f: (f[0], f[1], f[2].floor)):
        post_id += (planted if tid in cases else rng).randrange(1, 40)
        post.post_id = post_id
    return World(seed, authors, forums, topics)


def _planted(rng: random.Random, authors: list[Author], seed: int) -> list[_Plan]:
    """The planted hard cases as plans; every topic of a series is opened by one member."""
    pick = _Pick(authors)
    specs = {str(spec.forum_id): spec for spec in FORUMS}
    series: dict[str, Author] = {}
    out = []
    for p in plant("mobile01", seed, STYLE):
        author = series.setdefault(p.series, pick(rng)) if p.series else pick(rng)
        replies: list[tuple[datetime, Author, tuple[str, ...]]] = [
            (at, pick(rng), (rng.choice(p.bank),)) for at in p.replies
        ]
        lines = tuple(p.body.split("\n"))
        at = _minute(p.at)
        out.append(
            _Plan(specs[p.channel], p.title, p.kind, author, at, lines, replies, case=p.case)
        )
    return out


def _decorate(rng: random.Random, topic: Topic) -> None:
    """Quotes (some nested), removed floors, comments under floors, emoticons."""
    posts = topic.posts
    for i, post in enumerate(posts[1:], start=1):
        if rng.random() < 0.25:
            quoted = posts[rng.randrange(0, i)]
            post.quote = (quoted,)
        if rng.random() < 0.02 and topic.kind == "normal":
            post.removed_at = _minute(post.at + timedelta(hours=rng.uniform(1, 72)))
        if rng.random() < 0.06:
            n = rng.randrange(1, 4)
            post.comments = tuple(
                Comment(
                    posts[rng.randrange(0, len(posts))].author,
                    _minute(post.at + timedelta(minutes=rng.randrange(5, 60 * 30))),
                    rng.choice(COMMENT_LINES),
                )
                for _ in range(n)
            )
        post.emoticon = rng.random() < 0.05


@lru_cache(maxsize=4)
def build_world(seed: int = DEFAULT_SEED) -> World:
    """The world for a seed, built once per process."""
    return generate_world(seed)
