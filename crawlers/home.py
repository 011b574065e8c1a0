"""Where Buzz keeps its data when not told otherwise: one place, whatever the working directory.

`BUZZ_HOME` names the folder; without it, the platform's user data folder (platformdirs, e.g.
~/.local/share/buzz on Linux). The CLI and plain `scrapy crawl` both read it from here, so they
always find the same database.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

DB_FILE = "buzz.sqlite3"


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: $BUZZ_HOME, else the user data dir (not created here)."""
    env = os.environ if environ is None else environ
    home = env.get("BUZZ_HOME")
    if home:
        return Path(home).expanduser().absolute()
    return Path(platformdirs.user_data_dir("buzz", appauthor=False))


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """$BUZZ_DATABASE_URL, else a SQLite file in the data folder."""
    env = os.environ if environ is None else environ
    return env.get("BUZZ_DATABASE_URL") or f"sqlite:///{data_home(env) / DB_FILE}"
