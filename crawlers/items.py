"""Items the spiders hand to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawlers.pages.ptt import PttArticle


@dataclass(frozen=True, slots=True)
class PttArticleItem:
    """A parsed PTT article page (or a 404 for one), as crawled at `crawled_at`."""

    article: PttArticle
    pinned: bool
    crawled_at: datetime
