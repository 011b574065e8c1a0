"""The YouTube replica: the real answers' shapes, paging, the key, the quota, deletions, truth."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.youtube import (
    parse_channels,
    parse_comment_threads,
    parse_comments,
    parse_playlist_items,
    parse_videos,
)
from ranking.exclusions import classify
from ranking.models import ThreadCount
from ranking.windows import week_starting
from replica.clock import DEFAULT_NOW, DEFAULT_SEED
from replica.youtube.site import CREDENTIAL, Site, make_site
from replica.youtube.truth import week_truth
from replica.youtube.world import Video, build_world

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real" / "youtube"
API = "/youtube/v3"
WEEK = date(2019, 2, 4)


@pytest.fixture(scope="module")
def site() -> Site:
    return make_site(DEFAULT_SEED, DEFAULT_NOW, daily_quota=1_000_000)


def call(site: Site, route: str, **query: str) -> tuple[int, Any]:
    """One API call with the replica's key; (status, JSON)."""
    response = site.get(f"{API}/{route}", {"key": CREDENTIAL, **query}, {})
    return response.status, json.loads(response.body)


def real(name: str) -> Any:
    path = REAL / name
    if not path.is_file():
        if os.environ.get("BUZZ_REQUIRE_SHARED") == "1":
            pytest.fail(f"{path} missing and BUZZ_REQUIRE_SHARED=1")
        pytest.skip(f"{path} absent")
    return json.loads(path.read_text(encoding="utf-8"))


def shown_videos(site: Site) -> list[Video]:
    return [v for v in build_world(DEFAULT_SEED).videos() if v.exists_at(site.now)]


def busy_video(site: Site) -> Video:
    """The video with the longest thread (and hundreds of threads, several pages of each)."""
    return max(
        (v for v in shown_videos(site) if v.kind == "normal" and not v.deleted_by(site.now)),
        key=lambda v: max((len(t.shown_replies(site.now)) for t in v.threads), default=0),
    )


def keys(value: Any) -> set[str]:
    return set(value) if isinstance(value, dict) else set()


def test_answers_have_the_real_answers_fields(site: Site) -> None:
    """Every field the real 2019 answers carry, the replica's carry too, at every level."""
    real_page = real("youtube_api_v3_commentThreads_by_video_paged_1.json")
    video = busy_video(site)
    _, page = call(site, "commentThreads", part="snippet,replies", videoId=video.id)
    assert keys(real_page) <= keys(page)
    real_thread, thread = real_page["items"][0], page["items"][0]
    assert keys(real_thread) <= keys(thread)
    assert keys(real_thread["snippet"]) <= keys(thread["snippet"])
    real_top = real_thread["snippet"]["topLevelComment"]["snippet"]
    assert keys(real_top) <= keys(thread["snippet"]["topLevelComment"]["snippet"])
    real_reply = real("youtube_api_v3_comments_by_parent_paged_1.json")
    parent = max(video.shown_threads(site.now), key=lambda t: len(t.shown_replies(site.now)))
    _, replies = call(site, "comments", part="snippet", parentId=parent.top.id)
    assert keys(real_reply) <= keys(replies) and "totalResults" not in replies["pageInfo"]
    assert keys(real_reply["items"][0]["snippet"]) <= keys(replies["items"][0]["snippet"])
    real_video = real("youtube_api_v3_videos_list_with_statistics_single.json")["items"][0]
    _, videos = call(site, "videos", part="snippet,statistics", id=video.id)
    assert keys(real_video["statistics"]) <= keys(videos["items"][0]["statistics"])
    shared = {"publishedAt", "channelId", "title", "description", "channelTitle", "localized"}
    assert shared <= keys(videos["items"][0]["snippet"])
    assert isinstance(videos["items"][0]["statistics"]["commentCount"], str)  # counts as text


