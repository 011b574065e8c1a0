"""The IDF table: counted per document, saved and loaded as JSON or TSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.idf import IdfTable, build_idf


def test_build_counts_documents_not_occurrences() -> None:
    table = build_idf(["台積電 台積電 外資", "外資買超", "珍奶半糖"])
    assert table.documents == 3
    assert table.df["台積電"] == 1
    assert table.df["外資"] == 2
    assert table.idf("台積電") > table.idf("外資")
    assert table.idf("沒出現過") >= table.idf("台積電")


@pytest.mark.parametrize("name", ["idf.json", "idf.tsv"])
def test_save_and_load_round_trip(tmp_path: Path, name: str) -> None:
    table = build_idf(["台積電外資連續買超", "半糖少冰", "鄉民問卦"])
    path = tmp_path / "sub" / name
    table.save(path)
    loaded = IdfTable.load(path)
    assert loaded == IdfTable(table.documents, dict(table.df))


def test_load_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="not an IDF table"):
        IdfTable.load(bad)


def test_empty_table_is_neutral() -> None:
    assert IdfTable(0).factor("任何") == 1.0
