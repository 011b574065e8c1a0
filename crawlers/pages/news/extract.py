"""What a site's configuration says about finding things: extractors, JSON paths and times.

An extractor is a string with its kind in front: `css:a.card::attr(href)` and
`xpath://h1/text()` read the page, `url:/article/(\\w+)` reads group 1 of a regular expression
on the page's URL, `json:items[].url` reads a JSON answer. A JSON path is dotted keys with
`[n]` for one element and `[]` for every element of a list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import lxml.etree
from cssselect import SelectorError
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

TAIPEI = ZoneInfo("Asia/Taipei")
KINDS = ("css", "xpath", "url", "json")
TIME_FORMATS = ("iso", "epoch", "epoch_ms")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d*)\]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Extractor:
    """One compiled extractor: its kind and expression."""

    kind: str
    expr: str

    @property
    def spec(self) -> str:
        """The string it was written as."""
        return f"{self.kind}:{self.expr}"


def compile_extractor(spec: str, allowed: Sequence[str] = KINDS) -> Extractor:
    """Check an extractor string; ValueError with the reason when it cannot be used."""
    kind, sep, expr = spec.partition(":")
    if not sep or kind not in KINDS:
        raise ValueError(f"{spec!r} must start with one of {', '.join(k + ':' for k in allowed)}")
    if kind not in allowed:
        raise ValueError(f"{spec!r}: {kind}: is not allowed here ({', '.join(allowed)})")
    if not expr.strip():
        raise ValueError(f"{spec!r} has nothing after {kind}:")
    try:
        if kind == "css":
            HTMLTranslator().css_to_xpath(expr)
        elif kind == "xpath":
            lxml.etree.XPath(expr)
        elif kind == "url":
            if re.compile(expr).groups < 1:
                raise ValueError(f"{spec!r}: the expression needs a (group) for the value")
        else:
            json_steps(expr)
    except (SelectorError, lxml.etree.XPathError, re.error) as exc:
        raise ValueError(f"{spec!r} is not a valid {kind} expression: {exc}") from None
    return Extractor(kind, expr)


def json_steps(path: str) -> tuple[str | int | None, ...]:
    """A JSON path's steps: a key, an index, or None for every element; ValueError when bad."""
    steps: list[str | int | None] = []
    pos = 0
    for m in _STEP.finditer(path):
        gap = path[pos : m.start()]
        if gap not in ("", ".") or (gap == "." and not steps):
            break
        key, index = m.groups()
        steps.append(key if key is not None else (int(index) if index else None))
        pos = m.end()
    if pos != len(path) or not steps:
        raise ValueError(f"{path!r} is not a JSON path like result.comments or items[].url")
    return tuple(steps)


def json_values(value: Any, path: str) -> list[Any]:
    """Every value a JSON path reaches (several through `[]`); none when it reaches nothing."""
    found = [value]
    for step in json_steps(path):
        nxt: list[Any] = []
        for node in found:
            if step is None and isinstance(node, list):
                nxt.extend(node)
            elif _has(node, step):
                nxt.append(node[step])
        found = nxt
    return found


def _has(node: Any, step: str | int | None) -> bool:
    """Whether a JSON node has the key or index a step names."""
    if isinstance(step, int):
        return isinstance(node, list) and step < len(node)
    return isinstance(step, str) and isinstance(node, dict) and step in node


def json_value(value: Any, path: str) -> Any:
    """The first value a JSON path reaches, or None."""
    found = json_values(value, path)
    return found[0] if found else None


def squash(text: str) -> str:
    """Text on one line, runs of spaces as one."""
    return _SPACES.sub(" ", text).strip()


def page_values(
    ex: Extractor, page: Selector | None, url: str | None, data: Any = None
) -> list[str]:
    """Every string an extractor finds on a page (or in its URL, or in its JSON)."""
    if ex.kind == "url":
        m = re.search(ex.expr, url or "")
        return [m.group(1)] if m and m.group(1) else []
    if ex.kind == "json":
        return [str(v) for v in json_values(data, ex.expr) if isinstance(v, str | int) and v != ""]
    if page is None:
        return []
    found = page.css(ex.expr) if ex.kind == "css" else page.xpath(ex.expr)
    out = []
    for item in found:
        text = item.get()
        if not isinstance(text, str):
            continue
        if item.root is not None and not isinstance(item.root, str):
            text = "".join(item.xpath(".//text()").getall())
        if text.strip():
            out.append(text)
    return out


def parse_time(value: Any, fmt: str) -> datetime | None:
    """A time as the site writes it (ISO, epoch seconds or ms, a strptime pattern), Taipei.

    None when the value is not such a time; naive times are Asia/Taipei.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        if fmt in ("epoch", "epoch_ms"):
            number = float(value) if isinstance(value, int | float | str) else math.nan
            if not math.isfinite(number):
                return None
            seconds = number / 1000 if fmt == "epoch_ms" else number
            return datetime.fromtimestamp(seconds, UTC).astimezone(TAIPEI)
        if not isinstance(value, str):
            return None
        text = value.strip()
        parsed = (
            datetime.fromisoformat(text.replace("Z", "+00:00"))
            if fmt == "iso"
            else datetime.strptime(text, fmt)
        )
    except (ValueError, OverflowError, OSError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=TAIPEI)
    return parsed.astimezone(TAIPEI)


def check_time_format(fmt: str) -> str:
    """A time format the parsers know; ValueError otherwise."""
    if fmt in TIME_FORMATS or "%" in fmt:
        return fmt
    raise ValueError(f"{fmt!r} must be iso, epoch, epoch_ms or a strptime pattern with %")
