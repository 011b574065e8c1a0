"""`buzz segment`, `buzz tag` and `buzz nlp build-idf`: the CLI over the nlp package."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from buzz.errors import fail

DEFAULT_IDF = Path("var") / "idf.json"
CSV_ENCODINGS = ("utf-8-sig", "cp950")

nlp_app = typer.Typer(help="Text tools: build the IDF table the tagger uses.", no_args_is_help=True)


@dataclass
class Table:
    """Rows read from a CSV or JSON Lines file, with the bad lines reported beside them."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"


def _decode(path: Path, data: bytes, encodings: tuple[str, ...]) -> tuple[str, str]:
    """Decode with the first encoding that works, or fail naming the file and line."""
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    line = data[: first_error.start].count(b"\n") + 1 if first_error else 1
    fail(f"{path}:{line}: cannot decode the file as {' or '.join(encodings)} (wrong encoding?)")


def read_csv(path: Path, text: str) -> Table:
    """Parse CSV text; rows with the wrong number of fields or broken quoting are reported."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        fail(f"{path}: the file is empty")
    except csv.Error as exc:
        fail(f"{path}:1: malformed CSV header ({exc})")
    table = Table(columns=header)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.bad.append((start, f"malformed CSV row ({exc})"))
            continue
        if not cells:
            continue
        if len(cells) != len(header):
            table.bad.append((start, f"expected {len(header)} fields, got {len(cells)}"))
            continue
        table.rows.append((start, dict(zip(header, cells, strict=True))))
    return table


def read_jsonl(path: Path, text: str) -> Table:
    """Parse JSON Lines; each line must be one JSON object."""
    table = Table(columns=[])
    seen: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            table.bad.append((number, f"bad JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            table.bad.append((number, "a JSON object was expected"))
            continue
        seen.update(dict.fromkeys(obj))
        table.rows.append((number, obj))
    table.columns = list(seen)
    return table


def read_table(path: Path, fmt: str | None) -> tuple[Table, str]:
    """Read FILE as CSV or JSON Lines (by --format, else by extension)."""
    if not path.is_file():
        fail(f"{path}: no such file")
    kind = fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv")
    kind = kind.lower()
    if kind not in ("csv", "jsonl"):
        fail(f"unknown --format {fmt!r} (use csv or jsonl)")
    data = path.read_bytes()
    if kind == "csv":
        text, encoding = _decode(path, data, CSV_ENCODINGS)
        table = read_csv(path, text)
        table.encoding = encoding
        return table, kind
    text, _ = _decode(path, data, ("utf-8-sig",))
    return read_jsonl(path, text), kind


def _check_columns(path: Path, table: Table, wanted: list[str]) -> None:
    """Fail with the available columns when a named column does not exist."""
    missing = [c for c in wanted if c not in table.columns]
    if missing and (table.rows or table.columns):
        available = ", ".join(table.columns) or "(none)"
        fail(f"{path}: unknown column {', '.join(missing)}; available columns: {available}")


def _split_columns(value: str) -> list[str]:
    """`標題,內容` → ['標題', '內容']."""
    return [c.strip() for c in value.split(",") if c.strip()]


def _row_text(row: dict[str, Any], columns: list[str]) -> str:
    """Join the text columns of one row."""
    return "\n".join("" if row.get(c) is None else str(row.get(c)) for c in columns)


def segment(
    no_stopwords: Annotated[
        bool, typer.Option("--no-stopwords", help="Drop stop words and punctuation.")
    ] = False,
) -> None:
    """Segment lines from stdin; print each line's tokens separated by spaces.

    Example: echo 台積電外資連續買超 | buzz segment
    """
    from nlp.segment import default_segmenter

    seg = default_segmenter()
    out = sys.stdout
    for line in sys.stdin:
        out.write(" ".join(seg.cut(line.rstrip("\r\n"), drop_stopwords=no_stopwords)) + "\n")


def tag(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file.")],
    text_columns: Annotated[
        str, typer.Option("--text-columns", help="Comma-separated columns holding the text.")
    ] = "標題,內容",
    channel_column: Annotated[
        str | None, typer.Option("--channel-column", help="Column naming the channel (a prior).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many top-level tags.")] = 3,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    idf_path: Annotated[
        Path | None, typer.Option("--idf", help="IDF table from `buzz nlp build-idf`.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: by extension).")
    ] = None,
) -> None:
    """Add a `tags` column (`tag:score;tag:score`, top-level tags) to every row of FILE.

    Example: buzz tag posts.csv --text-columns 標題,內容 --channel-column 看板 --top 3 -o tagged.csv
    """
    from nlp.idf import IdfTable
    from nlp.tagger import Tagger, format_tags

    columns = _split_columns(text_columns)
    if not columns:
        fail("--text-columns names no column")
    table, kind = read_table(file, fmt)
    _check_columns(file, table, columns + ([channel_column] if channel_column else []))
    idf = None
    if idf_path is not None:
        if not idf_path.is_file():
            fail(f"{idf_path}: no such IDF table (build one with `buzz nlp build-idf`)")
        try:
            idf = IdfTable.load(idf_path)
        except ValueError as exc:
            fail(str(exc))
    tagger = Tagger(idf=idf)
    for number, reason in table.bad:
        typer.echo(f"buzz: {file}:{number}: {reason}", err=True)
    if not table.rows and table.bad:
        fail(f"{file}: no row could be read")
    out_columns = [*table.columns, "tags"] if "tags" not in table.columns else table.columns
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = (
            csv.DictWriter(handle, out_columns, extrasaction="ignore") if kind == "csv" else None
        )
        if writer is not None:
            writer.writeheader()
        for _number, row in table.rows:
            channel = row.get(channel_column) if channel_column else None
            scores = tagger.top_tags(_row_text(row, columns), str(channel or "") or None, top)
            row = {**row, "tags": format_tags(scores)}
            if writer is not None:
                writer.writerow(row)
            else:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if output:
            handle.close()
        else:
            handle.flush()
    if table.bad:
        raise typer.Exit(1)


def _csv_texts(path: Path, columns: list[str]) -> Iterator[str]:
    """Texts from a CSV file's columns (bad rows reported on stderr and skipped)."""
    table, _ = read_table(path, "csv")
    _check_columns(path, table, columns)
    for number, reason in table.bad:
        typer.echo(f"buzz: {path}:{number}: {reason}", err=True)
    for _number, row in table.rows:
        yield _row_text(row, columns)


