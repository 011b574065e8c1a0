"""Suite-wide hooks: under BUZZ_REQUIRE_SHARED=1 (CI) a skip for missing shared data fails."""

from __future__ import annotations

import os
import re
from collections.abc import Generator

import pytest

REQUIRE_SHARED = "BUZZ_REQUIRE_SHARED"
SHARED_REASON = re.compile(r"shared[/ ]fixtures|\.\./shared\b", re.IGNORECASE)
"""A skip reason naming the data beside the project: `../shared/fixtures/real`, `../shared/...`,
an absolute `.../shared/fixtures/real`, or "the shared fixtures"."""


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The reason a skipped report gives (`Skipped: ` dropped)."""
    longrepr = report.longrepr
    text = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr or "")
    return text.removeprefix("Skipped: ")


def _fail_shared_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn the report into a failure when it skipped for want of the shared fixtures."""
    if os.environ.get(REQUIRE_SHARED) != "1" or not report.skipped:
        return
    if hasattr(report, "wasxfail"):  # an expected failure is reported as skipped too
        return
    reason = _skip_reason(report)
    if SHARED_REASON.search(reason):
        report.outcome = "failed"
        report.longrepr = f"{REQUIRE_SHARED}=1 but the shared data is missing: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Skips in setup (skipif marks, fixtures) and in the test body."""
    report = yield
    _fail_shared_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Module-level skips (`pytest.skip(..., allow_module_level=True)`)."""
    report = yield
    _fail_shared_skip(report)
    return report
