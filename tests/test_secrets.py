"""Credentials kept out of logs and tallies: every source's key masked, usage kept in tallies."""

from __future__ import annotations

import logging
import sys

import pytest

from crawlers.completeness import ChannelTally
from crawlers.secrets import MASK, RedactSecrets, install_log_redaction, redact, secret_values
from crawlers.sources import all_sources

KEY = "AIzaSyTestKeyThatMustNotShow000000000"


@pytest.fixture
def credential(monkeypatch: pytest.MonkeyPatch) -> str:
    """A credential in the variable a source names (the first source that names one)."""
    env = next(s.credential_env for s in all_sources() if s.credential_env)
    assert env is not None
    monkeypatch.setenv(env, KEY)
    return KEY


def test_a_sources_credential_is_masked_wherever_it_appears(credential: str) -> None:
    assert credential in secret_values()
    url = f"https://api.example/v3/items?id=1&key={credential}&page=2"
    assert redact(url) == f"https://api.example/v3/items?id=1&key={MASK}&page=2"
    assert redact("nothing secret") == "nothing secret"


def test_log_records_lose_the_credential_in_message_arguments_and_tracebacks(
    credential: str,
) -> None:
    record = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "Crawled <GET %s>", (credential,), None
    )
    assert RedactSecrets((credential,)).filter(record)
    assert record.getMessage() == f"Crawled <GET {MASK}>"
    try:
        raise ValueError(f"bad url ...key={credential}")
    except ValueError:
        failed = logging.LogRecord("t", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    RedactSecrets((credential,)).filter(failed)
    assert failed.exc_text is not None and credential not in failed.exc_text


def test_installed_on_the_root_handlers_once(
    credential: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install_log_redaction()
        install_log_redaction()
        assert sum(isinstance(f, RedactSecrets) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)


def test_short_or_absent_values_are_not_taken_for_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for s in all_sources():
        if s.credential_env:
            monkeypatch.setenv(s.credential_env, "abc")
    assert secret_values() == ()
    assert redact("abc def") == "abc def"


def test_usage_is_in_the_channels_detail_and_survives_a_resume() -> None:
    tally = ChannelTally("p", "c", root_fetched=True, walk_done=True)
    tally.usage["quota units"] += 37
    record = tally.to_record("finished")
    assert record["status"] == "complete" and record["detail"] == "spent 37 quota units"
    again = ChannelTally.from_state(tally.to_state())
    assert again.usage == tally.usage
    tally.lose("failed", "http_500", "u")
    assert tally.to_record("finished")["detail"].endswith("[http_500 1]; spent 37 quota units")
