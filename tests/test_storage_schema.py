"""The schema comes from Alembic and matches the models; engines and datetimes behave."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import storage_fixtures as h
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from storage.db import make_engine
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base, replies, threads
from storage.writes import write_thread

db_url = h.db_url
engine = h.engine

TABLES = {
    "threads",
    "replies",
    "crawl_runs",
    "leaderboard_entries",
    "exclusions",
    "thread_tags",
    "thread_tag_state",
    "members",
    "member_accounts",
    "interest_profiles",
    "interest_tags",
    "author_profiles",
    "profile_exports",
    "profile_export_state",
    "crawl_channels",
    "crawl_locks",
    "job_runs",
    "published_weeks",
    "week_coverage",
    "rule_sets",
    "reply_snapshots",
    "apscheduler_jobs",
}


def test_migrations_at_head_match_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_upgrade_creates_every_table_and_records_head(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert current_revision(engine) == head_revision() == "0008"


@pytest.mark.parametrize("backend", h.database_urls())
def test_fresh_database_has_no_revision_until_upgraded(backend: str, tmp_path: Path) -> None:
    with h.fresh_database(backend, tmp_path, migrate=False) as url:
        assert current_revision(url) is None
        upgrade(url)
        upgrade(url)  # a second upgrade is a no-op
        assert current_revision(url) == "0008"
        eng = make_engine(url)
        try:
            assert set(inspect(eng).get_table_names()) >= TABLES
        finally:
            eng.dispose()


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    downgrade(db_url, "base")
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == "0008"


def test_alembic_version_table_lives_beside_the_schema(engine: Engine) -> None:
    assert "alembic_version" in inspect(engine).get_table_names()


def test_datetimes_are_stored_utc_and_returned_aware(engine: Engine) -> None:
    posted = datetime(2024, 7, 8, 9, 30, 15, 123456, tzinfo=h.TPE)
    with engine.begin() as conn:
        result = write_thread(conn, h.thread(posted_at=posted), [], h.utc(2024, 7, 9))
    with engine.connect() as conn:
        stored = conn.execute(
            select(threads.c.posted_at).where(threads.c.id == result.thread_id)
        ).scalar_one()
    assert stored == posted
    assert stored.utcoffset() is not None and stored.utcoffset().total_seconds() == 0
    assert stored == h.utc(2024, 7, 8, 1, 30, 15, 123456)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="naive"):
        write_thread(conn, h.thread(), [], datetime(2024, 7, 9))


def test_sqlite_engine_uses_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        with eng.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        eng.dispose()


def test_sqlite_transactions_roll_back_reads_and_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tx.sqlite3'}"
    upgrade(url)
    eng = make_engine(url)
    try:
        with pytest.raises(RuntimeError), eng.begin() as conn:
            write_thread(conn, h.thread(), [h.reply(1)], h.utc(2024, 7, 9))
            raise RuntimeError("abort")
        with eng.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM threads")).scalar() == 0
    finally:
        eng.dispose()


def test_weekly_count_uses_the_partial_covering_index_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.sqlite3'}"
    upgrade(url)
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT thread_id, count(*) FROM replies"
                " WHERE replied_at >= ? AND replied_at < ? AND removed_at IS NULL"
                " GROUP BY thread_id",
                ("2024-07-07 16:00:00.000000", "2024-07-14 16:00:00.000000"),
            ).fetchall()
        details = " ".join(str(row[-1]) for row in plan)
        assert "COVERING INDEX ix_replies_counted" in details
    finally:
        eng.dispose()


def test_0004_keys_ptt_threads_by_board_and_keeps_every_row(db_url: str) -> None:
    """PTT ids are unique only within a board: the migration prefixes the board, rows stay."""
    downgrade(db_url, "0003")
    eng = make_engine(db_url)
    seen = h.utc(2024, 7, 9)
    try:
        with eng.begin() as conn:
            write_thread(conn, h.thread("M.1.A.1", channel="Stock"), [h.reply(1)], seen)
            write_thread(conn, h.thread("M.2.A.2", channel="car"), [], seen)
        upgrade(eng)
        with eng.begin() as conn:
            keys = sorted(conn.execute(select(threads.c.thread_key)).scalars())
            assert keys == ["Stock/M.1.A.1", "car/M.2.A.2"]
            # now the same article id on another board is another thread
            write_thread(conn, h.thread("car/M.1.A.1", channel="car"), [h.reply(2)], seen)
            assert conn.execute(select(func.count()).select_from(threads)).scalar() == 3
            assert conn.execute(select(func.count()).select_from(replies)).scalar() == 2
            conn.execute(threads.delete().where(threads.c.thread_key == "car/M.1.A.1"))
        downgrade(eng, "0003")
        with eng.connect() as conn:
            keys = sorted(conn.execute(select(threads.c.thread_key)).scalars())
        assert keys == ["M.1.A.1", "M.2.A.2"]
        upgrade(eng)
    finally:
        eng.dispose()


def test_0004_marks_runs_from_before_it_as_of_unknown_completeness(db_url: str) -> None:
    """Old runs recorded no channels: they get `incomplete` rows, so old weeks say so."""
    from storage.runs import channel_crawls

    downgrade(db_url, "0003")
    eng = make_engine(db_url)
    try:
        with eng.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO crawl_runs"
                    " (source, args, started_at, status, pages, items, errors)"
                    " VALUES ('ptt', :args, :t, 'ok', 10, 5, '{}')"
                ),
                {
                    "args": '{"boards": "Stock,car", "since": "2019-02-04T00:00:00+08:00",'
                    ' "now": "2019-02-11T09:00:00+08:00"}',
                    "t": "2026-11-20 01:00:00.000000"
                    if "sqlite" in db_url
                    else h.utc(2026, 11, 20, 1),
                },
            )
        upgrade(eng)
        with eng.connect() as conn:
            found = channel_crawls(conn, "ptt")
        assert sorted(c["channel"] for c in found) == ["Stock", "car"]
        assert {c["status"] for c in found} == {"incomplete"}
        assert all("before Buzz recorded completeness" in c["detail"] for c in found)
        assert found[0]["covers_from"] == h.utc(2019, 2, 3, 16)
        assert found[0]["observed_at"] == h.utc(2019, 2, 11, 1)
        assert found[0]["run_status"] == "complete"
    finally:
        eng.dispose()


def test_upgrading_keeps_rows_that_refer_to_a_rebuilt_table(db_url: str) -> None:
    """SQLite rebuilds a table to change a CHECK; the rows pointing at it must survive."""
    from storage.leaderboards import save_leaderboards

    downgrade(db_url, "0004")
    eng = make_engine(db_url)
    seen = h.utc(2024, 7, 9)
    try:
        with eng.begin() as conn:
            result = write_thread(conn, h.thread("Stock/M.1.A.1"), [h.reply(1), h.reply(2)], seen)
            entry = {"rank": 1, "thread_id": result.thread_id, "new_replies": 2}
            board = {"scope": "platform:ptt", "label": "PTT", "entries": [entry]}
            save_leaderboards(conn, h.T0, [board], [], seen)
        upgrade(eng)
        with eng.connect() as conn:
            counts = [
                conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("threads", "replies", "leaderboard_entries")
            ]
        assert counts == [1, 2, 1]
    finally:
        eng.dispose()
