"""Shared builders for the profile, members and export tests: the real tagger and a small world."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import storage_fixtures as h
from sqlalchemy.engine import Engine

from buzz.config import Config
from nlp.tagger import Tagger, default_tagger
from ranking.windows import Window, week_starting
from storage.writes import write_thread

W1 = week_starting(h.T0.date())
W2 = W1.next()
W3 = W2.next()

STOCK = "台積電 外資 連續買超 台股 大漲"
STOCK_2 = "[請益] 台積電 法說會 營收 創新高 存股"
BASEBALL = "[討論] 中職 兄弟 投手 完封 全壘打"
MOVIE = "[好雷] 諾蘭 新片 IMAX 首映 電影 票房"
HALF_LIFE_FACTOR = 0.5 ** (1 / 4)


def tagger() -> Tagger:
    """The real tagger (jieba loads once per process)."""
    return default_tagger()


def thread_scores(text: str, board: str) -> dict[str, tuple[str, float]]:
    """Tag → (level, score) the real tagger gives a thread `post`ed with title and body `text`."""
    return {s.tag: (s.level, s.score) for s in tagger().tag(text, board, top=3, title=text)}


def text_scores(text: str) -> dict[str, tuple[str, float]]:
    """Tag → (level, score) the real tagger gives an author's joined reply text (no channel)."""
    return {s.tag: (s.level, s.score) for s in tagger().tag(text, None, top=3)}


def strength(raw: float) -> int:
    """The documented 0-100 curve, written out: round(100 × (1 − e^(−raw / 3)))."""
    return round(100 * (1 - math.exp(-raw / 3))) if raw > 0 else 0


def config_for(url: str, tmp_path: Path) -> Config:
    """A Config on a test database, reports under tmp_path."""
    return Config(database_url=url, reports_dir=tmp_path / "reports")


def post(
    engine: Engine,
    key: str,
    author: str,
    title: str,
    at: datetime,
    repliers: tuple[str, ...] = (),
    board: str = "Stock",
) -> None:
    """Store one thread posted at `at` by author, with one push per replier an hour later."""
    thread = h.thread(key, channel=board, author_id=author, title=title, body=title, posted_at=at)
    pushes = [
        h.reply(i, at=at + timedelta(hours=1, minutes=i), user=user, content=f"{title} 推")
        for i, user in enumerate(repliers)
    ]
    with engine.begin() as conn:
        write_thread(conn, thread, pushes, at + timedelta(days=1))


def day(window: Window, n: int = 1) -> datetime:
    """A time n days into the window."""
    return window.start + timedelta(days=n)
