"""`buzz explain`: a thread's count, every rule that fires, its rank or why not, its crawls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from buzz.cli import app
from buzz.config import load_config
from buzz.jobs import rank_week
from ranking.windows import TAIPEI, parse_week
from storage.db import make_engine, write_transaction
from storage.migrate import upgrade
from storage.records import ReplyRecord, ThreadRecord
from storage.runs import finish_run, save_channels, start_run
from storage.writes import write_thread

WEEK = parse_week("2019-02-04")
SEEN = datetime(2019, 2, 12, 3, tzinfo=TAIPEI)
URL = "https://www.ptt.cc/bbs/Gossiping/M.{n}.A.000.html"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    url = f"sqlite:///{tmp_path / 'buzz.db'}"
    upgrade(url)
    engine = make_engine(url)
    posted = WEEK.start + timedelta(hours=10)
    threads = [
        (1, "[問卦] 推文抽1000P幣", 50, posted - timedelta(days=20)),  # giveaway and stale
        (2, "[問卦] 有沒有過年的八卦", 40, posted),
        (3, "[問卦] 有沒有年終的八卦", 30, posted),
        (4, "[問卦] 沒人回的八卦", 0, posted),
    ]
    with write_transaction(engine) as conn:
        run = start_run(conn, "ptt", {}, SEEN, covers_from=WEEK.start, observed_at=SEEN)
        for n, title, count, at in threads:
            record = ThreadRecord(
                "ptt",
                "Gossiping",
                f"M.{n}",
                URL.format(n=n),
                title,
                None,
                f"user{n}",
                None,
                at,
                None,
                "ok",
                "內文",
            )
            replies = [
                ReplyRecord(
                    f"r{i}", "推", f"u{i}", "推", None, posted + timedelta(minutes=i), False
                )
                for i in range(count)
            ]
            write_thread(conn, record, replies, SEEN)
        save_channels(
            conn, run, [{"platform": "ptt", "channel": "Gossiping", "status": "complete"}]
        )
        finish_run(conn, run, SEEN + timedelta(minutes=5), "complete", 10, 4, {})
    engine.dispose()
    environ = {"BUZZ_HOME": str(tmp_path), "BUZZ_DATABASE_URL": url}
    rank_week(load_config(environ), WEEK, top=1)
    yield environ


def explain(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["explain", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_an_excluded_thread_lists_every_rule_and_the_rank_it_would_have_had(
    env: dict[str, str],
) -> None:
    code, out, _ = explain(env, URL.format(n=1), "--week", "2019-02-04")
    assert code == 0, out
    assert "新增回文數: 50 (counted)" in out
    assert "giveaway: 贈獎文" in out and "chat_stale: 閒聊文②" in out  # every rule, not the first
    assert "no rank: excluded as giveaway" in out
    assert "would have been #1 on PTT > Gossiping" in out
    assert "rules: 2026.12-2 (sha256:" in out
    assert "crawl history:" in out and "channel complete" in out


def test_ranked_below_top_and_no_replies(env: dict[str, str]) -> None:
    code, out, _ = explain(env, URL.format(n=2), "--week", "2019-02-04")
    assert code == 0 and "rank 1 on PTT > Gossiping" in out and "rules fired: none" in out
    code, out, _ = explain(env, URL.format(n=3), "--week", "2019-02-04")
    assert "is #2 on PTT > Gossiping" in out and "below the top 1" not in out  # --top default 10
    code, out, _ = explain(env, URL.format(n=3), "--week", "2019-02-04", "--top", "1")
    assert "no rank: below the top 1 of PTT > Gossiping" in out
    code, out, _ = explain(env, URL.format(n=4), "--week", "2019-02-04")
    assert "新增回文數: 0" in out and "no rank: no replies in the week" in out


def test_tolerant_urls_and_unknown_ones(env: dict[str, str]) -> None:
    variant = URL.format(n=2).replace("https://", "http://") + "/"
    code, out, _ = explain(env, variant, "--week", "2019-02-04")
    assert code == 0 and "rank 1" in out
    code, out, err = explain(env, "https://www.ptt.cc/bbs/none.html", "--week", "2019-02-04")
    assert code == 2 and out == "" and err.count("\n") == 1 and "no stored thread" in err


def test_a_published_week_keeps_its_rules_and_re_ranks_with_them(
    env: dict[str, str], tmp_path: Path
) -> None:
    from buzz.jobs import stored_boards
    from ranking.rules_config import default_rules

    config = load_config(env)
    stored = stored_boards(config, WEEK)
    assert stored is not None and stored.rules_version == default_rules().label
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(
        default_rules()
        .text.replace("giveaway = 3  #", "giveaway = 99  #")
        .replace("stale_after_days = 14", "stale_after_days = 60")
        .replace('version = "2026.12-2"', 'version = "lenient"'),
        encoding="utf-8",
    )
    boards = rank_week(config, WEEK, top=1, rules_path=lenient)
    assert boards.rules_version.startswith("lenient (sha256:")
    top = {b.scope: [e.thread_id for e in b.entries] for b in boards.boards}
    assert top["channel:ptt/Gossiping"] == [1]  # the giveaway is no longer excluded
    again = rank_week(config, WEEK, top=1)  # no --rules: the rules stored with the week
    assert again.rules_version == boards.rules_version
    code, out, _ = explain(env, URL.format(n=1), "--week", "2019-02-04")
    assert code == 0 and "rules: lenient" in out and "rank 1 on PTT > Gossiping" in out
