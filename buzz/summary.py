"""Console summaries of published leaderboards."""

from __future__ import annotations

import typer

from buzz.jobs import top_entries
from ranking.models import WeeklyBoards
from ranking.windows import TAIPEI


def print_summary(boards: WeeklyBoards, n: int = 3) -> None:
    """Print the week, the number of boards and exclusions, and the overall top N."""
    start = boards.week_start.astimezone(TAIPEI)
    typer.echo(
        f"week {start:%Y-%m-%d}: {len(boards.boards)} leaderboards, "
        f"{len(boards.exclusions)} threads excluded"
    )
    for i, e in enumerate(top_entries(boards, n), 1):
        mark = "≈" if e.estimate else ""
        typer.echo(
            f"  {i}. {mark}{e.new_replies:>6,}  {e.platform.upper()} > {e.channel}  {e.title}"
        )
