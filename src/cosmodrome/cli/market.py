"""Market commands: profile, cadence, share, migration, report (thin layer over the analyses)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cosmodrome import api
from cosmodrome.cli.app import FormatOption, HomeOption, app, split_names
from cosmodrome.cli.output import check_format, emit, emit_json, print_mapping
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records
from cosmodrome.timeutil import parse_day

ChartOption = Annotated[
    Path | None,
    typer.Option("--chart", help="Also draw the chart to this file (.png or .svg)."),
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Group by site, provider, provider-state, vehicle-family, owner-state, "
        "owner-sector, mission or orbit-regime.",
    ),
]
PeriodOption = Annotated[str, typer.Option("--period", help="year, quarter or month (UTC).")]
OnlyOption = Annotated[
    str | None,
    typer.Option("--only", help="Comma-separated groups to keep (Baikonur,Vostochny or RU,CN)."),
]
SitesOption = Annotated[
    str | None,
    typer.Option(
        "--sites",
        help="Launch sites: the groups kept when grouping by site, else the one site whose "
        "launches are counted (--by orbit-regime --sites Baikonur).",
    ),
]
StartOption = Annotated[
    str | None, typer.Option("--from", help="First UTC day (2010 or 2010-01-01).")
]
EndOption = Annotated[str | None, typer.Option("--to", help="Last UTC day, inclusive.")]
TopOption = Annotated[
    int | None, typer.Option("--top", help="Keep the N busiest groups, sum the rest as (other).")
]
MeasureOption = Annotated[
    str, typer.Option("--measure", help="What the chart shows: launches or payloads.")
]
EventOption = Annotated[
    list[str] | None,
    typer.Option(
        "--event", help="Extra event DATE=LABEL (repeatable), e.g. 2019-01-01='New rule'."
    ),
]
NoDefaultEvents = Annotated[
    bool,
    typer.Option(
        "--no-default-events", help="Leave out the built-in events (2014-03, 2022-02-24, ...)."
    ),
]
WindowOption = Annotated[
    int, typer.Option("--window-years", help="Years before (and after) each cutoff or event.")
]


SectorOption = Annotated[
    str | None,
    typer.Option(
        help="Only launches whose primary payload is of this sector (commercial, civil, ...)."
    ),
]
MissionOption = Annotated[
    str | None,
    typer.Option(help="Only launches whose primary payload has this mission (COM, crew)."),
]
OrbitOption = Annotated[
    str | None,
    typer.Option(
        "--orbit", help="Only launches whose primary payload went to this regime (GEO, LEO)."
    ),
]


def _sites_and_filters(
    by: str,
    only: str | None,
    sites: str | None,
    sector: str | None,
    mission: str | None,
    orbit: str | None,
) -> tuple[str | None, api.LaunchFilter]:
    """``--sites`` are the groups kept when grouping by site, else the site counted."""
    site = None
    if sites and by.strip().lower() == "site":
        only = ",".join(split_names([only or "", sites]))
    elif sites:
        names = split_names(sites)
        if len(names) > 1:
            raise InputError(
                f"--sites takes one site when grouping by {by}; group by site to compare sites"
            )
        site = names[0]
    return only or None, api.LaunchFilter(site=site, sector=sector, mission=mission, orbit=orbit)


def _check_chart(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"cannot write a chart to {path.name!r}: use a .png or .svg file name")


def _wrote(path: Path) -> None:
    Console(stderr=True).print(f"chart written to {path}", highlight=False)


@app.command()
def profile(
    site: Annotated[str, typer.Argument(help="Site name or code: Baikonur, Kourou, GIK-5 ...")],
    event: EventOption = None,
    no_default_events: NoDefaultEvents = False,
    window_years: WindowOption = 5,
    chart: ChartOption = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """A site's story in numbers: launches per year, pads, vehicles, providers, customers, events."""
    check_format(fmt)
    _check_chart(chart)
    events = api.events_from(event, defaults=not no_default_events)
    with api.catalog(home) as con:
        result = api.site_profile(con, site, events=events, window_years=window_years)
        if chart is not None:
            _wrote(api.save_chart(api.profile_chart(result, api.source_line(con)), chart))
    if fmt == "json":
        emit_json(
            {
                "site": result.name,
                "sites": result.sites,
                "data_date": result.data_date,
                "totals": result.totals,
                **{k: json_records(v) for k, v in result.tables().items()},
            }
        )
    elif fmt == "csv":
        emit(result.yearly, "csv")
    else:
        print_mapping(
            [
                ("site", result.name),
                ("GCAT sites", ", ".join(result.sites)),
                ("data to", result.data_date),
                *result.totals.items(),
            ],
            title=result.name,
        )
        titles = {
            "yearly": "Launches and payloads per year",
            "busiest_years": "Busiest years",
            "by_family": "Vehicle families",
            "by_provider": "Providers (launch agencies)",
            "by_pad": "Pads",
            "foreign_customers": "Foreign customers by period",
            "sector_mix": "Sector mix by period (launches by primary payload)",
            "mission_mix": "Mission mix by period (launches by primary payload)",
            "event_effects": "Mean launches per year before/after events (95 % CI)",
        }
        for key, title in titles.items():
            frame = result.tables()[key]
            if key in ("sector_mix", "mission_mix"):
                frame = frame[["era", "label", "launches", "payloads", "launch_share"]]
            if key == "event_effects":
                frame = frame[
                    [
                        "event_date",
                        "event",
                        "launches_before",
                        "rate_before_per_yr",
                        "rate_before_low",
                        "rate_before_high",
                        "launches_after",
                        "rate_after_per_yr",
                        "rate_after_low",
                        "rate_after_high",
                        "rate_ratio",
                    ]
                ]
            emit(frame, "table", title=title)


