"""Bad input from a user gets one line on stderr and a non-zero exit, never a traceback.

Each probe runs the real `buzz` command in a subprocess, as a user would, so the top-level
error handling (`buzz.cli.main`) is what is tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import ROOT
from storage_fixtures import postgres_url

from storage.migrate import head_revision

NOW = "2019-02-11T09:00:00+08:00"


def buzz(
    args: list[str], env: dict[str, str], cwd: Path = ROOT, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m buzz ARGS` with an environment of the test's own."""
    return subprocess.run(
        [sys.executable, "-m", "buzz", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(proc: subprocess.CompletedProcess[str], code: int, fragment: str) -> str:
    """Assert the run failed with `code` and exactly one `buzz:` line containing `fragment`."""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("buzz: "), lines
    assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A data folder of the test's own, nothing else configured."""
    return {"BUZZ_HOME": str(tmp_path / "home")}


# --- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code", "fragment"),
    [
        ("garbage", 2, "BUZZ_DATABASE_URL is not a database URL"),
        ("postgresql+psycopg2://u@127.0.0.1/db", 2, "driver psycopg2 is not installed"),
        ("mysql://u@127.0.0.1/db", 2, "driver MySQLdb is not installed"),
        ("oracle://u@127.0.0.1/db", 2, "driver cx_Oracle is not installed"),
        ("nosuch://u@h/db", 2, "no driver for"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/test", 1, "Connection refused"),
        ("sqlite:////proc/buzz/buzz.sqlite3", 1, "/proc/buzz"),
    ],
)
@pytest.mark.parametrize(
    "command", [["crawl", "runs"], ["db", "upgrade"], ["rank", "--week", "2019-02-04"]]
)
def test_every_database_url_problem_is_one_line(
    command: list[str], url: str, code: int, fragment: str
) -> None:
    one_line(buzz(command, {"BUZZ_DATABASE_URL": url}), code, fragment)


@pytest.mark.postgres
@pytest.mark.skipif(postgres_url() is None, reason="BUZZ_TEST_DATABASE_URL is not set")
def test_a_missing_postgresql_database_is_one_line() -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url() or "").set(database="buzz_no_such_db").render_as_string(False)
    one_line(buzz(["crawl", "runs"], {"BUZZ_DATABASE_URL": url}), 1, 'database "buzz_no_such_db"')


def test_a_password_never_reaches_the_message() -> None:
    url = "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/test"
    line = one_line(buzz(["crawl", "runs"], {"BUZZ_DATABASE_URL": url}), 1, "Connection refused")
    assert "s3cret-pw" not in line and "***" in line


def test_reading_commands_refuse_a_database_that_does_not_exist_without_creating_it(
    home: dict[str, str], tmp_path: Path
) -> None:
    one_line(buzz(["crawl", "runs"], home), 1, "no database at")
    one_line(buzz(["status"], home), 1, "no database at")
    assert not (tmp_path / "home").exists()


@pytest.fixture
def read_only_home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A data folder with a migrated database, remounted read-only (needs root and tmpfs)."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root?): the read-only probe needs one")
    try:
        env = {"BUZZ_HOME": str(mnt)}
        assert buzz(["db", "upgrade"], env).returncode == 0
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield env
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_a_read_only_file_system_still_serves_reading_commands(
    read_only_home: dict[str, str], tmp_path: Path
) -> None:
    runs = buzz(["crawl", "runs"], read_only_home)
    assert runs.returncode == 0 and "no crawl runs yet" in runs.stdout, runs.stderr
    current = buzz(["db", "current"], read_only_home)
    assert current.returncode == 0 and head_revision() in current.stdout, current.stderr
    one_line(buzz(["db", "upgrade"], read_only_home), 1, "read-only file system")
    crawl = ["crawl", "ptt", "--since", "2019-02-04", "--base-url", "http://127.0.0.1:9"]
    one_line(buzz(crawl, read_only_home), 1, "read-only file system")


def test_the_database_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    """Without BUZZ_HOME the user data folder is used, from wherever the command runs."""
    env = {"HOME": str(tmp_path / "user"), "XDG_DATA_HOME": str(tmp_path / "user" / "data")}
    for var in ("BUZZ_HOME", "BUZZ_DATABASE_URL", "BUZZ_REPORTS_DIR"):
        env[var] = ""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert buzz(["db", "upgrade"], env, cwd=tmp_path / "a").returncode == 0
    shown = buzz(["-v", "crawl", "runs"], env, cwd=tmp_path / "b")
    assert shown.returncode == 0 and "no crawl runs yet" in shown.stdout
    expected = tmp_path / "user" / "data" / "buzz" / "buzz.sqlite3"
    assert f"database: sqlite:///{expected}" in shown.stderr
    assert expected.exists()
    assert not (tmp_path / "a" / "var").exists() and not (tmp_path / "b" / "var").exists()


