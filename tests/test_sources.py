"""Sources are plug-ins: the registry lists them, and no shared code names one.

Adding a source is adding its registry entry (`crawlers/sources/<name>.py`), its parsers
(`crawlers/pages/<name>/`), its spider (`crawlers/spiders/<name>.py`) and its replica
(`replica/<name>/`). Everything else reads the registry.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from crawlers.sources import all_sources, get, names
from replica import sources as replica_sources

ROOT = Path(__file__).resolve().parents[1]


def source_names() -> set[str]:
    """Every source the crawler or the replica knows."""
    return set(names()) | set(replica_sources.names())


def shared_files() -> list[Path]:
    """Code that must work for any source: all but the sources' own modules and packages."""
    own = source_names()
    files: list[Path] = []
    for package in ("buzz", "crawlers", "storage", "replica"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).parts
            if "migrations" in rel:
                continue  # history: a migration may name what the data held then
            if (
                rel[:2] == ("crawlers", "sources")
                and path.stem != "__init__"
                and path.stem != "base"
            ):
                continue
            if rel[0] in ("crawlers", "replica") and any(part in own for part in rel[1:-1]):
                continue  # crawlers/pages/<source>/, replica/<source>/
            if rel[:2] == ("crawlers", "spiders") and path.stem in own:
                continue
            files.append(path)
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (prose may mention sources)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


_URL = re.compile(r"https?://\S+")


def _content(text: str) -> str:
    """A literal with the addresses quoted inside text dropped (planted page text may link a
    site); a literal that is just an address, like a base URL, is kept whole."""
    return text if _URL.fullmatch(text) else _URL.sub(" ", text)


def mentions(path: Path, wanted: set[str]) -> list[str]:
    """Source names used as identifiers or in string literals of a file (not in prose)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    words = re.compile(r"\b(" + "|".join(sorted(wanted)) + r")\b")
    hits: list[str] = []
    for node in ast.walk(tree):
        texts: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                texts.append(_content(node.value))
        elif isinstance(node, ast.Name):
            texts.append(node.id)
        elif isinstance(node, ast.Attribute):
            texts.append(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            texts.append(node.name)
        elif isinstance(node, ast.arg):
            texts.append(node.arg)
        elif isinstance(node, ast.alias):
            texts.append(node.asname or node.name)
        for text in texts:
            for token in re.split(r"[_.]", text):
                if words.fullmatch(token.lower()):
                    hits.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}: {text}")
            if isinstance(node, ast.Constant) and words.search(text.lower()):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    return hits


def test_there_is_at_least_one_source_and_each_replica_source_is_registered() -> None:
    assert "ptt" in names()
    assert set(replica_sources.names()) <= set(names())


def test_no_shared_code_names_a_source() -> None:
    files = shared_files()
    assert len(files) > 30
    hits = [hit for path in files for hit in mentions(path, source_names())]
    assert hits == [], "\n".join(hits)


def test_the_scan_would_catch_a_source_named_in_shared_code(tmp_path: Path) -> None:
    """The test above can fail: a literal or an identifier naming a source is found."""
    probe = ROOT / "buzz" / "_probe_for_test.py"
    probe.write_text(
        '"""Docstrings may say PTT."""\nBASE = "ptt"\nptt_board = 1\n'
        'URL = "https://www.ptt.cc"\nTEXT = "see https://www.ptt.cc/bbs/ for more"\n',
        encoding="utf-8",
    )
    try:
        hits = mentions(probe, {"ptt"})
    finally:
        probe.unlink()
    assert len(hits) >= 3 and any("URL" in h or "www.ptt.cc'" in h for h in hits), hits
    assert not any("see https" in h for h in hits), "an address quoted in page text is content"


@pytest.mark.parametrize("source", all_sources(), ids=lambda s: s.name)
def test_each_source_entry_is_whole(source: object) -> None:
    from scrapy.utils.misc import load_object

    from crawlers.sources import Source

    assert isinstance(source, Source)
    spider = load_object(source.spider)
    assert spider.name == source.name and spider.source is source
    assert source.default_channels and source.parsers
    assert source.base_url_env.endswith("_BASE_URL")
    assert re.fullmatch(source.channel_pattern, source.default_channels[0])
    assert get(source.name) is source


def test_base_url_settings_are_distinct() -> None:
    envs = [s.base_url_env for s in all_sources()]
    assert len(envs) == len(set(envs))


@pytest.mark.parametrize("source", all_sources(), ids=lambda s: s.name)
def test_channel_topics_name_top_level_tags(source: object) -> None:
    from crawlers.sources import Source
    from nlp.taxonomy import load_taxonomy

    assert isinstance(source, Source)
    tops = {t.top for t in load_taxonomy()}
    assert set(source.channel_topics.values()) <= tops


def test_a_sources_channel_topic_is_the_taggers_prior() -> None:
    from buzz.interests import tagger_with_idf

    tagger = tagger_with_idf(None)
    scores = tagger.tag("今天想分享一下", "美食", top=1)
    plain = tagger.tag("今天想分享一下", None, top=1)
    assert scores and scores[0].tag == "美食餐廳"
    assert not plain or plain[0].tag != "美食餐廳" or plain[0].score < scores[0].score
