"""A small typed client of Scrapyd's JSON API: schedule, status, cancel, daemon status.

python-scrapyd-api, the usual wrapper, has had no release since 2018, and the four calls the
dispatcher needs are a form post or a query each, so this uses urllib. Credentials for a node
behind Scrapyd's basic auth come from BUZZ_SCRAPYD_USERNAME / BUZZ_SCRAPYD_PASSWORD only,
never from the URL (URLs are stored with the scheduled job and printed in messages).
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

USERNAME_ENV = "BUZZ_SCRAPYD_USERNAME"
PASSWORD_ENV = "BUZZ_SCRAPYD_PASSWORD"


class ScrapydError(RuntimeError):
    """A node could not be reached or refused a call; the message names the node."""


def check_node_url(url: str) -> str:
    """An http(s) Scrapyd URL without credentials or trailing slash; ValueError otherwise."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL like http://10.0.0.5:6800")
    if parts.username or parts.password:
        raise ValueError(
            f"{parts.scheme}://{parts.hostname}: put Scrapyd credentials in {USERNAME_ENV} and "
            f"{PASSWORD_ENV}, not in the URL"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{url!r} has a port that is not a number") from None
    return url.strip().rstrip("/")


@dataclass(frozen=True, slots=True)
class ScrapydNode:
    """One Scrapyd server, called over HTTP with a per-call timeout."""

    url: str
    timeout: float = 10.0

    def _headers(self) -> dict[str, str]:
        user, password = os.environ.get(USERNAME_ENV), os.environ.get(PASSWORD_ENV)
        if not user:
            return {}
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
        return {"Authorization": f"Basic {token}"}

    def call(
        self, endpoint: str, params: Sequence[tuple[str, str]] = (), post: bool = False
    ) -> dict[str, Any]:
        """Call an endpoint (`schedule.json`); its JSON answer, or ScrapydError in one line."""
        query = urllib.parse.urlencode(list(params))
        url = f"{self.url}/{endpoint}"
        data = query.encode() if post else None
        if not post and query:
            url = f"{url}?{query}"
        request = urllib.request.Request(url, data=data, headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise ScrapydError(f"{self.url}: {endpoint}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ScrapydError(f"{self.url}: unreachable: {reason}") from None
        try:
            answer = json.loads(body)
        except ValueError:
            raise ScrapydError(f"{self.url}: {endpoint}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise ScrapydError(f"{self.url}: {endpoint}: the answer is not a JSON object")
        if answer.get("status") != "ok":
            message = " ".join(str(answer.get("message", answer)).split())
            raise ScrapydError(f"{self.url}: {endpoint}: {message}")
        return answer

    def daemon_status(self) -> dict[str, int]:
        """Pending, running and finished job counts: whether the node is up."""
        answer = self.call("daemonstatus.json")
        return {k: int(answer.get(k, 0)) for k in ("pending", "running", "finished")}

    def schedule(
        self,
        project: str,
        spider: str,
        job: str,
        args: Mapping[str, str],
        settings: Mapping[str, str],
    ) -> str:
        """Queue a spider run under a chosen job id, with spider arguments and Scrapy settings."""
        params = [("project", project), ("spider", spider), ("jobid", job)]
        params += [(k, v) for k, v in args.items()]
        params += [("setting", f"{k}={v}") for k, v in settings.items()]
        return str(self.call("schedule.json", params, post=True)["jobid"])

    def job_state(self, project: str, job: str) -> str | None:
        """`pending`, `running`, `finished`, or None when the node does not know the job."""
        answer = self.call("status.json", [("project", project), ("job", job)])
        state = answer.get("currstate")
        return None if state is None else str(state)

    def cancel(self, project: str, job: str) -> str | None:
        """Stop a job (SIGINT: the crawl closes and records itself); its state before."""
        answer = self.call("cancel.json", [("project", project), ("job", job)], post=True)
        state = answer.get("prevstate")
        return None if state is None else str(state)

    def list_jobs(self, project: str) -> dict[str, list[dict[str, Any]]]:
        """The node's pending, running and finished jobs of a project."""
        answer = self.call("listjobs.json", [("project", project)])
        return {k: list(answer.get(k, [])) for k in ("pending", "running", "finished")}
