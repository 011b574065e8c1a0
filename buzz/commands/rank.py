"""`buzz rank` and `buzz report`: publish a week's leaderboards and render them."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.commands.common import datetime_option, week_option
from buzz.config import load_config
from buzz.summary import print_summary


def register(app: typer.Typer) -> None:
    """Add `rank` and `report`."""

    @app.command("rank", epilog="Example: buzz rank --week 2019-02-04 --top 10")
    def rank(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        top: int = typer.Option(10, min=1, max=100, help="Entries per leaderboard."),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
    ) -> None:
        """Count the week's new replies per thread and store its leaderboards."""
        from buzz.jobs import rank_week

        window = week_option(week, datetime_option("--now", now))
        boards = rank_week(load_config(), window, top=top)
        print_summary(boards)

    @app.command("report", epilog="Example: buzz report --week 2019-02-04")
    def report(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        out: Path = typer.Option(None, help="Folder for the files (default reports/<week>/)."),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
    ) -> None:
        """Write leaderboard.html, leaderboard.csv and leaderboard.md for a week."""
        from buzz.jobs import report_week

        window = week_option(week, datetime_option("--now", now))
        paths = report_week(load_config(), window, out)
        typer.echo(f"report: {paths.html}")
        typer.echo(f"        {paths.csv}")
        typer.echo(f"        {paths.markdown}")
