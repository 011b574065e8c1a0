"""The Dcard replica's world: forums, posts and comments generated from a seed."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import accumulate

from replica.clock import DATA_END, DATA_START, DEFAULT_SEED, TAIPEI
from replica.dcard.phrases import (
    CHAT_BODY,
    CHAT_COMMENTS,
    DEPARTMENTS,
    EDIT_NOTES,
    FORUMS,
    GIVEAWAY_BODY,
    GIVEAWAY_COMMENTS,
    GIVEAWAY_TITLES,
    HOST_COMMENTS,
    LISTED_ONLY,
    LIVE_BODY,
    LIVE_COMMENTS,
    LIVE_TITLES,
    NICKNAMES,
    PINNED_BODY,
    PINNED_COMMENTS,
    PINNED_TITLE,
    REMOVAL_REASONS,
    SCHOOLS,
    SLOTS,
    ForumSpec,
)
from replica.dcard.plants import STYLE
from replica.plants import Plant, plant

KINDS = ("normal", "chat", "live", "giveaway")
FIRST_ID = 230_450_000
"""Dcard ids grow with time across the whole site: 224M in mid-2016, 232M in early 2020."""
PINNED_FIRST_ID = 229_100_000
_HOUR_WEIGHTS = (3, 2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 2, 3, 3, 4, 3, 3, 3, 3, 3, 4, 5, 6, 6, 6, 5)
_HOUR_CUM = list(accumulate(_HOUR_WEIGHTS))
REACTION_LIKE = "286f599c-f86a-4932-82f0-f5a06f1eca03"
"""The reaction id the real 2022 answers count likes under."""
# Fixed changes between the end-to-end tests' two clocks (2019-02-07 12:00 and the default
# 2019-02-11 09:00), so a re-crawl has a deleted post, a hidden post and removed comments to see.
EARLY = datetime(2019, 2, 7, 12, 0, tzinfo=TAIPEI)
FORCED = {
    "giveaway": datetime(2019, 2, 5, tzinfo=TAIPEI),
    "live": datetime(2019, 2, 6, tzinfo=TAIPEI),
}
"""Days a forum that has giveaways or live threads surely has one, so the report shows why."""
LATE = datetime(2019, 2, 11, 9, 0, tzinfo=TAIPEI)


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment (a floor) with its time; hidden or deleted later, it keeps the floor."""

    id: str
    post_id: int
    floor: int
    content: str
    at: datetime
    like_count: int
    school: str
    gender: str
    department: str | None
    anonymous: bool
    host: bool
    hidden_at: datetime | None = None
    deleted_at: datetime | None = None

    def exists_at(self, now: datetime) -> bool:
        """Whether the comment has been posted by now."""
        return self.at <= now

    def shown_at(self, now: datetime) -> bool:
        """Whether a reader sees its text at now (posted, not hidden, not deleted)."""
        return self.at <= now and not self.gone_by(now)

    def gone_by(self, now: datetime) -> datetime | None:
        """When it was hidden or deleted, if that happened by now."""
        times = [t for t in (self.hidden_at, self.deleted_at) if t is not None and t <= now]
        return min(times) if times else None


@dataclass(slots=True)
class Post:
    """One post of a forum, with its comments in floor order."""

    id: int
    forum: str
    title: str
    body: str
    at: datetime
    kind: str
    like_count: int
    school: str
    gender: str
    department: str | None
    nickname: bool
    anonymous_school: bool
    anonymous_department: bool
    topics: tuple[str, ...]
    category: str
    pinned: bool = False
    reply_to: Post | None = None
    images: tuple[str, ...] = ()
    edited_at: datetime | None = None
    edit_note: str = ""
    deleted_at: datetime | None = None
    removal: tuple[str, str] = ("", "")
    hidden_at: datetime | None = None
    comments: list[Comment] = field(default_factory=list)
    case: str = ""  # the planted hard case (replica.plants), "" for the rest

    @property
    def path(self) -> str:
        """The post's page on the site."""
        return f"/f/{self.forum}/p/{self.id}"

    def exists_at(self, now: datetime) -> bool:
        """Whether the post has been posted by now."""
        return self.at <= now

    def deleted_by(self, now: datetime) -> bool:
        """Whether the post was deleted at or before now."""
        return self.deleted_at is not None and self.deleted_at <= now

    def hidden_by(self, now: datetime) -> bool:
        """Whether the post was hidden at or before now."""
        return self.hidden_at is not None and self.hidden_at <= now

    def status_at(self, now: datetime) -> str:
        """ok, deleted or hidden at now (a deletion wins)."""
        if self.deleted_by(now):
            return "deleted"
        return "hidden" if self.hidden_by(now) else "ok"

    def gone_at(self, now: datetime) -> datetime | None:
        """When the post left the site (deleted or hidden), if by now."""
        times = [t for t in (self.deleted_at, self.hidden_at) if t is not None and t <= now]
        return min(times) if times else None

    def body_at(self, now: datetime) -> str:
        """The body as shown at now (an edit adds a note)."""
        if self.edited_at is not None and self.edited_at <= now:
            return f"{self.body}\n\n{self.edit_note}"
        return self.body

    def updated_at(self, now: datetime) -> datetime:
        """The post's last change visible at now."""
        if self.edited_at is not None and self.edited_at <= now:
            return self.edited_at
        return self.at

    def comments_at(self, now: datetime) -> list[Comment]:
        """The comments posted by now, in floor order (hidden and deleted ones keep floors)."""
        return [c for c in self.comments if c.at <= now]


