"""The Facebook replica's routes: a Graph API v19.0 stand-in in the real answers' JSON shapes.

- `/v19.0/pages/search?q=`: pages whose shown name contains q (`id`, `name`, `link`).
- `/v19.0/{page-id}/posts?fields=&limit=&after=`: newest first, `paging.cursors.before/after`
  and a `paging.next` URL on this server while older posts remain; `permalink_url` and the
  `comments`/`reactions` summaries only when `fields` asks for them; no `message` on
  story-only posts; deleted posts are gone from the list.
- `/v19.0/{post-id}/comments?filter=stream&order=chronological&summary=true&limit=&after=`:
  oldest first, deleted comments gone, the summary's `total_count`; a deleted post answers
  error 100 (subcode 33), a page whose comments the token may not read answers error 10.

Every route checks `access_token`: none is error 104, an unknown one 190, EXPIRED_CREDENTIAL
190 subcode 463 (errors answer HTTP 400 with the Graph error object, as the API does). Answers
carry `X-App-Usage`; `throttle(n)` makes the next n API answers rate-limit errors (codes 17, 4,
32, 613 in turn, usage at 100%).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from replica.clock import as_taipei
from replica.facebook.world import LOOKALIKES, Post, World, build_world
from replica.http import JSON, TEXT, Response

CREDENTIAL = "EAABuzzReplica0fb7c3d2a9e8ZZt0k3n"
"""The access token this replica accepts (the demo and the tests hand it to the crawl)."""
EXPIRED_CREDENTIAL = "EAABuzzExpired5e1d0c9b8a7YYt0k3n"
"""A token the replica knows but answers as expired (190, subcode 463)."""
VERSION = "v19.0"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
ROBOTS_TXT = "User-agent: *\nDisallow:\n"
_ROUTE = re.compile(
    rf"^/{re.escape(VERSION)}/(?:(?P<search>pages/search)"
    r"|(?P<post>\d+_\d+)/(?P<comments>comments)"
    r"|(?P<page>\d+)/(?P<posts>posts|feed))/?$"
)
_LIMITS = (
    (17, "(#17) User request limit reached"),
    (4, "(#4) Application request limit reached"),
    (32, "(#32) Page request limit reached"),
    (613, "(#613) Calls to this api have exceeded the rate limit."),
)


def route_kind(path: str) -> str:
    """'pages', 'listing', 'comments' or 'other' (faults only hit the first three)."""
    m = _ROUTE.match(path)
    if m is None:
        return "other"
    if m["search"]:
        return "pages"
    return "comments" if m["comments"] else "listing"


def make_site(seed: int, now: datetime | None = None) -> Site:
    """The Facebook replica for a world seed at a clock time (the shared server's entry point)."""
    return Site(build_world(seed), now)


def graph_time(when: datetime) -> str:
    """`2019-02-05T04:10:00+0000`, as the Graph API writes times."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def cursor(n: int) -> str:
    """An opaque cursor for a place in a list (base64, as the API's look)."""
    return base64.urlsafe_b64encode(f"QVFIbuzz:{n}".encode()).decode().rstrip("=")


def uncursor(text: str) -> int:
    """The place a cursor names; ValueError when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        prefix, _, n = raw.partition(":")
        if prefix != "QVFIbuzz" or not n.isdigit():
            raise ValueError
        return int(n)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("cursor") from None


def error_body(code: int, message: str, kind: str = "OAuthException", **extra: Any) -> bytes:
    """The Graph API's error object."""
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, **extra}
    error["fbtrace_id"] = f"Abuzz{code:04d}replica"
    return json.dumps({"error": error}, ensure_ascii=False).encode()


class Site:
    """The replica's answers for one world at one clock time."""

    def __init__(self, world: World, now: datetime | None = None) -> None:
        self.world = world
        self.now = as_taipei(now)
        self.origin = "https://graph.facebook.com"
        self.usage = 4
        self._throttle = 0
        self._throttled = 0
        self._lock = threading.Lock()
        self._listed: dict[str, list[Post]] = {}

    def route_kind(self, path: str) -> str:
        """Classify a path (faults only hit the API routes)."""
        return route_kind(path)

    def throttle(self, n: int) -> None:
        """Answer the next n API requests with rate-limit errors."""
        with self._lock:
            self._throttle = n

    def warm(self) -> int:
        """Nothing is rendered ahead: answers are cheap to build."""
        return 0

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Nothing here answers a POST."""
        return self._error(400, 100, "Unsupported post request.", "GraphMethodException")

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""
        if path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), content_type=TEXT)
        m = _ROUTE.match(path)
        if m is None:
            return self._error(400, 100, f"Unknown path components: {path[:80]}")
        refused = self._token(query.get("access_token"))
        if refused is not None:
            return refused
        limited = self._rate_limited()
        if limited is not None:
            return limited
        try:
            if m["search"]:
                return self._search(query)
            if m["comments"]:
                return self._comments(m["post"], query)
            return self._posts(m["page"], query)
        except ValueError as exc:
            return self._error(400, 100, f"Invalid parameter: {exc}", "GraphMethodException")

    def _headers(self, usage: int | None = None) -> tuple[tuple[str, str], ...]:
        used = self.usage if usage is None else usage
        value = {"call_count": used, "total_cputime": max(1, used // 2), "total_time": used}
        return (("X-App-Usage", json.dumps(value)), ("facebook-api-version", VERSION))

    def _json(self, value: Any) -> Response:
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(200, body, self._headers(), JSON)

    def _error(
        self, status: int, code: int, message: str, kind: str = "OAuthException", **extra: Any
    ) -> Response:
        return Response(status, error_body(code, message, kind, **extra), self._headers(), JSON)

    def _token(self, token: str | None) -> Response | None:
        """The answer for a missing, unknown or expired token; None when it is the right one."""
        if not token:
            return self._error(400, 104, "An access token is required to request this resource.")
        if token == EXPIRED_CREDENTIAL:
            return self._error(
                400,
                190,
                "Error validating access token: Session has expired on Sunday, 10-Feb-19 "
                "16:00:00 PST. The current time is Sunday, 10-Feb-19 17:00:00 PST.",
                error_subcode=463,
            )
        if token != CREDENTIAL:
            return self._error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        return None

    def _rate_limited(self) -> Response | None:
        with self._lock:
            if self._throttle <= 0:
                return None
            self._throttle -= 1
            code, message = _LIMITS[self._throttled % len(_LIMITS)]
            self._throttled += 1
        body = error_body(code, message, is_transient=True)
        return Response(400, body, self._headers(usage=100), JSON)

    def _limit(self, query: dict[str, str]) -> int:
        text = query.get("limit", "")
        if not text:
            return DEFAULT_LIMIT
        if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        return int(text)

    def _next(self, path: str, query: dict[str, str], after: str) -> str:
        params = {k: v for k, v in query.items() if k not in ("after", "before")}
        params["after"] = after
        return f"{self.origin}{path}?{urlencode(params)}"

    def _search(self, query: dict[str, str]) -> Response:
        q = query.get("q", "").strip()
        if not q:
            raise ValueError("q is required")
        found = [(p.id, p.name, p.handle) for p in self.world.pages if q in p.name]
        found += [page for page in LOOKALIKES if q in page[1]]
        data = [{"id": i, "name": n, "link": f"https://www.facebook.com/{h}/"} for i, n, h in found]
        return self._json({"data": data})

    def listed(self, page_id: str) -> list[Post]:
        """A page's posts at now, newest first, deleted ones gone."""
        found = self._listed.get(page_id)
        if found is None:
            found = [
                p
                for p in reversed(self.world.page_posts(page_id))
                if p.exists_at(self.now) and not p.deleted_by(self.now)
            ]
            self._listed[page_id] = found
        return found

    def _posts(self, page_id: str, query: dict[str, str]) -> Response:
        if page_id not in {p.id for p in self.world.pages}:
            return self._missing(page_id)
        limit = self._limit(query)
        start = uncursor(query["after"]) + 1 if query.get("after") else 0
        listed = self.listed(page_id)
        chunk = listed[start : start + limit]
        fields = query.get("fields", "id,message,created_time")
        data = [self._post_object(p, fields) for p in chunk]
        body: dict[str, Any] = {"data": data}
        if chunk:
            body["paging"] = {
                "cursors": {"before": cursor(start), "after": cursor(start + len(chunk) - 1)}
            }
            if start + len(chunk) < len(listed):
                path = f"/{VERSION}/{page_id}/posts"
                body["paging"]["next"] = self._next(path, query, cursor(start + len(chunk) - 1))
        return self._json(body)

    def _post_object(self, post: Post, fields: str) -> dict[str, Any]:
        item: dict[str, Any] = {"created_time": graph_time(post.at)}
        if post.message is not None and "message" in fields:
            item["message"] = post.message
        if post.story is not None:
            item["story"] = post.story
        if "permalink_url" in fields:
            item["permalink_url"] = post.permalink
        if "comments" in fields:
            total = len(post.comments_at(self.now))
            summary = {"order": "ranked", "total_count": total, "can_comment": True}
            item["comments"] = {"data": [], "summary": summary}
        if "reactions" in fields:
            item["reactions"] = {
                "data": [],
                "summary": {"viewer_reaction": "NONE", "total_count": post.reactions},
            }
        item["id"] = post.id
        return item

    def _missing(self, object_id: str) -> Response:
        return self._error(
            400,
            100,
            f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please read "
            "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            "GraphMethodException",
            error_subcode=33,
        )

    def _comments(self, post_id: str, query: dict[str, str]) -> Response:
        post = self.world.by_id.get(post_id)
        if post is None or not post.exists_at(self.now) or post.deleted_by(self.now):
            return self._missing(post_id)
        if not post.page.comments_readable:
            return self._error(
                400,
                10,
                "(#10) This endpoint requires the 'pages_read_engagement' permission or the "
                "'Page Public Content Access' feature. Refer to https://developers.facebook.com"
                "/docs/apps/review/login-permissions#manage-pages and https://developers."
                "facebook.com/docs/apps/review/feature#reference-PAGES_ACCESS_FEATURE for "
                "details.",
            )
        limit = self._limit(query)
        start = uncursor(query["after"]) + 1 if query.get("after") else 0
        shown = post.comments_at(self.now)
        chunk = shown[start : start + limit]
        data = [{"created_time": graph_time(c.at), "message": c.message, "id": c.id} for c in chunk]
        body: dict[str, Any] = {"data": data}
        if chunk:
            body["paging"] = {
                "cursors": {"before": cursor(start), "after": cursor(start + len(chunk) - 1)}
            }
            if start + len(chunk) < len(shown):
                path = f"/{VERSION}/{post_id}/comments"
                body["paging"]["next"] = self._next(path, query, cursor(start + len(chunk) - 1))
        if query.get("summary") == "true":
            body["summary"] = {
                "order": "chronological",
                "total_count": len(shown),
                "can_comment": True,
            }
        return self._json(body)
