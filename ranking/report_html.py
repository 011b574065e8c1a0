"""The weekly report as one self-contained HTML page, rendered from a Jinja2 template.

The template (ranking/templates/leaderboard.html) is autoescaped: every user text goes in as
text. The only markup handed in is the charts' SVG, which matplotlib wrote and escaped itself.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ranking.cells import safe_url
from ranking.charts import board_chart, daily_chart
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
from ranking.movement import movements
from ranking.windows import TAIPEI, Window

FOOTNOTES: dict[str, str] = {
    "觀測期間": "一週，自週一 00:00 至下週一 00:00（台北時間），標示為週一至週日的日期。",
    "新增回文數": (
        "觀測期間（週一 00:00 至下週一 00:00，台北時間）內新增的回文與留言數：PTT 的推／噓／→、"
        "論壇的樓層、粉絲團與影片的留言都算；文章無論何時發表，只計本週新增的部分。"
    ),
    "來源頻道": "文章所在的平台與看板、論壇或粉絲團，寫作「平台 > 頻道」，例如 PTT > Gossiping。",
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
MOVEMENT_NOTE = (
    "與上週同一排行榜相比的名次變化：↑3 為上升 3 名、↓2 為下降 2 名、– 為名次不變、"
    "新進榜為上週未在此榜上；上週未發布排行時不列此欄。"
)
INCOMPLETE_NOTE = (
    "頻道未能完整抓取（部分頁面失敗、抓取時間早於觀測期間結束或未抓取）時，"
    "相關排行標示「資料不完整」，其新增回文數可能偏低；「暫定」為觀測期間尚未結束時的排行。"
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


def board_channel(row: LeaderboardEntry) -> str:
    """The 來源頻道 of a board row as the reference writes it: the channel alone (`Lifeismoney`,
    `GirlStyle 台灣女生日常`, `LINE TODAY > 國內`), the board's heading naming the platform."""
    return row.channel or source_channel(row)


