"""`buzz segment`, `buzz tag` and `buzz nlp build-idf`: the CLI over the nlp package."""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from buzz.errors import fail

if TYPE_CHECKING:
    from nlp.idf import IdfTable
    from nlp.tagger import Tagger

CSV_ENCODINGS = ("utf-8-sig", "cp950")
CONVERT_HINT = "convert it to UTF-8 first, e.g. `iconv -f big5 -t utf-8`"
MAX_TOP = 26

nlp_app = typer.Typer(help="Text tools: build the IDF table the tagger uses.", no_args_is_help=True)


@dataclass
class Table:
    """Rows read from a CSV or JSON Lines file, with the bad lines reported beside them."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line holding byte `offset`."""
    return data.count(b"\n", 0, offset) + 1


def _decode(path: Path, data: bytes, encodings: tuple[str, ...]) -> tuple[str, str]:
    """Decode with the first encoding that works, or fail naming the file and line."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        fail(f"{path}:1: the file is UTF-16; save it as UTF-8 (Excel: CSV UTF-8)")
    if b"\0" in data:
        line = _line_of(data, data.index(b"\0"))
        fail(f"{path}:{line}: a NUL byte: this is binary data, not CSV or JSON Lines text")
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    line = _line_of(data, first_error.start) if first_error else 1
    fail(
        f"{path}:{line}: cannot decode the file as {' or '.join(encodings)} "
        f"(wrong encoding? {CONVERT_HINT})"
    )


def _csv_reason(exc: csv.Error) -> str:
    """csv's complaint in words that say what to look for."""
    if "field larger than field limit" in str(exc):
        return (
            f"a field longer than {csv.field_size_limit():,} characters "
            "(not CSV, or a quote left open?)"
        )
    return f"malformed CSV ({exc})"


def read_csv(path: Path, text: str) -> Table:
    """Parse CSV text; rows with the wrong number of fields or broken quoting are reported."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        fail(f"{path}: the file is empty")
    except csv.Error as exc:
        fail(f"{path}:1: bad CSV header: {_csv_reason(exc)}")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        # rows are dicts by column name, so a repeated name would silently drop a column
        fail(f"{path}:1: column {', '.join(map(repr, twice))} appears twice in the header")
    table = Table(columns=header)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            table.bad.append((start, _csv_reason(exc)))
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


def read_input(path: Path) -> bytes:
    """The bytes of an input file; one-line failure when it is missing, unreadable or empty."""
    if path.is_dir():
        fail(f"{path}: is a directory, not a file")
    if not path.exists():
        fail(f"{path}: no such file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror or exc})")
    if not data.strip():
        fail(f"{path}: the file is empty")
    return data


def read_table(path: Path, fmt: str | None) -> tuple[Table, str]:
    """Read FILE as CSV or JSON Lines (by --format, else by extension)."""
    kind = fmt or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv")
    kind = kind.lower()
    if kind not in ("csv", "jsonl"):
        fail(f"unknown --format {fmt!r} (use csv or jsonl)")
    data = read_input(path)
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


def _title_and_text(row: dict[str, Any], columns: list[str]) -> tuple[str | None, str]:
    """With two or more text columns the first is the title (weighted up), the rest the body."""
    if len(columns) < 2:
        return None, _row_text(row, columns)
    return _row_text(row, columns[:1]), _row_text(row, columns[1:])


def _check_output(option: str, path: Path | None, create_parents: bool = False) -> None:
    """Fail before any work when an output file could not be written there."""
    from buzz.export import output_problem

    if path is not None and (problem := output_problem(path, create_parents)):
        fail(f"{option}: {problem}")


def _write_failed(exc: OSError, option: str, path: Path | None) -> NoReturn:
    """Turn a failed write into one line; a closed pipe (`| head`) is left to click's quiet exit."""
    if exc.errno == errno.EPIPE:
        raise exc
    if path is None:
        fail(f"cannot write to stdout ({exc.strerror or exc})", 1)
    fail(f"{option}: cannot write {path} ({exc.strerror or exc})")


