"""Boards whose one plain topic is a top-level tag; also the tagger's channel prior."""

from __future__ import annotations

import functools
import json
from importlib.resources import files


@functools.cache
def board_tags() -> dict[str, str]:
    """Board name → top tag, from nlp/data/board_tags.json, loaded once."""
    text = files("nlp.data").joinpath("board_tags.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    return {str(k): str(v) for k, v in raw["boards"].items()}


def channel_key(channel: str) -> str:
    """Reduce a channel like `PTT > car` or `car` to the board name, lower-cased."""
    return channel.rsplit(">", 1)[-1].strip().lower()


@functools.cache
def _lower_map() -> dict[str, str]:
    """Board map keyed by lower-case board name."""
    return {k.lower(): v for k, v in board_tags().items()}


def tag_for_channel(channel: str | None) -> str | None:
    """The top tag a channel leans to, or None when the channel has no plain topic."""
    if not channel:
        return None
    return _lower_map().get(channel_key(channel))
