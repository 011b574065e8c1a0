"""`buzz crawl`: run the spiders and list past runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from buzz.commands.common import base_url_option, channels_option, datetime_option, week_option
from buzz.config import load_config
from buzz.errors import EXIT_FAILED, fail
from crawlers.sources import Source

if TYPE_CHECKING:
    from buzz.jobs import CrawlOutcome


def finish(outcomes: list[CrawlOutcome], jobdir: Path | None) -> None:
    """Print each crawl and exit 1 naming what did not finish or was not complete."""
    from buzz.summary import print_crawl

    for outcome in outcomes:
        print_crawl(outcome)
    unfinished = [o for o in outcomes if o.finish_reason != "finished"]
    if unfinished:
        hint = " (run again with the same --jobdir to resume)" if jobdir else ""
        reasons = ", ".join(sorted({o.finish_reason for o in unfinished}))
        fail(f"crawl did not finish: {reasons}{hint}", code=EXIT_FAILED)
    partial = [o for o in outcomes if o.status != "complete"]
    if partial:
        fail(
            "; ".join(
                f"crawl run {o.run_id} {o.status}: "
                + "; ".join(p.split(":", 1)[0] for p in o.problems)
                for o in partial
            ),
            code=EXIT_FAILED,
        )


def source_command(crawl: typer.Typer, source: Source) -> None:
    """Add `buzz crawl <source>`."""
    word = source.channel_word
    example = ",".join(source.default_channels[:2])

    @crawl.command(
        source.name,
        help=(
            f"Crawl {source.label} {word}s back to the window start minus the lookback.\n\n"
            f"Exits 1 when a {word} could not be crawled completely (blocked, rate-limited, "
            f"failed or not found pages, or an interrupted walk; one line per {word} on "
            f"stderr), 3 when another {source.name} crawl runs on the same database."
        ),
        epilog=f"Example: buzz crawl {source.name} --channels {example} --since 2019-02-04",
    )
    def crawl_source(
        channels: str = typer.Option(
            None,
            "--channels",
            f"--{word}s",
            help=f"Comma-separated {word}s (default: buzz.toml's, else {source.label}'s usual).",
        ),
        since: str = typer.Option(None, help="Window start, a Monday (default: last week)."),
        now: str = typer.Option(None, help="The crawl time to assume (the replica's clock)."),
        lookback_days: int = typer.Option(
            None, help="Also crawl threads this many days older (default buzz.toml's, 14)."
        ),
        jobdir: Path = typer.Option(None, help="Keep crawl state here to resume after a stop."),
        base_url: str = typer.Option(
            None, help=f"Site to crawl (default {source.base_url_env} or buzz.toml)."
        ),
        quiet: bool = typer.Option(False, "--quiet", help="No progress lines."),
    ) -> None:
        from buzz.jobs import CrawlRequest, run_crawls

        config = load_config()
        if base_url:
            config = config.with_base_url(source.name, base_url_option(base_url) or "")
        now_dt = datetime_option("--now", now)
        window = week_option(since, now_dt, name="--since", unfinished=True)
        if lookback_days is not None and lookback_days < 0:
            fail("--lookback-days must be 0 or more")
        request = CrawlRequest(
            source=source.name,
            channels=channels_option(channels, source.name, config.source(source.name).channels),
            since=window.start,
            now=now_dt,
            lookback_days=lookback_days,
            jobdir=jobdir,
            progress_interval=0.0 if quiet else 5.0,
        )
        finish(run_crawls(config, [request]), jobdir)


def register(app: typer.Typer) -> None:
    """Add the `crawl` group: one command per source, `--all`, and `runs`."""
    from crawlers.sources import all_sources

    crawl = typer.Typer(
        help="Crawl sources into the database (`buzz crawl --all`: every configured source).",
        invoke_without_command=True,
        epilog="Example: buzz crawl --all --since 2019-02-04",
    )

    @crawl.callback()
    def crawl_all(
        ctx: typer.Context,
        all_: bool = typer.Option(
            False, "--all", help="Crawl every source buzz.toml enables, each with its channels."
        ),
        since: str = typer.Option(None, help="With --all: the window start, a Monday."),
        now: str = typer.Option(None, help="With --all: the crawl time to assume."),
        quiet: bool = typer.Option(False, "--quiet", help="With --all: no progress lines."),
    ) -> None:
        """Crawl sources into the database."""
        if ctx.invoked_subcommand is not None:
            return
        if not all_:
            typer.echo(ctx.get_help())
            raise typer.Exit(0)
        from buzz.jobs import CrawlRequest, run_crawls

        config = load_config()
        now_dt = datetime_option("--now", now)
        window = week_option(since, now_dt, name="--since", unfinished=True)
        requests = [
            CrawlRequest(
                source=s.name,
                channels=s.channels,
                since=window.start,
                now=now_dt,
                progress_interval=0.0 if quiet else 5.0,
            )
            for s in config.enabled()
        ]
        if not requests:
            fail("no source is enabled in buzz.toml", code=EXIT_FAILED)
        finish(run_crawls(config, requests), None)

    for source in all_sources():
        source_command(crawl, source)

    @crawl.command("runs", epilog="Example: buzz crawl runs --limit 5")
    def runs(
        limit: int = typer.Option(10, min=1, help="How many recent runs."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
    ) -> None:
        """List recent crawl runs: status, pages, threads, errors, and each channel's tally."""
        from buzz.jobs import engine_for
        from storage.runs import list_runs

        engine = engine_for(load_config(), write=False)
        with engine.connect() as conn:
            rows = list_runs(conn, limit)
        engine.dispose()
        if as_json:
            for run in rows:
                typer.echo(json.dumps(run, default=str, ensure_ascii=False))
            return
        if not rows:
            typer.echo("no crawl runs yet")
            return
        typer.echo(
            f"{'id':>4}  {'started (UTC)':<19}  {'secs':>5}  {'status':<10}  {'pages':>6}  "
            f"{'items':>6}  errors"
        )
        for run in rows:
            started, finished = run["started_at"], run["finished_at"]
            secs = f"{(finished - started).total_seconds():.0f}" if finished else "-"
            errors = ", ".join(f"{k} {v}" for k, v in sorted(run["errors"].items())) or "-"
            typer.echo(
                f"{run['id']:>4}  {started:%Y-%m-%d %H:%M:%S}  {secs:>5}  {run['status']:<10}  "
                f"{run['pages']:>6}  {run['items']:>6}  {errors}"
            )
            for ch in run["channels"]:
                lost = ", ".join(
                    f"{name.replace('_', '-')} {ch[name]}"
                    for name in ("blocked", "rate_limited", "failed", "not_found")
                    if ch[name]
                )
                detail = f"  {ch['detail']}" if ch["detail"] else ""
                typer.echo(
                    f"        {ch['platform']}/{ch['channel']:<14} {ch['status']:<10} "
                    f"pages {ch['pages']}, threads {ch['threads']}, replies {ch['replies']}, "
                    f"deleted {ch['deleted']}{', ' + lost if lost else ''}{detail}"
                )

    app.add_typer(crawl, name="crawl")
