"""Argument parsing shared by the commands, with one-line errors for bad input."""

from __future__ import annotations

from collections.abc import Sequence
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


def channels_option(text: str | None, source: str, default: Sequence[str] = ()) -> list[str]:
    """Split a channels option on commas; reject names the source would not have."""
    import re

    from crawlers.sources import get

    if not text:
        return list(default)
    entry = get(source)
    pattern = re.compile(entry.channel_pattern)
    channels = [c.strip() for c in text.split(",") if c.strip()]
    bad = [c for c in channels if not pattern.fullmatch(c)]
    if bad or not channels:
        fail(
            f"--channels: {','.join(bad) or text!r} is not a {entry.label} "
            f"{entry.channel_word} name"
        )
    return channels


def names_option(option: str, text: str) -> list[str]:
    """Split a list of channel names on commas; reject what no site would name a channel."""
    import re

    names = [n.strip() for n in text.split(",") if n.strip()]
    # ">" for channels that name their site: `LINE TODAY > 國內`
    bad = [n for n in names if not re.fullmatch(r"[\w][\w .()/&+>-]{0,63}", n)]
    if bad or not names:
        fail(
            f"{option}: {','.join(bad) or text!r} is not a channel name like Gossiping or Tech_Job"
        )
    return names


def sources_option(text: str | None, configured: Sequence[str]) -> list[str]:
    """Split --sources on commas (default: the configured ones); reject unknown names."""
    from crawlers.sources import names

    if not text:
        return list(configured)
    wanted = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in wanted if s not in names()]
    if bad or not wanted:
        fail(f"--sources: {','.join(bad) or text!r} is not one of {', '.join(names())}")
    return wanted


def scrapyd_option(text: str | None) -> list[str]:
    """Split --scrapyd on commas into checked Scrapyd URLs (empty when not given)."""
    from buzz.scrapyd_api import check_node_url

    if text is None:
        return []
    nodes: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            url = check_node_url(part)
        except ValueError as exc:
            fail(f"--scrapyd: {exc}")
        if url not in nodes:
            nodes.append(url)
    if not nodes:
        fail(
            f"--scrapyd: {text!r} names no Scrapyd URL (e.g. http://10.0.0.5:6800,http://10.0.0.6:6800)"
        )
    return nodes
