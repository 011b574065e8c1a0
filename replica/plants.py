"""Planted hard cases: chat, live and giveaway threads the rules must catch, and look-alikes.

Every source's world plants the same catalogue, phrased in its own style (PTT `[問卦] ...`,
Dcard `#問題 ...`, Mobile01 plain titles) and placed on its channels. Each planted thread
draws plenty of replies in its week, so a rule that misses one puts it on a board. The text
comes from several templates per case, drawn from a seeded generator, so the same seed gives
the same plants and the rules are not tuned to one literal string.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from replica.clock import DATA_END, DATA_START, TAIPEI

REFERENCE_WEEK = datetime(2019, 2, 4, tzinfo=TAIPEI)
"""The week the end-to-end tests rank: every one-off case is planted in it."""
WEEKS = (DATA_END - DATA_START).days // 7
OTHER_WEEKS = 2
"""Besides the reference week, each one-off case is planted in this many other weeks."""


@dataclass(frozen=True, slots=True)
class Plant:
    """One planted thread: where, when, its text, its replies, and the account of a series."""

    case: str
    kind: str  # normal | chat | live | giveaway: what the rules should make of it
    channel: str  # the source's own channel key (PTT board, Dcard alias, Mobile01 forum id)
    title: str
    body: str  # lines joined by "\n"
    at: datetime
    replies: tuple[datetime, ...]
    bank: tuple[str, ...]  # what the replies say
    series: str = ""  # periodic threads: one account opens every thread of a series


@dataclass(frozen=True, slots=True)
class Case:
    """A one-off hard case: what the rules should make of it, its body lines, its replies."""

    name: str
    kind: str
    bodies: tuple[str, ...]
    bank: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Phrasing:
    """How one source titles a case (templates over SLOTS) and the channels it goes on."""

    titles: tuple[str, ...]
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Style:
    """A source's phrasing of every case, and how its giveaways end a plain-looking body."""

    phrasings: dict[str, Phrasing]
    body_ends: tuple[str, ...]


SLOTS: dict[str, tuple[str, ...]] = {
    "p": ("500", "1000", "2000", "300"),
    "n": ("3", "5", "2", "10"),
    "prize": ("咖啡券", "星巴克飲料券", "超商禮券", "電影票", "保溫瓶", "面膜組", "7-11 禮券"),
    "item": ("氣炸鍋", "掃地機器人", "無線耳機", "保濕精華", "行車記錄器", "電動牙刷", "咖啡機"),
    "q": ("大家過年紅包包多少", "現在的年輕人都不存錢嗎", "最難吃的便當是哪家", "年終領幾個月"),
    "event": ("跨年晚會", "春節特別節目", "記者會", "總統府升旗典禮", "金曲獎頒獎", "除夕特別節目"),
    "game": ("FGO", "原神", "神魔之塔", "怪物彈珠", "公主連結", "天堂M"),
    "phone": ("iPhone XR", "Pixel 3", "小米 8", "Switch", "MacBook", "ASUS 筆電"),
    "artist": ("五月天", "蘇打綠", "告五人", "周杰倫", "田馥甄", "草東沒有派對"),
    "song": ("倔強", "小情歌", "披星戴月的想你", "晴天", "小幸運", "山海"),
    "streamer": ("統神", "館長", "國動", "阿神", "羅傑", "鳥屎"),
    "vod": ("1234567890", "381724455", "372098861", "365512409"),
    "chan": ("goodgame", "talkshow", "dailyshow", "newsroom", "musicday"),
}

_GIVEAWAY_BANK = ("參加", "+1", "推 感謝抽獎", "想要", "抽抽", "參加 謝謝", "希望抽中")
_LIVE_BANK = ("來了", "好看", "現場好多人", "轉台了", "卡卡的", "終於開始", "哈哈哈")
_CHAT_BANK = ("早安", "今天好冷", "晚餐吃什麼", "大家辛苦了", "睡不著", "閒聊一下", "週末愉快")
_STOCK_CHAT_BANK = ("今天又綠了", "收紅", "外資賣超", "明天開高", "存股", "盤後看新聞", "爽賺")
_TALK_BANK = ("同意", "有道理", "我也這樣覺得", "不一定吧", "推", "好問題", "笑死", "真的")

CASES: tuple[Case, ...] = (
    Case(
        "giveaway_question_title",
        "giveaway",
        ("如題，好奇大家的看法。", "我先說我的，歡迎分享。", "推文抽{n}位，週日晚上開獎。"),
        _GIVEAWAY_BANK,
    ),
    Case(
        "giveaway_review_title",
        "giveaway",
        ("用了一個月，優點是方便，缺點是有點吵。", "價格算合理，CP值不錯。", "詳細心得如下。"),
        _GIVEAWAY_BANK,
    ),
    Case(
        "giveaway_body_end",
        "giveaway",
        ("用了兩個月，說一下心得。", "整體來說很滿意，推薦給大家。", "{end}"),
        _GIVEAWAY_BANK,
    ),
    Case(
        "live_no_link",
        "live",
        ("晚上八點開始，電視跟網路都有轉播。", "邊看邊聊，歡迎一起來。", "主持人好像換人了。"),
        _LIVE_BANK,
    ),
    Case(
        "vod_link",
        "normal",
        ("錯過的可以看重播：", "https://www.twitch.tv/videos/{vod}", "第三節那波真的精彩。"),
        _TALK_BANK,
    ),
    Case(
        "channel_live_page",
        "normal",
        (
            "看他們頻道的首頁，https://www.youtube.com/@{chan}/live 平常都是空的。",
            "影片點閱率其實也不高。",
            "大家覺得原因是什麼？",
        ),
        _TALK_BANK,
    ),
    Case(
        "music_live_tag",
        "normal",
        ("去年演唱會的錄影，現場版比錄音室好聽。", "副歌大合唱那段超感動。", "音質有點普通。"),
        _TALK_BANK,
    ),
    Case(
        "gacha",
        "normal",
        ("這次新角色一百抽才出。", "大家可以分享抽卡結果。", "保底機制真的要改。"),
        _TALK_BANK,
    ),
    Case(
        "repair",
        "normal",
        ("螢幕突然不亮了。", "客服回覆送修大概要兩週。", "有人送修過嗎？"),
        _TALK_BANK,
    ),
    Case(
        "winners_list",
        "normal",
        ("感謝大家參加上週的活動，得獎名單如下：", "恭喜以上得獎者。", "獎品會在兩週內寄出。"),
        ("恭喜", "可惜沒中", "下次再來", "推", "謝謝板主"),
    ),
    Case(
        "chat_one_off",
        "normal",
        ("突然想到這個問題。", "大家的經驗是什麼？", "我先說我的。"),
        _TALK_BANK,
    ),
    Case(
        "thirteen_days",
        "normal",
        ("這篇兩週前發的，最近又被翻出來討論。", "補充一下上次沒講的。", "歡迎大家繼續回。"),
        _TALK_BANK,
    ),
    Case(
        "streamer_talk",
        "normal",
        ("看直播的人越來越多。", "{streamer}一場直播抖內好幾萬。", "是不是該轉行當直播主？"),
        _TALK_BANK,
    ),
)

