"""Schedule commands: ``schedule update|snapshots|report|ics``, ``next`` and ``slips``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import FormatOption, HomeOption, app
from cosmodrome.cli.output import check_format, console, emit, emit_json
from cosmodrome.tables import json_records
from cosmodrome.timeutil import parse_period

if TYPE_CHECKING:
    from cosmodrome import api

schedule_app = typer.Typer(
    help="Launch schedule snapshots: ingest, list, report bad input, calendar feed.",
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")

SiteOption = Annotated[str | None, typer.Option(help="Site name or code (Baikonur, Kourou).")]
VehicleOption = Annotated[
    str | None, typer.Option(help="Vehicle or family (Soyuz-2, Angara, Soyuz-5).")
]
ProviderOption = Annotated[str | None, typer.Option(help="Launch provider (part of its name).")]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="Targets from: 2024, 2024-03, 2024-03-01 or 2024-03-01T12:00Z."),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="Targets up to, inclusive: 2025 is to the end of 2025 (UTC)."),
]


def _filter(
    site: str | None,
    vehicle: str | None,
    provider: str | None,
    start: str | None,
    end: str | None,
) -> api.ScheduleFilter:
    first, last = parse_period(start, end)
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    return api.ScheduleFilter(site=site, vehicle=vehicle, provider=provider, start=first, end=last)


@schedule_app.command("update")
def schedule_update(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            envvar="COSMODROME_SCHEDULE_SOURCE",
            help="Launch Library 2 base URL, a folder laid out like schedule/ (or a mirror "
            "holding one), or one CSV/JSON export. Default: Launch Library 2.",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Ingest schedule snapshots, keeping every earlier one (nothing is overwritten)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    out = console()
    report = api.update_schedule(source, home)
    for kept in report.kept:
        state = "new" if kept.new else "already kept"
        out.print(
            f"snapshot {kept.snapshot_id} {kept.file} as of {kept.as_of:%Y-%m-%d %H:%M} UTC: "
            f"{kept.entries} launches, {kept.issues} input issue(s) ({state})",
            highlight=False,
        )
    for issue in report.issues[:10]:
        out.print(f"  {issue.file}:{issue.line}: {issue.field} {issue.raw!r}: {issue.reason}")
    if len(report.issues) > 10:
        out.print(f"  ... and {len(report.issues) - 10} more (`cosmodrome schedule report`)")


@schedule_app.command("snapshots")
def schedule_snapshots(fmt: FormatOption = "table", home: HomeOption = None) -> None:
    """List the kept snapshots, oldest first, with their dates and counts."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    frame = api.schedule_snapshots(home)
    emit(
        frame.drop(columns=["source"]) if fmt == "table" else frame, fmt, title="Schedule snapshots"
    )


@schedule_app.command("report")
def schedule_report(fmt: FormatOption = "table", home: HomeOption = None) -> None:
    """Every unreadable date and unmatched site, pad or vehicle, with file, line and raw value."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    with api.catalog(home) as con:
        frame = api.schedule_report(con, home)
    emit(frame, fmt, title=f"{len(frame)} schedule input issues")


@schedule_app.command("ics")
def schedule_ics(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    home: HomeOption = None,
) -> None:
    """Write an iCalendar feed of the upcoming launches to stdout (all-day or month-long
    events for imprecise dates, the window as the duration, the site as GEO)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    with api.catalog(home) as con:
        feed = api.schedule_ics(con, _filter(site, vehicle, provider, None, None), home)
    sys.stdout.buffer.write(feed)


@app.command("next")
def next_launches(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    start: FromOption = None,
    end: ToOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many launches.")] = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Upcoming launches as of the latest schedule snapshot, in target order; each date at
    the precision its source gave ("NET 2026", "2025-Q4")."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    with api.catalog(home) as con:
        frame, note = api.upcoming(con, _filter(site, vehicle, provider, start, end), home)
    if limit is not None:
        frame = frame.head(limit)
    if fmt == "json":
        emit_json({**note, "launches": json_records(frame)})
        return
    if fmt == "csv":
        emit(frame, "csv")
        return
    shown = frame[["target", "payload", "vehicle_raw", "site", "pad", "provider"]].rename(
        columns={"vehicle_raw": "vehicle"}
    )
    emit(
        shown,
        "table",
        title=f"Next launches ({len(frame)})",
        caption=f"as of {note['snapshot']} ({note['as_of']:%Y-%m-%d}, {note['age_days']:.0f} days "
        "ago); sites and pads as in the catalog",
    )


@app.command()
def slips(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    start: FromOption = None,
    end: ToOption = None,
    by: Annotated[str, typer.Option(help="launch, vehicle, site or provider.")] = "launch",
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """How target dates moved across snapshots, and against the actual launch (GCAT)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    with api.catalog(home) as con:
        frame = api.slips(con, _filter(site, vehicle, provider, start, end), by, home)
    if fmt == "json":
        emit_json({"rule": api.SLIP_RULE, "by": by, "rows": json_records(frame)})
        return
    if fmt == "csv":
        emit(frame.drop(columns=["history"], errors="ignore"), "csv")
        return
    if by == "launch":
        shown = frame[
            ["payload", "vehicle", "first_target", "last_target", "slip_days", "flown_tag",
             "slip_to_launch_days"]
        ]  # fmt: skip
        # Whole days (the exports give days at best); + 0.0 turns a rounded -0.0 into 0.
        shown = shown.assign(
            slip_days=shown["slip_days"].round(0) + 0.0,
            slip_to_launch_days=shown["slip_to_launch_days"].round(1) + 0.0,
        )
    else:
        rounded = frame.round(
            {"moved_pct": 0, "total_slip_days": 0, "median_slip_days": 0,
             "median_to_launch_days": 1}
        )  # fmt: skip
        numeric = rounded.select_dtypes("number").columns
        shown = rounded.assign(**{c: rounded[c] + 0.0 for c in numeric}).drop(columns=["launches"])
    emit(shown, "table", title=f"Slips by {by}", caption=api.SLIP_RULE)
