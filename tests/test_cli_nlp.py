"""`buzz segment`, `buzz tag` and `buzz nlp build-idf` through the Typer app."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from buzz.cli import app
from nlp.idf import IdfTable

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
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


# --- one-line errors: what was wrong and where, nothing good lost ------------------------------


def _one_error(result: Result) -> str:
    """The single `buzz: ` line a failed command printed on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: "), lines
    assert "Traceback" not in result.output
    return lines[0]


def test_segment_big5_stdin_says_where_and_how_to_convert() -> None:
    """Lines before the bad one are still printed; the error names the line and byte offset."""
    data = "半糖少冰\n".encode() + "台積電\n".encode("big5")
    result = runner.invoke(app, ["segment"], input=data)
    assert result.exit_code == 2
    assert result.stdout == "半糖 少冰\n"
    line = _one_error(result)
    assert line.startswith("buzz: stdin:2: not UTF-8 text (byte offset 13")
    assert "Big5" in line and "iconv -f big5 -t utf-8" in line


def test_segment_binary_stdin_is_one_line() -> None:
    result = runner.invoke(app, ["segment"], input="半糖\n".encode() + b"\x00\x00\x00\x01\x02")
    assert result.exit_code == 2
    assert result.stdout == "半糖\n"
    assert _one_error(result).startswith("buzz: stdin:2: binary data (a NUL byte at byte offset 7)")


def test_segment_drops_a_utf8_bom() -> None:
    result = runner.invoke(app, ["segment"], input="\ufeff半糖少冰\n".encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == "半糖 少冰\n"


def test_segment_full_disk_on_stdout_is_one_line() -> None:
    """Writing to a full device is reported, not a traceback (a subprocess: real stdout)."""
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full is Linux-only")
    with full.open("w") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "buzz", "segment"],
            input="半糖少冰\n".encode(),
            stdout=out,
            capture_output=False,
            stderr=subprocess.PIPE,
            check=False,
            cwd=ROOT,
        )
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == "buzz: cannot write to stdout (No space left on device)"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("out", "--output: {tmp}/out is a directory; give a file name"),
        ("missing/tagged.csv", "--output: folder {tmp}/missing does not exist"),
        ("posts.csv/tagged.csv", "--output: {tmp}/posts.csv is not a folder"),
    ],
)
def test_tag_output_that_cannot_be_a_file_fails_before_tagging(
    tmp_path: Path, target: str, message: str
) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    (tmp_path / "out").mkdir()
    result = runner.invoke(app, ["tag", str(src), "-o", str(tmp_path / target)])
    assert result.exit_code == 2
    assert _one_error(result) == "buzz: " + message.format(tmp=tmp_path)
    assert src.read_text(encoding="utf-8") == HEADER + CAR


def test_tag_write_failure_is_one_line(tmp_path: Path) -> None:
    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("/dev/full is Linux-only")
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    result = runner.invoke(app, ["tag", str(src), "-o", str(full)])
    assert result.exit_code == 2
    assert _one_error(result) == "buzz: --output: cannot write /dev/full (No space left on device)"


@pytest.mark.parametrize("top", ["0", "27", "-1"])
def test_tag_top_out_of_range_is_one_line(tmp_path: Path, top: str) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    result = runner.invoke(app, ["tag", str(src), "--top", top])
    assert result.exit_code == 2
    assert _one_error(result) == f"buzz: --top: {top} is not between 1 and 26"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "{src}: the file is empty"),
        (b"\n \n", "{src}: the file is empty"),
        ("標題,內容\n".encode("utf-16"), "{src}:1: the file is UTF-16; save it as UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "{src}:3: a NUL byte: this is binary data"),
        ("標題,標題,內容\n1,2,3\n".encode(), "{src}:1: column '標題' appears twice in the header"),
        (
            b"x" * 200_000,
            "{src}:1: bad CSV header: a field longer than 131,072 characters",
        ),
    ],
)
def test_tag_unreadable_files_are_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    src = tmp_path / "posts.csv"
    src.write_bytes(content)
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 2
    assert _one_error(result).startswith("buzz: " + expected.format(src=src))
    assert result.stdout == ""


def test_tag_a_directory_is_not_a_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tag", str(tmp_path)])
    assert result.exit_code == 2
    assert _one_error(result) == f"buzz: {tmp_path}: is a directory, not a file"


