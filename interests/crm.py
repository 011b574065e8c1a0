"""The CRM export: one row per member, its live interests and the ones that faded this week.

Every value is written exactly as stored, in every format: a member id is the CRM's key, and
`+886912345678` written as `'+886912345678` no longer matches it. How the CSV stays safe to open
is in docs/PROFILES.md ("CRM export").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from interests.model import Interest
from interests.tables import csv_bytes, xlsx_bytes

COLUMNS = (
    "member_id",
    "week",
    "top_tag",
    "tags",
    "strengths",
    "trends",
    "iab_ids",
    "faded_tags",
)
SEPARATOR = ";"
"""The multi-value separator HubSpot (checkboxes) and Salesforce (multi-select) split on."""
SHEET = "profiles"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Starts a spreadsheet opening a CSV reads as a formula or a signed number, not as text."""


@dataclass(frozen=True, slots=True)
class CrmRow:
    """One member's export row: live tags with aligned strengths, trends and IAB ids; faded tags."""

    member_id: str
    week: str
    tags: tuple[str, ...]
    strengths: tuple[int, ...]
    trends: tuple[str, ...]
    iab_ids: tuple[str, ...]
    faded_tags: tuple[str, ...] = ()

    @property
    def top_tag(self) -> str:
        """The strongest live tag, or empty."""
        return self.tags[0] if self.tags else ""

    def digest(self) -> str:
        """SHA-256 of the profile content (not the week), to tell whether a member changed."""
        payload = [
            self.member_id,
            self.tags,
            self.strengths,
            self.trends,
            self.iab_ids,
            self.faded_tags,
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()

    def cells(self) -> list[str]:
        """The row's CSV/XLSX cells, lists joined with SEPARATOR."""
        return [
            self.member_id,
            self.week,
            self.top_tag,
            SEPARATOR.join(self.tags),
            SEPARATOR.join(str(s) for s in self.strengths),
            SEPARATOR.join(self.trends),
            SEPARATOR.join(self.iab_ids),
            SEPARATOR.join(self.faded_tags),
        ]

    def record(self) -> dict[str, object]:
        """The row as a JSON object: lists as arrays, a missing IAB id as null."""
        return {
            "member_id": self.member_id,
            "week": self.week,
            "top_tag": self.top_tag,
            "tags": list(self.tags),
            "strengths": list(self.strengths),
            "trends": list(self.trends),
            "iab_ids": [i or None for i in self.iab_ids],
            "faded_tags": list(self.faded_tags),
        }


def crm_rows(
    member_ids: Sequence[str],
    interests: Iterable[Interest],
    week: str,
    iab_ids: Mapping[str, str | None],
    top: int = 5,
    levels: Sequence[str] = ("top",),
) -> list[CrmRow]:
    """One row per member: its `top` strongest live tags, and the tags that faded this week."""
    by_member: dict[str, list[Interest]] = {m: [] for m in member_ids}
    for item in interests:
        if item.level in levels and item.subject_id in by_member:
            by_member[item.subject_id].append(item)
    rows: list[CrmRow] = []
    for member_id in member_ids:
        items = by_member[member_id]
        live = sorted((i for i in items if i.active), key=lambda i: (-i.strength, i.tag))
        chosen = live[: max(top, 0)]
        rows.append(
            CrmRow(
                member_id=member_id,
                week=week,
                tags=tuple(i.tag for i in chosen),
                strengths=tuple(i.strength for i in chosen),
                trends=tuple(i.trend for i in chosen),
                iab_ids=tuple(iab_ids.get(i.tag) or "" for i in chosen),
                faded_tags=tuple(sorted(i.tag for i in items if not i.active)),
            )
        )
    return rows


def to_csv(rows: Sequence[CrmRow]) -> bytes:
    """The export as CSV (tables.csv_bytes: UTF-8 with BOM, CRLF), values exact."""
    return csv_bytes(COLUMNS, (r.cells() for r in rows))


def to_xlsx(rows: Sequence[CrmRow]) -> bytes:
    """The export as XLSX, every cell a string cell (never a formula)."""
    return xlsx_bytes(SHEET, COLUMNS, (r.cells() for r in rows))


def to_jsonl(rows: Sequence[CrmRow]) -> bytes:
    """The export as JSON Lines, one object per member, UTF-8."""
    return "".join(json.dumps(r.record(), ensure_ascii=False) + "\n" for r in rows).encode()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "jsonl": to_jsonl}
"""The export's bytes per format (interests.vocab.EXPORT_FORMATS)."""


def spreadsheet_changes(member_id: str) -> bool:
    """Whether a spreadsheet opening the CSV would not show this id as the text it is.

    Formulas and signed numbers (`=1+1`, `+886912345678`, `-007`, `@me`), numbers with leading
    zeros (`007`) and digit strings longer than a spreadsheet's 15 digits of precision.
    """
    if member_id.startswith(FORMULA_STARTS):
        return True
    digits = member_id.isascii() and member_id.isdigit()
    return digits and ((member_id.startswith("0") and len(member_id) > 1) or len(member_id) > 15)
