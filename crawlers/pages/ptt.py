"""PTT web pages (www.ptt.cc) parsed into plain data: articles with their pushes, board indexes."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawlers.pages.ptt_time import (
    POST_TIME_RE,
    TAIPEI,
    infer_push_times,
    parse_post_time,
    parse_push_stamp,
)

__all__ = [
    "TAIPEI",
    "PttArticle",
    "PttIndexPage",
    "PttIndexRow",
    "PttParseError",
    "PttPush",
    "article_id_epoch",
    "decode_html",
    "parse_article",
    "parse_index",
]


class PttParseError(ValueError):
    """The page is not a PTT page of the expected kind; the message is a one-line reason."""


@dataclass(frozen=True, slots=True)
class PttPush:
    """One push (推文): a 推 / 噓 / → line under an article."""

    tag: str
    user: str
    content: str
    ip: str | None
    time: datetime | None
    time_inferred: bool
    raw_time: str
    date_only: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-article`."""
        return {
            "tag": self.tag,
            "user": self.user,
            "content": self.content,
            "ip": self.ip,
            "time": _iso(self.time),
            "time_inferred": self.time_inferred,
            "date_only": self.date_only,
        }


@dataclass(frozen=True, slots=True)
class PttArticle:
    """An article page: header, body text without header and footer, and its pushes."""

    board: str
    article_id: str
    url: str
    title: str
    category: str | None
    author_id: str | None
    author_nickname: str | None
    posted_at: datetime | None
    ip: str | None
    status: str
    body: str
    pushes: tuple[PttPush, ...]

    def counts(self) -> dict[str, int]:
        """Pushes by kind: all, push (推), boo (噓), neutral (→)."""
        push = boo = 0
        for p in self.pushes:
            if p.tag == "推":
                push += 1
            elif p.tag == "噓":
                boo += 1
        total = len(self.pushes)
        return {"all": total, "push": push, "boo": boo, "neutral": total - push - boo}

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-article`."""
        return {
            "board": self.board,
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "category": self.category,
            "author_id": self.author_id,
            "author_nickname": self.author_nickname,
            "posted_at": _iso(self.posted_at),
            "ip": self.ip,
            "status": self.status,
            "body": self.body,
            "pushes": [p.to_dict() for p in self.pushes],
            "counts": self.counts(),
        }


@dataclass(frozen=True, slots=True)
class PttIndexRow:
    """One row (`div.r-ent`) of a board index page, with the values as the page shows them."""

    article_id: str | None
    url: str | None
    title: str
    author: str | None
    date: str
    nrec: str
    deleted: bool
    pinned: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-index`."""
        return {
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "nrec": self.nrec,
            "deleted": self.deleted,
            "pinned": self.pinned,
        }


@dataclass(frozen=True, slots=True)
class PttIndexPage:
    """A board index page (`/bbs/<board>/index<N>.html`): its rows and paging links."""

    board: str | None
    rows: tuple[PttIndexRow, ...]
    prev_url: str | None
    next_url: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as printed by `buzz parse ptt-index`."""
        return {
            "board": self.board,
            "rows": [r.to_dict() for r in self.rows],
            "prev_url": self.prev_url,
            "next_url": self.next_url,
        }


# --- shared helpers -------------------------------------------------------------------------

_URL_RE = re.compile(r"/bbs/(?P<board>[^/]+)/(?P<name>[^/]+?)\.html?$")
_ARTICLE_ID_RE = re.compile(r"^[MG]\.(\d+)\.A(?:\.[0-9A-Za-z]+)?$")
_IP_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_BIG5_NAMES = {"big5", "big5-hkscs", "cp950", "x-big5", "ms950"}


def decode_html(data: str | bytes) -> str:
    """Decode page bytes: the declared Big5/cp950, else UTF-8, else cp950 (PTT's old encoding)."""
    if isinstance(data, str):
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _META_CHARSET_RE.search(data[:4096])
    order = ("utf-8", "cp950")
    if declared is not None and declared.group(1).decode("ascii", "replace").lower() in _BIG5_NAMES:
        order = ("cp950", "utf-8")
    for encoding in order:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PttParseError("cannot decode the page: it is neither UTF-8 nor cp950/Big5")


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


def _iso(when: datetime | None) -> str | None:
    """ISO 8601 with offset, or None."""
    return when.isoformat() if when is not None else None


def _selector(html: str | bytes) -> tuple[Selector, str]:
    """A parsel selector over the decoded page; refuses empty input."""
    text = decode_html(html)
    if not text.strip():
        raise PttParseError("not a PTT page: empty input")
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


