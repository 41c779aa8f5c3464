"""Market commands: profile, cadence, share, migration, report (thin layer over the analyses)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    FromOption,
    HomeOption,
    MissionOption,
    OrbitOption,
    SectorOption,
    ToOption,
    WideOption,
    app,
    split_names,
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
from cosmodrome.display import format_value, plural
from cosmodrome.errors import InputError
from cosmodrome.tables import Rows, json_records
from cosmodrome.timeutil import parse_day, parse_period

if TYPE_CHECKING:
    from cosmodrome.api import LaunchFilter

ChartOption = Annotated[
    Path | None,
    typer.Option("--chart", help="Also draw the chart to this file (.png or .svg)."),
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Group by site, provider (the organisation: ULA one provider, CASC with its "
        "academies), agency (GCAT's codes apart), provider-state, vehicle-family, "
        "owner-state, owner-sector, mission or orbit-regime.",
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
TopOption = Annotated[
    int | None, typer.Option("--top", help="Keep the N busiest groups, sum the rest as (other).")
]
MeasureOption = Annotated[
    str,
    typer.Option(
        "--measure",
        help="launches or payloads (what the chart shows); share: value, each group's share "
        "of launch value beside its share of launches.",
    ),
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


def _sites_and_filters(
    by: str,
    only: str | None,
    sites: str | None,
    sector: str | None,
    mission: str | None,
    orbit: str | None,
) -> tuple[str | None, LaunchFilter]:
    """``--sites`` are the groups kept when grouping by site, else the site counted."""
    from cosmodrome.api import LaunchFilter  # here, not at start-up: DuckDB

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
    return only or None, LaunchFilter(site=site, sector=sector, mission=mission, orbit=orbit)


def _check_chart(path: Path | None) -> None:
    if path is not None and path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"cannot write a chart to {path.name!r}: use a .png or .svg file name")


def _wrote(path: Path) -> None:
    console(stderr=True).print(f"chart written to {path}", highlight=False)


def _with_interval(
    value: str, low: str, high: str, count: str | None = None
) -> Callable[[Record], str]:
    """A rate and its interval, ``35.2 (30.2-40.8)``, with the launches it rests on below."""

    def render(record: Record) -> str:
        if record.get(value) is None:
            return ""
        text = format_value(value, record[value])
        if record.get(low) is not None and record.get(high) is not None:
            text += f" ({format_value(value, record[low])}-{format_value(value, record[high])})"
        if count is not None and record.get(count) is not None:
            text += f"\n{plural(int(record[count]), 'launch')}"
        return text

    return render


def _event(record: Record) -> str:
    return f"{record.get('event_date') or ''}\n{record.get('event') or ''}"


#: Profile tables as the terminal shows them (``--wide`` for every column, ``--all`` rows).
PROFILE_LISTINGS = {
    "yearly": Listing(
        default=("year", "launches", "successes", "failures", "payloads", "foreign_payloads"),
        top=None,
    ),
    "busiest_years": Listing(default=("year", "launches", "successes", "failures", "payloads")),
    "by_family": Listing(
        default=("vehicle_family", "launches", "failures", "first_launch", "last_launch"),
        top=10,
    ),
    "by_provider": Listing(
        default=(
            "agency_name",
            "provider_state",
            "launches",
            "failures",
            "first_launch",
            "last_launch",
        ),
        labels={"agency_name": "provider", "provider_state": "state"},
        top=10,
    ),
    "by_pad": Listing(
        default=("pad", "launches", "failures", "first_launch", "last_launch"), top=10
    ),
    "foreign_customers": Listing(
        default=("era", "customer_name", "owner_state", "payloads", "launches"),
        labels={"customer_name": "customer", "owner_state": "state"},
        top=None,
    ),
    **{
        mix: Listing(
            default=("era", "label", "launches", "payloads", "launch_share"),
            labels={"launch_share": "share of launches"},
            top=None,
        )
        for mix in ("sector_mix", "mission_mix")
    },
    "event_effects": Listing(
        default=("event_label", "before", "after", "ratio"),
        derived={
            "event_label": _event,
            "before": _with_interval(
                "rate_before_per_yr", "rate_before_low", "rate_before_high", "launches_before"
            ),
            "after": _with_interval(
                "rate_after_per_yr", "rate_after_low", "rate_after_high", "launches_after"
            ),
            "ratio": _with_interval("rate_ratio", "rate_ratio_low", "rate_ratio_high"),
        },
        labels={
            "event_label": "event",
            "before": "per year before",
            "after": "per year after",
            "ratio": "after / before",
        },
        truncate=frozenset({"event_label"}),
        truncate_width=22,
        whole=frozenset({"before", "after", "ratio"}),
    ),
}
#: Foreign customers shown per era unless ``--all``.
CUSTOMERS_PER_ERA = 5
#: Rows of each era the terminal shows of a profile's long per-era tables (``--all``: every one).
ROWS_PER_ERA = {"foreign_customers": CUSTOMERS_PER_ERA, "mission_mix": 5}


@app.command()
def profile(
    site: Annotated[str, typer.Argument(help="Site name or code: Baikonur, Kourou, GIK-5 ...")],
    event: EventOption = None,
    no_default_events: NoDefaultEvents = False,
    window_years: WindowOption = 5,
    chart: ChartOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """A site's story in numbers: launches per year, pads, vehicles, providers, customers, events.

    The terminal shows the busiest pads, families and providers and each era's largest
    foreign customers, each with a count of the rest; ``--all`` shows every row.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(None, wide, all_rows)
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
            "by_provider": "Providers (launch organisations)",
            "by_pad": "Pads",
            "foreign_customers": "Foreign customers by period",
            "sector_mix": "Sector mix by period (launches by primary payload)",
            "mission_mix": "Mission mix by period (launches by primary payload)",
            "event_effects": "Launches per year before/after events (95 % intervals)",
        }
        tables = result.tables()
        for key, title in titles.items():
            frame = tables[key]
            if key in ROWS_PER_ERA and not all_rows:
                shown = ROWS_PER_ERA[key]
                kept = _first_of_each(frame, "era", shown)
                if len(kept) < len(frame):
                    title = (
                        f"{title}: the {shown} largest of each era "
                        f"({len(kept)} of {len(frame)}; --all for every one)"
                    )
                frame = kept
            emit(frame, "table", title=title, listing=PROFILE_LISTINGS[key], choice=choice)


