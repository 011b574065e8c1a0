"""Turning expected failures into one-line messages and exit codes."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `buzz: <message>` on stderr and exit with `code` (2 means bad input)."""
    typer.echo(f"buzz: {message}", err=True)
    sys.stdout.flush()
    raise typer.Exit(code)
