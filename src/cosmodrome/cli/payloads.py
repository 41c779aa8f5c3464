"""Payload commands: payloads (find and filter payloads), mass (mass to orbit per group)."""

from __future__ import annotations

from typing import Annotated

import typer

from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    FromOption,
    HomeOption,
    MissionOption,
    OrbitOption,
    OwnerOption,
    OwnerStateOption,
    ProviderOption,
    ProviderStateOption,
    SectorOption,
    SiteOption,
    ToOption,
    VehicleOption,
    WideOption,
    app,
    split_names,
)
from cosmodrome.cli.output import (
    Choice,
    Listing,
    check_format,
    console,
    emit,
    emit_json,
    print_mapping,
)
from cosmodrome.display import format_time, plural
from cosmodrome.errors import CatalogMissingError, InputError
from cosmodrome.tables import Rows
from cosmodrome.timeutil import parse_period


@app.command()
def payloads(
    search: Annotated[
        str | None,
        typer.Option(help="Name, any spelling GCAT records (Arktika-M, 'starlink 31')."),
    ] = None,
    owner: OwnerOption = None,
    owner_state: OwnerStateOption = None,
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    agency: ProviderOption = None,
    provider_state: ProviderStateOption = None,
    start: FromOption = None,
    end: ToOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many payloads.")] = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Find payloads by name, owner, sector, mission, orbit regime, site, vehicle and period.

    Each row says where its orbit and regime come from (``orbit_source``: GCAT's disposition
    orbit, a catalog orbit or the UN registration) and leaves an unknown mass empty.
    """
    check_format(fmt)
    first, last = parse_period(start, end)
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    filters = api.PayloadFilter(
        search=search,
        owner=owner,
        owner_state=owner_state,
        sector=sector,
        mission=mission,
        orbit=orbit,
        site=site,
        vehicle=vehicle,
        agency=agency,
        provider_state=provider_state,
        start=first,
        end=last,
    )
    with api.catalog(home) as con:
        rows = api.payload_rows(con, filters, limit=limit)
        # what a name matched, where not plain, under a table (as under launches)
        notes = api.matched_notes(con, vehicle=vehicle, site=site, agency=agency, owner=owner)
    hint = "sector, orbits, masses and sources: --wide, --columns, or --format csv or json"
    emit(
        rows,
        fmt,
        title=plural(len(rows), "payload"),
        caption="\n".join([*notes, hint]) if fmt == "table" else None,
        listing=PAYLOADS,
        choice=Choice.of(columns, wide, all_rows),
    )


#: A payload as a reader scans it: owner and mission by name (their codes are in CSV/JSON).
PAYLOADS = Listing(
    default=("name", "launched", "site_name", "owner", "mission", "orbit_regime"),
    derived={"launched": lambda r: format_time(str(r.get("launch_time_utc") or ""))[:10]},
    labels={"site_name": "site", "orbit_regime": "regime"},
)


@app.command()
def mass(
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Group by site, provider, provider-state, vehicle-family, owner-state, "
            "owner-sector, mission or orbit-regime.",
        ),
    ] = "provider-state",
    period: Annotated[str, typer.Option("--period", help="year, quarter or month (UTC).")] = "year",
    only: Annotated[
        str | None, typer.Option("--only", help="Comma-separated groups to keep.")
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Mass to orbit per group and period, with how many payloads had no known mass.

    A mass is GCAT's launch mass (satcat, else auxcat), else the UCS launch mass; each row
    says how many masses come from each source. A sum is a lower bound wherever payloads lack
    a mass, and ``unknown`` (never 0) where none of a group's payloads has one.
    """
    check_format(fmt)
    first, last = parse_period(start, end)
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    with api.catalog(home) as con:
        rows = api.mass_to_orbit(
            con,
            by,
            period,
            only=split_names(only) or None,
            start=first,
            end=last,
            where=api.LaunchFilter(sector=sector, mission=mission, orbit=orbit),
        )
        coverage = api.mass_coverage(con)
        source = api.source_line(con)
    share = coverage["with_mass"] / coverage["payloads"] if coverage["payloads"] else 0.0
    note = (
        f"{source}; UCS Satellite Database. Masses known for {coverage['with_mass']:,} of "
        f"{coverage['payloads']:,} payloads ({share:.1%}): GCAT satcat "
        f"{coverage['mass_from_satcat']:,}, GCAT auxcat {coverage['mass_from_auxcat']:,}, "
        f"UCS {coverage['mass_from_ucs']:,}"
        + ("" if coverage["has_satcat"] else " (the source has no satcat.tsv)")
    )
    if fmt == "table":
        at = rows.columns.index("mass_kg")
        masses = [
            "unknown" if value is None else f"{value:,.0f}" for value in rows.column("mass_kg")
        ]
        shown = rows.without("mass_kg").with_column("mass_kg", at, masses).without("period_start")
        emit(
            shown,
            "table",
            title=f"Mass to orbit by {by} per {period}",
            caption=note,
            listing=MASS_LISTING,
        )
        return
    emit(rows, fmt)
    if fmt == "csv":
        console(stderr=True).print(note, highlight=False)


MASS_LISTING = Listing(
    default=(
        "period",
        "label",
        "payloads",
        "mass_known_share",
        "payloads_mass_gcat",
        "payloads_mass_ucs",
        "mass_kg",
    ),
    labels={
        "label": "group",
        "mass_known_share": "mass known",
        "payloads_mass_gcat": "from GCAT",
        "payloads_mass_ucs": "from UCS",
    },
)
DISAGREEMENT_COLUMNS = {
    "sector": ["norad", "name", "owner", "gcat_class", "sector", "ucs_users", "ucs_sector"],
    "orbit_class": [
        "norad",
        "name",
        "orbit_regime",
        "perigee_km",
        "apogee_km",
        "ucs_orbit_class",
        "ucs_perigee_km",
        "ucs_apogee_km",
    ],
}


@app.command("ucs-check")
def ucs_check(
    what: Annotated[
        str, typer.Option("--what", help="Disagreements to list: sector or orbit-class.")
    ] = "sector",
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """How often GCAT and the UCS Satellite Database agree on sector and orbit class, and
    every satellite on which they disagree (matched on the NORAD number)."""
    check_format(fmt)
    key = what.strip().lower().replace("-", "_")
    if key not in DISAGREEMENT_COLUMNS:
        raise InputError(f"cannot list {what!r}; choose sector or orbit-class")
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    with api.catalog(home) as con:
        has_ucs = con.execute("SELECT count(*) FROM ucs").fetchone()
        if not has_ucs or not has_ucs[0]:
            raise CatalogMissingError(
                "the catalog holds no UCS table: update from a mirror with a ucs/ folder "
                "(cosmodrome update --source ../shared/data)"
            )
        result = api.ucs_agreement_rows(con)
    chosen = result[key]
    disagreements = _picked(chosen["disagreements"], DISAGREEMENT_COLUMNS[key])
    if fmt == "json":
        emit_json(
            {
                **{k: v for k, v in result.items() if not isinstance(v, dict)},
                **{
                    name: {
                        "compared": part["compared"],
                        "agree": part["agree"],
                        "agreement": part["agreement"],
                        "crosstab": {
                            row[0]: dict(zip(part["crosstab"].columns[1:], row[1:], strict=True))
                            for row in part["crosstab"].rows
                        },
                        "disagreements": _picked(
                            part["disagreements"], DISAGREEMENT_COLUMNS[name]
                        ).records(),
                    }
                    for name, part in result.items()
                    if isinstance(part, dict)
                },
            }
        )
        return
    if fmt == "csv":
        emit(disagreements, "csv")
        return
    print_mapping(
        [
            ("UCS rows", f"{result['ucs_rows']:,}"),
            ("UCS rows repeating a NORAD number", result["ucs_duplicate_norad"]),
            ("matched to GCAT payloads", f"{result['matched']:,}"),
            *(
                (
                    f"{name.replace('_', ' ')} agrees",
                    f"{part['agree']:,} of {part['compared']:,} ({part['agreement']:.1%})",
                )
                for name, part in result.items()
                if isinstance(part, dict)
            ),
        ],
        title="GCAT and the UCS Satellite Database",
    )
    crosstab = chosen["crosstab"]
    emit(
        Rows(["Cosmodrome (GCAT)", *crosstab.columns[1:]], crosstab.rows),
        "table",
        title=f"{key.replace('_', ' ')}: Cosmodrome (rows) against UCS",
    )
    emit(disagreements, "table", title=f"{len(disagreements)} disagreements on {what}")


def _picked(rows: Rows, columns: list[str]) -> Rows:
    """``rows`` with only ``columns``, in that order."""
    at = [rows.columns.index(c) for c in columns]
    return Rows(columns, [tuple(row[i] for i in at) for row in rows.rows])
