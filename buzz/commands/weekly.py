"""`buzz weekly`: crawl, rank and report one observation week."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.commands.common import (
    channels_option,
    datetime_option,
    scrapyd_option,
    sources_option,
    week_option,
)
from buzz.config import load_config
from buzz.errors import EXIT_FAILED, fail
from buzz.job_claims import claim_week, recorded_week
from buzz.summary import print_summary
from crawlers.sources import all_sources


def platform_of(source: str) -> str:
    """The platform a source's threads are stored under."""
    from crawlers.sources import get

    return get(source).platform


def register(app: typer.Typer) -> None:
    """Add `weekly`."""

    first = all_sources()[0]
    example = f"--sources {first.name} --channels {','.join(first.default_channels[:2])}"
    nodes = "--scrapyd http://10.0.0.5:6800,http://10.0.0.6:6800"

    @app.command(
        "weekly",
        epilog=f"Example: buzz weekly --week 2019-02-04 {example}  "
        f"(on Scrapyd nodes: buzz weekly {nodes})",
    )
    def weekly(
        week: str = typer.Option(None, help="Week start, a Monday (default: last complete week)."),
        sources: str = typer.Option(
            None, help="Comma-separated sources (default: every one buzz.toml enables)."
        ),
        channels: str = typer.Option(
            None,
            "--channels",
            "--boards",
            help="With one source: its channels (default: buzz.toml's, else the usual ones).",
        ),
        now: str = typer.Option(None, help="Treat this as the current time."),
        top: int = typer.Option(10, min=1, max=100, help="Entries per leaderboard."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress lines."),
        force: bool = typer.Option(False, "--force", help="Redo a week already published."),
        provisional: bool = typer.Option(
            False, "--provisional", help="Allow a week not over yet; outputs are marked 暫定."
        ),
        allow_incomplete: bool = typer.Option(
            False,
            "--allow-incomplete",
            help="Exit 0 even when channels are incomplete (the report stays marked).",
        ),
        scrapyd: str = typer.Option(
            None,
            "--scrapyd",
            help="Comma-separated Scrapyd URLs to crawl on, channels sharded over them "
            "(default: buzz.toml's [scrapyd] nodes, else crawl on this machine).",
        ),
        job_run: int = typer.Option(None, "--job-run", hidden=True, help="The scheduler's claim."),
        rules_file: Path = typer.Option(
            None,
            "--rules",
            help="Rank with this rules file (default: the rules the week was published with, "
            "else buzz.toml's rules, else the shipped ranking/rules.toml).",
        ),
    ) -> None:
        """The weekly job: crawl the week (plus lookback), rank it, write its report.

        Exits 1 when any channel could not be crawled completely (the report is still written,
        marked incomplete, with the reason per channel), 3 when the week is already done or
        being done by another run. With Scrapyd nodes, a node that is down or a job that
        records no crawl makes its channels failed, with one line naming the node.
        """
        from buzz.jobs import (
            CrawlRequest,
            configured_rules,
            exit_for_incomplete,
            rank_week,
            report_week,
            run_crawls,
        )
        from buzz.summary import print_crawl

        config = load_config()
        nodes = scrapyd_option(scrapyd) or list(config.scrapyd.nodes)
        now_dt = datetime_option("--now", now)
        window = week_option(week, now_dt, provisional=provisional)
        if rules_file is not None:
            configured_rules(config, rules_file)  # a bad file is refused before crawling
        chosen = sources_option(sources, [s.name for s in config.enabled()])
        if not chosen:
            fail("no source is enabled in buzz.toml (or name some with --sources)")
        if channels and len(chosen) > 1:
            fail("--channels: name one source with --sources to give its channels")
        requests = [
            CrawlRequest(
                source=name,
                channels=channels_option(channels, name, config.source(name).channels),
                since=window.start,
                now=now_dt,
                progress_interval=0.0 if quiet else 5.0,
            )
            for name in chosen
        ]
        trigger = "manual" if job_run is None else "schedule"
        run_id = claim_week(config, window, trigger, force=force, job_run_id=job_run)
        problems: list[str] = []
        with recorded_week(config, run_id) as outcome:
            if nodes:
                from buzz.dispatch import dispatch_crawls

                settings = config.scrapyd
                dispatched = dispatch_crawls(
                    config, requests, nodes, settings.project, settings.timeout
                )
                crawls, problems = dispatched.outcomes, dispatched.problems
                for line in problems:
                    typer.echo(f"buzz: {line}", err=True)
                outcome.detail = "; ".join(problems)[:500]
            else:
                crawls = run_crawls(config, requests)
            for crawled in crawls:
                print_crawl(crawled, details=False)
            boards_ = rank_week(
                config,
                window,
                top=top,
                provisional=provisional,
                channels=[(platform_of(r.source), c) for r in requests for c in r.channels],
                rules_path=rules_file,
            )
            print_summary(boards_)
            paths, _ = report_week(config, window, provisional=provisional)
            for n, path in enumerate(paths.all()):
                typer.echo(f"{'report:' if n == 0 else '':<8}{path}")
            if boards_.incomplete or problems:
                outcome.status = "incomplete"
            exit_for_incomplete(boards_, allow_incomplete)
            if problems and not allow_incomplete:
                fail(
                    f"week {window.week_id}: {len(problems)} Scrapyd shards failed "
                    f"({problems[0]}); pass --allow-incomplete to accept it",
                    code=EXIT_FAILED,
                )
