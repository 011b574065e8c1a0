"""The words profiles are stored and exported with, defined once.

storage.models keeps its own copy for the schema's CHECK constraints (storage imports nothing of
ours); tests/test_profiles_vocab.py checks that both and the migrated schema say the same, in
the same order: a trend or level is stored packed as its position in these tuples.
"""

from __future__ import annotations

TRENDS = ("new", "rising", "stable", "falling", "faded")
"""How a subject's strength in a tag moved against the week before (docs/PROFILES.md)."""
TAG_LEVELS = ("top", "fine")
"""The taxonomy's 26 top-level tags and the finer tags under them."""
SUBJECT_KINDS = ("author", "member")
"""Whose profile: a community account (`platform:handle`) or a CRM member."""
EXPORT_FORMATS = ("csv", "xlsx", "jsonl")
"""The CRM export's file formats."""
TABLE_FORMATS = ("csv", "xlsx")
"""Formats of the tables Buzz writes for people (an audience comparison)."""
LEVEL_CHOICES: dict[str, tuple[str, ...]] = {
    "top": ("top",),
    "fine": ("fine",),
    "all": TAG_LEVELS,
}
"""What `--level` selects."""
REPLY_TEXT_MODES = ("members", "all", "none")
"""Whose own reply text is tagged in a build: accounts linked to members, every author, nobody."""
