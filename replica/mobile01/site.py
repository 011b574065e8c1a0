"""The Mobile01 replica's routes as plain functions: a path and query in, a response out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from replica.clock import as_taipei
from replica.http import TEXT, Response
from replica.mobile01 import render
from replica.mobile01.phrases import EMPTY_FORUMS
from replica.mobile01.world import (
    FLOORS_PER_PAGE,
    TOPICS_PER_PAGE,
    Forum,
    Topic,
    World,
    build_world,
)

LIST_PATH = "/topiclist.php"
TOPIC_PATH = "/topicdetail.php"
HOME_PATHS = ("/", "/index.php")


def route_kind(path: str) -> str:
    """'forums' (the home menu), 'index' (a topic list), 'article' (a topic) or 'other'."""
    if path in HOME_PATHS:
        return "forums"
    if path == LIST_PATH:
        return "index"
    if path == TOPIC_PATH:
        return "article"
    return "other"


def make_site(seed: int, now: datetime | None = None) -> Site:
    """The Mobile01 replica for a world seed at a clock time (the shared server's entry point)."""
    return Site(build_world(seed), now)


def pages_of(count: int, per_page: int) -> int:
    """How many pages count items take (at least one)."""
    return max(1, -(-count // per_page))


def _int(text: str | None) -> int | None:
    """A query value as a whole number, None when absent or not one."""
    if text is None or not text.strip().isdigit():
        return None
    return int(text)


class Site:
    """The replica's pages for one world at one clock time, rendered once and cached."""

    def __init__(self, world: World, now: datetime | None = None) -> None:
        self.world = world
        self.now = as_taipei(now)
        self._listed: dict[int, list[Topic]] = {}
        self._cache: dict[str, bytes] = {}
        self._empty = {fid: (name, sections) for fid, name, sections in EMPTY_FORUMS}
        self._not_found = Response(404, render.not_found_page().encode())

    def route_kind(self, path: str) -> str:
        """Classify a path (faults hit every kind but 'other')."""
        return route_kind(path)

    def listed(self, forum: Forum) -> list[Topic]:
        """A forum's topic list at now, cached."""
        rows = self._listed.get(forum.spec.forum_id)
        if rows is None:
            rows = self._listed[forum.spec.forum_id] = forum.listed(self.now)
        return rows

    def paths(self) -> list[str]:
        """Every page that answers 200 at now (the challenge forum's answer 403)."""
        out = ["/"]
        for forum in self.world.forums.values():
            if forum.spec.challenge:
                continue
            rows = self.listed(forum)
            fid = forum.spec.forum_id
            pages = pages_of(len(rows), TOPICS_PER_PAGE)
            out.extend(f"{LIST_PATH}?f={fid}&p={n}" for n in range(1, pages + 1))
            for topic in forum.topics:
                if not topic.exists_at(self.now):
                    continue
                if topic.deleted_by_time(self.now):
                    if topic.deleted_by == "moderator":
                        out.append(f"{TOPIC_PATH}?f={fid}&t={topic.topic_id}")
                    continue
                count = len(topic.visible_posts(self.now))
                for n in range(1, pages_of(count, FLOORS_PER_PAGE) + 1):
                    out.append(f"{TOPIC_PATH}?f={fid}&t={topic.topic_id}&p={n}")
        out.extend(f"{LIST_PATH}?f={fid}&p=1" for fid in self._empty)
        return out

    def warm(self) -> int:
        """Render every page into the cache ahead of requests; return how many."""
        paths = self.paths()
        for target in paths:
            path, _, query = target.partition("?")
            self.get(path, dict(p.split("=", 1) for p in query.split("&") if p), {})
        return len(paths)

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""
        if path == "/robots.txt":
            return Response(200, render.ROBOTS_TXT.encode(), content_type=TEXT)
        if path in HOME_PATHS:
            return Response(200, self._cached("/", render.home_page))
        if path == LIST_PATH:
            return self._list(_int(query.get("f")), _int(query.get("p")) or 1)
        if path == TOPIC_PATH:
            return self._topic(
                _int(query.get("f")), _int(query.get("t")), _int(query.get("p")) or 1
            )
        return self._not_found

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Nothing is posted to this site."""
        return Response(405, b"method not allowed", content_type=TEXT)

    def _cached(self, key: str, make: Callable[[], str]) -> bytes:
        """A cached page body, rendered on first use."""
        body = self._cache.get(key)
        if body is None:
            body = self._cache[key] = make().encode()
        return body

    def _challenge(self, key: str) -> Response:
        """The 403 challenge a distrusted client gets: never the data."""
        ray = hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
        headers = (("cf-mitigated", "challenge"), ("Server", "cloudflare"), ("CF-RAY", ray))
        return Response(403, render.challenge_page(ray).encode(), headers)

    def _list(self, forum_id: int | None, page: int) -> Response:
        """A forum's topic list page; a page past the last shows the last, as the site does."""
        forum = self.world.forums.get(forum_id or -1)
        if forum is None:
            if forum_id in self._empty:
                name, sections = self._empty[forum_id]
                page_text = render.topic_list_page(forum_id, name, sections, [], 1, 1, self.now)
                return Response(200, page_text.encode())
            return self._not_found
        spec = forum.spec
        if spec.challenge:
            return self._challenge(f"list:{spec.forum_id}:{page}")
        rows = self.listed(forum)
        pages = pages_of(len(rows), TOPICS_PER_PAGE)
        page = min(max(page, 1), pages)
        chunk = rows[(page - 1) * TOPICS_PER_PAGE : page * TOPICS_PER_PAGE]
        listing = self._cached(
            f"list:{spec.forum_id}:{page}",
            lambda: render.topic_list_page(
                spec.forum_id, spec.name, spec.sections, chunk, page, pages, self.now
            ),
        )
        return Response(200, listing)

    def _topic(self, forum_id: int | None, topic_id: int | None, page: int) -> Response:
        """A topic page; gone topics answer the site's notice (200) or its 404."""
        forum = self.world.forums.get(forum_id or -1)
        if forum is not None and forum.spec.challenge:
            return self._challenge(f"topic:{topic_id}:{page}")
        topic = self.world.topics.get(topic_id or -1)
        if topic is None or forum is None or topic.forum is not forum.spec:
            return self._not_found
        if not topic.exists_at(self.now):
            return self._not_found
        if topic.deleted_by_time(self.now):
            if topic.deleted_by == "moderator":
                return Response(
                    200, self._cached(f"gone:{topic.topic_id}", lambda: render.gone_page(topic))
                )
            return self._not_found
        posts = topic.visible_posts(self.now)
        pages = pages_of(len(posts), FLOORS_PER_PAGE)
        page = min(max(page, 1), pages)
        chunk = posts[(page - 1) * FLOORS_PER_PAGE : page * FLOORS_PER_PAGE]
        body = self._cached(
            f"topic:{topic.topic_id}:{page}",
            lambda: render.topic_page(topic, chunk, page, pages, self.now),
        )
        return Response(200, body)
