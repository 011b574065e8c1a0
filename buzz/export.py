"""Writing CRM profile exports: CSV (UTF-8, optional BOM), XLSX and JSONL, formula-safe cells."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ranking.cells import safe_cell
from ranking.profiles import CrmRow

FORMATS = ("csv", "xlsx", "jsonl")
COLUMNS = ("member_id", "week", "top_tag", "tags", "strengths", "trends", "iab_ids")
SEPARATOR = ";"
"""Multi-value separator that HubSpot and Salesforce imports split on."""


def _joined(values: Sequence[object]) -> str:
    """Join values with the multi-value separator."""
    return SEPARATOR.join(str(v) for v in values)


def frame(rows: Sequence[CrmRow]) -> pd.DataFrame:
    """The export as a DataFrame of text cells, every one through safe_cell."""
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
    """Write rows to path in fmt (csv, xlsx, jsonl) atomically; `excel` adds a BOM to CSV."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "csv":
        text = frame(rows).to_csv(index=False, lineterminator="\r\n")
        tmp.write_bytes(text.encode("utf-8-sig" if excel else "utf-8"))
    elif fmt == "xlsx":
        frame(rows).to_excel(tmp, index=False, sheet_name="profiles", engine="openpyxl")
    else:
        lines = jsonl_lines(rows)
        tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, path)
    return path
