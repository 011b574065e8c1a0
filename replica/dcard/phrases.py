"""Forum specs and the Traditional Chinese phrase banks the Dcard world draws its text from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ForumSpec:
    """How one forum behaves: its names, which API generation it answers in, volume, texts."""

    alias: str
    name: str
    schema: str  # "2016" or "2022": the key set its posts are served in
    weekly: int  # normal posts a week
    description: str
    subscribers: int
    categories: tuple[str, ...]  # the `#tag` a title opens with
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    comments: tuple[str, ...]
    topics: tuple[str, ...]
    chat_title: str = ""  # a weekly chat thread opened every Monday, "" for none
    giveaway_per_week: float = 0.0
    live_per_week: float = 0.0
    challenge: bool = False  # every route of the forum answers a Cloudflare challenge (403)
    bom: bool = False  # answers start with a UTF-8 BOM, as some saved real files do


SLOTS: dict[str, tuple[str, ...]] = {
    "who": ("男友", "女友", "室友", "同事", "主管", "媽媽", "爸爸", "學長", "學妹", "閨蜜", "前任"),
    "place": ("台北", "台中", "高雄", "台南", "新竹", "桃園", "花蓮", "宜蘭", "板橋", "淡水"),
    "food": (
        "拉麵",
        "牛肉麵",
        "鹹酥雞",
        "早午餐",
        "火鍋",
        "燒肉",
        "甜點",
        "珍奶",
        "滷肉飯",
        "咖哩",
        "義大利麵",
        "炸雞",
    ),
    "brand": (
        "Dior",
        "YSL",
        "MAC",
        "NARS",
        "Bobbi Brown",
        "1028",
        "Kate",
        "蜜丹絲",
        "資生堂",
        "蘭蔻",
    ),
    "item": (
        "唇膏",
        "粉底",
        "遮瑕",
        "眼影盤",
        "腮紅",
        "防曬",
        "卸妝油",
        "化妝水",
        "睫毛膏",
        "氣墊",
    ),
    "job": ("行銷", "業務", "工程師", "設計", "行政", "會計", "客服", "PM", "門市", "助理"),
    "news": (
        "年金改革",
        "空污",
        "一例一休",
        "公投",
        "地方選舉",
        "油價",
        "健保",
        "颱風假",
        "房價",
        "最低工資",
    ),
    "feel": ("好累", "好難過", "好開心", "很焦慮", "好想哭", "很感動", "有點迷惘", "鬆了一口氣"),
    "num": ("2", "3", "5", "10", "半", "一"),
}

FORUMS: tuple[ForumSpec, ...] = (
    ForumSpec(
        alias="mood",
        name="心情",
        schema="2022",
        weekly=24,
        description="提供分享生活情緒、抒發心情或交流各種情緒處理的經歷故事。",
        subscribers=756521,
        categories=("心情", "分享", "無分類", "問"),
        titles=(
            "今天真的{feel}",
            "和{who}吵架了",
            "一個人在{place}的第一年",
            "謝謝那個陌生人",
            "期末終於結束了",
            "不知道該怎麼跟{who}說",
            "搬出宿舍的那天",
            "半夜睡不著想說說話",
            "被{who}說太敏感",
            "第一次自己看醫生",
            "生日沒有人記得",
            "終於鼓起勇氣辭職",
        ),
        sentences=(
            "最近真的壓力很大，每天都睡不好。",
            "跟{who}講了很久還是沒有結論。",
            "有時候覺得自己是不是太在意別人的眼光。",
            "今天下班走在路上突然就哭了。",
            "謝謝願意看完的你。",
            "希望大家都能被溫柔對待。",
            "說出來之後好像輕鬆一點了。",
            "不知道有沒有人也有一樣的感覺。",
            "在{place}住了三年還是很想家。",
            "明天還是要繼續加油。",
        ),
        comments=(
            "抱抱你",
            "辛苦了",
            "會越來越好的",
            "同感",
            "加油！",
            "你已經很棒了",
            "看完好難過",
            "有需要可以找人聊聊",
            "推",
            "一樣 最近也是",
            "給你一個擁抱",
            "先好好睡一覺吧",
        ),
        topics=("心情", "抒發", "感動的事", "一句晚安", "靠北", "勵志"),
        chat_title="#閒聊 心情週記閒聊串 {date}",
    ),
    ForumSpec(
        alias="trending",
        name="時事",
        schema="2016",
        weekly=18,
        description="時事新聞與社會議題討論。",
        subscribers=617582,
        categories=("新聞", "討論", "問卦"),
        titles=(
            "{news}新制上路大家怎麼看",
            "關於{news}的幾個疑問",
            "{place}又停水了",
            "{news}到底影響誰",
            "看完新聞只想說",
            "這次{news}你支持嗎",
            "{place}捷運延伸有望",
            "整理一下{news}的爭議",
        ),
        sentences=(
            "新聞說下個月開始實施。",
            "身邊的人意見差很多。",
            "想聽聽大家的想法，理性討論。",
            "整理了幾個重點如下。",
            "不知道政府會怎麼因應。",
            "附上新聞連結，有興趣的可以看。",
            "希望不要又吵成一團。",
            "實際受影響的人其實不少。",
        ),
        comments=(
            "推理性討論",
            "不意外",
            "看看就好",
            "希望真的有改善",
            "這個真的很重要",
            "原PO整理得很清楚",
            "先觀望",
            "又來了",
            "支持",
            "反對",
            "謝謝整理",
        ),
        topics=("時事", "新聞", "社會"),
        bom=True,
    ),
    ForumSpec(
        alias="relationship",
        name="感情",
        schema="2022",
        weekly=26,
        description="無論是遠距離戀愛、分手、曖昧、告白，都歡迎在這裡分享。",
        subscribers=1522967,
        categories=("求助", "分享", "心情", "閃光"),
        titles=(
            "曖昧三個月該告白嗎",
            "{who}一直不回訊息",
            "遠距離戀愛的第一年",
            "分手後還能當朋友嗎",
            "第一次見{who}的家人",
            "交往紀念日要送什麼",
            "被已讀不回好焦慮",
            "在{place}約會的推薦",
            "和{who}的價值觀不同",
            "終於在一起了",
        ),
        sentences=(
            "我們是在社團認識的。",
            "他最近常常說很忙。",
            "朋友都叫我直接問清楚。",
            "不知道是不是我想太多。",
            "我們已經交往兩年了。",
            "每次吵架都是我先道歉。",
            "想問問有經驗的卡友。",
            "其實我知道答案，只是不想承認。",
            "最後還是決定好好談一談。",
        ),
        comments=(
            "勇敢一點",
            "快逃",
            "祝福你們",
            "好甜",
            "要好好溝通",
            "感覺他沒那麼喜歡你",
            "同樣遠距離加油",
            "閃瞎",
            "真心建議分",
            "先愛自己",
            "羨慕",
            "這個要問清楚",
        ),
        topics=("愛情", "曖昧", "分手", "閃光", "遠距離"),
    ),
    ForumSpec(
        alias="makeup",
        name="美妝",
        schema="2022",
        weekly=18,
        description="美妝相關話題，彩妝、保養、香水心得分享。",
        subscribers=1313515,
        categories=("心得", "請益", "分享", "開箱"),
        titles=(
            "{brand}{item}使用心得",
            "油肌適合的{item}推薦",
            "{item}比較懶人包",
            "新手{item}怎麼挑",
            "{brand}新品試色",
            "平價{item}回購清單",
            "敏感肌的{item}救星",
            "黃皮{item}色號請益",
        ),
        sentences=(
            "用了大概兩個禮拜。",
            "持妝度比想像中好。",
            "缺點是有點乾。",
            "色號偏暖，黃皮可以放心。",
            "上臉很服貼不卡粉。",
            "價格在專櫃算親民。",
            "附上手臂試色給大家參考。",
            "混合肌的我覺得很夠用。",
            "會再回購。",
        ),
        comments=(
            "好美的顏色",
            "求色號",
            "這支我也有",
            "想買+1",
            "謝謝分享",
            "混油肌可以用嗎",
            "專櫃有現貨嗎",
            "被燒到了",
            "試色好清楚",
            "回購很多次了",
            "好心動",
        ),
        topics=("保養", "彩妝", "唇膏", "粉底", "防曬"),
        chat_title="#閒聊 每週閒聊區 {week}",
        giveaway_per_week=0.6,
    ),
    ForumSpec(
        alias="job",
        name="工作",
        schema="2016",
        weekly=15,
        description="工作經驗分享、職涯討論、求職面試心得。",
        subscribers=748443,
        categories=("請益", "心得", "討論"),
        titles=(
            "{job}新鮮人薪水合理嗎",
            "面試被問到期望待遇",
            "第一份工作做了半年想離職",
            "{place}{job}職缺請益",
            "主管一直丟工作過來",
            "轉職{job}的心得",
            "加班費怎麼算",
            "試用期被刷掉了",
        ),
        sentences=(
            "目前在{place}上班。",
            "起薪大概三萬二。",
            "每天都加班到九點。",
            "同事人都很好。",
            "想問問大家的經驗。",
            "已經準備好履歷了。",
            "面試了三間公司。",
            "不確定該不該待滿一年。",
        ),
        comments=(
            "快逃",
            "正常",
            "看產業",
            "先存錢再說",
            "推薦去人力銀行看看",
            "加油",
            "勞基法有規定",
            "可以談",
            "這很常見",
            "騎驢找馬",
        ),
        topics=("職場", "面試", "薪水"),
        bom=True,
    ),
    ForumSpec(
        alias="food",
        name="美食",
        schema="2022",
        weekly=15,
        description="美食心得、食譜與餐廳推薦。",
        subscribers=1215001,
        categories=("食記", "分享", "請益", "食譜"),
        titles=(
            "{place}隱藏版{food}",
            "{place}{food}吃起來",
            "自己在家做{food}",
            "{food}名店排隊心得",
            "{place}平價{food}推薦",
            "宵夜就是要吃{food}",
            "第一次吃到這麼好吃的{food}",
        ),
        sentences=(
            "湯頭很濃郁。",
            "份量很多，兩個人吃剛好。",
            "排了大概四十分鐘。",
            "價格算合理。",
            "老闆人很好。",
            "附近停車不太方便。",
            "會想再訪。",
            "口味偏重，喜歡清淡的要注意。",
        ),
        comments=(
            "看起來好好吃",
            "地址在哪",
            "收藏",
            "餓了",
            "這家真的讚",
            "上次去沒開",
            "價位多少",
            "半夜看到好痛苦",
            "推推",
            "明天就去",
        ),
        topics=("美食", "餐廳", "食記"),
        giveaway_per_week=0.4,
        live_per_week=0.3,
    ),
    ForumSpec(
        alias="stock",
        name="股票",
        schema="2022",
        weekly=12,
        description="股票投資與市場討論。",
        subscribers=769854,
        categories=("請益", "標的", "分享"),
        titles=("存股新手請益", "今天大盤怎麼了", "ETF 定期定額心得", "第一次買零股"),
        sentences=("想請教大家的看法。", "目前持有一張。", "長期投資為主。"),
        comments=("推", "長期持有", "看不懂", "謝謝分享"),
        topics=("股票", "投資"),
        challenge=True,
    ),
)

LISTED_ONLY: tuple[tuple[str, str, int], ...] = (
    ("funny", "有趣", 694511),
    ("talk", "閒聊", 1098583),
    ("dressup", "穿搭", 1549478),
    ("pet", "寵物", 755059),
    ("girl", "女孩", 798240),
    ("3c", "3C", 374188),
)
"""Forums `/forums` lists that have no posts in the replica's span (an empty list answers)."""

