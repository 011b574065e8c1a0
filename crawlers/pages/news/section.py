"""A section's list page: the article links the site's `section.links` extractor finds."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from crawlers.pages.news.config import Site
from crawlers.pages.news.data import NewsParseError, SectionPage
from crawlers.pages.news.extract import page_values
from crawlers.pages.news.page import html_page, json_answer

_TRACKING = frozenset({"fbclid", "gclid", "from", "ref"})


def clean_url(link: str, base: str) -> str | None:
    """An article link made absolute, tracking parameters and fragment dropped; None if not http."""
    url = urljoin(base, link.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    query = [
        (k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_") and k not in _TRACKING
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def parse_section(data: bytes | str, site: Site, url: str) -> SectionPage:
    """The article links of a section page, once each, in page order."""
    what = f"{site.label} section page"
    if site.links.kind == "json":
        values = page_values(site.links, None, url, json_answer(data, what))
    else:
        page = html_page(data, what)
        values = page_values(site.links, page, url)
        if not page.css("body"):
            raise NewsParseError(f"not a {what}: no <body>")
    links = [clean_url(v, url) for v in values]
    found = tuple(dict.fromkeys(link for link in links if link))
    if not found:
        raise NewsParseError(f"not a {what}: no article links ({site.links.spec})")
    return SectionPage(found)
