"""`buzz crawl`: run the spiders and list past runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer

from buzz.commands.common import base_url_option, boards_option, datetime_option, week_option
from buzz.config import load_config
from buzz.errors import EXIT_FAILED, fail


def register(app: typer.Typer) -> None:
    """Add the `crawl` group."""
    crawl = typer.Typer(help="Crawl sources into the database.", no_args_is_help=True)

    @crawl.command(
        "ptt",
        epilog="Example: buzz crawl ptt --boards Gossiping,Stock --since 2019-02-04",
    )
    def crawl_ptt(
        boards: str = typer.Option(None, help="Comma-separated boards (default: the usual ten)."),
        since: str = typer.Option(None, help="Window start, a Monday (default: last week)."),
        now: str = typer.Option(None, help="Crawl time to assume for push-year inference."),
        lookback_days: int = typer.Option(14, help="Also crawl threads this many days older."),
        jobdir: Path = typer.Option(None, help="Keep crawl state here to resume after a stop."),
        base_url: str = typer.Option(None, help="Site to crawl (default PTT_BASE_URL)."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress lines."),
    ) -> None:
        """Crawl PTT boards from the newest index page back to the window start minus lookback.

        Exits 1 when a board could not be crawled completely (blocked, rate-limited, failed or
        not found pages, or an interrupted walk; one line per board on stderr), 3 when another
        PTT crawl is running on the same database.
        """
        from buzz.jobs import DEFAULT_PTT_BOARDS, CrawlRequest, run_crawl
        from buzz.summary import print_crawl

        config = load_config()
        if base_url:
            config = replace(config, ptt_base_url=base_url_option(base_url) or "")
        now_dt = datetime_option("--now", now)
        window = week_option(since, now_dt, name="--since", unfinished=True)
        if lookback_days < 0:
            fail("--lookback-days must be 0 or more")
        request = CrawlRequest(
            boards=boards_option(boards, DEFAULT_PTT_BOARDS),
            since=window.start,
            now=now_dt,
            lookback_days=lookback_days,
            jobdir=jobdir,
            progress_interval=0.0 if quiet else 5.0,
        )
        outcome = run_crawl(config, request)
        print_crawl(outcome)
        if outcome.finish_reason != "finished":
            hint = " (run again with the same --jobdir to resume)" if jobdir else ""
            fail(f"crawl did not finish: {outcome.finish_reason}{hint}", code=EXIT_FAILED)
        if outcome.status != "complete":
            fail(
                f"crawl run {outcome.run_id} {outcome.status}: "
                + "; ".join(p.split(":", 1)[0] for p in outcome.problems),
                code=EXIT_FAILED,
            )

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
