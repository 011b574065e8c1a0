"""PTT spider: walks board indexes newest to oldest and fetches every article in range."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import FormRequest, Response, TextResponse
from twisted.python.failure import Failure

from crawlers.completeness import CrawlTally
from crawlers.failures import classify_failure
from crawlers.items import PttArticleItem, PttIndexItem
from crawlers.pages.ptt import TAIPEI, PttParseError, article_id_epoch, parse_article, parse_index

logger = logging.getLogger(__name__)

OVER18_COOKIE: dict[str | bytes, str | bytes | bool | float | int] = {"over18": "1"}
CHANNEL = "buzz_channel"
_PAGE_NO = re.compile(r"/index(\d+)\.html$")
_STATE_KEY = "buzz_tally"


def parse_since(text: str) -> datetime:
    """Read `since` as a date (midnight Asia/Taipei) or a full ISO datetime."""
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(0), tzinfo=TAIPEI)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"since={text!r} is not a date like 2019-02-04") from None
    return value if value.tzinfo else value.replace(tzinfo=TAIPEI)


def page_number(url: str | None) -> int | None:
    """The N of `/bbs/<board>/index<N>.html`, None for other URLs."""
    if not url:
        return None
    found = _PAGE_NO.search(urlsplit(url).path)
    return int(found[1]) if found else None


def challenge_reason(message: str) -> bool:
    """Whether a parse refusal means the site answered with a challenge or gate, not a page."""
    return "challenge" in message or "over-18" in message


class PttSpider(Spider):
    """Crawl PTT boards: `scrapy crawl ptt -a boards=Gossiping,Stock -a since=2019-02-04`."""

    name = "ptt"
    platform = "ptt"

    def __init__(
        self,
        boards: str = "",
        since: str = "",
        lookback_days: str | int | None = None,
        now: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.boards = [b.strip() for b in boards.split(",") if b.strip()]
        if not self.boards:
            raise ValueError("ptt spider needs -a boards=Board1,Board2")
        if not since:
            raise ValueError("ptt spider needs -a since=YYYY-MM-DD (the window start)")
        self.since = parse_since(since)
        self.lookback_arg = lookback_days
        self.now = datetime.fromisoformat(now) if now else None
        if self.now is not None and self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=TAIPEI)
        self.cutoff = self.since
        self.tally = CrawlTally(self.platform, self.boards)

    @property
    def run_args(self) -> dict[str, str]:
        """What this run was asked to do, recorded with the crawl run."""
        return {
            "boards": ",".join(self.boards),
            "since": self.since.isoformat(),
            "lookback_days": "" if self.lookback_arg is None else str(self.lookback_arg),
            "now": self.now.isoformat() if self.now else "",
            "base_url": self.base_url,
        }

    @property
    def base_url(self) -> str:
        """The site's base URL (PTT_BASE_URL), so the same spider crawls ptt.cc or the replica."""
        assert self.crawler is not None
        return str(self.crawler.settings.get("PTT_BASE_URL")).rstrip("/")

    async def start(self) -> AsyncIterator[Any]:
        """One index request per board, newest page first."""
        assert self.crawler is not None
        lookback = self.lookback_arg
        if lookback is None:
            lookback = self.crawler.settings.getint("BUZZ_LOOKBACK_DAYS", 14)
        self.cutoff = self.since - timedelta(days=int(lookback))
        saved = getattr(self, "state", {}).get(_STATE_KEY)
        if saved:
            self.tally.restore(saved)
        logger.info(
            "ptt: boards=%s cutoff=%s base=%s", ",".join(self.boards), self.cutoff, self.base_url
        )
        for board in self.boards:
            yield self.request(
                f"{self.base_url}/bbs/{board}/index.html", self.parse_index_page, board, root=True
            )

    def request(
        self, url: str, callback: Any, board: str, root: bool = False, **kw: Any
    ) -> Request:
        """A request attributed to a board, so every outcome lands in that board's tally."""
        meta = {CHANNEL: board, "buzz_root": root, **kw.pop("meta", {})}
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            cookies=OVER18_COOKIE,
            cb_kwargs={"board": board, **kw.pop("cb_kwargs", {})},
            meta=meta,
            **kw,
        )

    def closed(self, reason: str) -> None:
        """Keep the tally in the spider state, so a crawl resumed from JOBDIR continues it."""
        state = getattr(self, "state", None)
        if isinstance(state, dict):
            state[_STATE_KEY] = self.tally.to_state()

    def on_error(self, failure: Failure) -> None:
        """Count a page that could not be had in its board's tally (one log line, no traceback)."""
        request = failure.request  # type: ignore[attr-defined]
        board = str(request.meta.get(CHANNEL, "?"))
        loss, kind = classify_failure(failure)
        self.tally[board].lose(loss, kind, request.url)
        if request.meta.get("buzz_root"):
            self.tally[board].root_loss = loss
        self.count(f"lost/{loss}")
        logger.debug("ptt: %s: %s (%s)", request.url, loss, kind)

    def crawled_at(self, response: Response) -> datetime:
        """When the page was seen: the -a now override, else the server's Date header."""
        if self.now is not None:
            return self.now
        header = response.headers.get(b"Date")
        if header:
            try:
                return parsedate_to_datetime(header.decode("latin-1")).astimezone(TAIPEI)
            except (TypeError, ValueError):
                pass
        return datetime.now(TAIPEI)

    def over18_gate(self, response: Response) -> Iterator[Request]:
        """Answer PTT's age gate the way a person would, then continue where we were going."""
        self.count("over18_gate")
        if not isinstance(response, TextResponse) or response.request is None:
            return
        yield FormRequest.from_response(
            response,
            formdata={"yes": "yes"},
            clickdata={"name": "yes"},
            callback=response.request.callback,
            errback=self.on_error,
            cb_kwargs=response.request.cb_kwargs,
            meta={CHANNEL: response.meta.get(CHANNEL), "buzz_root": response.meta.get("buzz_root")},
            dont_filter=True,
        )

    def count(self, key: str) -> None:
        """Bump a buzz/ stats counter."""
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"buzz/{key}")

    def refused(self, response: Response, board: str, exc: PttParseError) -> None:
        """A page that is not what was asked for: a challenge is blocked, anything else failed."""
        message = str(exc)
        loss = "blocked" if challenge_reason(message) else "failed"
        self.tally[board].lose(loss, "challenge" if loss == "blocked" else "parse", response.url)
        if response.meta.get("buzz_root"):
            self.tally[board].root_loss = loss
        self.count("errors/parse")
        logger.debug("ptt: %s: %s", response.url, message)

    def parse_index_page(self, response: Response, board: str) -> Iterator[Any]:
        """Queue the articles on one index page and decide whether to go one page older."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        try:
            page = parse_index(response.body, url=response.url)
        except PttParseError as exc:
            self.refused(response, board, exc)
            return
        tally = self.tally[board]
        tally.pages += 1
        if response.meta.get("buzz_root"):
            tally.root_fetched = True
        number = page_number(response.url)
        if number is None:
            previous = page_number(page.prev_url)
            number = previous + 1 if previous is not None else 1
        yield PttIndexItem(
            board=board, page=number, rows=page.rows, crawled_at=self.crawled_at(response)
        )
        oldest: int | None = None
        for row in page.rows:
            if row.deleted or not row.article_id or not row.url:
                self.count("deleted_rows")
                continue
            epoch = article_id_epoch(row.article_id)
            if epoch is not None and not row.pinned:
                oldest = epoch if oldest is None else min(oldest, epoch)
            in_range = epoch is not None and epoch >= self.cutoff.timestamp()
            if row.pinned or in_range:
                yield self.request(
                    response.urljoin(row.url),
                    self.parse_article_page,
                    board,
                    cb_kwargs={"pinned": row.pinned},
                    meta={"handle_httpstatus_list": [404]},
                )
        if page.prev_url and (oldest is None or oldest >= self.cutoff.timestamp()):
            yield self.request(response.urljoin(page.prev_url), self.parse_index_page, board)
        else:
            tally.walk_done = True

    def parse_article_page(
        self, response: Response, board: str, pinned: bool
    ) -> Iterator[PttArticleItem | Request]:
        """Parse one article (a 404 becomes a deleted article) into an item."""
        if urlsplit(response.url).path.startswith("/ask/over18"):
            yield from self.over18_gate(response)
            return
        try:
            article = parse_article(
                response.body, url=response.url, crawled_at=self.crawled_at(response)
            )
        except PttParseError as exc:
            self.refused(response, board, exc)
            return
        self.tally[board].pages += 1
        if article.status != "ok":
            self.count("deleted_articles")
        yield PttArticleItem(
            article=article, board=board, pinned=pinned, crawled_at=self.crawled_at(response)
        )
