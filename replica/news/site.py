"""The news replica's routes: both sites on one server, each under its id (`/linetoday/...`).

Per site: its sections' list pages, article pages (404 once deleted, while the section page
still links them: list pages lag), and its comment endpoint with the site's paging (LINE TODAY:
`pivot` cursors; Yahoo: `offset`). robots.txt is at the root.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from replica.clock import as_taipei
from replica.http import JSON, TEXT, Response
from replica.news import render
from replica.news.world import LISTED_DAYS, LISTED_MAX, SITES, Article, World, build_world

LINE_LIMIT = 20
YAHOO_COUNT = 15
_ARTICLE = {
    "line": re.compile(r"^/tw/v2/article/(?P<id>[A-Za-z0-9]+)$"),
    "yahoo": re.compile(r"^/[a-z-]+-(?P<id>\d+)\.html$"),
}
_COMMENTS = {"line": "/webapi/comment/list", "yahoo": "/_td/api/comments"}
_SPECS = {s.id: s for s in SITES}


def make_site(seed: int, now: datetime | None = None) -> Site:
    """The news replica for a world seed at a clock time (the shared server's entry point)."""
    return Site(build_world(seed), now)


def _split(path: str) -> tuple[str, str] | None:
    """(site id, the path within the site), or None when no site's prefix starts it."""
    _, _, rest = path.partition("/")
    site, sep, inner = rest.partition("/")
    if site not in _SPECS:
        return None
    return site, "/" + inner if sep else "/"


class Site:
    """The replica's answers for one world at one clock time, rendered once and cached."""

    def __init__(self, world: World, now: datetime | None = None) -> None:
        self.world = world
        self.now = as_taipei(now)
        self._cache: dict[str, Response] = {}

    def route_kind(self, path: str) -> str:
        """'section', 'article', 'comments' or 'other' (faults only hit the first three)."""
        found = _split(path)
        if found is None:
            return "other"
        site, inner = found
        spec = _SPECS[site]
        if inner == _COMMENTS[spec.style]:
            return "comments"
        if _ARTICLE[spec.style].match(inner):
            return "article"
        if self._section_of(site, inner) is not None:
            return "section"
        return "other"

    def _section_of(self, site: str, inner: str) -> str | None:
        spec = _SPECS[site]
        for name, slug in spec.sections.items():
            want = f"/tw/v2/tab/{slug}" if spec.style == "line" else f"/{slug}/"
            if inner == want:
                return name
        return None

    def listed(self, site: str, section: str) -> list[Article]:
        """A section page's articles at now: the latest days', newest first (deleted ones too)."""
        since = self.now - timedelta(days=LISTED_DAYS)
        found = [a for a in self.world.section(site, section) if since <= a.at <= self.now]
        return list(reversed(found))[:LISTED_MAX]

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""
        if path == "/robots.txt":
            return Response(200, render.ROBOTS_TXT.encode(), content_type=TEXT)
        found = _split(path)
        if found is None:
            return Response(404, render.not_found())
        site, inner = found
        spec = _SPECS[site]
        if inner == _COMMENTS[spec.style]:
            return self._comments(site, query)
        m = _ARTICLE[spec.style].match(inner)
        if m is not None:
            return self._article(site, m["id"], inner)
        section = self._section_of(site, inner)
        if section is not None:
            key = f"section:{site}:{section}"
            if key not in self._cache:
                body = render.section_page(spec, section, self.listed(site, section), f"/{site}")
                self._cache[key] = Response(200, body)
            return self._cache[key]
        return Response(404, render.not_found())

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Nothing here answers a POST."""
        return Response(405, b"Method Not Allowed", content_type=TEXT)

    def warm(self) -> int:
        """Render every section page and listed article ahead of requests."""
        n = 0
        for spec in SITES:
            for section, slug in spec.sections.items():
                inner = f"/tw/v2/tab/{slug}" if spec.style == "line" else f"/{slug}/"
                self.get(f"/{spec.id}{inner}", {}, {})
                n += 1
                for a in self.listed(spec.id, section):
                    self.get(f"/{spec.id}{a.path}", {}, {})
                    n += 1
        return n

    def article(self, site: str, article_id: str) -> Article | None:
        """An article that exists at now, or None."""
        a = self.world.by_path.get((site, article_id))
        return a if a is not None and a.at <= self.now else None

    def _article(self, site: str, article_id: str, inner: str) -> Response:
        a = self.article(site, article_id)
        if a is None or a.path != inner or a.deleted_by(self.now):
            return Response(404, render.not_found())
        key = f"article:{site}:{article_id}"
        if key not in self._cache:
            self._cache[key] = Response(200, render.article_page(a))
        return self._cache[key]

    def _comments(self, site: str, query: dict[str, str]) -> Response:
        spec = _SPECS[site]
        article_id = query.get("articleId" if spec.style == "line" else "contextId", "")
        a = self.article(site, article_id)
        if a is None or a.deleted_by(self.now):
            body = render.dumps({"status": "404", "message": "article not found"})
            return Response(404, body, content_type=JSON)
        comments = a.comments_at(self.now)
        if spec.style == "line":
            return self._line(a, comments, query)
        shown = [c for c in comments if not c.deleted_by(self.now)]
        try:
            offset = int(query.get("offset") or 0)
            count = int(query.get("count") or YAHOO_COUNT)
        except ValueError:
            return Response(400, render.dumps({"error": "bad offset or count"}), content_type=JSON)
        page = shown[max(0, offset) : max(0, offset) + max(1, min(count, 50))]
        return Response(200, render.yahoo_comments(page, len(shown)), content_type=JSON)

    def _line(self, a: Article, comments: list, query: dict[str, str]) -> Response:  # type: ignore[type-arg]
        try:
            limit = max(1, min(int(query.get("limit") or LINE_LIMIT), 100))
        except ValueError:
            return Response(400, render.dumps({"status": "400"}), content_type=JSON)
        start = 0
        if query.get("pivot"):
            after = render.unpivot(query["pivot"])
            ids = [c.id for c in comments]
            if after is None or after not in ids:
                return Response(400, render.dumps({"status": "400"}), content_type=JSON)
            start = ids.index(after) + 1
        page = comments[start : start + limit]
        more = start + limit < len(comments)
        nxt = render.pivot(page[-1]) if page and more else None
        count = sum(1 for c in comments if not c.deleted_by(self.now))
        return Response(200, render.line_comments(page, self.now, count, nxt), content_type=JSON)
