"""How this source phrases and places the planted hard cases (replica.plants)."""

from __future__ import annotations

from replica.plants import Phrasing, Style

PHRASINGS: dict[str, Phrasing] = {
    "giveaway_question_title": Phrasing(
        (
            "[問卦] 推文抽{p}P幣 {q}？",
            "[問卦] {q}？推文抽{p}P",
            "[問卦] 有沒有{q}的八卦 推文送{n}位{p}P",
        ),
        ("Gossiping",),
    ),
    "giveaway_review_title": Phrasing(
        ("[心得] {item} 使用一個月 推文抽{prize}", "[心得] {item} 開箱 推文送{prize}"),
        ("MakeUp", "Food", "BabyMother"),
    ),
    "giveaway_body_end": Phrasing(
        ("[心得] {item} 使用心得", "[問題] {item} 該買哪一款", "[分享] {item} 比較"),
        ("BabyMother", "car", "MakeUp"),
    ),
    "live_no_link": Phrasing(
        ("[情報] 直播 {mmdd} {event}", "[情報] 今晚{event} 直播", "[新聞] {event} 直播中"),
        ("Gossiping",),
    ),
    "vod_link": Phrasing(
        ("[情報] 昨晚比賽 重播 錄影", "[討論] 比賽精華 回顧"),
        ("NBA",),
    ),
    "channel_live_page": Phrasing(
        ("[問卦] 電視台的頻道怎麼都沒人看", "[討論] 新聞台的 YouTube 經營"),
        ("Gossiping", "movie"),
    ),
    "music_live_tag": Phrasing(
        ("[LIVE] {artist} - {song} (2018 演唱會)", "[LIVE] {artist} {song} 現場版"),
        ("movie",),
    ),
    "gacha": Phrasing(
        ("[閒聊] {game} 新角色 抽卡心得", "[心得] {game} 百抽 抽卡結果"),
        ("WomenTalk", "Gossiping"),
    ),
    "repair": Phrasing(
        ("[問題] {phone} 送修要多久", "[請益] {phone} 送修經驗"),
        ("Tech_Job", "car"),
    ),
    "winners_list": Phrasing(
        ("[公告] 上週抽獎活動 得獎名單", "[情報] 活動得獎名單公布"),
        ("MakeUp", "Food"),
    ),
    "chat_one_off": Phrasing(
        ("[閒聊] 大家過年都在做什麼", "[閒聊] 為什麼{item}這麼貴", "[閒聊] {q}"),
        ("WomenTalk", "Gossiping"),
    ),
    "thirteen_days": Phrasing(
        ("[討論] {q}", "[問卦] {q}？"),
        ("Gossiping", "Stock"),
    ),
    "streamer_talk": Phrasing(
        ("[問卦] 有沒有直播主{streamer}的八卦", "[討論] 看直播抖內的人在想什麼"),
        ("Gossiping",),
    ),
    "chat_weekend": Phrasing(
        ("[閒聊] 週末閒聊", "[閒聊] 週末來閒聊", "[閒聊] 週末輕鬆聊"),
        ("car", "movie"),
    ),
    "chat_after_close": Phrasing(
        ("[閒聊] {m}/{d} 盤後閒聊", "[閒聊] {m}/{d} 盤後聊天"),
        ("Stock",),
    ),
}
BODY_ENDS = ("文末推文抽 {n} 位送{prize}", "文末推文抽{n}位 {prize}", "看到這裡的推文抽 {n} 位")
"""How a post that looks like any other ends with the ask for replies."""
STYLE = Style(PHRASINGS, BODY_ENDS)
