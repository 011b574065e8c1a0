"""Leaderboards: ordering, tie-breaks, Top N, scopes, zero counts, estimates, 活動文 boards."""

from __future__ import annotations

from ranking_rows import WEEK, days_before_window, row

from ranking.leaderboard import (
    build_leaderboards,
    channel_label,
    ordered_boards,
    parse_scope,
    platform_label,
)
from ranking.models import Leaderboard, WeeklyBoards


def board(boards: WeeklyBoards, scope: str) -> Leaderboard:
    found = [b for b in boards.boards if b.scope == scope]
    assert len(found) == 1, [b.scope for b in boards.boards]
    return found[0]


def test_channel_labels_use_platform_display_names() -> None:
    assert channel_label("ptt", "Gossiping") == "PTT > Gossiping"
    assert channel_label("dcard", "感情") == "Dcard > 感情"
    assert channel_label("news", "LINE TODAY 國內") == "新聞 > LINE TODAY 國內"
    # a news channel names its site, as the reference report writes it
    assert channel_label("news", "LINE TODAY > 國內") == "LINE TODAY > 國內"
    assert parse_scope("channel:news/yahoo新聞 > 娛樂") == ("channel", "news", "yahoo新聞 > 娛樂")
    assert [platform_label(p) for p in ("mobile01", "facebook", "youtube")] == [
        "Mobile01",
        "Facebook",
        "YouTube",
    ]
    assert platform_label("plurk") == "plurk"


def test_sorted_by_new_replies_descending_with_ranks_from_one() -> None:
    rows = [row(new_replies=n) for n in (5, 50, 20)]
    b = board(build_leaderboards(rows, WEEK), "platform:ptt")
    assert [e.new_replies for e in b.entries] == [50, 20, 5]
    assert [e.rank for e in b.entries] == [1, 2, 3]


def test_ties_break_by_thread_key_then_thread_id_with_distinct_ranks() -> None:
    rows = [
        row(thread_id=3, thread_key="ptt:b", new_replies=10),
        row(thread_id=2, thread_key="ptt:a", new_replies=10),
        row(thread_id=1, thread_key="ptt:b", new_replies=10),
        row(thread_id=9, thread_key="ptt:z", new_replies=11),
    ]
    entries = board(build_leaderboards(rows, WEEK), "platform:ptt").entries
    assert [(e.rank, e.thread_id) for e in entries] == [(1, 9), (2, 2), (3, 1), (4, 3)]


def test_input_order_does_not_change_the_result() -> None:
    rows = [row(thread_id=i, new_replies=i % 4) for i in range(1, 40)]
    assert build_leaderboards(rows, WEEK) == build_leaderboards(list(reversed(rows)), WEEK)


def test_top_n_cut() -> None:
    rows = [row(new_replies=n) for n in range(1, 31)]
    boards = build_leaderboards(rows, WEEK, top=10)
    entries = board(boards, "platform:ptt").entries
    assert len(entries) == 10 and entries[-1].new_replies == 21 and entries[-1].rank == 10
    assert len(build_leaderboards(rows, WEEK, top=3).boards[0].entries) == 3


def test_one_board_per_platform_and_per_channel() -> None:
    rows = [
        row(channel="Gossiping", new_replies=30),
        row(channel="Lifeismoney", new_replies=40),
        row(channel="Gossiping", new_replies=10),
        row("朋友說男友買的是假貨", platform="dcard", channel="感情", new_replies=25),
    ]
    boards = build_leaderboards(rows, WEEK)
    assert [b.scope for b in boards.boards] == [
        "platform:dcard",
        "platform:ptt",
        "channel:dcard/感情",
        "channel:ptt/Gossiping",
        "channel:ptt/Lifeismoney",
    ]
    gossiping = board(boards, "channel:ptt/Gossiping")
    assert gossiping.label == "PTT > Gossiping"
    assert [e.new_replies for e in gossiping.entries] == [30, 10]
    assert [e.new_replies for e in board(boards, "platform:ptt").entries] == [40, 30, 10]
    assert board(boards, "platform:dcard").label == "Dcard"


def test_platform_board_is_top_n_across_channels() -> None:
    rows = [row(channel=f"b{i % 3}", new_replies=100 - i) for i in range(30)]
    boards = build_leaderboards(rows, WEEK, top=5)
    assert [e.new_replies for e in board(boards, "platform:ptt").entries] == [100, 99, 98, 97, 96]
    for ch in ("b0", "b1", "b2"):
        assert len(board(boards, f"channel:ptt/{ch}").entries) == 5


def test_zero_count_threads_never_appear() -> None:
    rows = [row(new_replies=0), row(new_replies=3), row(channel="Quiet", new_replies=0)]
    boards = build_leaderboards(rows, WEEK)
    assert [e.new_replies for e in board(boards, "platform:ptt").entries] == [3]
    assert "channel:ptt/Quiet" not in {b.scope for b in boards.boards}


