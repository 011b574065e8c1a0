"""HTML for the replica's pages, in PTT's web structure; every piece of user text is escaped."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from html import escape
from urllib.parse import quote_plus

from replica.ptt.world import Article, Board, Push

PAGE_SIZE = 20
SITE = "https://www.ptt.cc"
# A thread with more visible pushes than this shows PTT's "file too large" box among them.
WARNING_PUSHES = 250
WARNING_AFTER = 200
WARNING_BOX = '<div class="push center warning-box">檔案過大！部分文章無法顯示</div>'
_CSS = "//images.ptt.cc/bbs/v2.25"
_LINK_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"]+)|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_QUOTE_HEADER_RE = re.compile(r"^※ 引述《.*》之銘言：$")
_TAG_HTML = {
    "推": '<span class="hl push-tag">推 </span>',
    "噓": '<span class="f1 hl push-tag">噓 </span>',
    "→": '<span class="f1 hl push-tag">→ </span>',
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_OLD_LAYOUTS = ("from", "plain", "spans")
_LOGO = {"2016": "/", "2018": "/", "2019": "/bbs/index.html", "2020": "/bbs/"}

_HEAD = """<!DOCTYPE html>
<html>
	<head>
		<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="robots" content="all">
<meta name="keywords" content="Ptt BBS 批踢踢">
{extra}
<link rel="stylesheet" type="text/css" href="{css}/bbs-common.css">
<link rel="stylesheet" type="text/css" href="{css}/bbs-base.css" media="screen">
<link rel="stylesheet" type="text/css" href="{css}/bbs-custom.css">
<link rel="stylesheet" type="text/css" href="{css}/pushstream.css" media="screen">
<link rel="stylesheet" type="text/css" href="{css}/bbs-print.css" media="print">
	</head>
    <body>
"""

_TOPBAR = """<div id="topbar-container">
	<div id="topbar" class="bbs-content">
		<a id="logo" href="{logo}">批踢踢實業坊</a>
		<span>&rsaquo;</span>
		<a class="board" href="/bbs/{board}/index.html">{label}{board}</a>
		<a class="right small" href="/about.html">關於我們</a>
		<a class="right small" href="/contact.html">聯絡資訊</a>
	</div>
</div>
"""

_LABEL = '<span class="board-label">看板 </span>'

_TAIL = """
    </body>
</html>
"""

_NOT_FOUND = """<!DOCTYPE html>
<html>
	<head>
		<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>404</title>
<link rel="stylesheet" type="text/css" href="//images.ptt.cc/v2.20/bbs-common.css">
<link rel="stylesheet" type="text/css" href="//images.ptt.cc/v2.20/bbs-base.css" media="screen">
	</head>
    <body>
<div class="main-container">
	<div class="bbs-screen bbs-content">404 - Not Found.</div>
</div>
    </body>
</html>
"""

# Index rows by era: 2019 (author, date, mark), 2016-18 (mark before the title, date before
# the author) and 2020-21 (a per-row menu of search links between author and date).
_ROW = """		<div class="r-ent">
			<div class="nrec">{nrec}</div>
			<div class="title">
				{title}
			</div>
			<div class="meta">
				<div class="author">{author}</div>
				<div class="date">{date}</div>
				<div class="mark">{mark}</div>
			</div>
		</div>
"""

_ROW_2016 = """		<div class="r-ent">
			<div class="nrec">{nrec}</div>
			<div class="mark">{mark}</div>
			<div class="title">
				{title}
			</div>
			<div class="meta">
				<div class="date">{date}</div>
				<div class="author">{author}</div>
			</div>
		</div>
"""

_ROW_2020 = """		<div class="r-ent">
			<div class="nrec">{nrec}</div>
			<div class="title">
				{title}
			</div>
			<div class="meta">
				<div class="author">{author}</div>
				<div class="article-menu">
					<div class="trigger">&#x22ef;</div>
					<div class="dropdown">
{menu}					</div>
				</div>
				<div class="date">{date}</div>
				<div class="mark">{mark}</div>
			</div>
		</div>
"""

_SEARCH_BAR = """		<div class="search-bar">
			<form type="get" action="search" id="search-bar">
				<input class="query" type="text" name="q" value="" placeholder="搜尋文章&#x22ef;">
			</form>
		</div>
