"""`buzz rank` and `buzz report`: publish a week's leaderboards and render them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from buzz.commands.common import datetime_option, week_option
from buzz.config import load_config
from buzz.errors import fail
from buzz.summary import print_summary
from ranking.windows import TAIPEI

PROVISIONAL_HELP = "Allow a week not over yet; every output is marked 暫定 with its cut-off."


def out_folder(out: Path | None) -> Path | None:
    """Check --out: a folder that exists or can be created, never a file."""
    if out is None:
        return None
    if out.exists() and not out.is_dir():
        fail(f"--out: {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out: cannot create {out}: {exc.strerror or exc}")
    return out


def report_range(text: str, now: datetime | None, out: Path | None) -> None:
    """`buzz report --weeks FIRST..LAST`: the published weeks side by side."""
    from buzz.report_weeks import report_weeks
    from ranking.report_weeks import parse_week_range

    try:
        windows = parse_week_range(text)
    except ValueError as exc:
        fail(f"--weeks: {exc}")
    now = now or datetime.now(TAIPEI)
    if windows[-1].start > now:
        fail(
            f"--weeks: the week {windows[-1].week_id} has not started yet "
            f"(it is {now.astimezone(TAIPEI):%Y-%m-%d %H:%M} Asia/Taipei)"
        )
    paths, report = report_weeks(load_config(), windows, out)
    marked = [f"{s.week} {s.word}" for s in report.states if s.word]
    if marked:
        typer.echo("note: weeks marked: " + ", ".join(marked), err=True)
    typer.echo(f"report: {paths.html}")
    typer.echo(f"        {paths.csv}")


def register(app: typer.Typer) -> None:
    """Add `rank` and `report`."""

    @app.command("rank", epilog="Example: buzz rank --week 2019-02-04 --top 10")
    def rank(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        top: int = typer.Option(10, min=1, max=100, help="Entries per leaderboard."),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
        provisional: bool = typer.Option(False, "--provisional", help=PROVISIONAL_HELP),
        rules_file: Path = typer.Option(
            None,
            "--rules",
            help="Rank with this rules file (default: the rules the week was published with, "
            "else buzz.toml's rules, else the shipped ranking/rules.toml).",
        ),
    ) -> None:
        """Count the week's new replies per thread and store its leaderboards and coverage.

        A week no crawl covers is refused (exit 1); channels crawled incompletely are marked.
        """
        from buzz.jobs import rank_week

        window = week_option(week, datetime_option("--now", now), provisional=provisional)
        boards = rank_week(
            load_config(), window, top=top, provisional=provisional, rules_path=rules_file
        )
        print_summary(boards)

    @app.command(
        "report",
        epilog="Example: buzz report --week 2019-02-04 --out reports/w06\n\n"
        "Several weeks: buzz report --weeks 2019-01-07..2019-02-04",
    )
    def report(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        weeks: str = typer.Option(
            None,
            help="A range of weeks FIRST..LAST (Mondays): one page comparing their published "
            "boards (weeks.html, weeks.csv) instead of one week's report.",
        ),
        out: Path = typer.Option(
            None,
            help="Folder for the files (default <BUZZ_HOME>/reports/<week>/, or "
            "reports/<first>..<last>/ with --weeks).",
        ),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
        provisional: bool = typer.Option(False, "--provisional", help=PROVISIONAL_HELP),
    ) -> None:
        """Write leaderboard.html, .xlsx, .csv, .md and .json for a week.

        Uses the published boards (ranking the week first if it never was); a board built on
        an incomplete crawl is marked so in every file.
        """
        if weeks is not None:
            if week is not None:
                fail("--week and --weeks: give one week or a range of weeks, not both")
            report_range(weeks, datetime_option("--now", now), out_folder(out))
            return
        from buzz.jobs import report_week

        window = week_option(week, datetime_option("--now", now), provisional=provisional)
        folder = out_folder(out)
        paths, boards = report_week(load_config(), window, folder, provisional=provisional)
        if boards.incomplete:
            typer.echo(
                "note: incomplete channels: "
                + ", ".join(f"{c.platform}/{c.channel}" for c in boards.incomplete),
                err=True,
            )
        for n, path in enumerate(paths.all()):
            typer.echo(f"{'report:' if n == 0 else '':<8}{path}")
