"""The replica over HTTP: the over-18 gate, robots, faults, counters and the serve command."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from replica.server import RunningReplica, serve_in_thread

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def replica() -> Iterator[RunningReplica]:
    with serve_in_thread("ptt") as running:
        yield running


def _request(
    base: str, method: str, path: str, body: str | None = None, cookie: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send one request without following redirects."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def test_over18_board_redirects_to_the_gate_and_the_form_lets_you_in(
    replica: RunningReplica,
) -> None:
    status, headers, _ = _request(replica.url, "GET", "/bbs/Gossiping/index.html")
    assert status == 302
    assert headers["location"] == "/ask/over18?from=%2Fbbs%2FGossiping%2Findex.html"
    status, _, page = _request(replica.url, "GET", headers["location"])
    text = page.decode()
    assert status == 200
    assert '<form action="/ask/over18" method="post">' in text
    assert '<input type="hidden" name="from" value="/bbs/Gossiping/index.html">' in text
    assert 'name="yes" value="yes">我同意，我已年滿十八歲</button>' in text
    form = urlencode({"from": "/bbs/Gossiping/index.html", "yes": "yes"})
    status, headers, _ = _request(replica.url, "POST", "/ask/over18", body=form)
    assert status == 302 and headers["location"] == "/bbs/Gossiping/index.html"
    assert headers["set-cookie"].startswith("over18=1") and "Path=/" in headers["set-cookie"]
    status, _, page = _request(replica.url, "GET", "/bbs/Gossiping/index.html", cookie="over18=1")
    assert status == 200 and "看板 Gossiping 文章列表" in page.decode()


def test_other_boards_need_no_cookie_and_robots_allows_bbs(replica: RunningReplica) -> None:
    status, _, _ = _request(replica.url, "GET", "/bbs/Stock/index.html")
    assert status == 200
    status, _, robots = _request(replica.url, "GET", "/robots.txt")
    assert status == 200 and "Allow: /bbs/" in robots.decode()
    status, _, page = _request(replica.url, "GET", "/bbs/NoSuch/index.html")
    assert status == 404 and b"404 - Not Found." in page


def test_stats_count_requests_per_status(replica: RunningReplica) -> None:
    before = replica.stats()["by_status"]
    _request(replica.url, "GET", "/bbs/car/index.html")
    _request(replica.url, "GET", "/bbs/car/index99999.html")
    status, _, raw = _request(replica.url, "GET", "/__replica/stats")
    after = json.loads(raw)["by_status"]
    assert status == 200
    assert after.get("200", 0) - before.get("200", 0) == 1
    assert after.get("404", 0) - before.get("404", 0) == 1


def test_faults_hit_first_attempts_only_and_are_deterministic() -> None:
    paths = [f"/bbs/Stock/index{n}.html" for n in range(1, 13)] + [
        f"/bbs/car/index{n}.html" for n in range(1, 9)
    ]
    outcomes = []
    for _ in range(2):
        with serve_in_thread("ptt", fault_rate=0.5) as running:
            first = {p: _request(running.url, "GET", p) for p in paths}
            second = {p: _request(running.url, "GET", p)[0] for p in paths}
            faults = {p: r[0] for p, r in first.items() if r[0] != 200}
            assert faults and len(faults) < len(paths)
            assert set(faults.values()) <= {429, 503}
            assert all(first[p][1].get("retry-after") == "1" for p, s in faults.items() if s == 429)
            assert set(second.values()) == {200}
            stats = running.stats()
            assert stats["faults"] == len(faults)
            assert stats["by_status"]["200"] == 2 * len(paths) - len(faults)
            outcomes.append(faults)
    assert outcomes[0] == outcomes[1]


def test_serve_command_prints_its_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "replica",
            "serve",
            "--source",
            "ptt",
            "--port",
            "0",
            "--members-out",
            str(members),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        m = re.fullmatch(
            r"replica serving ptt at (http://127\.0\.0\.1:\d+) "
            r"now=2019-02-11T09:00:00\+08:00 seed=7",
            line,
        )
        assert m, line
        status, _, _ = _request(m.group(1), "GET", "/bbs/Stock/index.html")
        assert status == 200
        assert members.read_text(encoding="utf-8").startswith("member_id,platform,handle\n")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_every_command_help_shows_an_example() -> None:
    from replica.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"serve", "truth", "members"}
    for command in sub.choices.values():
        assert "Example:" in command.format_help()
