"""The YouTube replica's world: channels, their videos, comment threads and replies, from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from replica.clock import DATA_END, DATA_START, DEFAULT_SEED, TAIPEI

_ID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
REFERENCE_WEEK = datetime(2019, 2, 4, tzinfo=TAIPEI)
EARLY = datetime(2019, 2, 7, 12, 0, tzinfo=TAIPEI)
DELETED = datetime(2019, 2, 9, 12, 0, tzinfo=TAIPEI)
"""A video of each channel seen at EARLY (the end-to-end tests' first clock) is deleted then."""

CHANNELS: tuple[tuple[str, str, float], ...] = (
    # (shown name = handle, topic words, videos per day)
    ("胡子Huzi", "生活 美國 台灣 文化", 1.4),
    ("TheKellyYang", "健身 美食 生活 開箱", 1.1),
    ("VITO維特", "遊戲 攻略 電競 開箱", 2.6),
)
TITLES = (
    "{x}的那些事",
    "第一次{x}！超緊張",
    "【{t}】{x}大家最想知道的問題",
    "{x}挑戰 結果出乎意料",
    "聊聊{x} 我的{t}真心話",
    "{t} vlog {x}一日行程",
    "{x}開箱 值得買嗎？",
    "{t}｜{x}到底好不好",
)
SUBJECTS = (
    "便利商店",
    "夜市",
    "高鐵",
    "租房",
    "搬家",
    "健身房",
    "早餐店",
    "咖啡廳",
    "手搖飲",
    "機車",
    "颱風天",
    "過年",
    "年終",
    "考駕照",
    "露營",
    "滑雪",
    "泡溫泉",
    "看牙醫",
    "剪頭髮",
    "養貓",
    "養狗",
    "網購",
    "二手衣",
    "電動車",
    "高爾夫",
    "拉麵",
    "火鍋",
    "燒肉",
    "甜點",
    "麵包店",
    "書店",
    "演唱會",
    "遊樂園",
    "動物園",
    "博物館",
    "海邊",
    "爬山",
    "跑馬拉松",
    "學日文",
    "打工",
)
GIVEAWAYS = (
    ("【抽獎】{t}開箱 留言抽3位送無線耳機", "訂閱頻道+按讚+留言就能參加抽獎！\n2/10 晚上開獎"),
    ("{t}心得分享 留言抽5位送咖啡券", "影片最後有抽獎活動，留言+分享就有機會抽中"),
)
PHRASES = (
    "好好笑",
    "太猛了",
    "第一",
    "支持",
    "終於更新了",
    "這集好看",
    "哈哈哈哈",
    "推推",
    "學到了",
    "真的假的",
    "我也是這樣",
    "期待下一集",
    "剪輯好用心",
    "笑死",
    "同意",
    "好想去",
    "看了三遍",
    "感謝分享",
    "這個厲害",
    "想看更多",
    "好療癒",
    "超有共鳴",
)
GIVEAWAY_PHRASES = ("參加", "想要抽", "+1", "已訂閱已分享", "希望抽中", "參加謝謝")


def ident(rng: random.Random, n: int) -> str:
    """An id of n characters from YouTube's id alphabet."""
    return "".join(rng.choice(_ID) for _ in range(n))


@dataclass(slots=True)
class Comment:
    """A top-level comment or a reply, with the time it was posted and any deletion."""

    id: str
    author: str
    author_channel: str
    text: str
    at: datetime
    likes: int
    parent: str | None = None
    deleted_at: datetime | None = None
    edited_at: datetime | None = None

    def shown_at(self, when: datetime) -> bool:
        """Whether a reader sees it at a time."""
        return self.at <= when and (self.deleted_at is None or self.deleted_at > when)


@dataclass(slots=True)
class Thread:
    """A top-level comment and its replies (oldest first)."""

    top: Comment
    replies: list[Comment] = field(default_factory=list)

    def shown_replies(self, when: datetime) -> list[Comment]:
        """Replies a reader sees at a time (none once the top-level comment is gone)."""
        if not self.top.shown_at(when):
            return []
        return [r for r in self.replies if r.shown_at(when)]


@dataclass(slots=True)
class Video:
    """One upload with its comment threads (oldest first)."""

    id: str
    channel: Channel
    title: str
    description: str
    at: datetime
    kind: str = "normal"  # normal | giveaway: what the rules should make of it
    deleted_at: datetime | None = None
    comments_disabled: bool = False
    views: int = 0
    likes: int = 0
    threads: list[Thread] = field(default_factory=list)

    def exists_at(self, when: datetime) -> bool:
        """Whether it was uploaded by a time."""
        return self.at <= when

    def deleted_by(self, when: datetime) -> bool:
        """Whether it was deleted by a time."""
        return self.deleted_at is not None and self.deleted_at <= when

    def shown_threads(self, when: datetime) -> list[Thread]:
        """Threads whose top-level comment a reader sees at a time, newest first."""
        found = [t for t in self.threads if t.top.shown_at(when)]
        return sorted(found, key=lambda t: (t.top.at, t.top.id), reverse=True)

    def comment_count(self, when: datetime) -> int:
        """Comments and replies shown at a time (statistics.commentCount)."""
        return sum(1 + len(t.shown_replies(when)) for t in self.shown_threads(when))

    def status_at(self, when: datetime) -> str:
        """ok or deleted."""
        return "deleted" if self.deleted_by(when) else "ok"


@dataclass(slots=True)
class Channel:
    """A channel: shown name (also its handle), id, uploads playlist, videos (oldest first)."""

    name: str
    id: str
    topics: tuple[str, ...]
    videos: list[Video] = field(default_factory=list)

    @property
    def uploads(self) -> str:
        """The uploads playlist: the channel id with UC turned into UU, as YouTube does."""
        return "UU" + self.id[2:]


@dataclass(slots=True)
class World:
    """Every channel and video of one seed."""

    seed: int
    channels: dict[str, Channel]
    by_id: dict[str, Video]
    by_handle: dict[str, Channel]
    by_channel_id: dict[str, Channel]
    by_playlist: dict[str, Channel]

    def videos(self) -> list[Video]:
        """Every video, in channel then time order."""
        return [v for c in self.channels.values() for v in c.videos]


def _users(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Commenters: (shown name, channel id)."""
    names = ("小明", "阿傑", "Amy", "Kevin", "小魚", "Jerry", "貓貓", "Ray", "阿華", "Vivian")
    return [
        (f"{rng.choice(names)}{rng.randrange(10, 9999)}", "UC" + ident(rng, 22)) for _ in range(n)
    ]


def _comment(
    rng: random.Random,
    users: list[tuple[str, str]],
    at: datetime,
    bank: tuple[str, ...],
    parent: str | None,
    cid: str,
) -> Comment:
    """One comment at a time; a few are deleted later, a few edited."""
    name, channel_id = rng.choice(users)
    text = rng.choice(bank) + ("" if rng.random() < 0.6 else " " + rng.choice(bank))
    if rng.random() < 0.1:
        text += "\n" + rng.choice(bank)
    comment = Comment(cid, name, channel_id, text, at, int(rng.expovariate(0.3)), parent)
    roll = rng.random()
    if roll < 0.04:
        comment.deleted_at = at + timedelta(hours=rng.uniform(1, 120))
    elif roll < 0.08:
        comment.edited_at = at + timedelta(minutes=rng.uniform(1, 600))
    return comment


def _second(at: datetime) -> datetime:
    """Times to the second, as the API shows them."""
    return at.replace(microsecond=0)


def _threads(
    rng: random.Random, users: list[tuple[str, str]], video: Video, n: int, bank: tuple[str, ...]
) -> list[Thread]:
    """n threads on a video, most soon after it went up, some weeks later; replies under some."""
    threads = []
    for _ in range(n):
        delay = rng.expovariate(1 / 20) if rng.random() < 0.85 else rng.uniform(24, 24 * 30)
        at = _second(video.at + timedelta(hours=delay, seconds=rng.randrange(1, 3600)))
        if at >= DATA_END:
            continue
        tid = "Ugz" + ident(rng, 16) + "4AaABAg"
        thread = Thread(_comment(rng, users, at, bank, None, tid))
        roll = rng.random()
        replies = 0 if roll < 0.6 else rng.randint(1, 4) if roll < 0.9 else rng.randint(5, 14)
        for _ in range(replies):
            rat = _second(at + timedelta(hours=rng.expovariate(1 / 10), seconds=rng.randrange(60)))
            if rat < DATA_END:
                rid = f"{tid}.{ident(rng, 11)}{ident(rng, 11)}"
                thread.replies.append(_comment(rng, users, rat, bank, tid, rid))
        thread.replies.sort(key=lambda r: r.at)
        threads.append(thread)
    threads.sort(key=lambda t: t.top.at)
    return threads


def _pattern(title: str) -> str:
    """A title with digits, spaces and punctuation dropped: repeats of one look like a series."""
    return "".join(ch for ch in title.lower() if ch.isalpha())


def _video(rng: random.Random, channel: Channel, at: datetime) -> Video:
    """A plain upload, its title unlike the channel's earlier ones (no series by accident)."""
    used = {_pattern(v.title) for v in channel.videos}
    for _ in range(200):
        topic = rng.choice(channel.topics)
        title = rng.choice(TITLES).format(t=topic, x=rng.choice(SUBJECTS))
        if _pattern(title) not in used:
            break
    description = f"今天來聊{topic}！\n喜歡的話請訂閱 {channel.name}\n#{topic}"
    return Video(ident(rng, 11), channel, title, description, _second(at))


def build(seed: int) -> World:
    """Generate the world of a seed (same seed, same world)."""
    rng = random.Random(f"replica-youtube:{seed}")
    users = _users(rng, 600)
    channels: dict[str, Channel] = {}
    for name, topics, rate in CHANNELS:
        channel = Channel(name, "UC" + ident(rng, 22), tuple(topics.split()))
        at = DATA_START + timedelta(hours=rng.uniform(0, 24 / rate))
        while at < DATA_END:
            video = _video(rng, channel, at)
            roll = rng.random()
            if roll < 0.04:
                video.comments_disabled = True
            elif roll < 0.08:
                video.deleted_at = video.at + timedelta(days=rng.uniform(1, 12))
            if not video.comments_disabled:
                n = int(rng.lognormvariate(2.4, 0.8))
                video.threads = _threads(rng, users, video, n, PHRASES)
            channel.videos.append(video)
            at += timedelta(hours=rng.expovariate(rate / 24) + 1)
        channels[name] = channel
    _plant(random.Random(f"replica-youtube-plants:{seed}"), users, channels)
    for channel in channels.values():
        channel.videos.sort(key=lambda v: (v.at, v.id))
        for v in channel.videos:
            v.views = rng.randint(500, 200_000)
            v.likes = v.views // rng.randint(20, 60)
    by_id = {v.id: v for c in channels.values() for v in c.videos}
    return World(
        seed,
        channels,
        by_id,
        {c.name.lower(): c for c in channels.values()},
        {c.id: c for c in channels.values()},
        {c.uploads: c for c in channels.values()},
    )


def _plant(rng: random.Random, users: list[tuple[str, str]], channels: dict[str, Channel]) -> None:
    """Giveaway videos in the reference week drawing floods of comments, and a busy video.

    The busy one has hundreds of threads (several commentThreads pages) and one thread with
    over a hundred replies (several `comments?parentId=` pages).
    """
    names = list(channels)
    for n, (title, body) in enumerate(GIVEAWAYS):
        channel = channels[names[n % 2]]
        at = REFERENCE_WEEK + timedelta(days=1 + n, hours=rng.uniform(10, 20))
        video = Video(
            ident(rng, 11),
            channel,
            title.format(t=rng.choice(SUBJECTS)),
            body,
            _second(at),
            kind="giveaway",
        )
        video.threads = _threads(rng, users, video, rng.randint(240, 300), GIVEAWAY_PHRASES)
        channel.videos.append(video)
    for channel in channels.values():
        seen = [
            v
            for v in channel.videos
            if REFERENCE_WEEK - timedelta(days=7) <= v.at < EARLY - timedelta(days=1)
            and v.threads
            and not v.comments_disabled
            and v.deleted_at is None
            and v.kind == "normal"
        ]
        seen[-1].deleted_at = DELETED
    channel = channels[names[-1]]
    busy = _video(rng, channel, REFERENCE_WEEK - timedelta(days=2, hours=3))
    busy.threads = _threads(rng, users, busy, 300, PHRASES)
    long = busy.threads[len(busy.threads) // 2]
    for _ in range(130):
        rat = _second(long.top.at + timedelta(hours=rng.uniform(0, 150)))
        rid = f"{long.top.id}.{ident(rng, 22)}"
        long.replies.append(_comment(rng, users, rat, PHRASES, long.top.id, rid))
    long.replies.sort(key=lambda r: r.at)
    channel.videos.append(busy)


@lru_cache(maxsize=4)
def build_world(seed: int = DEFAULT_SEED) -> World:
    """The world of a seed, built once per process."""
    return build(seed)
