"""Console summaries of published leaderboards and of crawls."""

from __future__ import annotations

import typer

from buzz.jobs import CrawlOutcome, top_entries
from ranking.coverage import gap_line
from ranking.leaderboard import channel_label
from ranking.models import WeeklyBoards
from ranking.windows import TAIPEI


def print_summary(boards: WeeklyBoards, n: int = 3) -> None:
    """Print the week, its completeness, the number of boards and exclusions, and the top N."""
    start = boards.week_start.astimezone(TAIPEI)
    mark = ""
    if boards.provisional:
        cutoff = (
            f"，資料截至 {boards.cutoff.astimezone(TAIPEI):%Y-%m-%d %H:%M}" if boards.cutoff else ""
        )
        mark = f" [暫定{cutoff}]"
    elif boards.incomplete:
        mark = " [INCOMPLETE]"
    typer.echo(
        f"week {start:%Y-%m-%d}{mark}: {len(boards.boards)} leaderboards, "
        f"{len(boards.exclusions)} threads excluded"
    )
    for c in boards.incomplete:
        if c.status != "provisional":
            typer.echo(f"  incomplete: {gap_line(c)}")
    for i, e in enumerate(top_entries(boards, n), 1):
        est = "≈" if e.estimate else ""
        typer.echo(
            f"  {i}. {est}{e.new_replies:>6,}  {channel_label(e.platform, e.channel)}  {e.title}"
        )


def print_crawl(outcome: CrawlOutcome, details: bool = True) -> None:
    """One line for the crawl, then (with details) one per channel not complete, on stderr."""
    run = f"crawl run {outcome.run_id}" if outcome.run_id is not None else "no run recorded"
    problems = outcome.problems
    more = f"; {len(problems)} channels not complete" if problems and not details else ""
    typer.echo(
        f"crawled {outcome.pages} pages, {outcome.threads} threads "
        f"({run}: {outcome.status}, {outcome.finish_reason}{more})"
    )
    for line in problems if details else ():
        typer.echo(f"  {line}", err=True)