# The periodic series, each opened again and again by one account: (case, weekdays, hour, bank).
SERIES: tuple[tuple[str, tuple[int, ...], int, tuple[str, ...]], ...] = (
    ("chat_weekend", (5,), 10, _CHAT_BANK),
    ("chat_after_close", (0, 1, 2, 3, 4), 14, _STOCK_CHAT_BANK),
)
_SERIES_BODY = ("今天的閒聊串，歡迎大家進來聊聊。", "請遵守板規。")


class _Fill(dict[str, str]):
    """A format mapping that picks each slot once per thread."""

    def __init__(self, rng: random.Random, **fixed: str) -> None:
        super().__init__(fixed)
        self._rng = rng

    def __missing__(self, key: str) -> str:
        value = self._rng.choice(SLOTS[key])
        self[key] = value
        return value


def _minute(when: datetime) -> datetime:
    """Drop seconds: every source shows at least minutes."""
    return when.replace(second=0, microsecond=0)


def _replies(rng: random.Random, start: datetime, n: int, spread_hours: float) -> list[datetime]:
    """n reply times after start, spread over about spread_hours, none past the span."""
    out = [
        _minute(start + timedelta(minutes=1 + rng.uniform(0, spread_hours * 60))) for _ in range(n)
    ]
    return sorted(t for t in out if t < DATA_END)


def _one_off(rng: random.Random, style: Style, case: Case, week: datetime, turn: int) -> Plant:
    """One thread of a one-off case in a week, drawing its replies inside the week.

    The case's `turn`-th thread takes the next title template, so its wording varies.
    """
    n = rng.randint(25, 60)
    if case.name == "thirteen_days":
        at = week - timedelta(days=13) + timedelta(hours=rng.uniform(2, 20))
        early = _replies(rng, at, rng.randint(3, 8), 24)
        late = _replies(rng, week + timedelta(hours=1), n, 5.5 * 24)
        replies = early + late
    else:
        at = week + timedelta(days=rng.randrange(4), hours=rng.uniform(8, 22))
        replies = _replies(rng, at, n, 48 if case.kind != "live" else 4)
    fill = _Fill(rng, mmdd=f"{at.month}/{at.day}")
    phrasing = style.phrasings[case.name]
    fill["end"] = rng.choice(style.body_ends).format_map(fill)
    title = phrasing.titles[turn % len(phrasing.titles)].format_map(fill)
    lines = [line.format_map(fill) for line in case.bodies]
    if case.name != "giveaway_body_end":
        lines = lines[:1] + rng.sample(lines[1:], len(lines) - 1)
    return Plant(
        case.name,
        case.kind,
        rng.choice(phrasing.channels),
        title,
        "\n".join(lines),
        _minute(at) + timedelta(seconds=rng.randrange(60)),
        tuple(replies),
        case.bank,
    )


def plant(label: str, seed: int, style: Style) -> list[Plant]:
    """Every planted thread of a source's world, in time order (same seed, same plants)."""
    rng = random.Random(f"replica-plants:{label}:{seed}")
    weeks = [DATA_START + timedelta(days=7 * w) for w in range(WEEKS - 1)]
    # A 13-day-old post of the first two weeks would predate the span.
    others = [w for w in weeks[2:] if w != REFERENCE_WEEK]
    out: list[Plant] = []
    for case in CASES:
        first = rng.randrange(len(style.phrasings[case.name].titles))
        for turn, week in enumerate([REFERENCE_WEEK, *rng.sample(others, OTHER_WEEKS)]):
            out.append(_one_off(rng, style, case, week, first + turn))
    for name, days, hour, bank in SERIES:
        phrasing = style.phrasings[name]
        channel = rng.choice(phrasing.channels)
        title = rng.choice(phrasing.titles)
        for monday in weeks:
            for day in days:
                at = monday + timedelta(days=day, hours=hour, minutes=rng.randrange(1, 25))
                n = rng.randint(25, 45) if monday == REFERENCE_WEEK else rng.randint(8, 20)
                text = title.format(m=at.month, d=at.day)
                replies = _replies(rng, at, n, 30 if len(days) == 1 else 9)
                body = "\n".join(_SERIES_BODY)
                out.append(Plant(name, "chat", channel, text, body, at, tuple(replies), bank, name))
    out.sort(key=lambda p: (p.at, p.case))
    return out
