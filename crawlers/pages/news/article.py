"""An article page: id, title, publish time and body, by the site's `article` extractors."""

from __future__ import annotations

from crawlers.pages.news.config import Site
from crawlers.pages.news.data import Article, NewsParseError
from crawlers.pages.news.extract import page_values, parse_time, squash
from crawlers.pages.news.page import html_page


def article_id_in(site: Site, url: str) -> str | None:
    """The article id the site's `url:` extractors read from a URL alone (a 404 has no page)."""
    for rule in site.article.id:
        if rule.kind == "url" and (found := page_values(rule, None, url)):
            return found[0].strip()
    return None


def parse_article(data: bytes | str, site: Site, url: str) -> Article:
    """One article; refuses a page without an id or a title.

    A page whose time is missing or unreadable gives `posted_at` None: the article is still
    there, and its comments carry their own times.
    """
    what = f"{site.label} article page"
    page = html_page(data, what)
    rules = site.article
    article_id = next(
        (v[0].strip() for rule in rules.id if (v := page_values(rule, page, url)) and v[0].strip()),
        None,
    )
    if not article_id:
        raise NewsParseError(f"not a {what}: no article id ({', '.join(r.spec for r in rules.id)})")
    titles = page_values(rules.title, page, url)
    title = squash(titles[0]) if titles else ""
    if not title:
        raise NewsParseError(f"not a {what}: no title ({rules.title.spec})")
    posted = None
    if rules.time is not None:
        times = page_values(rules.time, page, url)
        posted = parse_time(times[0], rules.time_format) if times else None
    body = ""
    if rules.body is not None:
        body = "\n".join(squash(p) for p in page_values(rules.body, page, url) if squash(p))
    return Article(article_id, url, title, posted, body)
