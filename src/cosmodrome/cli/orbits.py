"""Orbit commands: ``elements [--launch]``, ``elements update|load``, ``windows``, ``passes``,
``where``.

Every command takes its satellite either from the element store (``--sat``/``--target``, a
NORAD number or a name; the set whose epoch is nearest the requested time is used) or from
a file (``--tle FILE``: TLE, 3LE or OMM JSON/CSV/XML).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import FormatOption, HomeOption, app
from cosmodrome.cli.output import Listing, Record, check_format, console, emit
from cosmodrome.display import format_time
from cosmodrome.tables import Rows
from cosmodrome.timeutil import parse_utc

if TYPE_CHECKING:
    from rich.console import Console

    from cosmodrome.api import LoadedFile, PassesAnswer, TargetSpec


elements_app = typer.Typer(
    help="Orbital element sets: download CelesTrak groups and objects, load files, follow a "
    "launch's payloads to their orbits.",
    no_args_is_help=True,
)
app.add_typer(elements_app, name="elements")

TleOption = Annotated[
    Path | None,
    typer.Option("--tle", help="Element file (TLE/3LE or OMM JSON/CSV/XML) instead of the store."),
]
LenientOption = Annotated[
    bool,
    typer.Option(
        "--lenient", help="Keep sets with bad checksums and skip bad lines, with warnings."
    ),
]
StartOption = Annotated[
    str, typer.Option("--start", help="Start of the period, ISO 8601 UTC (2025-06-01).")
]
DaysOption = Annotated[float, typer.Option("--days", help="Length of the period in days.")]


def _stderr() -> Console:
    return console(stderr=True)


def _warn(messages: list[str] | tuple[str, ...]) -> None:
    if not messages:
        return
    console = _stderr()
    for message in messages:
        console.print(f"[yellow]warning:[/yellow] {message}")


def _report(updates: list[LoadedFile]) -> None:
    console = _stderr()
    for update in updates:
        console.print(
            f"{update.group}: {update.element_sets:,} element sets ({update.format}) from "
            f"{update.path} ({update.new:,} new)"
        )
        _warn(update.warnings[:20])
        if len(update.warnings) > 20:
            console.print(f"  ... and {len(update.warnings) - 20} more warnings")


@elements_app.callback(invoke_without_command=True)
def elements_launch(
    ctx: typer.Context,
    launch: Annotated[
        str | None,
        typer.Option(
            "--launch",
            help="International designator of a launch (2023-198) or piece (2023-198A): its "
            "GCAT payloads with their newest stored orbits.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Use the sets whose epoch is nearest this time (ISO 8601 UTC)."),
    ] = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Element sets: a launch's payloads and their orbits (--launch), or a subcommand."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    if ctx.invoked_subcommand is not None:
        return
    if launch is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    check_format(fmt)
    when = parse_utc(at) if at else None
    with api.catalog(home) as con:
        rows = api.launch_orbit_rows(con, launch, when_utc=when, home=home)
    missing = [r for r in rows.records() if r["norad_id"] is None]
    if missing:
        _warn(
            [
                f"{len(missing)} payload(s) without a stored element set "
                f"({', '.join(str(r['name']) for r in missing[:5])}): decayed, or not fetched "
                f"yet (cosmodrome elements update --intdes {launch.strip().upper()[:8]})"
            ]
        )
    emit(
        _launch_table(rows) if fmt == "table" else rows,
        fmt,
        title=f"Payloads of {launch.strip().upper()} and their orbits",
        caption="GCAT pieces linked to element sets by international designator; heights are "
        "SGP4 mean elements at epoch, above a 6378.135 km sphere (+/- ~20 km)",
    )


def _launch_table(rows: Rows) -> Rows:
    """The columns of a launch's orbits that fit 80 columns, heights to the kilometre."""
    return Rows(
        ["piece", "name", "norad_id", "epoch", "perigee x apogee (km)", "inc_deg"],
        [
            (
                r["piece"],
                r["name"],
                r["norad_id"],
                "" if r["epoch_utc"] is None else f"{r['epoch_utc']:%Y-%m-%d}",
                ""
                if r["perigee_km"] is None
                else f"{r['perigee_km']:,.0f} x {r['apogee_km']:,.0f}",
                None if r["inclination_deg"] is None else round(r["inclination_deg"], 2),
            )
            for r in (dict(zip(rows.columns, row, strict=True)) for row in rows.rows)
        ],
    )


