"""Application settings read from the environment, with defaults that do not depend on the cwd.

Everything Buzz keeps lives in one data folder: `$BUZZ_HOME`, else the platform's user data
folder (~/.local/share/buzz on Linux): the SQLite database, reports, the IDF table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawlers.home import data_home, default_database_url


class ConfigError(ValueError):
    """A setting has a value Buzz cannot use; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Config:
    """Where Buzz keeps its data and which site it crawls."""

    database_url: str
    reports_dir: Path
    ptt_base_url: str
    log_level: str = "WARNING"
    home: Path = field(default_factory=data_home)

    @property
    def idf_path(self) -> Path:
        """The IDF table built from the crawl (`buzz nlp build-idf`)."""
        return self.home / "idf.json"


def check_base_url(url: str, name: str) -> str:
    """An http(s) URL with a host, without its trailing slash; ConfigError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: {url!r} is not an http(s) URL like https://www.ptt.cc")
    return url.strip().rstrip("/")


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the config from BUZZ_* variables; nothing is created on disk here."""
    env = dict(os.environ if environ is None else environ)
    home = data_home(env)
    return Config(
        database_url=default_database_url(env),
        reports_dir=Path(env.get("BUZZ_REPORTS_DIR") or home / "reports"),
        ptt_base_url=check_base_url(env.get("PTT_BASE_URL", "https://www.ptt.cc"), "PTT_BASE_URL"),
        log_level=env.get("BUZZ_LOG_LEVEL", "WARNING").upper(),
        home=home,
    )


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def redact_url(url: str) -> str:
    """Hide the password of a database URL so it can be logged."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
