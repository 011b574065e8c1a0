"""The weekly report as one self-contained HTML page: inline CSS, every user text escaped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from ranking.cells import safe_url
from ranking.coverage import STATUS_WORDS, board_gaps, gap_line
from ranking.exclusions import REASONS
from ranking.leaderboard import (
    ACTIVITY_SUFFIX,
    channel_label,
    ordered_boards,
    parse_scope,
    platform_label,
)
from ranking.models import Exclusion, Leaderboard, LeaderboardEntry, WeeklyBoards
from ranking.windows import TAIPEI, Window

CSS = """
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb;
  --accent: #c2410c; --band: #fff7ed; --head: #334155; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: var(--ink); line-height: 1.55;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans TC", "PingFang TC",
  "Microsoft JhengHei", "Heiti TC", sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 16px 48px; }
header.top { background: var(--head); color: #fff; border-radius: 10px; padding: 20px 24px; }
header.top h1 { margin: 0 0 6px; font-size: 1.75rem; letter-spacing: .04em; }
header.top .period { font-size: 1.05rem; }
header.top .period b { color: #fed7aa; font-variant-numeric: tabular-nums; }
header.top .meta { color: #cbd5e1; font-size: .85rem; margin-top: 4px; }
nav.toc { margin: 16px 0 8px; font-size: .9rem; }
nav.toc a { display: inline-block; margin: 0 6px 6px 0; padding: 2px 10px; border-radius: 999px;
  background: #fff; border: 1px solid var(--line); color: var(--head); text-decoration: none; }
section.board, section.excluded, section.notes { background: #fff; border: 1px solid var(--line);
  border-radius: 10px; margin: 18px 0; padding: 4px 0 8px; }
section h2 { font-size: 1.2rem; margin: 14px 18px 2px; }
section h2 .kind { color: var(--accent); }
section .note { color: var(--muted); font-size: .85rem; margin: 0 18px 10px; }
h3.group { margin: 30px 0 0; font-size: 1rem; color: var(--muted); font-weight: 600; }
.scroll { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { padding: 8px 12px; border-top: 1px solid var(--line); text-align: left;
  vertical-align: top; }
th { background: var(--band); color: var(--head); font-weight: 600; white-space: nowrap;
  font-size: .85rem; }
td.rank { width: 3.5em; text-align: center; font-weight: 700; color: var(--head); }
tr:nth-child(-n+3) td.rank { color: var(--accent); }
td.num { width: 7.5em; text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.chan { width: 14em; color: var(--muted); }
td.title a { color: #1d4ed8; text-decoration: none; }
td.title a:hover { text-decoration: underline; }
td.reason { white-space: nowrap; font-weight: 600; }
td.detail { color: var(--muted); font-size: .85rem; }
.est { color: var(--accent); cursor: help; }
.empty { color: var(--muted); padding: 10px 18px; }
.notes ol, .notes ul { margin: 8px 18px 8px 10px; font-size: .9rem; }
.notes li { margin: 4px 0; }
section.alert { background: #fef2f2; border: 1px solid #fca5a5; border-radius: 10px;
  margin: 18px 0; padding: 10px 18px; color: #7f1d1d; }
section.alert h2 { margin: 4px 0 6px; font-size: 1.05rem; }
section.alert ul { margin: 4px 0 6px 0; padding-left: 20px; font-size: .9rem; }
.badge { display: inline-block; font-size: .75rem; font-weight: 600; padding: 1px 8px;
  border-radius: 999px; vertical-align: middle; margin-left: 6px; }
.badge.warn { background: #fee2e2; color: #991b1b; }
.badge.prov { background: #fef3c7; color: #92400e; }
p.gap { color: #991b1b; font-size: .85rem; margin: 0 18px 10px; }
td.status-complete { color: #166534; font-weight: 600; }
td.status-incomplete, td.status-failed, td.status-not_crawled { color: #991b1b; font-weight: 600; }
td.status-provisional { color: #92400e; font-weight: 600; }
footer { color: var(--muted); font-size: .8rem; text-align: center; margin-top: 24px; }
@media (max-width: 640px) {
  main { padding: 12px 8px 32px; }
  header.top { padding: 16px; }
  header.top h1 { font-size: 1.35rem; }
  table { font-size: .88rem; }
  th, td { padding: 7px 8px; }
  td.chan { width: auto; font-size: .8rem; }
  td.num { width: auto; }
}
"""

FOOTNOTES: dict[str, str] = {
    "新增回文數": (
        "觀測期間（週一 00:00 至下週一 00:00，台北時間）內新增的回文與留言數：PTT 的推／噓／→、"
        "論壇的樓層、粉絲團與影片的留言都算；文章無論何時發表，只計本週新增的部分。"
    ),
    "閒聊文": (
        "① 頻道按時開設的聊天串，例如「每日閒聊區」「2019/02/05 週二 閒聊文」；"
        "② 主文發表於觀測期間開始前超過 14 天、至今仍有人回覆的長青討論串。兩者皆不列入排行。"
    ),
    "直播文": "附上直播連結或直播資訊、網友在文章底下邊看邊討論的文章，不列入排行。",
    "贈獎文": (
        "發文者以抽獎、贈品等回饋，要求網友留言、推文、按讚、分享或標記好友，因而湧入大量留言的文章，"
        "不列入排行。"
    ),
    "置底文": "看板置底或置頂的板規、公告，長期累積回文，不列入排行。",
}
ACTIVITY_NOTE = "Facebook 等平台的贈獎文不剔除，另列「活動文」排行榜，依新增回文數排名。"
ESTIMATE_NOTE = (
    "該平台只提供留言總數時，新增回文數以觀測期間前後的留言總數快照相減估算，數字前標 ≈。"
)
RANK_NOTE = "排名依新增回文數由多到少；數量相同時依文章識別碼排序，名次不並列。"


def period_line(boards: WeeklyBoards) -> str:
    """觀測期間 as printed, with 暫定 and the cut-off when the week is provisional."""
    label = Window(boards.week_start, boards.week_end).label
    if not boards.provisional:
        return label
    if boards.cutoff is None:
        return f"{label}（暫定）"
    return f"{label}（暫定，資料截至 {boards.cutoff.astimezone(TAIPEI):%Y-%m-%d %H:%M}）"


def board_heading(board: Leaderboard) -> str:
    """A board's heading as the reference report words it: PTT 聲量探索排行榜."""
    return f"{board.label} 聲量探索排行榜"


def source_channel(row: LeaderboardEntry | Exclusion) -> str:
    """The 來源頻道 of a row, or the bare channel when the row does not know its platform."""
    return channel_label(row.platform, row.channel) if row.platform else row.channel


def _e(text: str) -> str:
    """HTML-escape user text, quotes included."""
    return escape(text, quote=True)


def _title_cell(title: str, url: str, thread_id: int) -> str:
    """A title linked to its thread when the URL is http(s); plain escaped text otherwise."""
    text = _e(title) if title.strip() else f"文章 #{thread_id}"
    href = safe_url(url)
    if href is None:
        return text
    return f'<a href="{_e(href)}" rel="noopener" target="_blank">{text}</a>'


def _number_cell(n: int, estimate: bool) -> str:
    """新增回文數 with thousands separators; an estimate gets ≈ and a (估) marker."""
    if estimate:
        return f'<span class="est" title="估計值">≈{n:,}<sup>(估)</sup></span>'
    return f"{n:,}"


def _exclusion_note(board: Leaderboard, activity_platforms: set[str]) -> str:
    """What the board leaves out, as the reference report says under each heading."""
    kind, platform, _ = parse_scope(board.scope)
    if kind == "activity":
        return "只列贈獎文（活動文），依新增回文數排名"
    if platform in activity_platforms:
        return "排除閒聊文、直播文；贈獎文另列活動文排行榜"
    return "排除閒聊文、直播文、贈獎文"


def _board_html(
    boards: WeeklyBoards, board: Leaderboard, anchor: str, activity_platforms: set[str]
) -> str:
    """One leaderboard as a section with a table, marked when channels behind it are not whole."""
    kind = parse_scope(board.scope)[0]
    gaps = board_gaps(boards, board)
    hard = [c for c in gaps if c.status != "provisional"]
    heading = (
        f"{_e(board.label.removesuffix(' ' + ACTIVITY_SUFFIX))} "
        f'<span class="kind">{ACTIVITY_SUFFIX}</span> 聲量探索排行榜'
        if kind == "activity"
        else f"{_e(board.label)} 聲量探索排行榜"
    )
    if hard:
        heading += ' <span class="badge warn">資料不完整</span>'
    elif gaps:
        heading += ' <span class="badge prov">暫定</span>'
    parts = [
        f'<section class="board" id="{anchor}">',
        f"<h2>{heading}</h2>",
        f'<p class="note">{_e(_exclusion_note(board, activity_platforms))}</p>',
    ]
    if hard:
        parts.append(f'<p class="gap">{"；".join(_e(gap_line(c)) for c in hard)}</p>')
    if not board.entries:
        parts.append('<p class="empty">本週沒有符合條件的文章。</p></section>')
        return "\n".join(parts)
    parts.append(
        '<div class="scroll"><table><thead><tr><th>排名</th><th>新增回文數</th>'
        "<th>來源頻道</th><th>標題</th></tr></thead><tbody>"
    )
    for e in board.entries:
        parts.append(
            f'<tr><td class="rank">{e.rank}</td>'
            f'<td class="num">{_number_cell(e.new_replies, e.estimate)}</td>'
            f'<td class="chan">{_e(source_channel(e))}</td>'
            f'<td class="title">{_title_cell(e.title, e.url, e.thread_id)}</td></tr>'
        )
    parts.append("</tbody></table></div></section>")
    return "\n".join(parts)


def _exclusions_html(exclusions: Iterable[Exclusion]) -> str:
    """The threads left off the boards, each with its reason."""
    order = {name: i for i, name in enumerate(REASONS)}
    rows = sorted(
        exclusions,
        key=lambda x: (order.get(x.reason, len(order)), -x.new_replies, x.thread_key, x.thread_id),
    )
    parts = [
        '<section class="excluded" id="excluded">',
        "<h2>未列入排行的文章</h2>",
        '<p class="note">這些文章的新增回文數原本可以上榜，但依規則排除；'
        "「說明」列出判定依據。</p>",
    ]
    if not rows:
        parts.append('<p class="empty">本週沒有因規則排除而落榜的文章。</p></section>')
        return "\n".join(parts)
    parts.append(
        '<div class="scroll"><table><thead><tr><th>原因</th><th>新增回文數</th>'
        "<th>來源頻道</th><th>標題</th><th>說明</th></tr></thead><tbody>"
    )
    for x in rows:
        parts.append(
            f'<tr><td class="reason">{_e(REASONS.get(x.reason, x.reason))}</td>'
            f'<td class="num">{_number_cell(x.new_replies, x.estimate)}</td>'
            f'<td class="chan">{_e(source_channel(x))}</td>'
            f'<td class="title">{_title_cell(x.title, x.url, x.thread_id)}</td>'
            f'<td class="detail">{_e(x.detail)}</td></tr>'
        )
    parts.append("</tbody></table></div></section>")
    return "\n".join(parts)


def _alert_html(boards: WeeklyBoards) -> str:
    """The warning at the top when channels could not be crawled completely."""
    gaps = [c for c in boards.incomplete if c.status != "provisional"]
    if not gaps:
        return ""
    items = "".join(f"<li>{_e(gap_line(c))}</li>" for c in gaps)
    return (
        '<section class="alert" id="incomplete"><h2>⚠ 本週資料不完整</h2>'
        "<p>下列頻道未能完整抓取，相關排行的新增回文數可能偏低，名次可能改變：</p>"
        f"<ul>{items}</ul></section>"
    )


def _coverage_html(boards: WeeklyBoards) -> str:
    """The completeness table at the foot: every channel, its status and why."""
    if not boards.coverage:
        return ""
    rows = []
    for c in boards.coverage:
        crawled = f"{c.observed_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}" if c.observed_at else "-"
        rows.append(
            f"<tr><td>{_e(channel_label(c.platform, c.channel))}</td>"
            f'<td class="status-{_e(c.status)}">{_e(STATUS_WORDS.get(c.status, c.status))}</td>'
            f'<td class="detail">{_e(c.reason) or "-"}</td><td class="num">{crawled}</td></tr>'
        )
    return (
        '<section class="board" id="coverage"><h2>各頻道資料完整性</h2>'
        '<p class="note">每個頻道本週的抓取是否完整；不完整的頻道，其排行數字可能偏低。</p>'
        '<div class="scroll"><table><thead><tr><th>來源頻道</th><th>狀態</th><th>說明</th>'
        f"<th>抓取時間</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _notes_html(any_estimate: bool, any_activity: bool) -> str:
    """The footnotes defining the report's words."""
    items = [f"<li><b>{_e(term)}</b>：{_e(text)}</li>" for term, text in FOOTNOTES.items()]
    if any_activity:
        items.append(f"<li><b>活動文</b>：{_e(ACTIVITY_NOTE)}</li>")
    if any_estimate:
        items.append(f'<li id="estimate"><b>≈ 估計值</b>：{_e(ESTIMATE_NOTE)}</li>')
    items.append(f"<li><b>排名</b>：{_e(RANK_NOTE)}</li>")
    return (
        '<section class="notes" id="notes"><h2>名詞說明</h2><ul>'
        + "".join(items)
        + "</ul></section>"
    )


def render_html(
    boards: WeeklyBoards, generated_at: datetime, title: str = "網友熱議文章大公開"
) -> str:
    """The whole report as one self-contained, mobile-friendly HTML page."""
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError(f"generated_at {generated_at.isoformat()} has no time zone")
    ordered = ordered_boards(boards.boards)
    activity_platforms = {
        parse_scope(b.scope)[1] for b in ordered if parse_scope(b.scope)[0] == "activity"
    }
    any_estimate = any(e.estimate for b in ordered for e in b.entries) or any(
        x.estimate for x in boards.exclusions
    )
    toc, sections = [], []
    for i, board in enumerate(ordered, 1):
        anchor = f"board-{i}"
        kind = parse_scope(board.scope)[0]
        if kind == "channel" and (i == 1 or parse_scope(ordered[i - 2].scope)[0] != "channel"):
            sections.append('<h3 class="group">各頻道排行榜</h3>')
        sections.append(_board_html(boards, board, anchor, activity_platforms))
        if kind != "channel":
            toc.append(f'<a href="#{anchor}">{_e(board.label)}</a>')
    toc.append('<a href="#excluded">未列入排行</a>')
    if boards.coverage:
        toc.append('<a href="#coverage">資料完整性</a>')
    toc.append('<a href="#notes">名詞說明</a>')
    platforms = [parse_scope(b.scope)[1] for b in ordered if parse_scope(b.scope)[0] == "platform"]
    sources = "、".join(platform_label(p) for p in platforms)
    local = generated_at.astimezone(TAIPEI)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-Hant">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}｜{_e(period_line(boards))}</title>",
            f"<style>{CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            '<header class="top">',
            f"<h1>{_e(title)}</h1>",
            f'<div class="period">觀測期間｜<b>{_e(period_line(boards))}</b></div>',
            '<div class="meta">每週各頻道新增回文數排行'
            f"{'（' + _e(sources) + '）' if sources else ''}"
            f"・產生於 {local:%Y-%m-%d %H:%M}（台北時間）</div>",
            "</header>",
            f'<nav class="toc">{"".join(toc)}</nav>',
            _alert_html(boards),
            *sections,
            _exclusions_html(boards.exclusions),
            _coverage_html(boards),
            _notes_html(any_estimate, bool(activity_platforms)),
            "<footer>Buzz 社群聲量排行</footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )
