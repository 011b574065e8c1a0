"""Reading a Dcard API answer: bytes to JSON, refusing challenge pages, typed field access."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.pages.dcard.data import DcardParseError

TAIPEI = ZoneInfo("Asia/Taipei")

# What a Cloudflare interstitial, block page or a bare 403 shows instead of the API's JSON.
_CHALLENGE = re.compile(
    r"just a moment|challenge-platform|cf-chl|cf_chl|cf-browser-verification"
    r"|checking your browser|attention required|cloudflare|captcha|access denied"
    r"|\bforbidden\b|\b403\b|error code:? ?10\d\d",
    re.IGNORECASE,
)


def refusal(text: str) -> str | None:
    """Why a body is a challenge or refusal page rather than data, or None when it is not one."""
    head = text[:8000]
    if _CHALLENGE.search(head) is None:
        return None
    if "cloudflare" in head.lower() or "cf-" in head.lower() or "cf_" in head.lower():
        return "challenge: a Cloudflare challenge or block page instead of Dcard JSON"
    return "challenge: a refusal page (403) instead of Dcard JSON"


def load(data: bytes | str) -> Any:
    """The JSON value of a response; DcardParseError for challenge pages, HTML and bad JSON."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DcardParseError(f"not UTF-8 text (byte {exc.start}), not Dcard JSON") from None
    else:
        text = data.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise DcardParseError("an empty response, not Dcard JSON")
    if stripped[0] not in "[{":
        reason = refusal(stripped)
        if reason:
            raise DcardParseError(reason)
        if stripped[0] == "<":
            raise DcardParseError("an HTML page, not Dcard JSON")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise DcardParseError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def api_error(value: Any) -> tuple[int | str, str, Mapping[str, Any]] | None:
    """(code, message, the whole object) when the answer is Dcard's `{"error": ...}` object."""
    if isinstance(value, Mapping) and "error" in value and "id" not in value:
        code = value["error"]
        return (
            (code if isinstance(code, int | str) else str(code)),
            str(value.get("message", "")),
            value,
        )
    return None


def listing(value: Any, what: str) -> list[Any]:
    """A JSON array the route answers with, or a one-line reason why the answer is not one."""
    found = api_error(value)
    if found is not None:
        raise DcardParseError(f"Dcard answered error {found[0]}: {found[1] or 'no message'}")
    if not isinstance(value, list):
        raise DcardParseError(f"not a list of {what}: a JSON {type(value).__name__}")
    return value


def obj(value: Any, what: str) -> Mapping[str, Any]:
    """A JSON object, or a one-line reason naming what it should have been."""
    if not isinstance(value, Mapping):
        raise DcardParseError(f"{what} is a JSON {type(value).__name__}, not an object")
    return value


def required(item: Mapping[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    """A field that must be there with a type (bool is never taken for int)."""
    value = item.get(key)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (
        value is None
        or not isinstance(value, kinds)
        or (isinstance(value, bool) and bool not in kinds)
    ):
        name = type(value).__name__
        shown = "missing" if value is None else f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
        raise DcardParseError(f"{what}: {key} is {shown}")
    return value


def optional_int(item: Mapping[str, Any], key: str) -> int | None:
    """An integer field that may be absent or null."""
    value = item.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def optional_str(item: Mapping[str, Any], key: str) -> str | None:
    """A text field that may be absent, null or empty."""
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def flag(item: Mapping[str, Any], key: str) -> bool:
    """A boolean field; absent or null is False."""
    return item.get(key) is True


def strings(item: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list of strings (tags, topics, categories); anything else is empty."""
    value = item.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def parse_time(text: str, what: str) -> datetime:
    """Dcard's `2016-07-15T11:08:23.539Z` as an aware Asia/Taipei time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise DcardParseError(f"{what}: {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise DcardParseError(f"{what}: {text!r} has no offset")
    return value.astimezone(TAIPEI)


def time_field(item: Mapping[str, Any], key: str, what: str) -> datetime:
    """A required time field."""
    return parse_time(required(item, key, str, what), f"{what} {key}")


def optional_time(item: Mapping[str, Any], key: str, what: str) -> datetime | None:
    """A time field that may be absent or null."""
    value = item.get(key)
    return parse_time(value, f"{what} {key}") if isinstance(value, str) and value else None
