"""News sites as configuration: a TOML file of sites, each its sections, selectors and comment API.

One table per site (its id is the table's name): `label` and `base_url`, `[<id>.sections]`
(section name -> its list page's path), `[<id>.section]` (how article links are found),
`[<id>.article]` (id, title, time, body) and `[<id>.comments]` (the endpoint and its fields).
A file is checked whole when it is read; anything wrong is refused in one line naming the file,
the site and the key (`news_sites.toml: yahoo.comments.paging: must be one of ...`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawlers.pages.news.extract import (
    Extractor,
    check_time_format,
    compile_extractor,
    json_steps,
)

PAGING = ("cursor", "offset", "none")
_ID = re.compile(r"[a-z][a-z0-9]{0,31}")
_SECTION = re.compile(r"[^\s,>\"\\\x00-\x1f](?:[^,>\"\\\x00-\x1f]{0,30}[^\s,>\"\\\x00-\x1f])?")
_LABEL = _SECTION
_TABLES = {
    "": {"label", "base_url", "sections", "section", "article", "comments"},
    "section": {"links"},
    "article": {"id", "title", "time", "time_format", "body"},
    "comments": {
        "url",
        "paging",
        "cursor_param",
        "offset_param",
        "page_size",
        "list",
        "next",
        "count",
        "id",
        "time",
        "time_format",
        "text",
        "author",
        "deleted",
        "deleted_values",
        "replies",
    },
}


class SiteConfigError(ValueError):
    """A news sites file cannot be used; the message is `file: site.table.key: what is wrong`."""


@dataclass(frozen=True, slots=True)
class ArticleRules:
    """How an article page is read: its id (extractors tried in order), title, time, body."""

    id: tuple[Extractor, ...]
    title: Extractor
    time: Extractor | None
    time_format: str
    body: Extractor | None


@dataclass(frozen=True, slots=True)
class CommentRules:
    """An article's comment endpoint and where each field is in its JSON answer."""

    url: str
    paging: str
    cursor_param: str
    offset_param: str
    page_size: int
    list: str
    next: str | None
    count: str | None
    id: str
    time: str
    time_format: str
    text: str
    author: str | None
    deleted: str | None
    deleted_values: tuple[str, ...]
    replies: str | None


@dataclass(frozen=True, slots=True)
class Site:
    """One configured news site."""

    id: str
    label: str
    base_url: str
    sections: Mapping[str, str]
    links: Extractor
    article: ArticleRules
    comments: CommentRules

    def channel(self, section: str) -> str:
        """The channel as the report writes it: `LINE TODAY > 國內`."""
        return f"{self.label} > {section}"

    def origin(self, mirror: str | None) -> str:
        """Where the site is fetched: its own base URL, or `<mirror>/<id>` (the replica)."""
        return f"{mirror.rstrip('/')}/{self.id}" if mirror else self.base_url


class _Checker:
    """Reads one site's tables, failing in one line naming the file, site and key."""

    def __init__(self, file: str, site: str) -> None:
        self.file = file
        self.site = site

    def fail(self, where: str, problem: str) -> SiteConfigError:
        return SiteConfigError(f"{self.file}: {self.site}{'.' + where if where else ''}: {problem}")

    def table(self, raw: Any, name: str) -> Mapping[str, Any]:
        where = name
        if not isinstance(raw, Mapping):
            raise self.fail(where, "must be a table")
        known = _TABLES["" if name == "" else name]
        for key in raw:
            if key not in known:
                shown = f"{name}.{key}" if name else str(key)
                raise self.fail(shown, f"unknown key (known: {', '.join(sorted(known))})")
        return raw

    def text(self, raw: Mapping[str, Any], table: str, key: str, required: bool = True) -> Any:
        value = raw.get(key)
        where = f"{table}.{key}" if table else key
        if value is None:
            if required:
                raise self.fail(where, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, "must be a non-empty string in quotes")
        return value.strip()

    def extractor(
        self, raw: Mapping[str, Any], table: str, key: str, required: bool = True, **kw: Any
    ) -> Extractor | None:
        value = self.text(raw, table, key, required)
        if value is None:
            return None
        try:
            return compile_extractor(value, **kw)
        except ValueError as exc:
            raise self.fail(f"{table}.{key}", str(exc)) from None

    def path(self, raw: Mapping[str, Any], table: str, key: str, required: bool = True) -> Any:
        value = self.text(raw, table, key, required)
        if value is not None:
            try:
                json_steps(value)
            except ValueError as exc:
                raise self.fail(f"{table}.{key}", str(exc)) from None
        return value

    def time_format(self, raw: Mapping[str, Any], table: str) -> str:
        value = self.text(raw, table, "time_format", required=False) or "iso"
        try:
            return check_time_format(value)
        except ValueError as exc:
            raise self.fail(f"{table}.time_format", str(exc)) from None


