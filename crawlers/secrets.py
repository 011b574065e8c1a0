"""Keeping API keys and tokens out of logs, run records and reports: one place masks them all.

A source names the variable holding its credential (`Source.credential_env`); its value travels
in request URLs (an API `key=` or `access_token=` parameter), and Scrapy logs request URLs
(retries, errors, debug lines). `redact` masks every such value and every credential-looking
query parameter in a text; `protect` masks a value in every log record this process makes from
then on; `RedactSecrets` on the root handlers catches what reaches them, tracebacks included.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from crawlers.sources import all_sources

MASK = "***"
_SHORTEST = 8
"""Values shorter than this are not taken for secrets (they would mask ordinary words)."""
_PARAM = re.compile(
    r"(?<![A-Za-z0-9_])((?:access_token|api_key|key|token)=)[^&\s'\"<>]+", re.IGNORECASE
)
_protected: set[str] = set()
_lock = threading.Lock()
_factory_installed = False


def secret_values() -> tuple[str, ...]:
    """The credentials set in the environment for any source, longest first."""
    found = {
        value
        for s in all_sources()
        if s.credential_env
        and len(value := os.environ.get(s.credential_env, "").strip()) >= _SHORTEST
    }
    return tuple(sorted(found, key=len, reverse=True))


def redact(text: str, secrets: Iterable[str] | None = None) -> str:
    """The text with every credential (the environment's, or those given) and protected value,
    and the value of any `access_token=` / `key=` / `token=` parameter, replaced by ***."""
    values = secret_values() if secrets is None else tuple(secrets)
    for secret in sorted({*values, *_protected}, key=len, reverse=True):
        if secret:
            text = text.replace(secret, MASK)
    return _PARAM.sub(lambda m: m.group(1) + MASK, text)


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


def _wrap(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own reporting
            return record
        clean = redact(message, ())
        if clean != message:
            record.msg, record.args = clean, None
        return record

    return make


def protect(secret: str | None) -> None:
    """Mask this secret in every log record made from now on, in this process."""
    global _factory_installed
    if not secret:
        return
    with _lock:
        _protected.add(secret)
        if not _factory_installed:
            logging.setLogRecordFactory(_wrap(logging.getLogRecordFactory()))
            _factory_installed = True
