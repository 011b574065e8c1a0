"""`buzz audience compare`: the tags one audience of members over- or under-indexes on."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.commands.common import datetime_option, week_option
from buzz.config import load_config
from buzz.errors import EXIT_FAILED, fail
from interests.vocab import LEVEL_CHOICES, TABLE_FORMATS


def _percent(share: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * share:.1f}%"


def _matched(name: str, ids: int, unknown: list[str], unprofiled: int, profiled: int) -> str:
    """`A a.csv: 32 ids, 30 with a profile, 1 without a profile this week, 1 not a member (X9)`."""
    parts = [f"{profiled} with a profile"]
    if unprofiled:
        parts.append(f"{unprofiled} member{'s' if unprofiled > 1 else ''} without one this week")
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        parts.append(f"{len(unknown)} not a member ({shown})")
    return f"{name}: {ids} ids, " + ", ".join(parts)


def register(app: typer.Typer) -> None:
    """Add the `audience` group."""
    audience = typer.Typer(
        help="Compare the interests of audiences (lists of CRM member ids).", no_args_is_help=True
    )

    @audience.command(
        "compare",
        epilog="Example: buzz audience compare buyers.csv --all --week 2019-02-04 -o lift.xlsx",
    )
    def compare_cmd(
        a: Path = typer.Argument(
            ..., help="Audience A: a CSV with a member_id column, or one member id per line."
        ),
        b: Path = typer.Argument(None, help="Audience B, the same kind of file (or --all)."),
        all_members: bool = typer.Option(
            False, "--all", help="B is every member with a profile that week."
        ),
        week: str = typer.Option(None, help="The week, a Monday (default: last complete)."),
        level: str = typer.Option("top", help="Tag level: top (26 tags), fine or all."),
        out: Path = typer.Option(
            None,
            "-o",
            "--out",
            help="The table to write, .csv or .xlsx "
            "(default reports/<week>/audience_<A>_vs_<B>.csv).",
        ),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
    ) -> None:
        """Per tag: share of A and of B holding it, lift A/B, a test; over- and under-indexed."""
        from buzz.export import ExportWriteError, output_problem, write_file
        from buzz.interests import NoProfilesError, compare_audiences
        from buzz.members_file import MembersFileError, read_member_ids
        from interests import audience as model

        if (b is None) == (not all_members):
            fail("give audience B as a file or --all (one of them)")
        if level not in LEVEL_CHOICES:
            fail(f"--level: {level!r} is not one of {', '.join(LEVEL_CHOICES)}")
        fmt = (out.suffix.lower().lstrip(".") if out is not None else "csv") or "csv"
        if fmt not in TABLE_FORMATS:
            fail(f"--out: {out} must end in .csv or .xlsx")
        if out is not None and (problem := output_problem(out, create_parents=True, replace=True)):
            fail(f"--out: {problem}")
        window = week_option(week, datetime_option("--now", now))
        try:
            a_ids = read_member_ids(a)
            b_ids = read_member_ids(b) if b is not None else None
        except MembersFileError as exc:
            fail(str(exc))
        config = load_config()
        try:
            found = compare_audiences(
                config, window, set(a_ids), set(b_ids) if b_ids is not None else None, level
            )
        except (NoProfilesError, model.AudienceTooSmall) as exc:
            fail(str(exc), EXIT_FAILED)
        result = found.comparison
        b_name = b.name if b is not None else "every member with a profile"
        typer.echo(f"week {window.week_id}, {level} tags")
        typer.echo(_matched(f"A {a.name}", len(a_ids), found.a_unknown, found.a_unprofiled,
                            result.a_size))  # fmt: skip
        if b_ids is not None:
            typer.echo(_matched(f"B {b_name}", len(b_ids), found.b_unknown, found.b_unprofiled,
                                result.b_size))  # fmt: skip
        else:
            typer.echo(f"B {b_name}: {result.b_size}")
        if result.overlap:
            typer.echo(
                f"{result.overlap} members are in both: A is tested against the "
                f"{result.tested_against} members of B not in A"
            )
        for index, title in (("over", "over-indexed in A"), ("under", "under-indexed in A")):
            typer.echo(f"{title}:")
            typer.echo("  tag\tlevel\tA members\tA share\tB members\tB share\tlift\tp\ttest")
            for t in result.part(index):
                lift = "-" if t.lift is None else f"{t.lift:.2f}"
                mark = " *" if t.significant else ""
                typer.echo(
                    f"  {t.tag}\t{t.level}\t{t.a_members}/{t.a_size}\t{_percent(t.a_share)}\t"
                    f"{t.b_members}/{t.b_size}\t{_percent(t.b_share)}\t{lift}\t"
                    f"{t.p_value:.3g}{mark}\t{t.test}"
                )
        even = len(result.part("even"))
        typer.echo(
            f"* p < {model.ALPHA} / {len(result.tags)} tags (Bonferroni)"
            + (f"; {even} tags held alike" if even else "")
        )
        b_stem = b.stem if b is not None else "all"
        target = out or config.reports_dir / window.week_id / f"audience_{a.stem}_vs_{b_stem}.csv"
        try:
            write_file(target, model.WRITERS[fmt](result))
        except ExportWriteError as exc:
            fail(str(exc))
        typer.echo(f"wrote {target}")

    app.add_typer(audience, name="audience")
