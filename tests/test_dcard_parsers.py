"""Dcard API parsers: golden files over every real answer, hand-checked facts, refusals.

Each golden case is `tests/golden/dcard/<case>/meta.json` (which answer, which parser, the URL)
and `expected.json` (the parse, with long texts and long lists summarised). The answer is a real
one under ../shared/fixtures/real (`"source"`) or one the project wrote (`"fixture"`, a file in
tests/fixtures/dcard). `BUZZ_UPDATE_GOLDEN=1 pytest tests/test_dcard_parsers.py` rewrites
expected.json; review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.dcard import (
    DcardParseError,
    aliases_by_name,
    parse_comments,
    parse_forums,
    parse_post,
    parse_posts,
)
from crawlers.sources import get

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "dcard"
FIXTURES = TESTS / "fixtures" / "dcard"
SHARED_REAL = TESTS.parent.parent / "shared" / "fixtures" / "real"
MAX_FULL = 40
KEEP = 5
UPDATE = os.environ.get("BUZZ_UPDATE_GOLDEN") == "1"
REAL_KINDS = {
    "dcard_api_v2_forum_photography_posts_2022-06-30.json": "posts",
    "dcard_api_v2_forums_2016.json": "forums",
    "dcard_api_v2_forums_all_2016.json": "forums",
    "dcard_api_v2_forums_list_2024-03.json": "forums",
    "dcard_api_v2_post_metas_2016.json": "posts",
    "dcard_api_v2_posts_2016.json": "posts",
    "dcard_api_v2_single_post_comments_2016.json": "comments",
    "dcard_api_v2_single_post_content_2016.json": "post",
    "dcard_api_v2_single_post_single_comments_2016.json": "comments",
}
"""Every real Dcard answer and the parser that reads it."""


@dataclass(frozen=True)
class Case:
    """One golden case: its folder and what meta.json says."""

    name: str
    folder: Path
    source: str
    parser: str
    own: bool
    url: str | None


def cases() -> list[Case]:
    """Every golden case, by name."""
    found = []
    for meta_path in sorted(GOLDEN.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        found.append(
            Case(
                name=meta_path.parent.name,
                folder=meta_path.parent,
                source=meta.get("fixture") or meta["source"],
                parser=meta["parser"],
                own="fixture" in meta,
                url=meta.get("url"),
            )
        )
    return found


def shared(relative: str) -> bytes:
    """Bytes of a real answer under ../shared/fixtures/real, or skip when that folder is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} not present: the Dcard golden tests need ../shared/fixtures")
    return (SHARED_REAL / relative).read_bytes()


def real(name: str) -> bytes:
    """A real Dcard answer by file name."""
    return shared(f"dcard/{name}")


