"""Catalog commands: update, launches, sites, site, sql, export."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome import config
from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    FromOption,
    HomeOption,
    MissionOption,
    OrbitOption,
    OutcomeOption,
    OwnerOption,
    OwnerStateOption,
    PadOption,
    ProviderOption,
    ProviderStateOption,
    SectorOption,
    SiteOption,
    ToOption,
    VehicleOption,
    WideOption,
    app,
)
from cosmodrome.cli.output import (
    Choice,
    Listing,
    Record,
    check_format,
    console,
    emit,
    emit_json,
    print_mapping,
)
from cosmodrome.display import plural
from cosmodrome.errors import InputError, SourceError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import parse_period

if TYPE_CHECKING:
    from rich.console import Console

    from cosmodrome import api

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
    from cosmodrome import api  # here, not at start-up: it loads DuckDB and pandas

    #: Source errors the fallback mirror must not paper over: the source was reached.
    refusals = (api.CatalogShrinkError, api.CatalogWriteError, api.GcatFileError)
    err = console(stderr=True)
    location = source or config.default_source()

    def run(where: str) -> api.BuildReport:
        return api.update(
            where,
            home,
            allow_shrink=allow_shrink,
            lock_wait_s=wait_s,
            on_wait=lambda message: err.print(message, highlight=False),
        )

    try:
        report = run(location)
    except SourceError as error:
        if fallback_source is None or source is not None or isinstance(error, refusals):
            raise
        if not fallback_source.is_dir():
            raise SourceError(
                f"{error}\nNo local mirror at {fallback_source} either: pass --source URL_OR_FOLDER "
                "or set COSMODROME_SOURCE."
            ) from None
        err.print(
            f"[yellow]upstream unreachable; using the local mirror {fallback_source}[/yellow]"
        )
        report = run(str(fallback_source))
    print_build_report(err, report)


def print_build_report(err: Console, report: api.BuildReport) -> None:
    """Where the catalog went, its row counts, and the quarantined rows per file."""
    err.print(f"catalog built at {report.path} from {report.source} (data to {report.data_date})")
    for table, count in report.counts.items():
        err.print(f"  {table:<14} {count:>8,} rows")
    per_file = Counter(issue.file for issue in report.quarantined)
    summary = ", ".join(f"{file} {count:,}" for file, count in sorted(per_file.items()))
    colour = "yellow" if report.quarantined else "green"
    err.print(
        f"[{colour}]{len(report.quarantined):,} input row(s) quarantined[/{colour}]"
        + (f' ({summary}; see `cosmodrome sql "SELECT * FROM quarantine"`):' if summary else ""),
        highlight=False,
    )
    for issue in report.quarantined[:20]:
        err.print(f"  {issue.file}:{issue.line}: {issue.reason}", highlight=False)
    if len(report.quarantined) > 20:
        err.print(f"  ... and {len(report.quarantined) - 20} more")


@app.command()
def launches(
    site: SiteOption = None,
    pad: PadOption = None,
    vehicle: VehicleOption = None,
    agency: ProviderOption = None,
    owner: OwnerOption = None,
    owner_state: OwnerStateOption = None,
    provider_state: ProviderStateOption = None,
    start: FromOption = None,
    end: ToOption = None,
    outcome: OutcomeOption = None,
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    limit: Annotated[int | None, typer.Option(help="At most this many launches.")] = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """List launches, oldest first, filtered by site, vehicle, provider, customer and period.

    The table shows date, vehicle, site and pad, payloads and outcome; ``--wide`` or
    ``--columns`` show the others (every column is in CSV and JSON).
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    first, last = parse_period(start, end)
    filters = api.LaunchFilter(
        site=site,
        pad=pad,
        vehicle=vehicle,
        agency=agency,
        owner=owner,
        owner_state=owner_state,
        provider_state=provider_state,
        start=first,
        end=last,
        outcome=outcome,
        sector=sector,
        mission=mission,
        orbit=orbit,
    )
    with api.catalog(home) as con:
        rows = api.launch_rows(con, filters, limit=limit)
        # What a name matched, where not plain ("Proton-M: 4 configurations ..."): under a
        # table; CSV and JSON stay bare data.
        notes = api.matched_notes(
            con, vehicle=vehicle, site=site, agency=agency, owner=owner, pad=pad
        )
        notes = notes if fmt == "table" else []
    emit(
        rows,
        fmt,
        title=plural(len(rows), "launch"),
        caption="\n".join(notes) or None,
        listing=LAUNCHES,
        choice=choice,
    )


