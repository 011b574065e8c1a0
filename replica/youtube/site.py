"""The YouTube replica's routes: five Data API v3 list routes, the key check and the quota.

`channels` (forHandle or id), `playlistItems` (a channel's uploads, newest first), `videos`
(up to 50 ids; deleted ones left out), `commentThreads` (a video's threads, newest first;
404 videoNotFound for a deleted video, 403 commentsDisabled) and `comments` (a thread's
replies by parentId, newest first). Every call needs `key=CREDENTIAL`: none answers 403
forbidden, another 400 keyInvalid. Each answered call costs its units of the key's daily
quota; past the limit (REPLICA_YOUTUBE_QUOTA, or make_site's `daily_quota`) every call answers
403 quotaExceeded until the day turns (Pacific time, as the real API's quota).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from replica.clock import as_taipei
from replica.http import JSON, TEXT, Response
from replica.youtube import render
from replica.youtube.world import Thread, Video, World, build_world

CREDENTIAL = "AIzaSyReplicaKey-0a1b2c3d4e5f6g7h8i9j0kX"
"""The one API key the replica accepts (`buzz demo` hands it to the crawl as BUZZ_YOUTUBE_KEY)."""
API = "/youtube/v3/"
DAILY_QUOTA = 10_000
"""Units a key may spend a day: the real API's default allotment."""
UNITS = {"channels": 1, "playlistItems": 1, "videos": 1, "commentThreads": 1, "comments": 1}
PACIFIC = ZoneInfo("America/Los_Angeles")
_LIMITS = {"playlistItems": (5, 50), "commentThreads": (20, 100), "comments": (20, 100)}


def make_site(seed: int, now: datetime | None = None, daily_quota: int | None = None) -> Site:
    """The YouTube replica for a world seed at a clock time (the shared server's entry point)."""
    if daily_quota is None:
        daily_quota = int(os.environ.get("REPLICA_YOUTUBE_QUOTA") or DAILY_QUOTA)
    return Site(build_world(seed), now, daily_quota)


def route_kind(path: str) -> str:
    """The API route a path is (faults only hit these), else 'other'."""
    if path.startswith(API) and path[len(API) :] in UNITS:
        return path[len(API) :]
    return "other"


