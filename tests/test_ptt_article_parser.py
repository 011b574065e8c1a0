"""PTT article parser: golden files over real pages, hand-checked facts, and edge cases."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from ptt_golden import FIXTURES, GoldenCase, cases, check, shared_page

from crawlers.pages.ptt import (
    TAIPEI,
    PttArticle,
    PttParseError,
    article_id_epoch,
    decode_html,
    parse_article,
)
from crawlers.pages.ptt.times import PushStamp, infer_push_times, parse_post_time

CRAWLED = datetime(2020, 1, 1, tzinfo=TAIPEI)


@pytest.mark.parametrize("case", cases("article"), ids=lambda c: c.name)
def test_article_matches_golden_file(case: GoldenCase) -> None:
    check(case)


def real(name: str, url: str | None = None, crawled_at: datetime | None = CRAWLED) -> PttArticle:
    """Parse a real page from ../shared/fixtures/real/ptt (skips when absent)."""
    return parse_article(shared_page(f"ptt/{name}"), url=url, crawled_at=crawled_at)


def taipei(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0
) -> datetime:
    """A datetime in Asia/Taipei."""
    return datetime(year, month, day, hour, minute, sec, tzinfo=TAIPEI)


# --- facts checked by hand against PROVENANCE.md and the peers' expected_*.json -------------


def test_soft_job_announcement_has_metalines_old_from_ip_and_five_pushes() -> None:
    a = real("ptt_article_Soft_Job_M.1181801925.A.86E.html")
    assert a.article_id == "M.1181801925.A.86E"
    assert a.board == "Soft_Job"
    assert (a.title, a.category) == ("[公告] Soft_Job 板試閱", "公告")
    assert (a.author_id, a.author_nickname) == ("Junchoon", "裘髯客")
    assert a.posted_at == taipei(2007, 6, 14, 14, 18, 43)
    assert a.posted_at is not None and a.posted_at.isoformat() == "2007-06-14T14:18:43+08:00"
    assert a.ip == "125.232.236.105"
    assert a.counts() == {"all": 5, "push": 3, "boo": 0, "neutral": 2}
    assert a.status == "ok"


def test_title_without_category() -> None:
    a = real("ptt_article_Soft_Job_M.1181803258.A.666.html")
    assert (a.title, a.category) == ("搶頭香", None)
    assert (a.author_id, a.author_nickname) == ("eggimage", "雞蛋非人哉啊....")


def test_page_without_metalines_reads_the_plain_text_header() -> None:
    a = real("ptt_article_Gossiping_M.1123769450.A.A1A.html")
    assert a.board == "Gossiping"
    assert (a.title, a.category) == ("[名人] 有沒有人有希特勒的八卦阿", "名人")
    assert (a.author_id, a.author_nickname) == ("MOTHERGOOSE", None)
    assert a.posted_at == taipei(2005, 8, 10, 15, 3, 16)
    assert a.ip == "220.132.142.235"
    assert a.counts() == {"all": 8, "push": 7, "boo": 0, "neutral": 1}
    assert not a.body.startswith(("作者", " 作者"))
    assert "───" not in a.body
    assert "wretch.cc" not in a.body  # the signature block
    assert a.pushes[0].ip == "220.135.33.3"
    assert a.pushes[0].raw_time == "08/11"
    assert a.pushes[0].time == taipei(2005, 8, 11)  # a later day than the post: its start
    assert [p.date_only for p in a.pushes] == [True] * 7 + [False]


def test_reply_title_with_site_header_and_nickname() -> None:
    a = real("ptt_article_Gossiping_M.1173456473.A.F4F.html")
    assert (a.title, a.category) == ("Re: 有沒有俄國人的八卦？", None)
    assert (a.author_id, a.author_nickname) == ("julysecond", "還是台灣好")
    assert a.posted_at is not None and a.posted_at.isoformat() == "2007-03-10T00:07:48+08:00"
    assert a.board == "Gossiping"
    assert a.counts() == {"all": 40, "push": 33, "boo": 0, "neutral": 7}
    assert a.body.startswith("喔喔~~終於有我可以回答的八卦了")


def test_huge_thread_with_file_too_large_warning_keeps_all_1491_pushes() -> None:
    a = real("ptt_article_Gossiping_M.1119222611.A.7A9.html")
    assert a.posted_at is not None and a.posted_at.isoformat() == "2005-06-20T07:11:31+08:00"
    assert a.counts() == {"all": 1491, "push": 338, "boo": 833, "neutral": 320}
    assert a.ip == "140.113.191.11"
    assert (a.author_id, a.author_nickname) == ("gogoegg", "--")
    first, last = a.pushes[0], a.pushes[-1]
    assert (first.ip, first.raw_time) == ("61.228.189.12", "06/20")
    assert (first.time, first.date_only) == (a.posted_at, True)  # not 00:00, before the post
    assert (last.ip, last.raw_time) == ("114.43.47.83", "12/30 20:30")
    assert not last.date_only
    assert all(p.tag in ("推", "噓", "→") for p in a.pushes)
    dated = [p.time for p in a.pushes if p.time is not None]
    assert dated == sorted(dated)
    assert all(t <= CRAWLED for t in dated)
    assert "不行po的話" not in a.body  # signature
    assert a.body.endswith("不過第一就是第一")


def test_invalid_push_dates_give_no_time_and_do_not_disturb_the_year() -> None:
    a = real("ptt_article_WomenTalk_M.1143885175.A.C8D.html")
    assert a.posted_at is not None and a.posted_at.isoformat() == "2006-04-01T18:09:31+08:00"
    assert [p.time for p in a.pushes[:6]] == [None] * 6
    assert [p.raw_time for p in a.pushes[:2]] == ["03/32 03:24", "03/32 16:52"]
    assert a.pushes[0].ip == "61.229.147.118"
    assert a.pushes[6].time == taipei(2006, 4, 1, 19, 49)
    assert a.ip == "59.113.21.53"
    assert a.counts() == {"all": 9, "push": 3, "boo": 1, "neutral": 5}
    assert "你天生麗質" not in a.body  # pushes inside the body are not body text


def test_origin_ip_from_old_from_line() -> None:
    assert real("ptt_article_Gossiping_M.1175469904.A.05B.html").ip == "140.118.229.94"


def test_invalid_origin_ip_gives_none_and_canonical_url_wins_over_the_file_name() -> None:
    a = real("ptt_article_Soft_Job_M.1519661420.A.098.html")
    assert a.ip is None  # 119.42.265.151
    # The origin line shows a broken address, so the edit line's address is not used instead.
    assert "※ 編輯: adsl15888 (113.21.55.28)" in shared_page(
        "ptt/ptt_article_Soft_Job_M.1519661420.A.098.html"
    ).decode("utf-8")
    assert a.article_id == "M.1528204397.A.81C"
    assert a.url == "https://www.ptt.cc/bbs/Soft_Job/M.1528204397.A.81C.html"
    assert a.posted_at == taipei(2018, 6, 5, 21, 13, 13)
    assert a.counts()["all"] == 38


def test_date_glued_into_the_title_metaline() -> None:
    a = real("ptt_article_Soft_Job_M.1181824048.A.244.html")
    assert a.posted_at is not None and a.posted_at.isoformat() == "2007-06-14T20:27:24+08:00"
    assert (a.title, a.category) == ("[閒聊] 開版妙戊", "閒聊")
    assert a.ip == "61.221.67.170"


def test_placeholder_title_falls_back_to_og_title() -> None:
    a = real("ptt_article_GO_M.1597603762.A.135_2020-08-17_EDITED-title.html")
    assert a.title == "[新聞] 以卵擊石 朴廷桓九段拒絕參加KBS杯圍棋王戰？"
    assert a.category == "新聞"
    assert a.ip == "123.192.113.200"  # the newer "來自: IP (臺灣)" form
    assert "※ 編輯" not in a.body and "※ 文章網址" not in a.body


def test_beauty_article() -> None:
    a = real(
        "ptt_article_Beauty_M.1499790734.A.833.html",
        url="https://www.ptt.cc/bbs/Beauty/M.1499790734.A.833.html",
    )
    assert (a.board, a.article_id) == ("Beauty", "M.1499790734.A.833")
    assert (a.title, a.category) == ("[正妹] 橋本環奈", "正妹")
    assert (a.author_id, a.author_nickname) == ("TyuzuChou", "子瑜我老婆")
    assert a.posted_at == taipei(2017, 7, 12, 0, 32, 12)
    assert a.counts() == {"all": 59, "push": 36, "boo": 7, "neutral": 16}
    assert a.ip == "1.160.199.248"
    assert (a.pushes[0].raw_time, a.pushes[-1].raw_time) == ("07/12 00:33", "07/12 16:28")
    assert a.pushes[0].content == "一樓老婆"


def test_edited_push_dates_roll_into_the_next_year_and_cf_email_is_dropped() -> None:
    a = real(
        "ptt_article_TFSHS66th321_M.1498563199.A.35C_2017_EDITED-pushdates.html",
        crawled_at=taipei(2018, 3, 1),
    )
    assert (a.author_id, a.author_nickname) == ("ChoDino", None)
    assert [p.tag for p in a.pushes] == ["→"] * 4
    assert [p.user for p in a.pushes] == ["ChoDino"] * 4
    assert [p.content for p in a.pushes] == [
        "快點好嗎",
        "好了~今天先做到這~預祝空軍今天賺飽飽~睡好覺@",
        "好了~今天先做到這~預祝空軍今天賺飽飽~睡好覺@",
        "timezone testing",
    ]
    assert [p.time.isoformat() if p.time else None for p in a.pushes] == [
        "2018-01-01T00:55:00+08:00",
        "2018-01-02T10:22:00+08:00",
        "2018-01-02T10:26:00+08:00",
        "2018-01-02T13:57:00+08:00",
    ]
    assert all(p.time_inferred for p in a.pushes)


def test_article_page_without_a_footer() -> None:
    a = real("ptt_article_Gossiping_M.1519661420.A.098.html")
    assert a.ip is None
    assert a.title == "[公告] Gossiping 板 開始舉辦樂透!"
    assert a.counts() == {"all": 34, "push": 6, "boo": 19, "neutral": 9}


@pytest.mark.parametrize(
    "name", ["ptt_article_Gossiping_M.1577579359.A.B76.html", "ptt_404_page_Gossiping.html"]
)
def test_ptt_404_page_is_a_deleted_article_not_an_error(name: str) -> None:
    url = "https://www.ptt.cc/bbs/Gossiping/M.1577579359.A.B76.html"
    a = real(name, url=url)
    assert a.status == "deleted"
    assert (a.board, a.article_id, a.url) == ("Gossiping", "M.1577579359.A.B76", url)
    assert a.pushes == ()
    assert a.counts()["all"] == 0


def test_zero_push_article() -> None:
    a = real("ptt_article_Soft_Job_M.1181804025.A.7A7.html")
    assert a.posted_at == taipei(2007, 6, 14, 14, 53, 44)
    assert a.pushes == ()


# --- the project's own pages (run without ../shared) ----------------------------------------


def own(name: str) -> bytes:
    """Bytes of a page the project wrote itself."""
    return (FIXTURES / name).read_bytes()


def test_year_rollover_page() -> None:
    a = parse_article(own("article_year_rollover.html"), crawled_at=taipei(2024, 3, 1))
    assert (a.board, a.article_id) == ("Test", "M.1703944800.A.1B2")
    assert (a.title, a.category) == ("Re: [閒聊] 跨年夜誰還在值班", "閒聊")
    assert a.ip == "36.230.1.2"
    times = [p.time.isoformat() if p.time else None for p in a.pushes]
    assert times == [
        "2023-12-30T22:05:00+08:00",
        "2023-12-31T23:59:00+08:00",
        "2024-01-01T00:00:00+08:00",
        None,
        "2024-01-02T08:30:00+08:00",
        "2024-01-02T09:00:00+08:00",
    ]
    assert a.pushes[1].ip == "114.24.5.6"
    assert a.pushes[5].ip is None  # 999.1.1.1
    assert a.pushes[2].content == "新年快樂"
    assert a.pushes[4].content == "還在"
    assert a.pushes[3].raw_time == "02/30 12:00"
    assert (
        a.body
        == "這是一篇專案自己寫的測試文章。\n推文會從 12/30 跨到隔年 01/02。\n\n信箱是  不要寄信"
    )


def test_crawl_time_caps_inferred_push_times() -> None:
    a = parse_article(own("article_year_rollover.html"), crawled_at=taipei(2023, 12, 31, 12))
    assert a.pushes[0].time == taipei(2023, 12, 30, 22, 5)
    assert a.pushes[1].time == taipei(2022, 12, 31, 23, 59)  # stepped back below the crawl time
    assert all(p.time is None or p.time <= taipei(2023, 12, 31, 12) for p in a.pushes)


def test_to_dict_has_exactly_the_documented_keys() -> None:
    d = parse_article(own("article_year_rollover.html"), crawled_at=taipei(2024, 3, 1)).to_dict()
    assert list(d) == [
        "board",
        "article_id",
        "url",
        "title",
        "category",
        "author_id",
        "author_nickname",
        "posted_at",
        "ip",
        "status",
        "body",
        "pushes",
        "counts",
    ]
    pushes = d["pushes"]
    assert isinstance(pushes, list)
    assert list(pushes[0]) == ["tag", "user", "content", "ip", "time", "time_inferred", "date_only"]
    assert d["posted_at"] == "2023-12-30T22:00:00+08:00"
    assert d["counts"] == {"all": 6, "push": 2, "boo": 1, "neutral": 3}


def test_big5_bytes_with_plain_text_header() -> None:
    a = parse_article(own("article_big5.html"), crawled_at=taipei(2024, 1, 1))
    assert (a.board, a.author_id, a.author_nickname) == ("Old", "oldtimer", "老骨頭")
    assert (a.title, a.category) == ("[心得] 舊站的文章沒有 metaline", "心得")
    assert a.posted_at == taipei(2006, 1, 1, 8)
    assert a.ip == "140.112.30.1"
    assert a.body == "這一頁用 Big5 編碼存檔。"
    # `01/01` alone on the post's own day is the post time, not 00:00 before the post.
    assert [p.time for p in a.pushes] == [taipei(2006, 1, 1, 8), taipei(2006, 1, 3, 10)]


def test_date_only_pushes_never_come_before_the_post() -> None:
    a = parse_article(own("article_date_only_pushes.html"))
    assert a.posted_at == taipei(2006, 1, 14, 21, 5, 9)
    assert [p.raw_time for p in a.pushes] == ["01/14", "01/15", "01/15 08:30", "01/02"]
    assert [p.time for p in a.pushes] == [
        a.posted_at,
        taipei(2006, 1, 15),
        taipei(2006, 1, 15, 8, 30),
        taipei(2007, 1, 2),
    ]
    assert [p.date_only for p in a.pushes] == [True, True, False, True]
    assert [p.ip for p in a.pushes] == [
        "61.228.189.12",
        "218.168.205.128",
        "59.113.21.53",
        "140.112.91.4",
    ]
    assert a.pushes[0].to_dict()["date_only"] is True


def test_impossible_leap_day_page_keeps_later_pushes_in_the_right_year() -> None:
    a = parse_article(own("article_impossible_leap_day.html"))  # no crawl time
    assert [p.time for p in a.pushes] == [
        taipei(2022, 12, 31, 23),
        None,
        taipei(2023, 3, 2, 9),
        taipei(2024, 1, 5, 12),
    ]
    assert not a.pushes[1].date_only


def test_origin_ip_falls_back_to_the_last_old_style_edit_line() -> None:
    a = parse_article(own("article_edit_ip_old.html"))
    assert (a.title, a.author_id, a.board) == ("[心得] 只有編輯紀錄留下 IP", "editor", "Test")
    assert a.ip == "140.118.229.94"  # the later of the two `※ 編輯: ... 來自:` lines
    assert "※ 編輯" not in a.body


def test_origin_ip_falls_back_to_the_last_modern_edit_line() -> None:
    a = parse_article(own("article_edit_ip_modern.html"))
    assert a.ip == "36.230.8.9"
    assert a.body.endswith("編輯時間: 04/06 13:30，別把這行當成編輯紀錄。")


def _edit_only_page(edit_lines: str, footer: str = "") -> str:
    """A minimal article whose origin is given by `footer` and `edit_lines` alone."""
    return (
        '<html><body><div id="main-content"><div class="article-metaline">'
        '<span class="article-meta-tag">作者</span><span class="article-meta-value">u (n)</span>'
        f"</div>本文\n\n{footer}{edit_lines}</div></body></html>"
    )


@pytest.mark.parametrize(
    ("page", "ip"),
    [
        (_edit_only_page("※ 編輯: u (113.21.55.28), 06/10/2018 09:25:49\n"), "113.21.55.28"),
        (_edit_only_page("※ 編輯: u (119.42.265.151 臺灣), 06/10/2018 09:25:49\n"), None),
        (
            _edit_only_page(
                "※ 編輯: u (113.21.55.28), 06/10/2018 09:25:49\n",
                "--\n※ 發信站: 批踢踢實業坊(ptt.cc), 來自: 119.42.265.151\n",
            ),
            None,
        ),
        (
            _edit_only_page(
                "※ 編輯: u          來自: 220.133.23.50        (03/10 00:10)\n",
                "--\n※ 發信站: 批踢踢實業坊(ptt.cc)\n◆ From: 140.112.30.1\n",
            ),
            "140.112.30.1",
        ),
        (_edit_only_page("※ 編輯: u\n"), None),
    ],
    ids=["edit-without-country", "invalid-edit-ip", "invalid-origin-wins", "origin-wins", "none"],
)
def test_edit_line_ip_is_only_a_fallback(page: str, ip: str | None) -> None:
    assert parse_article(page).ip == ip


def test_quoted_text_is_not_part_of_a_reply_body() -> None:
    a = parse_article(own("article_quoted_reply.html"))
    assert (a.title, a.category, a.ip) == ("Re: [問卦] 週末要去哪裡玩", "問卦", "114.32.7.8")
    assert a.body == (
        "推薦去陽明山，時間: 早上 8:00 出發最好。\n"
        ":D 這行不是引文，冒號後面沒有空白。\n"
        "\n"
        "那就淡水也不錯，網址: https://example.com/tamsui"
    )
    assert "抽獎" not in a.body and "引述" not in a.body


def test_a_colon_line_without_a_quote_header_stays() -> None:
    page = _edit_only_page("", "")
    page = page.replace("本文", "本文\n: 這行沒有引述標頭，所以留著")
    assert parse_article(page).body == "本文\n: 這行沒有引述標頭，所以留著"


def test_str_and_bytes_give_the_same_article() -> None:
    data = own("article_year_rollover.html")
    assert parse_article(data) == parse_article(data.decode("utf-8"))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_ptt.html", "not a PTT page: no #main-content"),
        ("cloudflare_challenge.html", "not a PTT page: a Cloudflare challenge page"),
        ("index_synthetic.html", "this is a board index page"),
    ],
)
def test_non_article_pages_raise(name: str, reason: str) -> None:
    with pytest.raises(PttParseError, match=reason):
        parse_article(own(name))


@pytest.mark.parametrize("html", ["", "   \n", b""])
def test_empty_input_raises(html: str | bytes) -> None:
    with pytest.raises(PttParseError, match="empty"):
        parse_article(html)


def test_undecodable_bytes_raise_a_parse_error() -> None:
    with pytest.raises(PttParseError, match="neither UTF-8 nor cp950"):
        decode_html(b"\xff\xfe\xff\xfe\x80\x80")


def test_deleted_without_url_has_empty_ids() -> None:
    a = parse_article("<html><head><title>404</title></head><body>404 - Not Found.</body></html>")
    assert (a.status, a.board, a.article_id, a.url) == ("deleted", "", "", "")


# --- helpers ----------------------------------------------------------------------------------


def test_article_id_epoch() -> None:
    assert article_id_epoch("M.1499790734.A.833") == 1499790734
    assert article_id_epoch("G.1499790734.A") == 1499790734
    assert article_id_epoch("index.html") is None


def test_post_time_handles_double_space_before_single_digit_day() -> None:
    assert parse_post_time("Mon Apr  2 07:24:47 2007") == taipei(2007, 4, 2, 7, 24, 47)
    assert parse_post_time("Wed Jul 12 00:32:12 2017") == taipei(2017, 7, 12, 0, 32, 12)
    assert parse_post_time("yesterday") is None


def test_year_inference_without_post_time_uses_crawl_year_and_cap() -> None:
    stamps = [PushStamp(12, 30, 10, 0), PushStamp(1, 2, 9, 0)]
    times = infer_push_times(stamps, None, taipei(2024, 1, 3))
    assert times == [taipei(2023, 12, 30, 10), taipei(2024, 1, 2, 9)]
    assert infer_push_times(stamps, None, None) == [None, None]


def test_leap_day_only_exists_in_leap_years() -> None:
    stamp = [PushStamp(2, 29, 12, 0)]
    assert infer_push_times(stamp, taipei(2024, 2, 1), None) == [taipei(2024, 2, 29, 12)]
    assert infer_push_times(stamp, taipei(2023, 2, 1), None) == [None]


def test_an_impossible_leap_day_after_a_rollover_does_not_move_the_walk() -> None:
    stamps = [PushStamp(12, 31, 23, 0), PushStamp(2, 29, 10, 0), PushStamp(3, 2, 9, 0)]
    times = infer_push_times(stamps, taipei(2022, 12, 30, 21, 40), None)
    assert times == [taipei(2022, 12, 31, 23), None, taipei(2023, 3, 2, 9)]


def test_a_leap_day_after_the_crawl_steps_back_to_a_year_that_has_it() -> None:
    times = infer_push_times([PushStamp(2, 29, 12, 0)], None, taipei(2025, 3, 1))
    assert times == [None]  # 2025, the crawl's year, has no 02/29
    times = infer_push_times([PushStamp(12, 31, 8, 0), PushStamp(2, 29, 12, 0)], None, None)
    assert times == [None, None]


def test_date_only_stamp_is_the_post_time_on_the_post_day_else_the_start_of_its_day() -> None:
    post = taipei(2006, 1, 14, 21, 5, 9)
    stamps = [PushStamp(1, 14, 0, 0, True), PushStamp(1, 15, 0, 0, True)]
    assert infer_push_times(stamps, post, None) == [post, taipei(2006, 1, 15)]
    assert infer_push_times(stamps, None, taipei(2006, 2, 1)) == [
        taipei(2006, 1, 14),  # no post time to compare with
        taipei(2006, 1, 15),
    ]


def test_shared_fixture_folder_is_resolved_beside_the_project() -> None:
    from ptt_golden import SHARED_REAL

    assert Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" == SHARED_REAL
