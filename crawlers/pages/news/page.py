"""Reading a news answer: bytes to text, refusing cut-off, challenge and mis-encoded pages."""

from __future__ import annotations

import json
import re
from typing import Any

from parsel import Selector

from crawlers.pages.news.data import NewsParseError

_CHALLENGE = re.compile(
    r"just a moment|challenge-platform|cf-chl|cf_chl|checking your browser|attention required",
    re.IGNORECASE,
)


def decode(data: bytes | str, what: str) -> str:
    """UTF-8 text (a BOM dropped); these sites serve nothing else, so Big5 bytes are refused."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NewsParseError(f"not UTF-8 text (byte {exc.start}): not a {what}") from None


def challenge(text: str) -> str | None:
    """Why a body is a challenge page rather than the site's, or None."""
    if _CHALLENGE.search(text[:20000]) is None:
        return None
    return "challenge: a Cloudflare-style challenge page instead of the site's"


def html_page(data: bytes | str, what: str) -> Selector:
    """A whole HTML page; refuses empty, cut-off (no `</html>`) and challenge pages."""
    text = decode(data, what)
    if not text.strip():
        raise NewsParseError(f"an empty page, not a {what}")
    reason = challenge(text)
    if reason is not None:
        raise NewsParseError(reason)
    if "</html>" not in text[-4096:].lower():
        raise NewsParseError(f"truncated {what}: it ends before </html> (a cut-off download)")
    if "\x00" in text:
        raise NewsParseError(f"a NUL byte in the page: not a {what}")
    return Selector(text=text, type="html")


def json_answer(data: bytes | str, what: str) -> Any:
    """A JSON answer; refuses HTML, challenge pages and bad or cut-off JSON."""
    text = decode(data, what).lstrip()
    if not text:
        raise NewsParseError(f"an empty answer, not {what}")
    if text[0] not in "[{":
        reason = challenge(text)
        if reason is not None:
            raise NewsParseError(reason)
        raise NewsParseError(f"not JSON (it starts with {text[:12]!r}): not {what}")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        where = (
            f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        )
        raise NewsParseError(
            f"not JSON: {getattr(exc, 'msg', 'too deep')} {where}".strip()
        ) from None
