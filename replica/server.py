"""The replica's HTTP server: routes from site.py, seeded fault injection, request counters."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import sys
import threading
from collections import Counter
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from replica.clock import DEFAULT_SEED, as_taipei
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
    ) -> None:
        super().__init__(address, ReplicaHandler)
        self.site = site
        self.seed = seed
        self.fault_rate = fault_rate
        self.verbose = verbose
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._by_status: Counter[int] = Counter()
        self._by_route: Counter[str] = Counter()
        self._faults = 0
        self._open: set[Any] = set()

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

    def fault_for(self, target: str) -> int | None:
        """Count an attempt at target and return 429/503 if this attempt is to fail, else None."""
        with self._lock:
            self._attempts[target] += 1
            attempt = self._attempts[target]
        if self.fault_rate <= 0 or attempt > 1:
            return None
        digest = hashlib.blake2b(f"{self.seed}:{target}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") / 2**64 >= self.fault_rate:
            return None
        return 429 if digest[-1] % 2 == 0 else 503

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
                "now": self.site.now.isoformat(),
                "seed": self.seed,
                "fault_rate": self.fault_rate,
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
        if route != "other":
            fault = self.server.fault_for(self.path)
            if fault is not None:
                headers = (("Retry-After", "1"),) if fault == 429 else ()
                self.server.record(fault, route, True)
                text = b"Too Many Requests" if fault == 429 else b"Service Unavailable"
                self._send(Response(fault, text, headers, "text/plain; charset=utf-8"), head_only)
                return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        response = self.server.site.get(path, query, self._cookies())
        self.server.record(response.status, route, False)
        self._send(response, head_only)

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
) -> ReplicaServer:
    """Build (and bind) a replica server for one source's site, a world seed and a clock."""
    if not 0.0 <= fault_rate <= 1.0:
        raise ValueError(f"fault rate must be within [0, 1], got {fault_rate}")
    site = make_site(source, seed, as_taipei(now))
    return ReplicaServer((host, port), site, seed, fault_rate, verbose)


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
) -> RunningReplica:
    """Start a source's replica on a free port in a daemon thread and return its handle."""
    return RunningReplica(make_server(source, now, seed, fault_rate, host, port, verbose))