def test_thread_and_reply_pages_walk_every_comment_once(site: Site) -> None:
    video = busy_video(site)
    got: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        extra = {"pageToken": token} if token else {}
        status, body = call(
            site,
            "commentThreads",
            part="snippet,replies",
            videoId=video.id,
            maxResults="100",
            **extra,
        )
        assert status == 200
        page = parse_comment_threads(json.dumps(body).encode())
        got += [t.id for t in page.threads]
        pages += 1
        token = page.next_page_token
        if token is None:
            break
    shown = video.shown_threads(site.now)
    assert pages >= 3 and got == [t.top.id for t in shown]  # newest first, each once
    long = max(shown, key=lambda t: len(t.shown_replies(site.now)))
    replies: list[str] = []
    token = None
    while True:
        extra = {"pageToken": token} if token else {}
        _, body = call(
            site, "comments", part="snippet", parentId=long.top.id, maxResults="100", **extra
        )
        page_r = parse_comments(json.dumps(body).encode())
        replies += [c.id for c in page_r.comments]
        token = page_r.next_page_token
        if token is None:
            break
    assert len(replies) == len(set(replies)) == len(long.shown_replies(site.now)) > 100
    status, body = call(site, "comments", part="snippet", parentId=long.top.id, pageToken="bad")
    assert status == 400 and body["error"]["errors"][0]["reason"] == "invalidPageToken"


def test_threads_embed_at_most_five_replies_and_say_how_many(site: Site) -> None:
    video = busy_video(site)
    _, body = call(
        site, "commentThreads", part="snippet,replies", videoId=video.id, maxResults="100"
    )
    threads = parse_comment_threads(json.dumps(body).encode()).threads
    assert all(len(t.replies) <= 5 for t in threads)
    assert any(t.total_reply_count > len(t.replies) for t in threads)
    _, bare = call(site, "commentThreads", part="snippet", videoId=video.id)
    assert all("replies" not in item for item in bare["items"])


def test_the_uploads_playlist_pages_newest_first_and_keeps_deleted_videos(site: Site) -> None:
    status, body = call(site, "channels", part="snippet,contentDetails", forHandle="@VITO維特")
    (channel,) = parse_channels(json.dumps(body).encode())
    assert status == 200 and channel.uploads == "UU" + channel.id[2:]
    status, none = call(site, "channels", part="contentDetails", forHandle="nobody")
    assert status == 200 and "items" not in none and none["pageInfo"]["totalResults"] == 0
    entries = []
    token: str | None = None
    while True:
        extra = {"pageToken": token} if token else {}
        _, page_body = call(
            site,
            "playlistItems",
            part="snippet,contentDetails",
            playlistId=channel.uploads,
            maxResults="50",
            **extra,
        )
        page = parse_playlist_items(json.dumps(page_body).encode())
        entries += page.entries
        token = page.next_page_token
        if token is None:
            break
    times = [e.at for e in entries]
    assert len(entries) > 100 and times == sorted(times, reverse=True)  # type: ignore[type-var]
    deleted = [e for e in entries if e.published_at is None]
    assert deleted and all(e.title == "Deleted video" for e in deleted)
    _, videos = call(
        site, "videos", part="snippet,statistics", id=",".join(e.video_id for e in entries[:50])
    )
    found = {v.id for v in parse_videos(json.dumps(videos).encode()).videos}
    assert found == {e.video_id for e in entries[:50] if e.published_at is not None}
    gone = next(e for e in entries if e.published_at is None)
    status, error = call(site, "commentThreads", part="snippet", videoId=gone.video_id)
    assert status == 404 and error["error"]["errors"][0]["reason"] == "videoNotFound"


def test_comments_disabled_answers_403_and_no_comment_count(site: Site) -> None:
    video = next(v for v in shown_videos(site) if v.comments_disabled)
    status, body = call(site, "commentThreads", part="snippet", videoId=video.id)
    assert status == 403 and body["error"]["errors"][0]["reason"] == "commentsDisabled"
    _, videos = call(site, "videos", part="snippet,statistics", id=video.id)
    assert "commentCount" not in videos["items"][0]["statistics"]


