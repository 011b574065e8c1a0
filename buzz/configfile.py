"""`buzz.toml`: which sources to crawl, their channels and politeness, and the lookback.

```toml
lookback_days = 14            # also crawl threads posted this many days before the week
rules = "my-rules.toml"       # optional: exclusion rules instead of ranking/rules.toml

[sources.ptt]
channels = ["Gossiping", "Stock"]
base_url = "https://www.ptt.cc"   # optional; the <SOURCE>_BASE_URL variable wins over it
delay = 1.0                       # seconds between requests to the site (DOWNLOAD_DELAY)
concurrency = 4                   # requests in flight to the site at once
enabled = true

[scrapyd]                         # optional: crawl on Scrapyd nodes instead of this machine
nodes = ["http://10.0.0.5:6800", "http://10.0.0.6:6800"]
project = "buzz"                  # the project name the nodes know (scrapyd.conf [settings])
timeout = 21600                   # seconds a dispatched crawl may take before it is cancelled
```

Sources not named are not crawled. A file that is not valid TOML, or names an unknown source
or key, or gives a value of the wrong kind, is refused in one line naming the file, the line
and the key.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawlers.sources import Source, all_sources


class ConfigFileError(ValueError):
    """buzz.toml cannot be used; the message is `file:line: key: what is wrong`."""


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """One source as configured: channels, where, how politely, and whether at all."""

    name: str
    channels: tuple[str, ...]
    base_url: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    enabled: bool = True
    browser: bool = False  # load pages in headless Chromium (sites behind JS challenges)


@dataclass(frozen=True, slots=True)
class ScrapydSettings:
    """Where dispatched crawls run: Scrapyd node URLs, the project they know, the time limit."""

    nodes: tuple[str, ...] = ()
    project: str = "buzz"
    timeout: float = 21600.0


@dataclass(frozen=True, slots=True)
class FileSettings:
    """What buzz.toml says (or the defaults, when there is no file)."""

    sources: tuple[SourceSettings, ...]
    lookback_days: int = 14
    path: Path | None = None
    rules: Path | None = None  # the exclusion rules file, relative paths from buzz.toml's folder
    scrapyd: ScrapydSettings = field(default_factory=ScrapydSettings)


SOURCE_KEYS = {"channels", "base_url", "delay", "concurrency", "enabled", "browser"}
TOP_KEYS = {"lookback_days", "sources", "rules", "scrapyd"}
SCRAPYD_KEYS = {"nodes", "project", "timeout"}


def defaults() -> FileSettings:
    """Every registered source with its default channels."""
    return FileSettings(tuple(SourceSettings(s.name, s.default_channels) for s in all_sources()))


def _line_of(text: str, key: str, section: str | None) -> int:
    """The line where key is set (in [section] when given), 1 if it cannot be found."""
    lines = text.splitlines()
    start = 0
    if section is not None:
        header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
        if key == "":
            return start + 1
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return start + 1


def _fail(path: Path, text: str, key: str, section: str | None, problem: str) -> ConfigFileError:
    """The one-line error for a key."""
    where = f"{section}.{key}" if section and key else (section or key)
    return ConfigFileError(f"{path}:{_line_of(text, key, section)}: {where}: {problem}")


def _source(path: Path, text: str, source: Source, raw: Any, lookback: int) -> SourceSettings:
    """Check one [sources.<name>] table."""
    section = f"sources.{source.name}"
    if not isinstance(raw, Mapping):
        raise _fail(path, text, "", section, "must be a table of settings")
    for key in raw:
        if key not in SOURCE_KEYS:
            known = ", ".join(sorted(SOURCE_KEYS))
            raise _fail(path, text, str(key), section, f"unknown key (known: {known})")
    channels = raw.get("channels", list(source.default_channels))
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise _fail(path, text, "channels", section, "must be a list of names in quotes")
    pattern = re.compile(source.channel_pattern)
    for channel in channels:
        if not pattern.fullmatch(channel.strip()):
            raise _fail(
                path, text, "channels", section, f"{channel!r} is not a {source.channel_word} name"
            )
    base_url = raw.get("base_url")
    if base_url is not None and (
        not isinstance(base_url, str) or not re.match(r"https?://[^/\s]+", base_url)
    ):
        raise _fail(path, text, "base_url", section, "must be an http(s) URL in quotes")
    delay = raw.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)):
        raise _fail(path, text, "delay", section, "must be a number of seconds")
    if delay is not None and not 0 <= delay <= 600:
        raise _fail(path, text, "delay", section, "must be between 0 and 600 seconds")
    concurrency = raw.get("concurrency")
    if concurrency is not None and (
        isinstance(concurrency, bool)
        or not isinstance(concurrency, int)
        or not 1 <= concurrency <= 64
    ):
        raise _fail(path, text, "concurrency", section, "must be a whole number from 1 to 64")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _fail(path, text, "enabled", section, "must be true or false")
    browser = raw.get("browser", False)
    if not isinstance(browser, bool):
        raise _fail(path, text, "browser", section, "must be true or false")
    return SourceSettings(
        source.name,
        tuple(c.strip() for c in channels),
        base_url.rstrip("/") if base_url else None,
        float(delay) if delay is not None else None,
        concurrency,
        enabled,
        browser,
    )


def _scrapyd(path: Path, text: str, raw: Any) -> ScrapydSettings:
    """Check the [scrapyd] table."""
    from buzz.scrapyd_api import check_node_url  # urllib's HTTP client only when configured

    section = "scrapyd"
    if not isinstance(raw, Mapping):
        raise _fail(path, text, "", section, "must be a table of settings")
    for key in raw:
        if key not in SCRAPYD_KEYS:
            known = ", ".join(sorted(SCRAPYD_KEYS))
            raise _fail(path, text, str(key), section, f"unknown key (known: {known})")
    nodes = raw.get("nodes", [])
    if not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
        raise _fail(path, text, "nodes", section, "must be a list of Scrapyd URLs in quotes")
    checked: list[str] = []
    for node in nodes:
        try:
            url = check_node_url(node)
        except ValueError as exc:
            raise _fail(path, text, "nodes", section, str(exc)) from None
        if url in checked:
            raise _fail(path, text, "nodes", section, f"{url} is named twice")
        checked.append(url)
    project = raw.get("project", "buzz")
    if not isinstance(project, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", project):
        raise _fail(path, text, "project", section, 'must be a project name like "buzz"')
    timeout = raw.get("timeout", 21600)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise _fail(path, text, "timeout", section, "must be a number of seconds")
    if not 1 <= timeout <= 7 * 86400:
        raise _fail(path, text, "timeout", section, "must be between 1 second and 7 days")
    return ScrapydSettings(tuple(checked), project, float(timeout))


def parse(text: str, path: Path) -> FileSettings:
    """Check buzz.toml's text; ConfigFileError with file, line and key when it is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path}: not valid TOML: {exc}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise _fail(
                path, text, key, None, f"unknown key (known: {', '.join(sorted(TOP_KEYS))})"
            )
    lookback = data.get("lookback_days", 14)
    if isinstance(lookback, bool) or not isinstance(lookback, int) or not 0 <= lookback <= 365:
        raise _fail(path, text, "lookback_days", None, "must be a whole number of days, 0 to 365")
    sources = data.get("sources", {})
    if not isinstance(sources, Mapping) or not sources:
        raise _fail(path, text, "sources", None, "name at least one [sources.<name>] table")
    known = {s.name: s for s in all_sources()}
    found = []
    for name, raw in sources.items():
        if name not in known:
            raise _fail(
                path, text, "", f"sources.{name}", f"unknown source (known: {', '.join(known)})"
            )
        found.append(_source(path, text, known[name], raw, lookback))
    found.sort(key=lambda s: s.name)
    rules = data.get("rules")
    if rules is not None and (not isinstance(rules, str) or not rules.strip()):
        raise _fail(path, text, "rules", None, "must be the path of a rules file")
    rules_path = None if rules is None else path.parent / Path(rules).expanduser()
    scrapyd = _scrapyd(path, text, data["scrapyd"]) if "scrapyd" in data else ScrapydSettings()
    return FileSettings(tuple(found), lookback, path, rules_path, scrapyd)


