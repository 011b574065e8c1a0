"""Application settings read from the environment, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_PATH = Path("var") / "buzz.sqlite3"


@dataclass(frozen=True, slots=True)
class Config:
    """Where Buzz keeps its data and which site it crawls."""

    database_url: str
    reports_dir: Path
    ptt_base_url: str
    log_level: str = "WARNING"


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Build the config from BUZZ_* variables, falling back to a SQLite file under var/."""
    env = dict(os.environ if environ is None else environ)
    url = env.get("BUZZ_DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return Config(
        database_url=url,
        reports_dir=Path(env.get("BUZZ_REPORTS_DIR", "reports")),
        ptt_base_url=env.get("PTT_BASE_URL", "https://www.ptt.cc").rstrip("/"),
        log_level=env.get("BUZZ_LOG_LEVEL", "WARNING").upper(),
    )


def redact_url(url: str) -> str:
    """Hide the password of a database URL so it can be logged."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"
