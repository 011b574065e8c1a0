"""Scrapy settings for Buzz: polite by default, every knob overridable by environment or -s."""

from __future__ import annotations

import os

from crawlers.home import default_database_url
from crawlers.sources import all_sources

BOT_NAME = "buzz"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

# An honest User-Agent that names the bot and how to reach its operator.
BUZZ_CONTACT = os.environ.get("BUZZ_CONTACT", "https://example.org/buzz-crawler")
USER_AGENT = os.environ.get(
    "BUZZ_USER_AGENT", f"BuzzBot/0.1 (social-listening crawler; +{BUZZ_CONTACT})"
)
ROBOTSTXT_OBEY = os.environ.get("BUZZ_ROBOTSTXT_OBEY", "1") != "0"

# Each source's site: PTT_BASE_URL, DCARD_BASE_URL, ... (a replica on loopback in tests).
for _source in all_sources():
    globals()[_source.base_url_env] = os.environ.get(
        _source.base_url_env, _source.default_base_url
    ).rstrip("/")
BUZZ_DATABASE_URL = default_database_url()
BUZZ_LOOKBACK_DAYS = int(os.environ.get("BUZZ_LOOKBACK_DAYS", "14"))
BUZZ_WRITE_BATCH = 50
# A dispatched crawl's shard `i/n` (its `buzz_shard` spider argument wins): its own crawl lock.
BUZZ_SHARD = os.environ.get("BUZZ_SHARD", "")
BUZZ_PROGRESS_INTERVAL = float(os.environ.get("BUZZ_PROGRESS_INTERVAL", "0"))

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = float(os.environ.get("BUZZ_DOWNLOAD_TIMEOUT", "30"))
COOKIES_ENABLED = True

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
BUZZ_BACKOFF_BASE = 1.0
BUZZ_BACKOFF_MAX = 60.0
# Pages given up on are counted per channel and summarised once; no log line each.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    # A no-op unless the source is browser-backed (BUZZ_BROWSER, set from buzz.toml).
    "crawlers.browser.BrowserMiddleware": 950,
}
# A refused 200 page (cut off, mis-encoded, an occasional challenge) is asked again this often.
BUZZ_REFUSAL_RETRIES = int(os.environ.get("BUZZ_REFUSAL_RETRIES", "2"))
SPIDER_MIDDLEWARES = {"crawlers.middlewares.RefusalRetryMiddleware": 50}
ITEM_PIPELINES = {"crawlers.pipelines.StoragePipeline": 300}
EXTENSIONS = {
    "crawlers.extensions.ProgressExtension": 500,
    # Before Scrapy's SpiderState (0) restores state and its scheduler opens the disk queue.
    "crawlers.extensions.JobdirGuard": -10,
}

# "local" is for the replica on loopback: same politeness machinery, no artificial waiting.
if os.environ.get("BUZZ_CRAWL_PROFILE") == "local":
    AUTOTHROTTLE_START_DELAY = 0.0
    AUTOTHROTTLE_MAX_DELAY = 2.0
    AUTOTHROTTLE_TARGET_CONCURRENCY = 16.0
    CONCURRENT_REQUESTS_PER_DOMAIN = 16
    BUZZ_BACKOFF_BASE = 0.2

LOG_LEVEL = os.environ.get("BUZZ_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