"""


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


def push_html(push: Push, style: str = "time", old: bool = False) -> str:
    """Render one push line; old pages glue the text to its colon (`:推`)."""
    colon = ":" if old else ": "
    return (
        f'<div class="push">{_TAG_HTML[push.tag]}'
        f'<span class="f3 hl push-userid">{escape(push.user)}</span>'
        f'<span class="f3 push-content">{colon}{_linkify(push.content)}</span>'
        f'<span class="push-ipdatetime">{push_stamp(push, style)}\n</span></div>'
    )


def stamp_style(art: Article, with_ip: bool) -> str:
    """Which push stamp an article's page shows."""
    if art.padded_ip:
        return "padded"
    if with_ip and art.layout != "plain":
        return "ip"
    return "time"


def _header(art: Article, title: str) -> str:
    """The article header: metalines, a 2007 plain-text header or a 2005 highlighted one."""
    author = f"{escape(art.author)} ({escape(art.nickname)})"
    board = escape(art.board)
    if art.layout == "plain":
        when = ptt_time(art.posted_at)
        return f"\n作者: {author} 站內: {board}\n標題: {escape(title)}\n時間: {when}\n\n"
    if art.layout == "spans":
        tag = '<span class="f4 b7"> {} </span><span class="b4"> {} </span>'
        return (
            tag.format("作者", f"{author:<40}")
            + tag.format("看板", board)
            + "\n"
            + tag.format("標題", f"{escape(title):<70}")
            + "\n"
            + tag.format("時間", f"{ptt_time(art.posted_at):<70}")
            + "\n"
            + f'<span class="f6">{"─" * 39}</span> \n\n'
        )
    return (
        '<div class="article-metaline"><span class="article-meta-tag">作者</span>'
        f'<span class="article-meta-value">{author}</span></div>'
        '<div class="article-metaline-right"><span class="article-meta-tag">看板</span>'
        f'<span class="article-meta-value">{board}</span></div>'
        '<div class="article-metaline"><span class="article-meta-tag">標題</span>'
        f'<span class="article-meta-value">{escape(title)}</span></div>'
        '<div class="article-metaline"><span class="article-meta-tag">時間</span>'
        f'<span class="article-meta-value">{ptt_time(art.posted_at)}</span></div>\n'
    )


def _footer(art: Article, url: str) -> str:
    """The origin footer: today's `來自: ip (臺灣)`, 2017's `來自: ip`, or the old `◆ From: ip`."""
    if art.layout in _OLD_LAYOUTS:
        return f'--\n<span class="f2">※ 發信站: 批踢踢實業坊(ptt.cc) \n</span>◆ From: {art.ip}\n'
    where = f"{art.ip} (臺灣)" if art.layout == "modern" else art.ip
    return (
        f'--\n<span class="f2">※ 發信站: 批踢踢實業坊(ptt.cc), 來自: {where}\n'
        f'</span><span class="f2">※ 文章網址: <a href="{url}" target="_blank" '
        f'rel="nofollow">{url}</a>\n</span>'
    )


def _edit_line(art: Article) -> str:
    """The `※ 編輯` line in the article's era (2005-07 `來自:` form or `(ip 臺灣), date`)."""
    at = art.edited_at
    assert at is not None
    author = escape(art.author)
    if art.layout in _OLD_LAYOUTS:
        text = f"※ 編輯: {author:<16}來自: {art.ip:<21}({at:%m/%d %H:%M})"
    elif art.layout == "2017":
        text = f"※ 編輯: {author} ({art.ip}), {at:%m/%d/%Y %H:%M:%S}"
    else:
        text = f"※ 編輯: {author} ({art.ip} 臺灣), {at:%m/%d/%Y %H:%M:%S}"
    return f'<span class="f2">{text}\n</span>'


