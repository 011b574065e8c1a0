"""What every replica site answers with, and the shape a site has for the shared server."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Response:
    """A status, headers and body ready to send."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())
    content_type: str = HTML


class Site(Protocol):
    """One replica site at one clock time: plain functions from a request to a response."""

    now: datetime

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Answer a POST."""

    def route_kind(self, path: str) -> str:
        """What a path is ('index', 'article', ...; 'other' is never faulted)."""

    def warm(self) -> int:
        """Render what can be rendered ahead of requests; return how many pages."""
