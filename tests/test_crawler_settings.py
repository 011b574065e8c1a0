"""The crawler is polite by default: robots.txt, AutoThrottle, an honest User-Agent, backoff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scrapy.settings import Settings

from buzz.config import Config
from buzz.jobs import CrawlRequest, crawl_settings
from ranking.windows import week_starting


def project_settings() -> Settings:
    """The settings `scrapy crawl` starts from."""
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    return settings


def test_polite_defaults() -> None:
    """robots.txt obeyed, AutoThrottle on, a bot UA with a contact, 429 and 5xx retried."""
    s = project_settings()
    assert s.getbool("ROBOTSTXT_OBEY") is True
    assert s.getbool("AUTOTHROTTLE_ENABLED") is True
    assert s.getfloat("AUTOTHROTTLE_START_DELAY") >= 1.0
    assert s.get("USER_AGENT").startswith("BuzzBot/") and "+http" in s.get("USER_AGENT")
    assert {429, 503} <= {int(c) for c in s.getlist("RETRY_HTTP_CODES")}
    mws = s.getdict("DOWNLOADER_MIDDLEWARES")
    assert mws["crawlers.middlewares.BackoffRetryMiddleware"] == 550
    assert mws["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None


def test_the_local_profile_only_drops_waiting_not_politeness() -> None:
    """Crawling the replica removes start delays but keeps robots.txt and AutoThrottle."""
    config = Config("sqlite:///x.sqlite3", Path("reports"), base_urls={"ptt": "http://127.0.0.1:1"})
    request = CrawlRequest(
        source="ptt", channels=["Stock"], since=week_starting(date(2019, 2, 4)).start, local=True
    )
    overrides = crawl_settings(config, request)
    assert overrides["AUTOTHROTTLE_START_DELAY"] == 0.0
    assert "ROBOTSTXT_OBEY" not in overrides and "AUTOTHROTTLE_ENABLED" not in overrides
    assert overrides["LOG_LEVEL"] == "WARNING"
    assert overrides["PTT_BASE_URL"] == "http://127.0.0.1:1"
