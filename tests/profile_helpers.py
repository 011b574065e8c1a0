"""Shared builders for the profile, members and export tests: the real tagger and a small world."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import storage_fixtures as h
from sqlalchemy.engine import Engine

from buzz.config import Config
from nlp.tagger import TagScore
from ranking.windows import Window, week_starting
from storage.writes import write_thread

W1 = week_starting(h.T0.date())
W2 = W1.next()
W3 = W2.next()


KEYWORDS = (("股票", "投資理財", "台股"), ("球賽", "運動", "棒球"), ("電影", "電影", None))


class FakeTagger:
    """Tags by fixed keywords, score 0.8 per top tag and 0.5 per fine tag; no jieba."""

    def tag(self, text: str, channel: str | None = None, top: int = 3) -> list[TagScore]:
        """Tag text the way nlp.tagger.Tagger.tag answers."""
        out: list[TagScore] = []
        for word, tag, fine in KEYWORDS:
            if word in text:
                out.append(TagScore(tag, 0.8, "top", tag, 24.0))
                if fine:
                    out.append(TagScore(fine, 0.5, "fine", tag, 6.0))
        return out[: top * 2]


def config_for(url: str, tmp_path: Path) -> Config:
    """A Config on a test database, reports under tmp_path."""
    return Config(database_url=url, reports_dir=tmp_path / "reports", ptt_base_url="")


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
