"""Reading a YouTube Data API answer: bytes to JSON, refusing challenge pages, typed fields."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.pages.youtube.data import ApiError, YoutubeParseError

TAIPEI = ZoneInfo("Asia/Taipei")

_CHALLENGE = re.compile(
    r"just a moment|challenge-platform|cf-chl|checking your browser|captcha|unusual traffic",
    re.IGNORECASE,
)


def refusal(text: str) -> str | None:
    """Why a body is a challenge or block page rather than API JSON, or None."""
    if _CHALLENGE.search(text[:8000]) is None:
        return None
    return "challenge: a challenge or block page instead of YouTube API JSON"


def load(data: bytes) -> Any:
    """The JSON value of an answer; YoutubeParseError for challenge pages, HTML and bad JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YoutubeParseError(f"not UTF-8 text (byte {exc.start}), not YouTube JSON") from None
    stripped = text.lstrip()
    if not stripped:
        raise YoutubeParseError("an empty response, not YouTube JSON")
    if stripped[0] != "{":
        reason = refusal(stripped)
        if reason:
            raise YoutubeParseError(reason)
        raise YoutubeParseError(f"not a JSON object: starts with {stripped[:20]!r}")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise YoutubeParseError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise YoutubeParseError("not JSON: nested too deeply") from None


def api_error(value: Any) -> ApiError | None:
    """The API's `{"error": {"code", "message", "errors": [{"reason"}]}}` object, if it is one."""
    if not isinstance(value, Mapping) or not isinstance(value.get("error"), Mapping):
        return None
    error = value["error"]
    code = error.get("code")
    errors = error.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else {}
    reason = first.get("reason") if isinstance(first, Mapping) else None
    message = error.get("message")
    return ApiError(
        code if isinstance(code, int) and not isinstance(code, bool) else 0,
        reason if isinstance(reason, str) else "",
        message if isinstance(message, str) else "",
    )


def parse_error(data: bytes) -> ApiError | None:
    """The API error an answer holds, or None when it is not one (or not JSON at all)."""
    try:
        return api_error(load(data))
    except YoutubeParseError:
        return None


def listing(data: bytes, kind: str) -> Mapping[str, Any]:
    """A `<kind>ListResponse` object, or a one-line reason why the answer is not one."""
    value = load(data)
    found = api_error(value)
    if found is not None:
        raise YoutubeParseError(
            f"the API answered error {found.code} {found.reason or '?'}: {found.message}"
        )
    if not isinstance(value, Mapping):
        raise YoutubeParseError(f"not a {kind}: a JSON {type(value).__name__}")
    if value.get("kind") != kind:
        raise YoutubeParseError(f"not a {kind}: kind is {value.get('kind')!r}")
    items = value.get("items", [])  # an empty answer may leave `items` out
    if not isinstance(items, list):
        raise YoutubeParseError(f"{kind}: items is a {type(items).__name__}, not a list")
    return value


def items(value: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The `items` of a list answer, each an object (item N named when one is not)."""
    found = value.get("items", [])
    for n, item in enumerate(found):
        if not isinstance(item, Mapping):
            raise YoutubeParseError(f"items[{n}] is a {type(item).__name__}, not an object")
    return list(found)


def obj(value: Mapping[str, Any], name: str, where: str) -> Mapping[str, Any]:
    """A field holding an object."""
    found = value.get(name)
    if not isinstance(found, Mapping):
        raise YoutubeParseError(f"{where}: {name} is missing or not an object")
    return found


def text(value: Mapping[str, Any], name: str, where: str, default: str | None = None) -> str:
    """A field holding text (default when absent, if one is given)."""
    found = value.get(name, default)
    if not isinstance(found, str):
        raise YoutubeParseError(f"{where}: {name} is missing or not text")
    return found


def maybe_text(value: Mapping[str, Any], name: str, where: str) -> str | None:
    """A text field that may be absent."""
    found = value.get(name)
    if found is not None and not isinstance(found, str):
        raise YoutubeParseError(f"{where}: {name} is not text")
    return found


def count(value: Mapping[str, Any], name: str, where: str) -> int | None:
    """A count, as a number (comments) or as digits in a string (statistics); None if absent."""
    found = value.get(name)
    if found is None:
        return None
    if isinstance(found, str) and found.isascii() and found.isdigit():
        return int(found)
    if isinstance(found, int) and not isinstance(found, bool) and found >= 0:
        return found
    raise YoutubeParseError(f"{where}: {name} is not a count: {found!r}"[:200])


def flag(value: Mapping[str, Any], name: str, where: str, default: bool) -> bool:
    """A true/false field (default when absent)."""
    found = value.get(name, default)
    if not isinstance(found, bool):
        raise YoutubeParseError(f"{where}: {name} is not true or false")
    return found


def when(value: Mapping[str, Any], name: str, where: str) -> datetime:
    """An RFC 3339 time (`2019-04-20T01:03:39.000Z`) in Taipei time."""
    found = maybe_when(value, name, where)
    if found is None:
        raise YoutubeParseError(f"{where}: {name} is missing")
    return found


def maybe_when(value: Mapping[str, Any], name: str, where: str) -> datetime | None:
    """An RFC 3339 time that may be absent."""
    raw = value.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise YoutubeParseError(f"{where}: {name} is not a time")
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise YoutubeParseError(f"{where}: {name} is not a time: {raw!r}"[:200]) from None
    if parsed.tzinfo is None:
        raise YoutubeParseError(f"{where}: {name} has no offset: {raw!r}"[:200])
    return parsed.astimezone(TAIPEI)


def page_token(value: Mapping[str, Any], kind: str) -> str | None:
    """The next page's token; None on the last page."""
    token = value.get("nextPageToken")
    if token is not None and (not isinstance(token, str) or not token):
        raise YoutubeParseError(f"{kind}: nextPageToken is not text")
    return token


def total(value: Mapping[str, Any], kind: str) -> int | None:
    """pageInfo.totalResults, when given (comments pages leave it out)."""
    info = value.get("pageInfo")
    if info is None:
        return None
    if not isinstance(info, Mapping):
        raise YoutubeParseError(f"{kind}: pageInfo is not an object")
    return count(info, "totalResults", f"{kind} pageInfo")