def _site_pad(record: Record) -> str:
    # the pad by its curated name where there is one (issue 13's pad_name), else GCAT's code
    pad = record.get("pad_name") or record.get("pad")
    return " ".join(str(v) for v in (record.get("site_name"), pad) if v)


def _payloads(record: Record) -> object:
    """The first payload and how many more (``Starlink G6-1 +22 more``): one line at 80
    columns; CSV and JSON keep every name."""
    names = record.get("payloads")
    if not isinstance(names, list) or not names:
        return record.get("payload_count")
    first, rest = names[0], len(names) - 1
    return f"{first} +{rest} more" if rest else first


def _launch_date(record: Record) -> str:
    return str(record.get("time_utc") or "")[:10]


#: What the terminal shows of a launch; ``--wide`` adds every catalog column.
LAUNCHES = Listing(
    default=("date", "vehicle", "site_pad", "payloads", "outcome"),
    derived={"date": _launch_date, "site_pad": _site_pad, "payloads": _payloads},
    labels={"site_pad": "site / pad", "date": "date (UTC)"},
)
SITES = Listing(
    default=(
        "site_name",
        "host_country",
        "operator_states",
        "launches",
        "first_launch",
        "last_launch",
    ),
    labels={"site_name": "site", "host_country": "host", "operator_states": "operators"},
)
PADS = Listing(default=("pad", "launches", "first_launch", "last_launch"), top=15)
HISTORY = Listing(
    default=("code", "name", "state_code", "valid_from", "valid_to"),
    labels={"state_code": "state"},
)


@app.command()
def sites(
    country: Annotated[
        str | None, typer.Option(help="Host country or operator state (KZ, France, FRA).")
    ] = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """List launch sites with their launch totals, busiest first."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    with api.catalog(home) as con:
        frame = api.sites(con, country)
    emit(frame, fmt, title="Launch sites", listing=SITES, choice=choice)


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
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

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
            ("lat_deg", detail["lat_deg"]),
            ("lon_deg", detail["lon_deg"]),
            *detail["totals"].items(),
        ],
        title=f"{detail['name']} (GCAT)",
    )
    emit(detail["history"], "table", title="Names over time", listing=HISTORY)
    emit(detail["pads"], "table", title="Pads", listing=PADS)
    if extra is not None:
        from cosmodrome.cli.capability import show_capability

        show_capability(extra)


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
        int, typer.Option(help="Memory the query may use, in megabytes (a hard bound).")
    ] = 1024,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Run read-only SQL on the catalog (tables: launches, payloads, sites, ...; see docs/SCHEMA.md).

    The query is bounded: --time-limit-s covers running it and fetching its rows,
    --memory-limit-mb caps the memory of the process that runs it, --max-output-mb and
    --max-rows cap the result.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    api.check_limits(
        time_limit_s=time_limit,
        max_rows=max_rows,
        max_output_mb=max_output_mb,
        memory_limit_mb=memory_limit_mb,
    )
    result = api.run_user_sql(
        home,
        query,
        time_limit_s=time_limit,
        row_cap=max_rows,
        max_output_bytes=int(max_output_mb * 1e6),
        memory_limit_mb=memory_limit_mb,
    )
    emit(result.rows, fmt)
    if result.truncated:
        console(stderr=True).print(f"[yellow]stopped at {max_rows:,} rows (--max-rows)[/yellow]")


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write one file per table into.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet or csv.")] = "parquet",
    home: HomeOption = None,
) -> None:
    """Export every catalog table as Parquet (or CSV) files."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    if fmt not in ("parquet", "csv"):
        raise InputError(f"cannot export as {fmt!r}; choose parquet or csv")
    with api.catalog(home) as con:
        written = api.export_catalog(con, out, fmt)
    for path in written:
        sys.stdout.write(f"{path}\n")
