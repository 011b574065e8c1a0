"""Sorting failed requests into losses (blocked, rate-limited, failed, not found) and kinds."""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def status_loss(status: int) -> str:
    """The loss an HTTP status means for a page that was asked for."""
    if status in (401, 403, 451):
        return "blocked"
    if status == 429:
        return "rate_limited"
    if status in (404, 410):
        return "not_found"
    return "failed"


def exception_kind(exc: BaseException) -> str:
    """A short snake_case name for an exception: ConnectionRefusedError -> connection_refused."""
    name = type(exc).__name__.removesuffix("Error").removesuffix("Exception")
    return _CAMEL.sub("_", name).lower() or "error"


def classify_failure(failure: Failure) -> tuple[str, str]:
    """(loss, kind) for a request's errback failure: HTTP errors by status, robots.txt, network."""
    exc = failure.value
    if exc is None:
        return "failed", "error"
    if isinstance(exc, HttpError):
        status = exc.response.status
        return status_loss(status), f"http_{status}"
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in str(exc):
            return "blocked", "robots_txt"
        return "failed", "ignored"
    return "failed", exception_kind(exc)


class RetryRefused(Exception):
    """Raised from a callback: ask this request again instead of counting its page as lost."""

    def __init__(self, request: Request, message: str) -> None:
        super().__init__(message)
        self.request = request
