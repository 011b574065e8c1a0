"""Items the spiders hand to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawlers.pages.ptt import PttArticle, PttIndexRow


@dataclass(frozen=True, slots=True)
class PttArticleItem:
    """A parsed PTT article page (or a 404 for one) of a board, as crawled at `crawled_at`."""

    article: PttArticle
    board: str
    pinned: bool
    crawled_at: datetime

    @property
    def thread_key(self) -> str:
        """The thread's identity: PTT article ids are unique only within a board."""
        return ptt_thread_key(self.board, self.article.article_id)


@dataclass(frozen=True, slots=True)
class PttIndexItem:
    """One board index page's rows in page order; deleted rows let the pipeline retire threads."""

    board: str
    page: int
    rows: tuple[PttIndexRow, ...]
    crawled_at: datetime


def ptt_thread_key(board: str, article_id: str) -> str:
    """`Gossiping/M.1499790734.A.833`: a board-qualified PTT article id."""
    return f"{board}/{article_id}"
