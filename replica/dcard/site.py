"""The Dcard replica's routes: the four API v2 routes and robots.txt, at one now.

Paging as the real API: a forum's list is newest first (`popular=false`; otherwise most liked
first), `limit` posts (default 30, at most 100) with ids below `before`; comments are in floor
order, `limit` of them (default 30, at most 100) with floors above `after`. Pinned posts head
the first page of a forum's list, outside `limit`. A deleted post leaves the list and its routes
answer 404 `Post not found`; a hidden post stays listed with `hidden: true`. Every route of a
forum whose spec says `challenge` answers 403 with a Cloudflare challenge page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from replica.clock import as_taipei
from replica.dcard import render
from replica.dcard.world import Forum, Post, World, build_world
from replica.http import JSON, TEXT, Response

API = "/service/api/v2"
DEFAULT_LIMIT = 30
MAX_LIMIT = 100
_ROUTE = re.compile(
    r"^/service/api/v2/(?:"
    r"(?P<forums>forums)"
    r"|forums/(?P<alias>[^/]+)/posts"
    r"|posts/(?P<post>\d+)(?P<comments>/comments)?"
    r")/?$"
)
_CHALLENGE_HEADERS = (("cf-mitigated", "challenge"), ("cf-ray", "7d1c0ffee0000000-TPE"))


def route_kind(path: str) -> str:
    """'forums', 'listing', 'post', 'comments' or 'other' (faults only hit the first four)."""
    m = _ROUTE.match(path)
    if m is None:
        return "other"
    if m["forums"]:
        return "forums"
    if m["alias"]:
        return "listing"
    return "comments" if m["comments"] else "post"


def make_site(seed: int, now: datetime | None = None) -> Site:
    """The Dcard replica for a world seed at a clock time (the shared server's entry point)."""
    return Site(build_world(seed), now)


def _int(query: dict[str, str], name: str) -> int | None:
    """A whole-number query parameter; ValueError naming it when it is not one."""
    text = query.get(name)
    if text is None or text == "":
        return None
    if not text.isdigit():
        raise ValueError(f"{name} must be a non-negative integer")
    return int(text)


class Site:
    """The replica's answers for one world at one clock time, rendered once and cached."""

    def __init__(self, world: World, now: datetime | None = None) -> None:
        self.world = world
        self.now = as_taipei(now)
        self._cache: dict[str, bytes] = {}
        self._listed: dict[str, list[Post]] = {}
        self._pinned: dict[str, list[Post]] = {}
        self._popular: dict[str, list[Post]] = {}

    def route_kind(self, path: str) -> str:
        """Classify a path (faults only hit the API routes)."""
        return route_kind(path)

    def listed(self, forum: Forum) -> list[Post]:
        """A forum's unpinned posts at now, newest first (deleted ones are gone; hidden stay)."""
        found = self._listed.get(forum.alias)
        if found is None:
            found = [
                p
                for p in reversed(forum.posts)
                if p.exists_at(self.now) and not p.deleted_by(self.now) and not p.pinned
            ]
            self._listed[forum.alias] = found
            self._pinned[forum.alias] = [
                p
                for p in forum.posts
                if p.pinned and p.exists_at(self.now) and not p.deleted_by(self.now)
            ]
            self._popular[forum.alias] = sorted(found, key=lambda p: (-p.like_count, -p.id))
        return found

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""
        if path == "/robots.txt":
            return Response(200, render.ROBOTS_TXT.encode(), content_type=TEXT)
        m = _ROUTE.match(path)
        if m is None:
            return self._missing(path)
        try:
            if m["forums"]:
                return self._json("forums", self._forums)
            if m["alias"]:
                return self._listing(m["alias"], query)
            post = self.world.by_id.get(int(m["post"]))
            if m["comments"]:
                return self._comments(post, query)
            return self._post(post)
        except ValueError as exc:
            return Response(400, render.dumps(render.error(400, str(exc))), content_type=JSON)

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Nothing here answers a POST."""
        return Response(
            405, render.dumps(render.error(405, "Method Not Allowed")), content_type=JSON
        )

    def warm(self) -> int:
        """Render the forum list and every post and first comments page ahead of requests."""
        n = 1
        self.get(f"{API}/forums", {}, {})
        for post in self.world.by_id.values():
            if post.exists_at(self.now):
                self.get(f"{API}/posts/{post.id}", {}, {})
                self.get(f"{API}/posts/{post.id}/comments", {"limit": str(MAX_LIMIT)}, {})
                n += 2
        return n

    def _json(self, key: str, make: Callable[[], bytes], status: int = 200) -> Response:
        """A cached JSON answer."""
        body = self._cache.get(key)
        if body is None:
            body = make()
            self._cache[key] = body
        return Response(status, body, content_type=JSON)

    def _missing(self, path: str) -> Response:
        """404: Dcard's JSON error under the API, a plain page elsewhere."""
        if path.startswith("/service/"):
            return Response(404, render.dumps(render.error(404, "Not Found")), content_type=JSON)
        return Response(404, b"<!DOCTYPE html><title>404</title><p>Not Found</p>")

    def _challenge(self) -> Response:
        """Cloudflare's interstitial, as Dcard answers clients it does not trust."""
        return Response(403, render.CHALLENGE_PAGE.encode(), _CHALLENGE_HEADERS)

    def _forums(self) -> bytes:
        """Every forum, with its posts of the last 30 days."""
        since = self.now - timedelta(days=30)
        return render.dumps(
            [
                render.forum_object(
                    forum, self.now, sum(1 for p in forum.posts if since <= p.at <= self.now)
                )
                for forum in self.world.forums.values()
            ]
        )

    def _listing(self, alias: str, query: dict[str, str]) -> Response:
        """One page of a forum's posts."""
        forum = self.world.forums.get(alias)
        if forum is None:
            return Response(
                404, render.dumps(render.error(1201, "Forum not found")), content_type=JSON
            )
        if forum.spec.challenge:
            return self._challenge()
        limit = _int(query, "limit")
        limit = DEFAULT_LIMIT if limit is None else limit
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        before = _int(query, "before")
        popular = query.get("popular", "true") != "false"
        key = f"listing:{alias}:{limit}:{before}:{popular}"

        def make() -> bytes:
            listed = self.listed(forum)
            order = self._popular[alias] if popular else listed
            page = [p for p in order if before is None or p.id < before][:limit]
            if before is None and not popular:
                page = self._pinned[alias] + page
            objects = [render.post_object(p, forum, self.now) for p in page]
            return render.dumps(objects, bom=forum.spec.bom)

        return self._json(key, make)

    def _post(self, post: Post | None) -> Response:
        """One post with its content; a deleted one answers 404 `Post not found`."""
        gone = self._unavailable(post)
        if gone is not None or post is None:
            return gone or self._not_found_post(None)
        forum = self.world.forum_of(post)
        return self._json(
            f"post:{post.id}",
            lambda: render.dumps(
                render.post_object(post, forum, self.now, full=True), bom=forum.spec.bom
            ),
        )

    def _comments(self, post: Post | None, query: dict[str, str]) -> Response:
        """A page of a post's comments, by floor."""
        gone = self._unavailable(post)
        if gone is not None or post is None:
            return gone or self._not_found_post(None)
        limit = _int(query, "limit")
        limit = DEFAULT_LIMIT if limit is None else limit
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        after = _int(query, "after") or 0
        forum = self.world.forum_of(post)

        def make() -> bytes:
            shown = [c for c in post.comments_at(self.now) if c.floor > after][:limit]
            return render.dumps(
                [render.comment_object(c, self.now) for c in shown], bom=forum.spec.bom
            )

        return self._json(f"comments:{post.id}:{after}:{limit}", make)

    def _unavailable(self, post: Post | None) -> Response | None:
        """The answer for a post that cannot be read at now (none, deleted, challenged)."""
        if post is None or not post.exists_at(self.now):
            return self._not_found_post(None)
        if self.world.forum_of(post).spec.challenge:
            return self._challenge()
        if post.deleted_by(self.now):
            return self._not_found_post(post)
        return None

    def _not_found_post(self, post: Post | None) -> Response:
        """404 `Post not found`, with the moderator's reason when there is one."""
        extra: dict[str, str] = {}
        if post is not None and post.removal[0]:
            extra = {"reason": post.removal[0], "reasonText": post.removal[1]}
        body = render.error(1202, "Post not found", **extra)
        return Response(404, render.dumps(body), content_type=JSON)
