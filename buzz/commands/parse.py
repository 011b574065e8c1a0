"""`buzz parse`: run a page parser on a saved page and print what it extracts as JSON."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from buzz.commands.common import datetime_option
from buzz.errors import fail
from crawlers.pages.ptt import PttParseError, parse_article, parse_index

parse_app = typer.Typer(
    name="parse",
    help="Parse a saved page (no network) and print the extracted data as JSON.",
    epilog="Example: buzz parse ptt-article saved/M.1499790734.A.833.html | jq .counts",
    no_args_is_help=True,
)

FileArg = Annotated[str, typer.Argument(help="The saved HTML page, or - to read stdin.")]
UrlOpt = Annotated[
    str | None,
    typer.Option("--url", help="The page's address; default: the canonical link in the page."),
]


def register(app: typer.Typer) -> None:
    """Add the `parse` command group to the `buzz` app."""
    app.add_typer(parse_app, name="parse")


@parse_app.command(
    "ptt-article",
    epilog="Example: buzz parse ptt-article page.html --crawled-at 2024-05-01T12:00:00+08:00",
)
def ptt_article(
    file: FileArg,
    url: UrlOpt = None,
    crawled_at: Annotated[
        str | None,
        typer.Option(
            "--crawled-at",
            help="When the page was fetched (ISO 8601; no offset means Asia/Taipei). "
            "Push times, which carry no year, are never placed after it.",
        ),
    ] = None,
) -> None:
    """Print a PTT article page as JSON: header, body, pushes with inferred years, counts."""
    when = _crawled_at(crawled_at)
    data = _read(file)
    try:
        article = parse_article(data, url=url, crawled_at=when)
    except PttParseError as exc:
        fail(f"{file}: {exc}")
    _print(article.to_dict())


@parse_app.command(
    "ptt-index",
    epilog="Example: buzz parse ptt-index index.html --url https://www.ptt.cc/bbs/Beauty/index.html",
)
def ptt_index(file: FileArg, url: UrlOpt = None) -> None:
    """Print a PTT board index page as JSON: rows (pinned ones flagged) and paging links."""
    data = _read(file)
    try:
        page = parse_index(data, url=url)
    except PttParseError as exc:
        fail(f"{file}: {exc}")
    _print(page.to_dict())


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


def _crawled_at(value: str | None) -> datetime | None:
    """Parse --crawled-at; a time without an offset is taken as Asia/Taipei."""
    return datetime_option("--crawled-at", value)


def _print(data: dict[str, object]) -> None:
    """Print JSON as UTF-8 text, indented, whatever the terminal's locale."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