def _first_of_each(table: Rows, key: str, count: int) -> Rows:
    """The first ``count`` rows of each value of ``key``, in their order."""
    at = table.columns.index(key)
    seen: dict[object, int] = {}
    kept = []
    for row in table.rows:
        seen[row[at]] = seen.get(row[at], 0) + 1
        if seen[row[at]] <= count:
            kept.append(row)
    return Rows(table.columns, kept)


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
    where: LaunchFilter,
    choice: Choice,
) -> None:
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    _check_chart(chart)
    first, last = parse_period(start, end)
    if measure not in ("launches", "payloads"):
        raise InputError(f"unknown measure {measure!r}; choose launches or payloads")
    function = api.cadence if kind == "cadence" else api.share
    with api.catalog(home) as con:
        frame = function(
            con,
            by,
            period,
            only=split_names(only) or None,
            start=first,
            end=last,
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
    listing = CADENCE if kind == "cadence" else SHARE
    emit(
        frame,
        fmt,
        title=f"{kind} by {by} per {period}",
        caption=caption,
        listing=listing,
        choice=choice,
    )


CADENCE = Listing(default=("period", "label", "launches", "payloads"), labels={"label": "group"})
SHARE = Listing(
    default=("period", "label", "launches", "launch_share", "payloads", "payload_share"),
    labels={
        "label": "group",
        "launch_share": "share of launches",
        "payload_share": "share of payloads",
    },
)


@app.command()
def cadence(
    by: ByOption = "site",
    period: PeriodOption = "year",
    only: OnlyOption = None,
    sites: SitesOption = None,
    start: FromOption = None,
    end: ToOption = None,
    top: TopOption = None,
    measure: MeasureOption = "launches",
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    chart: ChartOption = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Launches and payloads per year, quarter or month, grouped by site, provider, state or family."""
    only, where = _sites_and_filters(by, only, sites, sector, mission, orbit)
    choice = Choice.of(columns, wide, all_rows)
    _grouped_command(
        "cadence", by, period, only, start, end, top, measure, chart, fmt, home, where, choice
    )


@app.command()
def share(
    by: ByOption = "provider-state",
    period: PeriodOption = "year",
    only: OnlyOption = None,
    sites: SitesOption = None,
    start: FromOption = None,
    end: ToOption = None,
    top: TopOption = None,
    measure: MeasureOption = "launches",
    sector: SectorOption = None,
    mission: MissionOption = None,
    orbit: OrbitOption = None,
    chart: ChartOption = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Market share: each group's fraction of the world's launches and payloads per period."""
    choice = Choice.of(columns, wide, all_rows)
    if measure == "value":
        from cosmodrome.cli.value import share_by_value

        check_format(fmt)
        share_by_value(by, period, start, end, sector, fmt, home, choice)
        return
    only, where = _sites_and_filters(by, only, sites, sector, mission, orbit)
    _grouped_command(
        "share", by, period, only, start, end, top, measure, chart, fmt, home, where, choice
    )


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
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Customers of the chosen providers before the cutoff, and who launched them after it.

    JSON output holds the customers, the flows before and after, and flow-diagram data
    (nodes and links).
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    _check_chart(chart)
    choice = Choice.of(columns, wide, all_rows)
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
        result.customers,
        "table",
        title=f"Customers of {result.selection}, {result.window_from} to {result.cutoff}",
        caption=f"Data: GCAT, J. McDowell, CC BY 4.0; data to {result.data_date}",
        listing=MIGRATION_CUSTOMERS,
        choice=choice,
    )
    emit(
        result.flows,
        "table",
        title=f"Who launched them from {result.cutoff} to {result.data_date}",
        listing=MIGRATION_FLOWS,
        choice=Choice(wide=choice.wide, all_rows=choice.all_rows),
    )


MIGRATION_CUSTOMERS = Listing(
    default=(
        "customer_name",
        "owner_state",
        "status",
        "payloads_before",
        "payloads_after",
        "providers_after",
    ),
    labels={"customer_name": "customer", "owner_state": "state"},
    top=25,
    truncate=frozenset({"providers_after"}),
)
MIGRATION_FLOWS = Listing(
    default=(
        "customer_name",
        "provider_name",
        "provider_state",
        "launches",
        "payloads",
        "last_launch",
    ),
    labels={"customer_name": "customer", "provider_name": "provider", "provider_state": "state"},
    top=25,
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
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

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
