"""Demo steps beyond the leaderboard (interest tags and profiles plug in here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from buzz.config import Config
from ranking.windows import Window


def after_ranking(config: Config, windows: Sequence[Window], members_csv: Path | None) -> None:
    """Run the demo's steps that follow ranking."""
    return None
