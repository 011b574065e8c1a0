"""A page of an article's comments from the site's comment endpoint, by its `comments` fields."""

from __future__ import annotations

from typing import Any

from crawlers.pages.news.config import Site
from crawlers.pages.news.data import Comment, CommentPage, NewsParseError
from crawlers.pages.news.extract import json_value, parse_time
from crawlers.pages.news.page import json_answer


def _text(value: Any) -> str:
    """A text field as a string: lists of parts are joined, anything else is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _whole(value: Any) -> int | None:
    """A count as a whole number, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def parse_comments(data: bytes | str, site: Site) -> CommentPage:
    """One page of comments, in the order given, with the next page's cursor and the count."""
    rules = site.comments
    what = f"{site.label} comments"
    value = json_answer(data, what)
    items = json_value(value, rules.list)
    if not isinstance(items, list):
        shown = "missing" if items is None else f"a JSON {type(items).__name__}"
        raise NewsParseError(f"not {what}: {rules.list} is {shown}, not a list")
    comments = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise NewsParseError(f"comment {n} is a JSON {type(item).__name__}, not an object")
        raw_id = json_value(item, rules.id)
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or raw_id == "":
            raise NewsParseError(f"comment {n}: {rules.id} is missing or not an id")
        raw_time = json_value(item, rules.time)
        at = parse_time(raw_time, rules.time_format)
        if at is None:
            raise NewsParseError(
                f"comment {n}: {rules.time} {raw_time!r} is not a {rules.time_format} time"
            )
        flag = json_value(item, rules.deleted) if rules.deleted else None
        deleted = flag is not None and str(flag).lower() in rules.deleted_values
        comments.append(
            Comment(
                id=str(raw_id),
                at=at,
                text="" if deleted else _text(json_value(item, rules.text)),
                author=_text(json_value(item, rules.author)) if rules.author else "",
                deleted=deleted,
                replies=_whole(json_value(item, rules.replies)) if rules.replies else None,
            )
        )
    nxt = json_value(value, rules.next) if rules.next else None
    cursor = str(nxt) if isinstance(nxt, str | int) and not isinstance(nxt, bool) else None
    count = _whole(json_value(value, rules.count)) if rules.count else None
    return CommentPage(tuple(comments), cursor or None, count)
