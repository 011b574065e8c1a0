"""Reading a Graph API answer: bytes to JSON, its error object, typed fields, paging and times."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.pages.facebook.data import FacebookParseError, GraphApiError, Paging

TAIPEI = ZoneInfo("Asia/Taipei")


def load(data: bytes | str) -> Any:
    """The JSON value of an answer; FacebookParseError for HTML, bad bytes and bad JSON."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FacebookParseError(
                f"not UTF-8 text (byte {exc.start}), not Graph API JSON"
            ) from None
    else:
        text = data
    stripped = text.lstrip()
    if not stripped:
        raise FacebookParseError("an empty answer, not Graph API JSON")
    if stripped[0] == "<":
        lowered = stripped[:4000].lower()
        if "just a moment" in lowered or "challenge" in lowered or "captcha" in lowered:
            raise FacebookParseError("challenge: a challenge page instead of Graph API JSON")
        raise FacebookParseError("an HTML page, not Graph API JSON")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise FacebookParseError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise FacebookParseError("not JSON: nested too deep") from None


def graph_error(value: Any) -> GraphApiError | None:
    """The Graph API's `{"error": {"code", "type", "message", ...}}` as an exception, else None."""
    if not isinstance(value, Mapping) or "error" not in value:
        return None
    error = value["error"]
    if not isinstance(error, Mapping):
        return GraphApiError(-1, None, "unknown", str(error)[:200])
    code = error.get("code")
    subcode = error.get("error_subcode")
    return GraphApiError(
        code if isinstance(code, int) and not isinstance(code, bool) else -1,
        subcode if isinstance(subcode, int) and not isinstance(subcode, bool) else None,
        str(error.get("type") or "unknown"),
        str(error.get("message") or "no message")[:300],
    )


def envelope(data: bytes | str, what: str) -> tuple[Mapping[str, Any], list[Any]]:
    """The answer object and its `data` list; its error object is raised as GraphApiError."""
    value = load(data)
    error = graph_error(value)
    if error is not None:
        raise error
    if not isinstance(value, Mapping):
        raise FacebookParseError(f"not a Graph API object of {what}: a JSON {type(value).__name__}")
    items = value.get("data")
    if not isinstance(items, list):
        raise FacebookParseError(f"{what}: no `data` list in the answer")
    return value, items


def obj(value: Any, what: str) -> Mapping[str, Any]:
    """A JSON object, or a one-line reason naming what it should have been."""
    if not isinstance(value, Mapping):
        raise FacebookParseError(f"{what} is a JSON {type(value).__name__}, not an object")
    return value


def text(item: Mapping[str, Any], key: str, what: str, required: bool = False) -> str | None:
    """A string field; None when absent (real posts often have no `message`)."""
    value = item.get(key)
    if value is None:
        if required:
            raise FacebookParseError(f"{what}: no `{key}`")
        return None
    if not isinstance(value, str):
        raise FacebookParseError(f"{what}: `{key}` is a JSON {type(value).__name__}, not a string")
    return value


def graph_time(item: Mapping[str, Any], key: str, what: str) -> datetime:
    """A Graph API time (`2021-04-21T20:42:28+0000`) in Asia/Taipei."""
    raw = text(item, key, what, required=True)
    assert raw is not None
    try:
        value = datetime.strptime(raw, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        raise FacebookParseError(f"{what}: `{key}` {raw[:40]!r} is not a Graph API time") from None
    return value.astimezone(TAIPEI)


def summary_total(item: Mapping[str, Any], edge: str, what: str) -> int | None:
    """`<edge>.summary.total_count` (asked for with `.summary(true)`), None when not there."""
    value = item.get(edge)
    if value is None:
        return None
    summary = obj(value, f"{what}: `{edge}`").get("summary")
    if summary is None:
        return None
    total = obj(summary, f"{what}: `{edge}.summary`").get("total_count")
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise FacebookParseError(f"{what}: `{edge}.summary.total_count` is not a count: {total!r}")
    return total


def paging(value: Mapping[str, Any], what: str) -> Paging:
    """The `paging` object: `next` URL and `cursors.before/after`; all None when absent."""
    raw = value.get("paging")
    if raw is None:
        return Paging(None, None, None)
    page = obj(raw, f"{what}: `paging`")
    cursors = page.get("cursors")
    cursors = obj(cursors, f"{what}: `paging.cursors`") if cursors is not None else {}
    return Paging(
        text(page, "next", f"{what}: paging"),
        text(cursors, "after", f"{what}: paging.cursors"),
        text(cursors, "before", f"{what}: paging.cursors"),
    )
