"""How this source phrases and places the planted hard cases (replica.plants)."""

from __future__ import annotations

from replica.plants import Phrasing, Style

PHRASINGS: dict[str, Phrasing] = {
    "giveaway_question_title": Phrasing(
        ("#問題 {q}？留言抽{n}位送{prize}", "#問題 {q} 留言抽{prize}"),
        ("mood", "trending"),
    ),
    "giveaway_review_title": Phrasing(
        ("#心得 {item}開箱 按讚分享抽{prize}", "#分享 {item}使用心得 留言抽{prize}"),
        ("makeup", "food"),
    ),
    "giveaway_body_end": Phrasing(
        ("#心得 {item} 使用心得", "#分享 {item} 比較"),
        ("makeup", "food", "mood"),
    ),
    "live_no_link": Phrasing(
        ("#閒聊 {event} 直播 一起看", "#分享 今晚{event}直播"),
        ("trending", "mood"),
    ),
    "vod_link": Phrasing(
        ("#分享 比賽重播錄影", "#討論 精華回顧"),
        ("trending",),
    ),
    "channel_live_page": Phrasing(
        ("#討論 新聞台的YouTube經營", "#問題 大家還看電視新聞嗎"),
        ("trending",),
    ),
    "music_live_tag": Phrasing(
        ("#分享 [LIVE] {artist} - {song}", "#音樂 {artist} {song} LIVE 版"),
        ("mood",),
    ),
    "gacha": Phrasing(
        ("#閒聊 {game} 抽卡結果", "#心得 {game} 抽卡運"),
        ("mood",),
    ),
    "repair": Phrasing(
        ("#問題 {phone} 送修經驗", "#心情 {phone} 送修好久"),
        ("job", "mood"),
    ),
    "winners_list": Phrasing(
        ("#公告 抽獎活動得獎名單", "#分享 得獎名單公布"),
        ("makeup", "food"),
    ),
    "chat_one_off": Phrasing(
        ("#閒聊 大家過年都在做什麼", "#閒聊 {q}"),
        ("mood",),
    ),
    "thirteen_days": Phrasing(
        ("#討論 {q}", "#問題 {q}"),
        ("trending",),
    ),
    "streamer_talk": Phrasing(
        ("#討論 看直播抖內的人在想什麼", "#閒聊 直播主{streamer}"),
        ("trending", "mood"),
    ),
    "chat_weekend": Phrasing(
        ("#閒聊 週末閒聊", "#閒聊 週末來聊天"),
        ("relationship",),
    ),
    "chat_after_close": Phrasing(
        ("#閒聊 {m}/{d} 下班閒聊", "#閒聊 {m}/{d} 下班後聊聊"),
        ("job",),
    ),
}
BODY_ENDS = ("tag 好友抽 {n} 位送{prize}", "按讚分享抽{n}位", "留言+tag好友抽{prize}")
"""How a post that looks like any other ends with the ask for replies."""
STYLE = Style(PHRASINGS, BODY_ENDS)
