"""Orbit commands: ``elements update|load``, ``windows``, ``passes``, ``where``.

Every command takes its satellite either from the element store (``--sat``/``--target``, a
NORAD number or a name; the set whose epoch is nearest the requested time is used) or from
a file (``--tle FILE``: TLE, 3LE or OMM JSON/CSV/XML).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from cosmodrome.astro.elements import ElementSet, epoch_warnings, load_elements
from cosmodrome.astro.gazetteer import (
    Place,
    resolve_launch_point,
    resolve_location,
)
from cosmodrome.astro.passes import Observer, PassesResult, find_passes
from cosmodrome.astro.store import (
    DEFAULT_GROUPS,
    ElementStore,
    GroupUpdate,
    elements_path,
    load_file_into_store,
    pick_satellite,
    satellite_suggestions,
    update_groups,
)
from cosmodrome.astro.where import where_frame
from cosmodrome.astro.windows import PlaneTarget, plane_target, windows_from
from cosmodrome.cli.app import FormatOption, HomeOption, app
from cosmodrome.cli.output import check_format, emit
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.timeutil import parse_utc

elements_app = typer.Typer(
    help="Orbital element sets: download CelesTrak groups, load files.", no_args_is_help=True
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
    return Console(stderr=True, highlight=False)


def _warn(messages: list[str] | tuple[str, ...]) -> None:
    console = _stderr()
    for message in messages:
        console.print(f"[yellow]warning:[/yellow] {message}")


def _report(updates: list[GroupUpdate]) -> None:
    console = _stderr()
    for update in updates:
        console.print(
            f"{update.group}: {update.element_sets:,} element sets from {update.path} "
            f"({update.new:,} new)"
        )
        _warn(update.warnings[:20])
        if len(update.warnings) > 20:
            console.print(f"  ... and {len(update.warnings) - 20} more warnings")


@elements_app.command("update")
def elements_update(
    groups: Annotated[
        list[str] | None, typer.Argument(help="CelesTrak GP groups (default: stations active).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="CelesTrak base URL, or a mirror folder holding celestrak/<group>-<date>.tle "
            "(default: $COSMODROME_SOURCE when it is a folder, else celestrak.org).",
        ),
    ] = None,
    lenient: LenientOption = False,
    home: HomeOption = None,
) -> None:
    """Download CelesTrak GP groups into the element store (at most once per group per 2 h)."""
    updates = update_groups(
        list(groups or DEFAULT_GROUPS),
        source=source,
        store_path=elements_path(home),
        lenient=lenient,
    )
    _report(updates)


@elements_app.command("load")
def elements_load(
    file: Annotated[Path, typer.Argument(help="TLE/3LE file or OMM JSON/CSV/XML.")],
    lenient: LenientOption = False,
    home: HomeOption = None,
) -> None:
    """Read an element file from disk into the element store."""
    _report([load_file_into_store(file, store_path=elements_path(home), lenient=lenient)])


def _target(
    sat: str | None, tle: Path | None, when: datetime, home: Path | None, flag: str
) -> ElementSet:
    """The element set nearest ``when`` for ``--sat`` from the store or from ``--tle FILE``."""
    if tle is not None:
        parsed = load_elements(tle)
        records = parsed.records
        if not records:
            raise InputError(f"{tle} holds no element sets")
        if sat is not None:
            wanted = sat.strip()
            known = sorted({(r.name, r.norad_id) for r in parsed.records})
            chosen = int(wanted) if wanted.isdigit() else pick_satellite(wanted, known)
            records = [r for r in records if r.norad_id == chosen]
            if not records:
                raise UnknownNameError(
                    f"satellite in {tle}", sat, satellite_suggestions(sat, known)
                )
        ids = {r.norad_id for r in records}
        if len(ids) > 1:
            examples = ", ".join(sorted({f"{r.norad_id} ({r.name})" for r in records})[:5])
            raise InputError(
                f"{tle} holds {len(ids)} satellites; pick one with {flag} (e.g. {examples})"
            )
        return min(records, key=lambda r: abs(r.age_days(when)))
    if sat is None:
        raise InputError(f"name a satellite with {flag} NORAD_ID_OR_NAME, or give --tle FILE")
    with ElementStore(elements_path(home)) as store:
        return store.nearest(store.resolve(sat), when)


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
    check_format(fmt)
    start_utc = parse_utc(start) if start else _now()
    point = resolve_launch_point(site, pad)
    goal: ElementSet | PlaneTarget
    if raan is not None or inclination is not None:
        if raan is None or inclination is None:
            raise InputError("a bare target plane needs both --raan and --inclination")
        goal = plane_target(raan, inclination, parse_utc(epoch) if epoch else start_utc)
    else:
        goal = _target(target, tle, start_utc, home, "--target")
    result = windows_from(point, goal, start_utc, days, max_yaw_deg=max_yaw)
    _warn(result.warnings)
    frame = result.to_frame()
    if fmt == "table":
        columns = [
            "in_plane_utc",
            "branch",
            "azimuth_deg",
            "open_utc",
            "close_utc",
            "phase_deg",
            "flags",
        ]
        frame = _short_times(frame[columns], ["in_plane_utc", "open_utc", "close_utc"])
    emit(
        frame,
        fmt,
        title=f"Launch windows from {point.name} to {result.target_name}, yaw <= {max_yaw:g} deg",
    )


def _short_times(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Times as ``YYYY-MM-DD HH:MM:SS`` (UTC) so that a table fits a terminal."""
    frame = frame.copy()
    for column in columns:
        frame[column] = [
            ""
            if value is None or pd.isna(value)
            else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
            for value in frame[column]
        ]
    return frame


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
    check_format(fmt)
    start_utc = parse_utc(start) if start else _now()
    place: Place = resolve_location(at)
    target = _target(sat, tle, start_utc, home, "--sat")
    observer = Observer(place.name, place.lat_deg, place.lon_deg, place.height_m)
    result = find_passes(
        target, observer, start_utc, days, min_elevation_deg=min_elevation, visible_only=visible
    )
    _warn(result.warnings)
    if not result.passes:
        _stderr().print(f"no passes above {min_elevation:g} deg in the period")
    frame = result.to_frame()
    if fmt == "table":
        columns = [
            "rise_utc",
            "rise_az_deg",
            "culmination_utc",
            "max_elevation_deg",
            "set_utc",
            "set_az_deg",
            "visible",
            "culmination_local",
        ]
        frame = _short_times(frame[columns], ["rise_utc", "culmination_utc", "set_utc"])
        frame["culmination_local"] = [str(v)[11:] if v else "" for v in frame["culmination_local"]]
    emit(
        frame,
        fmt,
        title=f"Passes of {result.target_name} over {place.name} (UTC; local time {_zone(result)})",
    )


def _zone(result: PassesResult) -> str:
    return result.passes[0].time_zone if result.passes else "-"


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
    check_format(fmt)
    moments = [parse_utc(text) for text in time] if time else [_now()]
    target = _target(sat, tle, moments[0], home, "--sat")
    frame = where_frame(target, moments)
    _warn(epoch_warnings(target, min(moments), max(moments)))
    emit(frame, fmt, title=f"{target.name} ({target.norad_id})")


def _now() -> datetime:
    return datetime.now(UTC)
