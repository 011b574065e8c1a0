"""Exclusion rules: each rule with titles it must catch and titles it must leave alone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from ranking_rows import WEEK, days_before_window, row

from ranking.exclusions import PATTERNS, REASONS, RULES, apply_exclusions, classify
from ranking.models import ThreadCount


def reason(r: ThreadCount) -> str | None:
    x = classify(r, WEEK)
    return None if x is None else x.reason


# --- deleted -----------------------------------------------------------------------------------


def test_deleted_threads_are_excluded_first() -> None:
    x = classify(row("[閒聊] 2019/02/05 週二 閒聊文", status="deleted"), WEEK)
    assert x is not None and x.reason == "deleted" and "deleted" in x.detail


def test_ok_status_is_not_deleted() -> None:
    assert reason(row(status="ok")) is None


# --- 閒聊文①: periodic chat threads ------------------------------------------------------------

PERIODIC = [
    "[閒聊] 2019/02/05 週二 閒聊文",
    "[閒聊] 每日閒聊區 02/05",
    "閒聊文",
    "[聊天] 本週聊天串",
    "每日閒聊區 02/05",
    "本週聊天串",
    "[公告] 每日閒聊 2019/02/05",
    "[閒聊] 韓星板 2021年八月 置底閒聊文",
    "[閒聊] 活動提醒 08/23-08/29",
    "[閒聊][千年]千年戦争アイギス 02/05",
    "【每日閒聊】2/5",
    "Re: [閒聊] 2019/02/05 週二 閒聊文",
    "[閒聊] 第 12 串 板友聊天",
    "[雜談] 2019/02 月聊天區",
]
NOT_PERIODIC = [
    "[問卦] 有沒有閒聊的八卦",
    "[問卦] 閒聊文是不是越來越多",
    "[閒聊] 騎乘決鬥應該夠資格列入奧運項目吧？",
    "[閒聊] 大家的電視是立著還是掛著XD",
    "[閒聊] 2/14 情人節大家怎麼過",
    "[閒聊] 週二的憂鬱",
    "[公告] 2019/02/05 伺服器維護",
    "有沒有閒聊文很多的看板推薦一下",
    "[新聞] 每日閒聊區成新聞來源？",
]


@pytest.mark.parametrize("title", PERIODIC)
def test_periodic_chat_threads_are_excluded(title: str) -> None:
    assert reason(row(title)) == "chit_chat_periodic"


@pytest.mark.parametrize("title", NOT_PERIODIC)
def test_ordinary_threads_are_not_periodic_chat(title: str) -> None:
    assert reason(row(title)) is None


# --- 閒聊文②: stale threads ----------------------------------------------------------------------


def test_main_post_more_than_14_days_before_the_window_is_stale_chat() -> None:
    x = classify(row(posted_at=days_before_window(20)), WEEK)
    assert x is not None and x.reason == "chit_chat_stale"
    assert "2019-01-15" in x.detail


def test_exactly_14_days_before_is_not_stale() -> None:
    assert reason(row(posted_at=days_before_window(14))) is None
    edge = days_before_window(14) - timedelta(seconds=1)
    assert reason(row(posted_at=edge)) == "chit_chat_stale"


def test_unknown_post_time_is_not_stale() -> None:
    assert reason(row(posted_at=None)) is None


def test_posts_inside_or_just_before_the_window_are_not_stale() -> None:
    assert reason(row(posted_at=days_before_window(3))) is None
    assert reason(row(posted_at=WEEK.start + timedelta(days=2))) is None


# --- 直播文 ---------------------------------------------------------------------------------------

LIVE_TITLES = [
    "[直播] 華航機師罷工記者會",
    "[LIVE] 2019 LoL 春季賽",
    "[Live] 記者會",
    "【直播】總統府記者會",
    "Re: [直播] 華航機師罷工記者會",
    "[實況] 今晚爬塔",
    "今晚 8 點直播開箱！",
    "LIVE｜韓國瑜記者會",
    "#直播 一起跨年",
]
NOT_LIVE_TITLES = [
    "[新聞] 直播主逃漏稅 國稅局追查",
    "[問卦] 直播主一個月賺多少",
    "[新聞] 華航罷工記者會直播畫面曝光",
    "直播主的收入到底有多少",
    "[心得] Olive 橄欖油好用",
    "大家都在 deliver 什麼",
]


@pytest.mark.parametrize("title", LIVE_TITLES)
def test_live_titles_are_excluded(title: str) -> None:
    assert reason(row(title)) == "live"


@pytest.mark.parametrize("title", NOT_LIVE_TITLES)
def test_titles_that_only_mention_streaming_are_not_live(title: str) -> None:
    assert reason(row(title)) is None


@pytest.mark.parametrize(
    "body",
    [
        "直播網址：https://www.youtube.com/watch?v=abc",
        "傳送門 https://www.youtube.com/live/AbCdEf123",
        "https://youtu.be/AbCdEf123?feature=live",
        "來看 https://www.twitch.tv/someone",
        "https://www.facebook.com/ettoday/live/",
        "https://17.live/profile/r/123",
        "現正直播 https://www.youtube.com/@TVBS/live",
    ],
)
def test_a_live_stream_link_in_the_body_makes_a_live_thread(body: str) -> None:
    assert reason(row("[新聞] 華航罷工記者會", body=body)) == "live"


@pytest.mark.parametrize(
    "body",
    [
        "影片：https://www.youtube.com/watch?v=abc",
        "https://youtu.be/AbCdEf123",
        "https://www.facebook.com/ettoday/posts/123",
        "昨天的直播主好好笑",
    ],
)
def test_ordinary_video_links_are_not_live(body: str) -> None:
    assert reason(row("[問卦] 這影片怎麼回事", body=body)) is None


# --- 贈獎文 ---------------------------------------------------------------------------------------

GIVEAWAY_TITLES = [
    "[贈獎] 推文抽 3 位送電影票",
    "[抽獎] 新年快樂",
    "【抽獎】蝦皮豬年刮刮樂",
    "[情報] 推文抽 10 位 7-11 禮券",
    "[贈送] 全新行動電源",
    "留言抽 AirPods！按讚分享再加碼",
    "【蝦皮精選豬年刮刮樂】#文末抽獎 對你好就是要讓你豬到",
    "小編要來送粉絲好禮 tag 兩位好友就有機會",
    "按讚+分享抽 3 位送好禮",
]
NOT_GIVEAWAY_TITLES = [
    "[新聞] 政府發放3000元振興券 加碼抽獎",
    "[新聞] 推文抽iPhone是詐騙？",
    "[問卦] 有沒有抽獎都抽不中的八卦",
    "[情報] beanfun除夕起~送零用金活動展開!",
    "我中獎了！分享一下開箱",
    "[心得] 分享送禮物給女友的經驗",
    "[問卦] 尾牙抽獎抽到 iPhone 要分享到臉書嗎",
]


@pytest.mark.parametrize("title", GIVEAWAY_TITLES)
def test_giveaway_titles_are_excluded(title: str) -> None:
    assert reason(row(title)) == "giveaway"


@pytest.mark.parametrize("title", NOT_GIVEAWAY_TITLES)
def test_news_and_ordinary_titles_are_not_giveaways(title: str) -> None:
    assert reason(row(title)) is None


def test_facebook_post_asking_to_comment_for_a_prize_in_the_body() -> None:
    r = row(
        "神魔之塔派獎活動來了",
        platform="facebook",
        channel="邵凡僖",
        body="只要在此貼文留言你最想要的角色，就抽 5 位送出限定禮包！",
    )
    assert reason(r) == "giveaway"


def test_prize_and_ask_split_across_title_and_body_of_an_untagged_post() -> None:
    body = "規則：留言 1-200 的號碼，獎品是筆電"
    r = row("ASUS大樂透，等你來下注", platform="facebook", body=body)
    assert reason(r) == "giveaway"


def test_ptt_info_post_describing_a_promo_elsewhere_is_not_a_giveaway() -> None:
    body = "活動辦法：到官方粉專留言抽 iPhone，分享貼文再加碼抽獎"
    assert reason(row("[情報] beanfun 掃碼領紅包", channel="Lifeismoney", body=body)) is None


def test_ptt_post_asking_for_pushes_in_its_body_is_a_giveaway() -> None:
    body = "感謝大家支持，本篇推文抽 5 位送 100 元禮券"
    assert reason(row("[情報] 全家咖啡買一送一", channel="Lifeismoney", body=body)) == "giveaway"


def test_news_body_quoting_a_giveaway_does_not_make_a_giveaway() -> None:
    assert reason(row("[新聞] 網紅抽獎爭議", body="網紅要粉絲留言抽獎品，最後沒寄")) is None


# --- pinned ---------------------------------------------------------------------------------------


def test_pinned_flag_excludes() -> None:
    x = classify(row("[公告] 八卦板板規 (2019/01/01)", pinned=True), WEEK)
    assert x is not None and x.reason == "pinned"


@pytest.mark.parametrize("title", ["[公告] 八卦板板規", "[板規] 發文規範", "[公告] 置底 檢舉區"])
def test_board_rules_titles_are_pinned(title: str) -> None:
    assert reason(row(title)) == "pinned"


@pytest.mark.parametrize("title", ["[問卦] 板規是不是太嚴", "[公告] Kennyq 水桶"])
def test_other_titles_mentioning_rules_are_not_pinned(title: str) -> None:
    assert reason(row(title)) is None


# --- order and plumbing -------------------------------------------------------------------------


def test_rules_run_in_the_documented_order() -> None:
    assert [name for name, _ in RULES] == list(REASONS)
    assert list(REASONS) == [
        "deleted",
        "chit_chat_periodic",
        "live",
        "giveaway",
        "pinned",
        "chit_chat_stale",
    ]


def test_first_matching_rule_gives_the_reason() -> None:
    old_live = row("[直播] 春季賽", posted_at=days_before_window(30))
    assert reason(old_live) == "live"
    old_giveaway = row("[抽獎] 新年快樂", posted_at=days_before_window(30), pinned=True)
    assert reason(old_giveaway) == "giveaway"


def test_exclusion_carries_the_thread_context() -> None:
    r = row("[直播] 記者會", new_replies=321, estimate=True)
    x = classify(r, WEEK)
    assert x is not None
    assert (x.thread_id, x.platform, x.channel, x.title, x.url) == (
        r.thread_id,
        "ptt",
        "Gossiping",
        r.title,
        r.url,
    )
    assert x.new_replies == 321 and x.estimate
    assert "[直播]" in x.detail


def test_apply_exclusions_splits_and_keeps_order() -> None:
    rows = [row("[問卦] 一"), row("[直播] 二"), row("[問卦] 三"), row("閒聊文")]
    kept, excluded = apply_exclusions(rows, WEEK)
    assert [r.title for r in kept] == ["[問卦] 一", "[問卦] 三"]
    assert [x.reason for x in excluded] == ["live", "chit_chat_periodic"]


def test_patterns_are_lower_case_because_they_read_lower_cased_text() -> None:
    for name, rx in PATTERNS.items():
        if name != "live_word":
            letters = re.sub(r"\\[A-Za-z]", "", rx)
            assert letters == letters.lower(), name


# --- the hard cases of issue 9 ------------------------------------------------------------------
# A channel's /live page alone used to make a thread live; the issue found it mentioned in
# passing as often as not, so it now needs a stream word beside it (test above).


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("[問卦] 推文抽1000P幣", "如題"),
        ("[心得] 台中咖啡廳巡禮 推文抽咖啡券", "甜點普通"),
        ("[食記] 新竹拉麵", "湯頭濃郁。\n\n文末推文抽 3 位"),
        ("tag 兩位好友 抽 5 名送手鍊", ""),
    ],
)
def test_asks_for_a_prize_in_question_and_review_posts_are_giveaways(title: str, body: str) -> None:
    x = classify(row(title, body=body), WEEK)
    assert x is not None and x.reason == "giveaway"
    assert "=" in x.detail and "贈獎文" in x.detail  # the evidence and its total


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("[閒聊] 十連抽全歪", "保底還要 80 抽"),
        ("[心得] 手機送修經驗", "送修三天"),
        ("[公告] 1 月推文抽獎 得獎名單", "恭喜以下得獎者"),
        ("[問卦] 抽籤抽到上上籤", ""),
        ("[問題] 送洗羽絨衣推薦", ""),
        ("[情報] 故宮免費參觀", "春節期間免費"),
        ("[分享] 抽屜收納心得", "整理抽屜"),
    ],
)
def test_gacha_repairs_winners_and_free_things_are_not_giveaways(title: str, body: str) -> None:
    assert reason(row(title, body=body)) is None


def test_live_title_with_a_date_but_no_link_is_live() -> None:
    x = classify(row("[情報] 直播 12/31 跨年晚會"), WEEK)
    assert x is not None and x.reason == "live" and "12/31" in x.detail


@pytest.mark.parametrize(
    ("title", "body", "channel"),
    [
        ("[情報] 昨晚精華", "完整錄影 https://www.twitch.tv/videos/12345", "C_Chat"),
        ("[閒聊] 她的頻道", "https://www.youtube.com/@vtuber/live 之前看過", "C_Chat"),
        ("[LIVE] 嵐 東京巨蛋", "演唱會 DVD 心得", "Japan_Band"),
        ("[LIVE] BTS 首爾演唱會", "官方上傳", "KoreaStar"),
    ],
)
def test_recordings_passing_mentions_and_music_board_live_are_not_live(
    title: str, body: str, channel: str
) -> None:
    assert reason(row(title, body=body, channel=channel)) is None


def test_live_on_a_music_board_is_still_live_elsewhere() -> None:
    assert reason(row("[LIVE] 嵐 東京巨蛋", channel="Baseball")) == "live"


@pytest.mark.parametrize(
    "title", ["[閒聊] 週末閒聊", "[閒聊] 2/5 盤後閒聊", "每日閒聊 2019/02/05", "[閒聊] 2/5 閒聊"]
)
def test_weekend_and_session_chat_threads_are_periodic(title: str) -> None:
    assert reason(row(title)) == "chit_chat_periodic"


@pytest.mark.parametrize(
    "title",
    ["[閒聊] 每天都好想睡覺怎麼辦", "[閒聊] 週末看了三部電影心得", "[0206]進化.龍王 地獄級"],
)
def test_one_off_chat_and_daily_notices_are_not_periodic(title: str) -> None:
    assert reason(row(title)) is None


def test_a_channels_recurring_titles_come_from_the_rules_file() -> None:
    assert reason(row("[閒聊] 盤中 快跌停了", channel="Stock")) == "chit_chat_periodic"
    assert reason(row("[閒聊] 盤中 快跌停了", channel="Gossiping")) is None


@pytest.mark.parametrize(
    ("title", "body", "platform", "expected"),
    [
        ("新品上市！", "在這則貼文留言 +1，我們將抽出 5 位粉絲送新品", "facebook", "giveaway"),
        (
            "感謝 10 萬粉絲",
            "按讚粉專、分享本貼文並留言，就有機會把好禮帶回家！",
            "facebook",
            "giveaway",
        ),
        ("送 2 張票 留言告訴我你想跟誰去", "", "facebook", "giveaway"),
        ("[問卦] 留言送出去沒反應", "", "ptt", None),
        ("[問題] Steam 推文抽獎可信嗎", "", "ptt", None),
        ("[問卦] 朋友叫我去粉專留言抽獎", "他說留言就能抽 iPhone", "ptt", None),
        ("分享送修回來的狀況", "", "dcard", None),
        ("大家都看哪個直播主", "我都看 twitch.tv/someone 的台", "dcard", None),
    ],
)
def test_giveaway_and_live_evidence_beyond_the_labelled_set(
    title: str, body: str, platform: str, expected: str | None
) -> None:
    assert reason(row(title, body=body, platform=platform)) == expected


# --- which kinds a platform's boards leave out ([board.exclude]) --------------------------------


def test_fan_pages_and_youtube_leave_out_only_giveaways_as_the_reference_headings_say() -> None:
    stale = days_before_window(30)
    for platform in ("facebook", "youtube"):
        assert reason(row("每週閒聊", platform=platform, channel="c", posted_at=stale)) is None
        assert reason(row("[直播] 今晚 20:00 開台", platform=platform, channel="c")) is None
        assert reason(row("[抽獎] 留言抽 3 位送好禮", platform=platform, channel="c")) == "giveaway"
        gone = row("[抽獎] 留言抽 3 位送好禮", platform=platform, channel="c", status="deleted")
        assert reason(gone) == "deleted"
    assert reason(row("每週閒聊", posted_at=stale)) in {"chit_chat_periodic", "chit_chat_stale"}
    assert reason(row("[直播] 今晚 20:00 開台")) == "live"
