"""The multi-week report: read the published weeks from storage, shape them, write the page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from buzz.config import Config
from buzz.jobs import engine_for
from ranking.report_weeks import MultiWeek, WeeksPaths, multi_week, write_weeks
from ranking.windows import Window
from storage.leaderboards import load_leaderboards_between, load_week_statuses


def load_multi_week(config: Config, weeks: Sequence[Window]) -> MultiWeek:
    """The published boards of the weeks, and of the week before them (to tell who is new)."""
    before = Window(weeks[0].start - timedelta(days=7), weeks[0].start)
    engine = engine_for(config, write=False)
    try:
        with engine.connect() as conn:
            rows = load_leaderboards_between(conn, before.start, weeks[-1].start)
            statuses = load_week_statuses(conn, before.start, weeks[-1].start)
    finally:
        engine.dispose()
    return multi_week(rows, statuses, weeks, before)


def report_weeks(
    config: Config, weeks: Sequence[Window], out_dir: Path | None = None
) -> tuple[WeeksPaths, MultiWeek]:
    """Write weeks.html and weeks.csv for the weeks, by default under reports/<first>..<last>/."""
    report = load_multi_week(config, weeks)
    target = out_dir or config.reports_dir / report.folder_name
    return write_weeks(report, target, datetime.now(UTC)), report
