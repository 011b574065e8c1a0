"""Mobile01 parsers: golden files over pages the project wrote, edge cases, and `buzz parse`.

Each golden case is `tests/golden/mobile01/<case>/meta.json` (which page under
tests/fixtures/mobile01, which parser, the URL) and `expected.json` (the parse, or the one-line
refusal). `BUZZ_UPDATE_GOLDEN=1 pytest tests/test_mobile01_parsers.py` rewrites expected.json;
review the diff before committing it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from buzz.cli import app
from crawlers.pages.mobile01 import (
    TAIPEI,
    Forum,
    ForumNotFound,
    Mobile01ParseError,
    decode_page,
    find_forum,
    parse_forums,
    parse_time,
    parse_topic,
    parse_topic_list,
)
from crawlers.pages.mobile01.html import block_text, number

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "mobile01"
FIXTURES = TESTS / "fixtures" / "mobile01"
UPDATE = os.environ.get("BUZZ_UPDATE_GOLDEN") == "1"
PARSERS = {
    "forums": lambda data, url: {"forums": [f.to_dict() for f in parse_forums(data)]},
    "topics": lambda data, url: parse_topic_list(data, url=url).to_dict(),
    "topic": lambda data, url: parse_topic(data, url=url).to_dict(),
}


def golden_cases() -> list[Path]:
    """Every golden case folder."""
    return sorted(p.parent for p in GOLDEN.glob("*/meta.json"))


def run_case(folder: Path) -> dict[str, Any]:
    """The case's parse, or its refusal as {"error": message}."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    data = (FIXTURES / meta["fixture"]).read_bytes()
    try:
        return dict(PARSERS[meta["parser"]](data, meta.get("url")))
    except Mobile01ParseError as exc:
        return {"error": str(exc)}


@pytest.mark.parametrize("folder", golden_cases(), ids=lambda p: p.name)
def test_parse_matches_golden_file(folder: Path) -> None:
    actual = run_case(folder)
    expected_path = folder / "expected.json"
    if UPDATE:
        text = json.dumps(actual, ensure_ascii=False, indent=2) + "\n"
        expected_path.write_text(text, encoding="utf-8")
        return
    assert expected_path.exists(), f"{expected_path} missing: run with BUZZ_UPDATE_GOLDEN=1"
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


def test_there_is_a_golden_case_for_every_parser_and_refusal() -> None:
    metas = [json.loads((f / "meta.json").read_text(encoding="utf-8")) for f in golden_cases()]
    assert {m["parser"] for m in metas} == set(PARSERS)
    refusals = [run_case(f) for f in golden_cases() if "error" in run_case(f)]
    assert len(refusals) >= 3


def fixture(name: str) -> bytes:
    """A page the project wrote."""
    return (FIXTURES / name).read_bytes()


# --- facts of the pages, checked by hand -----------------------------------------------------


def test_topic_list_rows_pinned_paging_and_ads() -> None:
    page = parse_topic_list(fixture("topiclist_kymco_p1.html"))
    assert (page.forum_id, page.forum_name, page.page) == (657, "KYMCO(250cc以下)", 1)
    assert page.last_page == 3 and page.next_url and page.next_url.endswith("p=2")
    assert [t.topic_id for t in page.topics] == [5640306, 5663790, 5662866, 5663912]
    pinned, multi, busy, quiet = page.topics
    assert pinned.pinned and not any(t.pinned for t in (multi, busy, quiet))
    assert multi.pages == 4 and busy.pages == 124 and busy.reply_count == 1234
    assert busy.author == "台中阿傑"  # the name without the site's spaces and &nbsp;
    assert busy.last_reply_at == datetime(2019, 2, 11, 0, 5, tzinfo=TAIPEI)  # `0:05`
    assert quiet.title == "雷霆S & VJR 哪台適合通勤"
    assert (quiet.reply_count, quiet.last_reply_at) == (0, quiet.posted_at)


