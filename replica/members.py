"""The CRM-style members file: member ids linked to replica accounts on every source that has some.

Each source package may have a `members` module with `members(seed)` giving
(member_id, platform, handle) rows; the file is all of them.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
from pathlib import Path

from replica.clock import DEFAULT_SEED
from replica.sources import names

HEADER = ("member_id", "platform", "handle")


def members(seed: int = DEFAULT_SEED) -> list[tuple[str, str, str]]:
    """Return (member_id, platform, handle) rows of every source, source by source."""
    rows: list[tuple[str, str, str]] = []
    for source in names():
        if importlib.util.find_spec(f"replica.{source}.members") is not None:
            rows.extend(importlib.import_module(f"replica.{source}.members").members(seed))
    return rows


def members_csv(seed: int = DEFAULT_SEED) -> str:
    """Return the members file as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(members(seed))
    return out.getvalue()


def write_members(path: Path | str, seed: int = DEFAULT_SEED) -> Path:
    """Write the members CSV to path and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(members_csv(seed), encoding="utf-8")
    return target
