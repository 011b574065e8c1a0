"""`buzz rules check`: judge JSON Lines of threads with the exclusion rules, without a crawl."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from buzz.errors import EXIT_FAILED, fail

if TYPE_CHECKING:
    from ranking.rules_config import RuleSet

CHECK_EPILOG = (
    "Example: buzz rules check threads.jsonl --week 2019-02-04, where each line is like "
    '{"platform": "forum", "channel": "chat", "title": "[問卦] 推文抽1000P幣", "body": "", '
    '"posted_at": "2019-02-05T10:00:00+08:00"} (use - to read standard input)'
)


def load_rule_set(path: Path | None) -> RuleSet:
    """The rules file given (--rules), else the shipped rules; a bad file is a one-line error."""
    from ranking.rules_config import RulesError, default_rules, load_rules

    if path is None:
        return default_rules()
    try:
        return load_rules(path)
    except RulesError as e:
        fail(f"--rules: {e}")


def register(app: typer.Typer) -> None:
    """Add `rules check`."""
    rules = typer.Typer(
        help="The exclusion rules: check threads against them.", no_args_is_help=True
    )

    @rules.command("check", epilog=CHECK_EPILOG)
    def check(
        file: str = typer.Argument(..., help="JSON Lines of threads, or - for stdin."),
        week: str = typer.Option(
            None, help="Judge every line in this week (a Monday); default: each line's own week."
        ),
        rules_file: Path = typer.Option(
            None, "--rules", help="A rules file instead of the shipped ranking/rules.toml."
        ),
    ) -> None:
        """Write one JSON line per input line: {"rule", "reason", "board"}, in order.

        Each input line has platform, channel, title, body, posted_at (ISO with offset) and
        optionally pinned, author, week. Lines of the same channel are each other's history
        (recurrence). A bad line gets {"error": ...} and the command exits 1 at the end.
        """
        from ranking.rules_check import check_lines
        from ranking.windows import parse_week

        rule_set = load_rule_set(rules_file)
        window = None
        if week is not None:
            try:
                window = parse_week(week)
            except ValueError as e:
                fail(f"--week: {e}")
        if file == "-":
            lines = sys.stdin.read().splitlines()
        else:
            try:
                lines = Path(file).read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                fail(f"{file}: no such file")
            except (OSError, UnicodeDecodeError) as e:
                fail(f"{file}: cannot read: {e}")
        errors = 0
        for out in check_lines(lines, rules=rule_set, week=window):
            errors += "error" in out
            typer.echo(json.dumps(out, ensure_ascii=False))
        if errors:
            typer.echo(f"buzz: {errors} line(s) could not be judged", err=True)
            raise typer.Exit(EXIT_FAILED)

    app.add_typer(rules, name="rules")
