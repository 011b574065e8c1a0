"""Stable identities for replies that have no id of their own on the page."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def reply_keys(fields: Iterable[tuple[str, ...]]) -> list[str]:
    """Key each reply by a digest of what it says plus its occurrence among identical replies.

    Position on the page is deliberately not part of the key: a moderator removing an earlier
    push must not shift the identity of the pushes after it.
    """
    seen: dict[str, int] = {}
    keys: list[str] = []
    for parts in fields:
        digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=10).hexdigest()
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        keys.append(f"{digest}.{n}")
    return keys