def _site(check: _Checker, raw: Any) -> Site:
    """Check one site's tables."""
    top = check.table(raw, "")
    label = check.text(top, "", "label")
    if not _LABEL.fullmatch(label):
        raise check.fail("label", f"{label!r} cannot be a channel's site (no commas, quotes or >)")
    base_url = check.text(top, "", "base_url")
    if not re.fullmatch(r"https?://[^/\s]+(?:/\S*)?", base_url):
        raise check.fail("base_url", "must be an http(s) URL like https://news.example.org")
    sections = top.get("sections")
    if not isinstance(sections, Mapping) or not sections:
        raise check.fail("sections", 'must be a table of section name = "/path" (at least one)')
    for name, path in sections.items():
        if not _SECTION.fullmatch(name):
            raise check.fail(f"sections.{name}", "a section name has no commas, quotes or >")
        if not isinstance(path, str) or not path.startswith("/"):
            raise check.fail(f"sections.{name}", 'must be the list page\'s path, like "/news"')
    section = check.table(top.get("section"), "section")
    links = check.extractor(section, "section", "links", allowed=("css", "xpath", "json"))
    article_raw = check.table(top.get("article"), "article")
    ids = article_raw.get("id")
    id_specs = [ids] if isinstance(ids, str) else ids
    if not isinstance(id_specs, list) or not id_specs:
        raise check.fail("article.id", "missing: an extractor or a list of them")
    id_rules = []
    for spec in id_specs:
        if not isinstance(spec, str):
            raise check.fail("article.id", "must be extractor strings in quotes")
        try:
            id_rules.append(compile_extractor(spec, allowed=("css", "xpath", "url")))
        except ValueError as exc:
            raise check.fail("article.id", str(exc)) from None
    html = ("css", "xpath")
    article = ArticleRules(
        id=tuple(id_rules),
        title=_required(check.extractor(article_raw, "article", "title", allowed=html)),
        time=check.extractor(article_raw, "article", "time", required=False, allowed=html),
        time_format=check.time_format(article_raw, "article"),
        body=check.extractor(article_raw, "article", "body", required=False, allowed=html),
    )
    return Site(
        id=check.site,
        label=label,
        base_url=base_url.rstrip("/"),
        sections=dict(sections),
        links=_required(links),
        article=article,
        comments=_comments(check, check.table(top.get("comments"), "comments")),
    )


def _required(value: Extractor | None) -> Extractor:
    assert value is not None  # checked as required
    return value


def _comments(check: _Checker, raw: Mapping[str, Any]) -> CommentRules:
    """Check a site's comment endpoint and fields."""
    url = check.text(raw, "comments", "url")
    if "{id}" not in url or not url.startswith("/"):
        raise check.fail("comments.url", 'must be a path with {id}, like "/comments?article={id}"')
    if raw.get("time") is None:
        raise check.fail(
            "comments.time",
            "missing: a site whose comments carry no time gives only a count, which needs dated "
            "count snapshots (not supported yet, docs/sources/NEWS.md)",
        )
    paging = check.text(raw, "comments", "paging", required=False) or "none"
    if paging not in PAGING:
        raise check.fail("comments.paging", f"must be one of {', '.join(PAGING)}")
    size = raw.get("page_size", 20)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 500:
        raise check.fail("comments.page_size", "must be a whole number from 1 to 500")
    nxt = check.path(raw, "comments", "next", required=paging == "cursor")
    values = raw.get("deleted_values", [])
    if not isinstance(values, list) or not all(isinstance(v, str | bool | int) for v in values):
        raise check.fail("comments.deleted_values", "must be a list of values")
    deleted = check.path(raw, "comments", "deleted", required=bool(values))
    return CommentRules(
        url=url,
        paging=paging,
        cursor_param=check.text(raw, "comments", "cursor_param", required=False) or "cursor",
        offset_param=check.text(raw, "comments", "offset_param", required=False) or "offset",
        page_size=size,
        list=check.path(raw, "comments", "list"),
        next=nxt,
        count=check.path(raw, "comments", "count", required=False),
        id=check.path(raw, "comments", "id"),
        time=check.path(raw, "comments", "time"),
        time_format=check.time_format(raw, "comments"),
        text=check.path(raw, "comments", "text"),
        author=check.path(raw, "comments", "author", required=False),
        deleted=deleted,
        deleted_values=tuple(str(v).lower() for v in values) or ("true",),
        replies=check.path(raw, "comments", "replies", required=False),
    )


def parse_sites(text: str, file: str) -> tuple[Site, ...]:
    """Every site of a sites file's text; SiteConfigError naming file, site and key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{file}: not valid TOML: {exc}") from None
    if not data:
        raise SiteConfigError(f"{file}: names no site (a [<site id>] table each)")
    sites = []
    for site_id, raw in data.items():
        if not _ID.fullmatch(site_id):
            raise SiteConfigError(f"{file}: {site_id}: a site id is lower-case letters and digits")
        sites.append(_site(_Checker(file, site_id), raw))
    seen: set[str] = set()
    for s in sites:
        if s.label.casefold() in seen:
            raise SiteConfigError(f"{file}: {s.id}.label: {s.label!r} is another site's label too")
        seen.add(s.label.casefold())
    return tuple(sites)


def load_sites(path: Path) -> tuple[Site, ...]:
    """Read and check a sites file."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SiteConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise SiteConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_sites(text, str(path))
