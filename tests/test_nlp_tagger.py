"""The tagger: an example per top tag, fine tags under their top, a channel prior that yields."""

from __future__ import annotations

import pytest

from nlp.idf import build_idf
from nlp.tagger import Tagger, default_tagger, format_tags

EXAMPLES = {
    "休閒": "週末去郊山步道健行，順便用單眼相機練習構圖跟快門，晚上再玩桌遊",
    "遊戲": "這次改版的副本很難打，抽卡保底機制也很坑，課金玩家都在抱怨",
    "動漫": "這季新番的作畫很穩，聲優也選得好，原作漫畫粉絲應該會滿意",
    "運動": "湖人昨天靠詹姆斯的三分球逆轉勇士，季後賽席次還有希望",
    "投資理財": "今天台股大漲，台積電外資連續買超，加權指數站上季線",
    "資訊科技": "新買的筆電處理器效能不錯，記憶體升級到32G，顯卡跑遊戲也很順",
    "兩性感情": "跟男友交往三年最近一直吵架，他還跟前女友曖昧，想分手又放不下",
    "結婚": "明年要結婚，婚紗照跟婚宴場地都訂好了，喜餅還在挑",
    "嬰幼兒": "寶寶四個月大開始厭奶，尿布跟奶粉都換過了，新手爸媽好崩潰",
    "音樂": "她的新歌旋律很好聽，作詞作曲都是自己來，專輯MV也拍得很用心",
    "影視娛樂": "這部韓劇的男主演技超好，追劇追到凌晨，第二季什麼時候播出",
    "電影": "昨天去影城看了這部電影，IMAX的特效很震撼，票房應該會大賣（無雷）",
    "美食餐廳": "這間拉麵餐廳湯頭很濃，排隊半小時才內用，CP值很高",
    "烹飪": "晚餐自己下廚，先爆香蒜跟蔥，再用鑄鐵鍋小火燉牛肉",
    "購物消費": "蝦皮下單之後一直沒出貨，客服說要退貨退款還要等一週",
    "健康醫療": "最近一直咳嗽去診所看診，醫生說是感冒發炎，開了三天的藥",
    "教育學習": "準備學測的時候每天去補習，數學成績終於進步了",
    "職場工作": "在這間公司上班三年，主管一直要求加班又不給加班費，想離職",
    "房地產": "看了好幾個建案，房價太高，房貸壓力大，還是先租屋",
    "居家生活-電器": "家裡的冷氣該換了，想買變頻一級能效的，順便換冰箱跟洗衣機",
    "美容保健": "這款粉底液持妝度很好，遮瑕也夠，搭配蜜粉定妝一整天不脫妝",
    "時尚穿搭": "秋天穿搭推薦，襯衫配牛仔褲，再加一雙球鞋就很有型",
    "汽車": "想買休旅車，RAV4跟CR-V試駕後覺得馬力跟油耗差不多，車價也接近",
    "旅遊": "下個月自由行去東京，機票跟飯店都訂好了，行程還在排",
    "寵物": "家裡的貓咪最近不吃貓罐，帶去動物醫院給獸醫看",
    "新聞時事": "立法院今天三讀通過法案，行政院長表示政府會盡快落實政策",
}


@pytest.mark.parametrize(("top", "text"), sorted(EXAMPLES.items()))
def test_each_top_tag_wins_its_own_example(top: str, text: str) -> None:
    assert default_tagger().top_tags(text)[0].tag == top


def test_a_fine_tag_comes_with_its_top_tag() -> None:
    result = default_tagger().tag("特斯拉的電動車續航很好，超充也方便", top=1)
    assert result[0].tag == "汽車" and result[0].level == "top"
    fine = [s for s in result if s.level == "fine"]
    assert fine and fine[0].tag == "電動車" and fine[0].top == "汽車"


def test_scores_are_in_unit_interval_and_sorted() -> None:
    result = default_tagger().top_tags(EXAMPLES["投資理財"] + EXAMPLES["汽車"], top=3)
    assert len(result) == 3
    assert all(0 < s.score < 1 for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)