@nlp_app.command("build-idf")
def build_idf_command(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Database to read threads from.")
    ] = None,
    from_csv: Annotated[
        Path | None, typer.Option("--from-csv", help="Read texts from this CSV instead.")
    ] = None,
    text_columns: Annotated[
        str, typer.Option("--text-columns", help="CSV columns holding the text.")
    ] = "標題,內容",
    min_df: Annotated[int, typer.Option("--min-df", min=1, help="Drop rarer tokens.")] = 1,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write.")] = DEFAULT_IDF,
) -> None:
    """Build the IDF table the tagger weights keywords with, from the crawl or a CSV.

    Example: buzz nlp build-idf --from-csv posts.csv --text-columns 標題,內容 -o var/idf.json
    """
    from nlp.idf import build_idf

    if from_csv is not None:
        texts = _csv_texts(from_csv, _split_columns(text_columns))
    else:
        from dataclasses import replace

        from buzz.config import load_config, redact_url
        from buzz.interests import stored_texts

        config = load_config()
        url = database_url or config.database_url
        try:
            texts = iter(list(stored_texts(replace(config, database_url=url))))
        except ImportError as exc:
            fail(f"storage is not available ({exc})")
        except Exception as exc:  # a database error is bad input for this command
            fail(f"cannot read threads from {redact_url(url)}: {exc}")
    table = build_idf(texts, min_df=min_df)
    if table.documents == 0:
        fail("no text to build the IDF table from")
    table.save(output)
    typer.echo(f"wrote {output}: {table.documents} documents, {len(table.df)} tokens")


def register(app: typer.Typer) -> None:
    """Add `segment`, `tag` and the `nlp` group to the main app."""
    app.command("segment")(segment)
    app.command("tag")(tag)
    app.add_typer(nlp_app, name="nlp")
