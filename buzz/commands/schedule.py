"""`buzz schedule`: the unattended weekly job under APScheduler."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import typer

from buzz.errors import fail
from ranking.windows import TAIPEI

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekly_trigger(at: str) -> object:
    """Build the cron trigger for "mon 06:00" style times in Asia/Taipei."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        day, clock = at.split()
        hour, minute = (int(x) for x in clock.split(":"))
        if day not in DAYS or not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        fail(f"--at: {at!r} is not a weekday and time like 'mon 06:00'")
    return CronTrigger(day_of_week=day, hour=hour, minute=minute, timezone=TAIPEI)


def run_weekly_subprocess() -> int:
    """Run `buzz weekly` in a child process: Twisted's reactor cannot restart in this one."""
    return subprocess.call([sys.executable, "-m", "buzz", "weekly", "--quiet"])


def register(app: typer.Typer) -> None:
    """Add `schedule`."""

    @app.command("schedule", epilog="Example: buzz schedule --at 'mon 06:00' --dry-run")
    def schedule(
        at: str = typer.Option("mon 06:00", help="When to run the weekly job (Asia/Taipei)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print the next runs and exit."),
    ) -> None:
        """Run the weekly job every week, unattended, until stopped."""
        from apscheduler.schedulers.blocking import BlockingScheduler

        trigger = weekly_trigger(at)
        if dry_run:
            now = datetime.now(TAIPEI)
            fire = None
            for _ in range(3):
                after = fire + timedelta(seconds=1) if fire else now
                fire = trigger.get_next_fire_time(fire, after)  # type: ignore[attr-defined]
                typer.echo(f"next weekly run: {fire.isoformat()}")
            return
        scheduler = BlockingScheduler(timezone=TAIPEI)
        scheduler.add_job(
            run_weekly_subprocess, trigger, id="weekly", coalesce=True, misfire_grace_time=3600
        )
        typer.echo(f"scheduled the weekly job at {at} Asia/Taipei; Ctrl-C to stop")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