def test_a_platform_with_nothing_ranked_still_gets_an_empty_board() -> None:
    boards = build_leaderboards([row(platform="dcard", channel="心情", new_replies=0)], WEEK)
    assert [(b.scope, b.entries) for b in boards.boards] == [("platform:dcard", ())]


def test_estimates_carry_through() -> None:
    rows = [
        row("貼文", platform="facebook", channel="爆料公社", new_replies=9, estimate=True),
        row("貼文二", platform="facebook", channel="爆料公社", new_replies=8),
    ]
    entries = board(build_leaderboards(rows, WEEK), "platform:facebook").entries
    assert [e.estimate for e in entries] == [True, False]


def test_excluded_threads_are_left_off_with_reasons() -> None:
    rows = [
        row("[問卦] 留下", new_replies=10),
        row("[閒聊] 2019/02/05 週二 閒聊文", new_replies=500),
        row("[直播] 記者會", new_replies=400),
        row("[問卦] 老文", new_replies=300, posted_at=days_before_window(30)),
    ]
    boards = build_leaderboards(rows, WEEK)
    assert [e.title for e in board(boards, "platform:ptt").entries] == ["[問卦] 留下"]
    reasons = [x.reason for x in boards.exclusions]
    assert reasons == ["chit_chat_periodic", "live", "chit_chat_stale"]
    assert boards.exclusions[0].new_replies == 500


def test_exclusions_list_only_threads_that_would_have_made_the_board() -> None:
    rows = [row(f"[問卦] {i}", new_replies=100 + i) for i in range(3)]
    rows += [row("[直播] 上榜前", new_replies=500), row("[直播] 榜外", new_replies=1)]
    boards = build_leaderboards(rows, WEEK, top=3)
    assert [x.title for x in boards.exclusions] == ["[直播] 上榜前"]
    everything = build_leaderboards(rows, WEEK, top=3, all_exclusions=True)
    assert [x.title for x in everything.exclusions] == ["[直播] 上榜前", "[直播] 榜外"]
    assert everything.boards == boards.boards


def test_giveaways_get_their_own_activity_board_when_asked() -> None:
    rows = [
        row("留言抽 AirPods", platform="facebook", channel="蝦皮購物", new_replies=900),
        row("【抽獎】豬年刮刮樂", platform="facebook", channel="蝦皮購物", new_replies=800),
        row("年夜飯曬起來", platform="facebook", channel="蔡英文", new_replies=300),
        row("[抽獎] 推文抽", channel="Lifeismoney", new_replies=700),
    ]
    off = build_leaderboards(rows, WEEK)
    assert "activity:facebook" not in {b.scope for b in off.boards}
    assert sorted(x.reason for x in off.exclusions) == ["giveaway"] * 3

    on = build_leaderboards(rows, WEEK, giveaway_board={"facebook"})
    activity = board(on, "activity:facebook")
    assert activity.label == "Facebook 活動文"
    assert [e.new_replies for e in activity.entries] == [900, 800]
    assert [e.new_replies for e in board(on, "platform:facebook").entries] == [300]
    assert [x.platform for x in on.exclusions] == ["ptt"]  # PTT giveaways are still excluded
    scopes = [b.scope for b in on.boards]
    assert scopes.index("activity:facebook") == scopes.index("platform:facebook") + 1

    every = build_leaderboards(rows, WEEK, giveaway_board=True)
    assert "activity:ptt" in {b.scope for b in every.boards}


def test_activity_board_reaches_below_the_channel_cut() -> None:
    rows = [row(f"貼文{i}", platform="facebook", channel="A", new_replies=9 - i) for i in range(5)]
    rows.append(row("留言抽好禮", platform="facebook", channel="A", new_replies=1))
    boards = build_leaderboards(rows, WEEK, top=2, giveaway_board={"facebook"})
    assert [e.title for e in board(boards, "activity:facebook").entries] == ["留言抽好禮"]


def test_window_is_recorded() -> None:
    boards = build_leaderboards([row()], WEEK)
    assert (boards.week_start, boards.week_end) == (WEEK.start, WEEK.end)


def test_scopes_parse_back() -> None:
    assert parse_scope("channel:ptt/Gossiping") == ("channel", "ptt", "Gossiping")
    assert parse_scope("platform:ptt") == ("platform", "ptt", "")
    assert parse_scope("activity:facebook") == ("activity", "facebook", "")


def test_ordered_boards_puts_platforms_in_reference_order_then_channels_alphabetically() -> None:
    rows = [
        row(platform=p, channel=c, new_replies=5)
        for p, c in [("ptt", "marriage"), ("ptt", "Boy-Girl"), ("news", "LINE"), ("dcard", "心情")]
    ]
    boards = build_leaderboards(rows, WEEK)
    assert [b.label for b in ordered_boards(reversed(boards.boards))] == [
        "新聞頻道",
        "Dcard",
        "PTT",
        "Dcard > 心情",
        "PTT > Boy-Girl",
        "PTT > marriage",
        "新聞 > LINE",
    ]
