"""`buzz weekly`: crawl, rank and report one observation week."""

from __future__ import annotations

import typer

from buzz.commands.common import boards_option, datetime_option, week_option
from buzz.config import load_config
from buzz.errors import fail
from buzz.job_claims import claim_week, recorded_week
from buzz.summary import print_summary


def register(app: typer.Typer) -> None:
    """Add `weekly`."""

    @app.command("weekly", epilog="Example: buzz weekly --week 2019-02-04 --boards Gossiping,Stock")
    def weekly(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        boards: str = typer.Option(
            None, help="Comma-separated PTT boards (default: the usual ten)."
        ),
        now: str = typer.Option(None, help="Treat this as the current time."),
        top: int = typer.Option(10, min=1, max=100, help="Entries per leaderboard."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress lines."),
        force: bool = typer.Option(False, "--force", help="Redo a week already published."),
        job_run: int = typer.Option(None, "--job-run", hidden=True, help="The scheduler's claim."),
    ) -> None:
        """The weekly job: crawl the week (plus lookback), rank it, write its report."""
        from buzz.jobs import DEFAULT_PTT_BOARDS, CrawlRequest, rank_week, report_week, run_crawl

        config = load_config()
        now_dt = datetime_option("--now", now)
        window = week_option(week, now_dt)
        request = CrawlRequest(
            boards=boards_option(boards, DEFAULT_PTT_BOARDS),
            since=window.start,
            now=now_dt,
            progress_interval=0.0 if quiet else 5.0,
        )
        trigger = "manual" if job_run is None else "schedule"
        run_id = claim_week(config, window, trigger, force=force, job_run_id=job_run)
        with recorded_week(config, run_id):
            stats = run_crawl(config, request)
            if stats.get("finish_reason") != "finished":
                reason = stats.get("finish_reason", "unknown")
                fail(f"crawl did not finish ({reason}): nothing ranked")
            gave_up = sum(
                int(str(stats.get(k, 0))) for k in ("retry/max_reached", "buzz/errors/parse")
            )
            if gave_up:
                typer.echo(
                    f"warning: {gave_up} pages could not be fetched or parsed; "
                    "see `buzz crawl runs`",
                    err=True,
                )
            print_summary(rank_week(config, window, top=top))
            paths = report_week(config, window)
            typer.echo(f"report: {paths.html}")
