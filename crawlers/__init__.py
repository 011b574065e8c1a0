"""The Scrapy project: page parsers, spiders, pipelines."""

import os

# Scrapy's cookie middleware uses tldextract, which downloads the public suffix list on first
# use. Buzz must not reach the internet for that: an empty URL list makes it use its bundled copy.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