def test_deleted_comments_are_not_served() -> None:
    site = make_site(DEFAULT_SEED, DEFAULT_NOW)
    world = build_world(DEFAULT_SEED)
    gone = next(
        (v, t)
        for v in world.videos()
        for t in v.threads
        if t.top.deleted_at
        and t.top.deleted_at <= site.now
        and not v.deleted_by(site.now)
        and not v.comments_disabled
    )
    video, thread = gone
    served = [t.top.id for t in video.shown_threads(site.now)]
    assert thread.top.id not in served
    assert (
        parse_comments(
            site.get(
                f"{API}/comments",
                {"key": CREDENTIAL, "part": "snippet", "parentId": thread.top.id},
                {},
            ).body
        ).comments
        == ()
    )


@pytest.mark.parametrize(
    ("key", "status", "reason"),
    [(None, 403, "forbidden"), ("AIzaSyNotTheReplicaKey00000000000000000", 400, "keyInvalid")],
)
def test_a_missing_or_wrong_key_is_refused_in_the_apis_shape(
    key: str | None, status: int, reason: str
) -> None:
    site = make_site(DEFAULT_SEED, DEFAULT_NOW)
    query = {"part": "contentDetails", "forHandle": "TheKellyYang"}
    response = site.get(f"{API}/channels", {**query, **({"key": key} if key else {})}, {})
    error = json.loads(response.body)["error"]
    assert response.status == status == error["code"]
    assert error["errors"][0]["reason"] == reason and error["message"]
    assert site.units_spent() == 0


def test_quota_is_counted_per_key_and_exhausted_past_the_daily_limit() -> None:
    site = make_site(DEFAULT_SEED, DEFAULT_NOW, daily_quota=3)
    query = {"key": CREDENTIAL, "part": "contentDetails", "forHandle": "TheKellyYang"}
    assert [site.get(f"{API}/channels", query, {}).status for _ in range(3)] == [200] * 3
    refused = site.get(f"{API}/channels", query, {})
    error = json.loads(refused.body)["error"]
    assert refused.status == 403 and error["errors"][0]["reason"] == "quotaExceeded"
    assert error["errors"][0]["domain"] == "youtube.quota"
    assert site.units_spent() == 3 and site.units_spent("another key") == 0


def test_the_quota_limit_can_be_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICA_YOUTUBE_QUOTA", "7")
    assert make_site(DEFAULT_SEED, DEFAULT_NOW).daily_quota == 7


def test_truth_counts_what_the_api_serves_in_the_week(site: Site) -> None:
    """Each video's truth equals a walk of its served threads and replies dated in the week."""
    truth = {t["thread_key"]: t for t in week_truth(WEEK, DEFAULT_NOW)["threads"]}
    window = week_starting(WEEK)
    checked = 0
    for video in shown_videos(site):
        row = truth.get(video.id)
        if row is None or row["status"] != "ok" or video.comments_disabled:
            continue
        served = 0
        for t in video.shown_threads(site.now):
            times = [t.top.at, *(r.at for r in t.shown_replies(site.now))]
            served += sum(1 for at in times if window.start <= at < window.end)
        assert served == row["new_replies"], row
        checked += 1
    assert checked > 50


def test_giveaway_videos_are_planted_in_the_week_and_the_rules_exclude_them() -> None:
    truth = week_truth(WEEK, DEFAULT_NOW)
    window = week_starting(WEEK)
    giveaways = [t for t in truth["threads"] if t["kind"] == "giveaway"]
    normal = sorted(
        (t["new_replies"] for t in truth["threads"] if t["kind"] == "normal"), reverse=True
    )
    # Each would stand near the top of the board if a rule missed it.
    assert len(giveaways) >= 2 and all(t["new_replies"] > normal[2] for t in giveaways)
    world = build_world(DEFAULT_SEED)
    for n, t in enumerate(truth["threads"]):
        video = world.by_id[t["thread_key"]]
        row = ThreadCount(
            n,
            "youtube",
            t["channel"],
            t["thread_key"],
            t["title"],
            t["url"],
            datetime.fromisoformat(t["posted_at"]),
            t["status"],
            t["new_replies"],
            body=video.description,
        )
        exclusion = classify(row, window)
        if t["kind"] == "giveaway":
            assert exclusion is not None and exclusion.reason == "giveaway", (t, exclusion)
        elif t["status"] == "ok" and exclusion is not None:
            assert exclusion.reason not in ("giveaway", "live"), (t, exclusion)
