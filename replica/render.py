"""HTML for the replica's pages, in PTT's web structure; every piece of user text is escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from html import escape

from replica.world import Article, Board, Push

PAGE_SIZE = 20
SITE = "https://www.ptt.cc"
_CSS = "//images.ptt.cc/bbs/v2.25"
_URL_RE = re.compile(r"https?://[^\s<>\"]+")
_TAG_HTML = {
    "推": '<span class="hl push-tag">推 </span>',
    "噓": '<span class="f1 hl push-tag">噓 </span>',
    "→": '<span class="f1 hl push-tag">→ </span>',
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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
		<a id="logo" href="/bbs/index.html">批踢踢實業坊</a>
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


def _linkify(text: str) -> str:
    """Escape text and turn URLs into links the way PTT's web view does."""
    out: list[str] = []
    pos = 0
    for m in _URL_RE.finditer(text):
        out.append(escape(text[pos : m.start()], quote=False))
        url = escape(m.group(0))
        out.append(f'<a href="{url}" target="_blank" rel="nofollow">{url}</a>')
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def push_html(push: Push, with_ip: bool) -> str:
    """Render one push line."""
    at = push.at
    where = f"{push.ip} " if with_ip else ""
    return (
        f'<div class="push">{_TAG_HTML[push.tag]}'
        f'<span class="f3 hl push-userid">{escape(push.user)}</span>'
        f'<span class="f3 push-content">: {escape(push.content, quote=False)}</span>'
        f'<span class="push-ipdatetime"> {where}{at.month:02d}/{at.day:02d} '
        f"{at.hour:02d}:{at.minute:02d}\n</span></div>"
    )


def article_page(art: Article, now: datetime, with_ip: bool = False) -> str:
    """Render an article as it looks at now (title/body after any edit, visible pushes only)."""
    title = art.title_at(now)
    body = art.body_at(now)
    url = f"{SITE}{art.path}"
    description = escape(body[:150])
    extra = (
        f'<meta name="description" content="{description}">\n'
        '<meta property="og:site_name" content="Ptt 批踢踢實業坊">\n'
        f'<meta property="og:title" content="{escape(title)}">\n'
        f'<meta property="og:description" content="{description}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<link rel="canonical" href="{url}">'
    )
    board = escape(art.board)
    parts = [
        _HEAD.format(title=f"{escape(title)} - 看板 {board} - 批踢踢實業坊", extra=extra, css=_CSS),
        _TOPBAR.format(board=board, label=_LABEL),
        '<div id="navigation-container">\n\t<div id="navigation" class="bbs-content">\n'
        f'\t\t<a class="board" href="/bbs/{board}/index.html">返回看板</a>\n'
        '\t\t<div class="bar"></div>\n\t</div>\n</div>\n',
        '<div id="main-container">\n    <div id="main-content" class="bbs-screen bbs-content">',
        '<div class="article-metaline"><span class="article-meta-tag">作者</span>'
        f'<span class="article-meta-value">{escape(art.author)} ({escape(art.nickname)})</span>'
        "</div>",
        '<div class="article-metaline-right"><span class="article-meta-tag">看板</span>'
        f'<span class="article-meta-value">{board}</span></div>',
        '<div class="article-metaline"><span class="article-meta-tag">標題</span>'
        f'<span class="article-meta-value">{escape(title)}</span></div>',
        '<div class="article-metaline"><span class="article-meta-tag">時間</span>'
        f'<span class="article-meta-value">{ptt_time(art.posted_at)}</span></div>\n',
        _linkify(body),
        "\n\n",
    ]
    if art.signature:
        parts.append(f"--\n{escape(art.signature)}\n\n")
    parts.append(
        f'--\n<span class="f2">※ 發信站: 批踢踢實業坊(ptt.cc), 來自: {art.ip} (臺灣)\n'
        f'</span><span class="f2">※ 文章網址: <a href="{url}" target="_blank" '
        f'rel="nofollow">{url}</a>\n</span>'
    )
    edit_line = ""
    if art.edited_at is not None and art.edited_by(now):
        edit_line = (
            f'<span class="f2">※ 編輯: {escape(art.author)} ({art.ip} 臺灣), '
            f"{art.edited_at:%m/%d/%Y %H:%M:%S}\n</span>"
        )
    for push in art.pushes:
        if edit_line and art.edited_at is not None and push.at > art.edited_at:
            parts.append(edit_line)
            edit_line = ""
        if push.visible_at(now):
            parts.append(push_html(push, with_ip))
    parts.append(edit_line)
    parts.append("</div>\n</div>\n")
    parts.append(_TAIL)
    return "".join(parts)


def _paging(board: str, page: int, pages: int) -> str:
    """Render the 最舊 / 上頁 / 下頁 / 最新 buttons."""

    def button(label: str, target: int | None) -> str:
        if target is None:
            return f'\t\t\t\t<a class="btn wide disabled">{label}</a>\n'
        href = f"/bbs/{board}/index.html" if label == "最新" else f"/bbs/{board}/index{target}.html"
        return f'\t\t\t\t<a class="btn wide" href="{href}">{label}</a>\n'

    return (
        '\t\t\t<div class="btn-group btn-group-paging">\n'
        + button("最舊", 1)
        + button("&lsaquo; 上頁", page - 1 if page > 1 else None)
        + button("下頁 &rsaquo;", page + 1 if page < pages else None)
        + button("最新", pages)
        + "\t\t\t</div>\n"
    )


def _row(art: Article, now: datetime) -> str:
    """Render one index row as at now."""
    date = f"{art.posted_at.month:>2}/{art.posted_at.day:02d}"
    if art.deleted_by(now):
        title = f"(本文已被刪除) [{escape(art.author)}]"
        author = "-"
    else:
        title = f'<a href="{art.path}">{escape(art.title_at(now))}</a>'
        author = escape(art.author)
    return _ROW.format(
        nrec=nrec_html(art.score_at(now)),
        title=title,
        author=author,
        date=date,
        mark="M" if art.pinned else "",
    )


def page_count(count: int) -> int:
    """Return how many index pages hold count rows (at least one)."""
    return max(1, -(-count // PAGE_SIZE))


def index_page(board: Board, visible: Sequence[Article], page: int, now: datetime) -> str:
    """Render index page number `page` (1 is oldest) of a board's articles visible at now."""
    pages = page_count(len(visible))
    name = escape(board.name)
    rows = visible[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    parts = [
        _HEAD.format(title=f"看板 {name} 文章列表 - 批踢踢實業坊", extra="", css=_CSS),
        _TOPBAR.format(board=name, label=_LABEL),
        '<div id="main-container">\n\t<div id="action-bar-container">\n'
        '\t\t<div class="action-bar">\n\t\t\t<div class="btn-group btn-group-dir">\n'
        f'\t\t\t\t<a class="btn selected" href="/bbs/{name}/index.html">看板</a>\n'
        f'\t\t\t\t<a class="btn" href="/man/{name}/index.html">精華區</a>\n\t\t\t</div>\n',
        _paging(name, page, pages),
        '\t\t</div>\n\t</div>\n\t<div class="r-list-container action-bar-margin bbs-screen">\n',
    ]
    parts.extend(_row(a, now) for a in rows)
    if page == pages:
        pinned = [a for a in board.pinned if a.exists_at(now) and not a.deleted_by(now)]
        if pinned:
            parts.append('\t\t<div class="r-list-sep"></div>\n')
            parts.extend(_row(a, now) for a in pinned)
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
