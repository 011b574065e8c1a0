"""The Mobile01 replica's forums and its Traditional Chinese phrase banks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ForumSpec:
    """One forum: its id, its own name, the menu sections above it and the name people use.

    `channel` is how the reference report writes the forum (`KYMCO (250cc以下)`); `weekly` is
    about how many topics it gets a week; `challenge` forums answer every page with a 403
    challenge, as Mobile01 does to clients it does not trust.
    """

    forum_id: int
    name: str
    sections: tuple[str, ...]
    channel: str
    weekly: int
    titles: tuple[str, ...]
    lines: tuple[str, ...]
    replies: tuple[str, ...]
    challenge: bool = False


_SCOOTER_TITLES = (
    "請問雷霆王會有高山症嗎",
    "{model} 開箱 騎了一個月的心得",
    "{model} 油耗大概多少？",
    "{model} 怠速抖動 正常嗎",
    "第一台車 {model} 還是 JET SL 好",
    "{model} 換皮帶要多少錢",
    "騎 {model} 上武嶺 分享",
    "{model} 後避震 換哪一款好",
)
_SCOOTER_LINES = (
    "最近剛交車，里程大概八百公里。",
    "平常通勤一天來回三十公里左右。",
    "保養廠說皮帶跟普利珠要一起換。",
    "油耗算下來大概一公升四十公里。",
    "山路上坡的時候覺得有點沒力。",
    "換了原廠後避震之後舒服很多。",
    "想請問大家一千公里保養都做什麼？",
    "冷車發動的時候會有一點異音。",
)
_SCOOTER_REPLIES = (
    "高海拔本來就會比較沒力，正常。",
    "我的也是，回廠調整一下就好了。",
    "皮帶一萬五到兩萬公里換比較保險。",
    "這台的油耗算不錯了。",
    "建議去原廠檢查一下比較安心。",
    "我騎三年了都沒什麼大問題。",
    "後避震換 KYB 的很多人推。",
    "怠速抖動可能是節流閥髒了。",
    "推一個，心得寫得很詳細。",
    "同問，我也遇到一樣的狀況。",
)
_NEWS_TITLES = (
    "中國生活水平是世界第一了~",
    "為什麼有人信奉宗教? 大陸是唯物主義無神論",
    "{place}又發生{event}，大家怎麼看",
    "油價下週{trend}，加油要趁早",
    "颱風假該怎麼放才合理",
    "{place}的房價還會再漲嗎",
    "年終獎金平均{months}個月 你領到了嗎",
    "春節連假 國道塞車 懶人包",
)
_NEWS_LINES = (
    "新聞來源是今天早上的報導。",
    "看完覺得有點誇張，想聽聽大家的意見。",
    "官方說會再研議，目前還沒有定案。",
    "記者會上面說明了後續的配套措施。",
    "網路上已經吵翻天了。",
    "這件事情影響的層面其實很廣。",
)
_NEWS_REPLIES = (
    "每次都這樣，最後不了了之。",
    "媒體報導要看清楚來源。",
    "這個政策我是支持的。",
    "說真的影響不大吧。",
    "看到標題就知道底下會吵起來。",
    "有沒有更完整的新聞連結？",
    "感謝分享，長知識了。",
    "等官方正式公告再說。",
)
_WORK_TITLES = (
    "華航機師罷工懶人包看看台灣勞工素質",
    "我年薪300萬，也可以要求不疲勞工作嗎？",
    "老闆要求{hours}點後才能下班 合法嗎",
    "年後想轉職{job}該注意什麼",
    "面試被問期望薪資 該怎麼回答",
    "公司說加班費用補休抵 可以嗎",
)
_WORK_LINES = (
    "目前在公司待了三年，薪水都沒什麼調整。",
    "主管常常下班前才交代事情。",
    "勞基法規定的加班費到底怎麼算？",
    "想趁年後換工作，不知道時機好不好。",
    "同事之間的氣氛其實還不錯。",
)
_WORK_REPLIES = (
    "可以去勞工局申訴。",
    "年後是轉職旺季，履歷先準備好。",
    "加班費不能直接用補休抵，要你同意才行。",
    "這種公司早點離開比較好。",
    "面試時可以說依公司規定。",
    "大家都是這樣熬過來的。",
    "推，說得很實在。",
)
_MONEY_TITLES = (
    "請問大家都說中國經濟很差",
    "{stock}現在可以進場嗎",
    "月存一萬 買 ETF 還是 {stock}",
    "升息之後 債券 ETF 怎麼看",
    "新手存股 第一年的心得",
    "定期定額 要選哪家券商手續費低",
)
_MONEY_LINES = (
    "最近盤勢震盪很大，有點不敢進場。",
    "我是小資族，每個月大概能存一萬。",
    "殖利率看起來還不錯，但擔心填息。",
    "外資這幾天一直在賣超。",
    "想長期持有，不打算短進短出。",
)
_MONEY_REPLIES = (
    "定期定額最適合新手。",
    "0050 跟 0056 選一個就好。",
    "先存緊急預備金再投資。",
    "殖利率高不代表報酬高。",
    "外資賣超不一定是壞事。",
    "手續費可以跟營業員談折扣。",
    "長期投資的話不用太在意短期漲跌。",
)
_LOVE_TITLES = (
    "一位被孩子不親近的姑姑",
    "交往{years}年 該不該求婚",
    "另一半總是忘記紀念日",
    "情人節禮物 大家都送什麼",
    "遠距離戀愛 怎麼維持",
)
_LOVE_LINES = (
    "我們交往好幾年了，感情一直很穩定。",
    "最近常常因為小事情吵架。",
    "朋友都說我想太多了。",
    "想聽聽過來人的建議。",
    "情人節快到了，不知道要準備什麼。",
)
_LOVE_REPLIES = (
    "溝通最重要，好好談一談。",
    "禮物不用貴，有心就好。",
    "換個角度想想對方的感受。",
    "我跟我老婆也是這樣走過來的。",
    "祝福你們。",
    "這種事情旁人很難說什麼。",
)
_START_TITLES = (
    "我年薪300萬，也可以要求不疲勞工作嗎？",
    "想開{shop}需要準備多少資金",
    "離職創業 一年後的心得",
    "加盟{shop}真的比較好嗎",
    "網拍副業 每個月多賺兩萬",
)
_START_LINES = (
    "存了一筆錢，想試試看自己開店。",
    "店面租金一個月大概五萬。",
    "第一年幾乎沒有賺錢。",
    "加盟金跟裝潢加起來要兩百萬。",
    "想知道有沒有前輩可以分享經驗。",
)
_START_REPLIES = (
    "先算清楚每個月的固定支出。",
    "開店不難，難的是撐下去。",
    "加盟要看合約細節。",
    "地點決定一半以上的生意。",
    "副業先從小規模開始比較安全。",
    "加油，祝你成功。",
)
_MOTOR_TITLES = (
    "[轉貼]這位騎重機的長腿姐姐生氣氣了~",
    "{model} 跟 {model2} 動力差多少",
    "改排氣管 會不會被檢舉",
    "馬力機實測 {model} 數據分享",
)
_MOTOR_LINES = (
    "上週去馬力機量了一下數據。",
    "改完排氣管聲音變得比較低沉。",
    "原廠設定其實已經很平衡了。",
    "有人改過 ECU 嗎？",
)
_MOTOR_REPLIES = (
    "數據看起來很漂亮。",
    "噪音超標會被開單喔。",
    "改 ECU 要找信任的店家。",
    "動研室一堆高手，等他們回。",
    "看了影片覺得還好。",
)

FORUMS: tuple[ForumSpec, ...] = (
    ForumSpec(
        657,
        "KYMCO(250cc以下)",
        ("機車", "輕型機車(250cc以下)"),
        "KYMCO (250cc以下)",
        8,
        _SCOOTER_TITLES,
        _SCOOTER_LINES,
        _SCOOTER_REPLIES,
    ),
    ForumSpec(
        638,
        "新聞與時事",
        ("生活娛樂",),
        "新聞與時事 (生活娛樂)",
        9,
        _NEWS_TITLES,
        _NEWS_LINES,
        _NEWS_REPLIES,
    ),
    ForumSpec(
        651,
        "職場甘苦談",
        ("生活娛樂",),
        "職場甘苦談 (生活娛樂)",
        6,
        _WORK_TITLES,
        _WORK_LINES,
        _WORK_REPLIES,
    ),
    ForumSpec(
        291,
        "投資與理財",
        ("生活娛樂",),
        "投資與理財 (生活娛樂)",
        6,
        _MONEY_TITLES,
        _MONEY_LINES,
        _MONEY_REPLIES,
    ),
    ForumSpec(
        292,
        "兩性與感情",
        ("生活娛樂",),
        "兩性與感情 (生活娛樂)",
        5,
        _LOVE_TITLES,
        _LOVE_LINES,
        _LOVE_REPLIES,
    ),
    ForumSpec(
        747,
        "創業夢想家",
        ("生活娛樂",),
        "創業夢想家",
        4,
        _START_TITLES,
        _START_LINES,
        _START_REPLIES,
    ),
    ForumSpec(
        723,
        "動研室七嘴八舌區",
        ("小惡魔的動力研究室",),
        "動研室七嘴八舌區 (小惡魔的動力研究室)",
        4,
        _MOTOR_TITLES,
        _MOTOR_LINES,
        _MOTOR_REPLIES,
    ),
    ForumSpec(
        660,
        "SYM(250cc以下)",
        ("機車", "輕型機車(250cc以下)"),
        "SYM (250cc以下)",
        4,
        _SCOOTER_TITLES,
        _SCOOTER_LINES,
        _SCOOTER_REPLIES,
        challenge=True,
    ),
)
"""The forums the replica serves, in menu order; the last always answers with a challenge."""

# Forums the menu lists but the replica has no topics for (their lists are empty).
EMPTY_FORUMS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (667, "KYMCO(250cc以上)", ("機車", "重型機車(250cc以上)")),
    (752, "KYMCO(電動機車)", ("機車", "電動機車")),
    (637, "軍事迷基地", ("生活娛樂",)),
)

SLOTS: dict[str, tuple[str, ...]] = {
    "model": ("雷霆S", "雷霆王", "GP125", "MANY", "VJR", "KRV", "AK550", "G6"),
    "model2": ("勁戰", "FORCE", "DRG", "JET SL", "BWS"),
    "place": ("台北", "新北", "台中", "高雄", "桃園", "台南"),
    "event": ("停電", "水管破裂", "交通大打結", "車禍連環撞"),
    "trend": ("漲", "跌", "不調整"),
    "months": ("1.5", "2", "2.5", "3"),
    "hours": ("八", "九", "十"),
    "job": ("軟體工程師", "業務", "行銷企劃", "會計"),
    "stock": ("台積電", "0050", "0056", "中華電", "鴻海"),
    "years": ("三", "五", "七"),
    "shop": ("早餐店", "手搖飲", "咖啡廳", "便當店"),
}

HANDLE_PARTS = (
    "gn", "pk", "alan", "tom", "kevin", "jack", "amy", "ken", "leo", "max", "ivy", "joe", "sam",
    "ray", "eric", "hank", "wei", "chen", "lin", "wang", "lee", "tsai", "huang", "blue", "moto",
)  # fmt: skip
CHINESE_HANDLES = (
    "挨踢部門", "瘦狐狸", "逍遙祐哥", "雪一粒", "遠遠的好好的", "美研師", "大鍋大", "郭疤",
    "軒軒Yo", "林俊宇0922", "小資女", "騎士阿偉", "機車行老闆", "股海小白", "存股阿姨",
    "上班族小明", "夜貓子", "台中阿傑", "高雄小胖", "新竹工程師", "老司機", "路過的", "阿宅",
)  # fmt: skip
SIGNATURES = (
    "Sub-1 .oO .oO share the Diving pleasure",
    "人生就是不斷的學習",
    "騎車平安 回家最重要",
    "投資一定有風險，基金投資有賺有賠",
    "我的部落格：歡迎來坐坐",
)
QUOTE_TAIL = "...(恕刪)"

CHAT_TITLE = "【閒聊】每週閒聊區 {start:%m/%d}-{end:%m/%d}"
CHAT_LINES = ("本週閒聊串，歡迎大家聊聊近況。", "請勿人身攻擊，違者刪文。")
CHAT_REPLIES = ("簽到", "今天好冷", "週末去哪裡玩？", "又到了星期一", "早安大家", "午餐吃什麼")
LIVE_TITLE = "【直播】{what} 現場直播"
LIVE_WHAT = ("行政院記者會", "颱風最新動態", "總統府記者會", "中央流行疫情指揮中心記者會")
LIVE_LINES = ("直播連結：https://www.youtube.com/live/{code}", "記者會預計下午兩點開始。")
LIVE_REPLIES = ("開始了", "聲音好小", "終於講到重點了", "來了來了", "這段重播在哪")
GIVEAWAY_TITLE = "【抽獎】留言抽 3 位送 {prize}"
GIVEAWAY_PRIZES = ("KYMCO 原廠安全帽", "機車雨衣組", "行車記錄器", "加油金 500 元")
GIVEAWAY_LINES = (
    "感謝大家支持，這次留言+分享抽 3 位送好禮。",
    "活動時間到月底，中獎名單會公布在這篇。",
)
GIVEAWAY_REPLIES = ("+1 參加", "想要，謝謝版主", "已分享 參加抽獎", "拜託抽中我", "+1")
PINNED_TITLE = "【公告】{forum} 版規 (發文前請先閱讀)"
PINNED_LINES = (
    "一、發文請使用正確的標題，禁止標題黨。",
    "二、禁止人身攻擊與不雅字眼，違者刪文。",
    "三、禁止商業廣告，違者停權。",
)
STALE_TITLE = "存股族 每月心得分享 (長期討論)"
STALE_LINES = ("這串給大家分享每個月存股的心得。", "請勿推薦個股報明牌。")
COMMENT_LINES = ("同意", "+1", "真的", "哈哈", "謝謝分享", "我也是這樣想", "說得好")
