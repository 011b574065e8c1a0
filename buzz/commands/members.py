"""`buzz members import` and `buzz members list`: the CRM's members and their accounts."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.config import load_config
from buzz.errors import fail


def register(app: typer.Typer) -> None:
    """Add the `members` group."""
    members = typer.Typer(help="CRM members and their community accounts.", no_args_is_help=True)

    @members.command("import", epilog="Example: buzz members import var/members.csv")
    def import_cmd(
        file: Path = typer.Argument(
            ..., help="CSV with member_id,platform,handle (UTF-8); ids are kept exactly."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check the file, store nothing."),
    ) -> None:
        """Import members and their accounts; bad rows are reported by line and skipped."""
        from buzz.members_file import MembersFileError, NoMembersError, import_members_file

        try:
            checked, result = import_members_file(load_config(), file, dry_run=dry_run)
        except NoMembersError as exc:
            fail(str(exc), 1)
        except MembersFileError as exc:
            fail(str(exc))
        for problem in checked.problems:
            typer.echo(f"buzz: {file}:{problem.line}: {problem.reason}", err=True)
        for note in checked.notes:
            typer.echo(f"buzz: {file}:{note.line}: note: {note.reason}", err=True)
        member_count = len({m for m, _, _ in checked.rows})
        if result is None:
            typer.echo(
                f"{file}: {len(checked.rows)} good rows ({member_count} members), "
                f"{len(checked.problems)} bad; nothing stored (--dry-run)"
            )
        else:
            typer.echo(
                f"{file}: {len(checked.rows)} rows ({member_count} members) imported: "
                f"{result.members_added} new members, {result.accounts_added} accounts added, "
                f"{result.accounts_moved} moved, {result.accounts_unchanged} unchanged; "
                f"{len(checked.problems)} bad rows skipped"
            )
        if checked.problems:
            raise typer.Exit(1)

    @members.command("list", epilog="Example: buzz members list")
    def list_cmd() -> None:
        """Print each member with its linked accounts (platform:handle)."""
        from buzz.jobs import engine_for
        from storage.members import accounts_by_member

        engine = engine_for(load_config())
        try:
            with engine.connect() as conn:
                accounts = accounts_by_member(conn)
        finally:
            engine.dispose()
        for member_id, links in accounts.items():
            typer.echo(f"{member_id}\t{' '.join(f'{p}:{h}' for p, h in links)}")
        typer.echo(f"{len(accounts)} members", err=True)

    app.add_typer(members, name="members")
