"""Keeping API keys and tokens out of logs and run records: every source's credential redacted.

A source names the variable holding its credential (`Source.credential_env`); its value may
travel in request URLs (an API `key=` parameter), so Scrapy's own log lines would show it.
`redact` replaces every such value in a text, `RedactSecrets` does it to every log record.
"""

from __future__ import annotations

import logging
import os

from crawlers.sources import all_sources

MASK = "[redacted]"
_SHORTEST = 8
"""Values shorter than this are not taken for secrets (they would mask ordinary words)."""


def secret_values() -> tuple[str, ...]:
    """The credentials set in the environment for any source, longest first."""
    found = {
        value
        for s in all_sources()
        if s.credential_env
        and len(value := os.environ.get(s.credential_env, "").strip()) >= _SHORTEST
    }
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: tuple[str, ...] | None = None) -> str:
    """The text with every credential replaced by [redacted]."""
    for secret in secret_values() if secrets is None else secrets:
        text = text.replace(secret, MASK)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter that rewrites any record holding a credential, traceback included."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the message (arguments merged in) and any formatted traceback."""
        message = record.getMessage()
        cleaned = redact(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_log_redaction() -> None:
    """Put RedactSecrets on every root handler (Scrapy's included) when a credential is set."""
    secrets = secret_values()
    if not secrets:
        return
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactSecrets) for f in handler.filters):
            handler.addFilter(RedactSecrets(secrets))
