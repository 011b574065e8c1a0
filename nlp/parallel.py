"""Fan a batch out over forked processes that inherit it, so the texts are never pickled."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork(workers: int, count: int) -> bool:
    """True when splitting `count` items over `workers` processes is asked for and possible."""
    return workers > 1 and count > 1 and "fork" in multiprocessing.get_all_start_methods()


def map_ranges(work: Callable[[tuple[int, int]], list[T]], count: int, workers: int) -> list[T]:
    """Run `work` on `workers` consecutive index ranges of [0, count) and join results in order.

    `work` must be a module-level function that reads the batch from state set before the fork.
    """
    step = -(-count // workers)
    bounds = [(i, min(i + step, count)) for i in range(0, count, step)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(work, bounds, 1)
    return [item for part in parts for item in part]
