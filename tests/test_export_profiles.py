"""CRM export: CSV (UTF-8 with BOM), XLSX, JSONL, ids exact everywhere, faded tags apart."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import storage_fixtures as h
from profile_helpers import (
    BASEBALL,
    HALF_LIFE_FACTOR,
    MOVIE,
    STOCK,
    W1,
    W2,
    config_for,
    day,
    post,
    strength,
    thread_scores,
)
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from buzz.cli import app
from buzz.interests import build_profiles_range, tag_threads
from interests.crm import COLUMNS, spreadsheet_changes
from storage.interests import ProfileArrays, save_profile_arrays
from storage.members import import_members

db_url = h.db_url
engine = h.engine
runner = CliRunner()
EVIL = '=HYPERLINK("http://evil.example","click")'
TRICKY = ("+886912345678", "=1+1", "-007", "@me", " padded ", "@SUM(1)", "007")


@pytest.fixture
def built(db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database with three members (one formula-like id, one without activity), two weeks."""
    post(engine, "S.1", "alice", f"{STOCK} 祕密內文", day(W1))
    post(engine, "S.2", "bob", f"{MOVIE} 祕密內文", day(W1), board="movie")
    post(engine, "S.3", "alice", f"{STOCK} 祕密內文", day(W2))
    with engine.begin() as conn:
        import_members(
            conn, [("M1", "ptt", "alice"), (EVIL, "ptt", "bob"), ("M3", "ptt", "nobody")], h.T0
        )
    config = config_for(db_url, tmp_path)
    tag_threads(config, h.T0)
    build_profiles_range(config, [W1, W2], reply_text="none")
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    return db_url


def week2(text: str, board: str, tag: str, weeks: int = 2) -> tuple[int, int]:
    """Strengths of a tag after one thread in W1 and (weeks=2) another in W2, or none in W2."""
    score = thread_scores(f"{text} 祕密內文", board)[tag][1]
    return strength(score), strength(score * HALF_LIFE_FACTOR + (score if weeks == 2 else 0.0))


def export(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["profiles", "export", "--week", W2.week_id, *args])
    return result.exit_code, result.output


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV Buzz wrote: UTF-8 with a BOM, CRLF line ends."""
    data = path.read_bytes()
    assert (
        data.startswith(b"\xef\xbb\xbf")
        and b"\r\n" in data
        and b"\n" not in data.replace(b"\r\n", b"")
    )
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_utf8_with_bom_one_row_per_member_ids_exact(built: str, tmp_path: Path) -> None:
    code, out = export()
    path = tmp_path / "reports" / W2.week_id / "crm_profiles.csv"
    assert code == 0 and f"{path}: 3 of 3 members" in out
    rows = read_csv(path)
    assert tuple(rows[0]) == COLUMNS
    by_id = {r["member_id"]: r for r in rows}
    assert set(by_id) == {"M1", EVIL, "M3"}  # no ' before the formula-like id
    m1 = by_id["M1"]
    before, now = week2(STOCK, "Stock", "投資理財")
    assert now - before >= 5
    assert m1["tags"] == "投資理財" and m1["trends"] == "rising" and m1["iab_ids"] == "534"
    assert (m1["top_tag"], m1["strengths"], m1["faded_tags"]) == ("投資理財", str(now), "")
    before, now = week2(MOVIE, "movie", "電影", weeks=1)
    assert -5 < now - before < 5
    evil = by_id[EVIL]
    assert (evil["tags"], evil["strengths"], evil["trends"]) == ("電影", str(now), "stable")
    assert by_id["M3"]["tags"] == ""
    assert "祕密" not in path.read_text(encoding="utf-8-sig")


def test_csv_names_ids_a_spreadsheet_would_change(built: str) -> None:
    result = runner.invoke(app, ["profiles", "export", "--week", W2.week_id])
    assert result.exit_code == 0
    assert "1 member ids" in result.stderr and "--format xlsx" in result.stderr
    assert [spreadsheet_changes(i) for i in (*TRICKY, "U0001", "12345", "0")] == [
        *[True] * 4,
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_the_excel_option_is_gone_every_csv_has_the_bom(built: str) -> None:
    assert export("--excel")[0] == 2


def test_xlsx_holds_string_cells_never_formulas(built: str, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert export("--format", "xlsx", "-o", str(out), "--level", "all")[0] == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == COLUMNS
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value)
    assert EVIL in [v[0] for v in values]
    m1 = next(v for v in values if v[0] == "M1")
    assert m1[3] == "投資理財;台股" and m1[5] == "rising;rising" and m1[6] == "534;538"
    top, fine = week2(STOCK, "Stock", "投資理財")[1], week2(STOCK, "Stock", "台股")[1]
    assert m1[4] == f"{top};{fine}"


def test_jsonl_is_data_with_arrays(built: str, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    assert export("--format", "jsonl", "-o", str(out))[0] == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {x["member_id"] for x in lines} == {"M1", EVIL, "M3"}
    m1 = next(x for x in lines if x["member_id"] == "M1")
    assert m1["tags"] == ["投資理財"] and m1["trends"] == ["rising"] and m1["faded_tags"] == []
    assert m1["strengths"] == [week2(STOCK, "Stock", "投資理財")[1]] and m1["week"] == W2.week_id


def test_faded_interests_go_to_their_own_column(
    db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A multi-select import of `tags` must not mark a faded interest active."""
    with engine.begin() as conn:
        import_members(conn, [("M1", "ptt", "alice")], h.T0)
        save_profile_arrays(
            conn,
            "member",
            W2.start,
            ProfileArrays(
                np.array(["M1", "M1", "M1"], dtype=object),
                np.array(["投資理財", "電影", "運動"], dtype=object),
                np.zeros(3, dtype=np.int8),
                np.array([2.0, 0.0, 0.0]),
                np.array([3.0, 0.1, 0.2]),
                np.array([63, 3, 4]),
                np.array([1, 4, 4], dtype=np.int8),  # rising, faded, faded
            ),
        )
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    assert export("-o", str(tmp_path / "x.csv"))[0] == 0
    (row,) = read_csv(tmp_path / "x.csv")
    assert (row["tags"], row["strengths"], row["trends"]) == ("投資理財", "63", "rising")
    assert row["faded_tags"] == "運動;電影" and row["top_tag"] == "投資理財"
    assert export("--format", "jsonl", "-o", str(tmp_path / "x.jsonl"))[0] == 0
    record = json.loads((tmp_path / "x.jsonl").read_text(encoding="utf-8"))
    assert record["tags"] == ["投資理財"] and record["faded_tags"] == ["運動", "電影"]


