"""Shared helpers of the Mobile01 parsers: decoding, refusals, times, ids and clean text."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, NavigableString, Tag

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Mobile01ParseError

TAIPEI = ZoneInfo("Asia/Taipei")
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "pre"})
_SPACES = re.compile(r"[ \t\u00a0\u3000\r\f\v]+")
_SOFT = "\x00"  # a line break a block element's edge makes; one at most between two lines
_SOFT_RUN = re.compile("[ \t\u00a0\u3000]*\x00[\x00 \t\u00a0\u3000]*")


def decode_page(data: str | bytes) -> str:
    """Page bytes as text: UTF-8 (a BOM dropped), else cp950, which older Mobile01 pages used."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Mobile01ParseError("cannot decode the page: it is neither UTF-8 nor cp950/Big5")


def challenge_reason(text: str) -> str | None:
    """Why the text reads as a challenge or block page (Cloudflare's), or None."""
    head = text[:20000]
    for marker in css.CHALLENGE_MARKERS:
        if marker in head:
            return f"not a Mobile01 page: a challenge or block page (it shows {marker!r})"
    return None


def make_soup(data: str | bytes, kind: str) -> BeautifulSoup:
    """The page's tree; refuses empty pages and challenge pages before anything is read.

    Only a page without the site's own chrome can be a challenge: a post that quotes
    "Just a moment..." stays a post.
    """
    text = decode_page(data)
    if not text.strip():
        raise Mobile01ParseError(f"not a Mobile01 {kind} page: the page is empty")
    soup = BeautifulSoup(text, "lxml")
    if not is_site_page(soup):
        reason = challenge_reason(text)
        if reason is not None:
            raise Mobile01ParseError(reason)
    return soup


def is_site_page(soup: BeautifulSoup) -> bool:
    """Whether the page carries the site's own chrome (header, menu, list or floors)."""
    return any(soup.select_one(marker) is not None for marker in css.SITE_MARKERS)


def refuse(soup: BeautifulSoup, kind: str, wanted: str) -> Mobile01ParseError:
    """The one-line refusal for a page that is not the kind asked for."""
    title = " ".join((soup.title.get_text() if soup.title else "").split())
    shown = f" (its title is {title[:60]!r})" if title else ""
    if is_site_page(soup):
        return Mobile01ParseError(f"not a Mobile01 {kind} page: no {wanted}{shown}")
    return Mobile01ParseError(f"not a Mobile01 page: no site header, menu or {wanted}{shown}")


def parse_time(text: str | None) -> datetime | None:
    """`2019-02-05 13:04`, `2022-08-17 3:29` or with trailing spaces: Asia/Taipei, else None."""
    if not text:
        return None
    m = css.TIME.search(text)
    if m is None:
        return None
    year, month, day, hour, minute = (int(g) for g in m.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=TAIPEI)
    except ValueError:
        return None


def number(text: str | None) -> int | None:
    """The first whole number in text, thousands commas allowed (`1,234` -> 1234)."""
    if not text:
        return None
    m = css.COUNT.search(text)
    return int(m.group(0).replace(",", "")) if m else None


def query_int(pattern: re.Pattern[str], url: str | None) -> int | None:
    """One numeric query parameter (f, t or p) of a URL, or None."""
    if not url:
        return None
    m = pattern.search(url)
    return int(m.group(1)) if m else None


def squash(text: str) -> str:
    """One line: runs of whitespace (full-width and no-break spaces too) as one space."""
    return " ".join(text.split())


def block_text(el: Tag) -> str:
    """An element's text as lines: `<br>` breaks a line, a block element starts its own line.

    Spaces are collapsed within lines, lines are stripped, and blank lines never repeat.
    """
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    parts.append(str(child).replace("\n", " "))
            elif isinstance(child, Tag):
                if child.name == "br":
                    parts.append("\n")
                elif child.name in _BLOCKS:
                    parts.append(_SOFT)
                    walk(child)
                    parts.append(_SOFT)
                else:
                    walk(child)

    walk(el)
    text = _SOFT_RUN.sub(_SOFT, "".join(parts))
    text = text.replace("\n" + _SOFT, "\n").replace(_SOFT + "\n", "\n").replace(_SOFT, "\n")
    out: list[str] = []
    for line in (_SPACES.sub(" ", line).strip() for line in text.split("\n")):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def canonical_url(soup: BeautifulSoup, url: str | None) -> str | None:
    """The page's canonical address, else the URL it was fetched from."""
    link = soup.select_one(css.CANONICAL)
    href = link.get("href") if link is not None else None
    return str(href) if isinstance(href, str) and href else url


def page_numbers(soup: BeautifulSoup) -> tuple[int | None, int]:
    """(the page the pagination marks as current, the highest page number it shows).

    The pagination shows a window of pages around the current one, so the highest number shown
    is a lower bound of the last page; `link rel=next` says whether there is one more.
    """
    shown = [number(str(a.get("data-page"))) for a in soup.select(css.PAGINATION_LINK)]
    pages = [n for n in shown if n is not None]
    active = soup.select_one(css.PAGINATION_ACTIVE)
    current = number(str(active.get("data-page"))) if active is not None else None
    return current, max(pages, default=1)


def next_link(soup: BeautifulSoup) -> str | None:
    """The `link rel=next` address, or None on the last page."""
    link = soup.select_one(css.LINK_NEXT)
    href = link.get("href") if link is not None else None
    return str(href) if isinstance(href, str) and href else None