# --- articles -------------------------------------------------------------------------------

_SKIPPED_DIVS = ("article-metaline", "article-metaline-right", "push", "richcontent")
_HEADER_LINE_RE = re.compile(r"^\s*(作者|標題|時間|看板|站內)(?:[:：]|\s)\s*(.*?)\s*$")
_AUTHOR_BOARD_RE = re.compile(r"^(?P<author>.*?)\s+(?:看板|站內)[:：]?\s+(?P<board>\S+)$")
_AUTHOR_RE = re.compile(r"^(?P<id>[^\s(]+)\s*(?:\((?P<nick>.*)\))?\s*$")
_CATEGORY_RE = re.compile(r"^(?:(?:Re|RE|re|Fw|FW|Fwd)\s*[:：]\s*)*\[\s*([^\]]*?)\s*\]")
_GLUED_TIME_RE = re.compile(
    r"^(?P<title>.*?)\s*時間[:：]\s*(?P<time>" + POST_TIME_RE.pattern + r")\s*$"
)
_PLACEHOLDER_TITLE_RE = re.compile(r"^(?:%[a-zA-Z]|\{\w*\}|\$\{?\w+\}?|<\w+>)?$")
_PAGE_TITLE_SUFFIX_RE = re.compile(r"\s+-\s+看板\s+\S+\s+-\s+批踢踢實業坊\s*$")
_SEPARATOR_RE = re.compile(r"^\s*[─—-]{10,}\s*$")
_FROM_RE = re.compile(r"^◆\s*From:\s*(\S+)")
_SITE_FROM_RE = re.compile(r"來自:\s*(" + _IP_RE.pattern + r")")
# `※ 編輯: user     來自: 1.2.3.4   (08/11 22:31)` (2005-07), `※ 編輯: user (1.2.3.4 臺灣), ...`
_EDIT_IP_RE = re.compile(r"^※ 編輯:\s*\S+\s*(?:來自:\s*|\()(" + _IP_RE.pattern + r")")
_QUOTE_HEADER_RE = re.compile(r"^※\s*引述\s*《[^》]*》\s*之銘言\s*[:：]?$")
_FOOTER_LINE_PREFIXES = ("※ 發信站", "※ 編輯", "※ 文章網址", "◆ From:")
_IPDATETIME_RE = re.compile(r"^(?:(?P<ip>" + _IP_RE.pattern + r")\s+)?(?P<time>\d.*?)?\s*$")
_SIGNATURE_MAX_LINES = 6  # PTT lets a signature file hold at most 6 lines


def parse_article(
    html: str | bytes, url: str | None = None, crawled_at: datetime | None = None
) -> PttArticle:
    """Parse an article page; a PTT 404 gives status "deleted", a non-PTT page PttParseError."""
    sel, text = _selector(html)
    mains = sel.css("#main-content")
    if not mains:
        if _is_404(sel, text):
            board, article_id = _split_url(url)
            return PttArticle(
                board=board,
                article_id=article_id,
                url=url or "",
                title="",
                category=None,
                author_id=None,
                author_nickname=None,
                posted_at=None,
                ip=None,
                status="deleted",
                body="",
                pushes=(),
            )
        raise PttParseError(_not_ptt_reason(sel, text, "#main-content"))
    main: etree._Element = mains[0].root

    page_url = url or _canonical_url(sel)
    url_board, article_id = _split_url(page_url)
    meta = _metalines(main)
    lines = _content_lines(main)
    header, lines = _text_header(lines) if not meta else ({}, lines)
    fields = {**header, **meta}

    title = fields.get("標題", "")
    posted_at = parse_post_time(fields["時間"]) if "時間" in fields else None
    if posted_at is None:
        glued = _GLUED_TIME_RE.match(title)
        if glued is not None:
            title, posted_at = glued["title"], parse_post_time(glued["time"])
    if _PLACEHOLDER_TITLE_RE.match(title):
        title = _page_title(sel)

    author_id, nickname = _split_author(fields.get("作者", ""))
    body, ip = _body_and_ip(lines)

    if crawled_at is not None and crawled_at.tzinfo is None:
        crawled_at = crawled_at.replace(tzinfo=TAIPEI)
    year_base = posted_at
    if year_base is None and (epoch := article_id_epoch(article_id)) is not None:
        year_base = datetime.fromtimestamp(epoch, TAIPEI)

    return PttArticle(
        board=fields.get("看板") or fields.get("站內") or url_board,
        article_id=article_id,
        url=page_url or "",
        title=title,
        category=_category(title),
        author_id=author_id,
        author_nickname=nickname,
        posted_at=posted_at,
        ip=ip,
        status="ok",
        body=body,
        pushes=_pushes(main, year_base, crawled_at),
    )