@elements_app.command("update")
def elements_update(
    groups: Annotated[
        list[str] | None,
        typer.Argument(help="CelesTrak GP groups (default: stations active, without objects)."),
    ] = None,
    catnrs: Annotated[
        list[str] | None,
        typer.Option("--catnr", help="One object by catalog number (repeatable; 1-999999999)."),
    ] = None,
    designators: Annotated[
        list[str] | None,
        typer.Option(
            "--intdes", help="A launch's objects (2023-198) or one piece (2023-198A); repeatable."
        ),
    ] = None,
    names: Annotated[
        list[str] | None,
        typer.Option("--name", help="Objects whose name contains this text (repeatable)."),
    ] = None,
    as_format: Annotated[
        str,
        typer.Option(
            "--as",
            help="What to ask CelesTrak for: json (OMM JSON), csv (OMM CSV) or tle (3-line "
            "TLE: five-digit catalog numbers only). OMM falls back to TLE when unusable.",
        ),
    ] = "json",
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="CelesTrak base URL, or a mirror folder holding celestrak/<group>-<date>.tle "
            "or .omm.json (default: $COSMODROME_SOURCE when it is a folder, else celestrak.org).",
        ),
    ] = None,
    fallback_source: Annotated[
        Path | None,
        typer.Option(
            help="Mirror folder (holding celestrak/) to use when CelesTrak cannot be reached."
        ),
    ] = None,
    lenient: LenientOption = False,
    home: HomeOption = None,
) -> None:
    """Download CelesTrak element sets (OMM first) into the store, at most once per query per 2 h."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    request = api.ElementsUpdateRequest(
        groups=tuple(groups or ()),
        catnrs=tuple(catnrs or ()),
        designators=tuple(designators or ()),
        names=tuple(names or ()),
        fmt=as_format,
        source=source,
        fallback_source=fallback_source,
        lenient=lenient,
    )
    answer = api.update_elements(request, home)
    if answer.fell_back_to is not None:
        _stderr().print(
            f"[yellow]CelesTrak unreachable; using the local mirror {answer.fell_back_to}[/yellow]"
        )
    _report(answer.files)


@elements_app.command("load")
def elements_load(
    file: Annotated[Path, typer.Argument(help="TLE/3LE file or OMM JSON/CSV/XML.")],
    lenient: LenientOption = False,
    home: HomeOption = None,
) -> None:
    """Read an element file from disk into the element store."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    _report([api.load_elements_file(file, lenient=lenient, home=home)])


def _satellite(sat: str | None, tle: Path | None) -> TargetSpec:
    from cosmodrome import api

    return api.TargetSpec(satellite=sat, tle=tle)


