"""CRM members and their community accounts: idempotent import, listing, account lookup."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from storage.dialects import dialect_insert
from storage.models import member_accounts, members
from storage.types import ensure_aware

IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class MemberImport:
    """What an import changed: members and accounts added, accounts moved to another member."""

    members_added: int
    accounts_added: int
    accounts_moved: int
    accounts_unchanged: int


def import_members(
    conn: Connection, rows: Sequence[tuple[str, str, str]], now: datetime
) -> MemberImport:
    """Add members and link (platform, handle) accounts; an account given to another member moves.

    Validated rows only (member_id, platform, handle); nothing is deleted, so importing the
    same file twice changes nothing but leaves `updated_at` as it was.
    """
    ensure_aware(now, "now")
    wanted: dict[tuple[str, str], str] = {}
    for member_id, platform, handle in rows:
        wanted[(platform, handle)] = member_id  # a later row for the same account wins
    member_ids = sorted({m for m in wanted.values()})
    existing_members: set[str] = set()
    for start in range(0, len(member_ids), IN_CHUNK):
        part = member_ids[start : start + IN_CHUNK]
        existing_members.update(
            conn.execute(select(members.c.member_id).where(members.c.member_id.in_(part))).scalars()
        )
    new_members = [m for m in member_ids if m not in existing_members]
    if new_members:
        stmt = dialect_insert(conn, members).on_conflict_do_nothing(
            index_elements=[members.c.member_id]
        )
        conn.execute(
            stmt, [{"member_id": m, "first_seen_at": now, "updated_at": now} for m in new_members]
        )
    current = _owners(conn, list(wanted))
    added: list[dict[str, object]] = []
    moved: list[tuple[str, str, str]] = []
    touched: set[str] = set()
    unchanged = 0
    for (platform, handle), member_id in wanted.items():
        owner = current.get((platform, handle))
        if owner is None:
            added.append(
                {"member_id": member_id, "platform": platform, "handle": handle, "updated_at": now}
            )
            touched.add(member_id)
        elif owner != member_id:
            moved.append((platform, handle, member_id))
            touched.update((owner, member_id))
        else:
            unchanged += 1
    if added:
        conn.execute(insert(member_accounts), added)
    for platform, handle, member_id in moved:
        conn.execute(
            update(member_accounts)
            .where(member_accounts.c.platform == platform, member_accounts.c.handle == handle)
            .values(member_id=member_id, updated_at=now)
        )
    touched.difference_update(new_members)
    ordered = sorted(touched)
    for start in range(0, len(ordered), IN_CHUNK):
        conn.execute(
            update(members)
            .where(members.c.member_id.in_(ordered[start : start + IN_CHUNK]))
            .values(updated_at=now)
        )
    return MemberImport(len(new_members), len(added), len(moved), unchanged)


def _owners(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The member owning each stored (platform, handle) among keys."""
    by_platform: dict[str, list[str]] = defaultdict(list)
    for platform, handle in keys:
        by_platform[platform].append(handle)
    found: dict[tuple[str, str], str] = {}
    for platform, handles in by_platform.items():
        for start in range(0, len(handles), IN_CHUNK):
            stmt = select(member_accounts.c.handle, member_accounts.c.member_id).where(
                member_accounts.c.platform == platform,
                member_accounts.c.handle.in_(handles[start : start + IN_CHUNK]),
            )
            for handle, member_id in conn.execute(stmt).tuples():
                found[(platform, handle)] = member_id
    return found


def member_ids(conn: Connection) -> list[str]:
    """Every member id, sorted."""
    return list(conn.execute(select(members.c.member_id).order_by(members.c.member_id)).scalars())


def accounts_by_member(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """Each member's (platform, handle) accounts, members and accounts sorted."""
    stmt = select(
        member_accounts.c.member_id, member_accounts.c.platform, member_accounts.c.handle
    ).order_by(member_accounts.c.member_id, member_accounts.c.platform, member_accounts.c.handle)
    out: dict[str, list[tuple[str, str]]] = {m: [] for m in member_ids(conn)}
    for member_id, platform, handle in conn.execute(stmt).tuples():
        out.setdefault(member_id, []).append((platform, handle))
    return out
