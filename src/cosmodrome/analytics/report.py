"""One self-contained HTML report per site: profile, peers, customers, with charts and data.

The file needs nothing but a browser: charts are inline SVG (text drawn as paths, so no
fonts), the styles are inline, and there are no scripts. Every chart has its data table
right below it (collapsed), and the method notes close the report.

>>> from cosmodrome import api                                              # doctest: +SKIP
>>> with api.catalog() as con:                                              # doctest: +SKIP
...     Path("baikonur.html").write_text(api.site_report(con, "Baikonur"), "utf-8")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import duckdb
import jinja2
import pandas as pd
from markupsafe import Markup, escape

from cosmodrome.analytics import charts
from cosmodrome.analytics.cadence import cadence
from cosmodrome.analytics.common import source_line
from cosmodrome.analytics.events import DEFAULT_EVENTS, Event
from cosmodrome.analytics.migration import Migration, customer_migration
from cosmodrome.analytics.profile import SiteProfile, site_profile
from cosmodrome.catalog.db import meta
from cosmodrome.display import column_label, format_value
from cosmodrome.tables import Rows, json_safe
from cosmodrome.text import name_list

METHOD_NOTES = (
    "Source: GCAT, the General Catalog of Artificial Space Objects by J. McDowell "
    "(planet4589.org), CC BY 4.0. One launch is one GCAT launch tag; one payload is one row of "
    "GCAT's launch log. Times are UTC; years, quarters and months are UTC calendar periods.",
    "Outcomes follow GCAT's launch code (docs/SCHEMA.md): a success is a code whose result letter "
    "is S (OS, DS, and partial successes such as OS75); everything else, partial failures "
    "included (OF40), counts as a failure.",
    "Attribution: a launch's provider is its GCAT agency and that agency's state at launch; a "
    "payload's customer is its owner organisation (owners sharing a GCAT ucode are one customer) "
    "and the owner's state. A payload is domestic when its owner state equals the provider state "
    "(the Soviet Union and Russia counting as one), foreign otherwise.",
    "Sites are the catalog's canonical sites: GCAT's grouping of site codes over time, regrouped "
    "by the curated spaceports (Plesetsk includes GCAT's GNIIP codes of 1993-1995; Vostochny is "
    "kept apart from Svobodny, which GCAT files it under). Counts cover launches from Earth: "
    "GCAT's lunar ascents are left out.",
    "Event comparison: the mean number of launches per year in the window before each event and "
    "in the window after it (shorter when the data end first). Intervals are exact (Garwood) "
    "95 % Poisson intervals for each rate; the rate ratio uses the exact conditional binomial "
    "interval. The Poisson model treats the rate as constant inside a window, so real "
    "year-to-year swings make the true uncertainty larger.",
    "Launch value: each launch at its configuration's price in its year (Next Spaceflight's "
    "list prices, CSIS's dated cost estimates, cited contract values), else carried from the "
    "nearest dated price of the configuration or its family with a range that widens by 4 % a "
    "year, else unknown (counted, never 0); constant US dollars by the BLS CPI-U. A provider "
    "launching its own payload (Starlink) is captive, kept apart from the market "
    "(docs/VALUE.md).",
    "Customer migration: customers with a payload on the selected launches in the window before "
    "the cutoff, followed through every payload they launched from the cutoff to the data date. "
    "Status: stayed (all later payloads on selected launches), moved (none), split (some), none "
    "since (no payload launched since the cutoff).",
)


@dataclass
class _Table:
    title: str
    html: Markup
    rows: int
    open: bool = False


@dataclass
class _Section:
    id: str
    title: str
    text: str = ""
    chart: Markup | None = None
    caption: str = ""
    tables: list[_Table] = field(default_factory=list)


def site_report(
    con: duckdb.DuckDBPyConnection,
    site: str,
    *,
    peers: Sequence[str] | None = None,
    events: Sequence[Event] = DEFAULT_EVENTS,
    cutoff: date | None = None,
    window_years: int = 5,
    since_year: int | None = None,
) -> str:
    """The HTML text of the report on ``site``.

    ``peers`` are the sites to compare cadence with (default: the busiest sites of the same
    provider states over the last ten years, and the world's three busiest); ``cutoff`` is the
    customer-migration cutoff (default: the latest event inside the data); the migration
    follows the customers of the providers that launched from the site in the ``window_years``
    before it. ``since_year`` starts the peer comparison (default: 25 years before the data).
    """
    source = source_line(con)
    profile = site_profile(con, site, events=events, window_years=window_years)
    end = profile.data_date
    chosen_cutoff = cutoff or _default_cutoff(profile.events, end)
    start_year = since_year or end.year - 24
    peer_names = list(peers) if peers is not None else _default_peers(con, profile.sites, end)
    peer_frame = cadence(
        con, "site", only=[site, *peer_names], start=date(start_year, 1, 1)
    ).to_frame()
    providers = _providers_in(con, profile.sites, chosen_cutoff, window_years)
    migration = (
        customer_migration(con, chosen_cutoff, providers=list(providers), window_years=window_years)
        if providers
        else None
    )
    sections = [
        _profile_section(profile, source),
        _events_section(profile, source, window_years),
        _breakdown_section(profile),
        _mix_section(profile),
        _value_section(con, site, profile.name, end),
        _next_year_section(con, site, profile.name),
        _customers_section(profile),
        _peers_section(peer_frame, profile.name, source, start_year),
        _migration_section(migration, profile.name, sorted(set(providers.values())), source),
    ]
    info = meta(con)
    totals = profile.totals
    facts = [
        ("launches", f"{totals['launches']:,}"),
        ("successes", f"{totals['successes']:,}"),
        ("failures", f"{totals['failures']:,}"),
        ("payloads", f"{totals['payloads']:,}"),
        ("foreign payloads", f"{totals['foreign_payloads']:,}"),
        ("first launch", str(totals["first_launch"])),
        ("last launch", str(totals["last_launch"])),
    ]
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=f"{profile.name}: the site's story in numbers",
        lead=(
            f"Orbital launches from {profile.name} (GCAT site codes {', '.join(profile.sites)}) "
            f"to {end.isoformat()}, who provided them, whose payloads they carried, how the "
            "cadence changed around key events and where the providers' customers went."
        ),
        facts=facts,
        sections=sections,
        notes=METHOD_NOTES,
        source=source,
        catalog_version=info.get("catalog_version", "unknown"),
        generated_utc=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _environment() -> jinja2.Environment:
    folder = resources.files("cosmodrome.analytics").joinpath("templates")
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text("utf-8")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _svg(fig: Any) -> Markup:
    return Markup(charts.svg_text(fig))


def _table(title: str, table: pd.DataFrame | Rows, *, open_: bool = False) -> _Table:
    """An HTML table of ``table`` for people: names, never bare codes (a code column with a
    ``<column>_name`` beside it shows the name under the code column's header), headers in
    words (the column's data name in its ``title``); numbers right-aligned, cells escaped."""
    frame = _names_for_codes(table.to_frame() if isinstance(table, Rows) else table)
    numeric = [
        pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in frame.dtypes
    ]
    head = "".join(
        f'<th{_num(n)} title="{escape(str(c))}">{escape(column_label(str(c)))}</th>'
        for c, n in zip(frame.columns, numeric, strict=True)
    )
    body = []
    columns = [str(c) for c in frame.columns]
    for row in frame.itertuples(index=False):
        cells = "".join(
            f"<td{_num(n)}>{escape(_cell(c, v))}</td>"
            for c, v, n in zip(columns, row, numeric, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    html = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return _Table(title, Markup(html), len(frame), open_)


def _names_for_codes(frame: pd.DataFrame) -> pd.DataFrame:
    codes = [c for c in frame.columns if f"{c}_name" in frame.columns]
    if not codes:
        return frame
    named = frame.assign(**{f"{c}_name": frame[f"{c}_name"].fillna(frame[c]) for c in codes})
    return named.drop(columns=codes).rename(columns={f"{c}_name": c for c in codes})


def _num(numeric: bool) -> str:
    return ' class="num"' if numeric else ""


def _cell(column: str, value: Any) -> str:
    """A cell at its quantity's display precision (:mod:`cosmodrome.display`, the same rules
    as the CLI's tables and the dashboard's)."""
    return format_value(column, json_safe(value))


def _profile_section(profile: SiteProfile, source: str) -> _Section:
    return _Section(
        "profile",
        "Launches and payloads per year",
        chart=_svg(charts.profile_chart(profile, source)),
        caption=(
            "Top: launches per UTC year, successes and failures, with the event markers. "
            "Bottom: payloads per year, domestic or foreign customers."
        ),
        tables=[
            _table("Data: per year", profile.yearly),
            _table("Busiest years", profile.busiest_years, open_=True),
        ],
    )


def _events_section(profile: SiteProfile, source: str, window_years: int) -> _Section:
    effects = profile.event_effects
    text = (
        f"Mean launches per year in the {window_years} years before and after each event, with "
        "95 % confidence intervals. A rate ratio below 1 means fewer launches after the event."
    )
    if not len(effects):
        return _Section(
            "events", "Cadence around events", text="No event falls inside this site's history."
        )
    return _Section(
        "events",
        "Cadence around events",
        text=text,
        chart=_svg(charts.event_effects_chart(profile, source)),
        caption="Dots: mean launches per year; bars: 95 % Poisson confidence intervals.",
        tables=[_table("Data: before/after comparison", effects)],
    )


def _breakdown_section(profile: SiteProfile) -> _Section:
    return _Section(
        "breakdown",
        "Pads, vehicle families and providers",
        tables=[
            _table("Vehicle families", profile.by_family, open_=True),
            _table("Providers (launch agencies)", profile.by_provider, open_=True),
            _table("Pads", profile.by_pad),
        ],
    )


def _mix_section(profile: SiteProfile) -> _Section:
    return _Section(
        "mix",
        "Who flew, and what: sector and mission mix by period",
        text=(
            "Per period between the events: launches counted by their primary payload (the "
            "payload the launch was for: GCAT's piece A with a known mission) and all payloads, "
            "by the "
            "payload's sector (GCAT class: commercial, civil, military, academic, mixed) and "
            "main mission (GCAT category)."
        ),
        tables=[
            _table("Sector mix by period", profile.sector_mix, open_=True),
            _table("Mission mix by period", profile.mission_mix, open_=True),
        ],
    )


#: Years of launch value the report shows.
VALUE_YEARS = 10


def _value_section(con: duckdb.DuckDBPyConnection, site: str, name: str, end: date) -> _Section:
    """What the site's launches of the last ten years were worth, per year, captive apart."""
    from cosmodrome.analytics.value import launch_value
    from cosmodrome.catalog.queries import LaunchFilter

    rows = launch_value(
        con, "market", start=date(end.year - VALUE_YEARS + 1, 1, 1), where=LaunchFilter(site=site)
    ).to_frame()
    if rows.empty:
        return _Section("value", "Launch value", text=f"No launch from {name} in ten years.")
    market = rows[~rows["captive"]].groupby("period")
    captive = rows[rows["captive"]].groupby("period")["value_musd"].sum(min_count=1)
    table = (
        pd.DataFrame(
            {
                "market_value_musd": market["value_musd"].sum(min_count=1),
                "low_musd": market["low_musd"].sum(min_count=1),
                "high_musd": market["high_musd"].sum(min_count=1),
                "captive_value_musd": captive,
                "launches": rows.groupby("period")["launches"].sum(),
                "launches_valued": rows.groupby("period")["launches_valued"].sum(),
            }
        )
        .rename_axis("year")
        .reset_index()
    )
    dollars = int(rows["dollar_year"].iloc[0])
    total = table["market_value_musd"].sum()
    valued, launches = int(table["launches_valued"].sum()), int(table["launches"].sum())
    text = (
        f"Launches from {name} since {table['year'].iloc[0]} were worth about "
        f"US$ {total:,.0f} million of {dollars} to their providers' customers "
        f"({table['low_musd'].sum():,.0f}-{table['high_musd'].sum():,.0f} million), "
        "captive launches apart; "
        + (
            f"every one of the {launches:,} launches has a price."
            if valued == launches
            else f"{valued:,} of {launches:,} launches have a price, the rest are unknown "
            "(not counted as 0)."
        )
    )
    return _Section(
        "value",
        "Launch value",
        text=text,
        tables=[_table(f"Launch value per year (US$ millions of {dollars})", table, open_=True)],
    )


def _next_year_section(con: duckdb.DuckDBPyConnection, site: str, name: str) -> _Section:
    """Launches expected next year, with their 80 % and 95 % intervals, or why none can be
    said (docs/FORECASTS.md)."""
    from cosmodrome.errors import ThinHistoryError
    from cosmodrome.forecast.cadence import CadenceRequest, forecast

    title = "Next year"
    try:
        answer = forecast(con, CadenceRequest(by="site", sites=(site,), manifest=False))
    except ThinHistoryError as error:
        return _Section("next-year", title, text=f"No forecast for {name}: {error}.")
    row = answer.rows[0]
    years = answer.rests_on["years"]
    text = (
        f"In {answer.year}, {name} can expect about {row['mean']:.0f} launches (median "
        f"{row['median']}; 80 % interval {row['low_80']}-{row['high_80']}, 95 % interval "
        f"{row['low_95']}-{row['high_95']}), from its launches of {years[0]}-{years[1]} "
        f"(to {answer.rests_on['known_to']}): a negative binomial over the last eight years' "
        "trend, its intervals backtested over 2010-2024 in docs/FORECASTS.md; scheduled "
        "launches are not counted here (`cosmodrome forecast --by site` adds new vehicles')."
    )
    return _Section("next-year", title, text=text)


def _customers_section(profile: SiteProfile) -> _Section:
    return _Section(
        "customers",
        "Foreign customers by period",
        text=(
            "Payload owners whose state differs from the launch provider's state, per period "
            "between the events."
        ),
        tables=[
            _table("Foreign customers by period", profile.foreign_customers, open_=True),
            _table("Payloads by owner state and year", profile.payloads_by_owner_state),
        ],
    )


def _peers_section(frame: pd.DataFrame, name: str, source: str, start_year: int) -> _Section:
    fig = charts.cadence_chart(
        frame,
        source,
        by="site",
        title=f"{name} and peer sites: orbital launches per year since {start_year}",
    )
    return _Section(
        "peers",
        "Cadence against peer sites",
        chart=_svg(fig),
        caption="Launches per UTC year from each site (spaceport groups of GCAT sites).",
        tables=[_table("Data: launches per year and site", frame)],
    )


def _migration_section(
    migration: Migration | None, name: str, providers: list[str], source: str
) -> _Section:
    if migration is None:
        return _Section(
            "migration",
            "Customer migration",
            text=f"No provider launched from {name} in the window before the cutoff.",
        )
    statuses = migration.customers.column("status")
    moved, stayed = statuses.count("moved"), statuses.count("stayed")
    text = (
        f"Customers of the providers that launched from {name} ({name_list(providers)}) between "
        f"{migration.window_from} and {migration.cutoff}: {len(migration.customers)} customers, "
        f"{moved} moved to other providers, {stayed} stayed."
    )
    return _Section(
        "migration",
        f"Customer migration after {migration.cutoff}",
        text=text,
        chart=_svg(charts.migration_chart(migration, source)),
        caption="Band widths are payloads; the twelve customers with most payloads before the cutoff.",
        tables=[
            _table("Customers and their status", migration.customers, open_=True),
            _table("Who launched them after the cutoff", migration.flows),
            _table("Who launched them before the cutoff", migration.flows_before),
        ],
    )


def _default_cutoff(events: Sequence[Event], end: date) -> date:
    inside = [e.day for e in events if e.day <= end]
    return max(inside) if inside else end - timedelta(days=365)


def _default_peers(con: duckdb.DuckDBPyConnection, ucodes: list[str], end: date) -> list[str]:
    """Busiest sites of the site's provider states in the last ten years, then the world's."""
    since = date(end.year - 9, 1, 1)
    rows = con.execute(
        """WITH recent AS (SELECT * FROM launches WHERE (time_utc AT TIME ZONE 'UTC')::DATE >= ?),
                states AS (SELECT DISTINCT provider_state FROM recent WHERE list_contains(?, site))
           SELECT site, count(*) AS n, bool_or(provider_state IN (SELECT * FROM states)) AS same
           FROM recent WHERE site NOT IN (SELECT unnest(?)) GROUP BY site
           ORDER BY same DESC, n DESC""",
        [since, ucodes, ucodes],
    ).fetchall()
    same = [site for site, _, flag in rows if flag][:4]
    world = [site for site, _, _ in sorted(rows, key=lambda r: -r[1]) if site not in same][:3]
    return same + world


def _providers_in(
    con: duckdb.DuckDBPyConnection, ucodes: list[str], cutoff: date, window_years: int
) -> dict[str, str]:
    """The agencies that launched from the sites ``ucodes`` in the window before ``cutoff``:
    code -> the name tables show it by."""
    start = date(cutoff.year - window_years, cutoff.month, min(cutoff.day, 28))
    rows = con.execute(
        """SELECT split_part(agency, '/', 1), any_value(agency_name) FROM launches
           WHERE list_contains(?, site) AND (time_utc AT TIME ZONE 'UTC')::DATE >= ?
             AND (time_utc AT TIME ZONE 'UTC')::DATE < ? AND agency IS NOT NULL
           GROUP BY 1 ORDER BY 1""",
        [ucodes, start, cutoff],
    ).fetchall()
    return {str(agency): str(shown or agency) for agency, shown in rows if agency}
