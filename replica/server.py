"""The replica's HTTP server: routes from site.py, seeded fault injection, request counters."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from replica import faults
from replica.clock import DEFAULT_SEED, as_taipei
from replica.faults import FaultPlan
from replica.http import Response, Site
from replica.sources import make_site

STATS_PATH = "/__replica/stats"


class ReplicaServer(ThreadingHTTPServer):
    """A threading HTTP server holding one Site, its fault plan and its counters."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        site: Site,
        seed: int = DEFAULT_SEED,
        fault_rate: float = 0.0,
        verbose: bool = False,
        plan: FaultPlan | None = None,
        js_challenge: bool = False,
    ) -> None:
        super().__init__(address, ReplicaHandler)
        self.js_challenge = js_challenge
        self.site = site
        self.seed = seed
        self.plan = plan or FaultPlan(fault_rate)
        self.fault_rate = self.plan.rate
        self._by_fault: Counter[str] = Counter()
        self.verbose = verbose
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()
        self._by_route: Counter[str] = Counter()
        self._faults = 0
        self._open: set[Any] = set()
        if hasattr(site, "origin"):  # a site writing absolute links (API paging) learns its URL
            site.origin = self.url

    def track(self, connection: Any, opened: bool) -> None:
        """Remember the open client connections, so kill() can drop them."""
        with self._lock:
            if opened:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def drop_connections(self) -> None:
        """Cut every open client connection, the way a site that goes away does."""
        with self._lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up; report anything else."""
        if self.verbose or not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """Return the base URL the server answers on."""
        host, port = self.server_address[:2]
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else str(host)
        return f"http://{shown}:{port}"

    def fault_for(self, target: str) -> str | None:
        """Count an attempt at target and return the fault kind it is to get, else None."""
        with self._lock:
            self._attempts[target] += 1
            attempt = self._attempts[target]
        kind = self.plan.pick(self.seed, target, attempt)
        if kind is not None:
            with self._lock:
                self._by_fault[kind] += 1
        return kind

    def record(self, status: int, route: str, fault: bool) -> None:
        """Count one answered request."""
        with self._lock:
            self._by_status[status] += 1
            self._by_route[route] += 1
            if fault:
                self._faults += 1

    def stats(self) -> dict[str, Any]:
        """Return the counters as plain data (what GET /__replica/stats answers)."""
        with self._lock:
            return {
                "requests": sum(self._by_status.values()),
                "by_status": {str(k): v for k, v in sorted(self._by_status.items())},
                "by_route": dict(sorted(self._by_route.items())),
                "faults": self._faults,
                "by_fault": dict(sorted(self._by_fault.items())),
                "now": self.site.now.isoformat(),
                "seed": self.seed,
                "fault_rate": self.fault_rate,
                "fault_kinds": list(self.plan.kinds),
                "fault_repeat": self.plan.repeat,
                "js_challenge": self.js_challenge,
            }


class ReplicaHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests (HTTP/1.1 keep-alive)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: ReplicaServer

    def setup(self) -> None:
        """Register the connection with the server."""
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        """Forget the connection."""
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def version_string(self) -> str:
        """Name the server in the Server header."""
        return "replica/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Log only with --verbose."""
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _cookies(self) -> dict[str, str]:
        """Parse the Cookie header."""
        header = self.headers.get("Cookie")
        if not header:
            return {}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return {}
        return {k: m.value for k, m in jar.items()}

    def _send(self, response: Response, head_only: bool = False) -> None:
        """Write a response."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def do_GET(self) -> None:
        """Serve a GET, maybe failing it first if the fault plan says so."""
        self._get(head_only=False)

    def do_HEAD(self) -> None:
        """Serve a HEAD like a GET without a body."""
        self._get(head_only=True)

    def _get(self, head_only: bool) -> None:
        """Route a GET or HEAD."""
        parts = urlsplit(self.path)
        path = parts.path
        if path == STATS_PATH:
            body = json.dumps(self.server.stats(), ensure_ascii=False).encode()
            self._send(Response(200, body, content_type="application/json"), head_only)
            return
        route = self.server.site.route_kind(path)
        if (
            self.server.js_challenge
            and route != "other"
            and self._cookies().get(faults.CLEARANCE_COOKIE) != faults.clearance(self.server.seed)
        ):
            self.server.record(403, route, False)
            self._send(faults.js_challenge(self.server.seed), head_only)
            return
        fault = self.server.fault_for(self.path) if route != "other" else None
        if fault in faults.STATUS_KINDS:
            status = faults.STATUS_KINDS[str(fault)]
            headers = (("Retry-After", "1"),) if status == 429 else ()
            self.server.record(status, route, True)
            text = HTTPStatus(status).phrase.encode()
            self._send(Response(status, text, headers, "text/plain; charset=utf-8"), head_only)
            return
        if fault == "timeout":
            self.server.record(0, route, True)
            time.sleep(self.server.plan.timeout_seconds)
            self._hang_up(reset=False)
            return
        if fault == "reset":
            self.server.record(0, route, True)
            self._hang_up(reset=True)
            return
        if fault == "challenge":
            self.server.record(200, route, True)
            self._send(faults.challenged(), head_only)
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        response = self.server.site.get(path, query, self._cookies())
        if fault is not None and response.status == 200:
            if fault == "short":
                self.server.record(response.status, route, True)
                self._send_short(response)
                return
            changed = (
                faults.misencoded(response, self.server.seed, self.path)
                if fault == "encoding"
                else None
            )
            if changed is None:  # a page Big5 cannot hold is cut off instead
                changed = faults.truncated(response, self.server.seed, self.path)
            self.server.record(response.status, route, True)
            self._send(changed, head_only)
            return
        self.server.record(response.status, route, False)
        self._send(response, head_only)

    def _hang_up(self, reset: bool) -> None:
        """Close the connection without an answer; reset=True sends a TCP RST."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            if reset:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_short(self, response: Response) -> None:
        """Promise the whole body, send part of it, and hang up (a connection lost mid-page)."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        cut = faults.cut_point(self.server.seed, self.path, len(response.body))
        with contextlib.suppress(OSError):
            self.wfile.write(response.body[:cut])
            self.wfile.flush()
        self._hang_up(reset=False)

    def do_POST(self) -> None:
        """Serve the over-18 form."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        response = self.server.site.post(urlsplit(self.path).path, form)
        self.server.record(response.status, "form", False)
        self._send(response)


