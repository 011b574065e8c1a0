"""The replica's fault kinds, each as a client meets it, and the fault plan's rules."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

import pytest

from replica.faults import CHALLENGE_PAGE, KINDS, FaultPlan, parse_kinds
from replica.server import RunningReplica, serve_in_thread

ARTICLES = "/bbs/Stock/index.html"  # a board without the over-18 gate


def _get(replica: RunningReplica, path: str, timeout: float = 5) -> http.client.HTTPResponse:
    parts = urlsplit(replica.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    conn.request("GET", path)
    return conn.getresponse()


def _clean(path: str) -> bytes:
    with serve_in_thread("ptt") as clean:
        return _get(clean, path).read()


def _one(kind: str, **plan: float) -> RunningReplica:
    return serve_in_thread("ptt", plan=FaultPlan(1.0, (kind,), **plan))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind,status", [("429", 429), ("500", 500), ("503", 503)])
def test_status_faults_answer_at_once_and_429_says_when_to_retry(kind: str, status: int) -> None:
    with _one(kind) as replica:
        first = _get(replica, ARTICLES)
        assert first.status == status
        assert (first.getheader("Retry-After") == "1") == (status == 429)
        assert _get(replica, ARTICLES).status == 200, "the second attempt is answered"


def test_a_truncated_page_is_cut_with_a_matching_length_and_no_closing_tag() -> None:
    whole = _clean(ARTICLES)
    with _one("truncate") as replica:
        response = _get(replica, ARTICLES)
        body = response.read()
    assert response.status == 200 and int(response.getheader("Content-Length") or 0) == len(body)
    assert 0 < len(body) < len(whole) and whole.startswith(body) and b"</html>" not in body


def test_a_short_page_promises_more_than_it_sends() -> None:
    with _one("short") as replica, pytest.raises(http.client.IncompleteRead):
        _get(replica, ARTICLES).read()


def test_a_challenge_is_a_200_javascript_page() -> None:
    with _one("challenge") as replica:
        response = _get(replica, ARTICLES)
        assert response.status == 200 and response.read() == CHALLENGE_PAGE


def test_a_misencoded_page_holds_the_same_text_in_big5_or_is_mislabelled() -> None:
    """Big5 bytes declared UTF-8, or UTF-8 bytes declared Big5; never different text."""
    paths = [f"/bbs/Stock/index{n}.html" for n in range(1, 13)]
    with serve_in_thread("ptt") as clean:
        wholes = [_get(clean, p).read() for p in paths]
    seen: set[str] = set()
    with _one("encoding") as replica:
        for path, whole in zip(paths, wholes, strict=True):
            response = _get(replica, path)
            body = response.read()
            label = (response.getheader("Content-Type") or "").lower()
            if "big5" in label:
                seen.add("utf-8 labelled big5")
                assert body.decode("utf-8") == whole.decode("utf-8").replace(
                    'charset="utf-8"', 'charset="big5"'
                ).replace("charset=utf-8", "charset=big5")
            elif body != whole and not whole.startswith(body):
                seen.add("big5 labelled utf-8")
                assert "utf-8" in label
                assert body.decode("cp950") == whole.decode("utf-8")
    assert seen == {"utf-8 labelled big5", "big5 labelled utf-8"}


@pytest.mark.parametrize("kind", ["timeout", "reset"])
def test_lost_connections_answer_nothing(kind: str) -> None:
    with _one(kind, timeout_seconds=0.5) as replica:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, socket.timeout)):
            _get(replica, ARTICLES, timeout=2).read()
        stats = replica.stats()
    assert stats["by_fault"] == {kind: 1}


def test_repeat_fails_every_attempt_and_the_share_is_fixed_per_target() -> None:
    plan = FaultPlan(0.2, KINDS, repeat=True)
    targets = [f"/bbs/Gossiping/M.{n}.A.html" for n in range(2000)]
    picked = [plan.pick(7, t, 1) for t in targets]
    assert 0.17 < sum(p is not None for p in picked) / len(targets) < 0.23
    assert {p for p in picked if p} == set(KINDS)
    assert [plan.pick(7, t, 3) for t in targets] == picked
    assert all(FaultPlan(0.2, KINDS).pick(7, t, 2) is None for t in targets)


def test_bad_plans_are_refused_naming_the_kinds() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        parse_kinds("429,teapot")
    with pytest.raises(ValueError, match="within"):
        FaultPlan(1.5)
    assert parse_kinds("all") == KINDS