def _sha(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _short(record: dict[str, Any]) -> dict[str, Any]:
    """A record with its long texts as length, digest and head (posts are not re-published)."""
    out = dict(record)
    for key in ("body", "content", "description"):
        text = out.get(key)
        if isinstance(text, str) and len(text) > 60:
            out[key] = {"length": len(text), "sha256": _sha(text), "head": text[:30]}
    return out


def summarise(parsed: dict[str, Any]) -> dict[str, Any]:
    """The golden form of a parse: long lists cut to their ends with a count and a digest."""
    out = _short(parsed)
    for key in ("forums", "posts", "comments"):
        items = out.get(key)
        if not isinstance(items, list):
            continue
        shortened = [_short(i) for i in items]
        if len(items) > MAX_FULL:
            out[key] = {
                "count": len(items),
                "sha256": _sha(items),
                "first": shortened[:KEEP],
                "last": shortened[-KEEP:],
            }
        else:
            out[key] = shortened
    return out


def run(case: Case) -> dict[str, Any]:
    """Parse the case's answer through the registered parser, as `buzz parse` does."""
    data = (FIXTURES / case.source).read_bytes() if case.own else shared(case.source)
    parser = get("dcard").parser(case.parser)
    return summarise(dict(parser.parse(data, case.url, None)))


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_parse_matches_golden_file(case: Case) -> None:
    actual = run(case)
    expected_path = case.folder / "expected.json"
    if UPDATE:
        text = json.dumps(actual, ensure_ascii=False, indent=2) + "\n"
        expected_path.write_text(text, encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"{expected_path} missing: run with BUZZ_UPDATE_GOLDEN=1 and review it")
    assert actual == json.loads(expected_path.read_text(encoding="utf-8"))


def test_every_real_dcard_answer_has_a_golden_case() -> None:
    sources = {c.source for c in cases() if not c.own}
    assert sources == {f"dcard/{name}" for name in REAL_KINDS}
    assert all(c.parser == REAL_KINDS[c.source.split("/")[-1]] for c in cases() if not c.own)
    if SHARED_REAL.is_dir():
        assert {p.name for p in (SHARED_REAL / "dcard").glob("*.json")} == set(REAL_KINDS)


# --- facts checked by hand against ../shared/fixtures/real/PROVENANCE.md ---------------------


def test_forum_lists_of_2016_and_2024() -> None:
    assert len(parse_forums(real("dcard_api_v2_forums_2016.json"))) == 35
    assert len(parse_forums(real("dcard_api_v2_forums_all_2016.json"))) == 138
    forums = parse_forums(real("dcard_api_v2_forums_list_2024-03.json"))
    assert len(forums) == 1209
    by_alias = {f.alias: f for f in forums}
    assert (by_alias["makeup"].name, by_alias["makeup"].subscription_count) == ("美妝", 1313515)
    assert (by_alias["relationship"].name, by_alias["relationship"].subscription_count) == (
        "感情",
        1522967,
    )
    assert (by_alias["stock"].name, by_alias["stock"].subscription_count) == ("股票", 769854)
    names = aliases_by_name(forums)
    assert len(names) == 1209  # names are unique: a name is a forum
    for name in get("dcard").default_channels:
        assert name in names, name
    assert names["心情"] == "mood" and names["時事"] == "trending"


def test_post_metas_2016_are_thirty_funny_posts() -> None:
    posts = parse_posts(real("dcard_api_v2_post_metas_2016.json"))
    assert len(posts) == 30
    assert {(p.forum, p.forum_name) for p in posts} == {("funny", "有趣")}
    assert sum(p.comment_count for p in posts) == 70
    assert max(p.like_count for p in posts) == 21
    assert all(p.body_is_excerpt and p.schema == "2016" for p in posts)
    assert not any(p.hidden or p.deleted or p.pinned for p in posts)
    times = sorted(p.created_at.isoformat() for p in posts if p.created_at)
    assert times[0].startswith("2016-07-15T17:46") and times[-1].startswith("2016-07-15T19:08")
    assert [p.id for p in posts] == sorted((p.id for p in posts), reverse=True)


def test_saved_bundles_read_their_content() -> None:
    posts = parse_posts(real("dcard_api_v2_posts_2016.json"))
    assert len(posts) == 30
    first = posts[0]
    assert (first.id, first.title, first.comment_count) == (224362515, "被我弟害死....", 0)
    assert not first.body_is_excerpt and first.body.endswith("而我弟在房門口對我微笑")
    assert sum(p.comment_count for p in posts) == 70


def test_single_post_content_2016() -> None:
    post = parse_post(real("dcard_api_v2_single_post_content_2016.json"))
    assert (post.id, post.title) == (224341009, "#圖 1件比基尼征服8種男人的眼👀")
    assert (post.forum, post.forum_name) == ("girl", "女孩")
    assert (post.comment_count, post.like_count) == (375, 14933)
    assert post.created_at is not None
    assert post.created_at.isoformat(timespec="milliseconds") == "2016-07-11T05:32:42.884+08:00"
    assert not post.deleted and not post.hidden and not post.body_is_excerpt
    assert post.tags[:3] == ("交叉", "比基尼", "董事長")


def test_comments_2016_floors_hidden_and_pages() -> None:
    comments = parse_comments(real("dcard_api_v2_single_post_comments_2016.json"))
    assert len(comments) == 375
    assert [c.floor for c in comments] == list(range(1, 376))
    assert {c.post_id for c in comments} == {224341009}
    hidden = [c for c in comments if c.hidden]
    assert [c.floor for c in hidden] == [148, 225, 332, 343]
    assert all(c.content == "" and c.like_count is None and c.school is None for c in hidden)
    assert not any(c.deleted for c in comments)
    assert max(c.like_count or 0 for c in comments) == 3163
    assert Counter(c.report_reason for c in comments)["insult"] == 1
    first_page = parse_comments(real("dcard_api_v2_single_post_single_comments_2016.json"))
    assert first_page == comments[:30]


def test_posts_2022_photography() -> None:
    posts = parse_posts(real("dcard_api_v2_forum_photography_posts_2022-06-30.json"))
    assert len(posts) == 30
    assert {p.schema for p in posts} == {"2022"} and {p.forum for p in posts} == {"photography"}
    first = posts[0]
    assert (first.id, first.title, first.comment_count, first.like_count) == (
        239323694,
        "#作品 眼中所見的記錄。",
        1,
        10,
    )
    assert sum(p.comment_count for p in posts) == 88
    assert max(p.like_count for p in posts) == 100
    assert all(
        p.total_comment_count is not None and p.total_comment_count >= p.comment_count
        for p in posts
    )
    nick = [p for p in posts if p.author]
    assert nick and all(p.school for p in nick)  # a nickname: department is the handle
    assert posts[1].author == "wuxiao" and posts[1].school == "貝果🥯"
    assert posts[6].reply_id == 239318898
    times = [p.created_at for p in posts if p.created_at]
    assert len(times) == 30 and times == sorted(times, reverse=True)


# --- BOM, refusals and wrong answers ---------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REAL_KINDS))
def test_a_leading_bom_changes_nothing(name: str) -> None:
    data = real(name)
    parser = get("dcard").parser(REAL_KINDS[name])
    assert parser.parse(b"\xef\xbb\xbf" + data, None, None) == parser.parse(data, None, None)


@pytest.mark.parametrize("fixture", ["challenge_cloudflare.html", "forbidden_403.html"])
@pytest.mark.parametrize("parse", [parse_forums, parse_posts, parse_post, parse_comments])
def test_a_challenge_or_403_page_is_refused_with_challenge_in_one_line(
    fixture: str, parse: Any
) -> None:
    data = (FIXTURES / fixture).read_bytes()
    with pytest.raises(DcardParseError) as info:
        parse(data)
    message = str(info.value)
    assert "challenge" in message and "\n" not in message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"<html><body>maintenance</body></html>", "HTML page"),
        (b'{"posts": [', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"error code: 1020", "challenge"),
        (b"Forbidden", "challenge"),
    ],
)
def test_what_is_not_dcard_json_gets_a_one_line_reason(data: bytes, words: str) -> None:
    with pytest.raises(DcardParseError, match=words) as info:
        parse_posts(data)
    assert "challenge" not in str(info.value) or words == "challenge"