def _grouped_command(
    kind: str,
    by: str,
    period: str,
    only: str | None,
    start: str | None,
    end: str | None,
    top: int | None,
    measure: str,
    chart: Path | None,
    fmt: str,
    home: Path | None,
    where: api.LaunchFilter,
) -> None:
    check_format(fmt)
    _check_chart(chart)
    if measure not in ("launches", "payloads"):
        raise InputError(f"unknown measure {measure!r}; choose launches or payloads")
    function = api.cadence if kind == "cadence" else api.share
    with api.catalog(home) as con:
        frame = function(
            con,
            by,
            period,
            only=split_names(only) or None,
            start=parse_day(start) if start else None,
            end=parse_day(end, end=True) if end else None,
            where=where,
            top=top,
        )
        if chart is not None:
            draw = api.cadence_chart if kind == "cadence" else api.share_chart
            _wrote(
                api.save_chart(
                    draw(
                        frame,
                        api.source_line(con),
                        measure=measure,
                        by=by.replace("-", " "),
                        period=period,
                    ),
                    chart,
                )
            )
        caption = f"{api.source_line(con)}: a period running past that date is incomplete"
    emit(frame, fmt, title=f"{kind} by {by} per {period}", caption=caption)


@app.command()
def cadence(
    by: ByOption = "site",
    period: PeriodOption = "year",
    only: OnlyOption = None,
    sites: SitesOption = None,
    start: StartOption = None,
    end: EndOption = None,
    top: TopOption = None,
    measure: MeasureOption = "launches",
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    chart: ChartOption = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Launches and payloads per year, quarter or month, grouped by site, provider, state or family."""
    only, where = _sites_and_filters(by, only, sites, sector, mission, orbit)
    _grouped_command("cadence", by, period, only, start, end, top, measure, chart, fmt, home, where)


@app.command()
def share(
    by: ByOption = "provider-state",
    period: PeriodOption = "year",
    only: OnlyOption = None,
    sites: SitesOption = None,
    start: StartOption = None,
    end: EndOption = None,
    top: TopOption = None,
    measure: MeasureOption = "launches",
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    chart: ChartOption = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Market share: each group's fraction of the world's launches and payloads per period."""
    only, where = _sites_and_filters(by, only, sites, sector, mission, orbit)
    _grouped_command("share", by, period, only, start, end, top, measure, chart, fmt, home, where)


@app.command()
def migration(
    cutoff: Annotated[
        str, typer.Option("--cutoff", help="Cutoff UTC day, e.g. 2022-02-24.")
    ] = "2022-02-24",
    provider_state: Annotated[
        str | None, typer.Option(help="Provider states, comma-separated (RU).")
    ] = None,
    provider: Annotated[
        str | None, typer.Option(help="Providers (agencies), comma-separated.")
    ] = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Launch sites, comma-separated.")
    ] = None,
    vehicle: Annotated[
        str | None, typer.Option(help="Vehicles or prefixes, comma-separated (Soyuz).")
    ] = None,
    window_years: WindowOption = 5,
    chart: ChartOption = None,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Customers of the chosen providers before the cutoff, and who launched them after it.

    JSON output holds the customers, the flows before and after, and flow-diagram data
    (nodes and links).
    """
    check_format(fmt)
    _check_chart(chart)
    with api.catalog(home) as con:
        result = api.customer_migration(
            con,
            parse_day(cutoff),
            provider_states=split_names(provider_state),
            providers=split_names(provider),
            sites=split_names(site),
            vehicles=split_names(vehicle),
            window_years=window_years,
        )
        if chart is not None:
            _wrote(api.save_chart(api.migration_chart(result, api.source_line(con)), chart))
    if fmt == "json":
        emit_json(result.to_dict())
        return
    if fmt == "csv":
        emit(result.customers, "csv")
        return
    emit(
        result.customers.drop(columns=["providers_before"]),
        "table",
        title=f"Customers of {result.selection}, {result.window_from} to {result.cutoff}",
        caption=f"Data: GCAT, J. McDowell, CC BY 4.0; data to {result.data_date}",
    )
    emit(
        result.flows[
            [
                "customer_name",
                "provider_name",
                "provider_state",
                "launches",
                "payloads",
                "first_launch",
                "last_launch",
            ]
        ],
        "table",
        title=f"Who launched them from {result.cutoff} to {result.data_date}",
    )


@app.command()
def report(
    site: Annotated[str, typer.Argument(help="Site name or code: Baikonur, Kourou, GIK-5 ...")],
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")],
    peers: Annotated[
        str | None, typer.Option(help="Peer sites to compare, comma-separated.")
    ] = None,
    cutoff: Annotated[
        str | None, typer.Option(help="Customer-migration cutoff (default: latest event).")
    ] = None,
    event: EventOption = None,
    no_default_events: NoDefaultEvents = False,
    window_years: WindowOption = 5,
    home: HomeOption = None,
) -> None:
    """Write one self-contained HTML report on a site (charts, data tables, method notes)."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"cannot write a report to {out.name!r}: use an .html file name")
    events = api.events_from(event, defaults=not no_default_events)
    with api.catalog(home) as con:
        html = api.site_report(
            con,
            site,
            peers=split_names(peers) if peers else None,
            events=events,
            cutoff=parse_day(cutoff) if cutoff else None,
            window_years=window_years,
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    sys.stdout.write(f"{out}\n")
