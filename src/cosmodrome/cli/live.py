"""Keeping the data fresh and telling people what changed: ``refresh`` and ``changes``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import AllOption, ColumnsOption, FormatOption, HomeOption, WideOption, app
from cosmodrome.cli.output import Choice, Listing, check_format, console, emit, emit_json
from cosmodrome.tables import json_records
from cosmodrome.timeutil import parse_period

if TYPE_CHECKING:
    from cosmodrome import api

SiteOption = Annotated[str | None, typer.Option(help="Site name or code (Baikonur, Kourou).")]
VehicleOption = Annotated[
    str | None, typer.Option(help="Vehicle or family (Soyuz-2, Angara, Soyuz-5).")
]
ProviderOption = Annotated[str | None, typer.Option(help="Launch provider (part of its name).")]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Kinds of change, comma-separated: new, moved, renamed, flown, removed."
    ),
]

#: What the terminal shows of a change record; ``--wide`` adds every column.
CHANGES = Listing(
    default=("seen", "kind", "summary"),
    derived={"seen": lambda r: _minute(r.get("detected_utc"))},
    labels={"seen": "seen (UTC)"},
    whole=frozenset({"seen"}),
)


def change_filter(
    since: str | None,
    until: str | None,
    kind: str | None,
    site: str | None,
    vehicle: str | None,
    provider: str | None,
) -> api.ChangeFilter:
    """The API's change filter from the command line's options."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB
    from cosmodrome.cli.app import split_names

    first, last = parse_period(since, until, names=("--since", "--until"))
    return api.ChangeFilter(
        since=first,
        until=last,
        kinds=tuple(split_names(kind)),
        site=site,
        vehicle=vehicle,
        provider=provider,
    )


@app.command()
def changes(
    since: Annotated[
        str | None,
        typer.Option(help="Changes seen from: 2026, 2026-03, 2026-03-30 or 2026-03-30T12:00Z."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Changes seen up to, inclusive (2026 is to its end).")
    ] = None,
    kind: KindOption = None,
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """What changed between consecutive schedule snapshots, newest first: launches new,
    moved (old and new target, slip in days), renamed, flown (the GCAT launch) or removed.

    Records are kept in schedule.duckdb by every `schedule update` and `refresh`.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    f = change_filter(since, until, kind, site, vehicle, provider)
    with api.catalog(home) as con:
        frame = api.changes(con, f, home)
    if fmt == "json":
        emit_json({"total": len(frame), "changes": json_records(frame)})
        return
    if fmt == "csv":
        emit(frame, "csv")
        return
    if frame.empty:
        console(stderr=True).print("no change recorded for these filters")
        return
    emit(
        frame,
        "table",
        title=f"Schedule changes ({len(frame)})",
        caption="between consecutive snapshots; slips between the ends of the targets",
        listing=CHANGES,
        choice=choice,
    )


def _minute(value: object) -> str:
    """A UTC moment as the table shows it: ``2026-03-30 00:00``."""
    text = str(value or "")
    return text[:16].replace("T", " ")


@app.command()
def refresh(
    only: Annotated[
        str | None,
        typer.Option(help="Sources to refresh, comma-separated: gcat, celestrak, schedule."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", envvar="COSMODROME_SOURCE", help="GCAT base URL or local mirror."),
    ] = None,
    elements_source: Annotated[
        str | None, typer.Option(help="CelesTrak base URL or local mirror (default: CelesTrak).")
    ] = None,
    groups: Annotated[
        str, typer.Option(help="CelesTrak GP groups to keep current, comma-separated.")
    ] = "stations,active",
    schedule_source: Annotated[
        str | None,
        typer.Option(
            envvar="COSMODROME_SCHEDULE_SOURCE",
            help="Launch Library 2 base URL or a schedule folder (default: Launch Library 2).",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Bring every source up to date within its published limits: GCAT at most daily,
    CelesTrak's GP groups once per two-hour update cycle, Launch Library 2 within 15 requests
    an hour (conditional requests throughout).

    A source not due yet is left alone; one that fails or throttles is reported and the
    others still run (exit status 1 when one failed). A schedule snapshot is kept only when
    it differs, and its changes are recorded. Run it from cron or a systemd timer, or let
    `serve --refresh` run it; one refresh runs at a time.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB
    from cosmodrome.cli.app import split_names

    sources = api.RefreshSources(
        gcat=source,
        celestrak=elements_source,
        groups=tuple(split_names(groups)),
        schedule=schedule_source,
    )
    report = api.refresh(home, sources, only=tuple(split_names(only)) or api.REFRESH_SOURCES)
    out = console()
    for run in report.runs:
        colour = {"failed": "red", "throttled": "yellow", "updated": "green"}.get(run.outcome)
        label = f"[{colour}]{run.outcome}[/{colour}]" if colour else run.outcome
        out.print(f"{run.source}: {label}: {run.message}", highlight=False)
    if report.failed:
        raise typer.Exit(1)
