"""Any bytes into any parser: the record, or the parser's own documented error, never a crash.

Seeds are the real pages and API answers under ../shared plus pages the replica serves; each case
applies one to three mutations (truncation, deleted or duplicated slices, inserted markup and bytes,
a page in the other encoding, JSON nodes replaced by any value or dropped). bench/bench_fuzz.py
runs the same at volume.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from parser_fuzz import PARSERS, SHARED_REAL, Parser, mutated, outcome, seeds

CASES = 60  # per parser; the long run is bench/bench_fuzz.py


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
def test_every_parser_has_real_or_replica_seeds(parser: Parser) -> None:
    """Each parser is fuzzed from real pages where ../shared has them, and from replica pages."""
    if parser.real and not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} absent: ../shared/fixtures/real seeds missing")
    pages = seeds(parser.name)
    assert len(pages) >= 1
    assert all(outcome(parser, page) == "ok" for page in pages), "a seed page itself is refused"
    if parser.real:
        assert len(pages) > len(parser.real) - 1


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.name)
def test_mutated_pages_give_a_record_or_the_documented_error(parser: Parser) -> None:
    """No exception other than the parser's own error, whatever the bytes."""
    if parser.real and not SHARED_REAL.is_dir():
        pytest.skip(f"{SHARED_REAL} absent: ../shared/fixtures/real seeds missing")
    seeds(parser.name)

    @settings(
        max_examples=CASES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(parser))
    def check(data: bytes) -> None:
        assert outcome(parser, data) in ("ok", "refused")

    check()
