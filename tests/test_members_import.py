"""Members import: line-numbered problems, good rows kept, idempotent, accounts move, encodings.

Ids are kept exactly as written; ids that differ only in blanks around them are refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import storage_fixtures as h
from typer.testing import CliRunner

from buzz.cli import app
from buzz.members_file import (
    MembersFileError,
    decode,
    parse_members,
    read_member_ids,
    read_members_file,
)
from storage.db import make_engine
from storage.members import accounts_by_member, import_members

db_url = h.db_url
engine = h.engine
runner = CliRunner()

BAD_FILE = (
    "member_id,platform,handle\n"
    "U1,ptt,alice\n"
    "U1,ptt,alice2\n"
    "U2,PTT, bob \n"
    ",ptt,carol\n"
    "U3,plurk,dave\n"
    "\n"
    'U4,"ptt",\n'
    "U5,ptt,alice\n"
    "U6,dcard,erin\n"
)


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_kept() -> None:
    parsed = parse_members(BAD_FILE)
    assert parsed.rows == [
        ("U1", "ptt", "alice"),
        ("U1", "ptt", "alice2"),
        ("U2", "ptt", "bob"),
        ("U6", "dcard", "erin"),
    ]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (5, "empty member_id"),
        (6, "unknown platform 'plurk' (known: dcard, facebook, mobile01, news, ptt, youtube)"),
        (8, "empty handle"),
        (9, "ptt account 'alice' already belongs to U1 (line 2); an account belongs to one member"),
    ]


def test_quoted_newlines_keep_line_numbers_physical() -> None:
    parsed = parse_members('member_id,platform,handle\nU0,ptt,"a\nb"\n,ptt,b\n')
    assert [p.line for p in parsed.problems] == [2, 4]


def test_an_open_quote_is_reported_not_swallowed_silently() -> None:
    """A value with a line break (an unclosed quote ate the next rows) is a bad row."""
    parsed = parse_members('member_id,platform,handle\nU1,ptt,"alice\nU2,ptt,bob\n')
    assert parsed.rows == []
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (2, "handle holds a line break (a quote left open?)")
    ]


def test_control_characters_in_ids_are_bad_rows() -> None:
    parsed = parse_members("member_id,platform,handle\nU1\x07,ptt,a\nU2,ptt,b\tc\nU3,ptt,d\n")
    assert parsed.rows == [("U3", "ptt", "d")]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (2, "member_id holds control character '\\x07' (a quote left open?)"),
        (3, "handle holds control character '\\t' (a quote left open?)"),
    ]


def test_an_oversized_field_is_a_bad_row_and_the_rest_is_kept() -> None:
    parsed = parse_members("member_id,platform,handle\nU1,ptt," + "x" * 200_000 + "\nU2,ptt,b\n")
    assert parsed.rows == [("U2", "ptt", "b")]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (2, "a field longer than 131,072 characters (not a members CSV, or a quote left open?)")
    ]


def test_columns_in_any_order_and_case_with_a_bom() -> None:
    text = decode("\ufeffHandle,Member_ID,Platform\nalice,U1,ptt\n".encode())
    assert parse_members(text).rows == [("U1", "ptt", "alice")]


def test_missing_column_is_one_error() -> None:
    with pytest.raises(MembersFileError, match="missing column platform"):
        parse_members("member_id,handle\nU1,a\n")


def test_cp950_bytes_get_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes("member_id,platform,handle\nU1,ptt,測試\n".encode("cp950"))
    with pytest.raises(MembersFileError) as err:
        read_members_file(path)
    assert str(err.value) == (
        f"{path}:2: not UTF-8 (it looks like Big5/cp950); save the file as UTF-8 (Excel: CSV UTF-8)"
    )


def test_import_is_idempotent_and_moves_accounts(db_url: str) -> None:
    eng = make_engine(db_url)
    try:
        with eng.begin() as conn:
            first = import_members(conn, [("U1", "ptt", "a"), ("U1", "ptt", "b")], h.T0)
            second = import_members(conn, [("U1", "ptt", "a"), ("U1", "ptt", "b")], h.T0)
            moved = import_members(conn, [("U2", "ptt", "b"), ("U2", "dcard", "b")], h.T0)
            accounts = accounts_by_member(conn)
    finally:
        eng.dispose()
    assert (first.members_added, first.accounts_added) == (1, 2)
    assert (second.members_added, second.accounts_added, second.accounts_unchanged) == (0, 0, 2)
    assert (moved.members_added, moved.accounts_added, moved.accounts_moved) == (1, 1, 1)
    assert accounts == {"U1": [("ptt", "a")], "U2": [("dcard", "b"), ("ptt", "b")]}


def _env(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path) -> None:
    monkeypatch.setenv("BUZZ_DATABASE_URL", url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))


def test_cli_reports_bad_rows_exits_1_and_imports_the_rest(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, db_url, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(BAD_FILE, encoding="utf-8")
    result = runner.invoke(app, ["members", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:6: unknown platform 'plurk'" in result.stderr
    assert f"{path}:5: empty member_id" in result.stderr
    assert "4 rows (3 members) imported" in result.stdout
    again = runner.invoke(app, ["members", "import", str(path)])
    assert "0 new members, 0 accounts added, 0 moved, 4 unchanged" in again.stdout
    listed = runner.invoke(app, ["members", "list"])
    assert listed.stdout.splitlines()[0] == "U1\tptt:alice ptt:alice2"


def test_cli_dry_run_stores_nothing_and_good_file_exits_0(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, db_url, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("member_id,platform,handle\nU1,ptt,a\n", encoding="utf-8")
    dry = runner.invoke(app, ["members", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "nothing stored" in dry.stdout
    assert runner.invoke(app, ["members", "list"]).stdout == ""
    assert runner.invoke(app, ["members", "import", str(path)]).exit_code == 0


def test_cli_missing_columns_and_missing_file_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("id,platform,handle\nU1,ptt,a\n", encoding="utf-8")
    result = runner.invoke(app, ["members", "import", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"buzz: {path}: missing column member_id")
    assert len(result.stderr.strip().splitlines()) == 1
    gone = runner.invoke(app, ["members", "import", str(tmp_path / "nope.csv")])
    assert gone.exit_code == 2 and "cannot read" in gone.stderr


def _one_error(stderr: str) -> str:
    """The single `buzz: ` line a refused import printed."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buzz: "), lines
    return lines[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"x" * 5_000_000, "{path}:1: a field longer than 131,072 characters"),
        (b"", "{path}: the file is empty; expected a header member_id,platform,handle"),
        (b"\x89PNG\r\n\x1a\n\x00\x00IHDR", "{path}:3: a NUL byte: this is binary data"),
        ("member_id,platform,handle\n".encode("utf-16"), "{path}:1: UTF-16, not UTF-8"),
    ],
    ids=["5MB-one-line", "empty", "binary", "utf-16"],
)
def test_cli_refuses_unreadable_files_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    _env(monkeypatch, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    path = tmp_path / "members.csv"
    path.write_bytes(content)
    result = runner.invoke(app, ["members", "import", str(path)])
    assert result.exit_code == 2
    assert _one_error(result.stderr).startswith("buzz: " + expected.format(path=path))
    assert "Traceback" not in result.output and result.stdout == ""


def test_cli_directory_is_not_a_members_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)
    result = runner.invoke(app, ["members", "import", str(tmp_path)])
    assert result.exit_code == 2
    assert (
        _one_error(result.stderr)
        == f"buzz: {tmp_path}: is a directory; expected a CSV members file"
    )


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_cli_header_only_file_has_nothing_to_import(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry_run: list[str]
) -> None:
    _env(monkeypatch, db_url, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("member_id,platform,handle\n\n", encoding="utf-8")
    result = runner.invoke(app, ["members", "import", str(path), *dry_run])
    assert result.exit_code == 1
    assert _one_error(result.stderr) == (
        f"buzz: {path}: no member rows after the header; nothing to import"
    )
    assert runner.invoke(app, ["members", "list"]).stdout == ""


def test_cli_bad_row_lines_start_with_buzz(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, db_url, tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("member_id,platform,handle\nU1,ptt," + "x" * 200_000 + "\nU2,ptt,b\n")
    result = runner.invoke(app, ["members", "import", str(path)])
    assert result.exit_code == 1
    assert _one_error(result.stderr).startswith(f"buzz: {path}:2: a field longer than")
    assert "1 rows (1 members) imported" in result.stdout


def test_ids_are_kept_exactly_and_distinct_ids_stay_distinct() -> None:
    text = "member_id,platform,handle\n+886912345678,ptt,a\n=1+1,ptt,b\nu1,ptt,c\nU1,ptt,d\n"
    parsed = parse_members(text)
    assert [r[0] for r in parsed.rows] == ["+886912345678", "=1+1", "u1", "U1"]
    assert parsed.problems == [] and parsed.notes == []


def test_ids_differing_only_in_blanks_are_refused_with_the_line() -> None:
    text = "member_id,platform,handle\nU1,ptt,a\n U1 ,ptt,b\n\tU1,ptt,c\n padded ,ptt,d\n"
    parsed = parse_members(text)
    assert parsed.rows == [("U1", "ptt", "a"), (" padded ", "ptt", "d")]
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (
            3,
            "member_id ' U1 ' differs from 'U1' (line 2) only in blanks around it; "
            "ids are kept exactly as written, so correct one of them",
        ),
        (4, "member_id holds control character '\\t' (a quote left open?)"),
    ]
    assert [(n.line, n.reason) for n in parsed.notes] == [
        (5, "member_id ' padded ' has blanks around it; kept as written")
    ]


def test_an_id_differing_from_a_stored_one_only_in_blanks_is_refused(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _env(monkeypatch, db_url, tmp_path)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("member_id,platform,handle\nU1,ptt,a\n", encoding="utf-8")
    second.write_text("member_id,platform,handle\nU1 ,ptt,b\nU2,ptt,c\n", encoding="utf-8")
    assert runner.invoke(app, ["members", "import", str(first)]).exit_code == 0
    result = runner.invoke(app, ["members", "import", str(second)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"buzz: {second}:2: member_id 'U1 ' differs from 'U1' (already imported) only in "
        "blanks around it; ids are kept exactly as written, so correct one of them"
    ]
    listed = runner.invoke(app, ["members", "list"]).stdout.splitlines()
    assert listed == ["U1\tptt:a", "U2\tptt:c"]


def test_member_id_lists_read_a_member_id_column_or_one_id_per_line(tmp_path: Path) -> None:
    listed = tmp_path / "a.csv"
    listed.write_text("\ufeffHandle,Member_ID\nx,U1\ny,+886912345678\nz,U1\n\n", encoding="utf-8")
    assert read_member_ids(listed) == ["U1", "+886912345678"]
    plain = tmp_path / "b.txt"
    plain.write_text("U1\r\n padded \r\n\r\n=1+1\r\n", encoding="utf-8")
    assert read_member_ids(plain) == ["U1", " padded ", "=1+1"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"member_id\n", "{path}: no member ids in it"),
        ("U1\n測試\n".encode("cp950"), "{path}:2: not UTF-8 (it looks like Big5/cp950)"),
    ],
    ids=["header-only", "cp950"],
)
def test_member_id_lists_that_cannot_be_read_are_one_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    with pytest.raises(MembersFileError) as err:
        read_member_ids(path)
    assert str(err.value).startswith(expected.format(path=path))
    with pytest.raises(MembersFileError, match="cannot read"):
        read_member_ids(tmp_path / "missing.csv")
