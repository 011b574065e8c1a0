"""News sites' pages parsed by configuration: section lists, articles and comment APIs.

Nothing here names a site: each is a `Site` read from a sites file (`config`), whose
extractors (`extract`) the section, article and comment parsers follow. Pure functions: page
bytes and a site in, records out.
"""

from crawlers.pages.news.article import article_id_in, parse_article
from crawlers.pages.news.comments import parse_comments
from crawlers.pages.news.config import Site, SiteConfigError, load_sites, parse_sites
from crawlers.pages.news.data import Article, Comment, CommentPage, NewsParseError, SectionPage
from crawlers.pages.news.section import clean_url, parse_section

__all__ = [
    "Article",
    "Comment",
    "CommentPage",
    "NewsParseError",
    "SectionPage",
    "Site",
    "SiteConfigError",
    "article_id_in",
    "clean_url",
    "load_sites",
    "parse_article",
    "parse_comments",
    "parse_section",
    "parse_sites",
]
