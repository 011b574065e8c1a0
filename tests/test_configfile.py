"""buzz.toml: sources, channels, politeness and lookback; a bad file is one line with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from buzz.cli import app
from buzz.config import ConfigError, load_config
from buzz.configfile import ConfigFileError, FileSettings, SourceSettings, load, parse, render
from buzz.jobs import CrawlRequest, crawl_settings
from ranking.windows import parse_week

GOOD = """\
lookback_days = 7

[sources.ptt]
channels = ["Gossiping", "Stock"]
base_url = "http://127.0.0.1:8080"
delay = 2.5
concurrency = 2
"""


def test_a_good_file_names_sources_channels_politeness_and_lookback() -> None:
    settings = parse(GOOD, Path("buzz.toml"))
    assert settings.lookback_days == 7
    (ptt,) = settings.sources
    assert ptt == SourceSettings("ptt", ("Gossiping", "Stock"), "http://127.0.0.1:8080", 2.5, 2)


def test_render_writes_what_parse_reads() -> None:
    settings = FileSettings(
        (SourceSettings("ptt", ("car",), "http://x:1", 1.0, 3, False, browser=True),), 21
    )
    again = parse(render(settings), Path("b.toml"))
    assert again.sources == settings.sources and again.lookback_days == 21


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lookback_days = \n", "b.toml: not valid TOML: "),
        ("lookback = 3\n[sources.ptt]\n", "b.toml:1: lookback: unknown key"),
        ("[sources.ptt]\nchannels = 'Stock'\n", "b.toml:2: sources.ptt.channels: must be a list"),
        (
            "[sources.ptt]\n\nchannels = ['../x']\n",
            "b.toml:3: sources.ptt.channels: '../x' is not a board",
        ),
        ("[sources.ptt]\ndelay = 'slow'\n", "b.toml:2: sources.ptt.delay: must be a number"),
        ("[sources.ptt]\nconcurrency = 0\n", "b.toml:2: sources.ptt.concurrency: must be a whole"),
        (
            "[sources.ptt]\nbase_url = 'ftp://x'\n",
            "b.toml:2: sources.ptt.base_url: must be an http",
        ),
        (
            "[sources.ptt]\nenabled = 'yes'\n",
            "b.toml:2: sources.ptt.enabled: must be true or false",
        ),
        (
            "[sources.ptt]\nbrowser = 1\n",
            "b.toml:2: sources.ptt.browser: must be true or false",
        ),
        ("[sources.ptt]\nspeed = 3\n", "b.toml:2: sources.ptt.speed: unknown key"),
        ("x = 1\n\n[sources.plurk]\n", "b.toml:1: x: unknown key"),
        ("\n\n[sources.plurk]\n", "b.toml:3: sources.plurk: unknown source"),
        ("lookback_days = -1\n[sources.ptt]\n", "b.toml:1: lookback_days: must be a whole"),
        ("lookback_days = 3\n", "b.toml:1: sources: name at least one"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigFileError) as caught:
        parse(text, Path("b.toml"))
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_no_file_means_every_source_with_its_usual_channels(tmp_path: Path) -> None:
    settings = load(tmp_path / "buzz.toml")
    assert settings.path is None and {s.name for s in settings.sources} >= {"ptt"}
    with pytest.raises(ConfigFileError, match="no such file"):
        load(tmp_path / "buzz.toml", required=True)
    with pytest.raises(ConfigFileError, match="is a directory"):
        load(tmp_path)
    (tmp_path / "big5.toml").write_bytes("lookback_days = 1 # 中文".encode("big5"))
    with pytest.raises(ConfigFileError, match="not UTF-8"):
        load(tmp_path / "big5.toml")


def test_the_environment_wins_over_the_file_for_where_a_site_is(tmp_path: Path) -> None:
    (tmp_path / "buzz.toml").write_text(GOOD, encoding="utf-8")
    env = {"BUZZ_HOME": str(tmp_path)}
    config = load_config(env)
    assert config.base_url("ptt") == "http://127.0.0.1:8080" and config.lookback_days == 7
    assert config.source("ptt").channels == ("Gossiping", "Stock")
    moved = load_config({**env, "PTT_BASE_URL": "http://127.0.0.1:9999/"})
    assert moved.base_url("ptt") == "http://127.0.0.1:9999"
    request = CrawlRequest("ptt", ["Stock"], parse_week("2019-02-04").start)
    settings = crawl_settings(config, request)
    assert settings["DOWNLOAD_DELAY"] == 2.5 and settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert settings["BUZZ_LOOKBACK_DAYS"] == 7


def test_buzz_config_names_another_file_which_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config({"BUZZ_HOME": str(tmp_path), "BUZZ_CONFIG": str(tmp_path / "other.toml")})


def test_the_cli_refuses_a_bad_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "buzz.toml").write_text("[sources.ptt]\nchannels = 3\n", encoding="utf-8")
    monkeypatch.setenv("BUZZ_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["crawl", "runs"])
    assert isinstance(result.exception, ConfigError)
    assert str(result.exception).endswith(
        "buzz.toml:2: sources.ptt.channels: must be a list of names in quotes"
    )


def test_rules_names_a_file_next_to_buzz_toml_and_round_trips(tmp_path: Path) -> None:
    settings = parse('rules = "r/mine.toml"\n' + GOOD, tmp_path / "buzz.toml")
    assert settings.rules == tmp_path / "r" / "mine.toml"
    assert parse(render(settings), tmp_path / "buzz.toml").rules == settings.rules
    with pytest.raises(ConfigFileError, match="rules"):
        parse("rules = 3\n" + GOOD, tmp_path / "buzz.toml")
