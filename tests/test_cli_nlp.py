"""`buzz segment`, `buzz tag` and `buzz nlp build-idf` through the Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from buzz.cli import app
from nlp.idf import IdfTable

runner = CliRunner()
HEADER = "作者,看板,標題,內容\n"
CAR = "a,car,[問題] 休旅車,RAV4跟CR-V試駕後覺得馬力跟油耗差不多\n"
STOCK = "b,Stock,[標的] 台積電,台股大漲外資連續買超台積電\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_segment_prints_tokens_one_line_per_line() -> None:
    result = runner.invoke(app, ["segment"], input="台積電外資連續買超\n半糖少冰\n")
    assert result.exit_code == 0
    assert result.stdout == "台積電 外資 連續 買超\n半糖 少冰\n"


def test_segment_can_drop_stopwords() -> None:
    result = runner.invoke(app, ["segment", "--no-stopwords"], input="我們的珍奶，好喝嗎？\n")
    assert result.stdout == "珍奶 好喝\n"


def test_tag_adds_a_tags_column(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR + STOCK)
    result = runner.invoke(app, ["tag", str(src), "--top", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "作者,看板,標題,內容,tags"
    assert lines[1].split(",")[-1].startswith("汽車:")
    assert lines[2].split(",")[-1].startswith("投資理財:")
    assert all(len(t.split(":")[1]) == 4 for t in lines[1].split(",")[-1].split(";"))


def test_tag_writes_jsonl_to_a_file_with_channel_and_idf(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(
        json.dumps(
            {"title": "求推薦", "body": "這個價格合理嗎", "board": "car"}, ensure_ascii=False
        )
        + "\n",
        encoding="utf-8",
    )
    idf = tmp_path / "idf.json"
    IdfTable(10, {"價格": 5}).save(idf)
    out = tmp_path / "out.jsonl"
    args = ["tag", str(src), "--text-columns", "title,body", "--channel-column", "board"]
    result = runner.invoke(app, [*args, "--idf", str(idf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["tags"].startswith("汽車:")
    assert row["board"] == "car"


def test_tag_reads_cp950_csv(tmp_path: Path) -> None:
    src = _write(tmp_path / "big5.csv", HEADER + STOCK, encoding="cp950")
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 0, result.output
    assert "投資理財:" in result.stdout


def test_tag_missing_file_is_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tag", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"buzz: {tmp_path / 'nope.csv'}: no such file"


def test_tag_unknown_column_lists_the_available_ones(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    result = runner.invoke(app, ["tag", str(src), "--text-columns", "title"])
    assert result.exit_code == 2
    assert "unknown column title; available columns: 作者, 看板, 標題, 內容" in result.stderr


def test_tag_keeps_good_rows_and_reports_bad_ones_by_line(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR + "only,two\n" + STOCK)
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 1
    assert f"{src}:3: expected 4 fields, got 2" in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_tag_bad_json_line_is_reported_with_its_number(tmp_path: Path) -> None:
    good = json.dumps({"標題": "台股", "內容": "外資買超台積電"}, ensure_ascii=False)
    src = _write(tmp_path / "posts.jsonl", good + "\n{oops\n[1]\n")
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 1
    assert f"{src}:2: bad JSON" in result.stderr
    assert f"{src}:3: a JSON object was expected" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["tags"].startswith("投資理財:")


def test_tag_nothing_readable_exits_2(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.jsonl", "{oops\n")
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 2
    assert "no row could be read" in result.stderr


def test_tag_wrong_encoding_says_so(tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_bytes(b'{"a": "ok"}\n{"a": "\xff\xfe"}\n')
    result = runner.invoke(app, ["tag", str(src), "--text-columns", "a"])
    assert result.exit_code == 2
    assert f"{src}:2: cannot decode" in result.stderr and "encoding" in result.stderr


def test_build_idf_from_csv(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR + STOCK)
    out = tmp_path / "idf.json"
    result = runner.invoke(app, ["nlp", "build-idf", "--from-csv", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = IdfTable.load(out)
    assert table.documents == 2 and table.df["台積電"] == 1


def test_every_nlp_command_has_an_example() -> None:
    for args in (["segment", "--help"], ["tag", "--help"], ["nlp", "build-idf", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
        assert "Example:" in result.stdout


def test_build_idf_reads_the_stored_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --from-csv, build-idf counts document frequencies over the crawled threads."""
    import storage_fixtures as h

    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.writes import write_thread

    url = f"sqlite:///{tmp_path / 'idf.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        for key, text in (("A", "台積電 外資 買超"), ("B", "外資 賣超 台股"), ("C", "湖人 勝利")):
            write_thread(conn, h.thread(key, title=text, body=text), [], h.T0)
    engine.dispose()
    monkeypatch.setenv("BUZZ_DATABASE_URL", url)
    out = tmp_path / "idf.json"
    result = CliRunner().invoke(app, ["nlp", "build-idf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = IdfTable.load(out)
    assert table.documents == 3
    assert table.df["外資"] == 2 and table.df["湖人"] == 1
    from buzz.interests import tagger_with_idf

    weighted = tagger_with_idf(out)
    assert weighted.idf is not None and weighted.idf.documents == 3
