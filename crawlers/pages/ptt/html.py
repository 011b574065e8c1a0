"""Shared helpers of the PTT parsers: decoding, the HTML tree, ids and IPs, refusals."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawlers.pages.ptt.data import PttParseError

_URL_RE = re.compile(r"/bbs/(?P<board>[^/]+)/(?P<name>[^/]+?)\.html?$")
_ARTICLE_ID_RE = re.compile(r"^[MG]\.(\d+)\.A(?:\.[0-9A-Za-z]+)?$")
_IP_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def decode_html(data: str | bytes) -> str:
    """Decode page bytes: UTF-8 when they are valid UTF-8, else cp950 (PTT's old Big5 pages).

    The declared charset is not trusted: sites and proxies mislabel pages both ways, and Big5
    text is practically never valid UTF-8, while UTF-8 text often decodes as cp950 mojibake.
    """
    if isinstance(data, str):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp950"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PttParseError("cannot decode the page: it is neither UTF-8 nor cp950/Big5")


def is_whole_page(text: str) -> bool:
    """Whether an HTML page reaches its end: every PTT page closes </html>; a cut download not.

    A page cut short still parses (lxml closes what is open) and would drop the pushes after the
    cut, which storage would then mark as removed; refusing it keeps them.
    """
    return "</html>" in text[-4096:].lower()


def article_id_epoch(article_id: str) -> int | None:
    """The creation time in the id: `M.1499790734.A.833` -> 1499790734; None for other ids."""
    match = _ARTICLE_ID_RE.match(article_id)
    return int(match.group(1)) if match else None


def _split_url(url: str | None) -> tuple[str, str]:
    """Board and article id from a PTT URL; empty strings for the parts it does not hold."""
    if not url:
        return "", ""
    match = _URL_RE.search(urlsplit(url).path)
    if match is None:
        return "", ""
    name = match["name"]
    return match["board"], name if _ARTICLE_ID_RE.match(name) else ""


def _valid_ip(text: str | None) -> str | None:
    """The IP address as written when it is a valid one (PTT shows some like 119.42.265.151)."""
    if not text:
        return None
    if _IP_RE.fullmatch(text):  # the common case, without ipaddress's overhead
        return text if all(int(part) <= 255 for part in text.split(".")) else None
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return None
    return text


def _selector(html: str | bytes) -> tuple[Selector, str]:
    """A parsel selector over the decoded page; refuses empty input."""
    text = decode_html(html)
    if not text.strip():
        raise PttParseError("not a PTT page: empty input")
    if not is_whole_page(text):
        raise PttParseError("truncated page: it ends before </html> (a cut-off download)")
    # A plain lxml.etree tree: lxml.html's element-class lookup costs ~40% on big push lists.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.LxmlError:
        root = None
    if root is None:
        raise PttParseError("not a PTT page: no HTML in the input")
    return Selector(root=root, type="html"), text


def _not_ptt_reason(sel: Selector, text: str, wanted: str) -> str:
    """The one-line reason a page that lacks PTT structure is refused."""
    head = text[:20000]
    if (
        "cf-browser-verification" in head
        or "challenge-platform" in head
        or ("Just a moment" in head and "cloudflare" in head.lower())
    ):
        return "not a PTT page: a Cloudflare challenge page"
    if sel.css("form[action*='over18']") or "/ask/over18" in head:
        return "not a PTT page: the over-18 confirmation page (send the over18=1 cookie)"
    if wanted == "#main-content" and sel.css("div.r-ent, div.r-list-container"):
        return "not a PTT article: no #main-content (this is a board index page)"
    if wanted != "#main-content" and sel.css("#main-content"):
        return f"not a PTT board index: no {wanted} (this is an article page)"
    return f"not a PTT page: no {wanted}"


def _has_class(el: etree._Element, name: str) -> bool:
    """Whether `name` is one of the element's class tokens."""
    return name in (el.get("class") or "").split()


def _text(el: etree._Element | None) -> str:
    """All text inside an element (no tail)."""
    if el is None:
        return ""
    if len(el) == 0:
        return el.text or ""
    text: str = etree.tostring(el, method="text", encoding="unicode", with_tail=False)
    return text


def _is_404(sel: Selector, text: str) -> bool:
    """PTT's own not-found page, served for deleted articles."""
    title = (sel.css("title::text").get() or "").strip()
    if title == "404":
        return True
    return "404 - Not Found." in text and bool(sel.css("div.bbs-screen, div.bbs-content"))
