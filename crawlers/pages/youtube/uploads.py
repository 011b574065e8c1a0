"""`channels?part=snippet,contentDetails` and `playlistItems` pages: a channel's uploads."""

from __future__ import annotations

from crawlers.pages.youtube import payload as p
from crawlers.pages.youtube.data import (
    PlaylistEntry,
    PlaylistPage,
    YoutubeChannel,
    YoutubeParseError,
)

CHANNELS_KIND = "youtube#channelListResponse"
PLAYLIST_KIND = "youtube#playlistItemListResponse"


def parse_channels(data: bytes) -> tuple[YoutubeChannel, ...]:
    """The channels found (none when the handle or id names no channel: `items` left out)."""
    value = p.listing(data, CHANNELS_KIND)
    found = []
    for n, item in enumerate(p.items(value)):
        where = f"items[{n}]"
        if item.get("kind") != "youtube#channel":
            raise YoutubeParseError(f"{where}: kind is {item.get('kind')!r}, not youtube#channel")
        details = p.obj(item, "contentDetails", where)
        related = p.obj(details, "relatedPlaylists", f"{where} contentDetails")
        snippet = item.get("snippet", {})
        title = p.text(snippet, "title", where, default="") if isinstance(snippet, dict) else ""
        found.append(
            YoutubeChannel(
                id=p.text(item, "id", where),
                title=title,
                uploads=p.text(related, "uploads", f"{where} relatedPlaylists"),
            )
        )
    return tuple(found)


def parse_playlist_items(data: bytes) -> PlaylistPage:
    """A page of `playlistItems?part=snippet,contentDetails`."""
    value = p.listing(data, PLAYLIST_KIND)
    entries = []
    for n, item in enumerate(p.items(value)):
        where = f"items[{n}]"
        if item.get("kind") != "youtube#playlistItem":
            raise YoutubeParseError(f"{where}: kind is {item.get('kind')!r}")
        details = p.obj(item, "contentDetails", where)
        snippet = p.obj(item, "snippet", where)
        video_id = p.text(details, "videoId", f"{where} contentDetails")
        position = snippet.get("position")
        if position is not None and (not isinstance(position, int) or isinstance(position, bool)):
            raise YoutubeParseError(f"{where}: position is not a number")
        entries.append(
            PlaylistEntry(
                video_id=video_id,
                position=position,
                title=p.text(snippet, "title", where, default=""),
                published_at=p.maybe_when(details, "videoPublishedAt", f"{where} contentDetails"),
                added_at=p.maybe_when(snippet, "publishedAt", where),
            )
        )
    return PlaylistPage(
        tuple(entries), p.page_token(value, PLAYLIST_KIND), p.total(value, PLAYLIST_KIND)
    )
