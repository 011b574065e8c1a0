"""Every `buzz` command has help with an example and is documented in the README or docs/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main
from typer.testing import CliRunner

from buzz.cli import app

ROOT = Path(__file__).resolve().parents[1]


def command_paths() -> list[tuple[str, Any]]:
    """Every leaf command as its full path, e.g. `buzz crawl ptt`."""
    root = typer.main.get_command(app)
    out: list[tuple[str, Any]] = []

    def walk(cmd: Any, path: str) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")
        else:
            out.append((path, cmd))

    walk(root, "buzz")
    return out


def documentation() -> str:
    """The README plus every Markdown file under docs/ (docs/sources/ included)."""
    texts = [(ROOT / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join(texts)


def test_the_core_commands_exist() -> None:
    """The foundation's commands are all there."""
    paths = {p for p, _ in command_paths()}
    for expected in (
        "buzz crawl ptt",
        "buzz rank",
        "buzz report",
        "buzz weekly",
        "buzz demo",
        "buzz db upgrade",
        "buzz parse ptt-article",
        "buzz parse ptt-index",
    ):
        assert expected in paths


def test_every_command_is_documented() -> None:
    """Each command path appears in the README or docs/ (docs/CLI.md lists them all)."""
    docs = documentation()
    missing = [p for p, _ in command_paths() if p not in docs]
    assert not missing, f"undocumented commands: {missing}"


def test_every_command_help_has_an_example() -> None:
    """`--help` of every command shows an `Example:` line."""
    runner = CliRunner()
    for path, _ in command_paths():
        result = runner.invoke(app, [*path.split()[1:], "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Example:" in result.output, f"{path} --help has no example"