# --- weeks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["rank", "report", "weekly"])
@pytest.mark.parametrize(
    ("week", "fragment"),
    [
        ("9999-12-27", "out of the calendar's range"),
        ("2019-02-18", "has not started yet"),
        ("2019-02-11", "is not over until 2019-02-18 00:00"),
        ("2019-02-05", "is a Tuesday"),
    ],
)
def test_weeks_that_cannot_be_published_are_refused(
    home: dict[str, str], command: str, week: str, fragment: str
) -> None:
    one_line(buzz([command, "--week", week, "--now", NOW], home), 2, fragment)


def test_the_unfinished_week_message_offers_provisional(home: dict[str, str]) -> None:
    line = one_line(buzz(["rank", "--week", "2019-02-11", "--now", NOW], home), 2, "not over")
    assert "--provisional" in line


def test_a_week_nothing_covers_is_refused_and_writes_nothing(
    home: dict[str, str], tmp_path: Path
) -> None:
    assert buzz(["db", "upgrade"], home).returncode == 0
    one_line(buzz(["rank", "--week", "2019-02-04"], home), 1, "no crawl covers the week 2019-02-04")
    one_line(buzz(["report", "--week", "2019-02-04"], home), 1, "no crawl covers the week")
    assert not list((tmp_path / "home").rglob("leaderboard.*"))


# --- paths and other options ----------------------------------------------------------------------


def test_report_out_onto_a_file_or_an_impossible_path(home: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    one_line(buzz(["report", "--week", "2019-02-04", "--out", str(target)], home), 2, "is a file")
    assert target.read_text() == "keep me"
    impossible = ["report", "--week", "2019-02-04", "--out", "/proc/buzz-report"]
    one_line(buzz(impossible, home), 2, "--out: cannot create /proc/buzz-report")


def test_db_upgrade_to_an_unknown_revision(home: dict[str, str]) -> None:
    one_line(
        buzz(["db", "upgrade", "--revision", "9999"], home), 2, "revision identified by '9999'"
    )


def test_a_jobdir_that_is_a_file(home: dict[str, str], tmp_path: Path) -> None:
    jobdir = tmp_path / "jobdir"
    jobdir.write_text("")
    args = ["crawl", "ptt", "--since", "2019-02-04", "--now", NOW, "--jobdir", str(jobdir)]
    one_line(buzz(args, home), 2, "is a file, not a folder")


@pytest.mark.parametrize("url", ["ftp://x", "x", "http://"])
def test_a_base_url_that_is_not_http_is_refused(home: dict[str, str], url: str) -> None:
    args = ["crawl", "ptt", "--since", "2019-02-04", "--now", NOW, "--base-url", url]
    one_line(buzz(args, home), 2, "--base-url")
    one_line(buzz(["crawl", "runs"], {**home, "PTT_BASE_URL": url}), 2, "PTT_BASE_URL")


def test_a_site_that_is_down_gives_one_line_per_board_and_no_traceback(
    home: dict[str, str],
) -> None:
    args = ["crawl", "ptt", "--boards", "Stock,car", "--since", "2019-02-04", "--now", NOW]
    proc = buzz(
        [*args, "--quiet", "--base-url", "http://127.0.0.1:9"],
        {**home, "BUZZ_CRAWL_PROFILE": "local"},
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    for board in ("Stock", "car"):
        (found,) = [line for line in lines if line.strip().startswith(f"ptt/{board}:")]
        assert "failed: unreachable" in found and "connection_refused" in found
    assert lines[-1] == "buzz: crawl run 1 failed: ptt/Stock; ptt/car"
    assert len(lines) <= 4  # at most Scrapy's one robots.txt line besides


def test_verbose_shows_the_database_and_the_traceback(home: dict[str, str]) -> None:
    proc = buzz(["-v", "crawl", "runs"], {"BUZZ_DATABASE_URL": "garbage"})
    assert proc.returncode == 2 and "Traceback" in proc.stderr
    assert proc.stderr.rstrip().splitlines()[-1].startswith("buzz: BUZZ_DATABASE_URL")
