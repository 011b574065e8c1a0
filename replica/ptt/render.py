"""HTML for the replica's pages, in PTT's web structure, from Jinja2 templates (autoescaped).

The page structure lives in replica/ptt/templates/; text turned into markup (links, hidden
e-mail addresses, quoted lines) is built here and handed to the templates as Markup.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote_plus

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from replica.ptt.world import Article, Board, Push

PAGE_SIZE = 20
SITE = "https://www.ptt.cc"
# A thread with more visible pushes than this shows PTT's "file too large" box among them.
WARNING_PUSHES = 250
WARNING_AFTER = 200
_CSS = "//images.ptt.cc/bbs/v2.25"
_LINK_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"]+)|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_QUOTE_HEADER_RE = re.compile(r"^※ 引述《.*》之銘言：$")
_TAG_HTML = {
    "推": Markup('<span class="hl push-tag">推 </span>'),
    "噓": Markup('<span class="f1 hl push-tag">噓 </span>'),
    "→": Markup('<span class="f1 hl push-tag">→ </span>'),
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_OLD_LAYOUTS = ("from", "plain", "spans")
_LOGO = {"2016": "/", "2018": "/", "2019": "/bbs/index.html", "2020": "/bbs/"}


def _env() -> Environment:
    """The templates (replica/ptt/templates), every value escaped unless marked markup."""
    env = Environment(
        loader=PackageLoader("replica.ptt", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(css=_CSS, old_layouts=_OLD_LAYOUTS)
    return env


def _render(template: str, **values: Any) -> str:
    """Render one template of the site."""
    return _ENV.get_template(template).render(**values)


def ptt_time(when: datetime) -> str:
    """Format a time like PTT's 時間 metaline, e.g. 'Tue Feb  5 12:34:56 2019'."""
    return (
        f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:>2} "
        f"{when:%H:%M:%S} {when.year}"
    )


def nrec_html(score: int) -> str:
    """Render PTT's recommend count cell: 爆, a number, X1..X9/XX, or nothing."""
    if score >= 100:
        return '<span class="hl f1">爆</span>'
    if score >= 10:
        return f'<span class="hl f3">{score}</span>'
    if score > 0:
        return f'<span class="hl f2">{score}</span>'
    if score <= -100:
        return '<span class="hl f0">XX</span>'
    if score <= -10:
        return f'<span class="hl f0">X{-score // 10}</span>'
    return ""


def cf_email(address: str) -> str:
    """Hide an address the way Cloudflare does: a link whose data-cfemail XORs it with a key."""
    data = address.encode()
    key = hashlib.blake2b(data, digest_size=1).digest()[0]
    encoded = f"{key:02x}" + "".join(f"{b ^ key:02x}" for b in data)
    return (
        f'<a href="/cdn-cgi/l/email-protection" class="__cf_email__" '
        f'data-cfemail="{encoded}">[email&#160;protected]</a>'
    )


def without_emails(text: str) -> str:
    """Text as a reader sees it once Cloudflare has hidden the addresses (the link text goes)."""
    return _EMAIL_RE.sub("", text)


def _linkify(text: str) -> str:
    """Escape text, turn URLs into links the way PTT's web view does, hide e-mail addresses."""
    out: list[str] = []
    pos = 0
    for m in _LINK_RE.finditer(text):
        out.append(escape(text[pos : m.start()], quote=False))
        if m.group("email"):
            out.append(cf_email(m.group("email")))
        else:
            url = escape(m.group(0))
            out.append(f'<a href="{url}" target="_blank" rel="nofollow">{url}</a>')
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def _body_html(body: str) -> str:
    """Render body text: quote headers green (f2), quoted `: ` lines cyan (f6), like pttweb."""
    lines = body.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        end = "\n" if i < len(lines) - 1 else ""
        if _QUOTE_HEADER_RE.match(line):
            out.append(f'<span class="f2">{escape(line, quote=False)}{end}</span>')
        elif line == ":" or line.startswith(": "):
            out.append(f'<span class="f6">{_linkify(line)}{end}</span>')
        else:
            out.append(_linkify(line) + end)
    return "".join(out)


