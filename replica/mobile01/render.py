"""HTML of the Mobile01 replica: the home menu, topic lists, topic pages, gone and challenge pages.

The markup follows the site's 2018 redesign as open-source scrapers select it (see
docs/sources/MOBILE01.md): `div.l-listTable__tr` rows, `div.l-articlePage` floors with
`article_<id>`, `blockquote` quotes, `ul.l-pagination`, and the messiness of a real forum:
whitespace and no-break spaces around names, unpadded hours in lists, ads between floors,
signatures, emoticons, comments under floors, a pagination that shows only nearby pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from replica.mobile01.phrases import EMPTY_FORUMS, FORUMS, QUOTE_TAIL
from replica.mobile01.world import Post, Topic

BASE = "https://www.mobile01.com"
ROBOTS_TXT = """User-agent: *
Disallow: /login.php
Disallow: /member/
Disallow: /search.php
Allow: /

Sitemap: https://www.mobile01.com/sitemap.xml
"""
_WINDOW = 2  # the pagination shows this many pages either side of the current one


def list_time(when: datetime) -> str:
    """A time as the lists show it: the hour without a leading zero (`2019-02-05 3:29`)."""
    return f"{when:%Y-%m-%d} {when.hour}:{when:%M}"


def floor_time(when: datetime) -> str:
    """A time as floors show it (`2019-02-05 03:29`)."""
    return f"{when:%Y-%m-%d %H:%M}"


def _env() -> Environment:
    """The templates (replica/mobile01/templates), every value escaped unless marked markup."""
    env = Environment(
        loader=PackageLoader("replica.mobile01", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
    )
    env.globals.update(
        base=BASE,
        window=_WINDOW,
        quote_tail=QUOTE_TAIL,
        list_time=list_time,
        floor_time=floor_time,
    )
    return env


_ENV = _env()


def _render(template: str, **values: Any) -> str:
    """Render one template of the site."""
    return _ENV.get_template(template).render(**values)


def home_page() -> str:
    """The home page: the menu of every forum, nested in its sections (the forum index)."""
    groups: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for spec in FORUMS:
        groups.setdefault(spec.sections, []).append((spec.forum_id, spec.name))
    for forum_id, name, sections in EMPTY_FORUMS:
        groups.setdefault(sections, []).append((forum_id, name))
    tops: dict[str, dict[tuple[str, ...], list[tuple[int, str]]]] = {}
    for sections, forums in groups.items():
        tops.setdefault(sections[0], {})[sections] = forums
    # The menu's "熱門" box lists a forum a second time; the first place is its home.
    return _render(
        "home.html.j2",
        tops=[(top, list(subs.items())) for top, subs in tops.items()],
        hot_id=FORUMS[1].forum_id,
        hot_name=FORUMS[1].name,
    )


def topic_list_page(
    forum_id: int, name: str, sections: tuple[str, ...], rows: list[Topic], page: int, pages: int,
    now: datetime,
) -> str:  # fmt: skip
    """One page of a forum's topic list, rows given newest last reply first."""
    return _render(
        "topic_list.html.j2",
        list_base=f"topiclist.php?f={forum_id}",
        name=name,
        sections=sections,
        rows=[_row(forum_id, topic, now) for topic in rows],
        page=page,
        pages=pages,
    )


def _row(forum_id: int, topic: Topic, now: datetime) -> dict[str, Any]:
    """What one `div.l-listTable__tr` shows."""
    posts = topic.visible_posts(now)
    last = max(posts, key=lambda p: (p.at, p.floor))
    return {
        "href": Markup(f"topicdetail.php?f={forum_id}&amp;t={topic.topic_id}"),
        "title": topic.title,
        "pinned": topic.pinned,
        "pages": -(-len(posts) // 10),
        "author": topic.author,
        "posted": list_time(topic.posted_at),
        "last": last,
        "last_at": list_time(last.at),
        "replies": len(posts) - 1,
    }


def topic_page(topic: Topic, posts: list[Post], page: int, pages: int, now: datetime) -> str:
    """One page of a topic: the header, its floors (ads between some), the pagination."""
    f = topic.forum
    path = f"/topicdetail.php?f={f.forum_id}&t={topic.topic_id}"
    return _render(
        "topic.html.j2",
        topic=topic,
        posts=posts,
        page=page,
        pages=pages,
        now=now,
        op=topic.author.uid,
        canonical=path + (f"&p={page}" if page > 1 else ""),
        topic_path=path,
        topic_base=Markup(f"topicdetail.php?f={f.forum_id}&amp;t={topic.topic_id}"),
    )


def gone_page(topic: Topic) -> str:
    """What a topic a moderator deleted answers (200, the site's own notice)."""
    f = topic.forum
    canonical = f"/topicdetail.php?f={f.forum_id}&t={topic.topic_id}"
    return _render("gone.html.j2", forum=f, canonical=canonical)


def not_found_page() -> str:
    """The site's 404 page (a topic its author deleted, or that never was)."""
    return _render("not_found.html.j2")


def challenge_page(ray: str) -> str:
    """The Cloudflare challenge a forum answers with when the client is not trusted (403)."""
    return _render("challenge.html.j2", ray=ray)
