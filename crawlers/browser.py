"""Browser-backed downloads for sites behind JavaScript challenges (scrapy-playwright, chromium).

A source switched to `browser = true` in buzz.toml has its pages loaded in headless Chromium
(Debian's `chromium`, never a downloaded browser): a challenge page runs its script, sets its
cookie and reloads, and the crawl gets the page. The spider still receives the document's own
bytes, status and headers (the last main-frame navigation's response), not the browser's
re-serialised DOM, so a page parses to exactly the records a plain download would give and
reply keys stay stable when a source moves between the two. robots.txt stays a plain request.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

logger = logging.getLogger(__name__)

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
CHALLENGE_GONE = "() => !document.title.startsWith('Just a moment')"
_DROPPED = {"content-encoding", "content-length", "transfer-encoding"}


class _Navigation:
    """The main-frame document responses of one page load: the challenge, then the page."""

    def __init__(self) -> None:
        self.responses: list[Any] = []

    def on_response(self, response: Any) -> None:
        """Keep main-frame navigations (playwright calls this for every response of the page)."""
        request = response.request
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.responses.append(response)

    async def settle(self, page: Any, timeout_ms: float) -> dict[str, Any] | None:
        """Wait for a challenge to clear, then read the last document response's own bytes."""
        from playwright.async_api import Error

        try:
            await page.wait_for_function(CHALLENGE_GONE, timeout=timeout_ms)
        except Error:
            logger.debug("challenge still shown after %.0f ms: %s", timeout_ms, page.url)
        if not self.responses:
            return None
        last = self.responses[-1]
        try:
            body = await last.body()
            headers = await last.all_headers()
        except Error:
            return None
        return {"status": last.status, "headers": headers, "body": body, "url": last.url}


class BrowserMiddleware:
    """Send a browser source's requests through scrapy-playwright and hand back the raw page."""

    def __init__(self, enabled: bool, timeout_s: float) -> None:
        self.enabled = enabled
        self.timeout_ms = timeout_s * 1000

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BrowserMiddleware:
        """Read BUZZ_BROWSER (set per source by the crawl job) and the challenge timeout."""
        settings = crawler.settings
        return cls(settings.getbool("BUZZ_BROWSER"), settings.getfloat("BUZZ_BROWSER_WAIT", 15.0))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        """Mark the request for the browser, with fresh hooks (a retry must not reuse them)."""
        if not self.enabled or request.url.endswith("/robots.txt"):
            return
        from scrapy_playwright.page import PageMethod

        nav = _Navigation()
        request.meta["playwright"] = True
        request.meta["playwright_page_event_handlers"] = {"response": nav.on_response}
        request.meta["playwright_page_methods"] = [PageMethod(nav.settle, self.timeout_ms)]

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        """Replace the browser's serialised DOM with the document's own bytes and status."""
        if "playwright" not in response.flags:
            return response
        methods = request.meta.get("playwright_page_methods") or []
        page = methods[0].result if methods else None
        if not page:
            return response
        headers = Headers({k: v for k, v in page["headers"].items() if k.lower() not in _DROPPED})
        cls = responsetypes.from_args(headers=headers, url=page["url"], body=page["body"])
        return cls(
            url=page["url"],
            status=page["status"],
            headers=headers,
            body=page["body"],
            request=request,
            flags=[*response.flags, "browser"],
        )
