"""The replica's planted hard cases: placed as planned, in the truth, and judged by the rules.

Each planted thread is read back the way a crawl stores it (the replica's page through the
source's real parser), turned into the row storage hands ranking, and classified in the week
it draws most of its replies; the rule that fires must match the kind the truth records
(for a normal thread, none fires).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from statistics import median_low

import pytest

from crawlers.pages.dcard.posts import parse_post
from crawlers.pages.mobile01.topic import parse_topic
from crawlers.pages.ptt.article import parse_article
from ranking.exclusions import classify
from ranking.models import ThreadCount
from ranking.rules_recurrence import HistoryItem, index_history
from ranking.windows import week_starting
from replica import sources
from replica.clock import DEFAULT_NOW, DEFAULT_SEED
from replica.dcard import truth as dcard_truth
from replica.dcard import world as dcard_world
from replica.dcard.site import API
from replica.dcard.site import Site as DcardSite
from replica.mobile01 import truth as mobile01_truth
from replica.mobile01 import world as mobile01_world
from replica.mobile01.site import Site as Mobile01Site
from replica.plants import CASES, OTHER_WEEKS, REFERENCE_WEEK, SERIES
from replica.ptt import truth as ptt_truth
from replica.ptt import world as ptt_world
from replica.ptt.site import Site as PttSite

SOURCES = ("ptt", "dcard", "mobile01")
EXPECTED = {
    "normal": {None},
    "chat": {"chit_chat_periodic", "chat_periodic"},
    "live": {"live"},
    "giveaway": {"giveaway"},
}
KIND = {c.name: c.kind for c in CASES} | {name: "chat" for name, *_ in SERIES}
# (source, case) pairs the rules are known to judge wrongly: none since the rules rewrite.
MISSED: set[tuple[str, str]] = set()
RULES_BRANCH = "a known miss of the rules"


@dataclass(frozen=True, slots=True)
class Planted:
    """One planted thread as the rules see it: its row and the window it is judged in."""

    case: str
    kind: str
    row: ThreadCount
    week: date
    posted_at: datetime


def _week_of(times: list[datetime]) -> date:
    """The Monday of the week holding the median reply (where the thread draws its replies)."""
    when = median_low(times).date()
    return when - timedelta(days=when.weekday())


def _row(platform: str, channel: str, key: str, title: str, body: str, posted: datetime | None,
         url: str, new_replies: int, author: str | None) -> ThreadCount:  # fmt: skip
    """The row storage hands ranking for a stored thread (author: the parsed opener's id)."""
    return ThreadCount(
        0, platform, channel, key, title, url, posted, "ok", new_replies, body=body,
        author=author or "",
    )  # fmt: skip


def _ptt() -> list[Planted]:
    world = ptt_world.build_world(DEFAULT_SEED)
    site = PttSite(world, DEFAULT_NOW)
    out = []
    for art in world.articles():
        if not art.case:
            continue
        page = parse_article(site.get(art.path, {}, {"over18": "1"}).body, crawled_at=DEFAULT_NOW)
        week = _week_of([p.at for p in art.pushes])
        start, end = week_starting(week).start, week_starting(week).end
        n = ptt_truth.new_replies(art, start, end, DEFAULT_NOW)
        key = f"{art.board}/{art.article_id}"
        row = _row("ptt", art.board, key, page.title, page.body, page.posted_at, art.path, n,
                   page.author_id)  # fmt: skip
        out.append(Planted(art.case, art.kind, row, week, art.posted_at))
    return out


def _dcard() -> list[Planted]:
    world = dcard_world.build_world(DEFAULT_SEED)
    site = DcardSite(world, DEFAULT_NOW)
    out = []
    for post in world.posts():
        if not post.case:
            continue
        page = parse_post(site.get(f"{API}/posts/{post.id}", {}, {}).body)
        week = _week_of([c.at for c in post.comments])
        window = week_starting(week)
        n = dcard_truth.new_replies(post, window.start, window.end, DEFAULT_NOW)
        channel = world.forum_of(post).name
        row = _row("dcard", channel, str(post.id), page.title, page.body, page.created_at,
                   post.path, n, page.author)  # fmt: skip
        out.append(Planted(post.case, post.kind, row, week, post.at))
    return out


def _mobile01() -> list[Planted]:
    world = mobile01_world.build_world(DEFAULT_SEED)
    site = Mobile01Site(world, DEFAULT_NOW)
    out = []
    for topic in world.all_topics():
        if not topic.case:
            continue
        path, _, query = topic.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&"))
        page = parse_topic(site.get(path, params, {}).body)
        week = _week_of([p.at for p in topic.posts[1:]])
        window = week_starting(week)
        n = mobile01_truth.new_replies(topic, window.start, window.end, DEFAULT_NOW)
        body = page.main.content if page.main else ""
        opener = page.main.author if page.main else None
        row = _row("mobile01", topic.forum.channel, str(topic.topic_id), page.title, body,
                   page.posted_at, topic.path, n, opener)  # fmt: skip
        out.append(Planted(topic.case, topic.kind, row, week, topic.posted_at))
    return out


@cache
def planted(source: str) -> tuple[Planted, ...]:
    """Every planted thread of a source's default world, read back through its parser."""
    return tuple({"ptt": _ptt, "dcard": _dcard, "mobile01": _mobile01}[source]())


def _params() -> list[object]:
    out: list[object] = []
    for source in SOURCES:
        for case in KIND:
            marks = []
            if (source, case) in MISSED:
                marks.append(pytest.mark.xfail(strict=True, reason=RULES_BRANCH))
            out.append(pytest.param(source, case, marks=marks, id=f"{source}-{case}"))
    return out


@pytest.mark.parametrize(("source", "case"), _params())
def test_the_rules_judge_every_planted_thread_as_its_kind(source: str, case: str) -> None:
    threads = [p for p in planted(source) if p.case == case]
    assert threads, f"{source} plants no {case}"
    # the channels' history as buzz hands it in: the planted threads, their openers and times
    history = index_history(
        HistoryItem(
            p.row.platform, p.row.channel, p.row.title, p.row.author, p.posted_at, p.row.thread_key
        )
        for p in planted(source)
    )
    wrong = []
    for p in threads:
        found = classify(p.row, week_starting(p.week), history=history)
        reason = found.reason if found else None
        if reason not in EXPECTED[p.kind]:
            wrong.append(f"{p.row.title!r} ({p.week}): {reason} {found.detail if found else ''}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("source", SOURCES)
def test_every_case_is_planted_in_the_reference_week_and_others_with_many_replies(
    source: str,
) -> None:
    threads = planted(source)
    assert {p.kind for p in threads if p.case in KIND} == set(EXPECTED)
    for case, kind in KIND.items():
        assert {p.kind for p in threads if p.case == case} == {kind}
        weeks = Counter(p.week for p in threads if p.case == case)
        assert weeks[REFERENCE_WEEK.date()] >= 1, (source, case)
        assert len(weeks) >= 1 + OTHER_WEEKS, (source, case)
        in_reference = [p for p in threads if p.case == case and p.week == REFERENCE_WEEK.date()]
        # enough replies to reach the channel's Top 10 if a rule let it through
        assert min(p.row.new_replies for p in in_reference) >= 20, (source, case)


@pytest.mark.parametrize("source", SOURCES)
def test_one_off_cases_vary_their_wording(source: str) -> None:
    for case in CASES:
        titles = {p.row.title for p in planted(source) if p.case == case.name}
        assert len(titles) >= 2, (source, case.name, titles)


@pytest.mark.parametrize("source", SOURCES)
def test_a_series_is_opened_week_after_week_by_one_account(source: str) -> None:
    truth_weeks = [date(2019, 1, 7) + timedelta(days=7 * w) for w in range(5)]
    for name, *_ in SERIES:
        authors: set[str] = set()
        weeks: set[date] = set()
        for week in truth_weeks:
            truth = sources.week_truth(source, week, DEFAULT_NOW, DEFAULT_SEED)
            rows = [t for t in truth["threads"] if t["case"] == name]
            assert rows and {t["kind"] for t in rows} == {"chat"}, (source, name, week)
            authors |= {t.get("author") or _opener(source, t) for t in rows}
            weeks.add(week)
        assert len(weeks) == len(truth_weeks) and len(authors) == 1, (source, name, authors)


def _opener(source: str, row: dict[str, object]) -> str:
    """Who opened a thread, for a truth that does not name its author (Dcard)."""
    post = dcard_world.build_world(DEFAULT_SEED).by_id[int(str(row["thread_key"]))]
    return f"{post.school}/{post.gender}/{post.department}/{post.nickname}"


def test_a_thirteen_day_old_thread_is_inside_the_lookback_and_draws_replies() -> None:
    for source in SOURCES:
        for p in planted(source):
            if p.case != "thirteen_days":
                continue
            age = week_starting(p.week).start - p.posted_at
            assert timedelta(days=12) < age < timedelta(days=14), (source, age)
            assert p.row.new_replies >= 20
