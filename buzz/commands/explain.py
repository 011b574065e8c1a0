"""`buzz explain THREAD_URL --week W`: a thread's count, rules, ranks and crawl history."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.errors import fail

EPILOG = "Example: buzz explain https://forum.example.com/t/1549330000 --week 2019-02-04"


def register(app: typer.Typer) -> None:
    """Add `explain`."""

    @app.command("explain", epilog=EPILOG)
    def explain(
        url: str = typer.Argument(
            ..., help="The thread's URL (as stored; http/https and a trailing slash are tolerated)."
        ),
        week: str = typer.Option(..., help="Week start, a Monday, e.g. 2019-02-04."),
        top: int = typer.Option(10, min=1, max=100, help="Entries per leaderboard."),
        rules_file: Path = typer.Option(
            None, "--rules", help="Judge with this rules file instead of the week's."
        ),
    ) -> None:
        """Why a thread is where it is: 新增回文數, every rule that fires, its ranks, its crawls."""
        from buzz.config import load_config
        from buzz.explain import explain_thread
        from ranking.windows import parse_week

        try:
            window = parse_week(week)
        except ValueError as e:
            fail(f"--week: {e}")
        for line in explain_thread(load_config(), url, window, rules_path=rules_file, top=top):
            typer.echo(line)
