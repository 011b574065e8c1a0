"""`buzz profiles build|show|export`: weekly interest profiles and the CRM export."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from buzz.commands.common import datetime_option, week_option
from buzz.config import load_config
from buzz.errors import fail
from interests.vocab import EXPORT_FORMATS, LEVEL_CHOICES, REPLY_TEXT_MODES, TRENDS

if TYPE_CHECKING:
    from nlp.tagger import Tagger

MAX_WEEKS = 52
MAX_TOP = 26


def _trends(counts: dict[str, int]) -> str:
    """`new 12, rising 3, ...` in the fixed trend order."""
    return ", ".join(f"{t} {counts[t]}" for t in TRENDS if counts.get(t))


def _in_range(option: str, value: int, low: int, high: int) -> None:
    """Fail with one line when a whole-number option is outside [low, high]."""
    if not low <= value <= high:
        fail(f"{option}: {value} is not between {low} and {high}")


def _load_tagger(idf: Path | None) -> tuple[Tagger, Path | None]:
    """The tagger for --idf (default <data folder>/idf.json when it exists); bad tables fail."""
    from buzz.config import load_config
    from buzz.interests import tagger_with_idf

    default = load_config().idf_path
    path = idf or (default if default.is_file() else None)
    if path is not None and path.is_dir():
        fail(f"--idf: {path} is a directory, not an IDF table")
    if path is not None and not path.exists():
        fail(f"--idf: {path} does not exist (build it with `buzz nlp build-idf`)")
    try:
        return tagger_with_idf(path), path
    except UnicodeDecodeError:
        fail(f"--idf: {path}: not UTF-8 text, so not an IDF table from `buzz nlp build-idf`")
    except (OSError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else exc.strerror or str(exc)
        # IdfTable.load's own messages already start with the path
        fail(f"--idf: {reason}" if reason.startswith(str(path)) else f"--idf: {path}: {reason}")


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
        weeks: int = typer.Option(
            1, help=f"Weeks to (re)build, ending at --week (1 to {MAX_WEEKS})."
        ),
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
            help="IDF table from `buzz nlp build-idf` (default <data folder>/idf.json if present).",
        ),
    ) -> None:
        """Tag new and edited threads, then compute the weeks' profiles oldest first."""
        from buzz.interests import build_profiles_range, tag_threads
        from ranking.windows import weeks_back

        if reply_text not in REPLY_TEXT_MODES:
            fail(f"--reply-text: {reply_text!r} is not one of {', '.join(REPLY_TEXT_MODES)}")
        _in_range("--weeks", weeks, 1, MAX_WEEKS)
        window = week_option(week, datetime_option("--now", now))
        tagger, idf_path = _load_tagger(idf)
        config = load_config()
        typer.echo(f"tagging with {'IDF from ' + str(idf_path) if idf_path else 'keywords only'}")
        tagged = tag_threads(config, tagger=tagger, retag=retag)
        typer.echo(
            f"tagged {tagged.threads:,} threads ({tagged.tags:,} tags, {tagged.seconds:.1f} s)"
        )
        windows = weeks_back(window, weeks)
        empty = []
        for built in build_profiles_range(config, windows, tagger, reply_text=reply_text):
            typer.echo(
                f"week {built.week}: {built.authors:,} authors, {built.members:,} members "
                f"({built.member_rows:,} member tags: {_trends(built.trends)}) "
                f"in {built.seconds:.1f} s"
            )
            if built.authors == 0 and built.member_rows == 0:
                empty.append(built.week)
        if empty:
            # no author at all means no stored thread or reply that week and none carried over
            weeks_named = f"week{'s' if len(empty) > 1 else ''} {', '.join(empty)}"
            fail(
                f"no threads or replies stored for {weeks_named}, so no profiles: "
                f"crawl first (e.g. `buzz weekly --week {empty[0]}`)",
                1,
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
        from storage.members import member_ids

        if level not in LEVEL_CHOICES:
            fail(f"--level: {level!r} is not one of {', '.join(LEVEL_CHOICES)}")
        until = week_option(week).start if week else None
        engine = engine_for(load_config())
        try:
            with engine.connect() as conn:
                history = profile_history(conn, member_id, until)
                known = bool(history) or member_id in member_ids(conn)
        finally:
            engine.dispose()
        if not known:
            fail(f"no member {member_id!r} (import members with `buzz members import`)")
        if not history:
            up_to = f" up to week {week}" if week else ""
            fail(
                f"no interest profile stored for member {member_id!r}{up_to}: "
                "run `buzz profiles build`",
                1,
            )
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
        epilog="Example: buzz profiles export --week 2019-02-04 --format xlsx --since-last",
    )
    def export_cmd(
        week: str = typer.Option(None, help="Week to export, a Monday (default: last complete)."),
        fmt: str = typer.Option("csv", "--format", help="csv (UTF-8 with BOM), xlsx or jsonl."),
        since_last: bool = typer.Option(
            False, "--since-last", help="Only members whose profile changed since the last export."
        ),
        out: Path = typer.Option(
            None,
            "-o",
            "--out",
            help="Output file (default reports/<week>/crm_profiles[_changes].<ext>).",
        ),
        top: int = typer.Option(5, help=f"Strongest tags per member (1 to {MAX_TOP})."),
        level: str = typer.Option("top", help="Tag level: top (26 tags), fine or all."),
        now: str = typer.Option(
            None, help="Treat this as the current time (for the default week)."
        ),
    ) -> None:
        """Write one row per member: live tags, strengths, trends, IAB ids, faded tags."""
        from buzz.export import ExportWriteError, output_problem
        from buzz.interests import NoProfilesError, export_profiles

        if fmt not in EXPORT_FORMATS:
            fail(f"--format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
        if level not in LEVEL_CHOICES:
            fail(f"--level: {level!r} is not one of {', '.join(LEVEL_CHOICES)}")
        _in_range("--top", top, 1, MAX_TOP)
        if out is not None and (problem := output_problem(out, create_parents=True, replace=True)):
            fail(f"--out: {problem}")
        window = week_option(week, datetime_option("--now", now))
        try:
            result = export_profiles(
                load_config(),
                window,
                fmt,
                out,
                since_last=since_last,
                top=top,
                level=level,
            )
        except NoProfilesError as exc:
            fail(str(exc), 1)
        except ExportWriteError as exc:
            fail(str(exc))
        typer.echo(f"{result.path}: {result.rows} of {result.members} members")
        if fmt == "csv" and result.spreadsheet_changes:
            typer.echo(
                f"buzz: note: {result.spreadsheet_changes} member ids (like +886..., -007, =...) "
                "are exact in the file but a spreadsheet opening it would change them; import "
                "the CSV, or look at it with --format xlsx",
                err=True,
            )

    app.add_typer(profiles, name="profiles")
