"""The replica's sites, one package per source (`replica/<source>/site.py` with make_site).

A source package is found by its folder: adding one touches nothing here.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from datetime import datetime
from functools import cache
from types import ModuleType
from typing import Any

import replica
from replica.http import Site


@cache
def names() -> tuple[str, ...]:
    """Every source the replica serves, by package name."""
    found = []
    for info in pkgutil.iter_modules(replica.__path__):
        if info.ispkg and importlib.util.find_spec(f"replica.{info.name}.site") is not None:
            found.append(info.name)
    return tuple(sorted(found))


def module(source: str, part: str) -> ModuleType:
    """`replica.<source>.<part>`; ValueError naming the sources when there is no such source."""
    if source not in names():
        raise ValueError(f"the replica has no source {source!r}; it serves {', '.join(names())}")
    return importlib.import_module(f"replica.{source}.{part}")


def make_site(source: str, seed: int, now: datetime) -> Site:
    """The site of a source for a world seed at a clock time."""
    site: Site = module(source, "site").make_site(seed, now)
    return site


def week_truth(source: str, week: Any, now: datetime, seed: int) -> dict[str, Any]:
    """A source's ground truth for a week (see each source's truth module)."""
    truth: dict[str, Any] = module(source, "truth").week_truth(week, now, seed)
    return truth


def credential(source: str) -> str | None:
    """The token or key a source's replica accepts (its site module's CREDENTIAL), if any."""
    value = getattr(module(source, "site"), "CREDENTIAL", None)
    return value if isinstance(value, str) else None
