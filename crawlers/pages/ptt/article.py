"""PTT article pages: header, body without quotes, footer and signature, pushes with years."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree
from parsel import Selector

from crawlers.pages.ptt.data import PttArticle, PttParseError, PttPush
from crawlers.pages.ptt.html import (
    _IP_RE,
    _has_class,
    _is_404,
    _not_ptt_reason,
    _selector,
    _split_url,
    _text,
    _valid_ip,
    article_id_epoch,
)
from crawlers.pages.ptt.times import (
    POST_TIME_RE,
    TAIPEI,
    infer_push_times,
    parse_post_time,
    parse_push_stamp,
)

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