@dataclass(frozen=True, slots=True)
class Forum:
    """A forum: its spec, its id and its posts (oldest first)."""

    spec: ForumSpec
    id: str
    created_at: datetime
    posts: tuple[Post, ...]

    @property
    def alias(self) -> str:
        """The alias in URLs (`mood`)."""
        return self.spec.alias

    @property
    def name(self) -> str:
        """The shown name (`心情`)."""
        return self.spec.name


@dataclass(frozen=True, slots=True)
class World:
    """Every forum, and every post by id."""

    seed: int
    forums: dict[str, Forum]
    by_id: dict[int, Post]

    def posts(self) -> Iterator[Post]:
        """Every post, forum by forum, oldest first."""
        for forum in self.forums.values():
            yield from forum.posts

    def forum_of(self, post: Post) -> Forum:
        """The forum a post is in."""
        return self.forums[post.forum]


def _uuid(rng: random.Random) -> str:
    """A random (version 4) UUID, as Dcard's comment and forum ids are."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _comment(
    rng: random.Random,
    cid: str,
    post: Post,
    floor: int,
    content: str,
    at: datetime,
    who: dict[str, object],
    host: bool,
    hidden_at: datetime | None = None,
    deleted_at: datetime | None = None,
) -> Comment:
    """A comment by who on post; its likes and anonymity drawn in this order from rng."""
    return Comment(
        id=cid,
        post_id=post.id,
        floor=floor,
        content=content,
        at=at,
        like_count=int(rng.expovariate(1 / 3)),
        school=str(who["school"]),
        gender=str(who["gender"]),
        department=(str(who["department"]) if who["department"] and not who["nickname"] else None),
        anonymous=rng.random() < 0.4,
        host=host,
        hidden_at=hidden_at,
        deleted_at=deleted_at,
    )


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    """A template with its `{slot}`s filled from the phrase banks."""
    values = {name: rng.choice(words) for name, words in SLOTS.items()}
    return template.format(**{**values, **extra})


def _time_of_day(rng: random.Random, day: datetime) -> datetime:
    """A time on a day, by the hours people post at, to the millisecond."""
    hour = rng.choices(range(24), cum_weights=_HOUR_CUM)[0]
    return day + timedelta(
        hours=hour,
        minutes=rng.randrange(60),
        seconds=rng.randrange(60),
        milliseconds=rng.randrange(1000),
    )


class _Generator:
    """Draws one world; each forum from its own random stream, so forums are independent."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def rng(self, *parts: object) -> random.Random:
        """A random stream named by the seed and some parts."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def author(self, rng: random.Random, spec: ForumSpec) -> dict[str, object]:
        """Who writes: a school and gender, sometimes a department or a nickname (2022)."""
        nickname = spec.schema == "2022" and rng.random() < 0.3
        if nickname:
            handle, shown = rng.choice(NICKNAMES)
            return {
                "school": shown,
                "department": handle,
                "nickname": True,
                "anonymous_school": False,
                "anonymous_department": False,
                "gender": rng.choice("FM"),
            }
        with_department = spec.schema == "2016" and rng.random() < 0.3
        return {
            "school": rng.choice(SCHOOLS),
            "department": rng.choice(DEPARTMENTS) if with_department else None,
            "nickname": False,
            "anonymous_school": False,
            "anonymous_department": not with_department,
            "gender": rng.choice("FFM"),
        }

    def body(self, rng: random.Random, spec: ForumSpec) -> str:
        """A few sentences of the forum's vocabulary, in short paragraphs."""
        lines = [
            _fill(rng, s)
            for s in rng.sample(spec.sentences, min(len(spec.sentences), rng.randint(2, 5)))
        ]
        return "\n".join(lines)

    def comment_times(
        self, rng: random.Random, post_at: datetime, n: int, kind: str
    ) -> list[datetime]:
        """When n comments come: mostly within days of the post, some much later."""
        times = []
        for _ in range(n):
            if post_at < DATA_START:  # an old pinned post: comments now and then over the span
                offset = (DATA_START - post_at) + (DATA_END - DATA_START) * rng.random()
            elif kind == "live":
                offset = timedelta(minutes=rng.uniform(1, 180))
            elif kind in ("chat", "giveaway"):
                offset = timedelta(hours=rng.uniform(0.1, 7 * 24))
            else:
                roll = rng.random()
                if roll < 0.7:
                    offset = timedelta(hours=rng.expovariate(1 / 10))
                elif roll < 0.95:
                    offset = timedelta(days=rng.uniform(3, 13))
                else:
                    offset = timedelta(days=rng.uniform(20, 45))
            at = post_at + offset + timedelta(milliseconds=rng.randrange(1000))
            if at < DATA_END:
                times.append(at)
        return sorted(times)

    def comments(self, rng: random.Random, spec: ForumSpec, post: Post, n: int) -> list[Comment]:
        """The post's comments, floors in time order, a few hidden or deleted later."""
        bank = {
            "chat": CHAT_COMMENTS,
            "giveaway": GIVEAWAY_COMMENTS,
            "live": LIVE_COMMENTS,
        }.get(post.kind, spec.comments)
        if post.pinned:
            bank = PINNED_COMMENTS
        out = []
        times = self.comment_times(rng, post.at, n, post.kind)
        for floor, at in enumerate(times, start=1):
            host = not post.pinned and rng.random() < 0.08
            who = self.author(rng, spec)
            text = rng.choice(HOST_COMMENTS if host else bank)
            if rng.random() < 0.3:
                text += rng.choice(("", "！", "～", " XD", "QQ", "😂", "👍"))
            hidden_at = deleted_at = None
            roll = rng.random()
            if roll < 0.02:
                hidden_at = at + timedelta(hours=rng.uniform(1, 48))
            elif roll < 0.04:
                deleted_at = at + timedelta(minutes=rng.uniform(10, 3 * 24 * 60))
            cid = _uuid(rng)
            out.append(_comment(rng, cid, post, floor, text, at, who, host, hidden_at, deleted_at))
        return out

    def comment_count(self, rng: random.Random, kind: str) -> int:
        """How many comments a post draws."""
        if kind == "chat":
            return rng.randint(60, 200)
        if kind == "giveaway":
            return rng.randint(60, 220)
        if kind == "live":
            return rng.randint(20, 80)
        if rng.random() < 0.12:
            return 0
        if rng.random() < 0.02:
            return rng.randint(120, 420)  # a hot post: several pages of comments
        return min(90, int(rng.expovariate(1 / 10)) + 1)

    def plan(self, spec: ForumSpec) -> list[tuple[datetime, str, str, str]]:
        """(time, kind, title, body) of every post of a forum over the span."""
        rng = self.rng("plan", spec.alias)
        out: list[tuple[datetime, str, str, str]] = []
        day = DATA_START
        while day < DATA_END:
            n = sum(1 for _ in range(spec.weekly * 2) if rng.random() < 1 / 14)
            for _ in range(n):
                title = f"#{rng.choice(spec.categories)} {_fill(rng, rng.choice(spec.titles))}"
                out.append((_time_of_day(rng, day), "normal", title, self.body(rng, spec)))
            if spec.chat_title and day.weekday() == 0:
                end = day + timedelta(days=6)
                title = spec.chat_title.format(
                    date=f"{day:%Y/%m/%d}", week=f"{day:%m/%d}-{end:%m/%d}"
                )
                at = day + timedelta(minutes=5, milliseconds=rng.randrange(1000))
                out.append((at, "chat", title, "\n".join(CHAT_BODY)))
            for kind, rate, titles, body in (
                ("giveaway", spec.giveaway_per_week, GIVEAWAY_TITLES, GIVEAWAY_BODY),
                ("live", spec.live_per_week, LIVE_TITLES, LIVE_BODY),
            ):
                forced = day == FORCED[kind]  # one of each kind in the tests' reference week
                if rate and (rng.random() < rate / 7 or forced):
                    title = _fill(rng, rng.choice(titles))
                    out.append((_time_of_day(rng, day), kind, title, "\n".join(body)))
            day += timedelta(days=1)
        return out

    def forum_posts(self, spec: ForumSpec) -> list[Post]:
        """A forum's posts (ids not yet given): its pinned rules post and the span's posts."""
        rng = self.rng("posts", spec.alias)
        posts = []
        rules_at = datetime(2018, 6, 1, tzinfo=TAIPEI) + timedelta(
            days=rng.randrange(120), hours=rng.randrange(9, 18), milliseconds=rng.randrange(10**6)
        )
        plan = [(rules_at, "normal", PINNED_TITLE.format(name=spec.name), "\n".join(PINNED_BODY))]
        plan += self.plan(spec)
        for n, (at, kind, title, body) in enumerate(plan):
            who = self.author(rng, spec)
            post = Post(
                id=0,
                forum=spec.alias,
                title=title,
                body=body,
                at=at,
                kind=kind,
                like_count=0,
                school=str(who["school"]),
                gender=str(who["gender"]),
                department=str(who["department"]) if who["department"] else None,
                nickname=bool(who["nickname"]),
                anonymous_school=bool(who["anonymous_school"]),
                anonymous_department=bool(who["anonymous_department"]),
                topics=tuple(rng.sample(spec.topics, rng.randint(0, min(3, len(spec.topics))))),
                category=title.split()[0].lstrip("#") if title.startswith("#") else "",
                pinned=n == 0,
            )
            if kind == "normal" and not post.pinned and rng.random() < 0.15:
                post.images = tuple(
                    f"https://i.imgur.com/{_uuid(rng)[:7]}.jpg" for _ in range(rng.randint(1, 4))
                )
                post.body += "\n" + "\n".join(post.images)
            if kind == "normal" and not post.pinned:
                roll = rng.random()
                if roll < 0.05:
                    post.edited_at = at + timedelta(hours=rng.uniform(0.5, 30))
                    post.edit_note = rng.choice(EDIT_NOTES)
                roll = rng.random()
                if roll < 0.03:
                    post.deleted_at = at + timedelta(hours=rng.uniform(2, 6 * 24))
                    post.removal = rng.choice(REMOVAL_REASONS)
                elif roll < 0.05 and spec.schema == "2022":
                    post.hidden_at = at + timedelta(hours=rng.uniform(2, 6 * 24))
            posts.append(post)
        return posts

    def generate(self) -> World:
        """Every forum's posts, ids given site-wide in time order, then their comments."""
        drafts = {spec.alias: self.forum_posts(spec) for spec in FORUMS}
        planted = self.planted(drafts)
        # Planted posts draw from their own streams, so the rest of the world stays as it was.
        ids, plant_ids = self.rng("ids"), self.rng("plants", "ids")
        every = sorted((p for ps in drafts.values() for p in ps), key=lambda p: p.at)
        next_id, next_pinned = FIRST_ID, PINNED_FIRST_ID
        for post in every:
            if post.case:
                next_id += plant_ids.randint(3, 60)
                post.id = next_id
            elif post.at < DATA_START:
                next_pinned += ids.randint(5_000, 90_000)
                post.id = next_pinned
            else:
                next_id += ids.randint(3, 60)
                post.id = next_id
        self.special_cases(drafts)
        forums: dict[str, Forum] = {}
        for spec in FORUMS:
            rng = self.rng("comments", spec.alias)
            plant_rng = self.rng("plants", "comments", spec.alias)
            posts = sorted(drafts[spec.alias], key=lambda p: p.id)
            previous: list[Post] = []
            for post in posts:
                if post.case:
                    post.comments = self.planted_comments(plant_rng, spec, post, planted[id(post)])
                    post.like_count = int(len(post.comments) * plant_rng.uniform(0.5, 3))
                    continue
                n = 3 + rng.randrange(10) if post.pinned else self.comment_count(rng, post.kind)
                post.comments = self.comments(rng, spec, post, n)
                post.like_count = int(len(post.comments) * rng.uniform(0.5, 3)) + rng.randrange(5)
                replies = spec.schema == "2022" and post.kind == "normal" and previous
                if replies and rng.random() < 0.05:
                    post.reply_to = rng.choice(previous[-30:])
                if post.kind == "normal" and not post.pinned:
                    previous.append(post)
            self.special_comments(posts)
            forums[spec.alias] = Forum(
                spec, _uuid(self.rng("forum", spec.alias)), self.created(spec), tuple(posts)
            )
        for alias, name, subscribers in LISTED_ONLY:
            spec = ForumSpec(alias, name, "2022", 0, "", subscribers, (), (), (), (), ())
            forums[alias] = Forum(spec, _uuid(self.rng("forum", alias)), self.created(spec), ())
        by_id = {p.id: p for f in forums.values() for p in f.posts}
        return World(self.seed, forums, by_id)

    def planted(self, drafts: dict[str, list[Post]]) -> dict[int, Plant]:
        """Add the planted hard cases to their forums; a series is posted by one account."""
        rng = self.rng("plants", "posts")
        specs = {spec.alias: spec for spec in FORUMS}
        accounts: dict[str, dict[str, object]] = {}
        out: dict[int, Plant] = {}
        for p in plant("dcard", self.seed, STYLE):
            spec = specs[p.channel]
            if p.series:
                who = accounts.setdefault(p.series, self.author(rng, spec))
            else:
                who = self.author(rng, spec)
            at = p.at + timedelta(milliseconds=rng.randrange(1000))
            post = Post(
                id=0,
                forum=spec.alias,
                title=p.title,
                body=p.body,
                at=at,
                kind=p.kind,
                like_count=0,
                school=str(who["school"]),
                gender=str(who["gender"]),
                department=str(who["department"]) if who["department"] else None,
                nickname=bool(who["nickname"]),
                anonymous_school=bool(who["anonymous_school"]),
                anonymous_department=bool(who["anonymous_department"]),
                topics=(),
                category=p.title.split()[0].lstrip("#") if p.title.startswith("#") else "",
                case=p.case,
            )
            drafts[spec.alias].append(post)
            out[id(post)] = p
        return out

    def planted_comments(
        self, rng: random.Random, spec: ForumSpec, post: Post, p: Plant
    ) -> list[Comment]:
        """A planted post's comments, at the plant's reply times, saying what its bank says."""
        out = []
        times = sorted(
            at + timedelta(seconds=rng.randrange(60), milliseconds=rng.randrange(1000))
            for at in p.replies
        )
        for floor, at in enumerate(times, start=1):
            who = self.author(rng, spec)
            cid = _uuid(rng)  # drawn before the text, as the world was generated
            out.append(_comment(rng, cid, post, floor, rng.choice(p.bank), at, who, False))
        return out

    def created(self, spec: ForumSpec) -> datetime:
        """When a forum was opened (before 2017)."""
        rng = self.rng("created", spec.alias)
        return datetime(2016, 5, 14, tzinfo=TAIPEI) + timedelta(
            days=rng.randrange(200), seconds=rng.randrange(86400), milliseconds=rng.randrange(1000)
        )

    def special_cases(self, drafts: dict[str, list[Post]]) -> None:
        """Between the tests' two clocks: one post deleted, one hidden (2022 forums)."""
        week = [
            p
            for alias in ("relationship", "mood")
            for p in drafts[alias]
            if p.kind == "normal"
            and not p.pinned
            and not p.case
            and EARLY - timedelta(days=3) <= p.at < EARLY
            and p.deleted_at is None
            and p.hidden_at is None
        ]
        week.sort(key=lambda p: p.id)
        if len(week) >= 2:
            week[0].deleted_at = EARLY + timedelta(hours=20)
            week[0].removal = REMOVAL_REASONS[0]
            week[-1].hidden_at = EARLY + timedelta(hours=30)

    def special_comments(self, posts: list[Post]) -> None:
        """Between the tests' two clocks: a visible comment of the week hidden, one deleted."""
        picked = 0
        for post in posts:
            if (
                post.pinned
                or post.case
                or post.deleted_at
                or post.hidden_at
                or not EARLY - timedelta(days=2) <= post.at < EARLY
            ):
                continue
            for i, c in enumerate(post.comments):
                if c.at < EARLY and c.hidden_at is None and c.deleted_at is None:
                    when = EARLY + timedelta(hours=10 + picked)
                    if picked % 2 == 0:
                        post.comments[i] = replace(c, hidden_at=when)
                    else:
                        post.comments[i] = replace(c, deleted_at=when)
                    picked += 1
                    break
            if picked >= 2:
                return


def generate_world(seed: int = DEFAULT_SEED) -> World:
    """A fresh world for a seed."""
    return _Generator(seed).generate()


@lru_cache(maxsize=4)
def build_world(seed: int = DEFAULT_SEED) -> World:
    """The world for a seed, built once per process."""
    return generate_world(seed)
