"""The report's charts, drawn by matplotlib as inline SVG: a board's top threads, daily replies.

Matplotlib is imported on first use (it costs about half a second). Text stays text in the SVG
(svg.fonttype "none"): matplotlib escapes it, the page's fonts draw it, and a CJK font found
here only sets the layout. Without one the charts still render, after a one-line warning.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ranking.leaderboard import channel_label
from ranking.models import DailyCount, Leaderboard
from ranking.windows import TAIPEI, Window

logger = logging.getLogger(__name__)

CJK_FONTS = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Source Han Sans TC",
    "Microsoft JhengHei",
    "PingFang TC",
    "Heiti TC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing TW",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
)
"""Fonts with Traditional Chinese glyphs, preferred first; Debian's fonts-noto-cjk has the first."""
CJK_FILE = re.compile(r"cjk|sourcehan|wqy|uming|ukai|msjh|pingfang", re.I)
PAGE_FONTS = ["Noto Sans CJK TC", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei"]
WEEKDAYS = "一二三四五六日"
MAX_LINES = 8  # channels drawn in the daily chart; the rest are summed as 其他
LABEL_CHARS = 22  # title characters beside a bar
PALETTE = (
    "#c2410c",
    "#1d4ed8",
    "#15803d",
    "#7c3aed",
    "#b91c1c",
    "#0e7490",
    "#a16207",
    "#be185d",
    "#64748b",
)
_XML_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_ID = re.compile(r'(\bid="|url\(#|xlink:href="#)([^")]+)')


def pick_font(installed: Iterable[str]) -> str | None:
    """The preferred CJK font among installed font names; warns once per call when none."""
    names = set(installed)
    for name in CJK_FONTS:
        if name in names:
            return name
    logger.warning(
        "no CJK font for the report charts: their layout may be off (install fonts-noto-cjk)"
    )
    return None


@cache
def chart_font() -> str | None:
    """The CJK font the charts are laid out with, from matplotlib's font list (looked up once).

    Matplotlib caches its font list on first use and never rescans; a CJK font installed after
    that is found among the system fonts by its file name and added.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not {f.name for f in manager.ttflist} & set(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if CJK_FILE.search(Path(path).name):
                manager.addfont(path)
    return pick_font(f.name for f in manager.ttflist)


def _rc(salt: str) -> dict[Any, Any]:
    """Matplotlib settings for one chart: text as text, no math parsing, ids unique per chart."""
    font = chart_font()
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": salt,
        "text.parse_math": False,
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.sans-serif": [*([font] if font else []), *PAGE_FONTS, "DejaVu Sans"],
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#cbd2d9",
        "xtick.color": "#52606d",
        "ytick.color": "#1f2933",
    }


def _svg(fig: Any, salt: str) -> str:
    """A figure as an SVG element to inline in HTML: no prologue or date, ids prefixed by salt.

    Matplotlib numbers its elements figure_1, patch_1, ... in every file; inlined side by side
    those ids would repeat, so each id and every reference to one gets the chart's prefix.
    """
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    svg = _XML_PROLOGUE.sub("", out.getvalue(), count=1)
    return _ID.sub(lambda m: f"{m[1]}{salt}-{m[2]}", svg)


def _width_in(labels: Sequence[str], size: float = 10) -> float:
    """Inches a column of labels needs at a font size: wide (CJK) characters count double."""
    columns = max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in t) for t in labels),
        default=0,
    )
    return columns * 0.55 * size / 72 + 0.15


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    """One line of at most `limit` characters, … when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def board_chart(board: Leaderboard, salt: str, top: int = 10) -> str | None:
    """Horizontal bars of a board's top threads' 新增回文數, the first on top; None when empty."""
    entries = board.entries[:top]
    if not entries:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    labels = [f"{e.rank}. {_short(e.title) or f'#{e.thread_id}'}" for e in entries]
    # A fixed layout (no bbox "tight", which draws every chart twice): the labels' width
    # sets the left margin; each bar's value is printed beside it, so no x axis is drawn.
    width, height = 7.2, 0.3 * len(entries) + 0.2
    with rc_context(_rc(salt)):
        fig = Figure(figsize=(width, height))
        ax = fig.subplots()
        fig.subplots_adjust(
            left=min(_width_in(labels) / width, 0.6),
            right=0.97,
            top=1 - 0.1 / height,
            bottom=0.1 / height,
        )
        ys = range(len(entries))
        values = [e.new_replies for e in entries]
        bars = ax.barh(ys, values, color=PALETTE[0], height=0.65)
        ax.set_yticks(list(ys), labels)
        ax.invert_yaxis()
        ax.bar_label(
            bars,
            [f"{'≈' if e.estimate else ''}{e.new_replies:,}" for e in entries],
            padding=3,
            fontsize=8,
            color="#52606d",
        )
        ax.set_xlim(0, max(values) * 1.12 or 1)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        return _svg(fig, salt)


def daily_series(
    daily: Sequence[DailyCount], limit: int = MAX_LINES
) -> list[tuple[str, list[int]]]:
    """Per channel, new replies on each of the 7 days; the busiest `limit`, the rest as 其他."""
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * 7)
    for d in daily:
        if 0 <= d.day < 7:
            per[(d.platform, d.channel)][d.day] += d.new_replies
    ranked = sorted(per.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    series = [(channel_label(p, c), days) for (p, c), days in ranked[:limit]]
    rest = ranked[limit:]
    if rest:
        series.append(("其他", [sum(days[i] for _, days in rest) for i in range(7)]))
    return series


def daily_chart(daily: Sequence[DailyCount], window: Window, salt: str) -> str | None:
    """Lines of new replies per channel on each Taipei day of the window; None without data."""
    series = daily_series(daily)
    if not series:
        return None
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    start = window.start.astimezone(TAIPEI)
    labels = [
        f"{(start + timedelta(days=i)):%m/%d}（{WEEKDAYS[(start + timedelta(days=i)).weekday()]}）"
        for i in range(7)
    ]
    legend = [_short(name, 28) for name, _ in series]
    width = 7.2
    with rc_context(_rc(salt)):
        fig = Figure(figsize=(width, 3.4))
        ax = fig.subplots()
        fig.subplots_adjust(
            left=0.1, right=1 - min(_width_in(legend, 8) + 0.45, 3.0) / width, top=0.95, bottom=0.12
        )
        for n, (_, days) in enumerate(series):
            ax.plot(
                range(7),
                days,
                marker="o",
                markersize=3.5,
                linewidth=1.6,
                color=PALETTE[n % len(PALETTE)],
                label=legend[n],
            )
        ax.set_xticks(range(7), labels)
        ax.set_ylabel("新增回文數")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#e4e7eb", linewidth=0.8)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
        return _svg(fig, salt)
