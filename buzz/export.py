"""Writing CRM profile exports: CSV (UTF-8, optional BOM), XLSX and JSONL, formula-safe cells."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ranking.cells import safe_cell
from ranking.profiles import CrmRow

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "xlsx", "jsonl")
COLUMNS = ("member_id", "week", "top_tag", "tags", "strengths", "trends", "iab_ids")
SEPARATOR = ";"
"""Multi-value separator that HubSpot and Salesforce imports split on."""


class ExportWriteError(OSError):
    """The export file could not be written; the message is one line naming the file."""


def output_problem(path: Path, create_parents: bool = False, replace: bool = False) -> str | None:
    """Why `path` cannot be an output file, found before any work is done; None when it can.

    `replace`: the file will be replaced whole (written beside it, then renamed over it), so it
    must be a regular file; a device or pipe such as /dev/stdout would be replaced, not written.
    """
    if path.is_dir():
        return f"{path} is a directory; give a file name"
    if replace and path.exists() and not path.is_file():
        return f"{path} is not a regular file"
    parent = path.parent
    if not parent.exists():
        if not create_parents:
            return f"folder {parent} does not exist"
        parent = next((p for p in parent.parents if p.exists()), Path("."))
    if not parent.is_dir():
        return f"{parent} is not a folder"
    return None


def _joined(values: Sequence[object]) -> str:
    """Join values with the multi-value separator."""
    return SEPARATOR.join(str(v) for v in values)


def frame(rows: Sequence[CrmRow]) -> pd.DataFrame:
    """The export as a DataFrame of text cells, every one through safe_cell."""
    import pandas as pd  # imported here so the CLI starts without loading pandas

    return pd.DataFrame(
        [
            [
                safe_cell(r.member_id),
                safe_cell(r.week),
                safe_cell(r.top_tag),
                safe_cell(_joined(r.tags)),
                safe_cell(_joined(r.strengths)),
                safe_cell(_joined(r.trends)),
                safe_cell(_joined(r.iab_ids)),
            ]
            for r in rows
        ],
        columns=list(COLUMNS),
        dtype=object,
    )


def jsonl_lines(rows: Sequence[CrmRow]) -> list[str]:
    """One JSON object per member, lists as arrays (an IAB id is null when the tag has none)."""
    return [
        json.dumps(
            {
                "member_id": safe_cell(r.member_id),
                "week": r.week,
                "top_tag": safe_cell(r.top_tag),
                "tags": [safe_cell(t) for t in r.tags],
                "strengths": list(r.strengths),
                "trends": list(r.trends),
                "iab_ids": [safe_cell(i) if i else None for i in r.iab_ids],
            },
            ensure_ascii=False,
        )
        for r in rows
    ]


def write_export(rows: Sequence[CrmRow], path: Path, fmt: str, excel: bool = False) -> Path:
    """Write rows to path in fmt (csv, xlsx, jsonl) atomically; `excel` adds a BOM to CSV.

    Raises ExportWriteError (one line) when the file cannot be written; an existing file at
    `path` is then left as it was.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    problem = output_problem(path, create_parents=True, replace=True)
    if problem is not None:
        raise ExportWriteError(f"cannot write {path}: {problem}")
    target = path.resolve() if path.is_symlink() else path  # replace the file, not the link
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            text = frame(rows).to_csv(index=False, lineterminator="\r\n")
            tmp.write_bytes(text.encode("utf-8-sig" if excel else "utf-8"))
        elif fmt == "xlsx":
            frame(rows).to_excel(tmp, index=False, sheet_name="profiles", engine="openpyxl")
        else:
            lines = jsonl_lines(rows)
            tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
        raise ExportWriteError(f"cannot write {path}: {exc.strerror or exc}{where}") from exc
    return path