def article_page(art: Article, now: datetime, with_ip: bool = False) -> str:
    """Render an article as it looks at now (title/body after any edit, visible pushes only)."""
    title = art.title_at(now)
    body = art.body_at(now)
    url = f"{SITE}{art.path}"
    board = escape(art.board)
    no_metalines = art.layout in ("plain", "spans")
    summary = without_emails(body[:150])
    if no_metalines:
        summary = (
            f"作者: {art.author} ({art.nickname}) 站內: {art.board}\n標題: {title}\n"
            f"時間: {ptt_time(art.posted_at)}\n{summary}"
        )
    description = escape(summary)
    og_title = "" if no_metalines else f'<meta property="og:title" content="{escape(title)}">\n'
    extra = (
        f'<meta name="description" content="{description}">\n'
        '<meta property="og:site_name" content="Ptt 批踢踢實業坊">\n'
        f"{og_title}"
        f'<meta property="og:description" content="{description}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<link rel="canonical" href="{url}">'
    )
    page_title = (
        f"閱讀文章 - 看板 {board} - 批踢踢實業坊"
        if no_metalines
        else f"{escape(title)} - 看板 {board} - 批踢踢實業坊"
    )
    parts = [
        _HEAD.format(title=page_title, extra=extra, css=_CSS),
        _TOPBAR.format(logo="/bbs/", board=board, label=_LABEL),
        '<div id="navigation-container">\n\t<div id="navigation" class="bbs-content">\n'
        f'\t\t<a class="board" href="/bbs/{board}/index.html">返回看板</a>\n'
        '\t\t<div class="bar"></div>\n\t</div>\n</div>\n',
        '<div id="main-container">\n    <div id="main-content" class="bbs-screen bbs-content">',
        _header(art, title),
        _body_html(body),
        "\n\n",
    ]
    if art.signature:
        parts.append(f"--\n{escape(art.signature)}\n\n")
    parts.append(_footer(art, url))
    edit_line = _edit_line(art) if art.edited_at is not None and art.edited_by(now) else ""
    style = stamp_style(art, with_ip)
    old = art.layout in _OLD_LAYOUTS
    visible = sum(p.visible_at(now) for p in art.pushes)
    shown = 0
    for push in art.pushes:
        if edit_line and art.edited_at is not None and push.at > art.edited_at:
            parts.append(edit_line)
            edit_line = ""
        if push.visible_at(now):
            if visible > WARNING_PUSHES and shown == WARNING_AFTER:
                parts.append(WARNING_BOX)
            parts.append(push_html(push, style, old))
            shown += 1
    parts.append(edit_line)
    parts.append("</div>\n</div>\n")
    parts.append(_TAIL)
    return "".join(parts)


def _paging(board: str, page: int, pages: int, layout: str) -> str:
    """Render the 看板/精華區 group and the 最舊 / 上頁 / 下頁 / 最新 buttons of an era."""

    def button(label: str, target: int | None) -> str:
        if target is None:
            return f'\t\t\t\t<a class="btn wide disabled">{label}</a>\n'
        href = f"/bbs/{board}/index.html" if label == "最新" else f"/bbs/{board}/index{target}.html"
        return f'\t\t\t\t<a class="btn wide" href="{href}">{label}</a>\n'

    old = layout == "2016"
    return (
        f'\t\t\t<div class="btn-group{"" if old else " btn-group-dir"}">\n'
        f'\t\t\t\t<a class="btn selected" href="/bbs/{board}/index.html">看板</a>\n'
        f'\t\t\t\t<a class="btn" href="/man/{board}/index.html">精華區</a>\n\t\t\t</div>\n'
        f'\t\t\t<div class="btn-group {"pull-right" if old else "btn-group-paging"}">\n'
        + button("最舊", 1)
        + button("&lsaquo; 上頁", page - 1 if page > 1 else None)
        + button("下頁 &rsaquo;", page + 1 if page < pages else None)
        + button("最新", pages)
        + "\t\t\t</div>\n"
    )


def deleted_title(art: Article) -> str:
    """A deleted row's text: `(本文已被刪除) [author]`, or `(已被mod刪除) <author>reason`."""
    if art.deleter is not None:
        return f"(已被{art.deleter}刪除) <{art.author}>{art.delete_reason}"
    return f"(本文已被刪除) [{art.author}]"


def _menu(board: str, title: str, author: str | None) -> str:
    """The 2020-21 row menu: search the same title, and the author's posts when there is one."""
    items = [(f"/bbs/{board}/search?q={quote_plus('thread:' + title)}", "搜尋同標題文章")]
    if author is not None:
        items.append(
            (
                f"/bbs/{board}/search?q={quote_plus('author:' + author)}",
                f"搜尋看板內 {author} 的文章",
            )
        )
    return "".join(
        f'\t\t\t\t\t\t<div class="item"><a href="{escape(href)}">{escape(label)}</a></div>\n'
        for href, label in items
    )


def _row(board: Board, art: Article, now: datetime) -> str:
    """Render one index row as at now, in the board's era."""
    date = f"{art.posted_at.month:>2}/{art.posted_at.day:02d}"
    if art.deleted_by(now):
        text = deleted_title(art)
        title, author, menu = escape(text), "-", _menu(board.name, text, None)
    else:
        text = art.title_at(now)
        title = f'<a href="{art.path}">{escape(text)}</a>'
        author, menu = escape(art.author), _menu(board.name, text, art.author)
    template = {"2016": _ROW_2016, "2018": _ROW_2016, "2020": _ROW_2020}.get(
        board.index_layout, _ROW
    )
    return template.format(
        nrec=nrec_html(art.score_at(now)),
        title=title,
        author=author,
        date=date,
        mark="M" if art.pinned else "",
        menu=menu,
    )


