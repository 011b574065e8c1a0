"""Audience comparison: shares, lift, the tests, over/under-indexed, refusals, the command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import storage_fixtures as h
from profile_helpers import W2
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from buzz.cli import app
from interests.audience import (
    COLUMNS,
    MIN_MEMBERS,
    AudienceTooSmall,
    compare,
    fisher_exact,
    two_proportions,
    z_test,
)
from storage.interests import ProfileArrays, save_profile_arrays
from storage.members import import_members

db_url = h.db_url
engine = h.engine
runner = CliRunner()


def test_z_test_and_fisher_give_the_textbook_p_values() -> None:
    # 30/100 vs 20/100: z = 1.633, two-sided p = 0.1025 (statsmodels proportions_ztest)
    assert z_test(30, 100, 20, 100) == pytest.approx(0.10247, abs=1e-5)
    assert z_test(0, 50, 0, 50) == 1.0
    # [[8, 2], [1, 5]]: two-sided p = 0.034965 (scipy.stats.fisher_exact)
    assert fisher_exact(8, 10, 1, 6) == pytest.approx(0.034965, abs=1e-6)
    assert fisher_exact(3, 10, 3, 10) == pytest.approx(1.0)
    assert two_proportions(30, 100, 20, 100)[0] == "z"
    assert two_proportions(8, 10, 1, 6)[0] == "fisher"


def ids(prefix: str, n: int) -> set[str]:
    return {f"{prefix}{i:03d}" for i in range(n)}


def test_shares_lift_and_the_two_sides_of_the_index() -> None:
    a, rest = ids("A", 40), ids("R", 60)
    holders = {
        ("汽車", "top"): set(sorted(a)[:30]) | set(sorted(rest)[:6]),  # 75% vs 10%
        ("美食餐廳", "top"): set(sorted(a)[:4]) | set(sorted(rest)[:30]),  # 10% vs 50%
        ("旅遊", "top"): set(sorted(a)[:8]) | set(sorted(rest)[:12]),  # 20% vs 20%
        ("寵物", "top"): set(),
    }
    result = compare(a, rest, holders, a | rest)
    assert [(t.tag, t.index) for t in result.tags] == [
        ("汽車", "over"),
        ("美食餐廳", "under"),
        ("旅遊", "even"),
    ]
    car = result.tags[0]
    assert (car.a_members, car.a_size, car.b_members, car.b_size) == (30, 40, 6, 60)
    assert car.lift == pytest.approx(0.75 / 0.10)
    assert car.significant and car.test == "z" and car.p_value < 1e-9
    assert not result.tags[2].significant and result.tags[2].p_value == pytest.approx(1.0)
    assert result.overlap == 0 and result.tested_against == 60


def test_overlapping_audiences_are_tested_against_the_rest_of_b() -> None:
    a, others = ids("A", 30), ids("R", 10)
    everyone = a | others
    holders = {("汽車", "top"): a | set(sorted(others)[:1])}
    result = compare(a, everyone, holders, everyone)
    (car,) = result.tags
    assert (result.overlap, result.tested_against) == (30, 10)
    assert (car.b_members, car.b_size) == (31, 40)  # the lift is against all of B
    assert car.test == "fisher" and car.p_value == pytest.approx(fisher_exact(30, 30, 1, 10))


def test_a_tag_nobody_in_b_holds_has_no_lift_and_comes_first() -> None:
    a, b = ids("A", 30), ids("B", 30)
    holders = {("汽車", "top"): set(sorted(a)[:3]), ("旅遊", "top"): a | b}
    result = compare(a, b, holders, a | b)
    assert result.tags[0].tag == "汽車" and result.tags[0].lift is None


def test_an_audience_with_too_few_profiled_members_is_refused() -> None:
    a, b = ids("A", 40), ids("B", 40)
    profiled = set(sorted(a)[: MIN_MEMBERS - 1]) | b
    with pytest.raises(AudienceTooSmall) as err:
        compare(a, b, {}, profiled)
    assert str(err.value) == (
        f"audience A has {MIN_MEMBERS - 1} members with a profile this week; "
        f"at least {MIN_MEMBERS} are needed"
    )


# --- the command, on stored member profiles -------------------------------------------------

CARS = 24  # of the 30 members in A, these hold 汽車; of the other 10, one does


@pytest.fixture
def stored(db_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """40 members with a profile in W2 and one without; returns a folder with A lists."""
    members = [f"U{i:04d}" for i in range(41)]
    rows: list[tuple[str, str, int]] = []
    for i, member in enumerate(members[:40]):
        if i < CARS or i == 35:
            rows.append((member, "汽車", 40))
        rows.append((member, "美食餐廳", 50 if i >= 30 or i < 3 else 3))
    with engine.begin() as conn:
        import_members(conn, [(m, "ptt", f"h{m}") for m in members], h.T0)
        save_profile_arrays(
            conn,
            "member",
            W2.start,
            ProfileArrays(
                np.array([r[0] for r in rows], dtype=object),
                np.array([r[1] for r in rows], dtype=object),
                np.zeros(len(rows), dtype=np.int8),
                np.ones(len(rows)),
                np.ones(len(rows)),
                np.array([r[2] for r in rows]),
                np.array([0 if r[2] >= 5 else 4 for r in rows], dtype=np.int8),
            ),
        )
    monkeypatch.setenv("BUZZ_DATABASE_URL", db_url)
    monkeypatch.setenv("BUZZ_REPORTS_DIR", str(tmp_path / "reports"))
    lists = tmp_path / "lists"
    lists.mkdir()
    a = [*members[:30], "U0040", "X1", "X2"]  # + one member without a profile, two unknown
    (lists / "buyers.csv").write_text("member_id\n" + "\n".join(a) + "\n", encoding="utf-8")
    (lists / "small.txt").write_text("\n".join(members[:10]) + "\n", encoding="utf-8")
    (lists / "b.txt").write_text("\n".join(members[:40]) + "\n", encoding="utf-8")
    return lists


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["audience", "compare", *args])
    return result.exit_code, result.stdout, result.stderr


def test_compare_prints_both_sides_counts_ids_and_writes_the_csv(
    stored: Path, tmp_path: Path
) -> None:
    code, out, err = run(str(stored / "buyers.csv"), "--all", "--week", W2.week_id)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[1] == (
        "A buyers.csv: 33 ids, 30 with a profile, 1 member without one this week, "
        "2 not a member ('X1', 'X2')"
    )
    assert lines[2] == "B every member with a profile: 40"
    assert "A is tested against the 10 members of B not in A" in lines[3]
    over, under = lines.index("over-indexed in A:"), lines.index("under-indexed in A:")
    assert lines[over + 2].startswith("  汽車\ttop\t24/30\t80.0%\t25/40\t62.5%\t1.28")
    assert lines[under + 2].startswith("  美食餐廳\ttop\t3/30\t10.0%\t13/40\t32.5%\t0.31")
    target = tmp_path / "reports" / W2.week_id / "audience_buyers_vs_all.csv"
    assert lines[-1] == f"wrote {target}"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["index"], r["tag"], r["a_members"], r["b_members"]) for r in rows] == [
        ("over", "汽車", "24", "25"),
        ("under", "美食餐廳", "3", "13"),
    ]


def test_compare_two_files_to_xlsx(stored: Path, tmp_path: Path) -> None:
    out = tmp_path / "lift.xlsx"
    code, _, err = run(
        str(stored / "buyers.csv"), str(stored / "b.txt"), "--week", W2.week_id, "-o", str(out)
    )
    assert code == 0, err
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == COLUMNS
    assert values[1][:5] == ["over", "汽車", "top", 24, 30]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["small.txt", "--all"], 1, "audience A has 10 members with a profile this week"),
        (["buyers.csv", "b.txt", "--all"], 2, "give audience B as a file or --all"),
        (["buyers.csv"], 2, "give audience B as a file or --all"),
        (["buyers.csv", "--all", "-o", "x.pdf"], 2, "--out: x.pdf must end in .csv or .xlsx"),
        (["missing.csv", "--all"], 2, "missing.csv: cannot read"),
        (["buyers.csv", "--all", "--level", "leaf"], 2, "--level: 'leaf' is not one of"),
    ],
)
def test_bad_input_and_small_audiences_are_one_line(
    stored: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(stored)
    got, out, err = run(*args, "--week", W2.week_id)
    assert got == code and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_week_never_built_is_refused(stored: Path) -> None:
    week = W2.next().week_id
    code, _, err = run(str(stored / "buyers.csv"), "--all", "--week", week)
    assert code == 1
    assert err.strip() == (
        f"buzz: no interest profiles stored for week {week}: "
        f"run `buzz profiles build --week {week}`"
    )
