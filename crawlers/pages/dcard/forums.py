"""`/service/api/v2/forums`: every forum with its alias (used in URLs) and name (shown)."""

from __future__ import annotations

from crawlers.pages.dcard.data import DcardForum
from crawlers.pages.dcard.payload import (
    flag,
    listing,
    load,
    obj,
    optional_int,
    optional_time,
    required,
    strings,
)


def parse_forums(data: bytes | str) -> tuple[DcardForum, ...]:
    """The forums of a `/forums` answer (the 2016 and 2024 shapes), in the order given."""
    forums = []
    for n, raw in enumerate(listing(load(data), "forums"), start=1):
        what = f"forum {n}"
        item = obj(raw, what)
        count = item.get("postCount")
        nsfw = item.get("nsfw")
        forums.append(
            DcardForum(
                id=str(item.get("id") or ""),
                alias=required(item, "alias", str, what),
                name=required(item, "name", str, what),
                description=str(item.get("description") or ""),
                subscription_count=optional_int(item, "subscriptionCount"),
                is_school=flag(item, "isSchool"),
                invisible=flag(item, "invisible"),
                nsfw=nsfw if isinstance(nsfw, bool) else None,
                posts_last_30_days=(
                    optional_int(count, "last30Days") if isinstance(count, dict) else None
                ),
                topics=strings(item, "topics"),
                created_at=optional_time(item, "createdAt", what),
            )
        )
    return tuple(forums)


def aliases_by_name(forums: tuple[DcardForum, ...]) -> dict[str, str]:
    """Forum name -> alias (names are what Buzz stores as the channel)."""
    return {f.name: f.alias for f in forums}
