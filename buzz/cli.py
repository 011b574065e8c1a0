"""The `buzz` command: a thin layer over the jobs and libraries, one module per command group."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="buzz",
    help="Crawl Taiwanese communities, count new replies per week, publish buzz leaderboards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module in buzz.commands exposes register(app); listed here so the order of --help is stable.
COMMAND_MODULES = (
    "parse",
    "db",
    "crawl",
    "rank",
    "report",
    "weekly",
    "demo",
    "schedule",
    "status",
    "nlp",
    "members",
    "profiles",
)

for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"buzz.commands.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"buzz.commands.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point of the console script."""
    app(prog_name="buzz")


if __name__ == "__main__":
    main()
