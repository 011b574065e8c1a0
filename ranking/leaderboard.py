"""Weekly Top N leaderboards per platform and per channel (聲量探索排行榜), after the exclusions."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Sequence

from ranking.exclusions import History, classify
from ranking.models import Exclusion, Leaderboard, LeaderboardEntry, ThreadCount, WeeklyBoards
from ranking.rules_config import RuleSet, default_rules
from ranking.windows import Window

PLATFORM_NAMES: dict[str, str] = {
    "news": "新聞",
    "dcard": "Dcard",
    "ptt": "PTT",
    "mobile01": "Mobile01",
    "facebook": "Facebook",
    "youtube": "YouTube",
}
# The reference report's order of platforms; platforms not listed follow, alphabetically.
PLATFORM_ORDER: tuple[str, ...] = tuple(PLATFORM_NAMES)
ACTIVITY_SUFFIX = "活動文"
# A platform board's title where the reference report gives it one of its own.
BOARD_TITLES: dict[str, str] = {
    "news": "新聞頻道",
    "facebook": "Facebook 粉絲團",
    "youtube": "YouTube 大熱門",
}


def platform_label(platform: str) -> str:
    """The display name of a platform: ptt -> PTT, news -> 新聞; unknown names pass through."""
    return PLATFORM_NAMES.get(platform.lower(), platform)


def board_title(platform: str) -> str:
    """A platform board's title: 新聞頻道, Facebook 粉絲團, YouTube 大熱門, else its name."""
    return BOARD_TITLES.get(platform.lower(), platform_label(platform))


def channel_label(platform: str, channel: str) -> str:
    """The 來源頻道 as the report prints it: PTT > Gossiping, Dcard > 感情.

    A channel that names its own site (`LINE TODAY > 國內` on the 新聞 board) is printed as it
    is, as the reference report does, not as `新聞 > LINE TODAY > 國內`.
    """
    if " > " in channel:
        return channel
    name = platform_label(platform)
    return f"{name} > {channel}" if channel else name


def platform_scope(platform: str) -> str:
    """The scope of a platform's board: platform:ptt."""
    return f"platform:{platform}"


def channel_scope(platform: str, channel: str) -> str:
    """The scope of a channel's board: channel:ptt/Gossiping."""
    return f"channel:{platform}/{channel}"


def activity_scope(platform: str) -> str:
    """The scope of a platform's giveaway (活動文) board: activity:facebook."""
    return f"activity:{platform}"


def parse_scope(scope: str) -> tuple[str, str, str]:
    """Split a scope into (kind, platform, channel); channel is "" for platform/activity boards."""
    kind, _, rest = scope.partition(":")
    if kind == "channel":
        platform, _, channel = rest.partition("/")
        return kind, platform, channel
    return kind, rest, ""


def _platform_rank(platform: str) -> tuple[int, str]:
    """Sort key putting known platforms in the reference order, then the rest alphabetically."""
    p = platform.lower()
    return (PLATFORM_ORDER.index(p), "") if p in PLATFORM_ORDER else (len(PLATFORM_ORDER), p)


def board_sort_key(board: Leaderboard) -> tuple[int, tuple[int, str], str, str]:
    """Platform boards first (each followed by its 活動文 board), then channels by label."""
    kind, platform, _ = parse_scope(board.scope)
    if kind == "platform":
        return (0, _platform_rank(platform), "0", board.scope)
    if kind == "activity":
        return (0, _platform_rank(platform), "1", board.scope)
    return (1, (0, ""), board.label.casefold(), board.label)


def ordered_boards(boards: Iterable[Leaderboard]) -> list[Leaderboard]:
    """Boards in report order: platform boards, then channel boards alphabetically."""
    return sorted(boards, key=board_sort_key)


def _row_key(row: ThreadCount) -> tuple[int, str, int]:
    """Ranking order: most new replies first, then thread_key, then thread_id (ascending)."""
    return (-row.new_replies, row.thread_key, row.thread_id)


def _entries(rows: Sequence[ThreadCount], top: int) -> tuple[LeaderboardEntry, ...]:
    """Rank already-sorted rows 1..N (ties get distinct consecutive ranks)."""
    return tuple(
        LeaderboardEntry(
            rank=i,
            thread_id=r.thread_id,
            new_replies=r.new_replies,
            estimate=r.estimate,
            platform=r.platform,
            channel=r.channel,
            thread_key=r.thread_key,
            title=r.title,
            url=r.url,
        )
        for i, r in enumerate(rows[:top], 1)
    )


def _exclusion_key(x: Exclusion) -> tuple[int, str, int]:
    """Exclusions in the same order as the boards: most new replies first."""
    return (-x.new_replies, x.thread_key, x.thread_id)