def test_a_list_page_past_the_window_of_the_pagination_knows_it_is_the_last() -> None:
    page = parse_topic_list(fixture("topiclist_kymco_last.html"))
    assert (page.page, page.last_page, page.next_url) == (9, 9, None)


def test_topic_floors_quotes_comments_and_signature_left_out() -> None:
    page = parse_topic(fixture("topic_p1.html"))
    assert page.main is not None and page.main.floor == 1 and page.main.post_id == "70366401"
    assert page.posted_at == datetime(2019, 2, 10, 14, 3, tzinfo=TAIPEI)
    assert [f.floor for f in page.floors] == [2, 3, 4, 5]  # the ad between floors is not one
    _, third, fourth, fifth = page.floors
    assert "wrote" not in third.content and "恕刪" not in third.content
    assert third.quoted == ("leemax19223",) and "騎車平安" not in third.content
    assert fourth.quoted == ("maxtom44647",)  # the outer quote; the nested one goes with it
    assert fourth.content == "機油用 10W40 就可以了。\n\n皮帶可以自己買來請店家換，比較便宜。"
    assert [c.content for c in fourth.comments] == ["感謝建議", "+1"]
    assert fourth.posted_at == datetime(2019, 2, 10, 23, 47, tzinfo=TAIPEI)  # not a comment's
    assert "Just a moment" in fifth.content  # a post quoting a challenge is still a post
    assert "adSlot" not in page.main.content and page.views == 2318


def test_a_later_page_has_no_main_post_and_keeps_gaps_in_floor_numbers() -> None:
    page = parse_topic(fixture("topic_p2_last.html"))
    assert page.main is None and page.page == 2 and page.next_url is None
    assert [f.floor for f in page.floors] == [11, 13]
    assert page.posted_at == datetime(2019, 2, 10, 14, 3, tzinfo=TAIPEI)  # from the toolbar


@pytest.mark.parametrize("name", ["topic_deleted.html", "topic_404.html"])
def test_a_gone_topic_is_a_deleted_status_not_an_error(name: str) -> None:
    url = "https://www.mobile01.com/topicdetail.php?f=638&t=5661200"
    page = parse_topic(fixture(name), url=url)
    assert (page.status, page.topic_id, page.floors, page.main) == ("deleted", 5661200, (), None)


@pytest.mark.parametrize("name", ["challenge_403.html", "blocked_1020.html"])
@pytest.mark.parametrize("parse", [parse_topic, parse_topic_list, parse_forums])
def test_a_challenge_or_block_page_is_refused_as_a_challenge(name: str, parse: Any) -> None:
    with pytest.raises(Mobile01ParseError, match="challenge") as err:
        parse(fixture(name))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the page is empty"),
        (b"<html><body><p>hello</p></body></html>", "not a Mobile01 page"),
        (fixture("topiclist_kymco_p1.html"), "no floors"),
    ],
)
def test_other_pages_are_refused_in_one_line_without_challenge(data: bytes, reason: str) -> None:
    with pytest.raises(Mobile01ParseError) as err:
        parse_topic(data, url="https://www.mobile01.com/topicdetail.php?f=1&t=2")
    assert reason in str(err.value) and "challenge" not in str(err.value)


