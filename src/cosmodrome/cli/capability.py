"""``cosmodrome reach`` and ``cosmodrome capability``: what each site and vehicle can reach."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cosmodrome.cli.app import AllOption, ColumnsOption, FormatOption, WideOption, app, split_names
from cosmodrome.cli.output import (
    Choice,
    Listing,
    check_format,
    console,
    emit,
    emit_json,
    print_mapping,
)
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows

if TYPE_CHECKING:
    from cosmodrome.api import Target


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
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
) -> None:
    """Rank site x vehicle options for a payload of MASS kg on a target orbit.

    Each option is one configuration of a vehicle (column ``configuration``: Falcon 9's
    figures are expendable; Proton-M with and without Briz-M are two options). A capacity is
    ``published`` only where it is the maker's figure for that configuration, orbit and
    site; otherwise it is the model's, with the vehicle's leave-one-out error as its
    uncertainty ("6,534 kg ± 18 %"; docs/CAPABILITY.md). For a GTO, ``gto_inc_deg`` and
    ``gto_to_geo_m_s`` give each option's GTO inclination and the delta-v left to GEO. A
    vehicle that is not flying now is marked (retired) or (planned) beside its name.

    Examples: ``cosmodrome reach --alt 550 --inc 97.6 --mass 800``;
    ``cosmodrome reach --orbit gto --mass 4500 --site Kourou,Baikonur,"Cape Canaveral"``;
    ``cosmodrome reach --c3 12 --mass 4000`` (a Mars window).
    """
    from cosmodrome.api import reach

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
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
    if not ranking.option_rows.rows:
        typer.echo(ranking.reason, err=True)
        misses = ranking.miss_rows
        if fmt == "table":  # the terminal gets the columns a reader compares; CSV/JSON get all
            misses = _for_terminal(misses, choice)
        emit(
            misses,
            fmt,
            title=f"Nearest misses: {mass:,.0f} kg to {target.label}",
            listing=REACH,
            choice=choice,
        )
    else:
        options = ranking.option_rows
        if fmt == "table":
            options = _for_terminal(options, choice)
        emit(
            options,
            fmt,
            title=f"{mass:,.0f} kg to {target.label}",
            listing=REACH,
            choice=choice,
        )
    for note in ranking.notes:  # on stderr for csv, so that the rows stay machine-readable
        console(stderr=fmt == "csv").print(f"note: {note}", highlight=False, markup=False)


#: The ranking as the terminal shows it: where, with what, how much it lifts and on what basis.
REACH = Listing(
    default=(
        "site",
        "vehicle",
        "gto_to_geo_m_s",
        "capacity",
        "margin_kg",
        "capacity_basis",
        "notes",
        "reason",
    ),
    derived={"capacity": lambda r: _capacity_cell(r)},
    labels={"capacity": "capacity (kg)", "capacity_basis": "basis"},
    whole=frozenset({"capacity"}),
    footnotes=frozenset({"notes", "reason"}),
)


def _for_terminal(options: Rows, choice: Choice) -> Rows:
    """The vehicle's state and, when it is not flying now, its status beside its name; the
    per-row configuration note dropped where one ranking note says it for every row."""
    from cosmodrome.api import CONFIGURATION_NOTE

    if choice.wide or choice.columns or not options.rows:
        return options
    records = [dict(zip(options.columns, row, strict=True)) for row in options.rows]
    for record in records:
        status = record.get("vehicle_status")
        mark = f" {status}" if isinstance(status, str) and status not in ("active", "") else ""
        state = record.get("vehicle_state_name", record["vehicle_state"])
        record["vehicle"] = f"{record['vehicle']} ({state}{mark})"
        # "extrapolated 970 m/s" -> "extrap. 970 m/s"
        basis = record.get("capacity_basis") or ""
        record["capacity_basis"] = basis.replace("extrapolated", "extrap.").replace(
            "interpolated", "interp."
        )
    split = [[p for p in str(r.get("notes") or "").split("; ") if p] for r in records]
    configurations = {p for parts in split for p in parts if p.startswith(CONFIGURATION_NOTE)}
    if len(configurations) == 1:
        split = [[p for p in parts if p not in configurations] for parts in split]
    # The configuration is a numbered note too (said once when every row has it), so that the
    # table keeps to 80 columns; --wide and CSV have it as a column.
    for record, parts in zip(records, split, strict=True):
        configuration = record.get("configuration")
        if isinstance(configuration, str) and configuration:
            parts = [f"configuration: {configuration}", *parts]
        record["notes"] = "; ".join(parts)
    return Rows(options.columns, [tuple(r[c] for c in options.columns) for r in records])


def _capacity_cell(row: dict[str, Any]) -> str:
    """``22,944 ± 31 %`` (the caveats stay in ``capacity_text`` of CSV and JSON)."""
    capacity, uncertainty = row.get("capacity_kg"), row.get("capacity_uncertainty_pct")
    if capacity is None:
        return ""
    kg = f"{int(capacity):,}"
    return kg if uncertainty is None else f"{kg} ± {int(uncertainty)} %"


def show_capability(summary: dict[str, Any]) -> None:
    """A spaceport's capability for the terminal: the figures, corridors and vehicles."""
    facts = {
        k: v for k, v in summary.items() if k not in ("sources", "corridors", "vehicles", "pads")
    }
    print_mapping(facts, title=f"{summary['site']}: what it can reach")
    corridors = summary.get("corridors") or []
    if corridors:
        columns = ["min_az_deg", "max_az_deg", "min_inc_deg", "max_inc_deg", "note"]
        emit(
            Rows(columns, [tuple(c.get(k) for k in columns) for c in corridors]),
            "table",
            title="Corridors",
            listing=CORRIDORS,
        )
    pads = summary.get("pads") or []
    if pads:
        columns = ["pad_name", "status", "vehicles"]
        emit(
            Rows(columns, [tuple(p.get(k) for k in columns) for p in pads]),
            "table",
            title="Pads",
            listing=Listing(default=tuple(columns), labels={"pad_name": "pad"}),
        )
    vehicles = summary.get("vehicles") or []
    if vehicles:
        print_mapping([("vehicles", ", ".join(vehicles))])
    sources = summary.get("sources") or []
    if sources:
        print_mapping([("sources", ", ".join(sources))])


CORRIDORS = Listing(
    default=("min_az_deg", "max_az_deg", "min_inc_deg", "max_inc_deg", "note"),
    labels={
        "min_az_deg": "azimuth from",
        "max_az_deg": "to (deg)",
        "min_inc_deg": "inclination from",
        "max_inc_deg": "to (deg)",
    },
    footnotes=frozenset({"note"}),
)


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
    from cosmodrome.api import capability_summary

    check_format(fmt)
    summary = capability_summary(site, pad)
    if fmt == "json":
        emit_json(summary)
        return
    if fmt == "csv":
        corridors: list[dict[str, Any]] = list(summary["corridors"])
        columns = ["site", *dict.fromkeys(k for c in corridors for k in c)]
        rows = [(summary["site"], *(c.get(k) for k in columns[1:])) for c in corridors]
        emit(Rows(columns, rows), fmt)
        return
    show_capability(summary)


def _target(
    alt: float | None,
    inc: float | None,
    orbit: str | None,
    apogee: float | None,
    perigee: float | None,
    c3: float | None = None,
) -> Target:
    from cosmodrome.api import Target

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
