"""`/pages/search?q=<name>&fields=id,name,link`: pages by name, to map a shown name to its id."""

from __future__ import annotations

from crawlers.pages.facebook.data import FacebookPage
from crawlers.pages.facebook.graph import envelope, obj, text


def parse_pages(data: bytes | str) -> tuple[FacebookPage, ...]:
    """The pages found, in the order given."""
    _, items = envelope(data, "pages search")
    found = []
    for n, raw in enumerate(items, start=1):
        what = f"page {n}"
        item = obj(raw, what)
        page_id = text(item, "id", what, required=True)
        name = text(item, "name", what, required=True)
        assert page_id is not None and name is not None
        found.append(FacebookPage(page_id, name, text(item, "link", what)))
    return tuple(found)


def page_id_named(pages: tuple[FacebookPage, ...], name: str) -> str | None:
    """The id of the page whose shown name is exactly `name` (search also finds look-alikes)."""
    for page in pages:
        if page.name == name:
            return page.id
    return None
