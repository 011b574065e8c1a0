"""Shared helpers of the Mobile01 parsers: decoding, refusals, times, ids and clean text."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, NavigableString, Tag
from lxml.html import HtmlElement

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


def make_tree(data: str | bytes, kind: str) -> HtmlElement:
    """The page's tree; refuses empty pages and challenge pages before anything is read.

    Only a page without the site's own chrome can be a challenge: a post that quotes
    "Just a moment..." stays a post.
    """
    text = decode_page(data)
    if not text.strip():
        raise Mobile01ParseError(f"not a Mobile01 {kind} page: the page is empty")
    if "</html>" not in text[-4096:].lower():
        # lxml parses a cut download without complaint; the floors after the cut would be lost
        raise Mobile01ParseError(
            f"truncated {kind} page: it ends before </html> (a cut-off download)"
        )
    try:
        root = lxml.html.document_fromstring(text)
    except ValueError:  # a str with an XML encoding declaration: let lxml read the bytes
        root = lxml.html.document_fromstring(text.encode("utf-8"))
    except lxml.etree.ParserError as exc:
        raise Mobile01ParseError(f"not a Mobile01 {kind} page: {exc}") from None
    if not is_site_page(root):
        reason = challenge_reason(text)
        if reason is not None:
            raise Mobile01ParseError(reason)
    return root


def is_site_page(root: HtmlElement) -> bool:
    """Whether the page carries the site's own chrome (header, menu, list or floors)."""
    return bool(css.SITE_MARKERS(root))


def page_title(root: HtmlElement) -> str:
    """The `<title>` text on one line."""
    return squash(root.findtext(".//title") or "")


def refuse(root: HtmlElement, kind: str, wanted: str) -> Mobile01ParseError:
    """The one-line refusal for a page that is not the kind asked for."""
    title = page_title(root)
    shown = f" (its title is {title[:60]!r})" if title else ""
    if is_site_page(root):
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


def inline_text(el: HtmlElement | None) -> str:
    """An element's text on one line ("" for no element)."""
    return squash(el.text_content()) if el is not None else ""


def first(found: list[HtmlElement]) -> HtmlElement | None:
    """The first element a selector found, or None."""
    return found[0] if found else None


def attr(el: HtmlElement | None, name: str) -> str:
    """An attribute's value ("" when the element or the attribute is missing)."""
    return str(el.get(name) or "") if el is not None else ""


def canonical_url(root: HtmlElement, url: str | None) -> str | None:
    """The page's canonical address, else the URL it was fetched from."""
    return attr(first(css.CANONICAL(root)), "href") or url


def page_numbers(root: HtmlElement) -> tuple[int | None, int]:
    """(the page the pagination marks as current, the highest page number it shows).

    The pagination shows a window of pages around the current one, so the highest number shown
    is a lower bound of the last page; `link rel=next` says whether there is one more.
    """
    shown = [number(attr(a, "data-page")) for a in css.PAGINATION_LINK(root)]
    pages = [n for n in shown if n is not None]
    current = number(attr(first(css.PAGINATION_ACTIVE(root)), "data-page"))
    return current, max(pages, default=1)


def next_link(root: HtmlElement) -> str | None:
    """The `link rel=next` address, or None on the last page."""
    return attr(first(css.LINK_NEXT(root)), "href") or None


def body_soup(el: HtmlElement) -> Tag:
    """A post body (or any fragment) as BeautifulSoup, for cleaning its messy markup."""
    soup = BeautifulSoup(lxml.html.tostring(el, encoding="unicode"), "html.parser")
    found = soup.find(el.tag)
    return found if isinstance(found, Tag) else soup


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
