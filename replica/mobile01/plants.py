"""How this source phrases and places the planted hard cases (replica.plants)."""

from __future__ import annotations

from replica.plants import Phrasing, Style

PHRASINGS: dict[str, Phrasing] = {
    "giveaway_question_title": Phrasing(
        ("{q}？留言抽{n}位送{prize}", "請益 {q} 回覆抽{prize}"),
        ("638", "651"),
    ),
    "giveaway_review_title": Phrasing(
        ("{item} 開箱心得 留言抽{n}位{prize}", "{item} 使用一個月 按讚分享抽獎"),
        ("657", "723"),
    ),
    "giveaway_body_end": Phrasing(
        ("{item} 使用心得分享", "{item} 比較 給大家參考"),
        ("657", "747"),
    ),
    "live_no_link": Phrasing(
        ("{event} 直播 大家一起看", "{mmdd} {event} 現場直播"),
        ("638",),
    ),
    "vod_link": Phrasing(
        ("比賽重播錄影分享", "精華回顧 錄影"),
        ("723",),
    ),
    "channel_live_page": Phrasing(
        ("新聞台的 YouTube 經營", "大家還看電視新聞嗎"),
        ("638",),
    ),
    "music_live_tag": Phrasing(
        ("[LIVE] {artist} - {song} 演唱會錄影", "{artist} {song} LIVE 版分享"),
        ("723",),
    ),
    "gacha": Phrasing(
        ("{game} 抽卡結果分享", "{game} 百抽心得"),
        ("723",),
    ),
    "repair": Phrasing(
        ("{phone} 送修經驗分享", "{phone} 送修要多久"),
        ("651", "657"),
    ),
    "winners_list": Phrasing(
        ("活動得獎名單公布", "抽獎活動 得獎名單"),
        ("657",),
    ),
    "chat_one_off": Phrasing(
        ("閒聊 大家過年都在做什麼", "閒聊一下 {q}"),
        ("292", "651"),
    ),
    "thirteen_days": Phrasing(
        ("{q}", "討論 {q}"),
        ("638",),
    ),
    "streamer_talk": Phrasing(
        ("看直播抖內的人在想什麼", "直播主 {streamer} 的收入"),
        ("638",),
    ),
    "chat_weekend": Phrasing(
        ("週末閒聊", "週末來閒聊"),
        ("292",),
    ),
    "chat_after_close": Phrasing(
        ("{m}/{d} 盤後閒聊", "{m}/{d} 盤後聊天"),
        ("291",),
    ),
}
BODY_ENDS = ("回覆本文抽 {n} 位送{prize}", "按讚分享抽{n}位", "留言抽{prize}")
"""How a post that looks like any other ends with the ask for replies."""
STYLE = Style(PHRASINGS, BODY_ENDS)
