"""Application settings read from the environment, with defaults that do not depend on the cwd.

Everything Buzz keeps lives in one data folder: `$BUZZ_HOME`, else the platform's user data
folder (~/.local/share/buzz on Linux): the SQLite database, reports, the IDF table, and
buzz.toml (the sources and channels to crawl; `$BUZZ_CONFIG` names another file).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from buzz.configfile import ConfigFileError, ScrapydSettings, SourceSettings, load
from crawlers.home import data_home, default_database_url
from crawlers.sources import Source, all_sources


class ConfigError(ValueError):
    """A setting has a value Buzz cannot use; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Config:
    """Where Buzz keeps its data, which sources and channels it crawls, and where they are."""

    database_url: str
    reports_dir: Path
    log_level: str = "WARNING"
    home: Path = field(default_factory=data_home)
    sources: tuple[SourceSettings, ...] = ()
    base_urls: Mapping[str, str] = field(default_factory=dict)
    lookback_days: int = 14
    config_path: Path | None = None
    rules_path: Path | None = None  # buzz.toml's `rules`: the exclusion rules file
    scrapyd: ScrapydSettings = field(default_factory=ScrapydSettings)  # buzz.toml [scrapyd]

    @property
    def idf_path(self) -> Path:
        """The IDF table built from the crawl (`buzz nlp build-idf`)."""
        return self.home / "idf.json"

    def source(self, name: str) -> SourceSettings:
        """A source's settings (its defaults when buzz.toml does not name it)."""
        for s in self.sources:
            if s.name == name:
                return s
        return SourceSettings(name, _registered(name).default_channels, enabled=False)

    def enabled(self) -> list[SourceSettings]:
        """The sources `buzz weekly` and `buzz crawl --all` crawl, in name order."""
        return [s for s in self.sources if s.enabled]

    def base_url(self, name: str) -> str:
        """Where a source's site is: its variable, else buzz.toml, else the real site."""
        return self.base_urls.get(name) or _registered(name).default_base_url

    def with_base_url(self, name: str, url: str) -> Config:
        """The same config with one source's site moved (a replica, --base-url)."""
        return replace(self, base_urls={**self.base_urls, name: url.rstrip("/")})


def _registered(name: str) -> Source:
    """A registered source by name."""
    for source in all_sources():
        if source.name == name:
            return source
    raise ConfigError(f"no source {name!r}")


def check_base_url(url: str, name: str) -> str:
    """An http(s) URL with a host, without its trailing slash; ConfigError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: {url!r} is not an http(s) URL like https://example.org")
    return url.strip().rstrip("/")


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Build the config from BUZZ_* variables and buzz.toml; nothing is created on disk here."""
    env = dict(os.environ if environ is None else environ)
    home = data_home(env)
    named = env.get("BUZZ_CONFIG")
    path = Path(named).expanduser() if named else home / "buzz.toml"
    try:
        file = load(path, required=bool(named))
    except ConfigFileError as exc:
        raise ConfigError(str(exc)) from None
    base_urls: dict[str, str] = {}
    for source in all_sources():
        configured = next((s.base_url for s in file.sources if s.name == source.name), None)
        url = env.get(source.base_url_env) or configured
        if url:
            base_urls[source.name] = check_base_url(url, source.base_url_env)
    return Config(
        database_url=default_database_url(env),
        reports_dir=Path(env.get("BUZZ_REPORTS_DIR") or home / "reports"),
        log_level=env.get("BUZZ_LOG_LEVEL", "WARNING").upper(),
        home=home,
        sources=file.sources,
        base_urls=base_urls,
        lookback_days=file.lookback_days,
        config_path=file.path,
        rules_path=file.rules,
        scrapyd=file.scrapyd,
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