def test_tricky_ids_round_trip_through_import_and_every_format(
    db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`+886912345678` stays `+886912345678`: the CRM matches members on these ids."""
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    members = tmp_path / "members.csv"
    with members.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member_id", "platform", "handle"])
        writer.writerows([(m, "ptt", f"fan{n}") for n, m in enumerate(TRICKY)])
    imported = runner.invoke(app, ["members", "import", str(members)])
    assert imported.exit_code == 0, imported.output
    assert "' padded ' has blanks around it; kept as written" in imported.stderr
    listed = runner.invoke(app, ["members", "list"]).stdout.splitlines()
    assert {line.split("\t")[0] for line in listed} == set(TRICKY)
    for n in range(len(TRICKY)):
        post(engine, f"F.{n}", f"fan{n}", STOCK, day(W2))
    config = config_for(db_url, tmp_path)
    tag_threads(config, h.T0)
    build_profiles_range(config, [W2], reply_text="none")
    for fmt in ("csv", "xlsx", "jsonl"):
        out = tmp_path / f"crm.{fmt}"
        assert export("--format", fmt, "-o", str(out))[0] == 0
        if fmt == "csv":
            ids = [r["member_id"] for r in read_csv(out)]
        elif fmt == "xlsx":
            sheet = openpyxl.load_workbook(out).active
            assert sheet is not None
            cells = [row[0] for row in sheet.iter_rows(min_row=2)]
            assert {c.data_type for c in cells} == {"s"}
            ids = [str(c.value) for c in cells]
        else:
            ids = [json.loads(line)["member_id"] for line in out.read_text("utf-8").splitlines()]
        assert sorted(ids) == sorted(TRICKY), fmt
    shown = runner.invoke(app, ["profiles", "show", " padded ", "--level", "top"])
    assert shown.exit_code == 0 and "投資理財" in shown.stdout


def test_since_last_writes_only_changed_members(built: str, engine: Engine, tmp_path: Path) -> None:
    assert export()[0] == 0
    code, out = export("--since-last")
    changes = tmp_path / "reports" / W2.week_id / "crm_profiles_changes.csv"
    assert code == 0 and f"{changes}: 0 of 3 members" in out
    with engine.begin() as conn:
        import_members(conn, [("M3", "ptt", "alice2")], h.T0)
    post(engine, "S.4", "alice2", BASEBALL, day(W2, 3), board="Baseball")
    config = config_for(built, tmp_path)
    tag_threads(config, h.T0)
    build_profiles_range(config, [W2], reply_text="none")
    code, out = export("--since-last")
    assert f"{changes}: 1 of 3 members" in out
    rows = read_csv(changes)
    assert [r["member_id"] for r in rows] == ["M3"]
    sport = thread_scores(BASEBALL, "Baseball")
    assert rows[0]["tags"] == "運動" and rows[0]["strengths"] == str(strength(sport["運動"][1]))
    assert rows[0]["trends"] == "new"


def test_bad_format_is_a_one_line_error(built: str) -> None:
    result = runner.invoke(app, ["profiles", "export", "--week", W2.week_id, "--format", "pdf"])
    assert result.exit_code == 2 and "--format: 'pdf'" in result.stderr


def test_show_prints_history(built: str) -> None:
    result = runner.invoke(app, ["profiles", "show", "M1", "--level", "top"])
    assert result.exit_code == 0
    assert f"week {W1.week_id}" in result.stdout and "new" in result.stdout
    assert "rising" in result.stdout
    missing = runner.invoke(app, ["profiles", "show", "nobody"])
    assert missing.exit_code == 2


# --- one-line errors: a week never built, outputs that cannot be written, bad numbers ----------


def _one_error(stderr: str) -> str:
    """The single `buzz: ` line a failed command printed."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: "), lines
    return lines[0]


