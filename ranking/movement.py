"""Movement of a ranked thread against last week's board of the same scope (↑3, ↓2, –, 新進榜)."""

from __future__ import annotations

from dataclasses import dataclass

from ranking.models import LeaderboardEntry, PreviousRank, WeeklyBoards


@dataclass(frozen=True, slots=True)
class Movement:
    """How an entry moved: up, down, same or new, with last week's rank when it had one."""

    kind: str  # up | down | same | new
    rank: int
    previous_rank: int | None = None

    @property
    def delta(self) -> int:
        """Places gained (negative when lost); 0 for same and new."""
        return 0 if self.previous_rank is None else self.previous_rank - self.rank

    @property
    def label(self) -> str:
        """↑3, ↓2, – or 新進榜, as the report prints it."""
        if self.kind == "new":
            return "新進榜"
        if self.kind == "same":
            return "–"
        arrow = "↑" if self.kind == "up" else "↓"
        return f"{arrow}{abs(self.delta)}"


def previous_index(previous: tuple[PreviousRank, ...]) -> dict[tuple[str, int], int]:
    """Last week's ranks keyed by (scope, thread_id)."""
    return {(p.scope, p.thread_id): p.rank for p in previous}


def movement_of(scope: str, entry: LeaderboardEntry, index: dict[tuple[str, int], int]) -> Movement:
    """The entry's movement on its scope's board against the index of last week's ranks."""
    before = index.get((scope, entry.thread_id))
    if before is None:
        return Movement("new", entry.rank)
    if before > entry.rank:
        return Movement("up", entry.rank, before)
    if before < entry.rank:
        return Movement("down", entry.rank, before)
    return Movement("same", entry.rank, before)


def movements(boards: WeeklyBoards) -> dict[tuple[str, int], Movement] | None:
    """Every entry's movement keyed by (scope, rank); None when last week was not published."""
    if boards.previous is None:
        return None
    index = previous_index(boards.previous)
    return {
        (board.scope, e.rank): movement_of(board.scope, e, index)
        for board in boards.boards
        for e in board.entries
    }