def make_server(
    source: str,
    now: datetime | None = None,
    seed: int = DEFAULT_SEED,
    fault_rate: float = 0.0,
    host: str = "127.0.0.1",
    port: int = 0,
    verbose: bool = False,
    plan: FaultPlan | None = None,
    js_challenge: bool = False,
) -> ReplicaServer:
    """Build (and bind) a replica server for one source's site, a world seed and a clock.

    plan (a FaultPlan) overrides fault_rate, which alone fails first attempts with 429/503;
    js_challenge answers every site route with a JavaScript challenge until its cookie is sent.
    """
    plan = plan or FaultPlan(fault_rate)
    site = make_site(source, seed, as_taipei(now))
    return ReplicaServer((host, port), site, seed, plan.rate, verbose, plan, js_challenge)


class RunningReplica:
    """A replica served from a background thread; use as a context manager or call stop()."""

    def __init__(self, server: ReplicaServer) -> None:
        self.server = server
        self.url = server.url
        self.now = server.site.now
        self.seed = server.seed
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    def stats(self) -> dict[str, Any]:
        """Return the request counters."""
        return self.server.stats()

    def stop(self) -> None:
        """Stop serving and close the socket (open keep-alive connections finish their work)."""
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()

    def kill(self) -> None:
        """Go away at once: stop listening and cut every open connection mid-crawl."""
        self.stop()
        self.server.drop_connections()

    def __enter__(self) -> RunningReplica:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    source: str,
    now: datetime | None = None,
    seed: int = DEFAULT_SEED,
    fault_rate: float = 0.0,
    host: str = "127.0.0.1",
    port: int = 0,
    verbose: bool = False,
    plan: FaultPlan | None = None,
    js_challenge: bool = False,
) -> RunningReplica:
    """Start a source's replica on a free port in a daemon thread and return its handle."""
    server = make_server(source, now, seed, fault_rate, host, port, verbose, plan, js_challenge)
    return RunningReplica(server)