def test_tag_header_only_has_nothing_to_do(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER)
    out = tmp_path / "tagged.csv"
    result = runner.invoke(app, ["tag", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert _one_error(result) == f"buzz: {src}: no rows after the header; nothing to tag"
    assert not out.exists()


def test_tag_oversized_field_is_reported_by_line_and_other_rows_kept(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR + "c,x," + "長" * 200_000 + ",y\n" + STOCK)
    result = runner.invoke(app, ["tag", str(src)])
    assert result.exit_code == 1
    assert _one_error(result).startswith(f"buzz: {src}:3: a field longer than 131,072 characters")
    assert len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.mkdir(), "--idf: {p} is a directory, not an IDF table"),
        (lambda p: None, "--idf: {p}: no such IDF table (build one with `buzz nlp build-idf`)"),
        (
            lambda p: p.write_bytes("台股".encode("big5")),
            "--idf: {p}: not UTF-8 text, so not an IDF table from `buzz nlp build-idf`",
        ),
        (lambda p: p.write_text("[]", encoding="utf-8"), "--idf: {p}: not an IDF table ("),
    ],
)
def test_tag_bad_idf_is_one_line(
    tmp_path: Path, make: Callable[[Path], object], expected: str
) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    idf = tmp_path / "idf.json"
    make(idf)
    result = runner.invoke(app, ["tag", str(src), "--idf", str(idf)])
    assert result.exit_code == 2
    assert _one_error(result).startswith("buzz: " + expected.format(p=idf))


def test_build_idf_output_and_options_are_checked_first(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    cases = [
        (["-o", str(tmp_path)], f"--output: {tmp_path} is a directory; give a file name"),
        (["-o", str(src / "idf.json")], f"--output: {src} is not a folder"),
        (["--min-df", "0"], "--min-df: 0 is not 1 or more"),
        (["--text-columns", ","], "--text-columns names no column"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["nlp", "build-idf", "--from-csv", str(src), *args])
        assert result.exit_code == 2, args
        assert _one_error(result) == f"buzz: {message}"


def test_build_idf_creates_the_output_folder(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER + CAR)
    out = tmp_path / "new" / "dir" / "idf.json"
    result = runner.invoke(app, ["nlp", "build-idf", "--from-csv", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert IdfTable.load(out).documents == 1


def test_build_idf_header_only_csv_has_nothing_to_do(tmp_path: Path) -> None:
    src = _write(tmp_path / "posts.csv", HEADER)
    out = tmp_path / "idf.json"
    result = runner.invoke(app, ["nlp", "build-idf", "--from-csv", str(src), "-o", str(out)])
    assert result.exit_code == 1
    assert _one_error(result).startswith(f"buzz: {src}: no rows after the header")
    assert not out.exists()


def test_build_idf_from_an_empty_database_has_nothing_to_do(tmp_path: Path) -> None:
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(url)
    out = tmp_path / "idf.json"
    result = runner.invoke(app, ["nlp", "build-idf", "--database-url", url, "-o", str(out)])
    assert result.exit_code == 1
    assert _one_error(result) == (
        f"buzz: no threads stored in {url} to build the IDF table from: crawl first"
    )
    assert not out.exists()


def test_build_idf_database_error_is_one_line(tmp_path: Path) -> None:
    """SQLAlchemy's second line (a link to its docs) is left out."""
    not_a_database = _write(tmp_path / "posts.sqlite3", HEADER + CAR)
    url = f"sqlite:///{not_a_database}"
    result = runner.invoke(app, ["nlp", "build-idf", "--database-url", url])
    assert result.exit_code == 2
    assert _one_error(result) == f"buzz: cannot read threads from {url}: file is not a database"


def test_tag_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    """Cells like =1+1, @SUM(1), +886… and -007 get a leading ' in CSV, as every Buzz CSV does."""
    import csv

    src = _write(
        tmp_path / "posts.csv",
        "作者,=看板,標題,內容\n=1+1,@SUM(1),+886912345678,-007 台股大漲外資連續買超台積電\n",
    )
    result = runner.invoke(app, ["tag", str(src), "--text-columns", "標題,內容"])
    assert result.exit_code == 0, result.output
    header, row = list(csv.reader(result.stdout.splitlines()))
    assert header == ["作者", "'=看板", "標題", "內容", "tags"]
    assert row[:4] == ["'=1+1", "'@SUM(1)", "'+886912345678", "'-007 台股大漲外資連續買超台積電"]
    assert row[4].startswith("投資理財:")


def test_tag_jsonl_keeps_formula_like_values_exact(tmp_path: Path) -> None:
    """JSON Lines is data, not a spreadsheet: values come back byte for byte."""
    row = {"id": "=1+1", "who": "@SUM(1)", "phone": "+886912345678", "內容": "-007 台股外資買超"}
    src = _write(tmp_path / "posts.jsonl", json.dumps(row, ensure_ascii=False) + "\n")
    result = runner.invoke(app, ["tag", str(src), "--text-columns", "內容"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {k: out[k] for k in row} == row
    assert out["tags"].startswith("投資理財:")


def test_tag_weights_the_first_of_several_text_columns_as_the_title(tmp_path: Path) -> None:
    from nlp.tagger import default_tagger, format_tags

    src = _write(tmp_path / "posts.csv", "標題,內容\n台積電外資買超,今天吃拉麵，湯頭不錯\n")
    result = runner.invoke(app, ["tag", str(src), "--top", "2"])
    assert result.exit_code == 0, result.output
    expected = default_tagger().top_tags("今天吃拉麵，湯頭不錯", top=2, title="台積電外資買超")
    assert result.stdout.splitlines()[1].endswith("," + format_tags(expected))
    assert format_tags(expected).startswith("投資理財:")
