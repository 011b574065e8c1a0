"""The replica's fault plan: which requests fail, and how (statuses, cut or mis-encoded pages...).

A request's target (path and query) is hashed with the world seed, so the same requests fail in
every run. By default only the first attempt at a target fails, so a crawler that retries gets
every page; `repeat=True` fails every attempt, so the page can never be had.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from replica.http import Response

# Every kind the server can inject; STATUS kinds answer at once, the others are handled apart.
KINDS = ("429", "500", "503", "timeout", "reset", "truncate", "short", "challenge", "encoding")
DEFAULT_KINDS = ("429", "503")
STATUS_KINDS = {"429": 429, "500": 500, "503": 503}

CHALLENGE_PAGE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="refresh" content="390"></head><body><div id="challenge-running">'
    b"Checking if the site connection is secure</div>"
    b'<noscript><div id="challenge-error-title">Enable JavaScript and cookies to continue'
    b'</div></noscript><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/jsch/v1">'
    b"</script><div>Performance &amp; security by Cloudflare</div></body></html>"
)


@dataclass(frozen=True)
class FaultPlan:
    """A share of requests to fail, the kinds to pick from, and whether retries fail too."""

    rate: float = 0.0
    kinds: tuple[str, ...] = DEFAULT_KINDS
    repeat: bool = False
    timeout_seconds: float = 3.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be within [0, 1], got {self.rate}")
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown or not self.kinds:
            raise ValueError(
                f"unknown fault kind(s) {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(KINDS)}"
            )

    def pick(self, seed: int, target: str, attempt: int) -> str | None:
        """The fault for this attempt at target, or None to answer it normally."""
        if self.rate <= 0 or (attempt > 1 and not self.repeat):
            return None
        digest = hashlib.blake2b(f"{seed}:{target}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") / 2**64 >= self.rate:
            return None
        return self.kinds[digest[-1] % len(self.kinds)]


def parse_kinds(text: str) -> tuple[str, ...]:
    """`429,timeout,truncate` or `all` -> the kinds; ValueError naming a bad one."""
    if text.strip() == "all":
        return KINDS
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    FaultPlan(0.0, kinds)  # validates
    return kinds


def cut_point(seed: int, target: str, size: int) -> int:
    """Where a cut-off page ends: between 30% and 90% of it, fixed per target."""
    digest = hashlib.blake2b(f"cut:{seed}:{target}".encode(), digest_size=2).digest()
    return max(1, size * (30 + digest[0] % 61) // 100)


def truncated(response: Response, seed: int, target: str) -> Response:
    """The response with its body cut short, and a Content-Length that matches the cut."""
    body = response.body[: cut_point(seed, target, len(response.body))]
    return Response(response.status, body, response.headers, response.content_type)


def challenged() -> Response:
    """A 200 answer with a Cloudflare-style JavaScript challenge instead of the page."""
    return Response(200, CHALLENGE_PAGE, (), "text/html; charset=UTF-8")


def misencoded(response: Response, seed: int, target: str) -> Response | None:
    """The page in Big5 declared as UTF-8, or its UTF-8 declared as Big5 (fixed per target).

    None when the page cannot be served that way (Big5 cannot hold its text, or it is ASCII).
    """
    digest = hashlib.blake2b(f"enc:{seed}:{target}".encode(), digest_size=1).digest()
    if digest[0] % 2:
        declared = response.content_type.lower().replace("utf-8", "big5")
        if declared == response.content_type.lower():
            declared = f"{response.content_type.split(';')[0]}; charset=big5"
        body = response.body.replace(b'charset="utf-8"', b'charset="big5"').replace(
            b"charset=utf-8", b"charset=big5"
        )
        return Response(response.status, body, response.headers, declared)
    try:
        text = response.body.decode("utf-8")
        body = text.encode("cp950")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return None
    if body == response.body:  # nothing but ASCII: the fault would change nothing
        return None
    return Response(response.status, body, response.headers, response.content_type)


CLEARANCE_COOKIE = "buzz_clearance"


def clearance(seed: int) -> str:
    """The cookie value the JavaScript challenge computes: a browser gets it, a plain client not."""
    a, b, c = 7919 + seed, 104729 + 3 * seed, 1299709
    return _base36(a * b + c)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def js_challenge(seed: int) -> Response:
    """A 403 JavaScript challenge, Cloudflare style: the script sets the cookie and reloads."""
    a, b, c = 7919 + seed, 104729 + 3 * seed, 1299709
    script = (
        f"<script>(function(){{var v=({a}*{b}+{c}).toString(36);"
        f'document.cookie="{CLEARANCE_COOKIE}="+v+"; path=/";'
        "setTimeout(function(){location.reload();},30);})();</script>"
    )
    body = CHALLENGE_PAGE.replace(b"</body>", script.encode() + b"</body>")
    return Response(403, body, (("cf-mitigated", "challenge"),), "text/html; charset=UTF-8")