def test_export_of_a_week_never_built_says_so_and_writes_nothing(
    built: str, tmp_path: Path
) -> None:
    """Empty rows would tell the CRM every member lost every interest."""
    week = W2.next().week_id
    for args in ([], ["-o", str(tmp_path / "x.csv")]):
        result = runner.invoke(app, ["profiles", "export", "--week", week, *args])
        assert result.exit_code == 1
        assert _one_error(result.stderr) == (
            f"buzz: no interest profiles stored for week {week}: "
            f"run `buzz profiles build --week {week}`"
        )
        assert result.stdout == ""
    assert not (tmp_path / "reports" / week).exists() and not (tmp_path / "x.csv").exists()


def test_export_output_that_cannot_be_a_file_is_one_line(built: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep", encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    cases = [
        (tmp_path, f"--out: {tmp_path} is a directory; give a file name"),
        (blocker / "x.csv", f"--out: {blocker} is not a folder"),
        (fifo, f"--out: {fifo} is not a regular file"),
    ]
    for out, message in cases:
        code_and_output = runner.invoke(
            app, ["profiles", "export", "--week", W2.week_id, "-o", str(out)]
        )
        assert code_and_output.exit_code == 2, out
        assert _one_error(code_and_output.stderr) == f"buzz: {message}"
    assert blocker.read_text(encoding="utf-8") == "keep"


def test_a_failed_write_keeps_the_previous_file(built: str, tmp_path: Path) -> None:
    out = tmp_path / "crm.csv"
    out.write_text("previous export", encoding="utf-8")
    (tmp_path / ".crm.csv.tmp").mkdir()  # the temporary file cannot be created
    result = runner.invoke(app, ["profiles", "export", "--week", W2.week_id, "-o", str(out)])
    assert result.exit_code == 2
    assert _one_error(result.stderr) == (
        f"buzz: cannot write {out}: Is a directory ({tmp_path / '.crm.csv.tmp'})"
    )
    assert out.read_text(encoding="utf-8") == "previous export"


@pytest.mark.parametrize("top", ["0", "27"])
def test_export_top_out_of_range_is_one_line(built: str, top: str) -> None:
    result = runner.invoke(app, ["profiles", "export", "--week", W2.week_id, "--top", top])
    assert result.exit_code == 2
    assert _one_error(result.stderr) == f"buzz: --top: {top} is not between 1 and 26"


def test_show_tells_no_profile_from_no_member(built: str) -> None:
    """A known member without a profile yet is "no data" (1); an unknown id is bad input (2)."""
    early = runner.invoke(app, ["profiles", "show", "M1", "--week", W1.previous().week_id])
    assert early.exit_code == 1
    assert _one_error(early.stderr) == (
        f"buzz: no interest profile stored for member 'M1' up to week {W1.previous().week_id}: "
        "run `buzz profiles build`"
    )
    quiet = runner.invoke(app, ["profiles", "show", "M3"])
    assert quiet.exit_code == 1 and "no interest profile stored for member 'M3'" in quiet.stderr
    unknown = runner.invoke(app, ["profiles", "show", "nobody"])
    assert unknown.exit_code == 2
    assert _one_error(unknown.stderr) == (
        "buzz: no member 'nobody' (import members with `buzz members import`)"
    )


@pytest.mark.parametrize("weeks", ["0", "53"])
def test_build_weeks_out_of_range_is_one_line(built: str, weeks: str) -> None:
    result = runner.invoke(app, ["profiles", "build", "--weeks", weeks])
    assert result.exit_code == 2
    assert _one_error(result.stderr) == f"buzz: --weeks: {weeks} is not between 1 and 52"


def test_build_of_weeks_without_any_data_exits_1(built: str) -> None:
    """Weeks before the first crawl store nothing; the weeks with data are still built."""
    early = W1.previous()
    args = ["profiles", "build", "--week", W1.week_id, "--weeks", "3", "--reply-text", "none"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert _one_error(result.stderr) == (
        f"buzz: no threads or replies stored for weeks {early.previous().week_id}, "
        f"{early.week_id}, so no profiles: crawl first (e.g. `buzz weekly --week "
        f"{early.previous().week_id}`)"
    )
    assert f"week {W1.week_id}: 2 authors" in result.stdout
