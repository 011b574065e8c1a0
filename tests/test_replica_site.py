"""The replica's pages at a clock time: what exists, paging, pinned rows, deletions, edits."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from parsel import Selector

from replica.clock import DEFAULT_NOW, TAIPEI
from replica.ptt.render import nrec_html
from replica.ptt.site import Site
from replica.ptt.world import Article, World, build_world

OVER18 = {"over18": "1"}
MINUTE = timedelta(minutes=1)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(7)


@pytest.fixture(scope="module")
def site(world: World) -> Site:
    return Site(world, DEFAULT_NOW)


def _get(site: Site, path: str) -> tuple[int, Selector]:
    r = site.get(path, {}, OVER18)
    return r.status, Selector(text=r.body.decode())


def _index_rows(site: Site, board: str) -> list[str]:
    """Walk a board from index.html down to index1; return every row as 'href title'."""
    titles: list[str] = []
    path: str | None = f"/bbs/{board}/index.html"
    while path:
        status, sel = _get(site, path)
        assert status == 200
        rows = sel.css("div.r-list-container > div.r-ent, div.r-list-container > div.r-list-sep")
        page: list[str] = []
        for row in rows:
            if row.attrib.get("class") == "r-list-sep":
                break
            href = row.css("div.title a::attr(href)").get() or ""
            page.append(f"{href} {''.join(row.css('div.title ::text').getall()).strip()}".strip())
        titles = page + titles
        path = sel.xpath('//a[contains(text(), "上頁")]/@href').get()
    return titles


def test_an_article_exists_only_from_its_post_time(world: World) -> None:
    art = world.boards["Stock"].articles[-40]
    before = Site(world, art.posted_at - timedelta(seconds=1))
    at = Site(world, art.posted_at)
    assert before.get(art.path, {}, {}).status == 404
    assert at.get(art.path, {}, {}).status == 200
    assert not any(row.startswith(art.path) for row in _index_rows(before, "Stock"))
    assert _index_rows(at, "Stock")[-1] == f"{art.path} {art.title}"


def test_pushes_show_only_once_their_time_has_come(world: World) -> None:
    art = next(
        a for a in world.boards["NBA"].articles if len(a.pushes) > 5 and a.deleted_at is None
    )
    push = art.pushes[3]
    for now in (push.at - MINUTE, push.at):
        _, sel = _get(Site(world, now), art.path)
        assert len(sel.css("div.push")) == len(art.visible_pushes(now))
    assert len(art.visible_pushes(push.at - MINUTE)) < len(art.visible_pushes(push.at))


def test_deleted_article_is_404_and_marked_in_the_index_after_deletion(world: World) -> None:
    art = next(a for a in world.boards["Gossiping"].articles if a.deleted_at is not None)
    assert art.deleted_at is not None
    alive = Site(world, art.deleted_at - timedelta(seconds=1))
    gone = Site(world, art.deleted_at)
    assert alive.get(art.path, {}, OVER18).status == 200
    status, sel = _get(gone, art.path)
    assert status == 404 and sel.css("title::text").get() == "404"
    assert f"(本文已被刪除) [{art.author}]" in _index_rows(gone, "Gossiping")
    assert f"(本文已被刪除) [{art.author}]" not in _index_rows(alive, "Gossiping")


def test_an_article_deleted_after_the_default_clock_is_still_served_at_it(world: World) -> None:
    late = [
        a
        for a in world.articles()
        if a.posted_at <= DEFAULT_NOW and a.deleted_at is not None and a.deleted_at > DEFAULT_NOW
    ]
    assert late
    assert Site(world, DEFAULT_NOW).get(late[0].path, {}, OVER18).status == 200


def test_edits_change_body_and_add_the_edit_line_at_their_time(world: World) -> None:
    art = next(a for a in world.articles() if a.edited_title is not None and not a.pinned)
    assert art.edited_at is not None
    _, before = _get(Site(world, art.edited_at - timedelta(seconds=1)), art.path)
    _, after = _get(Site(world, art.edited_at), art.path)
    assert "※ 編輯" not in before.get()
    edit = after.xpath('//span[@class="f2"][contains(text(), "※ 編輯")]/text()').get()
    assert edit and edit.startswith(f"※ 編輯: {art.author} (")
    assert re.search(r"\(\S+ 臺灣\), \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", edit)
    titles = after.css("span.article-meta-value::text").getall()
    assert (
        art.edited_title in titles
        and art.title in before.css("span.article-meta-value::text").getall()
    )


def test_moderator_removed_pushes_disappear_after_removal(world: World) -> None:
    art, push = next(
        (a, p)
        for a in world.articles()
        if a.deleted_at is None
        for p in a.pushes
        if p.removed_at is not None
    )
    assert push.removed_at is not None
    before = art.visible_pushes(push.removed_at - timedelta(seconds=1))
    after = art.visible_pushes(push.removed_at)
    assert push in before and push not in after
    _, sel = _get(Site(world, push.removed_at), art.path)
    assert len(sel.css("div.push")) == len(after)


def test_index_html_is_the_newest_page_and_prev_links_chain_to_index1(site: Site) -> None:
    for board in ("Stock", "Gossiping", "car"):
        pages = site.pages(board)
        assert pages > 2
        newest = site.get(f"/bbs/{board}/index.html", {}, OVER18).body
        assert newest == site.get(f"/bbs/{board}/index{pages}.html", {}, OVER18).body
        assert site.get(f"/bbs/{board}/index{pages + 1}.html", {}, OVER18).status == 404
        assert site.get(f"/bbs/{board}/index0.html", {}, OVER18).status == 404
        rows = _index_rows(site, board)
        assert len(rows) == len(site.visible(site.world.boards[board]))
        _, first = _get(site, f"/bbs/{board}/index1.html")
        assert first.xpath('//a[contains(@class, "disabled")]/text()').get() == "‹ 上頁"
        _, last = _get(site, f"/bbs/{board}/index.html")
        assert last.xpath('//a[contains(@class, "disabled")]/text()').get() == "下頁 ›"
        assert last.css("title::text").get() == f"看板 {board} 文章列表 - 批踢踢實業坊"


def test_every_index_page_but_the_newest_holds_twenty_rows(site: Site) -> None:
    pages = site.pages("NBA")
    for n in range(1, pages):
        _, sel = _get(site, f"/bbs/NBA/index{n}.html")
        assert len(sel.css("div.r-ent")) == 20
        assert not sel.css("div.r-list-sep")


def test_pinned_rows_follow_the_separator_on_the_newest_page(site: Site) -> None:
    board = site.world.boards["MakeUp"]
    _, sel = _get(site, "/bbs/MakeUp/index.html")
    after_sep = sel.xpath('//div[@class="r-list-sep"]/following-sibling::div[@class="r-ent"]')
    links = [r.css("div.title a::attr(href)").get() for r in after_sep]
    assert links == [a.path for a in board.pinned]
    assert all(r.css("div.mark::text").get() == "M" for r in after_sep)


def test_nrec_cell_follows_ptt() -> None:
    assert nrec_html(0) == ""
    assert nrec_html(-5) == ""
    assert ">7<" in nrec_html(7) and "f2" in nrec_html(7)
    assert ">42<" in nrec_html(42) and "f3" in nrec_html(42)
    assert ">爆<" in nrec_html(100)
    assert ">X1<" in nrec_html(-12) and ">X9<" in nrec_html(-99) and ">XX<" in nrec_html(-100)


def test_unknown_boards_and_articles_are_404(site: Site) -> None:
    assert site.get("/bbs/NoSuchBoard/index.html", {}, {}).status == 404
    assert site.get("/bbs/Stock/M.1549000000.A.000.html", {}, {}).status == 404
    assert site.get("/bbs/Stock/whatever.html", {}, {}).status == 404
    assert site.get("/bbs/Stock", {}, {}).status == 302


def test_user_text_is_escaped(site: Site, world: World) -> None:
    art = next(
        a
        for a in world.boards["Stock"].articles
        if a.deleted_at is None
        and a.posted_at < DEFAULT_NOW
        and any("<" in p.content and p.visible_at(DEFAULT_NOW) for p in a.pushes)
    )
    body = site.get(art.path, {}, {}).body.decode()
    assert ": 推 &lt;3</span>" in body and "<3" not in body


def test_gossiping_pushes_carry_the_ip_and_articles_the_ptt_footer(site: Site) -> None:
    art: Article = next(
        a
        for a in site.visible(site.world.boards["Gossiping"])
        if a.pushes and not a.deleted_at and a.layout == "modern"
    )
    _, sel = _get(site, art.path)
    when = sel.css("span.push-ipdatetime::text").get()
    assert when and re.fullmatch(r" \d+\.\d+\.\d+\.\d+ \d\d/\d\d \d\d:\d\d\n", when)
    f2 = sel.css("span.f2::text").getall()
    assert f2[0].startswith("※ 發信站: 批踢踢實業坊(ptt.cc), 來自: ") and "(臺灣)" in f2[0]
    assert f2[1] == "※ 文章網址: "
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    assert canonical == f"https://www.ptt.cc{art.path}"
    assert sel.css('meta[property="og:url"]::attr(content)').get() == canonical
    posted = sel.css("span.article-meta-value::text").getall()[3]
    assert datetime.strptime(posted, "%a %b %d %H:%M:%S %Y").replace(tzinfo=TAIPEI) == art.posted_at
