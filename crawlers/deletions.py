"""Which stored threads a channel's listing says are gone: two rules a source can choose from.

Both only look inside runs of consecutive listing pages the crawl fetched, so a page that could
not be had never makes a thread look deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from crawlers.items import ListingRow
from crawlers.sources.base import StoredThread


def _runs(pages: Mapping[int, Sequence[ListingRow]]) -> list[list[ListingRow]]:
    """Rows of consecutive pages joined oldest first; a missing page splits the sequence."""
    runs: list[list[ListingRow]] = []
    previous: int | None = None
    for number in sorted(pages):
        if previous is None or number != previous + 1:
            runs.append([])
        runs[-1].extend(row for row in pages[number] if not row.pinned)
        previous = number
    return runs


def _live(pages: Mapping[int, Sequence[ListingRow]]) -> set[str]:
    """The keys of every live row the crawl saw."""
    return {
        row.thread_key
        for rows in pages.values()
        for row in rows
        if row.thread_key and not row.deleted
    }


def retire_marked(
    pages: Mapping[int, Sequence[ListingRow]], stored: Sequence[StoredThread]
) -> list[str]:
    """Keys of stored threads whose rows now read `(本文已被刪除) [author]` (PTT's way).

    A deleted row has no link, only its author. It stands between two live rows, so the thread
    it was is one by that author whose position (its post time) lies between theirs and that no
    live row shows. Matches are taken only where they are unambiguous: no more candidates than
    deleted rows of that author in that gap, and never across a page the crawl did not fetch,
    below the oldest row seen or above the newest of a run that stops short of the newest
    page (the gap could reach into pages not crawled).
    """
    live = _live(pages)
    gaps: Counter[tuple[int, int | None, str]] = Counter()
    runs = _runs(pages)
    for n, rows in enumerate(runs):
        newest = n == len(runs) - 1  # the run that ends with the channel's newest page
        positions = [None if row.deleted else row.position for row in rows]
        for i, row in enumerate(rows):
            if not row.deleted or not row.author:
                continue
            lower = next((p for p in reversed(positions[:i]) if p is not None), None)
            upper = next((p for p in positions[i + 1 :] if p is not None), None)
            if lower is not None and (upper is not None or newest):
                gaps[(lower, upper, row.author.casefold())] += 1
    by_author: dict[str, list[tuple[int, str]]] = {}
    for thread in stored:
        if thread.position is not None and thread.author and thread.thread_key not in live:
            by_author.setdefault(thread.author.casefold(), []).append(
                (thread.position, thread.thread_key)
            )
    found: set[str] = set()
    for (lower, upper, author), rows_deleted in gaps.items():
        candidates = [
            key
            for position, key in by_author.get(author, [])
            if lower < position and (upper is None or position < upper)
        ]
        if 0 < len(candidates) <= rows_deleted:
            found.update(candidates)
    return sorted(found)


def retire_absent(
    pages: Mapping[int, Sequence[ListingRow]], stored: Sequence[StoredThread]
) -> list[str]:
    """Keys of stored threads a complete run of listing pages no longer shows (Dcard's way).

    For listings that drop a thread without leaving a stub: a stored thread whose position lies
    strictly between the lowest and highest position of a run of consecutive pages, and that no
    row of that run shows, is gone.
    """
    live = _live(pages)
    spans = []
    for rows in _runs(pages):
        positions = [r.position for r in rows if r.position is not None and not r.deleted]
        if len(positions) >= 2:
            spans.append((min(positions), max(positions)))
    return sorted(
        t.thread_key
        for t in stored
        if t.position is not None
        and t.thread_key not in live
        and any(lo < t.position < hi for lo, hi in spans)
    )