class BadRequest(ValueError):
    """A request the API refuses with 400: the reason and message."""

    def __init__(self, reason: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


class Site:
    """The replica's answers for one world at one clock time, with a quota counter per key."""

    def __init__(self, world: World, now: datetime | None, daily_quota: int = DAILY_QUOTA) -> None:
        self.world = world
        self.now = as_taipei(now)
        self.daily_quota = daily_quota
        self.spent: Counter[tuple[str, str]] = Counter()
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._cache: dict[str, bytes] = {}
        self._threads_by_id: dict[str, tuple[str, Thread]] = {}

    def route_kind(self, path: str) -> str:
        """Classify a path."""
        return route_kind(path)

    def warm(self) -> int:
        """Nothing is rendered ahead: answers are cached as they are asked for."""
        return 0

    def units_spent(self, key: str = CREDENTIAL) -> int:
        """Units the key spent on the replica's day."""
        return self.spent[(key, self._day())]

    def _day(self) -> str:
        return self.now.astimezone(PACIFIC).date().isoformat()

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Nothing here answers a POST."""
        return self._error(405, "methodNotAllowed", "Method Not Allowed")

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET: robots.txt, a watch page, or an API route after the key and the quota."""
        if path == "/robots.txt":
            return Response(200, render.ROBOTS_TXT.encode(), content_type=TEXT)
        if path == "/watch" and query.get("v") in self.world.by_id:
            video = self.world.by_id[query["v"]]
            return Response(200, f"<!DOCTYPE html><title>{video.title}</title>".encode())
        route = route_kind(path)
        if route == "other":
            return self._error(404, "notFound", "Not Found")
        key = query.get("key")
        if not key:
            return self._error(
                403,
                "forbidden",
                "Method doesn't allow unregistered callers (callers without established identity)."
                " Please use API Key or other form of API consumer identity to call this API.",
            )
        if key != CREDENTIAL:
            return self._error(
                400, "keyInvalid", "API key not valid. Please pass a valid API key.", "usageLimits"
            )
        with self._lock:
            spent = (key, self._day())
            if self.spent[spent] + UNITS[route] > self.daily_quota:
                return self._error(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your "
                    '<a href="/youtube/v3/getting-started#quota">quota</a>.',
                    "youtube.quota",
                )
            self.spent[spent] += UNITS[route]
            self.calls[route] += 1
        try:
            return self._route(route, query)
        except BadRequest as exc:
            return self._error(exc.status, exc.reason, str(exc))

    def _route(self, route: str, query: dict[str, str]) -> Response:
        """The answer of one API route."""
        if route == "channels":
            return self._channels(query)
        if route == "playlistItems":
            return self._playlist(query)
        if route == "videos":
            return self._videos(query)
        if route == "commentThreads":
            return self._threads(query)
        return self._replies(query)

    def _error(self, code: int, reason: str, message: str, domain: str = "global") -> Response:
        return Response(code, render.error(code, reason, message, domain), content_type=JSON)

    def _cached(self, key: str, make: Any) -> Response:
        body = self._cache.get(key)
        if body is None:
            body = make()
            self._cache[key] = body
        return Response(200, body, content_type=JSON)

    def _limit(self, route: str, query: dict[str, str]) -> int:
        default, most = _LIMITS[route]
        text = query.get("maxResults") or str(default)
        if not text.isdigit() or not 1 <= int(text) <= most:
            raise BadRequest("invalidParameter", f"maxResults must be between 1 and {most}")
        return int(text)

    def _offset(self, query: dict[str, str], kind: str, scope: str) -> int:
        token = query.get("pageToken")
        if not token:
            return 0
        offset = render.read_token(token, kind, scope)
        if offset is None:
            raise BadRequest("invalidPageToken", "The request specifies an invalid page token.")
        return offset

    def _parts(self, query: dict[str, str], needed: str) -> set[str]:
        parts = {p.strip() for p in query.get("part", "").split(",") if p.strip()}
        if needed not in parts:
            raise BadRequest("invalidPart", f"'part' must include {needed}", 400)
        return parts

    def _channels(self, query: dict[str, str]) -> Response:
        self._parts(query, "contentDetails")
        handle = query.get("forHandle", "").removeprefix("@").lower()
        ids = [i for i in query.get("id", "").split(",") if i]
        if not handle and not ids:
            raise BadRequest("missingRequiredParameter", "No filter selected.")
        found = [self.world.by_handle[handle]] if handle in self.world.by_handle else []
        found += [self.world.by_channel_id[i] for i in ids if i in self.world.by_channel_id]
        items = [render.channel_object(c) for c in found]
        return Response(
            200, render.listing("channel", items, None, len(items), 5), content_type=JSON
        )

    def _playlist(self, query: dict[str, str]) -> Response:
        self._parts(query, "snippet")
        playlist = query.get("playlistId", "")
        channel = self.world.by_playlist.get(playlist)
        if channel is None:
            raise BadRequest(
                "playlistNotFound",
                "The playlist identified with the request's <code>playlistId</code> parameter "
                "cannot be found.",
                404,
            )
        limit = self._limit("playlistItems", query)
        start = self._offset(query, "pi", playlist)

        def make() -> bytes:
            shown = [v for v in reversed(channel.videos) if v.exists_at(self.now)]
            page = shown[start : start + limit]
            items = [render.playlist_item(v, start + n, self.now) for n, v in enumerate(page)]
            more = start + limit < len(shown)
            token = render.page_token("pi", playlist, start + limit) if more else None
            return render.listing("playlistItem", items, token, len(shown), limit)

        return self._cached(f"pi:{playlist}:{start}:{limit}", make)

    def _videos(self, query: dict[str, str]) -> Response:
        self._parts(query, "snippet")
        ids = [i for i in query.get("id", "").split(",") if i]
        if not ids:
            raise BadRequest("missingRequiredParameter", "No filter selected.")
        if len(ids) > 50:
            raise BadRequest("invalidParameter", "Too many ids: at most 50.")
        found = [self.world.by_id.get(i) for i in ids]
        shown = [v for v in found if v is not None and v.exists_at(self.now)]
        items = [render.video_object(v, self.now) for v in shown if not v.deleted_by(self.now)]
        return Response(
            200, render.listing("video", items, None, len(items), len(items)), content_type=JSON
        )

    def _video_for_comments(self, video_id: str) -> Video:
        video = self.world.by_id.get(video_id)
        if video is None or not video.exists_at(self.now) or video.deleted_by(self.now):
            raise BadRequest(
                "videoNotFound",
                'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list'
                '#videoId">videoId</a></code> parameter could not be found.',
                404,
            )
        if video.comments_disabled:
            raise BadRequest(
                "commentsDisabled",
                'The video identified by the <code><a href="/youtube/v3/docs/commentThreads/list'
                '#videoId">videoId</a></code> parameter has disabled comments.',
                403,
            )
        return video

    def _threads(self, query: dict[str, str]) -> Response:
        parts = self._parts(query, "snippet")
        video_id = query.get("videoId", "")
        if not video_id:
            raise BadRequest("missingRequiredParameter", "No filter selected.")
        video = self._video_for_comments(video_id)
        limit = self._limit("commentThreads", query)
        start = self._offset(query, "ct", video_id)
        html = query.get("textFormat", "html") != "plainText"
        order = query.get("order", "time")
        with_replies = "replies" in parts

        def make() -> bytes:
            shown = video.shown_threads(self.now)
            if order == "relevance":
                shown = sorted(shown, key=lambda t: (-t.top.likes, t.top.id))
            page = shown[start : start + limit]
            items = [render.thread(t, video, self.now, with_replies, html) for t in page]
            more = start + limit < len(shown)
            token = render.page_token("ct", video_id, start + limit) if more else None
            return render.listing("commentThread", items, token, len(items), limit)

        return self._cached(f"ct:{video_id}:{start}:{limit}:{html}:{order}:{with_replies}", make)

    def _replies(self, query: dict[str, str]) -> Response:
        self._parts(query, "snippet")
        parent = query.get("parentId", "")
        if not parent:
            raise BadRequest("missingRequiredParameter", "No filter selected.")
        limit = self._limit("comments", query)
        start = self._offset(query, "cm", parent)
        html = query.get("textFormat", "html") != "plainText"
        video_id, thread = self._thread(parent)

        def make() -> bytes:
            shown = [] if thread is None else thread.shown_replies(self.now)
            newest = sorted(shown, key=lambda r: (r.at, r.id), reverse=True)
            page = newest[start : start + limit]
            items = [render.comment(r, video_id, html) for r in page]
            more = start + limit < len(newest)
            token = render.page_token("cm", parent, start + limit) if more else None
            return render.listing("comment", items, token, None, limit)

        return self._cached(f"cm:{parent}:{start}:{limit}:{html}", make)

    def _thread(self, parent: str) -> tuple[str, Thread | None]:
        """The video id and thread of a top-level comment id (None for an unknown one)."""
        with self._lock:
            if not self._threads_by_id:
                for v in self.world.by_id.values():
                    if v.exists_at(self.now) and not v.deleted_by(self.now):
                        for t in v.threads:
                            self._threads_by_id[t.top.id] = (v.id, t)
        found = self._threads_by_id.get(parent)
        return found if found is not None else ("", None)