def test_channel_prior_decides_only_when_the_text_does_not() -> None:
    tagger = default_tagger()
    stock = "台股今天大跌，外資賣超台積電，融資斷頭，加權指數跌破季線"
    assert tagger.top_tags(stock, channel="PTT > car")[0].tag == "投資理財"
    vague = "請問大家這個價格合理嗎"
    assert tagger.top_tags(vague, channel="PTT > car")[0].tag == "汽車"


def test_no_keyword_no_tag() -> None:
    assert default_tagger().tag("嗯嗯好的謝謝") == []


def test_format_tags_keeps_top_level_tags_with_two_decimals() -> None:
    text = format_tags(default_tagger().tag(EXAMPLES["寵物"], top=2))
    parts = text.split(";")
    assert parts[0].startswith("寵物:")
    assert all(len(p.split(":")[1]) == 4 for p in parts)


def test_idf_weights_rare_keywords_up() -> None:
    corpus = ["台股 股票 投資"] * 500 + ["比特幣 一次"]
    idf = build_idf(corpus)
    tagger = Tagger(idf=idf)
    raw_plain = Tagger().raw_scores("比特幣")["加密貨幣"]
    assert tagger.raw_scores("比特幣")["加密貨幣"] > raw_plain
    assert tagger.raw_scores("股票")["投資理財"] < Tagger().raw_scores("股票")["投資理財"]


def test_tag_many_in_two_processes_equals_serial() -> None:
    """Forked tagging returns the same scores, in the same order, as tagging one by one."""
    from nlp.tagger import tag_many

    texts = ["台積電 外資 連續買超", "湖人 詹姆斯 三分球", "口紅 粉底 試色", "油耗 電動車 試駕"] * 5
    channels = ["Stock", None, "MakeUp", "car"] * 5
    serial = [default_tagger().tag(t, c, 2) for t, c in zip(texts, channels, strict=True)]
    assert tag_many(texts, channels, top=2, workers=2) == serial


def test_title_keywords_count_title_weight_times() -> None:
    from nlp.tagger import TITLE_WEIGHT

    tagger = default_tagger()
    body = tagger.raw_scores("台股")["投資理財"]
    assert tagger.raw_scores("", title="台股")["投資理財"] == pytest.approx(TITLE_WEIGHT * body)
    result = tagger.top_tags("今天吃拉麵，湯頭不錯", title="台積電外資買超", top=1)
    assert result[0].tag == "投資理財"


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("[新聞] 湖人逆轉勇士", "湖人逆轉勇士"),
        ("Re: [問題] 筆電推薦", "筆電推薦"),
        ("Fw: 外資買超", "外資買超"),
        ("[寶寶] 四個月厭奶", "[寶寶] 四個月厭奶"),
        ("一般的標題", "一般的標題"),
    ],
)
def test_post_type_markers_are_dropped_from_titles(title: str, kept: str) -> None:
    from nlp.tagger import strip_post_type

    assert strip_post_type(title).strip() == kept


def test_a_news_marker_does_not_make_sports_news() -> None:
    result = default_tagger().top_tags("", title="[新聞] 湖人逆轉勇士", top=1)
    assert result[0].tag == "運動"


def test_quoted_lines_and_app_footers_are_ignored() -> None:
    tagger = default_tagger()
    text = (
        "※ 引述《abc (x)》之銘言：\n: 台股大漲外資買超台積電\n> 股票\n"
        "拉麵湯頭很濃\nSent from JPTT on my iPhone"
    )
    raw = tagger.raw_scores(text)
    assert "投資理財" not in raw and "資訊科技" not in raw
    assert "美食餐廳" in raw


def test_a_negative_keyword_can_cancel_a_tag() -> None:
    from nlp.taxonomy import parse_taxonomy

    rows = "top\t新聞時事\t\t\t\t政府:3 板主:-4\ntop\t運動\t\t\t\t球賽:1\n"
    tagger = Tagger(taxonomy=parse_taxonomy(rows))
    assert [s.tag for s in tagger.top_tags("政府 球賽")] == ["新聞時事", "運動"]
    assert [s.tag for s in tagger.top_tags("板主 說 政府 球賽")] == ["運動"]
