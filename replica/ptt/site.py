"""The replica's routes as plain functions: a path and cookies in, a response out, at one now."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from replica.clock import as_taipei
from replica.http import Response
from replica.ptt import render
from replica.ptt.world import Article, Board, World, build_world

_ROUTE = re.compile(
    r"^/bbs/(?P<board>[A-Za-z0-9_-]+)/"
    r"(?:index(?P<page>\d*)\.html|(?P<aid>M\.\d+\.A\.[0-9A-Fa-f]{3})\.html)$"
)


def route_kind(path: str) -> str:
    """Classify a path as 'index', 'article' or 'other' (faults only hit the first two)."""
    m = _ROUTE.match(path)
    if m is None:
        return "other"
    return "article" if m.group("aid") else "index"


def _redirect(location: str, *extra: tuple[str, str]) -> Response:
    """A 302 to location."""
    return Response(302, b"", (("Location", location), *extra))


def _safe_from(value: str) -> str:
    """Keep a post-gate redirect on this site."""
    return value if value.startswith("/") and not value.startswith("//") else "/bbs/index.html"


def make_site(seed: int, now: datetime | None = None) -> Site:
    """The PTT replica for a world seed at a clock time (the shared server's entry point)."""
    return Site(build_world(seed), now)


class Site:
    """The replica's pages for one world at one clock time, rendered once and cached."""

    def __init__(self, world: World, now: datetime | None = None) -> None:
        self.world = world
        self.now = as_taipei(now)
        self._visible: dict[str, list[Article]] = {}
        self._cache: dict[str, bytes] = {}
        self._not_found = Response(404, render.not_found_page().encode())

    def route_kind(self, path: str) -> str:
        """Classify a path as 'index', 'article' or 'other' (faults only hit the first two)."""
        return route_kind(path)

    def visible(self, board: Board) -> list[Article]:
        """Return a board's articles posted by now, in index order (cached)."""
        rows = self._visible.get(board.name)
        if rows is None:
            rows = board.visible(self.now)
            self._visible[board.name] = rows
        return rows

    def pages(self, board: str) -> int:
        """Return the number of index pages a board has at now (0 for an unknown board)."""
        b = self.world.boards.get(board)
        return 0 if b is None else render.page_count(len(self.visible(b)))

    def paths(self) -> list[str]:
        """Return every index and article path that answers 200 at now."""
        out: list[str] = []
        for board in self.world.boards.values():
            rows = self.visible(board)
            out.append(f"/bbs/{board.name}/index.html")
            out.extend(
                f"/bbs/{board.name}/index{n}.html" for n in range(1, self.pages(board.name) + 1)
            )
            out.extend(a.path for a in rows if not a.deleted_by(self.now))
        return out

    def warm(self) -> int:
        """Render every page into the cache ahead of requests; return how many."""
        cookies = {"over18": "1"}
        paths = self.paths()
        for path in paths:
            self.get(path, {}, cookies)
        return len(paths)

    def get(self, path: str, query: dict[str, str], cookies: dict[str, str]) -> Response:
        """Answer a GET."""
        if path == "/robots.txt":
            return Response(
                200, render.ROBOTS_TXT.encode(), content_type="text/plain; charset=utf-8"
            )
        if path in ("/", "/bbs/", "/bbs/index.html", "/bbs/hotboards.html"):
            return Response(200, self._cached("/bbs/index.html", self._board_list))
        if path == "/ask/over18":
            return Response(200, render.over18_page(_safe_from(query.get("from", "/"))).encode())
        m = _ROUTE.match(path)
        if m is None:
            return self._board_root(path)
        board = self.world.boards.get(m.group("board"))
        if board is None:
            return self._not_found
        if board.over18 and cookies.get("over18") != "1":
            return _redirect("/ask/over18?from=" + quote(path, safe=""))
        aid = m.group("aid")
        if aid:
            return self._article(board, aid)
        return self._index(board, m.group("page"))

    def post(self, path: str, form: dict[str, str]) -> Response:
        """Answer a POST (only the over-18 form)."""
        if path != "/ask/over18":
            return Response(405, b"method not allowed", content_type="text/plain; charset=utf-8")
        target = _safe_from(form.get("from", "/bbs/index.html"))
        if form.get("yes") == "yes":
            return _redirect(target, ("Set-Cookie", "over18=1; Path=/"))
        return _redirect("/bbs/index.html")

    def _board_root(self, path: str) -> Response:
        """Redirect /bbs/<Board> and /bbs/<Board>/ to the board's index, else 404."""
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and parts[0] == "bbs" and parts[1] in self.world.boards:
            return _redirect(f"/bbs/{parts[1]}/index.html")
        return self._not_found

    def _cached(self, key: str, make: Callable[[], str]) -> bytes:
        """Return a cached page body, rendering it on first use."""
        body = self._cache.get(key)
        if body is None:
            body = make().encode()
            self._cache[key] = body
        return body

    def _board_list(self) -> str:
        """Render the list of boards."""
        return render.board_list_page(list(self.world.boards.values()))

    def _index(self, board: Board, page_text: str) -> Response:
        """Serve index.html (the newest page) or index<N>.html."""
        rows = self.visible(board)
        pages = render.page_count(len(rows))
        page = pages if page_text == "" else int(page_text)
        if page < 1 or page > pages:
            return self._not_found
        body = self._cached(
            f"{board.name}/index{page}",
            lambda: render.index_page(board, rows, page, self.now),
        )
        return Response(200, body)

    def _article(self, board: Board, article_id: str) -> Response:
        """Serve an article, or 404 when it is not posted yet or deleted."""
        art = board.by_id.get(article_id)
        if art is None or not art.exists_at(self.now) or art.deleted_by(self.now):
            return self._not_found
        body = self._cached(art.path, lambda: render.article_page(art, self.now, board.ip_in_push))
        return Response(200, body)
