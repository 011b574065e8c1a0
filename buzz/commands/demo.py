"""`buzz demo`: the whole weekly path against the local replica, offline, in one command."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import timedelta

import typer

from buzz.commands.common import datetime_option
from buzz.config import Config, load_config, redact_url
from buzz.summary import print_crawl, print_summary
from crawlers.home import DB_FILE


def demo_config(base: Config) -> Config:
    """The demo's own data folder unless BUZZ_HOME/BUZZ_DATABASE_URL say otherwise.

    The replica's pages look like PTT's; they must not end up in a real database by accident.
    """
    if os.environ.get("BUZZ_HOME") or os.environ.get("BUZZ_DATABASE_URL"):
        return base
    home = base.home / "demo"
    reports = base.reports_dir
    if not os.environ.get("BUZZ_REPORTS_DIR"):
        reports = home / "reports"
    return replace(base, home=home, database_url=f"sqlite:///{home / DB_FILE}", reports_dir=reports)


def register(app: typer.Typer) -> None:
    """Add `demo`."""

    @app.command("demo", epilog="Example: BUZZ_HOME=var buzz demo --weeks 4")
    def demo(
        seed: int = typer.Option(7, help="Seed of the replica's generated world."),
        now: str = typer.Option(None, help="The replica's clock (default: its own, 2019-02-11)."),
        weeks: int = typer.Option(4, min=1, max=8, help="Weeks to crawl and rank, newest last."),
    ) -> None:
        """Start the replica, crawl it, rank the last complete weeks, write the report, stop.

        Data goes to $BUZZ_HOME (or, when unset, a `demo` folder of its own in the user data
        folder, so the replica never mixes with real data).
        """
        from contextlib import ExitStack

        from buzz import demo_steps
        from buzz.configfile import FileSettings, SourceSettings, render
        from buzz.jobs import CrawlRequest, rank_week, report_week, run_crawls
        from crawlers.sources import all_sources
        from ranking.windows import last_complete_week, weeks_back
        from replica import sources as replica_sources
        from replica.members import write_members
        from replica.server import serve_in_thread

        started = time.monotonic()
        config = demo_config(load_config())
        typer.echo(f"data: {config.home} (database {redact_url(config.database_url)})")
        clock = datetime_option("--now", now)
        served = [s for s in all_sources() if s.name in replica_sources.names()]
        with ExitStack() as stack:
            sites = {}
            for source in served:
                secret = replica_sources.credential(source.name)
                if source.credential_env and secret is not None:
                    # The demo talks only to the replica: its token, never the user's real one.
                    os.environ[source.credential_env] = secret
                site = stack.enter_context(serve_in_thread(source.name, now=clock, seed=seed))
                sites[source.name] = site
                config = config.with_base_url(source.name, site.url)
                typer.echo(f"replica {source.name}: {site.url} (clock {site.now.isoformat()})")
            site_now = next(iter(sites.values())).now
            settings = FileSettings(
                tuple(
                    SourceSettings(s.name, s.default_channels, base_url=sites[s.name].url)
                    for s in served
                )
            )
            config.home.mkdir(parents=True, exist_ok=True)
            toml = config.home / "buzz.toml"
            toml.write_text(render(settings), encoding="utf-8")
            typer.echo(f"config: {toml} (the replica's sources and channels)")
            windows = weeks_back(last_complete_week(site_now), weeks)
            requests = [
                CrawlRequest(
                    source=s.name,
                    channels=s.default_channels,
                    since=windows[0].start,
                    now=site_now,
                    local=True,
                    progress_interval=3.0,
                )
                for s in served
            ]
            for outcome in run_crawls(config, requests):
                print_crawl(outcome)
            members_csv = write_members(config.home / "members.csv", seed=seed)
        channels = [(s.platform, c) for s in served for c in s.default_channels]
        for window in windows:
            ranked = rank_week(config, window, channels=channels)
        demo_steps.after_ranking(config, windows, members_csv)
        paths, _ = report_week(config, windows[-1])
        typer.echo("")
        print_summary(ranked)
        typer.echo("")
        for n, path in enumerate(paths.all()):
            typer.echo(f"{'report:' if n == 0 else '':<8}{path.resolve()}")
        demo_steps.weeks_report(config, windows)
        if not os.environ.get("BUZZ_HOME"):
            typer.echo(f"to use this data: export BUZZ_HOME={config.home}")
        typer.echo(f"demo done in {timedelta(seconds=round(time.monotonic() - started))}")
