"""`buzz db`: database schema commands."""

from __future__ import annotations

import typer

from buzz.config import load_config, redact_url, sqlite_path


def register(app: typer.Typer) -> None:
    """Add the `db` group."""
    db = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)

    @db.command("upgrade", epilog="Example: BUZZ_HOME=/srv/buzz buzz db upgrade")
    def upgrade_cmd(
        revision: str = typer.Option("head", help="Alembic revision to upgrade to."),
    ) -> None:
        """Create or migrate the schema of the database BUZZ_HOME or BUZZ_DATABASE_URL names."""
        from buzz.jobs import read_only_folder
        from storage.db import make_engine
        from storage.migrate import current_revision, upgrade

        config = load_config()
        path = sqlite_path(config.database_url)
        if path is not None:
            if read_only_folder(path.parent):
                from buzz.jobs import NoData

                raise NoData(f"database {path} is on a read-only file system: cannot upgrade it")
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(config.database_url)
        try:
            upgrade(engine, revision)
            typer.echo(f"{redact_url(config.database_url)}: at revision {current_revision(engine)}")
        finally:
            engine.dispose()

    @db.command("current", epilog="Example: buzz db current")
    def current_cmd() -> None:
        """Print the schema revision of the configured database (nothing is created)."""
        from buzz.jobs import read_only_folder
        from storage.db import make_engine
        from storage.migrate import current_revision

        config = load_config()
        path = sqlite_path(config.database_url)
        if path is not None and not path.exists():
            typer.echo(f"{redact_url(config.database_url)}: no database yet (run buzz db upgrade)")
            return
        read_only = path is not None and read_only_folder(path.parent)
        engine = make_engine(config.database_url, read_only=read_only)
        try:
            rev = current_revision(engine)
            typer.echo(f"{redact_url(config.database_url)}: {rev or 'empty (run buzz db upgrade)'}")
        finally:
            engine.dispose()

    app.add_typer(db, name="db")
