"""Dcard's registry entry: names, channel pattern, the mapping to neutral items, retirement."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.deletions import retire_absent
from crawlers.items import ListingRow
from crawlers.pages.dcard import TAIPEI, DcardComment, DcardPost
from crawlers.pipelines import records
from crawlers.sources import StoredThread, get
from crawlers.sources.dcard import SOURCE, listing_row, position, post_item, replies, thread_key

SHARED = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
T = datetime(2019, 2, 5, 12, 0, tzinfo=TAIPEI)


def post(post_id: int, pinned: bool = False, hidden: bool = False) -> DcardPost:
    """A post record with only what these tests look at set."""
    return DcardPost(
        id=post_id,
        forum="makeup",
        forum_name="美妝",
        title="#心得 粉底",
        body="用了兩週",
        body_is_excerpt=False,
        created_at=T,
        updated_at=T,
        comment_count=3,
        total_comment_count=3,
        like_count=5,
        deleted=False,
        hidden=hidden,
        pinned=pinned,
        reply_id=None,
        author="lipstick_lab",
        school="唇膏實驗室",
        gender="F",
        categories=("心得",),
        tags=(),
        schema="2022",
    )


def comment(floor: int, cid: str = "", hidden: bool = False, deleted: bool = False) -> DcardComment:
    """A comment record."""
    return DcardComment(
        id=cid or f"c{floor}",
        post_id=1,
        floor=floor,
        content="" if hidden or deleted else f"B{floor} 說話",
        created_at=T,
        updated_at=T,
        like_count=0,
        hidden=hidden,
        deleted=deleted,
        host=False,
        anonymous=True,
        school=None,
        gender=None,
        report_reason="",
    )


def test_the_entry_names_dcard_and_counts_exactly() -> None:
    assert get("dcard") is SOURCE
    assert (SOURCE.platform, SOURCE.label, SOURCE.counting) == ("dcard", "Dcard", "exact")
    assert (SOURCE.base_url_env, SOURCE.default_base_url) == (
        "DCARD_BASE_URL",
        "https://www.dcard.tw",
    )
    assert {"心情", "時事"} <= set(SOURCE.default_channels)
    assert {p.kind for p in SOURCE.parsers} == {"forums", "posts", "post", "comments"}


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("心情", True),
        ("3C", True),
        ("Nintendo Switch", True),
        ("Google/Android", True),
        ("(G)I-DLE", True),
        ("NU'EST", True),
        ("心情,時事", False),
        (" 心情", False),
        ("心情 ", False),
        ('say "hi"', False),
        ("", False),
    ],
)
def test_channel_pattern_takes_forum_names_not_lists(name: str, ok: bool) -> None:
    assert bool(re.fullmatch(SOURCE.channel_pattern, name)) is ok


def test_every_real_forum_name_is_a_channel_name() -> None:
    path = SHARED / "dcard" / "dcard_api_v2_forums_list_2024-03.json"
    if not path.exists():
        pytest.skip(f"{SHARED} not present: needs ../shared/fixtures/real/dcard")
    names = [f["name"] for f in json.loads(path.read_text(encoding="utf-8"))]
    assert [n for n in names if not re.fullmatch(SOURCE.channel_pattern, n)] == []


def test_keys_and_positions_are_the_post_id() -> None:
    assert thread_key(230512345) == "230512345"
    assert position("230512345") == 230512345
    assert position("Stock/M.1.A.2") is None
    assert listing_row(post(7, pinned=True)) == ListingRow("7", 7, None, False, True)


def test_a_post_maps_to_a_thread_whose_replies_are_the_comments_there_to_read() -> None:
    comments = [
        comment(1),
        comment(2, hidden=True),
        comment(3, deleted=True),
        comment(4),
        comment(4, cid="c4"),  # the same comment twice (an overlapping page) is one reply
    ]
    item = post_item(
        post(230512345), "美妝", "https://www.dcard.tw/f/makeup/p/230512345", comments, T
    )
    assert (item.platform, item.channel, item.thread_key) == ("dcard", "美妝", "230512345")
    assert (item.category, item.author_id, item.author_nickname) == (
        "心得",
        "lipstick_lab",
        "唇膏實驗室",
    )
    assert [(r.key, r.tag, r.replied_at) for r in item.replies] == [
        ("c1", "B1", T),
        ("c4", "B4", T),
    ]
    thread, stored = records(item)
    assert thread.replies_complete and len(stored) == 2
    assert not post_item(post(1), "美妝", "u", [], T, complete=False).replies_complete
    assert replies([]) == ()


def stored(*ids: int) -> list[StoredThread]:
    """Stored live threads with those post ids."""
    return [StoredThread(str(i), i, None) for i in ids]


def test_posts_gone_from_a_run_of_list_pages_are_retired_and_only_inside_it() -> None:
    pages = {
        1: tuple(map(listing_row, [post(50, pinned=True), post(110), post(109), post(107)])),
        2: tuple(map(listing_row, [post(106), post(105, hidden=True), post(102), post(101)])),
    }
    gone = retire_absent(pages, stored(50, 99, 100, 101, 103, 104, 105, 108, 110, 111))
    # 103, 104 and 108 are missing between 101 and 110; a hidden post is still listed; the
    # pinned rules post (id 50) does not stretch the span down to it; 99, 100 lie below the
    # oldest row seen (maybe past the cutoff) and 111 above the newest.
    assert gone == ["103", "104", "108"]


def test_a_page_not_had_never_makes_a_post_look_deleted() -> None:
    pages = {
        1: tuple(map(listing_row, [post(110), post(109)])),
        3: tuple(map(listing_row, [post(101), post(100)])),
    }
    assert retire_absent(pages, stored(105)) == []
    assert retire_absent(pages, stored(109, 105, 101)) == []
    assert SOURCE.retire is retire_absent and SOURCE.position("105") == 105
