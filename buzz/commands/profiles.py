"""`buzz profiles build|show|export`: weekly interest profiles and the CRM export."""

from __future__ import annotations

from pathlib import Path

import typer

from buzz.commands.common import datetime_option, week_option
from buzz.config import load_config
from buzz.errors import fail

FORMATS = ("csv", "xlsx", "jsonl")
LEVELS = ("top", "fine", "all")


def _trends(counts: dict[str, int]) -> str:
    """`new 12, rising 3, ...` in the fixed trend order."""
    order = ("new", "rising", "stable", "falling", "faded")
    return ", ".join(f"{t} {counts[t]}" for t in order if counts.get(t))


def register(app: typer.Typer) -> None:
    """Add the `profiles` group."""
    profiles = typer.Typer(
        help="Interest profiles of authors and members, and the CRM export.", no_args_is_help=True
    )

    @profiles.command("build", epilog="Example: buzz profiles build --week 2019-02-04 --weeks 4")
    def build_cmd(
        week: str = typer.Option(
            None, help="Last week to build, a Monday (default: last complete)."
        ),
        weeks: int = typer.Option(1, min=1, max=52, help="Weeks to (re)build, ending at --week."),
        reply_text: str = typer.Option(
            "members", help="Whose reply text to tag: members (linked accounts), all, none."
        ),
        retag: bool = typer.Option(
            False, "--retag", help="Re-tag every thread (taxonomy changed)."
        ),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
        idf: Path = typer.Option(
            None,
            help="IDF table from `buzz nlp build-idf` (default var/idf.json when it exists).",
        ),
    ) -> None:
        """Tag new and edited threads, then compute the weeks' profiles oldest first."""
        from buzz.interests import REPLY_TEXT_MODES, build_profiles_range, tag_threads
        from ranking.windows import weeks_back

        if reply_text not in REPLY_TEXT_MODES:
            fail(f"--reply-text: {reply_text!r} is not one of {', '.join(REPLY_TEXT_MODES)}")
        config = load_config()
        window = week_option(week, datetime_option("--now", now))
        from buzz.interests import DEFAULT_IDF, tagger_with_idf

        idf_path = idf or (DEFAULT_IDF if DEFAULT_IDF.exists() else None)
        if idf_path is not None and not idf_path.is_file():
            fail(f"--idf: {idf_path} does not exist (build it with `buzz nlp build-idf`)")
        try:
            tagger = tagger_with_idf(idf_path)
        except (OSError, ValueError) as exc:
            fail(f"--idf: {idf_path}: {exc}")
        typer.echo(f"tagging with {'IDF from ' + str(idf_path) if idf_path else 'keywords only'}")
        tagged = tag_threads(config, tagger=tagger, retag=retag)
        typer.echo(
            f"tagged {tagged.threads:,} threads ({tagged.tags:,} tags, {tagged.seconds:.1f} s)"
        )
        windows = weeks_back(window, weeks)
        for built in build_profiles_range(config, windows, tagger, reply_text=reply_text):
            typer.echo(
                f"week {built.week}: {built.authors:,} authors, {built.members:,} members "
                f"({built.member_rows:,} member tags: {_trends(built.trends)}) "
                f"in {built.seconds:.1f} s"
            )

    @profiles.command("show", epilog="Example: buzz profiles show U0001 --week 2019-02-04")
    def show_cmd(
        member_id: str = typer.Argument(..., help="The CRM member id."),
        week: str = typer.Option(None, help="Show history up to this week (default: all)."),
        level: str = typer.Option("all", help="Tag level: top, fine or all."),
    ) -> None:
        """Print a member's tags week by week: strength and trend."""
        from buzz.jobs import engine_for
        from storage.interests import profile_history

        if level not in LEVELS:
            fail(f"--level: {level!r} is not one of {', '.join(LEVELS)}")
        until = week_option(week).start if week else None
        engine = engine_for(load_config())
        try:
            with engine.connect() as conn:
                history = profile_history(conn, "member", member_id, until)
        finally:
            engine.dispose()
        if not history:
            fail(f"no profile stored for member {member_id!r} (run buzz profiles build)")
        from ranking.windows import week_containing

        current = ""
        for week_start, tag, tag_level, signal, strength, trend in history:
            if level != "all" and tag_level != level:
                continue
            week_id = week_containing(week_start).week_id
            if week_id != current:
                typer.echo(f"week {week_id}")
                current = week_id
            typer.echo(f"  {tag:<12}\t{tag_level}\t{strength:>3}\t{trend}\tsignal {signal:.2f}")

    @profiles.command(
        "export",
        epilog="Example: buzz profiles export --week 2019-02-04 --format csv --since-last --excel",
    )
    def export_cmd(
        week: str = typer.Option(None, help="Week to export, a Monday (default: last complete)."),
        fmt: str = typer.Option("csv", "--format", help="csv, xlsx or jsonl."),
        since_last: bool = typer.Option(
            False, "--since-last", help="Only members whose profile changed since the last export."
        ),
        excel: bool = typer.Option(False, "--excel", help="CSV with a UTF-8 BOM for Excel."),
        out: Path = typer.Option(
            None,
            "-o",
            "--out",
            help="Output file (default reports/<week>/crm_profiles[_changes].<ext>).",
        ),
        top: int = typer.Option(5, min=1, max=26, help="Strongest tags per member."),
        level: str = typer.Option("top", help="Tag level: top (26 tags), fine or all."),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
    ) -> None:
        """Write one row per member: top tags, strengths, trends, IAB ids (no post text)."""
        from buzz.interests import export_profiles

        if fmt not in FORMATS:
            fail(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
        if level not in LEVELS:
            fail(f"--level: {level!r} is not one of {', '.join(LEVELS)}")
        if excel and fmt != "csv":
            fail("--excel only applies to --format csv")
        window = week_option(week, datetime_option("--now", now))
        result = export_profiles(
            load_config(),
            window,
            fmt,
            out,
            since_last=since_last,
            excel=excel,
            top=top,
            level=level,
        )
        typer.echo(f"{result.path}: {result.rows} of {result.members} members")

    app.add_typer(profiles, name="profiles")
