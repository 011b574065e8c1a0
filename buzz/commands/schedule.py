"""`buzz schedule`: the unattended weekly job under APScheduler, persisted in the database."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

import typer

from buzz.commands.common import datetime_option, names_option, scrapyd_option, sources_option
from buzz.config import load_config
from buzz.errors import fail
from ranking.windows import TAIPEI


def _log_to_stdout() -> None:
    """One timestamped line per scheduler event on stdout; APScheduler only for warnings."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s schedule: %(message)s", "%H:%M:%S"))
    log = logging.getLogger("buzz.scheduler")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def register(app: typer.Typer) -> None:
    """Add `schedule`."""

    @app.command(
        "schedule",
        epilog="Example: buzz schedule --at 'mon 06:00'  (or --dry-run to see the next runs; "
        "--scrapyd http://10.0.0.5:6800,http://10.0.0.6:6800 crawls on Scrapyd nodes)",
    )
    def schedule(
        at: str = typer.Option(
            "mon 06:00", help="Weekday and time to run, Asia/Taipei ('wed 15:47:30' works too)."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the next runs and exit."),
        now: str = typer.Option(
            None,
            help="Rehearse: choose weeks as if it were this time; passed to the child as --now.",
        ),
        sources: str = typer.Option(
            None, help="Sources passed to the child weekly (default: what buzz.toml enables)."
        ),
        boards: str = typer.Option(
            None,
            "--channels",
            "--boards",
            help="Channels passed to the child weekly (with one source).",
        ),
        scrapyd: str = typer.Option(
            None,
            "--scrapyd",
            help="Scrapyd URLs passed to the child weekly, which crawls on them "
            "(default: buzz.toml's [scrapyd] nodes).",
        ),
    ) -> None:
        """Run the weekly job every week until stopped; slots missed while down run on start."""
        from buzz.scheduler import next_runs, parse_at, serve

        try:
            slot = parse_at(at)
        except ValueError as exc:
            fail(f"--at: {exc}")
        now_dt = datetime_option("--now", now)
        if sources is not None:
            sources = ",".join(sources_option(sources, []))
        if boards is not None:
            boards = ",".join(names_option("--channels", boards))
        if scrapyd is not None:
            scrapyd = ",".join(scrapyd_option(scrapyd))
        if dry_run:
            for fire in next_runs(slot, datetime.now(TAIPEI)):
                typer.echo(f"next weekly run: {fire.isoformat()}")
            return
        _log_to_stdout()
        when = None if now_dt is None else now_dt.isoformat()
        serve(load_config(), slot, boards, when, sources, scrapyd)
