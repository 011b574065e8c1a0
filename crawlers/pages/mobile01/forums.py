"""The forum index (the site menu on the home page) and finding a forum by the name people use."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from lxml.html import HtmlElement

from crawlers.pages.mobile01 import selectors as css
from crawlers.pages.mobile01.data import Forum
from crawlers.pages.mobile01.html import attr, inline_text, make_tree, query_int, refuse


class ForumNotFound(LookupError):
    """No forum, or more than one, answers to a name; the message is a one-line reason."""


def parse_forums(data: str | bytes) -> tuple[Forum, ...]:
    """Every forum the menu links (`topiclist.php?f=`), with the sections it sits in."""
    root = make_tree(data, "forum index")
    forums: dict[int, Forum] = {}
    for menu in css.MENU(root):
        for link in css.MENU_FORUM_LINK(menu):
            forum_id = query_int(css.FORUM_ID, attr(link, "href"))
            name = inline_text(link)
            if forum_id is None or not name or forum_id in forums:
                continue
            forums[forum_id] = Forum(forum_id, name, _sections(link))
    if not forums:
        raise refuse(root, "forum index", "menu of forums (.l-menu with topiclist.php links)")
    return tuple(forums.values())


def _sections(link: HtmlElement) -> tuple[str, ...]:
    """The names of the menu sections around a forum link, outermost first."""
    found: list[str] = []
    for parent in link.iterancestors("li"):
        head = next(parent.iter("a"), None)
        if head is None or head is link or css.FORUM_ID.search(attr(head, "href")):
            continue
        name = inline_text(head)
        if name:
            found.append(name)
    return tuple(reversed(found))


def forum_key(text: str) -> str:
    """A name as compared: width-folded (（ -> (), case-folded, without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def names_of(forum: Forum) -> set[str]:
    """The keys a forum answers to: its name, and its name with any of its sections after it."""
    own = forum_key(forum.name)
    return {own, *(own + forum_key(f"({section})") for section in forum.sections)}


def find_forum(name: str, forums: Iterable[Forum]) -> Forum:
    """The one forum a channel name means (`KYMCO (250cc以下)`, `新聞與時事 (生活娛樂)`).

    A name matches a forum's own name or `name (section)`; spaces and full-width brackets do
    not matter. No match, or several, raises ForumNotFound with a one-line reason.
    """
    key = forum_key(name)
    candidates: Sequence[Forum] = tuple(forums)
    exact = [f for f in candidates if forum_key(f.name) == key]
    matches = exact or [f for f in candidates if key in names_of(f)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ForumNotFound(f"no forum named {name!r} on the site's forum index")
    shown = ", ".join(f"{f.name} (f={f.forum_id}, {' > '.join(f.sections)})" for f in matches[:4])
    raise ForumNotFound(f"{name!r} names {len(matches)} forums: {shown}; add its section")
