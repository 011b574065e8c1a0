"""Crawl tallies, failure kinds, deleted-row matching, JOBDIR plans and week coverage."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, TimeoutError
from twisted.python.failure import Failure

from crawlers.completeness import ChannelTally, CrawlTally
from crawlers.deletions import retire_absent, retire_marked
from crawlers.failures import classify_failure
from crawlers.items import ListingRow
from crawlers.jobdir import MARKER, JobdirError, mark_closed, mark_running, prepare_jobdir
from crawlers.liveness import Holder
from crawlers.pipelines import run_status
from crawlers.sources import StoredThread
from ranking.coverage import week_coverage
from ranking.models import CrawlRecord
from ranking.windows import TAIPEI, parse_week

WEEK = parse_week("2019-02-04")


# --- tallies ------------------------------------------------------------------------------------


def test_a_clean_walk_is_complete() -> None:
    t = ChannelTally("ptt", "Stock", pages=12, root_fetched=True, walk_done=True)
    assert t.status("finished") == ("complete", "")


def test_lost_pages_make_a_channel_incomplete_with_counts_and_kinds() -> None:
    t = ChannelTally("ptt", "Stock", pages=12, root_fetched=True, walk_done=True)
    t.lose("failed", "http_503", "http://x/1")
    t.lose("failed", "http_503", "http://x/2")
    t.lose("rate_limited", "http_429", "http://x/3")
    status, reason = t.status("finished")
    assert status == "incomplete" and "2 failed" in reason and "1 rate-limited" in reason
    record = t.to_record("finished")
    assert record["failed"] == 2 and record["rate_limited"] == 1
    assert "http_503 2" in record["detail"] and "http_429 1" in record["detail"]


def test_an_interrupted_walk_or_crawl_is_incomplete() -> None:
    walking = ChannelTally("ptt", "Stock", pages=3, root_fetched=True)
    assert walking.status("finished")[0] == "incomplete"
    assert "did not reach" in walking.status("finished")[1]
    done = ChannelTally("ptt", "Stock", pages=3, root_fetched=True, walk_done=True)
    assert done.status("shutdown") == ("incomplete", "crawl ended early: shutdown")


def test_a_board_whose_first_page_is_404_failed_as_not_found() -> None:
    t = ChannelTally("ptt", "Gosiping")
    t.lose("not_found", "http_404", "http://x/bbs/Gosiping/index.html")
    t.root_loss = "not_found"
    status, reason = t.status("finished")
    assert status == "failed" and reason.startswith("not found")


def test_an_unknown_loss_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown loss"):
        ChannelTally("ptt", "x").lose("gone", "x", "u")


def test_a_tally_survives_a_resume() -> None:
    tally = CrawlTally("ptt", ["Stock"])
    tally["Stock"].pages = 5
    tally["Stock"].root_fetched = True
    tally["Stock"].lose("blocked", "http_403", "http://x")
    again = CrawlTally("ptt", ["Stock"])
    again.restore(json.loads(json.dumps(tally.to_state())))
    assert again["Stock"].to_record("finished") == tally["Stock"].to_record("finished")


@pytest.mark.parametrize(
    ("statuses", "reason", "expected"),
    [
        (["complete", "complete"], "finished", "complete"),
        (["complete", "incomplete"], "finished", "incomplete"),
        (["failed", "failed"], "finished", "failed"),
        (["complete", "failed"], "finished", "incomplete"),
        (["incomplete"], "shutdown", "incomplete"),
    ],
)
def test_a_run_is_complete_only_when_every_channel_is(
    statuses: list[str], reason: str, expected: str
) -> None:
    assert run_status(statuses, reason) == expected


# --- failure kinds ------------------------------------------------------------------------------


def _failure(exc: Exception, url: str = "http://x/a") -> Failure:
    failure = Failure(exc)
    failure.request = Request(url)  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(
    ("status", "loss"),
    [(403, "blocked"), (429, "rate_limited"), (404, "not_found"), (503, "failed"), (500, "failed")],
)
def test_http_errors_are_sorted_by_status(status: int, loss: str) -> None:
    response = Response("http://x/a", status=status)
    assert classify_failure(_failure(HttpError(response, "x"))) == (loss, f"http_{status}")


def test_network_errors_and_robots_are_named() -> None:
    assert classify_failure(_failure(ConnectionRefusedError())) == ("failed", "connection_refused")
    assert classify_failure(_failure(TimeoutError())) == ("failed", "timeout")
    robots = IgnoreRequest("Forbidden by robots.txt")
    assert classify_failure(_failure(robots)) == ("blocked", "robots_txt")


# --- deleted listing rows ------------------------------------------------------------------------


def row(pos: int | None, author: str, deleted: bool = False, pinned: bool = False) -> ListingRow:
    return ListingRow(
        None if deleted else key(pos or 0), None if deleted else pos, author, deleted, pinned
    )


def key(pos: int) -> str:
    return f"B/M.{pos}.A.123"


def stored(pos: int, author: str) -> StoredThread:
    return StoredThread(key(pos), pos, author)


def test_a_deleted_row_retires_the_authors_thread_between_its_neighbours() -> None:
    pages = {7: (row(100, "a"), row(None, "bob", deleted=True), row(300, "c"))}
    threads = [stored(200, "bob"), stored(50, "bob"), stored(250, "carol")]
    assert retire_marked(pages, threads) == [key(200)]


def test_the_moderator_form_and_the_newest_row_are_matched_too() -> None:
    pages = {7: (row(100, "a"),), 8: (row(300, "c"), row(None, "Bob", deleted=True))}
    assert retire_marked(pages, [stored(400, "bob")]) == [key(400)]


def test_no_match_across_a_missing_page_or_below_the_oldest_row() -> None:
    gap = {7: (row(100, "a"), row(None, "bob", deleted=True)), 9: (row(900, "c"),)}
    assert retire_marked(gap, [stored(500, "bob")]) == []
    oldest = {7: (row(None, "bob", deleted=True), row(300, "c"))}
    assert retire_marked(oldest, [stored(200, "bob")]) == []


def test_ambiguous_gaps_and_live_rows_are_left_alone() -> None:
    pages = {7: (row(100, "a"), row(None, "bob", deleted=True), row(300, "c"))}
    assert retire_marked(pages, [stored(150, "bob"), stored(250, "bob")]) == []
    live = {7: (row(100, "a"), row(None, "bob", deleted=True), row(200, "bob"))}
    assert retire_marked(live, [stored(200, "bob")]) == []


def test_pinned_rows_are_not_neighbours() -> None:
    pages = {7: (row(100, "a"), row(None, "bob", deleted=True), row(50, "m", pinned=True))}
    assert retire_marked(pages, [stored(120, "bob")]) == [key(120)]


def test_absent_threads_inside_a_run_of_pages_are_gone_and_nothing_outside_it() -> None:
    pages = {1: (row(100, "a"), row(300, "b")), 2: (row(400, "c"), row(600, "d"))}
    threads = [stored(200, "x"), stored(500, "y"), stored(50, "z"), stored(700, "w")]
    assert retire_absent(pages, threads) == [key(200), key(500)]
    split = {1: (row(100, "a"), row(300, "b")), 3: (row(400, "c"), row(600, "d"))}
    assert retire_absent(split, [stored(350, "x")]) == []


# --- JOBDIR ---------------------------------------------------------------------------------------

ME = Holder("host", os.getpid())
ARGS = {"boards": "Stock", "since": "2019-02-04T00:00:00+08:00"}


def scrapy_state(path: Path) -> None:
    (path / "requests.queue").mkdir(parents=True)
    (path / "requests.seen").write_text("abc\n")


def test_a_killed_crawls_jobdir_is_cleared_and_the_crawl_starts_over(tmp_path: Path) -> None:
    scrapy_state(tmp_path)
    mark_running(tmp_path, ARGS, Holder("host", 999_999_999))  # no such pid
    plan = prepare_jobdir(tmp_path, ARGS, ME)
    assert not plan.resume and "killed" in plan.note
    assert not (tmp_path / "requests.seen").exists() and not (tmp_path / "requests.queue").exists()


def test_a_cleanly_stopped_crawl_resumes_only_with_the_same_arguments(tmp_path: Path) -> None:
    scrapy_state(tmp_path)
    mark_closed(tmp_path, ARGS, "shutdown")
    assert prepare_jobdir(tmp_path, ARGS, ME).resume
    with pytest.raises(JobdirError, match="other arguments"):
        prepare_jobdir(tmp_path, {**ARGS, "boards": "car"}, ME)


def test_a_finished_crawl_is_not_resumed_but_redone(tmp_path: Path) -> None:
    scrapy_state(tmp_path)
    mark_closed(tmp_path, ARGS, "finished")
    assert not prepare_jobdir(tmp_path, ARGS, ME).resume
    assert not (tmp_path / "requests.seen").exists()


def test_a_jobdir_in_use_by_a_live_crawl_is_refused(tmp_path: Path) -> None:
    mark_running(tmp_path, ARGS, Holder("host", os.getppid()))
    with pytest.raises(JobdirError, match="in use"):
        prepare_jobdir(tmp_path, ARGS, Holder("host", os.getpid()))


def test_a_jobdir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(JobdirError, match="is a file"):
        prepare_jobdir(target, ARGS, ME)
    assert (tmp_path / "file").read_text() == "x"
    assert not (tmp_path / MARKER).exists()


# --- week coverage ------------------------------------------------------------------------------

AFTER = datetime(2019, 2, 11, 9, tzinfo=TAIPEI)
DURING = datetime(2019, 2, 9, 12, tzinfo=TAIPEI)


def crawl(run: int, status: str, observed: datetime, channel: str = "Stock") -> CrawlRecord:
    return CrawlRecord(run, "ptt", channel, status, f"detail {run}", WEEK.start, observed)


def test_a_complete_crawl_after_the_week_makes_it_complete_even_if_a_later_one_failed() -> None:
    crawls = [crawl(2, "incomplete", AFTER + timedelta(days=1)), crawl(1, "complete", AFTER)]
    (c,) = week_coverage(WEEK, crawls)
    assert (c.status, c.run_id) == ("complete", 1)


def test_the_newest_failed_crawl_gives_the_reason() -> None:
    crawls = [crawl(2, "failed", AFTER + timedelta(days=1)), crawl(1, "incomplete", AFTER)]
    (c,) = week_coverage(WEEK, crawls)
    assert (c.status, c.reason) == ("failed", "detail 2")


def test_a_crawl_before_the_week_ended_is_incomplete_or_provisional() -> None:
    (c,) = week_coverage(WEEK, [crawl(1, "complete", DURING)])
    assert c.status == "incomplete" and "before the week ended" in c.reason
    (p,) = week_coverage(WEEK, [crawl(1, "complete", DURING)], provisional=True)
    assert p.status == "provisional" and "2019-02-09 12:00" in p.reason


def test_expected_channels_without_a_covering_crawl_are_not_crawled_never_quiet() -> None:
    late_since = CrawlRecord(1, "ptt", "car", "complete", "", WEEK.end, AFTER)
    coverage = week_coverage(WEEK, [late_since], [("ptt", "car"), ("ptt", "NBA")])
    assert {c.channel: c.status for c in coverage} == {"car": "not_crawled", "NBA": "not_crawled"}


def test_channels_crawled_elsewhere_are_judged_only_when_asked() -> None:
    crawls = [crawl(1, "failed", AFTER, "Gosiping"), crawl(1, "complete", AFTER)]
    assert {c.channel for c in week_coverage(WEEK, crawls)} == {"Gosiping", "Stock"}
    assert {c.channel for c in week_coverage(WEEK, crawls, [("ptt", "Stock")], observed=False)} == {
        "Stock"
    }