@cache
def _environment() -> Environment:
    """The template environment: package templates, HTML autoescaped, undefined names refused."""
    env = Environment(
        loader=PackageLoader("ranking", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    return env


KIND_WORDS = {"chat": "閒聊文", "live": "直播文", "giveaway": "贈獎文"}


def _exclusion_note(
    board: Leaderboard, activity_platforms: set[str], kinds: dict[str, tuple[str, ...]]
) -> str:
    """What the board leaves out, as the reference report says under each heading."""
    kind, platform, _ = parse_scope(board.scope)
    if kind == "activity":
        return "只列贈獎文（活動文），依新增回文數排名"
    left_out = kinds.get(platform, tuple(KIND_WORDS))
    activity = platform in activity_platforms and "giveaway" in left_out
    words = [
        w for k, w in KIND_WORDS.items() if k in left_out and not (activity and k == "giveaway")
    ]
    note = "排除" + "、".join(words) if words else ""
    if activity:
        note += ("；" if note else "") + "贈獎文另列活動文排行榜"
    return note


def _board_context(
    boards: WeeklyBoards,
    ordered: list[Leaderboard],
    activity_platforms: set[str],
    charts: bool,
) -> list[dict[str, Any]]:
    """Each board as the template shows it: heading, marks, rows with movement, its chart."""
    moved = movements(boards)
    out = []
    for i, board in enumerate(ordered, 1):
        kind = parse_scope(board.scope)[0]
        gaps = board_gaps(boards, board)
        hard = [gap_line(c) for c in gaps if c.status != "provisional"]
        rows = []
        for e in board.entries:
            move = moved.get((board.scope, e.rank)) if moved is not None else None
            rows.append(
                {
                    "rank": e.rank,
                    "thread_id": e.thread_id,
                    "new_replies": e.new_replies,
                    "estimate": e.estimate,
                    "channel": board_channel(e),
                    "title": e.title,
                    "url": e.url,
                    "move": move.label if move else "",
                    "move_kind": move.kind if move else "",
                    "previous_rank": move.previous_rank if move else None,
                }
            )
        chart = board_chart(board, f"board-{i}") if charts else None
        out.append(
            {
                "anchor": f"board-{i}",
                "scope": board.scope,
                "label": board.label,
                "platform_label": board.label.removesuffix(" " + ACTIVITY_SUFFIX),
                "activity": kind == "activity",
                "group_start": kind == "channel"
                and (i == 1 or parse_scope(ordered[i - 2].scope)[0] != "channel"),
                "hard_gaps": hard,
                "soft_gaps": bool(gaps) and not hard,
                "note": _exclusion_note(board, activity_platforms, dict(boards.board_kinds)),
                "rows": rows,
                "chart": Markup(chart) if chart else None,  # matplotlib wrote and escaped it
                "chart_count": min(len(board.entries), 10),
            }
        )
    return out


def _exclusions_context(boards: WeeklyBoards) -> list[dict[str, Any]]:
    """The threads left off the boards, by reason then new replies, as the template lists them."""
    order = {name: i for i, name in enumerate(REASONS)}
    rows = sorted(
        boards.exclusions,
        key=lambda x: (order.get(x.reason, len(order)), -x.new_replies, x.thread_key, x.thread_id),
    )
    return [
        {
            "reason": REASONS.get(x.reason, x.reason),
            "new_replies": x.new_replies,
            "estimate": x.estimate,
            "channel": source_channel(x),
            "title": x.title,
            "url": x.url,
            "thread_id": x.thread_id,
            "detail": x.detail,
        }
        for x in rows
    ]


def _coverage_context(boards: WeeklyBoards) -> list[dict[str, str]]:
    """Every channel's completeness row."""
    return [
        {
            "channel": channel_label(c.platform, c.channel),
            "status": c.status,
            "word": STATUS_WORDS.get(c.status, c.status),
            "reason": c.reason,
            "crawled": f"{c.observed_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}"
            if c.observed_at
            else "-",
        }
        for c in boards.coverage
    ]


def footnotes(any_estimate: bool, any_activity: bool, has_movement: bool) -> list[tuple[str, str]]:
    """The footnotes defining the report's words, in the order the page prints them."""
    notes = list(FOOTNOTES.items())
    if any_activity:
        notes.append(("活動文", ACTIVITY_NOTE))
    if any_estimate:
        notes.append(("≈ 估計值", ESTIMATE_NOTE))
    if has_movement:
        notes.append(("與上週比較", MOVEMENT_NOTE))
    notes += [("資料不完整", INCOMPLETE_NOTE), ("排名", RANK_NOTE)]
    return notes


def render_html(
    boards: WeeklyBoards,
    generated_at: datetime,
    title: str = "網友熱議文章大公開",
    *,
    charts: bool = True,
) -> str:
    """The whole report as one self-contained, mobile-friendly HTML page (charts inline SVG)."""
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise ValueError(f"generated_at {generated_at.isoformat()} has no time zone")
    ordered = ordered_boards(boards.boards)
    activity_platforms = {
        parse_scope(b.scope)[1] for b in ordered if parse_scope(b.scope)[0] == "activity"
    }
    any_estimate = any(e.estimate for b in ordered for e in b.entries) or any(
        x.estimate for x in boards.exclusions
    )
    board_rows = _board_context(boards, ordered, activity_platforms, charts)
    toc = [{"anchor": b["anchor"], "text": b["label"]} for b in board_rows]
    toc = [t for t, b in zip(toc, ordered, strict=True) if parse_scope(b.scope)[0] != "channel"]
    daily = (
        daily_chart(boards.daily, Window(boards.week_start, boards.week_end), "daily")
        if charts
        else None
    )
    if daily:
        toc.append({"anchor": "daily", "text": "每日新增回文數"})
    toc.append({"anchor": "excluded", "text": "未列入排行"})
    if boards.coverage:
        toc.append({"anchor": "coverage", "text": "資料完整性"})
    toc.append({"anchor": "notes", "text": "名詞說明"})
    platforms = [parse_scope(b.scope)[1] for b in ordered if parse_scope(b.scope)[0] == "platform"]
    has_movement = boards.previous is not None
    return (
        _environment()
        .get_template("leaderboard.html")
        .render(
            title=title,
            period=period_line(boards),
            sources="、".join(platform_label(p) for p in platforms),
            generated=f"{generated_at.astimezone(TAIPEI):%Y-%m-%d %H:%M}",
            toc=toc,
            gaps=[gap_line(c) for c in boards.incomplete if c.status != "provisional"],
            boards=board_rows,
            has_movement=has_movement,
            daily_chart=Markup(daily) if daily else None,  # matplotlib wrote and escaped it
            exclusions=_exclusions_context(boards),
            coverage=_coverage_context(boards),
            notes=footnotes(any_estimate, bool(activity_platforms), has_movement),
        )
    )