def _canonical_url(sel: Selector) -> str | None:
    """The page's own address: canonical link, else og:url."""
    found = sel.css("link[rel=canonical]::attr(href)").get()
    found = found or sel.css("meta[property='og:url']::attr(content)").get()
    return found.strip() if found else None


def _page_title(sel: Selector) -> str:
    """The title from og:title, else `<title>` without the board suffix."""
    og = sel.css("meta[property='og:title']::attr(content)").get()
    if og and og.strip():
        return og.strip()
    title = (sel.css("title::text").get() or "").strip()
    if title.startswith("閱讀文章"):
        return ""
    return _PAGE_TITLE_SUFFIX_RE.sub("", title)


def _metalines(main: etree._Element) -> dict[str, str]:
    """The 作者 / 看板 / 標題 / 時間 metalines, tag -> stripped value."""
    meta: dict[str, str] = {}
    for div in main.iterchildren("div"):
        if _has_class(div, "article-metaline") or _has_class(div, "article-metaline-right"):
            tag = value = ""
            for span in div.iterchildren("span"):
                if _has_class(span, "article-meta-tag"):
                    tag = _text(span).strip()
                elif _has_class(span, "article-meta-value"):
                    value = _text(span).strip()
            if tag:
                meta[tag] = value
    return meta


def _content_lines(main: etree._Element) -> list[str]:
    """The text of #main-content without metalines, pushes, embeds and scripts, as lines."""
    parts: list[str] = []
    _collect_text(main, parts)
    return "".join(parts).split("\n")


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    """Append the element's visible text to `parts`, skipping the parts that are not the post."""
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and not _skipped(child):
            _collect_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _skipped(el: etree._Element) -> bool:
    """Elements whose text is not article text."""
    tag = el.tag
    if tag in ("script", "style"):
        return True
    if tag == "div":
        return any(_has_class(el, name) for name in _SKIPPED_DIVS)
    return tag == "a" and _has_class(el, "__cf_email__")


def _text_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Read a plain-text header (2005-2007 pages without metalines) and return the rest."""
    fields: dict[str, str] = {}
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    start = index
    while index < len(lines) and index - start < 4:
        match = _HEADER_LINE_RE.match(lines[index])
        if match is None:
            break
        key, value = match[1], match[2]
        if key == "作者":
            both = _AUTHOR_BOARD_RE.match(value)
            if both is not None:
                value = both["author"].strip()
                fields["看板"] = both["board"]
        fields[key] = value
        index += 1
    if not fields:
        return {}, lines
    if index < len(lines) and _SEPARATOR_RE.match(lines[index]):
        index += 1
    return fields, lines[index:]


def _split_author(value: str) -> tuple[str | None, str | None]:
    """`F7mini158 (愛撫夭五八)` -> ("F7mini158", "愛撫夭五八"); an empty nickname gives None."""
    value = value.strip()
    if not value:
        return None, None
    match = _AUTHOR_RE.match(value)
    if match is None:
        return value.split()[0], None
    nick = (match["nick"] or "").strip()
    return match["id"], nick or None


def _category(title: str) -> str | None:
    """The bracketed category of `[問卦] ...` or `Re: [新聞] ...`; None when there is none."""
    match = _CATEGORY_RE.match(title)
    return (match[1] or None) if match else None


def _body_and_ip(lines: list[str]) -> tuple[str, str | None]:
    """Split content lines into the body (without quotes) and the origin IP."""
    footer_at = None
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].lstrip().startswith("※ 發信站"):
            footer_at = i
            break
    found: re.Match[str] | None = None
    if footer_at is not None:
        body_lines = lines[:footer_at]
        for line in lines[footer_at : footer_at + 3]:
            if line.lstrip().startswith("※ 編輯"):  # its 來自: is the editor's, not the origin
                continue
            found = _SITE_FROM_RE.search(line) or _FROM_RE.match(line.strip())
            if found is not None:
                break
    else:
        body_lines = list(lines)
        for line in reversed(lines):
            found = _FROM_RE.match(line.strip())
            if found is not None:
                break
    # An origin line that shows a broken address stays None; only a missing one falls back.
    ip = _valid_ip(found.group(1)) if found is not None else _edit_ip(lines)
    body_lines = [line.rstrip() for line in body_lines]
    _drop_trailing(body_lines)
    if body_lines and body_lines[-1] == "--":
        body_lines.pop()
        _drop_trailing(body_lines)
        _drop_signature(body_lines)
    body_lines = _drop_quotes(body_lines)
    while body_lines and not body_lines[0]:
        body_lines.pop(0)
    return "\n".join(body_lines), ip


def _edit_ip(lines: list[str]) -> str | None:
    """The address on the last `※ 編輯` line that shows one (None when invalid or absent)."""
    for line in reversed(lines):
        stripped = line.lstrip()
        if stripped.startswith("※ 編輯"):
            found = _EDIT_IP_RE.match(stripped)
            if found is not None:
                return _valid_ip(found.group(1))
    return None


def _drop_quotes(lines: list[str]) -> list[str]:
    """Remove `※ 引述《user (nick)》之銘言：` and the `: ` quoted lines after it (`: : ` too)."""
    start = next(
        (i for i, line in enumerate(lines) if "引述" in line and _is_quote_header(line)), None
    )
    if start is None:
        return lines
    kept = lines[:start]
    for line in lines[start + 1 :]:
        if line == ":" or line.startswith(": ") or ("引述" in line and _is_quote_header(line)):
            continue
        kept.append(line)
    return kept


def _is_quote_header(line: str) -> bool:
    """Whether the line is a reply's `※ 引述《...》之銘言：` header."""
    return _QUOTE_HEADER_RE.match(line.strip()) is not None


