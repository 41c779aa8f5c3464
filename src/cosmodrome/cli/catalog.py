"""Catalog commands: update, launches, sites, site, sql, export."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cosmodrome import api, config
from cosmodrome.catalog.build import CatalogShrinkError, CatalogWriteError
from cosmodrome.catalog.gcat import GcatFileError
from cosmodrome.cli.app import FormatOption, HomeOption, app
from cosmodrome.cli.output import check_format, emit, emit_json, print_mapping
from cosmodrome.errors import InputError, SourceError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import parse_day

#: Source errors the fallback mirror must not paper over: the source was reached.
BuildRefusal = (CatalogShrinkError, CatalogWriteError, GcatFileError)

SourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        envvar="COSMODROME_SOURCE",
        help="Upstream base URL or a local folder with the same layout (e.g. ../shared/data).",
    ),
]


@app.command()
def update(
    source: SourceOption = None,
    fallback_source: Annotated[
        Path | None,
        typer.Option(help="Local mirror to use when the upstream source cannot be reached."),
    ] = None,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink",
            help="Install the new catalog even when it loses more than 1% of the installed "
            "launches, payloads or objects of one file.",
        ),
    ] = False,
    wait_s: Annotated[
        float,
        typer.Option(
            "--wait-s", min=0, help="Wait this long for another running update (0: do not wait)."
        ),
    ] = 600.0,
    home: HomeOption = None,
) -> None:
    """Download the sources and (re)build the catalog, swapping it in atomically.

    One update runs at a time; a build that loses more than 1% of the installed catalog's
    launches, payloads or objects of one file is refused unless --allow-shrink is given.
    """
    console = Console(stderr=True)
    location = source or config.default_source()

    def run(where: str) -> api.BuildReport:
        return api.update(
            where,
            home,
            allow_shrink=allow_shrink,
            lock_wait_s=wait_s,
            on_wait=lambda message: console.print(message, highlight=False),
        )

    try:
        report = run(location)
    except SourceError as error:
        if fallback_source is None or source is not None or isinstance(error, BuildRefusal):
            raise
        if not fallback_source.is_dir():
            raise SourceError(
                f"{error}\nNo local mirror at {fallback_source} either: pass --source URL_OR_FOLDER "
                "or set COSMODROME_SOURCE."
            ) from None
        console.print(
            f"[yellow]upstream unreachable; using the local mirror {fallback_source}[/yellow]"
        )
        report = run(str(fallback_source))
    print_build_report(console, report)


def print_build_report(console: Console, report: api.BuildReport) -> None:
    """Where the catalog went, its row counts, and the quarantined rows per file."""
    console.print(
        f"catalog built at {report.path} from {report.source} (data to {report.data_date})"
    )
    for table, count in report.counts.items():
        console.print(f"  {table:<14} {count:>8,} rows")
    per_file = Counter(issue.file for issue in report.quarantined)
    summary = ", ".join(f"{file} {count:,}" for file, count in sorted(per_file.items()))
    colour = "yellow" if report.quarantined else "green"
    console.print(
        f"[{colour}]{len(report.quarantined):,} input row(s) quarantined[/{colour}]"
        + (f' ({summary}; see `cosmodrome sql "SELECT * FROM quarantine"`):' if summary else ""),
        highlight=False,
    )
    for issue in report.quarantined[:20]:
        console.print(f"  {issue.file}:{issue.line}: {issue.reason}", highlight=False)
    if len(report.quarantined) > 20:
        console.print(f"  ... and {len(report.quarantined) - 20} more")


@app.command()
def launches(
    site: Annotated[
        str | None, typer.Option(help="Site name or code (Baikonur, GIK-5, Kourou).")
    ] = None,
    pad: Annotated[
        str | None, typer.Option(help="Pad by any name (LC31, Site 31/6, Gagarin's Start).")
    ] = None,
    vehicle: Annotated[
        str | None, typer.Option(help="Vehicle, family or prefix (Soyuz-2).")
    ] = None,
    agency: Annotated[
        str | None, typer.Option(help="Launch provider (agency) name or code.")
    ] = None,
    owner: Annotated[
        str | None, typer.Option(help="Payload owner (customer) name or code.")
    ] = None,
    owner_state: Annotated[
        str | None, typer.Option(help="Payload owner state (GB, GBR, UK, United Kingdom).")
    ] = None,
    provider_state: Annotated[
        str | None, typer.Option(help="Provider state (FR, FRA, F, France).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="First UTC day (2022-01-01 or 2022).")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last UTC day, inclusive.")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="success, failure, partial, full-success, full-failure.")
    ] = None,
    sector: Annotated[
        str | None, typer.Option(help="Primary payload's sector (commercial, military, ...).")
    ] = None,
    mission: Annotated[
        str | None, typer.Option(help="Primary payload's mission (COM, navigation, crew).")
    ] = None,
    orbit: Annotated[
        str | None, typer.Option("--orbit", help="Primary payload's regime (LEO, GEO, HEO).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many launches.")] = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """List launches, oldest first, filtered by site, vehicle, provider, customer and period."""
    check_format(fmt)
    filters = api.LaunchFilter(
        site=site,
        pad=pad,
        vehicle=vehicle,
        agency=agency,
        owner=owner,
        owner_state=owner_state,
        provider_state=provider_state,
        start=parse_day(start) if start else None,
        end=parse_day(end, end=True) if end else None,
        outcome=outcome,
        sector=sector,
        mission=mission,
        orbit=orbit,
    )
    with api.catalog(home) as con:
        frame = api.launches(con, filters, limit=limit)
    emit(frame, fmt, title=f"{len(frame)} launches")


@app.command()
def sites(
    country: Annotated[
        str | None, typer.Option(help="Host country or operator state (KZ, France, FRA).")
    ] = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """List launch sites with their launch totals, busiest first."""
    check_format(fmt)
    with api.catalog(home) as con:
        emit(api.sites(con, country), fmt, title="Launch sites")


@app.command()
def site(
    name: Annotated[str, typer.Argument(help="Site name or code: Baikonur, Tyuratam, GIK-5 ...")],
    capability: Annotated[
        bool, typer.Option("--capability", help="Also show what the site can reach.")
    ] = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """One site: its names over time, pads, coordinates and launch totals."""
    check_format(fmt)
    with api.catalog(home) as con:
        detail = api.site_detail(con, name)
    extra = api.site_capability(name) if capability else None
    if fmt == "json":
        emit_json(
            {
                **{k: v for k, v in detail.items() if k not in ("history", "pads", "totals")},
                "totals": detail["totals"],
                "history": json_records(detail["history"]),
                "pads": json_records(detail["pads"]),
                **({"capability": extra} if extra is not None else {}),
            }
        )
        return
    if fmt == "csv":
        emit(detail["pads"], "csv")
        return
    print_mapping(
        [
            ("site", detail["name"]),
            ("canonical codes", ", ".join(detail["sites"])),
            ("latitude (deg)", detail["lat_deg"]),
            ("longitude (deg)", detail["lon_deg"]),
            *detail["totals"].items(),
        ],
        title=detail["name"],
    )
    emit(detail["history"], "table", title="Names over time")
    emit(detail["pads"], "table", title="Pads")
    if extra is not None:
        print_mapping(
            {k: v for k, v in extra.items() if not isinstance(v, list | dict)}, title="Capability"
        )


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A SELECT statement on the catalog (read-only).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit-s", help="Stop the query after this many seconds.")
    ] = 30.0,
    max_rows: Annotated[int, typer.Option(help="Return at most this many rows.")] = 100_000,
    max_output_mb: Annotated[
        float, typer.Option(help="Refuse a result larger than this many megabytes.")
    ] = 64.0,
    memory_limit_mb: Annotated[
        int, typer.Option(help="DuckDB memory limit for the query, in megabytes.")
    ] = 1024,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Run read-only SQL on the catalog (tables: launches, payloads, sites, ...; see docs/SCHEMA.md).

    The query is bounded: --time-limit-s covers running it and fetching its rows,
    --memory-limit-mb caps DuckDB's memory, --max-output-mb and --max-rows cap the result.
    """
    check_format(fmt)
    api.check_limits(
        time_limit_s=time_limit,
        max_rows=max_rows,
        max_output_mb=max_output_mb,
        memory_limit_mb=memory_limit_mb,
    )
    with api.catalog(home) as con:
        result = api.run_user_sql(
            con,
            query,
            time_limit_s=time_limit,
            row_cap=max_rows,
            max_output_bytes=int(max_output_mb * 1e6),
            memory_limit_mb=memory_limit_mb,
        )
    emit(result.frame, fmt)
    if result.truncated:
        Console(stderr=True).print(f"[yellow]stopped at {max_rows:,} rows (--max-rows)[/yellow]")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write one file per table into.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    home: HomeOption = None,
) -> None:
    """Export every catalog table as Parquet (or CSV) files."""
    if fmt not in ("parquet", "csv"):
        raise InputError(f"cannot export as {fmt!r}; choose parquet or csv")
    with api.catalog(home) as con:
        written = api.export_catalog(con, out, fmt)
    for path in written:
        sys.stdout.write(f"{path}\n")