def load_idf(option: str, path: Path) -> IdfTable:
    """Load an IDF table, failing with one line when the file is missing or is not one."""
    from nlp.idf import IdfTable

    if path.is_dir():
        fail(f"{option}: {path} is a directory, not an IDF table")
    if not path.exists():
        fail(f"{option}: {path}: no such IDF table (build one with `buzz nlp build-idf`)")
    try:
        return IdfTable.load(path)
    except UnicodeDecodeError:
        fail(f"{option}: {path}: not UTF-8 text, so not an IDF table from `buzz nlp build-idf`")
    except ValueError as exc:
        fail(f"{option}: {exc}")
    except OSError as exc:
        fail(f"{option}: {path}: cannot read ({exc.strerror or exc})")


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin decoded as UTF-8 (a leading BOM dropped); fail at the first that is not."""
    stream: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
    if stream is None:  # already text (an embedding caller replaced sys.stdin)
        yield from sys.stdin
        return
    offset = 0
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, offset = raw[len(codecs.BOM_UTF8) :], len(codecs.BOM_UTF8)
        if b"\0" in raw:
            at = offset + raw.index(b"\0")
            fail(
                f"stdin:{number}: binary data (a NUL byte at byte offset {at}), not UTF-8 text; "
                "segment reads lines of text"
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            looks = ""
            try:
                raw.decode("cp950")
                looks = ", it looks like Big5/cp950"
            except UnicodeDecodeError:
                pass
            fail(
                f"stdin:{number}: not UTF-8 text (byte offset {offset + exc.start}{looks}); "
                f"{CONVERT_HINT}"
            )
        offset += len(raw)
        yield text


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
    try:
        for line in _stdin_lines():
            out.write(" ".join(seg.cut(line.rstrip("\r\n"), drop_stopwords=no_stopwords)) + "\n")
        out.flush()
    except OSError as exc:
        _write_failed(exc, "stdout", None)


def tag(
    file: Annotated[Path, typer.Argument(help="CSV or JSON Lines file.")],
    text_columns: Annotated[
        str,
        typer.Option(
            "--text-columns",
            help="Comma-separated columns holding the text; with two or more, the first is the "
            "title, whose keywords count 3 times.",
        ),
    ] = "標題,內容",
    channel_column: Annotated[
        str | None, typer.Option("--channel-column", help="Column naming the channel (a prior).")
    ] = None,
    top: Annotated[
        int, typer.Option("--top", help=f"How many top-level tags (1 to {MAX_TOP}).")
    ] = 3,
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
    from nlp.tagger import Tagger

    columns = _split_columns(text_columns)
    if not columns:
        fail("--text-columns names no column")
    if not 1 <= top <= MAX_TOP:
        fail(f"--top: {top} is not between 1 and {MAX_TOP}")
    _check_output("--output", output)
    table, kind = read_table(file, fmt)
    _check_columns(file, table, columns + ([channel_column] if channel_column else []))
    idf = load_idf("--idf", idf_path) if idf_path is not None else None
    for number, reason in table.bad:
        typer.echo(f"buzz: {file}:{number}: {reason}", err=True)
    if not table.rows:
        if table.bad:
            fail(f"{file}: no row could be read")
        fail(f"{file}: no rows after the header; nothing to tag", 1)
    tagger = Tagger(idf=idf)
    try:
        if output is None:
            _write_tagged(sys.stdout, table, kind, tagger, columns, channel_column, top)
        else:
            # Every CSV Buzz writes is UTF-8 with a BOM (docs/PROFILES.md); JSON Lines is not.
            encoding = "utf-8-sig" if kind == "csv" else "utf-8"
            with output.open("w", encoding=encoding, newline="") as handle:
                _write_tagged(handle, table, kind, tagger, columns, channel_column, top)
    except OSError as exc:
        _write_failed(exc, "--output", output)
    if table.bad:
        raise typer.Exit(1)


def _write_tagged(
    handle: IO[str],
    table: Table,
    kind: str,
    tagger: Tagger,
    columns: list[str],
    channel_column: str | None,
    top: int,
) -> None:
    """Write every row of the table with its `tags` cell, as CSV or JSON Lines.

    CSV cells go through safe_cell (a leading ' before = + - @ tab CR) like every CSV Buzz writes,
    so a spreadsheet never runs `=1+1`; JSON Lines is data and keeps every value exact.
    """
    from nlp.tagger import format_tags
    from ranking.cells import safe_cell

    out_columns = [*table.columns, "tags"] if "tags" not in table.columns else table.columns
    writer = csv.writer(handle) if kind == "csv" else None
    if writer is not None:
        writer.writerow([safe_cell(c) for c in out_columns])
    for _number, row in table.rows:
        channel = row.get(channel_column) if channel_column else None
        title, text = _title_and_text(row, columns)
        scores = tagger.top_tags(text, str(channel or "") or None, top, title)
        row = {**row, "tags": format_tags(scores)}
        if writer is not None:
            writer.writerow([safe_cell(str(row.get(c, ""))) for c in out_columns])
        else:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    handle.flush()


def _csv_texts(path: Path, columns: list[str]) -> list[str]:
    """Texts from a CSV file's columns (bad rows reported on stderr and skipped)."""
    table, _ = read_table(path, "csv")
    _check_columns(path, table, columns)
    for number, reason in table.bad:
        typer.echo(f"buzz: {path}:{number}: {reason}", err=True)
    if not table.rows:
        if table.bad:
            fail(f"{path}: no row could be read")
        fail(f"{path}: no rows after the header; nothing to build the IDF table from", 1)
    return [_row_text(row, columns) for _number, row in table.rows]


def _one_line(exc: BaseException) -> str:
    """The first line of an error (SQLAlchemy appends a background link, drivers add hints)."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return lines[0] if lines else type(inner).__name__


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
    min_df: Annotated[
        int, typer.Option("--min-df", help="Drop tokens found in fewer texts (1 or more).")
    ] = 1,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write (default <data folder>/idf.json)."),
    ] = None,
) -> None:
    """Build the IDF table the tagger weights keywords with, from the crawl or a CSV.

    Example: buzz nlp build-idf --from-csv posts.csv --text-columns 標題,內容 -o idf.json
    """
    from buzz.config import load_config
    from nlp.idf import build_idf

    output = output or load_config().idf_path
    if min_df < 1:
        fail(f"--min-df: {min_df} is not 1 or more")
    _check_output("--output", output, create_parents=True)
    if from_csv is not None:
        columns = _split_columns(text_columns)
        if not columns:
            fail("--text-columns names no column")
        texts: Iterator[str] | list[str] = _csv_texts(from_csv, columns)
        empty = f"{from_csv}: no text in {', '.join(columns)} to build the IDF table from"
    else:
        from dataclasses import replace

        from buzz.config import redact_url
        from buzz.interests import stored_texts
        from buzz.jobs import NoData

        config = load_config()
        url = database_url or config.database_url
        try:
            texts = iter(list(stored_texts(replace(config, database_url=url))))
        except ImportError as exc:
            fail(f"storage is not available ({exc})")
        except NoData as exc:
            fail(str(exc), 1)
        except Exception as exc:  # a database error is bad input for this command
            fail(f"cannot read threads from {redact_url(url)}: {_one_line(exc)}")
        empty = f"no threads stored in {redact_url(url)} to build the IDF table from: crawl first"
    table = build_idf(texts, min_df=min_df)
    if table.documents == 0:
        fail(empty, 1)
    try:
        table.save(output)
    except OSError as exc:
        _write_failed(exc, "--output", output)
    typer.echo(f"wrote {output}: {table.documents} documents, {len(table.df)} tokens")


def register(app: typer.Typer) -> None:
    """Add `segment`, `tag` and the `nlp` group to the main app."""
    app.command("segment")(segment)
    app.command("tag")(tag)
    app.add_typer(nlp_app, name="nlp")
