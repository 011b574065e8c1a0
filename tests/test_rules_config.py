"""The rules file: parsed, versioned by content, and refused in one line naming file and key."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from ranking_rows import WEEK, row

from ranking.exclusions import classify
from ranking.rules_config import RulesError, default_rules, digest_of, load_rules, parse_rules
from ranking.rules_recurrence import HistoryItem, index_history, title_pattern
from ranking.windows import TAIPEI

SHIPPED = default_rules().text


def test_the_shipped_rules_have_a_version_and_a_digest_of_their_text() -> None:
    rules = default_rules()
    assert rules.version and rules.digest == digest_of(rules.text)
    assert rules.label == f"{rules.version} (sha256:{rules.digest})"


def test_a_changed_threshold_changes_the_digest_and_the_verdict(tmp_path: Path) -> None:
    path = tmp_path / "strict.toml"
    path.write_text(SHIPPED.replace("giveaway = 3  #", "giveaway = 30  #"), encoding="utf-8")
    strict = load_rules(path)
    assert strict.digest != default_rules().digest
    r = row("[問卦] 推文抽1000P幣")
    assert classify(r, WEEK) is not None
    assert classify(r, WEEK, config=strict) is None


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("version = ", "versio = "), "bad.toml: version: missing"),
        (
            ("live = 3      #", "live = 'x'      #"),
            "bad.toml: thresholds.live: missing or not a number",
        ),
        (
            (
                "chat_word = '",
                "chat_word = '(",
            ),
            "bad.toml: patterns.chat_word: bad regular expression",
        ),
        (
            ("tag = 3          #", "tags = 3          #"),
            "bad.toml: giveaway.weights.tags: unknown weight",
        ),
        (("[thresholds]", "[thresholds"), "bad.toml: not valid TOML"),
    ],
)
def test_bad_files_are_one_line_naming_file_and_key(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(SHIPPED.replace(*edit, 1), encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_rules(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(tmp_path)) and message in text


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="rules file not found"):
        load_rules(tmp_path / "none.toml")


def test_channel_settings_must_name_platform_and_channel() -> None:
    with pytest.raises(RulesError, match=re.escape('channels."Stock"')):
        parse_rules(SHIPPED + '\n[channels."Stock"]\nrecurrence = false\n', "x.toml")


# --- recurrence ---------------------------------------------------------------------------------


def _series(title: str, days: list[int], authors: list[str]) -> list[HistoryItem]:
    start = datetime(2019, 1, 7, 9, tzinfo=TAIPEI)
    return [
        HistoryItem("ptt", "Tainan", title.format(i=i), a, start + timedelta(days=d), f"k{i}")
        for i, (d, a) in enumerate(zip(days, authors, strict=True))
    ]


def test_titles_of_a_series_share_a_pattern() -> None:
    assert title_pattern("[閒聊] 老人茶館 #12") == title_pattern("Re: [閒聊] 老人茶館 #3")
    assert title_pattern("今天吃什麼 2/5") == title_pattern("今天吃什麼 2/6")


def test_the_same_opener_again_and_again_is_periodic_chat() -> None:
    history = index_history(_series("[閒聊] 老人茶館 #{i}", [0, 3, 11, 20], ["tea"] * 4))
    r = row("[閒聊] 老人茶館 #9", channel="Tainan", author="tea")
    x = classify(r, WEEK, history=history)
    assert x is not None and x.reason == "chit_chat_periodic" and "by tea" in x.detail
    assert classify(r, WEEK) is None  # without the history, the title alone says nothing


def test_different_openers_on_a_schedule_are_periodic_chat() -> None:
    history = index_history(_series("港都週報 {i}", [0, 7, 14, 21], ["a", "b", "c", "d"]))
    r = row("港都週報 9", channel="Tainan", author="e", posted_at=WEEK.start + timedelta(hours=9))
    x = classify(r, WEEK, history=history)
    assert x is not None and "every 7 days" in x.detail


def test_a_series_opened_every_weekday_by_no_named_account_is_periodic_chat() -> None:
    """Trading-day threads rest on weekends: Friday to Monday is still a daily schedule."""
    days = [d for d in range(26) if d % 7 < 5]  # weekdays from Monday 2019-01-07
    history = index_history(_series("#閒聊 下班後聊聊 {i}", days, [""] * len(days)))
    r = row("#閒聊 下班後聊聊 99", channel="Tainan", posted_at=WEEK.start + timedelta(hours=9))
    x = classify(r, WEEK, history=history)
    assert x is not None and "every 1 days" in x.detail
    gaps = [d for d in range(26) if d % 7 < 5 and d != 16]  # a Wednesday missing
    missing = index_history(_series("#閒聊 下班後聊聊 {i}", gaps, [""] * len(gaps)))
    assert classify(r, WEEK, history=missing) is None


def test_the_same_question_by_different_people_at_random_is_not() -> None:
    history = index_history(_series("有人要一起打球嗎{i}", [1, 9, 10], ["p", "q", "r"]))
    r = row("有人要一起打球嗎", channel="Tainan", author="s", posted_at=WEEK.start)
    assert classify(r, WEEK, history=history) is None


def test_news_tags_never_recur_into_chat() -> None:
    history = index_history(_series("[新聞] 每日財經整理 {i}", [0, 1, 2, 3], ["bot"] * 4))
    r = row("[新聞] 每日財經整理 9", channel="Tainan", author="bot")
    assert classify(r, WEEK, history=history) is None


def test_board_exclude_names_known_kinds_in_one_line() -> None:
    text = default_rules().text.replace('youtube = ["giveaway"]', 'youtube = ["gossip"]')
    with pytest.raises(RulesError, match=r"board\.exclude\.youtube: unknown kind 'gossip'"):
        parse_rules(text, "my-rules.toml")
    rules = default_rules()
    assert rules.leaves_out("youtube", "giveaway") and not rules.leaves_out("youtube", "live")
    assert rules.leaves_out("youtube", "deleted") and rules.leaves_out("ptt", "live")