def push_stamp(push: Push, style: str) -> str:
    """The push-ipdatetime text: ` 02/05 12:34`, ` 1.2.3.4 02/05 12:34` or padded `IP 06/20`.

    `style` is "time", "ip" (today's Gossiping) or "padded" (old pages: the IP right-aligned in
    15 columns, then the date, with or without the time).
    """
    at = push.at
    when = push.shown_date or f"{at.month:02d}/{at.day:02d}"
    if not push.date_only:
        when += f" {at.hour:02d}:{at.minute:02d}"
    if style == "padded":
        return f"{push.ip:>15} {when}"
    if style == "ip":
        return f" {push.ip} {when}"
    return f" {when}"


_ENV = _env()


def stamp_style(art: Article, with_ip: bool) -> str:
    """Which push stamp an article's page shows."""
    if art.padded_ip:
        return "padded"
    if with_ip and art.layout != "plain":
        return "ip"
    return "time"


def _spans(art: Article, title: str) -> dict[str, Markup]:
    """The 2005 header's fields, padded after escaping as the page pads them."""
    author = f"{escape(art.author)} ({escape(art.nickname)})"
    return {
        "author": Markup(f"{author:<40}"),
        "title": Markup(f"{escape(title):<70}"),
        "time": Markup(f"{ptt_time(art.posted_at):<70}"),
    }


def _edit_text(art: Article) -> str:
    """The `※ 編輯` line in the article's era (2005-07 `來自:` form or `(ip 臺灣), date`)."""
    at = art.edited_at
    assert at is not None
    if art.layout in _OLD_LAYOUTS:
        return f"※ 編輯: {art.author:<16}來自: {art.ip:<21}({at:%m/%d %H:%M})"
    if art.layout == "2017":
        return f"※ 編輯: {art.author} ({art.ip}), {at:%m/%d/%Y %H:%M:%S}"
    return f"※ 編輯: {art.author} ({art.ip} 臺灣), {at:%m/%d/%Y %H:%M:%S}"


PushLine = tuple[str, Markup, str, Markup, str]
"""(kind, tag, user, content, stamp): kind is push, edit or warning; only a push fills the rest."""
_NONE = Markup("")


def _push_lines(art: Article, now: datetime, style: str) -> list[PushLine]:
    """What follows the footer, in order: pushes, the edit line at its time, the warning box."""
    edit = art.edited_at is not None and art.edited_by(now)
    visible = sum(p.visible_at(now) for p in art.pushes)
    lines: list[PushLine] = []
    shown = 0
    for push in art.pushes:
        if edit and art.edited_at is not None and push.at > art.edited_at:
            lines.append(("edit", _NONE, "", _NONE, ""))
            edit = False
        if push.visible_at(now):
            if visible > WARNING_PUSHES and shown == WARNING_AFTER:
                lines.append(("warning", _NONE, "", _NONE, ""))
            content = Markup(_linkify(push.content))
            stamp = push_stamp(push, style)
            lines.append(("push", _TAG_HTML[push.tag], push.user, content, stamp))
            shown += 1
    if edit:
        lines.append(("edit", _NONE, "", _NONE, ""))
    return lines


