"""Demo steps beyond the leaderboard: members, tags, profiles, the CRM export, the weeks page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from buzz.config import Config
from ranking.windows import Window


def after_ranking(config: Config, windows: Sequence[Window], members_csv: Path | None) -> None:
    """Import the members, tag threads, build every week's profiles, export the last week."""
    from buzz.interests import (
        build_corpus_idf,
        build_profiles_range,
        export_profiles,
        tag_threads,
        tagger_with_idf,
    )
    from buzz.members_file import import_members_file

    if members_csv is not None:
        checked, result = import_members_file(config, members_csv)
        added = result.accounts_added if result else 0
        typer.echo(
            f"members: {len({m for m, _, _ in checked.rows})} from {members_csv} "
            f"({added} accounts added, {len(checked.problems)} bad rows)"
        )
    documents = build_corpus_idf(config, config.idf_path)
    typer.echo(f"idf: {documents:,} crawled threads -> {config.idf_path}")
    tagger = tagger_with_idf(config.idf_path if documents else None)
    tagged = tag_threads(config, tagger=tagger, retag=True)
    typer.echo(
        f"tags: {tagged.threads:,} threads tagged ({tagged.tags:,} tags, {tagged.seconds:.1f} s)"
    )
    built = build_profiles_range(config, windows, tagger)
    for week in built:
        trends = ", ".join(f"{k} {v}" for k, v in sorted(week.trends.items()))
        typer.echo(
            f"profiles {week.week}: {week.authors} authors, {week.members} members, "
            f"member tags: {trends or 'none'}"
        )
    if not windows:
        return
    last = max(windows, key=lambda w: w.start)
    exported = export_profiles(config, last, "csv")
    per_member = exported.tags / exported.with_tags if exported.with_tags else 0.0
    typer.echo(
        f"crm export: {exported.rows} members ({exported.with_tags} with tags, "
        f"{per_member:.1f} tags each) -> {exported.path.resolve()}"
    )


def weeks_report(config: Config, windows: Sequence[Window]) -> None:
    """Write the multi-week page and CSV for the weeks the demo ranked."""
    from buzz.report_weeks import report_weeks

    if not windows:
        return
    paths, _ = report_weeks(config, sorted(windows, key=lambda w: w.start))
    typer.echo(f"weeks:  {paths.html.resolve()}")
    typer.echo(f"        {paths.csv.resolve()}")