def _drop_trailing(lines: list[str]) -> None:
    """Remove trailing blank lines and stray footer lines (`※ 編輯`, `※ 文章網址`, `◆ From`)."""
    while lines and (not lines[-1] or lines[-1].lstrip().startswith(_FOOTER_LINE_PREFIXES)):
        lines.pop()


def _drop_signature(lines: list[str]) -> None:
    """Remove a signature: up to 6 lines after a last `--` line (PTT's signature limit)."""
    for i in range(len(lines) - 1, max(-1, len(lines) - _SIGNATURE_MAX_LINES - 2), -1):
        if lines[i] == "--":
            del lines[i:]
            _drop_trailing(lines)
            return


def _push_divs(main: etree._Element) -> Iterator[etree._Element]:
    """Push divs in page order (also ones nested by broken markup), not the warning boxes."""
    for div in main.iter("div"):
        if _has_class(div, "push") and not _has_class(div, "warning-box"):
            yield div


def _pushes(
    main: etree._Element, posted_at: datetime | None, crawled_at: datetime | None
) -> tuple[PttPush, ...]:
    """All pushes with their year-inferred times."""
    rows: list[tuple[str, str, str, str | None, str]] = []
    for div in _push_divs(main):
        tag = user = content = ipdatetime = ""
        found_tag = False
        for span in div.iterchildren("span"):
            classes = span.get("class") or ""
            if "push-tag" in classes:
                tag, found_tag = _text(span).strip(), True
            elif "push-userid" in classes:
                user = _text(span).strip()
            elif "push-content" in classes:
                content = _push_content(span)
            elif "push-ipdatetime" in classes:
                ipdatetime = _text(span).strip()
        if not found_tag:
            continue
        match = _IPDATETIME_RE.match(ipdatetime)
        ip = _valid_ip(match["ip"]) if match else None
        raw_time = (match["time"] or "") if match else ipdatetime
        rows.append((tag, user, content, ip, raw_time))
    stamps = [parse_push_stamp(row[4]) for row in rows]
    times = infer_push_times(stamps, posted_at, crawled_at)
    return tuple(
        PttPush(
            tag=tag,
            user=user,
            content=content,
            ip=ip,
            time=when,
            time_inferred=True,
            raw_time=raw_time,
            date_only=when is not None and stamp is not None and stamp.date_only,
        )
        for (tag, user, content, ip, raw_time), stamp, when in zip(rows, stamps, times, strict=True)
    )


def _push_content(span: etree._Element) -> str:
    """Push text without the leading `: ` and without Cloudflare's `[email protected]` links."""
    if len(span) == 0:
        text = (span.text or "").strip()
    else:
        parts: list[str] = []
        _collect_text(span, parts)
        text = "".join(parts).strip()
    if text.startswith(":"):
        text = text[1:].strip()
    return text


# --- board indexes --------------------------------------------------------------------------

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
