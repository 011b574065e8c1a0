"""Sharding channels over Scrapyd nodes, the politeness each shard gets, and their records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from storage_fixtures import fresh_database
from typer.testing import CliRunner

from buzz.cli import app
from buzz.config import Config
from buzz.configfile import (
    ConfigFileError,
    FileSettings,
    ScrapydSettings,
    SourceSettings,
    parse,
    render,
)
from buzz.dispatch import Politeness, collect, plan, shard_channels, shard_settings, spider_args
from buzz.jobs import CrawlRequest
from buzz.scheduler import job_kwargs, passthrough
from buzz.scrapyd_api import ScrapydError, ScrapydNode, check_node_url
from crawlers.pipelines import lock_key
from crawlers.spiders.base import parse_shard
from ranking.windows import TAIPEI
from storage.db import make_engine, write_transaction
from storage.runs import finish_run, runs_of_job, save_channels, start_run

SINCE = datetime(2019, 2, 4, tzinfo=TAIPEI)
NODES = ["http://10.0.0.5:6800", "http://10.0.0.6:6800", "http://10.0.0.7:6800"]


def request(source: str, channels: tuple[str, ...]) -> CrawlRequest:
    """A crawl request of the week starting SINCE."""
    return CrawlRequest(source, channels, SINCE, now=SINCE + timedelta(days=7))


def test_channels_are_dealt_round_robin_into_no_more_shards_than_channels() -> None:
    assert shard_channels(["a", "b", "c", "d", "e"], 2) == [("a", "c", "e"), ("b", "d")]
    assert shard_channels(["a", "b"], 3) == [("a",), ("b",)]
    assert shard_channels(["a"], 1) == [("a",)]


def test_each_source_starts_on_the_next_node_so_small_sources_spread() -> None:
    shards = plan(
        [request("ptt", ("Gossiping", "Stock", "car", "NBA")), request("dcard", ("心情",))],
        NODES,
        "t",
    )
    ptt = [s for s in shards if s.source == "ptt"]
    (dcard,) = [s for s in shards if s.source == "dcard"]
    assert [(s.index, s.count, s.node, s.channels) for s in ptt] == [
        (1, 3, NODES[0], ("Gossiping", "NBA")),
        (2, 3, NODES[1], ("Stock",)),
        (3, 3, NODES[2], ("car",)),
    ]
    assert (dcard.count, dcard.node) == (1, NODES[1])
    assert [s.job for s in ptt] == ["t-ptt-1of3", "t-ptt-2of3", "t-ptt-3of3"]
    assert len({s.job for s in shards}) == len(shards)
    with pytest.raises(ValueError, match="no Scrapyd node"):
        plan([request("ptt", ("car",))], [], "t")


def test_n_shards_on_one_site_together_keep_one_machines_pace() -> None:
    one = Politeness(concurrency=8, delay=1.0, start_delay=1.0, max_delay=30.0, target=2.0)
    three = one.divided(3)
    assert three == Politeness(2, 3.0, 3.0, 90.0, 2.0 / 3)
    assert three.concurrency * 3 <= one.concurrency
    assert one.divided(16).concurrency == 1, "never below one request in flight"
    assert one.divided(1) == one
    assert three.settings()["CONCURRENT_REQUESTS_PER_DOMAIN"] == "2"
    assert three.settings()["DOWNLOAD_DELAY"] == "3"


def test_shard_settings_divide_buzz_toml_politeness_and_never_carry_the_database() -> None:
    config = Config(
        database_url="postgresql+psycopg://buzz:secret@db/buzz",
        reports_dir=Path("r"),
        sources=(SourceSettings("ptt", ("car",), delay=2.0, concurrency=4),),
        base_urls={"ptt": "http://127.0.0.1:8080"},
        lookback_days=7,
    )
    settings = shard_settings(config, request("ptt", ("car", "NBA")), 2)
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == "2"
    assert settings["DOWNLOAD_DELAY"] == "4"
    assert settings["AUTOTHROTTLE_START_DELAY"] == "4"
    assert settings["PTT_BASE_URL"] == "http://127.0.0.1:8080"
    assert settings["BUZZ_LOOKBACK_DAYS"] == "7"
    assert not any("secret" in v or "DATABASE" in k for k, v in settings.items())


def test_a_shards_job_names_its_channels_window_job_and_shard() -> None:
    (shard,) = plan([request("ptt", ("car",))], NODES[:1], "t")
    args = spider_args(request("ptt", ("car",)), shard)
    assert args["channels"] == "car" and args["buzz_job"] == "t-ptt-1of1"
    assert args["buzz_shard"] == "1/1" and args["since"] == SINCE.isoformat()
    assert args["now"] == (SINCE + timedelta(days=7)).isoformat()


def test_a_shard_has_its_own_crawl_lock_beside_the_sources() -> None:
    assert lock_key("ptt") == "crawl:ptt"
    assert lock_key("ptt", "2/3") == "crawl:ptt/2of3"
    assert parse_shard(" 2/3 ") == "2/3" and parse_shard("") == ""
    for bad in ("0/2", "3/2", "x", "1/"):
        with pytest.raises(ValueError, match="is not a shard like 1/2"):
            parse_shard(bad)


def test_node_urls_are_checked_and_credentials_stay_out_of_them() -> None:
    assert check_node_url(" http://10.0.0.5:6800/ ") == "http://10.0.0.5:6800"
    with pytest.raises(ValueError, match="BUZZ_SCRAPYD_PASSWORD, not in the URL"):
        check_node_url("http://admin:pw@10.0.0.5:6800")
    with pytest.raises(ValueError, match="not an http"):
        check_node_url("10.0.0.5:6800")


def test_a_node_nobody_listens_on_is_one_line_naming_it() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ScrapydError) as caught:
        ScrapydNode(f"http://127.0.0.1:{port}", timeout=2).daemon_status()
    assert str(caught.value).startswith(f"http://127.0.0.1:{port}: unreachable: ")
    assert "\n" not in str(caught.value)


def test_buzz_toml_names_the_nodes_and_round_trips() -> None:
    text = (
        '[sources.ptt]\n\n[scrapyd]\nnodes = ["http://a:6800", "http://b:6800/"]\n'
        'project = "buzz2"\ntimeout = 600\n'
    )
    settings = parse(text, Path("b.toml"))
    assert settings.scrapyd == ScrapydSettings(("http://a:6800", "http://b:6800"), "buzz2", 600.0)
    again = parse(render(settings), Path("b.toml"))
    assert again.scrapyd == settings.scrapyd
    assert parse("[sources.ptt]\n", Path("b.toml")).scrapyd == ScrapydSettings()
    assert "[scrapyd]" not in render(FileSettings(settings.sources))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scrapyd]\nnodes = 'http://a'\n", "b.toml:2: scrapyd.nodes: must be a list"),
        ("[scrapyd]\nnodes = ['a:6800']\n", "b.toml:2: scrapyd.nodes: 'a:6800' is not an http"),
        ("[scrapyd]\nnodes = ['http://u:p@a']\n", "b.toml:2: scrapyd.nodes: http://a: put"),
        ("[scrapyd]\nnodes = ['http://a', 'http://a/']\n", "b.toml:2: scrapyd.nodes: http://a is"),
        ("[scrapyd]\n\nproject = 'a b'\n", "b.toml:3: scrapyd.project: must be a project name"),
        ("[scrapyd]\ntimeout = 'long'\n", "b.toml:2: scrapyd.timeout: must be a number"),
        ("[scrapyd]\ntimeout = 0\n", "b.toml:2: scrapyd.timeout: must be between"),
        ("[scrapyd]\nport = 1\n", "b.toml:2: scrapyd.port: unknown key"),
        ("scrapyd = 1\n", "b.toml:1: scrapyd: must be a table"),
    ],
)
def test_a_bad_scrapyd_table_is_one_line_naming_the_line_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigFileError) as caught:
        parse(text + "[sources.ptt]\n", Path("b.toml"))
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_scheduler_passes_the_nodes_to_its_child_weekly() -> None:
    assert passthrough(None, None, None, "http://a:6800") == ["--scrapyd", "http://a:6800"]
    assert job_kwargs(None, None) == {"boards": None, "now": None, "sources": None}
    assert job_kwargs(None, None, None, "http://a:6800")["scrapyd"] == "http://a:6800"


@pytest.mark.parametrize("command", ["weekly", "schedule"])
def test_a_bad_scrapyd_option_is_one_line(command: str, tmp_path: Path) -> None:
    env = {"BUZZ_HOME": str(tmp_path), "BUZZ_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    result = CliRunner().invoke(app, [command, "--scrapyd", "10.0.0.5:6800"], env=env)
    assert result.exit_code == 2, result.output
    assert "--scrapyd: '10.0.0.5:6800' is not an http(s) URL" in result.output


def test_a_jobs_runs_are_found_by_the_buzz_job_its_run_recorded(tmp_path: Path) -> None:
    with fresh_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        now = datetime(2019, 2, 11, tzinfo=UTC)
        with write_transaction(engine) as conn:
            mine = start_run(conn, "ptt", {"buzz_job": "t-ptt-1of2", "channels": "car"}, now)
            save_channels(conn, mine, [{"platform": "ptt", "channel": "car", "status": "complete"}])
            start_run(conn, "ptt", {"buzz_job": "t-ptt-1of2x"}, now)  # a longer id: not ours
            start_run(conn, "ptt", {"channels": "t-ptt-1of2"}, now)  # the id elsewhere
        with engine.connect() as conn:
            found = runs_of_job(conn, "t-ptt-1of2")
            assert runs_of_job(conn, "t-ptt-9of9") == []
        engine.dispose()
    assert [r["id"] for r in found] == [mine]
    assert [c["channel"] for c in found[0]["channels"]] == ["car"]


def test_channels_a_shard_did_not_record_get_a_failed_run_naming_its_node(tmp_path: Path) -> None:
    requests = [request("ptt", ("car", "NBA", "Stock", "Food"))]
    shards = plan(requests, NODES[:2], "t")
    with fresh_database("sqlite", tmp_path) as url:
        engine = make_engine(url)
        now = datetime(2019, 2, 11, tzinfo=UTC)
        with write_transaction(engine) as conn:  # shard 1/2 ran: car and Stock, one of them lost
            ran = start_run(conn, "ptt", {"buzz_job": shards[0].job}, now)
            save_channels(
                conn,
                ran,
                [
                    {"platform": "ptt", "channel": "car", "status": "complete"},
                    {"platform": "ptt", "channel": "Stock", "status": "incomplete"},
                ],
            )
            finish_run(conn, ran, now, "incomplete", 9, 4, {}, "finished")
            # shard 2/2 (NBA, Food) recorded Food only: its process died before NBA's tally
            part = start_run(conn, "ptt", {"buzz_job": shards[1].job}, now)
            save_channels(
                conn, part, [{"platform": "ptt", "channel": "Food", "status": "complete"}]
            )
            finish_run(conn, part, now, "complete", 3, 1, {}, "finished")
        done = collect(engine, shards, {"ptt": requests[0]}, {})
        with engine.connect() as conn:
            runs = runs_of_job(conn, shards[1].job)
        engine.dispose()
    (problem,) = done.problems
    node = NODES[1]
    assert problem == f"ptt 2/2 (NBA): job t-ptt-2of2 on {node} ended without recording its crawl"
    assert len(runs) == 2 and runs[0]["id"] == part
    failed = runs[1]
    assert failed["status"] == "failed" and failed["args"]["scrapyd_node"] == NODES[1]
    assert [(c["channel"], c["status"]) for c in failed["channels"]] == [("NBA", "failed")]
    (ptt,) = done.outcomes
    assert (ptt.status, ptt.pages, ptt.threads, ptt.run_id) == ("failed", 12, 5, ran)
    assert [(c["channel"], c["status"]) for c in ptt.channels] == [
        ("Food", "complete"),
        ("NBA", "failed"),
        ("Stock", "incomplete"),
        ("car", "complete"),
    ]
