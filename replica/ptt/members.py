"""A CRM-style members file linking member ids to replica authors (platform ptt)."""

from __future__ import annotations

import random

from replica.clock import DEFAULT_SEED
from replica.ptt.world import build_world

MEMBER_COUNT = 40


def members(seed: int = DEFAULT_SEED) -> list[tuple[str, str, str]]:
    """Return (member_id, platform, handle) rows: ~40 members, some with two handles."""
    world = build_world(seed)
    rng = random.Random(f"replica-members:{seed}")
    shifters = [a for a in world.authors if a.shift_at is not None]
    steady = sorted(
        (a for a in world.authors if a.shift_at is None), key=lambda a: (-a.weight, a.user_id)
    )
    chosen = shifters[:12] + steady[: MEMBER_COUNT * 2]
    chosen = chosen[:12] + rng.sample(chosen[12:], MEMBER_COUNT - len(chosen[:12]))
    spare = list(steady[MEMBER_COUNT * 2 :])
    rng.shuffle(chosen)
    rows: list[tuple[str, str, str]] = []
    for i, author in enumerate(chosen, start=1):
        member = f"U{i:04d}"
        rows.append((member, "ptt", author.user_id))
        if i % 5 == 0 and spare:
            rows.append((member, "ptt", spare.pop(rng.randrange(len(spare))).user_id))
    return rows
