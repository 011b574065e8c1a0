"""Argument parsing shared by the commands, with one-line errors for bad input."""

from __future__ import annotations

from datetime import datetime

from buzz.config import ConfigError, check_base_url
from buzz.errors import fail
from ranking.windows import TAIPEI, Window, last_complete_week, parse_week


def week_option(
    text: str | None,
    now: datetime | None = None,
    *,
    name: str = "--week",
    unfinished: bool = False,
    provisional: bool | None = None,
) -> Window:
    """Parse a week option (its Monday), default the last complete week; refuse future weeks.

    A week not over at `now` is refused unless `unfinished` (a crawl may run mid-week) or
    `provisional` (the outputs are then marked 暫定 with their cut-off); None means the
    command has no --provisional to offer.
    """
    now = now or datetime.now(TAIPEI)
    if text is None:
        return last_complete_week(now)
    try:
        window = parse_week(text)
    except ValueError as exc:
        fail(f"{name}: {exc}")
    shown = f"{now.astimezone(TAIPEI):%Y-%m-%d %H:%M}"
    if window.start > now:
        fail(f"{name}: the week {window.week_id} has not started yet (it is {shown} Asia/Taipei)")
    if now < window.end and not (unfinished or provisional):
        hint = "; pass --provisional for a board marked 暫定" if provisional is False else ""
        fail(
            f"{name}: the week {window.week_id} is not over until "
            f"{window.end.astimezone(TAIPEI):%Y-%m-%d %H:%M} (it is {shown} Asia/Taipei){hint}"
        )
    return window


def base_url_option(text: str | None) -> str | None:
    """Check --base-url: an http(s) URL with a host."""
    if text is None:
        return None
    try:
        return check_base_url(text, "--base-url")
    except ConfigError as exc:
        fail(str(exc))


def datetime_option(name: str, text: str | None) -> datetime | None:
    """Parse an ISO 8601 option; naive values are read as Asia/Taipei."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{name}: not an ISO 8601 time: {text!r} (e.g. 2019-02-11T09:00:00+08:00)")
    return value if value.tzinfo else value.replace(tzinfo=TAIPEI)


def boards_option(text: str | None, default: tuple[str, ...]) -> list[str]:
    """Split --boards on commas; reject names PTT would not have."""
    if not text:
        return list(default)
    boards = [b.strip() for b in text.split(",") if b.strip()]
    bad = [b for b in boards if not b.replace("_", "").replace("-", "").isalnum()]
    if bad or not boards:
        fail(f"--boards: {','.join(bad) or text!r} is not a board name like Gossiping or Tech_Job")
    return boards
