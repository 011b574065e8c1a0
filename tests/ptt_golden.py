"""Golden-file cases for the PTT parsers: a real page under ../shared plus expected.json here.

Each case is `tests/golden/ptt/<case>/meta.json` (which page, the url and crawled_at used) and
`expected.json` (the parse output, with long parts summarised so posts are not re-published).
The page is a real one under ../shared (`"source"`) or one the project wrote (`"fixture"`, a file
in tests/fixtures/ptt), so the project's own cases run even without the shared folder.
`BUZZ_UPDATE_GOLDEN=1 pytest ...` rewrites expected.json; review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crawlers.pages.ptt import parse_article, parse_index

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden" / "ptt"
FIXTURES = TESTS / "fixtures" / "ptt"
SHARED_REAL = TESTS.parent.parent / "shared" / "fixtures" / "real"
MAX_FULL_PUSHES = 60
KEEP_PUSHES = 10
UPDATE = os.environ.get("BUZZ_UPDATE_GOLDEN") == "1"


@dataclass(frozen=True)
class GoldenCase:
    """One golden case: its folder and what meta.json says."""

    name: str
    folder: Path
    source: str
    parser: str
    own: bool
    url: str | None
    crawled_at: datetime | None


def cases(parser: str) -> list[GoldenCase]:
    """All golden cases for `parser` ("article" or "index"), sorted by name."""
    found = []
    for meta_path in sorted(GOLDEN.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta["parser"] != parser:
            continue
        crawled = meta.get("crawled_at")
        found.append(
            GoldenCase(
                name=meta_path.parent.name,
                folder=meta_path.parent,
                source=meta.get("fixture") or meta["source"],
                parser=meta["parser"],
                own="fixture" in meta,
                url=meta.get("url"),
                crawled_at=datetime.fromisoformat(crawled) if crawled else None,
            )
        )
    return found


def shared_page(relative: str) -> bytes:
    """Bytes of a real page under ../shared/fixtures/real, or skip when that folder is absent."""
    if not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} not present: real-page golden tests need the shared fixtures")
    return (SHARED_REAL / relative).read_bytes()


def canonical_json(value: object) -> str:
    """Stable JSON text used for digests."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def summarise(parsed: dict[str, Any]) -> dict[str, Any]:
    """The golden form of a parse: body as length/digest/head, long push lists cut to the ends."""
    out = dict(parsed)
    if "body" in out:
        body = out["body"]
        out["body"] = {"length": len(body), "sha256": sha256(body), "head": body[:40]}
    pushes = out.get("pushes")
    if isinstance(pushes, list) and len(pushes) > MAX_FULL_PUSHES:
        out["pushes"] = {
            "count": len(pushes),
            "sha256": sha256(canonical_json(pushes)),
            "first": pushes[:KEEP_PUSHES],
            "last": pushes[-KEEP_PUSHES:],
        }
    return out


def run(case: GoldenCase) -> dict[str, Any]:
    """Parse the case's page the way meta.json says and return its golden form."""
    html = (FIXTURES / case.source).read_bytes() if case.own else shared_page(case.source)
    if case.parser == "article":
        result = parse_article(html, url=case.url, crawled_at=case.crawled_at).to_dict()
    else:
        result = parse_index(html, url=case.url).to_dict()
    return summarise(result)


def check(case: GoldenCase) -> None:
    """Compare the parse with expected.json, or rewrite it under BUZZ_UPDATE_GOLDEN=1."""
    actual = run(case)
    expected_path = case.folder / "expected.json"
    if UPDATE:
        text = json.dumps(actual, ensure_ascii=False, indent=2) + "\n"
        expected_path.write_text(text, encoding="utf-8")
        return
    if not expected_path.exists():
        pytest.fail(f"{expected_path} missing: run with BUZZ_UPDATE_GOLDEN=1 and review it")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected
