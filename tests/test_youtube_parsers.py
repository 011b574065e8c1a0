"""YouTube Data API parsers: golden files over every real answer, hand-checked facts, refusals.

Each real answer under ../shared/fixtures/real/youtube has `tests/golden/youtube/<file stem>.json`,
the registry parser's output. `BUZZ_UPDATE_GOLDEN=1 pytest tests/test_youtube_parsers.py`
rewrites them; review the diff before committing it. The channels and playlistItems routes have
no real answer there: they are checked on answers written here in the documented shape.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.pages.youtube import (
    YoutubeParseError,
    parse_channels,
    parse_comment_threads,
    parse_comments,
    parse_error,
    parse_playlist_items,
    parse_videos,
)
from crawlers.sources import get

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "youtube"
REAL = TESTS.parent.parent / "shared" / "fixtures" / "real" / "youtube"
UPDATE = os.environ.get("BUZZ_UPDATE_GOLDEN") == "1"
REAL_KINDS = {
    "youtube_api_v3_commentThreads_by_video_paged_1.json": "comment-threads",
    "youtube_api_v3_commentThreads_by_video_paged_2.json": "comment-threads",
    "youtube_api_v3_commentThreads_multi.json": "comment-threads",
    "youtube_api_v3_commentThreads_single.json": "comment-threads",
    "youtube_api_v3_comments_by_parent_paged_1.json": "comments",
    "youtube_api_v3_comments_by_parent_paged_2.json": "comments",
    "youtube_api_v3_videos_chart_paged_1.json": "videos",
    "youtube_api_v3_videos_chart_paged_2.json": "videos",
    "youtube_api_v3_videos_info_multi.json": "videos",
    "youtube_api_v3_videos_info_single.json": "videos",
    "youtube_api_v3_videos_list_with_statistics_single.json": "videos",
}
"""Every real YouTube answer and the parser that reads it."""


def real(name: str) -> bytes:
    """A real answer; skip (fail under BUZZ_REQUIRE_SHARED=1) when ../shared is absent."""
    path = REAL / name
    if not path.is_file():
        if os.environ.get("BUZZ_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} missing and BUZZ_REQUIRE_SHARED=1")
        pytest.skip(f"{path} absent: real YouTube answers live in ../shared/fixtures/real")
    return path.read_bytes()


def test_every_real_answer_has_a_golden_case() -> None:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} absent")
    assert sorted(p.name for p in REAL.glob("*.json")) == sorted(REAL_KINDS)


@pytest.mark.parametrize("name", sorted(REAL_KINDS))
def test_real_answer_parses_to_its_golden_file(name: str) -> None:
    parser = get("youtube").parser(REAL_KINDS[name])
    parsed = json.loads(json.dumps(parser.parse(real(name), None, None), ensure_ascii=False))
    golden = GOLDEN / f"{Path(name).stem}.json"
    if UPDATE or not golden.is_file():
        if not UPDATE:
            pytest.fail(f"{golden} missing: run with BUZZ_UPDATE_GOLDEN=1 and review it")
        golden.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(parsed, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        golden.write_text(text, encoding="utf-8")
    assert parsed == json.loads(golden.read_text(encoding="utf-8"))


def test_comment_threads_facts_of_the_real_pages() -> None:
    """The facts PROVENANCE.md records, read back: ids, times, reply counts, the token."""
    first = parse_comment_threads(real("youtube_api_v3_commentThreads_by_video_paged_1.json"))
    assert first.next_page_token and first.next_page_token.startswith("QURTSl9p")
    assert len(first.threads) == 5 and first.total_results == 5
    top = first.threads[0]
    assert top.id == top.top.id == "UgyZ1jqkHKYvi1-ruOZ4AaABAg" and top.video_id == "F1UP7wRCPH8"
    assert top.top.published_at == datetime.fromisoformat("2019-11-26T15:51:44+00:00")
    assert [t.top.published_at for t in first.threads] == sorted(
        (t.top.published_at for t in first.threads), reverse=True
    ), "order=time: newest thread first"
    # A thread with replies the answer did not embed (part=snippet): they need comments?parentId=
    waiting = [t for t in first.threads if not t.replies_embedded_all]
    assert [(t.total_reply_count, len(t.replies)) for t in waiting] == [(2, 0)]
    last = parse_comment_threads(real("youtube_api_v3_commentThreads_by_video_paged_2.json"))
    assert last.next_page_token is None
    multi = parse_comment_threads(real("youtube_api_v3_commentThreads_multi.json"))
    assert multi.total_results == 2 and multi.threads[1].id == "UgyrVQaFfEdvaSzstj14AaABAg"
    single = parse_comment_threads(real("youtube_api_v3_commentThreads_single.json"))
    (thread,) = single.threads
    assert thread.top.text.startswith("Super video !!!\nWith full power")  # textOriginal, no <br />
    assert thread.top.author_channel_id == "UClfzT4CU_yaZjJaI4pKqSjQ"
    assert thread.can_reply and thread.is_public and thread.top.like_count == 0


def test_replies_by_parent_are_paged_newest_first() -> None:
    one = parse_comments(real("youtube_api_v3_comments_by_parent_paged_1.json"))
    two = parse_comments(real("youtube_api_v3_comments_by_parent_paged_2.json"))
    assert one.next_page_token and two.next_page_token is None
    replies = one.comments + two.comments
    assert len(replies) == 3 and {r.parent_id for r in replies} == {"Ugw5zYU6n9pmIgAZWvN4AaABAg"}
    assert all(r.id.startswith("Ugw5zYU6n9pmIgAZWvN4AaABAg.") for r in replies)
    assert [r.text for r in one.comments] == [
        "this is the third reply!",
        "this is the second reply!",
    ]
    times = [r.published_at for r in replies]
    assert times == sorted(times, reverse=True)


def test_video_counts_are_read_from_strings_and_absent_without_statistics() -> None:
    (video,) = parse_videos(real("youtube_api_v3_videos_list_with_statistics_single.json")).videos
    assert (video.id, video.comment_count, video.view_count) == ("D-lhorsDlUQ", 32, 7920)
    assert video.title == "What are Actions on Google (Assistant on Air)"
    assert video.published_at == datetime.fromisoformat("2019-03-21T20:37:49+00:00")
    (bare,) = parse_videos(real("youtube_api_v3_videos_info_single.json")).videos
    assert bare.comment_count is None and bare.view_count is None
    chart = parse_videos(real("youtube_api_v3_videos_chart_paged_1.json"))
    assert chart.next_page_token == "CAUQAA" and chart.total_results == 8
    assert chart.videos[0].title == "GIDDY UP ( OFFICIAL MUSIC VIDEO )"
    assert parse_videos(real("youtube_api_v3_videos_chart_paged_2.json")).next_page_token is None


CHANNELS = b"""{
  "kind": "youtube#channelListResponse",
  "etag": "\\"x/abc\\"",
  "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
  "items": [{"kind": "youtube#channel", "etag": "\\"x/def\\"", "id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
    "snippet": {"title": "Google for Developers"},
    "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": "UU_x5XG1OV2P6uZZ5FSM9Ttw"}}}]
}"""
NO_CHANNEL = (
    b'{"kind": "youtube#channelListResponse", "etag": "\\"x/a\\"",'
    b' "pageInfo": {"totalResults": 0, "resultsPerPage": 5}}'
)
PLAYLIST = b"""{
  "kind": "youtube#playlistItemListResponse", "etag": "\\"x/p\\"",
  "nextPageToken": "EAAaBlBUOkNBVQ",
  "items": [
    {"kind": "youtube#playlistItem", "etag": "\\"x/1\\"", "id": "VVVf",
     "snippet": {"publishedAt": "2019-03-21T20:37:49Z", "title": "What are Actions on Google",
                 "position": 0, "resourceId": {"kind": "youtube#video", "videoId": "D-lhorsDlUQ"}},
     "contentDetails": {"videoId": "D-lhorsDlUQ", "videoPublishedAt": "2019-03-21T20:37:49Z"}},
    {"kind": "youtube#playlistItem", "etag": "\\"x/2\\"", "id": "VVVg",
     "snippet": {"publishedAt": "2019-03-20T10:00:00Z", "title": "Deleted video", "position": 1,
                 "description": "This video is unavailable.", "thumbnails": {},
                 "resourceId": {"kind": "youtube#video", "videoId": "ovdbrdCIP7U"}},
     "contentDetails": {"videoId": "ovdbrdCIP7U"}}
  ],
  "pageInfo": {"totalResults": 120, "resultsPerPage": 2}
}"""


def test_channels_and_uploads_in_the_documented_shape() -> None:
    (channel,) = parse_channels(CHANNELS)
    assert (channel.id, channel.uploads) == ("UC_x5XG1OV2P6uZZ5FSM9Ttw", "UU_x5XG1OV2P6uZZ5FSM9Ttw")
    assert parse_channels(NO_CHANNEL) == ()  # no channel of that handle: `items` left out
    page = parse_playlist_items(PLAYLIST)
    assert page.next_page_token == "EAAaBlBUOkNBVQ" and page.total_results == 120
    kept, deleted = page.entries
    assert kept.published_at == kept.at and deleted.published_at is None
    assert deleted.title == "Deleted video" and deleted.at == datetime.fromisoformat(
        "2019-03-20T10:00:00+00:00"
    )


QUOTA = (
    b'{"error": {"code": 403, "message": "The request cannot be completed because you have'
    b' exceeded your <a href=\\"/youtube/v3/getting-started#quota\\">quota</a>.",'
    b' "errors": [{"message": "...", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}'
)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<!DOCTYPE html><title>Just a moment...</title>", "challenge"),
        (b"<html><body>Bad gateway</body></html>", "not a JSON object"),
        (b"", "empty"),
        (b'{"kind": "youtube#commentThreadListResponse", "items": [', "not JSON"),
        (b'{"kind": "youtube#videoListResponse", "items": []}', "not a youtube#commentThread"),
        (QUOTA, "error 403 quotaExceeded"),
        (
            b'{"kind": "youtube#commentThreadListResponse", "items": [{"kind":'
            b' "youtube#commentThread", "id": "a", "snippet": {"topLevelComment": {"id": "a",'
            b' "snippet": {"publishedAt": "yesterday"}}}}]}',
            "items[0] topLevelComment (a): publishedAt is not a time",
        ),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_what_is_not_an_answer_is_refused_in_one_line(body: bytes, words: str) -> None:
    with pytest.raises(YoutubeParseError) as caught:
        parse_comment_threads(body)
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_error_objects_are_read_with_their_reason() -> None:
    error = parse_error(QUOTA)
    assert error is not None and (error.code, error.reason) == (403, "quotaExceeded")
    assert parse_error(b"<html>") is None and parse_error(CHANNELS) is None


def test_every_parser_is_in_the_registry_with_its_error() -> None:
    kinds = {p.kind: p for p in get("youtube").parsers}
    assert set(kinds) == {"channels", "playlist-items", "videos", "comment-threads", "comments"}
    assert {p.error for p in kinds.values()} == {YoutubeParseError}
    assert kinds["channels"].parse(CHANNELS, None, None)["channels"][0]["uploads"].startswith("UU")
