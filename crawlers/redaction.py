"""Keeping a source's API token out of every log line and every URL Buzz writes down.

A Graph-style API takes its token as a query parameter, so request URLs carry it and Scrapy
logs request URLs (retries, errors, debug lines). The token's value, and any `access_token=`
parameter, is replaced by `***` in log records from the moment a crawl that holds one starts,
and every URL a tally or run record keeps passes through `redact` first.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

MASK = "***"
_PARAM = re.compile(
    r"(?<![A-Za-z0-9_])((?:access_token|api_key|key|token)=)[^&\s'\"<>]+", re.IGNORECASE
)
_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known secret (and `access_token=...` values) masked."""
    for secret in (*_secrets, *secrets):
        if secret:
            text = text.replace(secret, MASK)
    return _PARAM.sub(lambda m: m.group(1) + MASK, text)


def _wrap(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own reporting
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    return make


def protect(secret: str | None) -> None:
    """Mask this secret in every log record made from now on, in this process."""
    global _installed
    if not secret:
        return
    with _lock:
        _secrets.add(secret)
        if not _installed:
            logging.setLogRecordFactory(_wrap(logging.getLogRecordFactory()))
            _installed = True
