"""Reading the CRM's files: the members file (`member_id,platform,handle`) and member-id lists.

Member ids are kept exactly as written (never trimmed or changed): they are the CRM's keys.
Two ids that differ only in blanks around them are refused rather than merged or kept apart.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from buzz.config import Config
from buzz.jobs import engine_for
from crawlers.sources import all_sources
from ranking.leaderboard import PLATFORM_NAMES
from storage.members import MemberImport, import_members, member_ids

# The platforms of the reference report (ranking's vocabulary) and of every registered source.
PLATFORMS = tuple(dict.fromkeys([*PLATFORM_NAMES, *(s.platform for s in all_sources())]))
COLUMNS = ("member_id", "platform", "handle")
MAX_ID = 64
MAX_HANDLE = 128


class MembersFileError(ValueError):
    """The file as a whole cannot be read (encoding, header); the message is one line."""


class NoMembersError(MembersFileError):
    """The file is readable but holds no member rows after its header: nothing to import."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A skipped row: its line number in the file and why."""

    line: int
    reason: str


@dataclass(slots=True)
class MembersFile:
    """The good rows (member_id, platform, handle) with their lines, and the skipped rows."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)
    """Rows kept as written that may not be what was meant (blanks around an id)."""

    def refuse(self, blocked: dict[int, str]) -> None:
        """Move the rows at these lines to the problems, with their reasons."""
        kept = [(row, line) for row, line in zip(self.rows, self.lines, strict=True)]
        self.rows = [row for row, line in kept if line not in blocked]
        self.lines = [line for _, line in kept if line not in blocked]
        self.problems = sorted(
            [*self.problems, *(RowProblem(n, why) for n, why in blocked.items())],
            key=lambda p: p.line,
        )
        self.notes = [n for n in self.notes if n.line not in blocked]


def decode(data: bytes) -> str:
    """Decode UTF-8 with or without a BOM; anything else is a one-line MembersFileError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise MembersFileError(
            "line 1: UTF-16, not UTF-8; save the file as UTF-8 (Excel: CSV UTF-8)"
        )
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise MembersFileError(
            f"line {line}: a NUL byte: this is binary data, not a CSV members file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("cp950")
            hint = " (it looks like Big5/cp950)"
        except UnicodeDecodeError:
            pass
        raise MembersFileError(
            f"line {line}: not UTF-8{hint}; save the file as UTF-8 (Excel: CSV UTF-8)"
        ) from None


def _csv_reason(exc: csv.Error) -> str:
    """csv's complaint in words that say what to look for."""
    if "field larger than field limit" in str(exc):
        return (
            f"a field longer than {csv.field_size_limit():,} characters "
            "(not a members CSV, or a quote left open?)"
        )
    return f"malformed CSV ({exc})"


def parse_members(text: str) -> MembersFile:
    """Check every row; bad ones become problems with their line number, good ones are kept."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise MembersFileError(
            "the file is empty; expected a header member_id,platform,handle"
        ) from None
    except csv.Error as exc:
        raise MembersFileError(
            f"line 1: {_csv_reason(exc)}; expected a header member_id,platform,handle"
        ) from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise MembersFileError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(header is {','.join(header)!r}; expected member_id,platform,handle)"
        )
    at = {c: names.index(c) for c in COLUMNS}
    out = MembersFile()
    owners: dict[tuple[str, str], tuple[str, int]] = {}
    trimmed: dict[str, tuple[str, int]] = {}
    line_end = reader.line_num
    while True:
        line = line_end + 1  # the first physical line of this record
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line_end = reader.line_num
            out.problems.append(RowProblem(line, _csv_reason(exc)))
            continue
        line_end = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        member_id = cells[at["member_id"]] if at["member_id"] < len(cells) else ""
        platform, handle = (
            cells[at[c]].strip() if at[c] < len(cells) else "" for c in ("platform", "handle")
        )
        platform = platform.lower()
        reason = _problem(member_id, platform, handle)
        if reason is None:
            reason = ambiguous(member_id, trimmed.get(member_id.strip()))
        if reason is None:
            owner = owners.get((platform, handle))
            if owner is not None and owner[0] != member_id:
                reason = (
                    f"{platform} account {handle!r} already belongs to {owner[0]} "
                    f"(line {owner[1]}); an account belongs to one member"
                )
        if reason is not None:
            out.problems.append(RowProblem(line, reason))
            continue
        if member_id != member_id.strip():
            out.notes.append(
                RowProblem(line, f"member_id {member_id!r} has blanks around it; kept as written")
            )
        trimmed.setdefault(member_id.strip(), (member_id, line))
        owners.setdefault((platform, handle), (member_id, line))
        out.rows.append((member_id, platform, handle))
        out.lines.append(line)
    return out


def ambiguous(member_id: str, seen: tuple[str, int | None] | None) -> str | None:
    """Why an id cannot be told apart from one seen before (blanks around it only), or None.

    `seen`: the id seen with the same trimmed form and where (a line, or None: stored).
    """
    if seen is None or seen[0] == member_id:
        return None
    where = f"line {seen[1]}" if seen[1] is not None else "already imported"
    return (
        f"member_id {member_id!r} differs from {seen[0]!r} ({where}) only in blanks around it; "
        "ids are kept exactly as written, so correct one of them"
    )


def _control(value: str) -> str | None:
    """A name for the first control character in value (a line break, a tab...), or None."""
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            return "a line break" if ch in "\r\n" else f"control character {ch!r}"
    return None


def _problem(member_id: str, platform: str, handle: str) -> str | None:
    """Why a row cannot be imported, or None."""
    if not member_id.strip():
        return "empty member_id"
    if len(member_id) > MAX_ID:
        return f"member_id longer than {MAX_ID} characters"
    if (bad := _control(member_id)) is not None:
        return f"member_id holds {bad} (a quote left open?)"
    if not platform:
        return "empty platform"
    if platform not in PLATFORMS:
        return f"unknown platform {platform!r} (known: {', '.join(sorted(PLATFORMS))})"
    if not handle:
        return "empty handle"
    if len(handle) > MAX_HANDLE:
        return f"handle longer than {MAX_HANDLE} characters"
    if (bad := _control(handle)) is not None:
        return f"handle holds {bad} (a quote left open?)"
    return None


def read_members_file(path: Path) -> MembersFile:
    """Read and check a members file from disk; MembersFileError names the file."""
    if path.is_dir():
        raise MembersFileError(f"{path}: is a directory; expected a CSV members file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MembersFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return parse_members(decode(data))
    except MembersFileError as exc:
        message = str(exc)
        if message.startswith("line "):
            line, _, rest = message.partition(": ")
            raise MembersFileError(f"{path}:{line.removeprefix('line ')}: {rest}") from None
        raise MembersFileError(f"{path}: {message}") from None


def import_members_file(
    config: Config, path: Path, now: datetime | None = None, dry_run: bool = False
) -> tuple[MembersFile, MemberImport | None]:
    """Read a members file and store its good rows (unless dry_run); bad rows are reported.

    On import, an id that differs from a stored member's only in blanks around it is refused
    too (a dry run checks the file alone).
    """
    checked = read_members_file(path)
    if not checked.rows and not checked.problems:
        raise NoMembersError(f"{path}: no member rows after the header; nothing to import")
    if dry_run:
        return checked, None
    engine = engine_for(config)
    try:
        with engine.begin() as conn:
            stored = {m.strip(): (m, None) for m in member_ids(conn)}
            blocked = {
                line: reason
                for (member_id, _, _), line in zip(checked.rows, checked.lines, strict=True)
                if (reason := ambiguous(member_id, stored.get(member_id.strip()))) is not None
            }
            checked.refuse(blocked)
            result = import_members(conn, checked.rows, now or datetime.now(UTC))
    finally:
        engine.dispose()
    return checked, result


def read_member_ids(path: Path) -> list[str]:
    """The member ids of a list file, exactly as written, each once, in file order.

    A CSV whose header has a member_id column (the members file, a CRM extract), or one id per
    line. MembersFileError (one line, naming the file) when it cannot be read.
    """
    if path.is_dir():
        raise MembersFileError(f"{path}: is a directory; expected a list of member ids")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MembersFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = decode(data)
    except MembersFileError as exc:
        line, _, rest = str(exc).partition(": ")
        raise MembersFileError(f"{path}:{line.removeprefix('line ')}: {rest}") from None
    lines = text.splitlines()
    first = next(csv.reader([lines[0]])) if lines else []
    names = [h.strip().lower() for h in first]
    if "member_id" in names:
        column = names.index("member_id")
        try:
            values = [
                row[column] if column < len(row) else ""
                for row in csv.reader(io.StringIO(text, newline=""))
            ][1:]
        except csv.Error as exc:
            raise MembersFileError(f"{path}: {_csv_reason(exc)}") from None
    else:
        values = lines
    ids = list(dict.fromkeys(v for v in values if v.strip()))
    if not ids:
        raise MembersFileError(f"{path}: no member ids in it")
    return ids
