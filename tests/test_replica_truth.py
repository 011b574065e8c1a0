"""Ground truth agrees with the world and with what the pages show."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from parsel import Selector

from replica.cli import main
from replica.clock import DEFAULT_NOW, TAIPEI
from replica.ptt.site import Site
from replica.ptt.truth import week_truth
from replica.ptt.world import World, build_world

WEEK = date(2019, 2, 4)
START = datetime(2019, 2, 4, tzinfo=TAIPEI)
END = START + timedelta(days=7)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(7)


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return week_truth(WEEK)


def test_truth_counts_equal_a_direct_count_over_the_world(
    world: World, truth: dict[str, Any]
) -> None:
    expected = {}
    for a in world.articles():
        if a.posted_at > DEFAULT_NOW:
            continue
        deleted = a.deleted_at is not None and a.deleted_at <= DEFAULT_NOW
        horizon = a.deleted_at if deleted and a.deleted_at else DEFAULT_NOW
        n = 0
        for p in a.pushes:
            gone = p.removed_at is not None and p.removed_at <= horizon
            if START <= p.at < END and p.at <= horizon and not gone:
                n += 1
        if n or START - timedelta(days=14) <= a.posted_at < END:
            expected[(a.board, a.article_id)] = (n, "deleted" if deleted else "ok")
    got = {(t["board"], t["article_id"]): (t["new_replies"], t["status"]) for t in truth["threads"]}
    assert got == expected
    keys = [(t["board"], t["article_id"]) for t in truth["threads"]]
    assert keys == sorted(keys)


_STAMP = re.compile(r"(\d\d)/(\d\d)(?: (\d\d):(\d\d))?\s*$")


def test_truth_matches_push_times_read_off_the_pages(world: World, truth: dict[str, Any]) -> None:
    site = Site(world, DEFAULT_NOW)
    checked = 0
    for t in truth["threads"]:
        if t["status"] != "ok" or t["board"] not in ("Stock", "WomenTalk", "Gossiping", "NBA"):
            continue
        page = Selector(text=site.get(t["url"], {}, {"over18": "1"}).body.decode())
        year = int(t["posted_at"][:4])
        last = (int(t["posted_at"][5:7]), int(t["posted_at"][8:10]))
        n = 0
        for stamp in page.css("span.push-ipdatetime::text").getall():
            found = _STAMP.search(stamp)
            assert found, stamp
            m, d = int(found[1]), int(found[2])
            if d > calendar.monthrange(year + ((m, d) < last), m)[1]:
                continue  # an impossible date (`01/32`): no time, not counted, the walk stays
            if (m, d) < last:
                year += 1
            last = (m, d)
            hour, minute = (int(found[3]), int(found[4])) if found[3] else (0, 0)
            at = datetime(year, m, d, hour, minute, tzinfo=TAIPEI)
            n += START <= at < END
        assert n == t["new_replies"], t["url"]
        checked += 1
    assert checked > 100


def test_truth_header_and_thread_fields(truth: dict[str, Any]) -> None:
    assert truth["week_start"] == "2019-02-04T00:00:00+08:00"
    assert truth["week_end"] == "2019-02-11T00:00:00+08:00"
    assert truth["now"] == "2019-02-11T09:00:00+08:00"
    row = truth["threads"][0]
    assert set(row) == {
        "board",
        "article_id",
        "url",
        "title",
        "author",
        "posted_at",
        "kind",
        "case",
        "status",
        "new_replies",
        "pinned",
        "channel",
        "thread_key",
    }
    assert row["url"] == f"/bbs/{row['board']}/{row['article_id']}.html"
    assert (row["channel"], row["thread_key"]) == (
        row["board"],
        f"{row['board']}/{row['article_id']}",
    )


def test_the_week_holds_every_kind_of_thread_worth_excluding(truth: dict[str, Any]) -> None:
    threads = truth["threads"]
    kinds = {t["kind"] for t in threads if t["new_replies"]}
    assert kinds == {"normal", "chat", "live", "giveaway"}
    assert any(t["status"] == "deleted" for t in threads)
    assert any(t["pinned"] for t in threads)
    old = START - timedelta(days=14)
    assert any(datetime.fromisoformat(t["posted_at"]) < old and t["new_replies"] for t in threads)
    assert any(t["title"].startswith("Re: ") for t in threads)
    assert max(t["new_replies"] for t in threads) >= 150


def test_truth_rejects_a_week_that_does_not_start_on_monday(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ValueError, match="Monday"):
        week_truth(date(2019, 2, 5))
    assert main(["truth", "--source", "ptt", "--week", "2019-02-05"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Monday" in err


def test_truth_command_prints_json_for_a_past_clock(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "truth",
                "--source",
                "ptt",
                "--week",
                "2019-01-28",
                "--now",
                "2019-02-01T12:00:00+08:00",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["now"] == "2019-02-01T12:00:00+08:00"
    assert all(t["posted_at"] <= data["now"] for t in data["threads"])
    assert data == week_truth(date(2019, 1, 28), datetime(2019, 2, 1, 12, tzinfo=TAIPEI))