def page_count(count: int) -> int:
    """Return how many index pages hold count rows (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def index_page(board: Board, visible: Sequence[Article], page: int, now: datetime) -> str:
    """Render index page number `page` (1 is oldest) of a board's articles visible at now."""
    pages = page_count(len(visible))
    name = escape(board.name)
    layout = board.index_layout
    rows = visible[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    margin = "" if layout == "2016" else " action-bar-margin"
    parts = [
        _HEAD.format(title=f"看板 {name} 文章列表 - 批踢踢實業坊", extra="", css=_CSS),
        _TOPBAR.format(logo=_LOGO.get(layout, "/bbs/index.html"), board=name, label=_LABEL),
        '<div id="main-container">\n\t<div id="action-bar-container">\n'
        '\t\t<div class="action-bar">\n',
        _paging(name, page, pages, layout),
        f'\t\t</div>\n\t</div>\n\t<div class="r-list-container{margin} bbs-screen">\n',
    ]
    if layout == "2020":
        parts.append(_SEARCH_BAR)
    parts.extend(_row(board, a, now) for a in rows)
    if page == pages:
        pinned = [a for a in board.pinned if a.exists_at(now) and not a.deleted_by(now)]
        if pinned:
            parts.append('        <div class="r-list-sep"></div>\n')
            parts.extend(_row(board, a, now) for a in pinned)
    parts.append("\t</div>\n</div>\n")
    parts.append(_TAIL)
    return "".join(parts)


def board_list_page(boards: Sequence[Board]) -> str:
    """Render a small list of the replica's boards (like PTT's hot boards page)."""
    parts = [
        _HEAD.format(title="熱門看板 - 批踢踢實業坊", extra="", css=_CSS),
        '<div id="main-container">\n'
        '\t<div class="b-list-container action-bar-margin bbs-screen">\n',
    ]
    for b in boards:
        parts.append(
            f'\t\t<div class="b-ent"><a class="board" href="/bbs/{escape(b.name)}/index.html">'
            f'<div class="board-name">{escape(b.name)}</div></a></div>\n'
        )
    parts.append("\t</div>\n</div>\n")
    parts.append(_TAIL)
    return "".join(parts)


def over18_page(from_path: str) -> str:
    """Render the over-18 question with its form, as PTT shows it for restricted boards."""
    board = (
        from_path.split("/")[2]
        if from_path.startswith("/bbs/") and from_path.count("/") >= 2
        else ""
    )
    return "".join(
        [
            _HEAD.format(title="批踢踢實業坊", extra="", css=_CSS),
            '<div class="bbs-screen bbs-content center clear">\n',
            f'\t<div class="over18-notice">\n\t\t<div class="board">看板 {escape(board)}</div>\n'
            "\t\t<div>本網站已依網站內容分級規定處理</div>\n"
            "\t\t<div>警告︰您即將進入之看板內容需滿十八歲方可瀏覽。</div>\n"
            "\t\t<div>若您尚未年滿十八歲，請點選離開。若您已滿十八歲，亦不可將本區之內容派發、"
            "傳閱、出售、出租、交給或借予年齡未滿十八歲的人士瀏覽，或將本網站內容向該人士出示、"
            "播放或放映。</div>\n\t</div>\n",
            '\t<form action="/ask/over18" method="post">\n'
            f'\t\t<input type="hidden" name="from" value="{escape(from_path)}">\n'
            '\t\t<div class="over18-button-container">\n'
            '\t\t\t<button class="btn-big" type="submit" name="yes" value="yes">'
            "我同意，我已年滿十八歲</button>\n\t\t</div>\n"
            '\t\t<div class="over18-button-container">\n'
            '\t\t\t<button class="btn-big" type="submit" name="no" value="no">'
            "未滿十八歲或不同意本條款</button>\n\t\t</div>\n\t</form>\n</div>\n",
            _TAIL,
        ]
    )


def not_found_page() -> str:
    """Render PTT's plain 404 page."""
    return _NOT_FOUND


ROBOTS_TXT = "User-agent: *\nAllow: /bbs/\nAllow: /ask/\nDisallow: /cgi-bin/\nDisallow: /man/\n"
