"""Tables as file bytes: the one CSV rule Buzz writes by, and XLSX whose text is never a formula.

CSV: UTF-8 with a byte-order mark and CRLF line ends, every value exactly as given. The BOM is
what Excel needs to read UTF-8 (Chinese tag names) and what Excel's own "CSV UTF-8" writes, so
CRM importers (HubSpot, Salesforce) take it; leaderboard.csv follows the same rule.
XLSX: one sheet; text goes into string cells, so `=1+1` or `+886912345678` stays that text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

CSV_ENCODING = "utf-8-sig"
CSV_LINE_END = "\r\n"
Cell = str | int | float | None


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as CSV: UTF-8 with BOM, CRLF, values unchanged (None is an empty cell)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=CSV_LINE_END)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(CSV_ENCODING)


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The table as an XLSX workbook: text in string cells, numbers as numbers."""
    from openpyxl import Workbook  # imported here so the CLI starts without it
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)

    def cell(value: Cell) -> WriteOnlyCell:
        made = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # openpyxl would read a leading "=" as a formula
        return made

    ws.append([cell(v) for v in header])
    for row in rows:
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
