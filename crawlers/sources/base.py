"""What a source plug-in declares: its names, how it counts, where it lives, its parsers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from crawlers.items import ListingRow

ParseFn = Callable[[bytes, str | None, datetime | None], Mapping[str, Any]]
"""A saved page's bytes, its URL and crawl time in; the JSON-ready parse out."""
RetireFn = Callable[[Mapping[int, Sequence[ListingRow]], Sequence["StoredThread"]], list[str]]
"""Listing pages by number and the channel's stored live threads in; keys now gone out."""


@dataclass(frozen=True, slots=True)
class StoredThread:
    """A live thread the database holds for a channel: its key, listing position and author."""

    thread_key: str
    position: int | None
    author: str | None


@dataclass(frozen=True, slots=True)
class Parser:
    """One page parser, exposed as `buzz parse <source>-<kind> FILE`."""

    kind: str
    summary: str
    parse: ParseFn
    error: type[Exception]
    example: str


@dataclass(frozen=True, slots=True)
class Source:
    """One source: everything shared code needs to know about it, in one registry entry.

    The spider is named by dotted path so the CLI can list sources without importing Scrapy.
    """

    name: str
    platform: str
    label: str
    counting: Literal["exact", "estimate"]
    base_url_env: str
    default_base_url: str
    default_channels: tuple[str, ...]
    channel_word: str
    spider: str
    parsers: tuple[Parser, ...] = field(default=())
    channel_pattern: str = r"[\w][\w.-]{0,63}"
    retire: RetireFn | None = None
    position: Callable[[str], int | None] = field(default=lambda key: None)
    channel_topics: Mapping[str, str] = field(default_factory=dict)
    """Channels whose plain topic is a top-level interest tag: the tagger's channel prior."""
    credential_env: str | None = None
    """The variable holding the site's API token or key: read from the environment only, never
    written to a log, a run record, the database or a report."""

    def parser(self, kind: str) -> Parser:
        """The parser of a kind; KeyError when the source has none."""
        for p in self.parsers:
            if p.kind == kind:
                return p
        raise KeyError(kind)
