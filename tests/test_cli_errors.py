"""Bad arguments get one line on stderr and exit 2; the small commands do what they say."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from buzz.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner on a throwaway SQLite database."""
    monkeypatch.setenv("BUZZ_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    return CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rank", "--week", "2019-02-05"], "--week: 2019-02-05 is a Tuesday"),
        (["report", "--week", "last week"], "--week: 'last week' is not a week"),
        (["weekly", "--now", "yesterday"], "--now: not an ISO 8601 time: 'yesterday'"),
        (["crawl", "ptt", "--boards", "Stock,../etc"], "--channels: '../etc' is not a PTT board"),
        (["crawl", "ptt", "--lookback-days", "-1", "--since", "2019-02-04"], "--lookback-days"),
        (["schedule", "--at", "someday 25:00", "--dry-run"], "--at: 'someday 25:00'"),
        (["profiles", "build", "--idf", "/nonexistent/idf.json"], "--idf: /nonexistent/idf.json"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """Each mistake is named in a single line that starts with `buzz:`."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: ") and message in lines[0], lines


def test_schedule_dry_run_lists_the_next_three_mondays(runner: CliRunner) -> None:
    """The weekly schedule fires on Mondays at 06:00 Asia/Taipei."""
    result = runner.invoke(app, ["schedule", "--dry-run"])
    assert result.exit_code == 0, result.output
    runs = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    assert len(runs) == 3 and all(r.endswith("06:00:00+08:00") for r in runs)
    from datetime import datetime

    assert {datetime.fromisoformat(r).weekday() for r in runs} == {0}


def test_db_upgrade_then_current_report_the_head_revision(runner: CliRunner) -> None:
    """`db upgrade` migrates an empty database; `db current` then names the revision."""
    assert "no database yet" in runner.invoke(app, ["db", "current"]).stdout
    up = runner.invoke(app, ["db", "upgrade"])
    assert up.exit_code == 0 and "at revision" in up.stdout
    from storage.migrate import head_revision

    assert head_revision() in runner.invoke(app, ["db", "current"]).stdout


def test_crawl_runs_lists_runs_as_a_table_or_json(runner: CliRunner) -> None:
    """`crawl runs` says when there are none, then shows status, pages and errors by kind."""
    import json
    import os
    from datetime import UTC, datetime, timedelta

    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.runs import finish_run, save_channels, start_run

    url = os.environ["BUZZ_DATABASE_URL"]
    upgrade(url)
    assert "no crawl runs yet" in runner.invoke(app, ["crawl", "runs"]).stdout
    engine = make_engine(url)
    t0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    with engine.begin() as conn:
        run = start_run(conn, "ptt", {"boards": "Stock"}, t0)
        save_channels(
            conn,
            run,
            [{"platform": "ptt", "channel": "Stock", "status": "incomplete", "failed": 3}],
        )
        finish_run(conn, run, t0 + timedelta(seconds=42), "incomplete", 120, 100, {"http_503": 3})
    engine.dispose()
    table = runner.invoke(app, ["crawl", "runs"]).stdout
    assert "incomplete" in table and "42" in table and "http_503 3" in table
    assert "ptt/Stock" in table and "failed 3" in table
    (line,) = runner.invoke(app, ["crawl", "runs", "--json"]).stdout.splitlines()
    assert json.loads(line)["errors"] == {"http_503": 3}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "--at", "mon 06:00:75"], "--at: 'mon 06:00:75' is not a weekday and time"),
        (["schedule", "--now", "soon", "--dry-run"], "--now: not an ISO 8601 time: 'soon'"),
        (
            ["schedule", "--boards", "Stock,../x", "--dry-run"],
            "--channels: '../x' is not a channel",
        ),
    ],
)
def test_schedule_bad_options_exit_2_before_anything_starts(
    runner: CliRunner, args: list[str], message: str
) -> None:
    """A mistake in the schedule's options is one line, not a scheduler that never fires."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: ") and message in lines[0], lines


def test_schedule_dry_run_takes_seconds_for_slots_that_fire_soon(runner: CliRunner) -> None:
    """`--at 'wed 15:47:30'` lists Wednesdays at 15:47:30 Asia/Taipei."""
    from datetime import datetime

    result = runner.invoke(app, ["schedule", "--at", "wed 15:47:30", "--dry-run"])
    assert result.exit_code == 0, result.output
    runs = [datetime.fromisoformat(line.split(": ", 1)[1]) for line in result.stdout.splitlines()]
    assert len(runs) == 3 and {(r.weekday(), r.strftime("%H:%M:%S")) for r in runs} == {
        (2, "15:47:30")
    }
