"""The source registry: every module here that defines `SOURCE` is a source Buzz can crawl.

Adding a source is adding a module (its entry), its parsers under `crawlers/pages/<source>/`,
its spider under `crawlers/spiders/` and its replica under `replica/<source>/`: no shared file
names a source.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from crawlers.sources.base import Parser, Source, StoredThread

__all__ = ["Parser", "Source", "StoredThread", "all_sources", "get", "names"]


@cache
def all_sources() -> tuple[Source, ...]:
    """Every registered source, in name order."""
    found: list[Source] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        entry = getattr(importlib.import_module(f"{__name__}.{info.name}"), "SOURCE", None)
        if isinstance(entry, Source):
            found.append(entry)
    return tuple(sorted(found, key=lambda s: s.name))


def names() -> tuple[str, ...]:
    """The names of every registered source."""
    return tuple(s.name for s in all_sources())


def get(name: str) -> Source:
    """A source by name; KeyError with the known names when there is none."""
    for source in all_sources():
        if source.name == name:
            return source
    raise KeyError(f"no source {name!r}; Buzz crawls {', '.join(names())}")
