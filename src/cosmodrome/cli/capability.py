"""``cosmodrome reach`` and ``cosmodrome capability``: what each site and vehicle can reach."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from cosmodrome.capability.reach import CONFIGURATION_NOTE, Target, capability_summary, reach
from cosmodrome.cli.app import FormatOption, app, split_names
from cosmodrome.cli.output import check_format, emit, emit_json, print_mapping
from cosmodrome.errors import InputError


@app.command("reach")
def reach_command(
    mass: Annotated[float, typer.Option("--mass", help="Payload mass, kg.")],
    alt: Annotated[float | None, typer.Option("--alt", help="Circular altitude, km.")] = None,
    inc: Annotated[float | None, typer.Option("--inc", help="Inclination, deg (0-180).")] = None,
    orbit: Annotated[
        str | None, typer.Option("--orbit", help="Named orbit: leo, sso, gto, geo.")
    ] = None,
    apogee: Annotated[float | None, typer.Option("--apogee", help="Apogee altitude, km.")] = None,
    perigee: Annotated[
        float | None, typer.Option("--perigee", help="Perigee altitude, km.")
    ] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Sites, comma-separated.")
    ] = None,
    vehicle: Annotated[
        list[str] | None, typer.Option("--vehicle", help="Vehicles, comma-separated.")
    ] = None,
    exclude_state: Annotated[
        list[str] | None,
        typer.Option("--exclude-state", help="Drop vehicles or sites of these states (ISO codes)."),
    ] = None,
    only_state: Annotated[
        list[str] | None,
        typer.Option("--only-state", help="Keep only vehicles and sites of these states."),
    ] = None,
    active_only: Annotated[
        bool,
        typer.Option("--active-only", help="Drop planned and retired vehicles, sites and pads."),
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Rank site x vehicle options for a payload of MASS kg on a target orbit.

    Capacities are the published figures of each vehicle's configuration (column
    ``configuration``: Falcon 9's are expendable). For a GTO, ``gto_inc_deg`` and
    ``gto_to_geo_m_s`` give each option's GTO inclination and the delta-v left to GEO.

    Examples: ``cosmodrome reach --alt 550 --inc 97.6 --mass 800``;
    ``cosmodrome reach --orbit gto --mass 4500 --site Kourou,Baikonur,"Cape Canaveral"``.
    """
    check_format(fmt)
    target = _target(alt, inc, orbit, apogee, perigee)
    ranking = reach(
        target,
        mass,
        sites=split_names(site) or None,
        vehicles=split_names(vehicle) or None,
        exclude_states=split_names(exclude_state),
        only_states=split_names(only_state),
        active_only=active_only,
    )
    if fmt == "json":
        emit_json(ranking.as_json())
        return
    if ranking.options.empty:
        typer.echo(ranking.reason, err=True)
        misses = _for_terminal(ranking.near_misses) if fmt == "table" else ranking.near_misses
        emit(misses, fmt, title=f"Nearest misses: {mass:,.0f} kg to {target.label}")
    else:
        options = ranking.options
        if fmt == "table":  # the terminal gets the columns a reader compares; CSV/JSON get all
            options = _for_terminal(options)
        emit(options, fmt, title=f"{mass:,.0f} kg to {target.label}")
    for note in ranking.notes:  # on stderr for csv, so that the rows stay machine-readable
        typer.echo(f"note: {note}", err=fmt == "csv")


TABLE_COLUMNS = (
    "site",
    "vehicle",
    "launch_azimuth_deg",
    "gto_to_geo_m_s",
    "delta_v_m_s",
    "capacity_kg",
    "margin_kg",
    "capacity_basis",
    "notes",
    "reason",
)


def _for_terminal(options: pd.DataFrame) -> pd.DataFrame:
    """The ranking's :data:`TABLE_COLUMNS`, with the vehicle's state beside its name and
    the per-row configuration note dropped where one ranking note says it for every row."""
    shown = options[[c for c in TABLE_COLUMNS if c in options.columns]].copy()
    shown["vehicle"] = options["vehicle"] + " (" + options["vehicle_state"] + ")"
    notes = options["notes"].str.split("; ")
    configurations = {p for parts in notes for p in parts if p.startswith(CONFIGURATION_NOTE)}
    if len(configurations) == 1:
        shown["notes"] = notes.map(
            lambda parts: "; ".join(p for p in parts if p not in configurations)
        )
    return shown


@app.command("capability")
def capability_command(
    site: Annotated[str, typer.Argument(help="Spaceport name, alias or GCAT code.")],
    fmt: FormatOption = "table",
) -> None:
    """Latitude, rotation speed, corridors and reachable inclinations of one SITE."""
    check_format(fmt)
    summary = capability_summary(site)
    if fmt == "json":
        emit_json(summary)
        return
    corridors = pd.DataFrame(summary.pop("corridors"))  # type: ignore[call-overload]
    if fmt == "csv":
        emit(corridors.assign(site=summary["site"]), fmt)
        return
    print_mapping({k: v for k, v in summary.items() if k != "sources"}, title=str(summary["site"]))
    emit(corridors.drop(columns=["source"]), fmt, title="Corridors")


def _target(
    alt: float | None,
    inc: float | None,
    orbit: str | None,
    apogee: float | None,
    perigee: float | None,
) -> Target:
    if orbit is not None:
        return Target.named(orbit, alt, inc)
    if apogee is not None or perigee is not None:
        if apogee is None or perigee is None:
            raise InputError("give both --perigee and --apogee (km), or --alt for a circular orbit")
        return Target(
            perigee,
            apogee,
            inc,
            f"{perigee:g} x {apogee:g} km" + (f" x {inc:g} deg" if inc is not None else ""),
        )
    if alt is None:
        raise InputError("give --alt (km), --perigee/--apogee, or --orbit leo|sso|gto|geo")
    return Target.circular(alt, inc)
