"""News sites' comment threads, each site by configuration (`news_sites.toml`); exact by time.

A channel is a site's label and a section, as the reference report writes it: `LINE TODAY >
國內`, `yahoo新聞 > 娛樂`. An article is keyed `<site id>/<article id>`; its comments by their id.
The sites ship in `crawlers/sources/news_sites.toml`; the `NEWS_SITES` variable may name more
files (separated by the path separator), whose sites are added, or replace a shipped site of
the same id. `NEWS_BASE_URL`, when set, is a mirror serving every site under `/<site id>/`
(the replica); unset, each site is fetched at its own `base_url`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from crawlers.items import ReplyData, ThreadItem
from crawlers.pages.news import (
    Article,
    Comment,
    NewsParseError,
    Site,
    SiteConfigError,
    load_sites,
    parse_article,
    parse_comments,
    parse_section,
)
from crawlers.sources.base import Parser, Source

PLATFORM = "news"
SITES_FILE = Path(__file__).with_name("news_sites.toml")
SITES_ENV = "NEWS_SITES"
_NAME = r"[^\s,>\"\\\x00-\x1f](?:[^,>\"\\\x00-\x1f]{0,30}[^\s,>\"\\\x00-\x1f])?"


@cache
def _shipped_sites() -> tuple[Site, ...]:
    """The sites shipped in news_sites.toml (read once)."""
    return load_sites(SITES_FILE)


def _load(paths: tuple[str, ...]) -> tuple[Site, ...]:
    """The shipped sites, then each named file's (a later site replaces one of the same id)."""
    found = {s.id: s for s in _shipped_sites()}
    for path in paths:
        for site in load_sites(Path(path).expanduser()):
            found[site.id] = site
    return tuple(found.values())


def sites(environ: Mapping[str, str] | None = None) -> tuple[Site, ...]:
    """Every configured site; SiteConfigError (one line: file, site, key) when a file is bad."""
    env = os.environ if environ is None else environ
    extra = tuple(p for p in env.get(SITES_ENV, "").split(os.pathsep) if p.strip())
    return _load(extra)


def resolve(channel: str, known: Iterable[Site]) -> tuple[Site, str] | None:
    """The site and section a channel (`LINE TODAY > 國內`) names, or None."""
    label, sep, section = (part.strip() for part in channel.partition(" > "))
    if not sep:
        return None
    for site in known:
        if site.label.casefold() == label.casefold() and section in site.sections:
            return site, section
    return None


def thread_key(site: Site, article_id: str) -> str:
    """`linetoday/Oq8ZXM`: an article id is only unique within its site."""
    return f"{site.id}/{article_id}"


def replies(comments: Iterable[Comment]) -> tuple[ReplyData, ...]:
    """The comments there to read, each keyed by its id, once; deleted ones are not replies."""
    seen: dict[str, ReplyData] = {}
    for n, c in enumerate(comments, start=1):
        if not c.deleted and c.id not in seen:
            seen[c.id] = ReplyData(
                key=c.id, tag=f"#{n}", user=c.author, content=c.text, ip=None, replied_at=c.at
            )
    return tuple(seen.values())


def article_item(
    site: Site,
    article: Article,
    channel: str,
    comments: Iterable[Comment],
    crawled_at: datetime,
    complete: bool = True,
) -> ThreadItem:
    """An article and the comments walked so far as the neutral item."""
    return ThreadItem(
        platform=PLATFORM,
        channel=channel,
        thread_key=thread_key(site, article.id),
        url=article.url,
        title=article.title,
        body=article.body,
        posted_at=article.posted_at,
        crawled_at=crawled_at,
        replies=replies(comments),
        replies_complete=complete,
    )


def _shipped(site_id: str) -> Site:
    """A shipped site by id (what `buzz parse news-<site>-<kind>` reads with)."""
    return next(s for s in _shipped_sites() if s.id == site_id)


def _parsers() -> tuple[Parser, ...]:
    """Three parsers per shipped site: `news-<site>-section`, `-article`, `-comments`."""
    out: list[Parser] = []
    for site in _shipped_sites():

        def section(
            data: bytes, url: str | None, at: datetime | None, sid: str = site.id
        ) -> Mapping[str, Any]:
            s = _shipped(sid)
            return parse_section(data, s, url or s.base_url + "/").to_dict()

        def article(
            data: bytes, url: str | None, at: datetime | None, sid: str = site.id
        ) -> Mapping[str, Any]:
            s = _shipped(sid)
            return parse_article(data, s, url or s.base_url + "/").to_dict()

        def comments(
            data: bytes, url: str | None, at: datetime | None, sid: str = site.id
        ) -> Mapping[str, Any]:
            return parse_comments(data, _shipped(sid)).to_dict()

        name = f"{PLATFORM}-{site.id}"
        out += [
            Parser(
                f"{site.id}-section",
                f"a {site.label} section page: its article links",
                section,
                NewsParseError,
                f"buzz parse {name}-section section.html --url {site.base_url}/",
            ),
            Parser(
                f"{site.id}-article",
                f"a {site.label} article page: id, title, time, body",
                article,
                NewsParseError,
                f"buzz parse {name}-article article.html --url {site.base_url}/...",
            ),
            Parser(
                f"{site.id}-comments",
                f"a page of a {site.label} article's comments: ids, times, text, next cursor",
                comments,
                NewsParseError,
                f"buzz parse {name}-comments comments.json",
            ),
        ]
    return tuple(out)


SOURCE = Source(
    name="news",
    platform=PLATFORM,
    label="新聞",
    counting="exact",
    base_url_env="NEWS_BASE_URL",
    default_base_url="",
    default_channels=(
        "LINE TODAY > 國內",
        "LINE TODAY > 生活",
        "LINE TODAY > 國際",
        "LINE TODAY > 娛樂",
        "yahoo新聞 > 娛樂",
        "yahoo新聞 > 國際",
    ),
    channel_word="section",
    spider="crawlers.spiders.news.NewsSpider",
    parsers=_parsers(),
    channel_pattern=f"{_NAME} > {_NAME}",
    channel_topics={
        "LINE TODAY > 國內": "新聞時事",
        "LINE TODAY > 國際": "新聞時事",
        "LINE TODAY > 娛樂": "影視娛樂",
        "yahoo新聞 > 娛樂": "影視娛樂",
        "yahoo新聞 > 國際": "新聞時事",
    },
)

__all__ = ["SOURCE", "SiteConfigError", "resolve", "sites", "thread_key"]
