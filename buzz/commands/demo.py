"""`buzz demo`: the whole weekly path against the local replica, offline, in one command."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import typer

from buzz.commands.common import datetime_option
from buzz.config import load_config
from buzz.summary import print_summary


def register(app: typer.Typer) -> None:
    """Add `demo`."""

    @app.command("demo", epilog="Example: buzz demo --weeks 4")
    def demo(
        seed: int = typer.Option(7, help="Seed of the replica's generated world."),
        now: str = typer.Option(None, help="The replica's clock (default: its own, 2019-02-11)."),
        weeks: int = typer.Option(4, min=1, max=8, help="Weeks to crawl and rank, newest last."),
    ) -> None:
        """Start the replica, crawl it, rank the last complete weeks, write the report, stop."""
        from buzz import demo_steps
        from buzz.jobs import CrawlRequest, rank_week, report_week, run_crawl
        from ranking.windows import last_complete_week, weeks_back
        from replica.members import write_members
        from replica.server import serve_in_thread

        started = time.monotonic()
        base = load_config()
        with serve_in_thread(now=datetime_option("--now", now), seed=seed) as site:
            typer.echo(f"replica: {site.url} (clock {site.now.isoformat()})")
            config = replace(base, ptt_base_url=site.url)
            last = last_complete_week(site.now)
            windows = weeks_back(last, weeks)
            request = CrawlRequest(
                boards=sorted(site.server.site.world.boards),
                since=windows[0].start,
                now=site.now,
                local=True,
                progress_interval=3.0,
            )
            stats = run_crawl(config, request)
            typer.echo(
                f"crawled {stats.get('response_received_count', 0)} pages, "
                f"{stats.get('item_scraped_count', 0)} threads"
            )
            members_csv = write_members(Path("var") / "members.csv", seed=seed)
        for window in windows:
            boards = rank_week(config, window)
        demo_steps.after_ranking(config, windows, members_csv)
        paths = report_week(config, windows[-1])
        typer.echo("")
        print_summary(boards)
        typer.echo(f"\nreport: {paths.html.resolve()}")
        typer.echo(f"        {paths.csv.resolve()}")
        typer.echo(f"        {paths.markdown.resolve()}")
        typer.echo(f"demo done in {timedelta(seconds=round(time.monotonic() - started))}")
