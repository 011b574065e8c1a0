"""The profile vocabularies are defined once and the schema's CHECK constraints agree with them.

storage.models keeps its own copy (storage imports nothing of ours), so equality is checked
three ways: interests.vocab, the models' tuples, and the constraints a migrated database holds.
Order matters too: packed author profiles store a trend or level as its position.
"""

from __future__ import annotations

import re

import storage_fixtures as h
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

import storage.models as schema
from interests import vocab
from interests.model import LEVEL_CODE, TREND_CODE

db_url = h.db_url
engine = h.engine

# (table, column) → the vocabulary its CHECK constraint must list.
CHECKS = {
    ("interest_profiles", "trend"): vocab.TRENDS,
    ("interest_profiles", "level"): vocab.TAG_LEVELS,
    ("interest_profiles", "subject_kind"): vocab.SUBJECT_KINDS,
    ("thread_tags", "level"): vocab.TAG_LEVELS,
    ("profile_exports", "format"): vocab.EXPORT_FORMATS,
}


def test_storage_copies_equal_the_vocabulary_in_order() -> None:
    assert schema.TRENDS == vocab.TRENDS
    assert schema.TAG_LEVELS == vocab.TAG_LEVELS
    assert schema.SUBJECT_KINDS == vocab.SUBJECT_KINDS
    assert schema.EXPORT_FORMATS == vocab.EXPORT_FORMATS


def test_packed_codes_are_the_positions_in_the_vocabulary() -> None:
    assert list(TREND_CODE) == list(vocab.TRENDS) and list(TREND_CODE.values()) == [0, 1, 2, 3, 4]
    assert list(LEVEL_CODE) == list(vocab.TAG_LEVELS) and list(LEVEL_CODE.values()) == [0, 1]


def test_level_choices_only_name_known_levels() -> None:
    assert set(vocab.LEVEL_CHOICES) == {"top", "fine", "all"}
    assert vocab.LEVEL_CHOICES["all"] == vocab.TAG_LEVELS
    assert {lv for levels in vocab.LEVEL_CHOICES.values() for lv in levels} == set(vocab.TAG_LEVELS)


def test_the_migrated_schema_checks_exactly_the_vocabulary(engine: Engine) -> None:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    inspector = inspect(engine)
    for table, column in CHECKS:
        for check in inspector.get_check_constraints(table):
            sql = str(check["sqltext"])
            if re.search(rf"\b{column}\b", sql):
                found[(table, column)] = tuple(re.findall(r"'([^']*)'", sql))
    assert found == CHECKS
