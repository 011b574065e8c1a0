"""`buzz status`: the next scheduled run, the last weekly runs, the latest crawl per source."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import typer

from buzz.config import load_config

TIME = "%Y-%m-%d %H:%M"


def _local(t: datetime | None) -> str:
    """A time in Asia/Taipei for the table, or '-'."""
    from ranking.windows import TAIPEI

    return "-" if t is None else t.astimezone(TAIPEI).strftime(TIME)


def gather(limit: int) -> dict[str, Any]:
    """What `status` shows, as plain data: scheduler, job runs, latest crawl per source."""
    from buzz.jobs import engine_for
    from storage import job_runs
    from storage.runs import crawl_sources, list_runs

    engine = engine_for(load_config(), write=False)
    try:
        with engine.connect() as conn:
            scheduled = job_runs.scheduled_jobs(conn)
            attempts = job_runs.list_attempts(conn, "weekly", limit=limit)
            crawls = [run for s in crawl_sources(conn) for run in list_runs(conn, 1, s)]
    finally:
        engine.dispose()
    return {
        "scheduler": [{"job": k, "next_run_time": v} for k, v in scheduled.items()],
        "job_runs": [
            {name: getattr(a, name) for name in a.__slots__} | {"week": a.period} for a in attempts
        ],
        "crawls": crawls,
    }


def _print_scheduler(jobs: list[dict[str, Any]]) -> None:
    """The persisted schedule, saying when a slot is overdue."""
    if not jobs:
        typer.echo("scheduler: not scheduled (start it with `buzz schedule`)")
        return
    now = datetime.now(UTC)
    for job in jobs:
        nxt = job["next_run_time"]
        if nxt is None:
            typer.echo(f"scheduler: {job['job']} paused")
            continue
        late = " (missed: runs when a scheduler starts)" if nxt < now else ""
        typer.echo(f"scheduler: next {job['job']} run {_local(nxt)} Asia/Taipei{late}")


def _print_job_runs(rows: list[dict[str, Any]]) -> None:
    """The weekly attempts as a table."""
    typer.echo("\nweekly job runs:")
    if not rows:
        typer.echo("  no runs yet")
        return
    typer.echo(
        f"  {'run':>4}  {'week':<10}  {'trigger':<8}  {'try':>3}  {'status':<10}  {'exit':>4}  "
        f"{'started':<16}  {'finished':<16}  detail"
    )
    for r in rows:
        code = "-" if r["exit_code"] is None else str(r["exit_code"])
        typer.echo(
            f"  {r['id']:>4}  {r['week']:<10}  {r['trigger']:<8}  {r['attempt']:>3}  "
            f"{r['status']:<10}  {code:>4}  {_local(r['started_at']):<16}  "
            f"{_local(r['finished_at']):<16}  {r['detail'] or '-'}"
        )


def _print_crawls(runs: list[dict[str, Any]]) -> None:
    """The latest run of each source and the completeness of each of its channels."""
    typer.echo("\nlatest crawls:")
    if not runs:
        typer.echo("  no runs yet")
        return
    for run in runs:
        typer.echo(
            f"  {run['source']} run {run['id']}: {run['status']}, started "
            f"{_local(run['started_at'])}, finished {_local(run['finished_at'])}, "
            f"{run['pages']} pages"
        )
        if not run["channels"]:
            typer.echo("    no channel tallies")
            continue
        typer.echo(
            f"    {'channel':<16}  {'status':<10}  {'pages':>6}  {'threads':>7}  {'replies':>7}  "
            "lost"
        )
        for ch in run["channels"]:
            lost = ", ".join(
                f"{name} {ch[name]}"
                for name in ("blocked", "rate_limited", "failed", "not_found")
                if ch.get(name)
            )
            detail = f" ({ch['detail']})" if ch.get("detail") else ""
            typer.echo(
                f"    {ch['channel']:<16}  {ch['status']:<10}  {ch['pages']:>6}  "
                f"{ch['threads']:>7}  {ch['replies']:>7}  {lost or '-'}{detail}"
            )


def _jsonable(value: object) -> str:
    """Times as ISO 8601 in JSON output."""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def register(app: typer.Typer) -> None:
    """Add `status`."""

    @app.command("status", epilog="Example: buzz status --limit 5  (or --json for scripts)")
    def status(
        limit: int = typer.Option(8, min=1, help="How many recent weekly runs."),
        as_json: bool = typer.Option(False, "--json", help="One JSON object."),
    ) -> None:
        """Show the next scheduled run, the last weekly runs and how complete the crawls were."""
        data = gather(limit)
        if as_json:
            typer.echo(json.dumps(data, default=_jsonable, ensure_ascii=False))
            return
        _print_scheduler(data["scheduler"])
        _print_job_runs(data["job_runs"])
        _print_crawls(data["crawls"])
