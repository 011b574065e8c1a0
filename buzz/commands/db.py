"""`buzz db`: database schema commands."""

from __future__ import annotations

import typer

from buzz.config import load_config, redact_url


def register(app: typer.Typer) -> None:
    """Add the `db` group."""
    db = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)

    @db.command(
        "upgrade", epilog="Example: BUZZ_DATABASE_URL=sqlite:///var/buzz.sqlite3 buzz db upgrade"
    )
    def upgrade_cmd(
        revision: str = typer.Option("head", help="Alembic revision to upgrade to."),
    ) -> None:
        """Create or migrate the schema of the database named by BUZZ_DATABASE_URL."""
        from storage.db import make_engine
        from storage.migrate import current_revision, upgrade

        config = load_config()
        engine = make_engine(config.database_url)
        try:
            upgrade(engine, revision)
            typer.echo(f"{redact_url(config.database_url)}: at revision {current_revision(engine)}")
        finally:
            engine.dispose()

    @db.command("current", epilog="Example: buzz db current")
    def current_cmd() -> None:
        """Print the schema revision of the configured database."""
        from storage.db import make_engine
        from storage.migrate import current_revision

        config = load_config()
        engine = make_engine(config.database_url)
        try:
            rev = current_revision(engine)
            typer.echo(f"{redact_url(config.database_url)}: {rev or 'empty (run buzz db upgrade)'}")
        finally:
            engine.dispose()

    app.add_typer(db, name="db")
