"""Reading the CRM's members file: UTF-8 CSV `member_id,platform,handle`, checked row by row."""

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
from storage.members import MemberImport, import_members

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
    """The good rows (member_id, platform, handle) and the problems of the skipped ones."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


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
        values = [cells[at[c]].strip() if at[c] < len(cells) else "" for c in COLUMNS]
        member_id, platform, handle = values[0], values[1].lower(), values[2]
        reason = _problem(member_id, platform, handle)
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
        owners.setdefault((platform, handle), (member_id, line))
        out.rows.append((member_id, platform, handle))
    return out


def _control(value: str) -> str | None:
    """A name for the first control character in value (a line break, a tab...), or None."""
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            return "a line break" if ch in "\r\n" else f"control character {ch!r}"
    return None


def _problem(member_id: str, platform: str, handle: str) -> str | None:
    """Why a row cannot be imported, or None."""
    if not member_id:
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
    """Read a members file and store its good rows (unless dry_run); bad rows are reported."""
    checked = read_members_file(path)
    if not checked.rows and not checked.problems:
        raise NoMembersError(f"{path}: no member rows after the header; nothing to import")
    if dry_run:
        return checked, None
    engine = engine_for(config)
    try:
        with engine.begin() as conn:
            result = import_members(conn, checked.rows, now or datetime.now(UTC))
    finally:
        engine.dispose()
    return checked, result
