"""Which stored threads a board index's deleted rows stand for, matched by author and position."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crawlers.pages.ptt import PttIndexRow, article_id_epoch


@dataclass(frozen=True, slots=True)
class StoredThread:
    """A thread the database holds for the board: its article id and author."""

    article_id: str
    author: str


def _runs(pages: dict[int, Sequence[PttIndexRow]]) -> list[list[PttIndexRow]]:
    """Rows of consecutive pages joined oldest first; a missing page splits the sequence."""
    runs: list[list[PttIndexRow]] = []
    previous: int | None = None
    for number in sorted(pages):
        if previous is None or number != previous + 1:
            runs.append([])
        runs[-1].extend(row for row in pages[number] if not row.pinned)
        previous = number
    return runs


def deleted_threads(
    pages: dict[int, Sequence[PttIndexRow]], stored: Iterable[StoredThread]
) -> list[str]:
    """Article ids of stored threads whose index rows now read `(本文已被刪除) [author]`.

    A deleted row has no link, only its author. It stands between two live rows, so the thread
    it was is one by that author whose id (its post time) lies between theirs and that no live
    row shows. Matches are taken only where they are unambiguous: no more candidates than
    deleted rows of that author in that gap, and never across a page the crawl did not fetch,
    below the oldest row seen or above the newest of a run that stops short of the newest
    page (the gap could reach into pages not crawled).
    """
    live: set[str] = set()
    gaps: Counter[tuple[int, int | None, str]] = Counter()
    runs = _runs(pages)
    for n, rows in enumerate(runs):
        newest = n == len(runs) - 1  # the run that ends with the board's newest page
        epochs = [
            None if row.deleted or not row.article_id else article_id_epoch(row.article_id)
            for row in rows
        ]
        live.update(row.article_id for row in rows if row.article_id and not row.deleted)
        for i, row in enumerate(rows):
            if not row.deleted or not row.author:
                continue
            lower = next((e for e in reversed(epochs[:i]) if e is not None), None)
            upper = next((e for e in epochs[i + 1 :] if e is not None), None)
            if lower is not None and (upper is not None or newest):
                gaps[(lower, upper, row.author.casefold())] += 1
    by_author: dict[str, list[tuple[int, str]]] = {}
    for thread in stored:
        epoch = article_id_epoch(thread.article_id)
        if epoch is not None and thread.article_id not in live:
            by_author.setdefault(thread.author.casefold(), []).append((epoch, thread.article_id))
    found: list[str] = []
    for (lower, upper, author), rows_deleted in gaps.items():
        candidates = [
            aid
            for epoch, aid in by_author.get(author, [])
            if lower < epoch and (upper is None or epoch < upper)
        ]
        if 0 < len(candidates) <= rows_deleted:
            found.extend(candidates)
    return sorted(set(found))
