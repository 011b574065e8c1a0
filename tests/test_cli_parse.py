"""`buzz parse ptt-article` / `buzz parse ptt-index`: JSON out, one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ptt_golden import FIXTURES, SHARED_REAL
from typer.testing import CliRunner, Result

from buzz.cli import app

runner = CliRunner()
ROLLOVER = str(FIXTURES / "article_year_rollover.html")
INDEX = str(FIXTURES / "index_synthetic.html")


def invoke(*args: str, stdin: bytes | None = None) -> Result:
    """Run `buzz <args>` in-process."""
    return runner.invoke(app, list(args), input=stdin)


def test_article_prints_the_documented_json() -> None:
    result = invoke("parse", "ptt-article", ROLLOVER, "--crawled-at", "2024-03-01T00:00:00+08:00")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "board",
        "article_id",
        "url",
        "title",
        "category",
        "author_id",
        "author_nickname",
        "posted_at",
        "ip",
        "status",
        "body",
        "pushes",
        "counts",
    ]
    assert data["posted_at"] == "2023-12-30T22:00:00+08:00"
    assert data["pushes"][2] == {
        "tag": "→",
        "user": "carol",
        "content": "新年快樂",
        "ip": None,
        "time": "2024-01-01T00:00:00+08:00",
        "time_inferred": True,
        "date_only": False,
    }
    assert data["pushes"][3]["time"] is None
    assert data["counts"] == {"all": 6, "push": 2, "boo": 1, "neutral": 3}
    assert "新年快樂" in result.stdout  # ensure_ascii=False


def test_article_url_option_overrides_the_canonical_link() -> None:
    url = "https://www.ptt.cc/bbs/Other/M.1703944801.A.FFF.html"
    result = invoke("parse", "ptt-article", ROLLOVER, "--url", url)
    data = json.loads(result.stdout)
    assert (data["url"], data["article_id"]) == (url, "M.1703944801.A.FFF")


def test_crawled_at_without_offset_is_taipei_time() -> None:
    result = invoke("parse", "ptt-article", ROLLOVER, "--crawled-at", "2023-12-31T12:00:00")
    data = json.loads(result.stdout)
    assert data["pushes"][1]["time"] == "2022-12-31T23:59:00+08:00"


def test_article_from_stdin() -> None:
    result = invoke(
        "parse", "ptt-article", "-", stdin=(FIXTURES / "article_big5.html").read_bytes()
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["author_nickname"] == "老骨頭"


def test_index_prints_the_documented_json() -> None:
    result = invoke("parse", "ptt-index", INDEX)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["board", "rows", "prev_url", "next_url"]
    assert data["board"] == "Test"
    assert [row["pinned"] for row in data["rows"]] == [False, False, False, True]
    assert (data["prev_url"], data["next_url"]) == (None, "/bbs/Test/index2.html")


def test_index_from_stdin() -> None:
    result = invoke("parse", "ptt-index", "-", stdin=Path(INDEX).read_bytes())
    assert json.loads(result.stdout)["rows"][0]["nrec"] == "爆"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ptt-article", "no/such/page.html"), "buzz: no/such/page.html: no such file"),
        (("ptt-index", "no/such/page.html"), "buzz: no/such/page.html: no such file"),
        (("ptt-article", str(FIXTURES)), "is a directory"),
        (("ptt-article", str(FIXTURES / "not_ptt.html")), "not a PTT page: no #main-content"),
        (("ptt-index", str(FIXTURES / "not_ptt.html")), "not a PTT page"),
        (("ptt-article", str(FIXTURES / "cloudflare_challenge.html")), "Cloudflare challenge"),
        (("ptt-article", INDEX), "board index page"),
        (("ptt-article", ROLLOVER, "--crawled-at", "last tuesday"), "--crawled-at: not an ISO"),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(args: tuple[str, ...], message: str) -> None:
    result = invoke("parse", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith("buzz: ")
    assert result.stderr.count("\n") == 1


def test_undecodable_bytes_say_which_encodings_were_tried() -> None:
    result = invoke("parse", "ptt-article", "-", stdin=b"<html>\xff\xfe\x80\x80</html>")
    assert result.exit_code == 2
    assert "neither UTF-8 nor cp950/Big5" in result.stderr


@pytest.mark.parametrize("command", [(), ("ptt-article",), ("ptt-index",)])
def test_every_parse_command_help_has_an_example(command: tuple[str, ...]) -> None:
    result = invoke("parse", *command, "--help")
    assert result.exit_code == 0
    assert "Example: buzz parse" in result.stdout


def test_real_beauty_article_through_the_cli() -> None:
    page = SHARED_REAL / "ptt" / "ptt_article_Beauty_M.1499790734.A.833.html"
    if not page.exists():
        pytest.skip(f"{SHARED_REAL} not present: real-page tests need the shared fixtures")
    result = invoke("parse", "ptt-article", str(page), "--crawled-at", "2017-07-13T12:00:00+08:00")
    data = json.loads(result.stdout)
    assert data["counts"] == {"all": 59, "push": 36, "boo": 7, "neutral": 16}
    assert data["ip"] == "1.160.199.248"


def test_console_script_runs() -> None:
    script = Path(sys.executable).with_name("buzz")
    if not script.exists():
        pytest.skip(f"{script} not installed (pip install -e . creates it)")
    done = subprocess.run(
        [str(script), "parse", "ptt-index", INDEX],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8"))["board"] == "Test"