def test_json_mentioning_cloudflare_is_data_not_a_challenge() -> None:
    comment = {
        "id": "x",
        "postId": 1,
        "floor": 1,
        "content": "Cloudflare 403 Forbidden just a moment",
        "createdAt": "2019-02-05T14:10:00.000Z",
        "hidden": False,
    }
    (parsed,) = parse_comments(json.dumps([comment]).encode())
    assert parsed.content.startswith("Cloudflare")


def test_wrong_kinds_and_error_objects_are_refused() -> None:
    post = (FIXTURES / "post_not_found.json").read_bytes()
    with pytest.raises(DcardParseError, match="error 1202"):
        parse_posts(post)
    with pytest.raises(DcardParseError, match="error 1201: Forum not found"):
        parse_posts((FIXTURES / "forum_not_found.json").read_bytes())
    with pytest.raises(DcardParseError, match="a list, not one post"):
        parse_post(b"[]")
    with pytest.raises(DcardParseError, match="post 1: id is a str"):
        parse_posts(b'[{"id": "1", "title": "t", "forumAlias": "a", "createdAt": "2019-01-01"}]')
    with pytest.raises(DcardParseError, match="has no offset"):
        parse_posts(b'[{"id": 1, "title": "t", "forumAlias": "a", "createdAt": "2019-01-01"}]')
    with pytest.raises(DcardParseError, match="comment 1: floor is a bool"):
        parse_comments(b'[{"id": "a", "postId": 1, "floor": true, "createdAt": "2019-01-01Z"}]')
    assert parse_posts(b"[]") == ()


def test_post_not_found_is_a_deleted_post_with_its_reason() -> None:
    url = "https://www.dcard.tw/service/api/v2/posts/230486899"
    post = parse_post((FIXTURES / "post_not_found_wash.json").read_bytes(), url=url)
    assert (post.id, post.deleted, post.removed_reason) == (
        230486899,
        True,
        "wash: 惡意洗板、重複張貼",
    )
    plain = parse_post((FIXTURES / "post_not_found.json").read_bytes())
    assert (plain.id, plain.deleted, plain.removed_reason) == (0, True, "Post not found")


def test_own_2022_list_flags_pinned_hidden_reply_and_persona() -> None:
    posts = parse_posts((FIXTURES / "posts_2022_pinned_hidden_bom.json").read_bytes())
    pinned, persona, hidden = posts
    assert pinned.pinned and not pinned.hidden
    assert persona.author == "lipstick_lab" and persona.total_comment_count == 15
    assert hidden.hidden and hidden.reply_id == 230511111 and hidden.body == ""
    assert hidden.created_at == datetime.fromisoformat("2019-02-05T21:00:00+08:00")


def test_own_comments_tell_hidden_from_deleted_where_the_answer_does() -> None:
    comments = parse_comments((FIXTURES / "comments_hidden_deleted.json").read_bytes())
    assert [(c.floor, c.hidden, c.deleted, c.shown) for c in comments] == [
        (1, False, False, True),
        (2, True, False, False),
        (3, True, True, False),
        (4, False, False, True),
    ]
    assert comments[3].host and comments[1].report_reason == "insult"
