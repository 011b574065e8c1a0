"""The replica shows the real pages' shapes, and the project's own parsers read its world back."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from ptt_golden import SHARED_REAL

from crawlers.pages.ptt import PttArticle, PttIndexPage, parse_article, parse_index
from replica.clock import DATA_END, DATA_START, DEFAULT_NOW
from replica.ptt.site import Site
from replica.ptt.truth import world_week_truth
from replica.ptt.world import Article, Board, Push, World, build_world

SITE = "https://www.ptt.cc"
OVER18 = {"over18": "1"}
IP = r"\d{1,3}(?:\.\d{1,3}){3}"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


# --- (a) every shape the real pages show, the replica serves ----------------------------------


def _padded_ip(text: str) -> bool:
    """An old push stamp: the IP right-aligned in 15 columns, then the date."""
    return any(
        len(m[1]) + len(m[2]) == 15 and m[1] != ""
        for m in re.finditer(r'push-ipdatetime">( *)(' + IP + r") \d\d/\d\d", text)
    )


def _impossible_date(text: str) -> bool:
    """A push date no year has (PTT's `03/32`)."""
    for m in re.finditer(r'push-ipdatetime">[^<]*?(\d\d)/(\d\d)[ \n]', text):
        month, day = int(m[1]), int(m[2])
        if 1 <= month <= 12 and day > calendar.monthrange(2000, month)[1]:
            return True
    return False


def _email_in_body(text: str) -> bool:
    """A Cloudflare-hidden address in the post itself, not in a push."""
    main = text.split('id="main-content"', 1)[-1]
    return "__cf_email__" in re.sub(r'<div class="push">.*?</div>', "", main, flags=re.DOTALL)


def _has(pattern: str) -> Callable[[str], bool]:
    """A page test: the regular expression occurs in the page's HTML."""
    compiled = re.compile(pattern)
    return lambda text: compiled.search(text) is not None


@dataclass(frozen=True)
class Shape:
    """A structure real PTT pages show: how to spot it, and the real page that shows it."""

    name: str
    spot: Callable[[str], bool]
    real: str | None
    why_not_real: str = ""


SHAPES = (
    Shape("padded push IP", _padded_ip, "ptt_article_Gossiping_M.1119222611.A.7A9.html"),
    Shape(
        "date-only push stamp",
        _has(r'push-ipdatetime">[^<]*\d\d/\d\d\n?</span>'),
        "ptt_article_Gossiping_M.1123769450.A.A1A.html",
    ),
    Shape(
        "impossible push date", _impossible_date, "ptt_article_WomenTalk_M.1143885175.A.C8D.html"
    ),
    Shape(
        "deleted row (本文已被刪除) [author]",
        _has(r"\(本文已被刪除\) \[[^\]\s]+\]"),
        "ptt_index_Beauty_index2219_2017-07.html",
    ),
    Shape(
        "moderator deletion (已被mod刪除) <author>",
        _has(r"\(已被\w+刪除\) &lt;\w+&gt;"),
        "ptt_article_Gossiping_M.1119222611.A.7A9.html",
    ),
    Shape(
        "2016-18 index: mark before title",
        _has(r'<div class="mark">[^<]*</div>\s*<div class="title">'),
        "ptt_index_LoL_index4381_2016_old-layout_EDITED.html",
    ),
    Shape(
        "2016-18 index: date before author",
        _has(r'<div class="date">[^<]*</div>\s*<div class="author">'),
        "ptt_index_LoL_index9852_2018-01_TRIMMED.html",
    ),
    Shape(
        "2016 index: btn-group pull-right paging",
        _has(r'<div class="btn-group pull-right">\s*<a class="btn wide"'),
        "ptt_index_LoL_index4381_2016_old-layout_EDITED.html",
    ),
    Shape(
        "2016-18 index: logo links /",
        _has(r'<a id="logo" href="/">'),
        "ptt_index_LoL_index9852_2018-01_TRIMMED.html",
    ),
    Shape(
        "2020-21 index: search bar",
        _has(r'<div class="search-bar">\s*<form type="get" action="search" id="search-bar">'),
        "ptt_index_ALLPOST_index3637_2020-08-17.html",
    ),
    Shape(
        "2020-21 index: row menu with search links",
        _has(
            r'<div class="article-menu">\s*<div class="trigger">&#x22ef;</div>\s*'
            r'<div class="dropdown">\s*<div class="item"><a href="/bbs/\w+/search\?q=[^"]+">'
            r"搜尋同標題文章</a></div>"
        ),
        "ptt_index_ALLPOST_index3637_2020-08-17.html",
    ),
    Shape(
        "warning box in a long thread",
        _has(r'<div class="push center warning-box">檔案過大！部分文章無法顯示</div>'),
        "ptt_article_Gossiping_M.1119222611.A.7A9.html",
    ),
    Shape(
        "Cloudflare e-mail link in a push",
        _has(
            r'push-content">[^<]*<a href="/cdn-cgi/l/email-protection" class="__cf_email__" '
            r'data-cfemail="[0-9a-f]+">\[email&#160;protected\]</a>'
        ),
        "ptt_article_TFSHS66th321_M.1498563199.A.35C_2017_EDITED-pushdates.html",
    ),
    Shape(
        "Cloudflare e-mail link in a body",
        _email_in_body,
        None,
        "the real pages hide addresses only in pushes; Cloudflare hides them in bodies alike",
    ),
    Shape(
        "no metalines: 2007 plain-text header",
        _has(r'<title>閱讀文章 - 看板 \w+ - 批踢踢實業坊</title>[\s\S]*bbs-content">\n作者: '),
        "ptt_article_Gossiping_M.1173456473.A.F4F.html",
    ),
    Shape(
        "no metalines: 2005 highlighted header",
        _has(r'<title>閱讀文章 - [\s\S]*<span class="f4 b7"> 作者 </span><span class="b4"> '),
        "ptt_article_Gossiping_M.1123769450.A.A1A.html",
    ),
    Shape(
        "◆ From origin line",
        _has(r"※ 發信站: 批踢踢實業坊\(ptt\.cc\) ?\n</span>◆ From: " + IP),
        "ptt_article_Soft_Job_M.1181801925.A.86E.html",
    ),
    Shape(
        "2017 origin line without (臺灣)",
        _has(r"※ 發信站: 批踢踢實業坊\(ptt\.cc\), 來自: " + IP + r"\n"),
        "ptt_article_Beauty_M.1499790734.A.833.html",
    ),
    Shape(
        "old edit line ※ 編輯: user 來自: IP (MM/DD HH:MM)",
        _has(r"※ 編輯: \w+ +來自: " + IP + r" +\(\d\d/\d\d \d\d:\d\d\)"),
        "ptt_article_Gossiping_M.1175469904.A.05B.html",
    ),
    Shape(
        "edit line ※ 編輯: user (IP 臺灣), MM/DD/YYYY HH:MM:SS",
        _has(r"※ 編輯: \w+ \(" + IP + r" 臺灣\), \d\d/\d\d/\d{4} \d\d:\d\d:\d\d"),
        "ptt_article_GO_M.1597603762.A.135_2020-08-17_EDITED-title.html",
    ),
    Shape(
        "edit line ※ 編輯: user (IP), MM/DD/YYYY HH:MM:SS",
        _has(r"※ 編輯: \w+ \(" + IP + r"\), \d\d/\d\d/\d{4} \d\d:\d\d:\d\d"),
        "ptt_article_Soft_Job_M.1519661420.A.098.html",
    ),
    Shape(
        "quoted reply",
        _has(r'<span class="f2">※ 引述《\w+ \([^)]*\)》之銘言：\n</span><span class="f6">: '),
        None,
        "no real page here is a quoting reply; pttbbs writes `※ 引述《%s》之銘言：` and `: ` lines",
    ),
)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(7)


@pytest.fixture(scope="module")
def site(world: World) -> Site:
    return Site(world, DEFAULT_NOW)


@pytest.fixture(scope="module")
def served(site: Site) -> dict[str, str]:
    """Every page that answers 200 at the default clock, path -> HTML."""
    pages = {}
    for path in site.paths():
        response = site.get(path, {}, OVER18)
        assert response.status == 200, path
        pages[path] = response.body.decode("utf-8")
    return pages


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_the_real_pages_show_the_shape(shape: Shape) -> None:
    if shape.real is None:
        pytest.skip(shape.why_not_real)
    path = SHARED_REAL / "ptt" / shape.real
    if not path.parent.is_dir():
        pytest.skip(f"{path.parent} not present: the real pages are in the shared fixtures")
    assert shape.spot(path.read_bytes().decode("utf-8"))


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_the_replica_serves_the_shape(shape: Shape, served: dict[str, str]) -> None:
    assert any(shape.spot(text) for text in served.values())


def test_spotting_a_shape_can_fail() -> None:
    plain = Path(__file__).parent / "fixtures" / "ptt" / "article_year_rollover.html"
    text = plain.read_text(encoding="utf-8")
    found = {s.name for s in SHAPES if s.spot(text)}
    assert "impossible push date" in found  # its 02/30
    assert not {"padded push IP", "warning box in a long thread", "◆ From origin line"} & found


# --- (b) the project's parsers read back exactly the world ------------------------------------


def nrec(score: int) -> str:
    """The push score cell as PTT shows it."""
    if score >= 100:
        return "爆"
    if score <= -100:
        return "XX"
    if score <= -10:
        return f"X{-score // 10}"
    return str(score) if score > 0 else ""


def deleted_text(art: Article) -> str:
    """What a deleted row says in place of the title."""
    if art.deleter is not None:
        return f"(已被{art.deleter}刪除) <{art.author}>{art.delete_reason}"
    return f"(本文已被刪除) [{art.author}]"


def expected_body(art: Article, now: datetime) -> str:
    """The body a reader keeps: no quote header or quoted lines, no hidden e-mail addresses."""
    lines: list[str] = []
    quoting = False
    for line in art.body_at(now).split("\n"):
        if re.fullmatch(r"※ 引述《.*》之銘言：", line):
            quoting = True
            continue
        if quoting and (line == ":" or line.startswith(": ")):
            continue
        lines.append(EMAIL.sub("", line).rstrip())
    return "\n".join(lines).strip("\n")


def expected_time(push: Push, art: Article) -> datetime | None:
    """When a reader can tell the push was made: none for `03/32`, the day for a date alone."""
    if not push.countable:
        return None
    if not push.date_only:
        return push.at
    day = push.at.replace(hour=0, minute=0)
    return max(day, art.posted_at) if day.date() == art.posted_at.date() else day


def shows_ip(board: Board, art: Article) -> bool:
    """Whether the article's pushes show the pusher's IP."""
    return art.padded_ip or (board.ip_in_push and art.layout != "plain")


def expected_pushes(board: Board, art: Article, now: datetime) -> list[tuple[object, ...]]:
    """Each visible push as (tag, user, text, ip, time, date_only)."""
    return [
        (
            p.tag,
            p.user,
            EMAIL.sub("", p.content).strip(),
            p.ip if shows_ip(board, art) else None,
            expected_time(p, art),
            p.date_only and p.countable,
        )
        for p in art.visible_pushes(now)
    ]


@pytest.fixture(scope="module")
def parsed(world: World, served: dict[str, str]) -> dict[tuple[str, str], PttArticle]:
    """Every served article page parsed by crawlers.pages.ptt, keyed by (board, article id)."""
    out = {}
    for path, text in served.items():
        if "/M." in path:
            a = parse_article(text, url=SITE + path, crawled_at=DEFAULT_NOW)
            out[(a.board, a.article_id)] = a
    return out


def test_every_article_reads_back_as_the_world(
    world: World, site: Site, parsed: dict[tuple[str, str], PttArticle]
) -> None:
    now = site.now
    seen = Counter()
    for board in world.boards.values():
        for art in site.visible(board):
            if art.deleted_by(now):
                assert (board.name, art.article_id) not in parsed
                continue
            a = parsed[(board.name, art.article_id)]
            assert (a.board, a.article_id, a.url, a.status) == (
                board.name,
                art.article_id,
                SITE + art.path,
                "ok",
            )
            assert (a.title, a.author_id, a.author_nickname) == (
                art.title_at(now),
                art.author,
                art.nickname,
            ), art.path
            assert (a.posted_at, a.ip) == (art.posted_at, art.ip), art.path
            assert a.body == expected_body(art, now), art.path
            got = [(p.tag, p.user, p.content, p.ip, p.time, p.date_only) for p in a.pushes]
            assert got == expected_pushes(board, art, now), art.path
            seen[art.layout] += 1
    assert set(seen) == {"modern", "2017", "from", "plain", "spans"}
    assert len(parsed) == sum(seen.values())


def test_every_index_page_reads_back_as_the_world(
    world: World, site: Site, served: dict[str, str]
) -> None:
    now = site.now
    layouts = Counter()
    for board in world.boards.values():
        visible = site.visible(board)
        pages = site.pages(board.name)
        rows = []
        for n in range(1, pages + 1):
            page: PttIndexPage = parse_index(served[f"/bbs/{board.name}/index{n}.html"])
            assert page.board == board.name
            prev = f"/bbs/{board.name}/index{n - 1}.html" if n > 1 else None
            nxt = f"/bbs/{board.name}/index{n + 1}.html" if n < pages else None
            assert (page.prev_url, page.next_url) == (prev, nxt)
            rows.extend(page.rows)
        pinned = [a for a in board.pinned if not a.deleted_by(now)]
        expected = [(a, False) for a in visible] + [(a, True) for a in pinned]
        assert len(rows) == len(expected), board.name
        for row, (art, below) in zip(rows, expected, strict=True):
            date_shown = f"{art.posted_at.month}/{art.posted_at.day:02d}"
            assert (row.date, row.nrec, row.pinned) == (date_shown, nrec(art.score_at(now)), below)
            if art.deleted_by(now):
                assert (row.deleted, row.url, row.article_id) == (True, None, None)
                assert (row.title, row.author) == (deleted_text(art), art.author)
            else:
                assert (row.deleted, row.url, row.article_id) == (False, art.path, art.article_id)
                assert (row.title, row.author) == (art.title_at(now), art.author)
        layouts[board.index_layout] += 1
    assert set(layouts) == {"2016", "2018", "2019", "2020"}


def test_both_deleted_row_forms_are_served_and_read(world: World, site: Site) -> None:
    deleted = [a for b in world.boards.values() for a in site.visible(b) if a.deleted_by(site.now)]
    assert any(a.deleter is None for a in deleted)
    assert any(a.deleter is not None for a in deleted)


def test_the_truth_equals_counts_read_off_the_pages_in_every_week(
    world: World, parsed: dict[tuple[str, str], PttArticle]
) -> None:
    monday = DATA_START.date()
    while monday < DATA_END.date():
        truth = world_week_truth(world, monday, DEFAULT_NOW)
        start = datetime.fromisoformat(truth["week_start"])
        end = start + timedelta(days=7)
        read = {
            key: sum(1 for p in a.pushes if p.time is not None and start <= p.time < end)
            for key, a in parsed.items()
        }
        listed = {(t["board"], t["article_id"]): t for t in truth["threads"] if t["status"] == "ok"}
        for key, t in listed.items():
            assert read.get(key, 0) == t["new_replies"], (monday, t["url"])
        assert all(n == 0 for key, n in read.items() if key not in listed), monday
        monday += timedelta(days=7)


def test_the_rollover_week_counts_read_off_pages_at_an_early_clock(world: World) -> None:
    now = datetime(2019, 1, 8, 12, 0, tzinfo=DEFAULT_NOW.tzinfo)
    early = Site(world, now)
    truth = world_week_truth(world, date(2018, 12, 31), now)
    start = datetime.fromisoformat(truth["week_start"])
    end = start + timedelta(days=7)
    checked = 0
    for t in truth["threads"]:
        if t["status"] != "ok":
            continue
        a = parse_article(early.get(t["url"], {}, OVER18).body, url=SITE + t["url"], crawled_at=now)
        assert (
            sum(p.time is not None and start <= p.time < end for p in a.pushes) == t["new_replies"]
        ), t["url"]
        checked += 1
    assert checked > 200


def test_two_boards_share_an_article_id_and_stay_two_threads(
    world: World, parsed: dict[tuple[str, str], PttArticle]
) -> None:
    ids = Counter(a.article_id for a in parsed.values())
    shared = [aid for aid, n in ids.items() if n > 1]
    assert len(shared) == 1
    (aid,) = shared
    boards = sorted(board for board, article_id in parsed if article_id == aid)
    assert boards == ["Food", "Stock"]
    food, stock = parsed[("Food", aid)], parsed[("Stock", aid)]
    assert food.title != stock.title and food.author_id != stock.author_id
    truth = world_week_truth(world, date(2019, 2, 4), DEFAULT_NOW)
    rows = {t["board"]: t for t in truth["threads"] if t["article_id"] == aid}
    assert set(rows) == {"Food", "Stock"}
    assert rows["Food"]["new_replies"] != rows["Stock"]["new_replies"]
    assert all(rows[b]["new_replies"] > 0 for b in rows)