def article_page(art: Article, now: datetime, with_ip: bool = False) -> str:
    """Render an article as it looks at now (title/body after any edit, visible pushes only)."""
    title = art.title_at(now)
    body = art.body_at(now)
    no_metalines = art.layout in ("plain", "spans")
    summary = without_emails(body[:150])
    if no_metalines:
        summary = (
            f"作者: {art.author} ({art.nickname}) 站內: {art.board}\n標題: {title}\n"
            f"時間: {ptt_time(art.posted_at)}\n{summary}"
        )
    return _render(
        "article.html.j2",
        art=art,
        title=title,
        url=f"{SITE}{art.path}",
        no_metalines=no_metalines,
        description=summary,
        author=f"{art.author} ({art.nickname})",
        posted=ptt_time(art.posted_at),
        spans=_spans(art, title) if art.layout == "spans" else {},
        body=Markup(_body_html(body)),
        edit_text=_edit_text(art) if art.edited_at is not None else "",
        lines=_push_lines(art, now, stamp_style(art, with_ip)),
        colon=":" if art.layout in _OLD_LAYOUTS else ": ",
    )


def deleted_title(art: Article) -> str:
    """A deleted row's text: `(本文已被刪除) [author]`, or `(已被mod刪除) <author>reason`."""
    if art.deleter is not None:
        return f"(已被{art.deleter}刪除) <{art.author}>{art.delete_reason}"
    return f"(本文已被刪除) [{art.author}]"


def _menu(board: str, title: str, author: str | None) -> list[tuple[str, str]]:
    """The 2020-21 row menu: search the same title, and the author's posts when there is one."""
    items = [(f"/bbs/{board}/search?q={quote_plus('thread:' + title)}", "搜尋同標題文章")]
    if author is not None:
        items.append(
            (
                f"/bbs/{board}/search?q={quote_plus('author:' + author)}",
                f"搜尋看板內 {author} 的文章",
            )
        )
    return items


def _row(board: Board, art: Article, now: datetime) -> dict[str, object]:
    """What one index row shows at now."""
    date = f"{art.posted_at.month:>2}/{art.posted_at.day:02d}"
    if art.deleted_by(now):
        text = deleted_title(art)
        title: str | Markup = text
        author, menu = "-", _menu(board.name, text, None)
    else:
        text = art.title_at(now)
        title = Markup('<a href="{}">{}</a>').format(art.path, text)
        author, menu = art.author, _menu(board.name, text, art.author)
    return {
        "nrec": Markup(nrec_html(art.score_at(now))),
        "title": title,
        "author": author,
        "date": date,
        "mark": "M" if art.pinned else "",
        "menu": menu,
    }


def page_count(count: int) -> int:
    """Return how many index pages hold count rows (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def index_page(board: Board, visible: Sequence[Article], page: int, now: datetime) -> str:
    """Render index page number `page` (1 is oldest) of a board's articles visible at now."""
    pages = page_count(len(visible))
    layout = board.index_layout
    rows = visible[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    pinned: list[Article] = []
    if page == pages:
        pinned = [a for a in board.pinned if a.exists_at(now) and not a.deleted_by(now)]
    return _render(
        "index.html.j2",
        board=board.name,
        layout=layout,
        logo=_LOGO.get(layout, "/bbs/index.html"),
        page=page,
        pages=pages,
        older=Markup("&lsaquo; 上頁"),
        newer=Markup("下頁 &rsaquo;"),
        rows=[_row(board, a, now) for a in rows],
        pinned=[_row(board, a, now) for a in pinned],
    )


def board_list_page(boards: Sequence[Board]) -> str:
    """Render a small list of the replica's boards (like PTT's hot boards page)."""
    return _render("board_list.html.j2", boards=[b.name for b in boards])


def over18_page(from_path: str) -> str:
    """Render the over-18 question with its form, as PTT shows it for restricted boards."""
    board = (
        from_path.split("/")[2]
        if from_path.startswith("/bbs/") and from_path.count("/") >= 2
        else ""
    )
    return _render("over18.html.j2", board=board, from_path=from_path)


def not_found_page() -> str:
    """Render PTT's plain 404 page."""
    return _render("not_found.html.j2")


ROBOTS_TXT = "User-agent: *\nAllow: /bbs/\nAllow: /ask/\nDisallow: /cgi-bin/\nDisallow: /man/\n"
