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
    c3: Annotated[
        float | None,
        typer.Option("--c3", help="Escape energy C3, km2/s2 (from --alt, default 200 km)."),
    ] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="Sites, comma-separated.")
    ] = None,
    vehicle: Annotated[
        list[str] | None, typer.Option("--vehicle", help="Vehicles, comma-separated.")
    ] = None,
    exclude_state: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-state", help="Drop vehicles or sites of these states (FR, FRA, F, France)."
        ),
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

    Each option is one configuration of a vehicle (column ``configuration``: Falcon 9's
    figures are expendable; Proton-M with and without Briz-M are two options). A capacity is
    ``published`` only where it is the maker's figure for that configuration, orbit and
    site; otherwise it is the model's, with the vehicle's leave-one-out error as its
    uncertainty ("6,534 kg ± 18 %"; docs/CAPABILITY.md). For a GTO, ``gto_inc_deg`` and
    ``gto_to_geo_m_s`` give each option's GTO inclination and the delta-v left to GEO.

    Examples: ``cosmodrome reach --alt 550 --inc 97.6 --mass 800``;
    ``cosmodrome reach --orbit gto --mass 4500 --site Kourou,Baikonur,"Cape Canaveral"``;
    ``cosmodrome reach --c3 12 --mass 4000`` (a Mars window).
    """
    check_format(fmt)
    target = _target(alt, inc, orbit, apogee, perigee, c3)
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
    "configuration",
    "gto_to_geo_m_s",
    "delta_v_m_s",
    "capacity",
    "margin_kg",
    "capacity_basis",
    "notes",
    "reason",
)


def _for_terminal(options: pd.DataFrame) -> pd.DataFrame:
    """The ranking's :data:`TABLE_COLUMNS`, with the vehicle's state beside its name and
    the per-row configuration note dropped where one ranking note says it for every row."""
    shown = options.assign(capacity=[_capacity_cell(row) for _, row in options.iterrows()])
    shown = shown[[c for c in TABLE_COLUMNS if c in shown.columns]].copy()
    shown = shown.rename(columns={"capacity": "capacity (kg)"})
    shown["vehicle"] = options["vehicle"] + " (" + options["vehicle_state_name"] + ")"
    notes = options["notes"].str.split("; ")
    configurations = {p for parts in notes for p in parts if p.startswith(CONFIGURATION_NOTE)}
    if len(configurations) == 1:
        shown["notes"] = notes.map(
            lambda parts: "; ".join(p for p in parts if p not in configurations)
        )
    return shown


def _capacity_cell(row: pd.Series) -> str:
    """``22,944 ± 31 %`` (the caveats stay in ``capacity_text`` of CSV and JSON)."""
    uncertainty = row["capacity_uncertainty_pct"]
    kg = f"{int(row['capacity_kg']):,}"
    return kg if pd.isna(uncertainty) else f"{kg} ± {int(uncertainty)} %"


@app.command("capability")
def capability_command(
    site: Annotated[str, typer.Argument(help="Spaceport name, alias or GCAT code.")],
    pad: Annotated[
        str | None,
        typer.Option(
            "--pad", help="Only this pad, by any name (LC31, Site 31/6, Gagarin's Start)."
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Latitude, rotation speed, corridors, reachable inclinations and pads of one SITE."""
    check_format(fmt)
    summary = capability_summary(site, pad)
    if fmt == "json":
        emit_json(summary)
        return
    corridors = pd.DataFrame(summary.pop("corridors"))  # type: ignore[call-overload]
    pads = pd.DataFrame(summary.pop("pads"))  # type: ignore[call-overload]
    if fmt == "csv":
        emit(corridors.assign(site=summary["site"]), fmt)
        return
    print_mapping({k: v for k, v in summary.items() if k != "sources"}, title=str(summary["site"]))
    emit(corridors.drop(columns=["source"]), fmt, title="Corridors")
    if not pads.empty:
        emit(pads[["pad_name", "status", "vehicles"]], fmt, title="Pads")


def _target(
    alt: float | None,
    inc: float | None,
    orbit: str | None,
    apogee: float | None,
    perigee: float | None,
    c3: float | None = None,
) -> Target:
    if c3 is not None:
        if orbit is not None or apogee is not None:
            raise InputError(
                "--c3 takes --alt (injection altitude) and --inc, not --orbit/--apogee"
            )
        return Target.escape(c3, alt if alt is not None else perigee or 200.0, inc)
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