SCHOOLS = (
    "國立臺灣大學",
    "國立政治大學",
    "國立成功大學",
    "國立清華大學",
    "輔仁大學",
    "東吳大學",
    "逢甲大學",
    "淡江大學",
    "中原大學",
    "世新大學",
    "文化大學",
    "銘傳大學",
    "靜宜大學",
    "東海大學",
    "國立中興大學",
    "國立臺北科技大學",
    "長庚大學",
    "元智大學",
)
DEPARTMENTS = (
    "資訊工程學系",
    "企業管理學系",
    "中國文學系",
    "外國語文學系",
    "財務金融學系",
    "護理學系",
    "心理學系",
    "法律學系",
    "大眾傳播學系",
    "電機工程學系",
)
NICKNAMES = (
    ("kiki_0412", "奇奇"),
    ("momo.daily", "桃桃日常"),
    ("eating_tw", "吃貨小姐"),
    ("jay_in_tpe", "台北阿杰"),
    ("nana1203", "娜娜"),
    ("office_cat", "上班貓"),
    ("lipstick_lab", "唇膏實驗室"),
    ("ramen.hunter", "拉麵獵人"),
    ("blue_sky88", "藍天"),
    ("xiaoming_w", "小明"),
)
PINNED_TITLE = "#公告 {name}板板規"
PINNED_BODY = (
    "一、發文請選擇正確的分類，未分類者將移除。",
    "二、禁止人身攻擊、引戰與歧視言論。",
    "三、禁止商業廣告與未經許可的團購。",
    "四、請勿洗板或重複張貼。",
    "以上規定自公告日起實施，感謝卡友配合。",
)
PINNED_COMMENTS = ("收到", "謝謝板主", "了解", "請問可以發團購嗎", "辛苦了")
GIVEAWAY_TITLES = (
    "#抽獎 留言抽 {num} 位送{brand}{item}",
    "#分享 週年慶開箱｜留言抽 {num} 位送小禮物",
)
GIVEAWAY_BODY = (
    "感謝大家一直以來的支持！",
    "在這篇底下留言「想要」就可以參加抽獎。",
    "活動到下週日晚上十二點，會在這篇公布得獎者。",
)
GIVEAWAY_COMMENTS = ("想要", "想要！", "+1 想要", "想要 謝謝原PO", "好想要", "想要想要")
LIVE_TITLES = ("#直播 今晚八點開箱直播", "#直播 {food}實況吃播")
LIVE_BODY = ("今晚八點準時開播，連結在這裡：https://www.youtube.com/live/replica", "歡迎來聊天！")
LIVE_COMMENTS = ("來了", "卡位", "好好看", "音量有點小", "推推", "已訂閱")
CHAT_BODY = ("這週想聊什麼都可以在這裡留言～", "請遵守板規，友善交流。")
CHAT_COMMENTS = (
    "大家早安",
    "這週好累",
    "週末要去哪裡玩",
    "推薦一下最近在聽的歌",
    "今天天氣好好",
    "有人也在加班嗎",
    "終於星期五了",
    "晚餐吃什麼好",
)
HOST_COMMENTS = ("謝謝大家的留言！", "補充一下：已經解決了", "原PO回覆：對的", "感謝建議")
EDIT_NOTES = ("補充：謝謝大家的建議。", "更新：已經解決了，謝謝大家。", "編輯：修正錯字。")
REMOVAL_REASONS = (("wash", "惡意洗板、重複張貼"), ("", ""), ("", ""))
"""Why a deleted post is gone: a moderator's reason (as on a real answer) or none (the author)."""