@app.command()
def windows(
    site: Annotated[
        str, typer.Option("--site", help="Spaceport (Baikonur) or lat,lon[,height_m].")
    ],
    pad: Annotated[
        str | None, typer.Option("--pad", help="Pad of the spaceport (Site 31/6).")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Target satellite: NORAD number or name (25544).")
    ] = None,
    tle: TleOption = None,
    raan: Annotated[
        float | None,
        typer.Option("--raan", help="Target plane RAAN at --epoch (deg), with --inclination."),
    ] = None,
    inclination: Annotated[
        float | None, typer.Option("--inclination", help="Target plane inclination (deg).")
    ] = None,
    epoch: Annotated[
        str | None, typer.Option("--epoch", help="Epoch of --raan (default --start).")
    ] = None,
    start: StartOption = "",
    days: DaysOption = 1.0,
    max_yaw: Annotated[
        float,
        typer.Option("--max-yaw", help="Yaw-steering allowance: window half-width in degrees."),
    ] = 1.0,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Launch windows: times the pad passes through the target's orbital plane."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    start_utc = parse_utc(start) if start else None
    spec = api.TargetSpec(
        satellite=target,
        tle=tle,
        raan_deg=raan,
        inclination_deg=inclination,
        epoch_utc=parse_utc(epoch) if epoch else None,
    )
    request = api.WindowsRequest(site, spec, pad, start_utc, days, max_yaw)
    answer = api.windows(request, home)
    if answer.none is not None and fmt == "table":  # an answer ("never"), not an error
        console().print(answer.none, highlight=False)
        return
    _warn(answer.result.warnings)
    emit(
        answer.result.to_rows(),
        fmt,
        title=f"Launch windows from {answer.point.name} to {answer.result.target_name}, "
        f"yaw <= {max_yaw:g} deg",
        listing=WINDOWS,
    )


def _day(column: str) -> Callable[[Record], str]:
    return lambda record: format_time(str(record.get(column) or ""))[:10]


def _clock(column: str, day_of: str) -> Callable[[Record], str]:
    """The time of ``column`` to the second; with its day when that is not ``day_of``'s."""

    def render(record: Record) -> str:
        text = format_time(str(record.get(column) or ""))
        if not text:
            return ""
        same_day = text[:10] == format_time(str(record.get(day_of) or ""))[:10]
        return text[11:] if same_day else text

    return render


#: Windows as a reader scans them: the UTC day once, then the times of the day.
WINDOWS = Listing(
    default=("day", "in_plane", "branch", "azimuth_deg", "opens", "closes", "phase_deg", "flags"),
    derived={
        "day": _day("in_plane_utc"),
        "in_plane": _clock("in_plane_utc", "in_plane_utc"),
        "opens": _clock("open_utc", "in_plane_utc"),
        "closes": _clock("close_utc", "in_plane_utc"),
        "branch": lambda r: str(r.get("branch") or "")[:1].upper(),
    },
    labels={"day": "day (UTC)", "in_plane": "in plane", "branch": "N/S"},
    footnotes=frozenset({"flags"}),
)
PASSES = Listing(
    default=(
        "day",
        "rise",
        "rise_az_deg",
        "culmination",
        "max_elevation_deg",
        "set",
        "set_az_deg",
        "visible",
    ),
    derived={
        "day": _day("rise_utc"),
        "rise": _clock("rise_utc", "rise_utc"),
        "culmination": _clock("culmination_utc", "rise_utc"),
        "set": _clock("set_utc", "rise_utc"),
        "local_time": lambda r: str(r.get("culmination_local") or "")[11:19],
    },
    labels={
        "day": "day (UTC)",
        "rise_az_deg": "az (deg)",
        "set_az_deg": "az (deg)",
        "max_elevation_deg": "max el (deg)",
        "culmination": "highest",
        "visible": "vis.",
        "local_time": "local",
    },
)


@app.command()
def passes(
    at: Annotated[
        str, typer.Option("--at", help="Observer: spaceport, city (Almaty) or lat,lon[,height_m].")
    ],
    sat: Annotated[
        str | None, typer.Option("--sat", help="Satellite: NORAD number or name.")
    ] = None,
    tle: TleOption = None,
    start: StartOption = "",
    days: DaysOption = 1.0,
    min_elevation: Annotated[
        float, typer.Option("--min-elevation", help="Lowest elevation that counts (deg).")
    ] = 10.0,
    visible: Annotated[
        bool,
        typer.Option(
            "--visible", help="Only passes seen sunlit against a dark sky (Sun < -6 deg)."
        ),
    ] = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Passes of a satellite over a place: rise, culmination, set (UTC and local time)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    request = api.PassesRequest(
        at,
        _satellite(sat, tle),
        parse_utc(start) if start else None,
        days,
        min_elevation_deg=min_elevation,
        visible_only=visible,
    )
    answer = api.passes(request, home)
    _warn(answer.result.warnings)
    if not answer.result.passes:
        _stderr().print(f"no passes above {min_elevation:g} deg in the period")
    emit(
        answer.result.to_rows(),
        fmt,
        title=f"Passes of {answer.result.target_name} over {answer.place.name} "
        f"(UTC; local time {_zone(answer)})",
        listing=PASSES,
    )


def _zone(answer: PassesAnswer) -> str:
    return answer.time_zone or "-"


@app.command()
def where(
    sat: Annotated[
        str | None, typer.Option("--sat", help="Satellite: NORAD number or name.")
    ] = None,
    tle: TleOption = None,
    time: Annotated[
        list[str] | None,
        typer.Option("--time", help="ISO 8601 UTC time (repeatable; default now)."),
    ] = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Sub-satellite point (geodetic latitude, longitude) and altitude at given times."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    moments = tuple(parse_utc(text) for text in time or ())
    answer = api.where(api.WhereRequest(_satellite(sat, tle), moments), home)
    _warn(answer.warnings)
    target = answer.target
    emit(
        answer.rows,
        fmt,
        title=f"{target.name} ({target.norad_id}), element set of {target.epoch_utc:%Y-%m-%d %H:%M} UTC",
        listing=WHERE,
    )


WHERE = Listing(default=("time_utc", "lat_deg", "lon_deg", "altitude_km", "speed_km_s"))
