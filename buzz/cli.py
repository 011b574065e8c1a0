"""The `buzz` command: a thin layer over the jobs and libraries, one module per command group."""

from __future__ import annotations

import importlib
import sys
import traceback

import typer

from buzz.errors import EXIT_FAILED, describe, set_verbose, verbose

app = typer.Typer(
    name="buzz",
    help="Crawl Taiwanese communities, count new replies per week, publish buzz leaderboards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(
    verbose_: bool = typer.Option(
        False, "--verbose", "-v", help="Show the database used, details and tracebacks."
    ),
) -> None:
    """Crawl Taiwanese communities, count new replies per week, publish buzz leaderboards."""
    set_verbose(verbose_)


# Each module in buzz.commands exposes register(app); listed here so the order of --help is stable.
COMMAND_MODULES = (
    "parse",
    "db",
    "crawl",
    "rank",
    "report",
    "rules",
    "explain",
    "weekly",
    "demo",
    "schedule",
    "status",
    "nlp",
    "members",
    "profiles",
    "audience",
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"buzz.commands.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"buzz.commands.{_name}":
            raise
        continue
    _module.register(app)


def _database() -> str:
    """The configured database, password hidden, for error messages."""
    from buzz.config import load_config, redact_url

    try:
        return redact_url(load_config().database_url)
    except Exception:
        return ""


def main() -> None:
    """Entry point of the console script: expected failures become one line, bugs too."""
    try:
        app(prog_name="buzz")
    except Exception as exc:
        if verbose():
            traceback.print_exc()
        found = describe(exc, _database())
        if found is None:
            first = (str(exc).splitlines() or [""])[0]
            found = (
                f"internal error: {type(exc).__name__}: {first} (run with --verbose for details)",
                EXIT_FAILED,
            )
        message, code = found
        print(f"buzz: {message}", file=sys.stderr)
        sys.exit(code)


if __name__ == "__main__":
    main()
