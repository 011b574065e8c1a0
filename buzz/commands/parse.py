"""`buzz parse <source>-<kind>`: run a page parser on a saved page and print it as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from buzz.commands.common import datetime_option
from buzz.errors import fail
from crawlers.sources import Parser, Source, all_sources

parse_app = typer.Typer(
    name="parse",
    help="Parse a saved page or API response (no network) and print what it holds as JSON.",
    epilog="Example: " + next(p.example for s in all_sources() for p in s.parsers),
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `parse` group: one command per parser of every source."""
    for source in all_sources():
        for parser in source.parsers:
            _command(source, parser)
    app.add_typer(parse_app, name="parse")


def _command(source: Source, parser: Parser) -> None:
    """Add `buzz parse <source>-<kind>`."""

    @parse_app.command(
        f"{source.name}-{parser.kind}",
        help=f"Print {parser.summary} as JSON.",
        epilog=f"Example: {parser.example}",
    )
    def parse_page(
        file: str = typer.Argument(..., help="The saved page or response, or - to read stdin."),
        url: str = typer.Option(
            None, "--url", help="The page's address (default: what the page says, if anything)."
        ),
        crawled_at: str = typer.Option(
            None,
            "--crawled-at",
            help="When it was fetched (ISO 8601; no offset means Asia/Taipei). Times that "
            "carry no year are never placed after it.",
        ),
    ) -> None:
        when = datetime_option("--crawled-at", crawled_at)
        data = _read(file)
        try:
            parsed = parser.parse(data, url, when)
        except parser.error as exc:
            fail(f"{file}: {exc}")
        typer.echo(json.dumps(parsed, ensure_ascii=False, indent=2))


def _read(file: str) -> bytes:
    """The page's bytes from a path or stdin (`-`); a one-line failure when unreadable."""
    if file == "-":
        return sys.stdin.buffer.read()
    path = Path(file)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        fail(f"{file}: no such file")
    except IsADirectoryError:
        fail(f"{file}: is a directory, not a saved page")
    except OSError as exc:
        fail(f"{file}: cannot read: {exc.strerror or exc}")
