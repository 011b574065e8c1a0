"""Graph API parsers: a golden file over the real page-posts answer, pages we wrote, refusals.

The real answer (../shared/fixtures/real/facebook, a 2021 `/{page-id}/posts` answer) has no
`permalink_url` and no summaries (its `fields` did not ask for them) and posts with no
`message`; the answers under tests/fixtures/facebook are ours, in the shapes the Graph API
documents for what the spider asks (summaries, comments with paging, error objects).
`BUZZ_UPDATE_GOLDEN=1 pytest tests/test_facebook_parsers.py` rewrites the expected files.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.facebook import (
    FacebookParseError,
    GraphApiError,
    page_id_named,
    parse_comments,
    parse_pages,
    parse_posts,
)
from crawlers.sources import get

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "facebook"
FIXTURES = TESTS / "fixtures" / "facebook"
REAL = TESTS.parent.parent / "shared" / "fixtures" / "real" / "facebook"
REAL_POSTS = REAL / "facebook_graph_api_page_posts_response_2021.json"
UPDATE = os.environ.get("BUZZ_UPDATE_GOLDEN") == "1"


def _real(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"{path} is absent (the shared real fixtures are not beside the project)")
    return path.read_bytes()


def _golden(name: str, got: Any) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == got, f"{path} differs"


def _summarised(parsed: dict[str, Any]) -> dict[str, Any]:
    """Long texts of a real answer as length, digest and head: the golden file copies no post."""
    out = dict(parsed)
    for key in ("after", "before"):
        if isinstance(out.get(key), str):
            out[key] = {"length": len(out[key]), "sha256": _sha(out[key]), "head": out[key][:12]}
    posts = []
    for post in parsed["posts"]:
        short = dict(post)
        for key in ("message", "story"):
            text = short.get(key)
            if isinstance(text, str) and len(text) > 40:
                short[key] = {"length": len(text), "sha256": _sha(text), "head": text[:30]}
        posts.append(short)
    out["posts"] = posts
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_real_page_posts_match_their_golden_file() -> None:
    _golden("real_page_posts_2021", _summarised(parse_posts(_real(REAL_POSTS)).to_dict()))


def test_real_page_posts_facts() -> None:
    page = parse_posts(_real(REAL_POSTS))
    assert len(page.posts) == 7
    first, cover = page.posts[0], page.posts[5]
    assert first.id == "101569698587025_144173444326650"
    assert first.created_at == datetime.fromisoformat("2021-04-21T20:42:28+00:00")
    assert first.message.startswith("Everyone started their journey as a NOOB.")
    # A story-only post (a cover photo changed) has no `message`.
    assert cover.message == "" and cover.story == "Khilji bhai updated their cover photo."
    assert all(p.permalink_url is None and p.comment_total is None for p in page.posts)
    assert [p.created_at for p in page.posts] == sorted(
        (p.created_at for p in page.posts), reverse=True
    )
    # Cursors but no `next` URL: the last page of the edge.
    assert page.paging.next_url is None
    assert page.paging.after is not None and page.paging.after.startswith("QVFIUklScjJO")
    assert page.paging.before is not None and page.paging.before.startswith("QVFIUlE1bzN6")


def test_real_posts_become_items_with_a_token_free_url() -> None:
    from crawlers.sources import facebook

    post = parse_posts(_real(REAL_POSTS)).posts[0]
    item = facebook.post_item(post, "Khilji bhai", (), post.created_at, counts_only=False)
    assert item.url == "https://www.facebook.com/101569698587025/posts/144173444326650"
    assert item.title.startswith("Everyone started") and item.reply_total is None


def test_posts_with_summaries_and_paging() -> None:
    page = parse_posts((FIXTURES / "posts_with_summaries.json").read_bytes())
    _golden("posts_with_summaries", page.to_dict())
    assert [p.comment_total for p in page.posts] == [312, 0]
    assert page.posts[0].reaction_total == 1045
    assert page.paging.next_url is not None and "after=QVFIUnh5ejEyMw" in page.paging.next_url


def test_comments_page_has_times_total_and_next() -> None:
    page = parse_comments((FIXTURES / "comments_page.json").read_bytes())
    _golden("comments_page", page.to_dict())
    assert page.total == 312 and [c.message for c in page.comments] == ["@林小美 一起抽！", ""]
    assert page.paging.after == "WTI5dGJXVnVkRjlqZAFhKemIzSTZANakl4"


def test_pages_search_maps_a_shown_name_to_its_id_exactly() -> None:
    pages = parse_pages((FIXTURES / "pages_search.json").read_bytes())
    assert page_id_named(pages, "GirlStyle 台灣女生日常") == "350540028367087"
    assert page_id_named(pages, "GirlStyle") is None


@pytest.mark.parametrize(
    ("name", "code", "flag"),
    [
        ("error_token_expired", 190, "token_refused"),
        ("error_permission", 10, "permission"),
        ("error_deleted_post", 100, "missing"),
        ("error_rate_limit", 17, "rate_limited"),
    ],
)
def test_graph_error_objects_are_raised_with_their_code(name: str, code: int, flag: str) -> None:
    data = (FIXTURES / f"{name}.json").read_bytes()
    for parse in (parse_posts, parse_comments, parse_pages):
        with pytest.raises(GraphApiError) as info:
            parse(data)
        assert info.value.code == code and getattr(info.value, flag)
        others = {"token_refused", "permission", "missing", "rate_limited"} - {flag}
        assert not any(getattr(info.value, o) for o in others)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><title>Just a moment...</title>", "challenge"),
        (b"<html><body>Facebook</body></html>", "HTML page"),
        (b'{"data": [{"id": "1_2", "created_time"', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "a JSON list"),
        (b'{"paging": {}}', "no `data` list"),
        (b'{"data": [{"id": "1_2", "created_time": "yesterday"}]}', "not a Graph API time"),
        (b'{"data": [{"created_time": "2019-02-05T04:10:00+0000"}]}', "no `id`"),
        (
            b'{"data": [{"id": "1_2", "created_time": "2019-02-05T04:10:00+0000", "message": 5}]}',
            "not a string",
        ),
        (
            b'{"data": [{"id": "1_2", "created_time": "2019-02-05T04:10:00+0000",'
            b' "comments": {"summary": {"total_count": -1}}}]}',
            "not a count",
        ),
    ],
)
def test_bad_answers_are_refused_in_one_line(data: bytes, words: str) -> None:
    with pytest.raises(FacebookParseError) as info:
        parse_posts(data)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_registry_names_the_parsers_and_the_token_variable() -> None:
    source = get("facebook")
    assert [p.kind for p in source.parsers] == ["pages", "posts", "comments"]
    assert all(p.error is FacebookParseError for p in source.parsers)
    assert source.credential_env == "BUZZ_FACEBOOK_TOKEN"
    assert source.parser("posts").parse(_real(REAL_POSTS), None, None)["after"]
