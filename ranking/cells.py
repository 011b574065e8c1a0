"""Safe output cells: no spreadsheet formulas in CSV text, only http(s) links in reports."""

from __future__ import annotations

from typing import TypeVar, overload
from urllib.parse import urlsplit

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_T = TypeVar("_T", int, float, bool, None)


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: _T) -> _T: ...
def safe_cell(value: str | int | float | bool | None) -> str | int | float | bool | None:
    """Prefix ' to text starting with = + - @ tab or CR (formula injection); numbers pass as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_url(url: str) -> str | None:
    """The URL if it is a plain http(s) link with a host, else None (javascript:, data:, junk)."""
    candidate = url.strip()
    if not candidate or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate
