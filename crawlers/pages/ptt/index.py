"""PTT board index pages: rows (pinned ones after the separator), deleted rows, paging."""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

from crawlers.pages.ptt.data import PttIndexPage, PttIndexRow, PttParseError
from crawlers.pages.ptt.html import (
    _ARTICLE_ID_RE,
    _has_class,
    _not_ptt_reason,
    _selector,
    _split_url,
    _text,
)

_BOARD_TITLE_RE = re.compile(r"看板\s+(\S+)\s+文章列表")
_DELETED_AUTHOR_RE = re.compile(r"^\(.*?\)\s*[\[<]\s*([^\]>\s]+)\s*[\]>]")
_ROW_XPATH = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' r-ent ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' r-list-sep ')]"
)


def parse_index(html: str | bytes, url: str | None = None) -> PttIndexPage:
    """Parse a board index page: rows (pinned ones after `r-list-sep`) and the paging links."""
    sel, text = _selector(html)
    marks = sel.xpath(_ROW_XPATH)
    if not marks and not sel.css("div.r-list-container, div.action-bar"):
        raise PttParseError(_not_ptt_reason(sel, text, "div.r-ent rows or div.r-list-container"))
    rows: list[PttIndexRow] = []
    pinned = False
    for mark in marks:
        el: etree._Element = mark.root
        if _has_class(el, "r-list-sep"):
            pinned = True
            continue
        rows.append(_index_row(el, pinned))
    prev_url, next_url = _paging(sel)
    title_match = _BOARD_TITLE_RE.search(sel.css("title::text").get() or "")
    board = title_match[1] if title_match else (_split_url(url)[0] or None)
    return PttIndexPage(board=board, rows=tuple(rows), prev_url=prev_url, next_url=next_url)


def _index_row(el: etree._Element, pinned: bool) -> PttIndexRow:
    """One `div.r-ent`: link, title, author, date and push score as shown."""
    fields: dict[str, etree._Element] = {}
    for div in el.iter("div"):
        for name in ("nrec", "title", "author", "date"):
            if name not in fields and _has_class(div, name):
                fields[name] = div
    title_div = fields.get("title")
    link = None
    if title_div is not None:
        link = next((a for a in title_div.iter("a") if a.get("href")), None)
    author = " ".join(_text(fields.get("author")).split()) or None
    if link is not None:
        href = (link.get("href") or "").strip()
        title = " ".join(_text(link).split())
        name = href.rsplit("/", 1)[-1].removesuffix(".html")
        article_id = name if _ARTICLE_ID_RE.match(name) else None
        deleted = False
    else:
        href, article_id, deleted = "", None, True
        title = " ".join(_text(title_div).split())
        if author in (None, "-"):
            found = _DELETED_AUTHOR_RE.search(title)
            author = found[1] if found else None
    return PttIndexRow(
        article_id=article_id,
        url=href or None,
        title=title,
        author=author,
        date=_text(fields.get("date")).strip(),
        nrec=_text(fields.get("nrec")).strip(),
        deleted=deleted,
        pinned=pinned,
    )


def _paging(sel: Selector) -> tuple[str | None, str | None]:
    """The ‹ 上頁 / 下頁 › links; a disabled button (no href) gives None."""
    prev_url = next_url = None
    for button in sel.css("div.btn-group a.btn"):
        label = "".join(button.css("::text").getall())
        href = (button.attrib.get("href") or "").strip() or None
        if "上頁" in label:
            prev_url = href
        elif "下頁" in label:
            next_url = href
    return prev_url, next_url