def load(path: Path, required: bool = False) -> FileSettings:
    """Read buzz.toml at path; the defaults when it does not exist and is not required."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigFileError(f"{path}: no such file") from None
        return defaults()
    except IsADirectoryError:
        raise ConfigFileError(f"{path}: is a directory, not a buzz.toml file") from None
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse(text, path)


def render(settings: FileSettings) -> str:
    """buzz.toml text for some settings (what `buzz demo` writes for the replica)."""
    lines = [f"lookback_days = {settings.lookback_days}"]
    if settings.rules is not None:
        lines.append(f"rules = {json.dumps(str(settings.rules))}")
    lines.append("")
    for s in settings.sources:
        lines.append(f"[sources.{s.name}]")
        lines.append("channels = [" + ", ".join(f'"{c}"' for c in s.channels) + "]")
        if s.base_url:
            lines.append(f'base_url = "{s.base_url}"')
        if s.delay is not None:
            lines.append(f"delay = {s.delay}")
        if s.concurrency is not None:
            lines.append(f"concurrency = {s.concurrency}")
        if not s.enabled:
            lines.append("enabled = false")
        if s.browser:
            lines.append("browser = true")
        lines.append("")
    if settings.scrapyd != ScrapydSettings():
        lines.append("[scrapyd]")
        lines.append("nodes = [" + ", ".join(json.dumps(n) for n in settings.scrapyd.nodes) + "]")
        lines.append(f"project = {json.dumps(settings.scrapyd.project)}")
        lines.append(f"timeout = {settings.scrapyd.timeout:g}")
        lines.append("")
    return "\n".join(lines)
