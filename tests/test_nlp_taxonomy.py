"""The taxonomy data file: 26 top tags, ≥150 fine tags with keywords, IAB IDs that exist."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nlp.boards import board_tags, tag_for_channel
from nlp.taxonomy import TOP_TAGS, TaxonomyError, load_taxonomy, parse_taxonomy

IAB = Path(__file__).resolve().parents[2] / "shared/reference/iab/Audience Taxonomy 1.1.tsv"


def test_exactly_the_26_top_tags_in_order() -> None:
    assert [t.name for t in load_taxonomy().top_tags()] == list(TOP_TAGS)
    assert len(TOP_TAGS) == 26


def test_at_least_150_fine_tags_each_with_parent_and_keywords() -> None:
    fine = load_taxonomy().fine_tags()
    assert len(fine) >= 150
    for tag in fine:
        assert tag.parent in TOP_TAGS
        assert tag.keywords, tag.name
        assert all(w > 0 for w in tag.keywords.values())
    for name in ("電動車", "台股", "美股", "加密貨幣", "婚紗攝影", "育兒用品", "精油", "手搖飲",
                 "日本旅遊", "減重瘦身"):  # fmt: skip
        assert name in load_taxonomy().tags


def test_top_tags_have_keywords_too() -> None:
    assert all(t.keywords for t in load_taxonomy().top_tags())


@pytest.mark.skipif(not IAB.exists(), reason="IAB reference TSV (../shared) not present")
def test_every_iab_id_exists_with_the_stored_name() -> None:
    names: dict[str, str] = {}
    with IAB.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for row in reader:
            tiers = [c.strip() for c in row[4:10] if c.strip()]
            names[row[1].strip()] = tiers[-1] if tiers else ""
    mapped = [t for t in load_taxonomy() if t.iab_id]
    assert len(mapped) >= 150
    for tag in mapped:
        assert tag.iab_id in names, f"{tag.name}: IAB ID {tag.iab_id} not in the TSV"
        assert names[tag.iab_id] == tag.iab_name, (
            f"{tag.name}: {tag.iab_name} != {names[tag.iab_id]}"
        )


def test_parse_rejects_a_fine_tag_without_a_known_parent() -> None:
    with pytest.raises(TaxonomyError, match="line 1"):
        parse_taxonomy("fine\tx\tnobody\t\t\tword:3\n")


def test_board_map_points_at_top_tags_and_reads_channels() -> None:
    assert set(board_tags().values()) <= set(TOP_TAGS)
    assert "Gossiping" not in board_tags()
    assert tag_for_channel("PTT > car") == "汽車"
    assert tag_for_channel("NBA") == "運動"
    assert tag_for_channel("Gossiping") is None
    assert tag_for_channel(None) is None