def test_a_topic_list_page_is_not_a_topic_and_a_topic_is_not_a_list() -> None:
    with pytest.raises(Mobile01ParseError, match="topic table"):
        parse_topic_list(fixture("topic_p1.html"))
    with pytest.raises(Mobile01ParseError, match="menu of forums"):
        parse_forums(fixture("topic_p1.html"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-02-05 13:04", datetime(2019, 2, 5, 13, 4, tzinfo=TAIPEI)),
        ("2022-08-17 3:29", datetime(2022, 8, 17, 3, 29, tzinfo=TAIPEI)),
        ("2016-06-20 15:19\u00a0\u00a0", datetime(2016, 6, 20, 15, 19, tzinfo=TAIPEI)),
        ("leemax 2019-2-5 7:01 #3", datetime(2019, 2, 5, 7, 1, tzinfo=TAIPEI)),
        ("2019-02-30 10:00", None),
        ("#12", None),
        ("", None),
    ],
)
def test_times_as_the_site_writes_them(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_numbers_with_thousands_commas() -> None:
    assert (number("1,234"), number(" 2,318 瀏覽"), number("回覆"), number(None)) == (
        1234,
        2318,
        None,
        None,
    )


def test_block_text_breaks_lines_at_br_and_blocks_only() -> None:
    html = "<article>\n a <b>b</b>\u3000c<br>\n<div>d</div><div>e</div>x<br><br><br>y</article>"
    article = BeautifulSoup(html, "lxml").article
    assert article is not None
    assert block_text(article) == "a b c\nd\ne\nx\n\ny"


def test_pages_decode_from_utf8_with_bom_and_from_big5() -> None:
    assert decode_page("\ufeff<p>主題</p>".encode()) == "<p>主題</p>"
    assert decode_page("<p>主題</p>".encode("cp950")) == "<p>主題</p>"


# --- finding a forum by the name the report uses ---------------------------------------------


def menu() -> tuple[Forum, ...]:
    """The forums of the hand-written home page."""
    return parse_forums(fixture("home_menu.html"))


def test_the_menu_lists_every_forum_once_with_its_sections() -> None:
    forums = {f.forum_id: f for f in menu()}
    assert forums[657] == Forum(657, "KYMCO(250cc以下)", ("機車", "輕型機車(250cc以下)"))
    assert forums[638].sections == ("生活娛樂",)  # its first place, not the 熱門 box
    assert 999 not in forums  # a link outside the menu is not a forum of it


@pytest.mark.parametrize(
    ("name", "forum_id"),
    [
        ("KYMCO (250cc以下)", 657),
        ("KYMCO(250cc以下)", 657),
        ("kymco （250CC以下）", 657),
        ("新聞與時事 (生活娛樂)", 638),
        ("新聞與時事", 638),
        ("創業夢想家", 747),
        ("綜合討論 (單車)", 284),
        ("綜合討論 (電動機車)", 622),
    ],
)
def test_a_channel_name_finds_its_forum(name: str, forum_id: int) -> None:
    assert find_forum(name, menu()).forum_id == forum_id


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("綜合討論", "names 2 forums"),
        ("KYMCO", "no forum named"),
        ("新聞與時事 (機車)", "no forum"),
    ],
)
def test_an_unknown_or_ambiguous_name_is_refused_in_one_line(name: str, reason: str) -> None:
    with pytest.raises(ForumNotFound, match=reason) as err:
        find_forum(name, menu())
    assert "\n" not in str(err.value)


# --- buzz parse mobile01-* ------------------------------------------------------------------

runner = CliRunner()


def test_buzz_parse_mobile01_topics_prints_the_list_as_json() -> None:
    path = str(FIXTURES / "topiclist_kymco_p1.html")
    result = runner.invoke(app, ["parse", "mobile01-topics", path])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["forum_id", "forum_name", "page", "last_page", "next_url", "topics"]
    assert data["topics"][2]["title"] == "請問雷霆王會有高山症嗎" and "雷霆王" in result.stdout


def test_buzz_parse_mobile01_topic_prints_floors_as_json() -> None:
    result = runner.invoke(app, ["parse", "mobile01-topic", str(FIXTURES / "topic_p1.html")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["main"]["floor"] == 1 and [f["floor"] for f in data["floors"]] == [2, 3, 4, 5]
    assert data["floors"][0]["posted_at"] == "2019-02-10T14:31:00+08:00"


def test_buzz_parse_mobile01_refuses_a_challenge_in_one_line() -> None:
    result = runner.invoke(app, ["parse", "mobile01-topic", str(FIXTURES / "challenge_403.html")])
    assert result.exit_code == 2
    assert "challenge" in result.output and len(result.output.strip().splitlines()) == 1