def _giveaway_platforms(platforms: set[str], option: bool | Collection[str]) -> set[str]:
    """Which of the platforms rank giveaways on a 活動文 board instead of excluding them."""
    if isinstance(option, bool):
        return set(platforms) if option else set()
    if isinstance(option, str):
        return {option} & platforms
    return set(option) & platforms


def kinds_of(rules: RuleSet) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The rules' per-platform kinds left out, as WeeklyBoards carries them."""
    return tuple(sorted((p, tuple(sorted(k))) for p, k in rules.board_kinds.items()))


def build_leaderboards(
    rows: Iterable[ThreadCount],
    window: Window,
    top: int = 10,
    giveaway_board: bool | Collection[str] = False,
    *,
    all_exclusions: bool = False,
    config: RuleSet | None = None,
    history: History | None = None,
) -> WeeklyBoards:
    """Apply the exclusions, then rank Top N per platform, per channel and (optionally) 活動文.

    giveaway_board: True (every platform) or the platforms, e.g. {"facebook"}, whose 贈獎文 go
    to an "activity:<platform>" board instead of being excluded. exclusions lists the excluded
    threads that would otherwise have made their channel's Top N (all of them with all_exclusions).
    config: the rules (default ranking/rules.toml); history: the channels' earlier threads.
    """
    if top < 1:
        raise ValueError(f"top must be 1 or more, got {top}")
    platforms: set[str] = set()
    channels: dict[tuple[str, str], list[ThreadCount]] = {}
    for row in rows:
        platforms.add(row.platform)
        if row.new_replies > 0:
            key = (row.platform, row.channel)
            bucket = channels.get(key)
            if bucket is None:
                channels[key] = [row]
            else:
                bucket.append(row)
    activity_platforms = _giveaway_platforms(platforms, giveaway_board)
    for bucket in channels.values():
        bucket.sort(key=_row_key)

    # Rules run lazily, in rank order, only as far down as a board needs (each row at most once).
    verdicts: dict[int, Exclusion | None] = {}

    def verdict(row: ThreadCount) -> Exclusion | None:
        """The row's exclusion (None to keep it), judged once."""
        key = id(row)
        if key not in verdicts:
            verdicts[key] = classify(row, window, config=config, history=history)
        return verdicts[key]

    def goes_to_activity(row: ThreadCount, x: Exclusion | None) -> bool:
        """Whether an excluded row is a giveaway ranked on its platform's 活動文 board instead."""
        return x is not None and x.reason == "giveaway" and row.platform in activity_platforms

    kept: dict[tuple[str, str], list[ThreadCount]] = {}
    contenders: list[Exclusion] = []
    for key, bucket in channels.items():
        chosen: list[ThreadCount] = []
        for row in bucket:
            x = verdict(row)
            if x is None:
                chosen.append(row)
                if len(chosen) == top and not all_exclusions:
                    break
            elif not goes_to_activity(row, x) and (len(chosen) < top or all_exclusions):
                contenders.append(x)
        kept[key] = chosen[:top]

    activity: dict[str, list[ThreadCount]] = {}
    for platform in activity_platforms:
        merged = heapq.merge(
            *(bucket for (p, _), bucket in channels.items() if p == platform), key=_row_key
        )
        found: list[ThreadCount] = []
        for row in merged:
            if goes_to_activity(row, verdict(row)):
                found.append(row)
                if len(found) == top:
                    break
        activity[platform] = found

    def board(scope: str, label: str, chosen: Iterable[ThreadCount]) -> Leaderboard:
        """A board of the top rows among chosen, ranked 1..N."""
        return Leaderboard(scope, label, _entries(sorted(chosen, key=_row_key), top))

    boards: list[Leaderboard] = []
    for platform in platforms:
        label = platform_label(platform)
        mine = (r for (p, _), rs in kept.items() if p == platform for r in rs)
        boards.append(board(platform_scope(platform), board_title(platform), mine))
        if platform in activity_platforms:
            boards.append(
                board(activity_scope(platform), f"{label} {ACTIVITY_SUFFIX}", activity[platform])
            )
    for (platform, channel), rs in kept.items():
        if rs:
            boards.append(
                board(channel_scope(platform, channel), channel_label(platform, channel), rs)
            )
    contenders.sort(key=_exclusion_key)
    return WeeklyBoards(
        week_start=window.start,
        week_end=window.end,
        boards=tuple(ordered_boards(boards)),
        exclusions=tuple(contenders),
        rules_version=(config or default_rules()).label,
        board_kinds=kinds_of(config or default_rules()),
    )
