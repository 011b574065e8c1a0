"""PTT board index parser: golden files over real pages, hand-checked facts, and edge cases."""

from __future__ import annotations

from collections import Counter

import pytest
from ptt_golden import FIXTURES, GoldenCase, cases, check, shared_page

from crawlers.pages.ptt import PttIndexPage, PttParseError, parse_index


@pytest.mark.parametrize("case", cases("index"), ids=lambda c: c.name)
def test_index_matches_golden_file(case: GoldenCase) -> None:
    check(case)


def real(name: str, url: str | None = None) -> PttIndexPage:
    """Parse a real index page from ../shared/fixtures/real/ptt (skips when absent)."""
    return parse_index(shared_page(f"ptt/{name}"), url=url)


# --- facts checked by hand against PROVENANCE.md and the peers' expected_*.json -------------


def test_beauty_index_middle_page() -> None:
    page = real("ptt_index_Beauty_index2219_2017-07.html")
    assert page.board == "Beauty"
    assert len(page.rows) == 20
    assert sum(r.deleted for r in page.rows) == 3
    assert not any(r.pinned for r in page.rows)
    assert (page.prev_url, page.next_url) == (
        "/bbs/Beauty/index2218.html",
        "/bbs/Beauty/index2220.html",
    )
    first = page.rows[0]
    assert (first.article_id, first.url, first.title, first.author, first.date, first.nrec) == (
        "M.1499790734.A.833",
        "/bbs/Beauty/M.1499790734.A.833.html",
        "[正妹] 橋本環奈",
        "TyuzuChou",
        "7/12",
        "29",
    )
    deleted = page.rows[1]
    assert (deleted.deleted, deleted.url, deleted.article_id) == (True, None, None)
    assert (deleted.title, deleted.author) == ("(本文已被刪除) [moghtw11111]", "moghtw11111")
    nrec = Counter(r.nrec for r in page.rows)
    assert nrec == Counter(
        {"": 5, "29": 2, "4": 2, "5": 2, "1": 2, "44": 1, "19": 1, "X1": 1, "6": 1, "24": 1}
        | {"15": 1, "7": 1}
    )


def test_lol_2016_old_layout() -> None:
    page = real("ptt_index_LoL_index4381_2016_old-layout_EDITED.html")
    assert page.board == "LoL"
    assert len(page.rows) == 11
    assert [r.pinned for r in page.rows] == [False] * 6 + [True] * 5
    assert sum(r.deleted for r in page.rows) == 1
    assert (page.prev_url, page.next_url) == ("/bbs/LoL/index4380.html", "/bbs/LoL/index4382.html")
    assert [r.title for r in page.rows if not r.deleted and not r.pinned] == [
        "[公告] LoL 樂透開獎",
        "[公告] LoL 小樂透開獎",
        "Re: [問題] AlphaGo打LoL的話會怎麼樣",
        "[問題] 關於四名中路的比較！",
        "[閒聊] 對於XG挺失望的",
    ]
    assert Counter(r.nrec for r in page.rows)["爆"] == 2
    assert page.rows[2].date == "3/10"


def test_lol_2018_trimmed_one_row_and_one_pinned() -> None:
    page = real("ptt_index_LoL_index9852_2018-01_TRIMMED.html")
    normal, pinned = page.rows
    assert (normal.article_id, normal.title, normal.author, normal.date, normal.nrec) == (
        "M.1516285019.A.BCE",
        "[外絮] JTeam FB",
        "Andy7577272",
        "1/18",
        "2",
    )
    assert not normal.pinned
    assert pinned.pinned and pinned.nrec == "爆"
    assert (page.prev_url, page.next_url) == ("/bbs/LoL/index9851.html", None)


def test_makeup_bs4_reserialized_page() -> None:
    page = real("ptt_index_MakeUp_index3627_2021-03-22_bs4serialized.html")
    assert page.board == "MakeUp"
    assert len(page.rows) == 23
    assert sum(not r.pinned for r in page.rows) == 19
    assert (page.prev_url, page.next_url) == ("/bbs/MakeUp/index3626.html", None)
    assert Counter(r.nrec for r in page.rows)["爆"] == 2


def test_allpost_index() -> None:
    page = real("ptt_index_ALLPOST_index3637_2020-08-17.html")
    assert page.board == "ALLPOST"
    assert len(page.rows) == 20
    assert all(r.nrec == "" and not r.deleted and not r.pinned for r in page.rows)
    assert (page.prev_url, page.next_url) == ("/bbs/ALLPOST/index3636.html", None)
    assert page.rows[0].title.endswith("(GossipPicket)")


# --- the project's own pages (run without ../shared) ----------------------------------------


def own(name: str) -> bytes:
    """Bytes of a page the project wrote itself."""
    return (FIXTURES / name).read_bytes()


def test_synthetic_index_rows_paging_and_moderator_deletion() -> None:
    page = parse_index(own("index_synthetic.html"))
    assert page.board == "Test"
    assert (page.prev_url, page.next_url) == (None, "/bbs/Test/index2.html")
    assert [r.nrec for r in page.rows] == ["爆", "X5", "", "12"]
    assert [r.pinned for r in page.rows] == [False, False, False, True]
    removed = page.rows[1]
    assert (removed.deleted, removed.author, removed.url) == (True, "bob", None)
    assert page.rows[2].url == "https://www.ptt.cc/bbs/Test/M.1704070800.A.0C3.html"
    assert page.rows[2].article_id == "M.1704070800.A.0C3"


def test_menu_and_search_links_are_never_taken_for_articles() -> None:
    page = parse_index(own("index_2021_menus.html"))
    assert (page.board, page.prev_url, page.next_url) == ("Test", "/bbs/Test/index41.html", None)
    assert [(r.article_id, r.url, r.author, r.deleted) for r in page.rows] == [
        ("M.1617685331.A.0E7", "/bbs/Test/M.1617685331.A.0E7.html", "editor", False),
        (None, None, "gone2021", True),  # its dropdown still has a 搜尋同標題文章 link
        (None, None, "spammer9", True),  # the moderator form, reason glued to <author>
    ]
    assert all("search" not in (r.url or "") for r in page.rows)


def test_to_dict_keys() -> None:
    d = parse_index(own("index_synthetic.html")).to_dict()
    assert list(d) == ["board", "rows", "prev_url", "next_url"]
    rows = d["rows"]
    assert isinstance(rows, list)
    assert list(rows[0]) == [
        "article_id",
        "url",
        "title",
        "author",
        "date",
        "nrec",
        "deleted",
        "pinned",
    ]


def test_board_from_url_when_the_title_lacks_it() -> None:
    html = '<html><body><div class="r-list-container"></div></body></html>'
    page = parse_index(html, url="https://www.ptt.cc/bbs/Stock/index.html")
    assert (page.board, page.rows) == ("Stock", ())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("not_ptt.html", "not a PTT page"),
        ("cloudflare_challenge.html", "Cloudflare challenge"),
        ("article_year_rollover.html", "this is an article page"),
    ],
)
def test_non_index_pages_raise(name: str, reason: str) -> None:
    with pytest.raises(PttParseError, match=reason):
        parse_index(own(name))
