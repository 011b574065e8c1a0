"""Turning expected failures into one-line messages and exit codes; tracebacks only with -v.

Exit codes: 0 done, 1 failed or incomplete (nothing wrong with the input), 2 bad input or
arguments, 3 refused because another run holds the work or it was already done.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import typer

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_REFUSED = 3

_state = {"verbose": False}

DRIVERS = frozenset(
    {"psycopg2", "pg8000", "asyncpg", "pymysql", "MySQLdb", "mysql", "cx_Oracle", "oracledb"}
    | {"pyodbc", "pymssql", "aiosqlite", "pysqlite2", "sqlcipher3"}
)
"""Database drivers SQLAlchemy may ask for that Buzz does not ship (psycopg 3 and sqlite3)."""


def set_verbose(on: bool) -> None:
    """Switch --verbose on: tracebacks and the database in use are shown."""
    _state["verbose"] = on


def verbose() -> bool:
    """Whether --verbose is on."""
    return _state["verbose"]


def note(message: str) -> None:
    """Print a detail on stderr under --verbose only."""
    if verbose():
        typer.echo(f"buzz: {message}", err=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print `buzz: <message>` on stderr and exit with `code` (2 means bad input)."""
    typer.echo(f"buzz: {message}", err=True)
    sys.stdout.flush()
    raise typer.Exit(code)


class OneLineLogs(logging.Filter):
    """Keep a log record to one line: its exception's traceback becomes `: <Type: message>`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Fold exc_info into the message unless --verbose asked for tracebacks."""
        if record.exc_info and not verbose():
            exc = record.exc_info[1]
            if exc is not None:
                first = (str(exc).splitlines() or [""])[0]
                message = record.getMessage()
                if first not in message:
                    message = f"{message}: {type(exc).__name__}: {first}"
                record.msg, record.args = message, None
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_logs() -> None:
    """Install OneLineLogs on every handler of the root logger (Scrapy's included)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, OneLineLogs) for f in handler.filters):
            handler.addFilter(OneLineLogs())


def describe(exc: BaseException, database: str = "") -> tuple[str, int] | None:
    """A one-line message and exit code for an error a user can cause, None for a bug."""
    from alembic.util.exc import CommandError
    from sqlalchemy import exc as sa

    from buzz.config import ConfigError
    from buzz.jobs import NoData
    from crawlers.jobdir import JobdirError

    where = f"database {database}" if database else "the database"
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, ConfigError | JobdirError):
        return first, EXIT_BAD_INPUT
    if isinstance(exc, NoData):
        return first, EXIT_FAILED
    if isinstance(exc, sa.NoSuchModuleError):
        return (
            f"BUZZ_DATABASE_URL names a database Buzz has no driver for ({first}); "
            "use sqlite:///... or postgresql+psycopg://...",
            EXIT_BAD_INPUT,
        )
    if isinstance(exc, sa.ArgumentError):
        return (
            f"BUZZ_DATABASE_URL is not a database URL ({first}); e.g. "
            "sqlite:////path/to/buzz.sqlite3 or postgresql+psycopg://user@host/dbname",
            EXIT_BAD_INPUT,
        )
    if isinstance(exc, ModuleNotFoundError) and exc.name in DRIVERS:
        return (
            f"the database driver {exc.name} is not installed: use postgresql+psycopg://... "
            "(psycopg 3 comes with Buzz)",
            EXIT_BAD_INPUT,
        )
    if isinstance(exc, sa.DBAPIError):
        orig = (str(exc.orig).strip().splitlines() or [first])[0] if exc.orig else first
        return f"{where}: {orig}", EXIT_FAILED
    if isinstance(exc, sa.SQLAlchemyError):
        return f"{where}: {first}", EXIT_FAILED
    if isinstance(exc, CommandError):
        return f"database schema: {first}", EXIT_BAD_INPUT
    if isinstance(exc, OSError) and exc.strerror:
        name = f"{exc.filename}: " if exc.filename else ""
        return f"{name}{exc.strerror}", EXIT_FAILED
    return None
